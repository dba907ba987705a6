//! When a capture holds no TCP at all, saying why: a tally of what its
//! frames are instead ("3 are UDP port 53 (DNS), 1 is ARP"), with a hint
//! when one applies (a VXLAN tunnel on Linux's old port, a link type synack
//! cannot read).
//!
//! [`Census`] is pure: it tallies decoded frames. [`of`] is the edge that
//! reads a capture again through the one [`crate::feed`], the census its
//! sink, to fill one (never a pipe already read:
//! [`summary_of`] then gives the read's skipped counts); it runs only on
//! the error path, so the replay's hot loop carries no cost for it.

use std::fmt::Write as _;
use std::ops::ControlFlow;

use crate::capture::{CaptureError, Frame, LinkType, Source};
use crate::conversation::Skipped;
use crate::decode::{Decoded, TunnelPorts};
use crate::feed::{Fed, Feed, Sink, no_progress};

/// What one frame was, for the tally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    /// UDP, by its service port (the well-known one, else the lower).
    Udp(u16),
    /// ICMP (v4 or v6) that quotes no TCP.
    Icmp { v6: bool },
    /// Another IP protocol, by number.
    Ip(u8),
    /// Not IP, by EtherType where the link layer has one.
    EtherType(u16),
    /// Not IP, on a link layer without an EtherType.
    NotIp,
    /// An IP fragment whose other parts never came.
    Fragment,
    /// Too short or inconsistent to decode.
    Malformed,
    /// A link type synack cannot decode.
    Link(LinkType),
    /// TCP (or an ICMP error quoting it).
    Tcp,
}

/// Well-known UDP ports, named in the message.
const UDP_NAMES: &[(u16, &str)] = &[
    (53, "DNS"),
    (67, "DHCP"),
    (68, "DHCP"),
    (69, "TFTP"),
    (123, "NTP"),
    (137, "NetBIOS"),
    (138, "NetBIOS"),
    (161, "SNMP"),
    (162, "SNMP trap"),
    (443, "QUIC"),
    (500, "IKE"),
    (514, "syslog"),
    (546, "DHCPv6"),
    (547, "DHCPv6"),
    (1900, "SSDP"),
    (2152, "GTP-U"),
    (3478, "STUN"),
    (4500, "IPsec NAT-T"),
    (4789, "VXLAN"),
    (5353, "mDNS"),
    (5355, "LLMNR"),
    (6081, "Geneve"),
    (8472, "VXLAN on Linux's old port"),
];

fn udp_name(port: u16) -> Option<&'static str> {
    UDP_NAMES
        .iter()
        .find(|(p, _)| *p == port)
        .map(|(_, name)| *name)
}

fn ethertype_name(t: u16) -> Option<&'static str> {
    Some(match t {
        0x0806 => "ARP",
        0x8035 => "RARP",
        0x88cc => "LLDP",
        0x888e => "EAPOL",
        0x8863 => "PPPoE discovery",
        0x88f7 => "PTP",
        0x8809 => "LACP",
        0x22f0 => "AVTP",
        0x9000 => "loopback test",
        t if t < 0x0600 => "802.3 / LLC (spanning tree, CDP ...)",
        _ => return None,
    })
}

impl Kind {
    fn describe(self) -> String {
        match self {
            Kind::Udp(port) => match udp_name(port) {
                Some(name) => format!("UDP port {port} ({name})"),
                None => format!("UDP port {port}"),
            },
            Kind::Icmp { v6: false } => "ICMP".into(),
            Kind::Icmp { v6: true } => "ICMPv6".into(),
            Kind::Ip(p) => format!("IP protocol {p}{}", ip_protocol_name(p)),
            Kind::EtherType(t) => match ethertype_name(t) {
                Some(name) => format!("{name} (EtherType 0x{t:04x})"),
                None => format!("EtherType 0x{t:04x}"),
            },
            Kind::NotIp => "not IP".into(),
            Kind::Fragment => "IP fragments whose other parts were not captured".into(),
            Kind::Malformed => "malformed (too short or inconsistent to decode)".into(),
            Kind::Link(l) => format!("of link type {l}, which synack cannot decode"),
            Kind::Tcp => "TCP".into(),
        }
    }

    /// What a user might do about frames of this kind, if anything.
    fn hint(self) -> Option<String> {
        match self {
            Kind::Udp(8472) => Some(
                "if that is VXLAN (Linux's default before port 4789), add --tunnel-port vxlan:8472"
                    .into(),
            ),
            Kind::Udp(port @ (4789 | 6081 | 2152)) => Some(format!(
                "the {} tunnels on port {port} were opened and carry no TCP",
                udp_name(port).unwrap_or("UDP")
            )),
            Kind::Link(_) => Some(
                "synack reads Ethernet, Linux cooked, raw IP, loopback, PPP, HDLC, 802.11 and a few more; convert with `editcap -T` if the frames hold IP"
                    .into(),
            ),
            Kind::Fragment => {
                Some("the capture holds only some fragments of these IP packets".into())
            }
            _ => None,
        }
    }
}

fn ip_protocol_name(p: u8) -> &'static str {
    match p {
        2 => " (IGMP)",
        4 => " (IP in IP)",
        41 => " (IPv6 in IP)",
        47 => " (GRE)",
        50 => " (ESP)",
        51 => " (AH)",
        89 => " (OSPF)",
        103 => " (PIM)",
        112 => " (VRRP)",
        132 => " (SCTP)",
        _ => "",
    }
}

/// The EtherType of a non-IP frame, where the link layer has one (VLAN
/// tags skipped).
fn ethertype(frame: &Frame<'_>) -> Option<u16> {
    let d = frame.data;
    let be = |at: usize| d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    match frame.link {
        LinkType::Ethernet => {
            let mut at = 12;
            while let Some(0x8100 | 0x88a8 | 0x9100) = be(at) {
                at += 4;
            }
            be(at)
        }
        LinkType::LinuxSll => be(14),
        LinkType::LinuxSll2 => be(0),
        _ => None,
    }
}

/// A tally of what a capture's frames were.
#[derive(Debug, Default)]
pub struct Census {
    counts: Vec<(Kind, u64)>,
    frames: u64,
}

impl Census {
    /// Counts one frame as it decoded.
    pub fn add(&mut self, frame: &Frame<'_>, decoded: &Decoded) {
        let kind = match decoded {
            Decoded::Tcp(_) | Decoded::IcmpError(_) => Kind::Tcp,
            Decoded::Datagram(d) => match (d.protocol, d.ports) {
                (17, Some((sport, dport))) => Kind::Udp(service_port(sport, dport)),
                (1, _) => Kind::Icmp { v6: false },
                (58, _) => Kind::Icmp { v6: true },
                (p, _) => Kind::Ip(p),
            },
            Decoded::NotTcp => ethertype(frame).map_or(Kind::NotIp, Kind::EtherType),
            Decoded::Fragment => Kind::Fragment,
            Decoded::Malformed => Kind::Malformed,
            Decoded::UnsupportedLink => Kind::Link(frame.link),
        };
        self.frames += 1;
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((kind, 1)),
        }
    }

    /// "3 are UDP port 53 (DNS), 1 is ARP (EtherType 0x0806)" for the three
    /// most common kinds (and how many frames the others are), then the
    /// hint for the most common kind that has one.
    pub fn summary(&self) -> String {
        let mut sorted = self.counts.clone();
        sorted.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let mut parts: Vec<String> = sorted
            .iter()
            .take(3)
            .map(|(k, n)| {
                format!(
                    "{n} {} {}",
                    if *n == 1 { "is" } else { "are" },
                    k.describe()
                )
            })
            .collect();
        let rest: u64 = sorted.iter().skip(3).map(|(_, n)| n).sum();
        if rest > 0 {
            parts.push(format!("{rest} other"));
        }
        let mut s = parts.join(", ");
        if let Some(hint) = sorted.iter().find_map(|(k, _)| k.hint()) {
            let _ = write!(s, " — {hint}");
        }
        s
    }
}

/// The port that names a UDP flow's service: a well-known one, else the
/// only one below the ephemeral range (32768 and up on Linux, 49152 and up
/// by IANA), else the destination.
fn service_port(sport: u16, dport: u16) -> u16 {
    const EPHEMERAL: u16 = 32768;
    match (udp_name(sport), udp_name(dport)) {
        (None, Some(_)) => dport,
        (Some(_), None) => sport,
        _ if sport < EPHEMERAL && dport >= EPHEMERAL => sport,
        _ => dport,
    }
}

/// Reads `source` again and tallies what its frames are (with the same
/// tunnel ports as the replay). Damage ends the tally where it ends the
/// replay.
pub fn of(source: &Source, ports: TunnelPorts) -> Result<Census, CaptureError> {
    let mut reader = source.reader()?;
    let mut census = Census::default();
    Feed::with_ports(ports).run(&mut reader, &mut census, &mut no_progress)?;
    Ok(census)
}

/// The census as a feed's sink: it tallies every frame.
impl Sink for Census {
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        self.add(&fed.frame, &decoded);
        ControlFlow::Continue(())
    }
}

/// What the frames of `source` are, for the message about a capture
/// without TCP: its census when it can be read again, else what the read
/// skipped (`skipped`: a pipe read once).
pub fn summary_of(source: &Source, ports: TunnelPorts, skipped: Skipped) -> String {
    source
        .rereadable()
        .then(|| of(source, ports).ok())
        .flatten()
        .map_or_else(|| skipped.to_string(), |c| c.summary())
}

#[cfg(test)]
mod tests;
