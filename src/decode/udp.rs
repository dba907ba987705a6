//! UDP, and the tunnels that ride on it: VXLAN (RFC 7348, port 4789),
//! Geneve (RFC 8926, port 6081) and GTP-U (3GPP TS 29.281, port 2152).
//! A datagram to or from a tunnel port is opened; others are summarised by
//! their ports. More ports can be given per tunnel kind ([`TunnelPorts`],
//! `--tunnel-port vxlan:8472`).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use std::fmt;
use std::str::FromStr;

use super::{Network, by_ethertype};
use crate::segment::TunnelKind;

/// A tunnel carried over UDP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UdpTunnel {
    /// VXLAN: 8-byte header, then Ethernet.
    Vxlan,
    /// Geneve: 8-byte header plus options, then what its protocol says.
    Geneve,
    /// GTP-U: 8-byte header plus optional fields, then IP.
    GtpU,
}

impl UdpTunnel {
    const ALL: [(UdpTunnel, &'static str, u16); 3] = [
        (UdpTunnel::Vxlan, "vxlan", 4789),
        (UdpTunnel::Geneve, "geneve", 6081),
        (UdpTunnel::GtpU, "gtpu", 2152),
    ];
}

impl fmt::Display for UdpTunnel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = UdpTunnel::ALL
            .iter()
            .find(|(t, _, _)| t == self)
            .map_or("?", |(_, n, _)| n);
        f.write_str(name)
    }
}

/// The UDP ports decoded as tunnels: the standard ones plus any added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TunnelPorts {
    extra: Vec<(u16, UdpTunnel)>,
}

/// The standard ports only.
pub(crate) static STANDARD: TunnelPorts = TunnelPorts { extra: Vec::new() };

impl TunnelPorts {
    /// Also decode UDP `port` as `tunnel`.
    pub fn add(&mut self, tunnel: UdpTunnel, port: u16) {
        self.extra.push((port, tunnel));
    }

    /// The tunnel on `port`, if any.
    pub fn lookup(&self, port: u16) -> Option<UdpTunnel> {
        UdpTunnel::ALL
            .iter()
            .find(|(_, _, p)| *p == port)
            .map(|(t, _, _)| *t)
            .or_else(|| self.extra.iter().find(|(p, _)| *p == port).map(|(_, t)| *t))
    }
}

/// One `--tunnel-port` value: `vxlan:8472`, `geneve:6082`, `gtpu:2153`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TunnelPort(pub UdpTunnel, pub u16);

impl FromStr for TunnelPort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (kind, port) = s
            .split_once(':')
            .ok_or_else(|| format!("`{s}`: expected KIND:PORT, e.g. vxlan:8472"))?;
        let tunnel = UdpTunnel::ALL
            .iter()
            .find(|(_, n, _)| n.eq_ignore_ascii_case(kind))
            .map(|(t, _, _)| *t)
            .ok_or_else(|| format!("`{kind}`: unknown tunnel; use vxlan, geneve or gtpu"))?;
        let port = port
            .parse()
            .map_err(|_| format!("`{port}`: not a UDP port (1-65535)"))?;
        if port == 0 {
            return Err("port 0 is not a UDP port".into());
        }
        Ok(TunnelPort(tunnel, port))
    }
}

/// What a UDP datagram was.
pub(crate) enum Udp<'a> {
    /// A tunnel: its note and the packet inside.
    Tunnel(TunnelKind, Network<'a>),
    /// A plain datagram (ports, when the header was captured).
    Plain(Option<(u16, u16)>),
}

/// Length of the UDP header.
const HEADER_LEN: usize = 8;

/// Reads a UDP header and opens a tunnel on a known port.
pub(crate) fn parse<'a>(data: &'a [u8], ports: &TunnelPorts) -> Udp<'a> {
    let Some(h) = data.get(..HEADER_LEN) else {
        return Udp::Plain(None);
    };
    let (sport, dport) = (
        u16::from_be_bytes([h[0], h[1]]),
        u16::from_be_bytes([h[2], h[3]]),
    );
    let body = &data[HEADER_LEN..];
    let tunnel = ports.lookup(dport).or_else(|| ports.lookup(sport));
    let opened = match tunnel {
        Some(UdpTunnel::Vxlan) => vxlan(body),
        Some(UdpTunnel::Geneve) => geneve(body),
        Some(UdpTunnel::GtpU) => gtpu(body),
        None => None,
    };
    match opened {
        Some((kind, inner)) => Udp::Tunnel(kind, inner),
        None => Udp::Plain(Some((sport, dport))),
    }
}

fn be24(b: &[u8]) -> u32 {
    u32::from_be_bytes([0, b[0], b[1], b[2]])
}

/// VXLAN: flags (I = 0x08: VNI valid), 3 reserved, VNI (24 bits), 1
/// reserved; then an Ethernet frame.
fn vxlan(body: &[u8]) -> Option<(TunnelKind, Network<'_>)> {
    let h = body.get(..8)?;
    Some((
        TunnelKind::Vxlan {
            vni: be24(&h[4..7]),
        },
        Network::Ethernet(&body[8..]),
    ))
}

/// Geneve: version (2 bits) and option length (6 bits, 4-byte words),
/// flags, protocol type, VNI (24 bits), reserved; options; then the
/// payload its protocol type names.
fn geneve(body: &[u8]) -> Option<(TunnelKind, Network<'_>)> {
    let h = body.get(..8)?;
    if h[0] >> 6 != 0 {
        return None;
    }
    let len = 8 + usize::from(h[0] & 0x3f) * 4;
    let rest = body.get(len..)?;
    let protocol = u16::from_be_bytes([h[2], h[3]]);
    Some((
        TunnelKind::Geneve {
            vni: be24(&h[4..7]),
        },
        by_ethertype(protocol, rest),
    ))
}

/// GTP-U (version 1): flags (E, S, PN), message type (255: G-PDU), length,
/// TEID; 4 more bytes when any of E/S/PN is set; extension headers while
/// the next-extension type is not 0; then an IP packet.
fn gtpu(body: &[u8]) -> Option<(TunnelKind, Network<'_>)> {
    let h = body.get(..8)?;
    if h[0] >> 5 != 1 || h[0] & 0x10 == 0 || h[1] != 0xff {
        return None;
    }
    let teid = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
    let mut at = 8;
    if h[0] & 0x07 != 0 {
        let opt = body.get(8..12)?;
        at = 12;
        let mut next = if h[0] & 0x04 != 0 { opt[3] } else { 0 };
        // Each extension: length in 4-byte words, content, next type.
        for _ in 0..16 {
            if next == 0 {
                break;
            }
            let words = usize::from(*body.get(at)?);
            if words == 0 {
                return None;
            }
            at += words * 4;
            next = *body.get(at - 1)?;
        }
        if next != 0 {
            return None;
        }
    }
    let rest = body.get(at..)?;
    let inner = match rest.first()? >> 4 {
        4 => Network::Ipv4(rest),
        6 => Network::Ipv6(rest),
        _ => return None,
    };
    Some((TunnelKind::GtpU { teid }, inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp(sport: u16, dport: u16, body: &[u8]) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&sport.to_be_bytes());
        d.extend_from_slice(&dport.to_be_bytes());
        d.extend_from_slice(&((8 + body.len()) as u16).to_be_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(body);
        d
    }

    fn opened<'a>(d: &'a [u8], ports: &TunnelPorts) -> Option<(TunnelKind, Network<'a>)> {
        match parse(d, ports) {
            Udp::Tunnel(k, n) => Some((k, n)),
            Udp::Plain(_) => None,
        }
    }

    #[test]
    fn vxlan_geneve_gtpu() {
        let d = udp(50000, 4789, &[0x08, 0, 0, 0, 0, 0, 42, 0, 0xee]);
        assert_eq!(
            opened(&d, &STANDARD),
            Some((TunnelKind::Vxlan { vni: 42 }, Network::Ethernet(&[0xee])))
        );
        // Geneve with one 4-byte option, carrying IPv4.
        let d = udp(1, 6081, &[1, 0, 0x08, 0x00, 0, 0, 7, 0, 1, 2, 3, 4, 0x45]);
        assert_eq!(
            opened(&d, &STANDARD),
            Some((TunnelKind::Geneve { vni: 7 }, Network::Ipv4(&[0x45])))
        );
        // GTP-U with a sequence number and one extension header.
        let d = udp(
            2152,
            2152,
            &[
                0x36, 0xff, 0, 0, 0, 0, 1, 2, 0, 1, 0, 0x85, 1, 0xaa, 0xbb, 0, 0x45,
            ],
        );
        assert_eq!(
            opened(&d, &STANDARD),
            Some((TunnelKind::GtpU { teid: 0x102 }, Network::Ipv4(&[0x45])))
        );
        // GTP-U signalling (echo request) is not a G-PDU.
        let d = udp(2152, 2152, &[0x32, 0x01, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(opened(&d, &STANDARD), None);
    }

    #[test]
    fn extra_ports_and_flag_values() {
        let d = udp(50000, 8472, &[0x08, 0, 0, 0, 0, 0, 42, 0, 0xee]);
        assert!(opened(&d, &STANDARD).is_none());
        assert!(matches!(
            parse(&d, &STANDARD),
            Udp::Plain(Some((50000, 8472)))
        ));
        let mut ports = TunnelPorts::default();
        let TunnelPort(t, p) = "vxlan:8472".parse().unwrap();
        ports.add(t, p);
        assert!(opened(&d, &ports).is_some());
        assert!("vxlan".parse::<TunnelPort>().is_err());
        assert!("ipsec:1".parse::<TunnelPort>().is_err());
        assert!("geneve:0".parse::<TunnelPort>().is_err());
        assert!("gtpu:70000".parse::<TunnelPort>().is_err());
        assert_eq!(UdpTunnel::GtpU.to_string(), "gtpu");
        assert!(matches!(parse(&[0, 1, 0], &STANDARD), Udp::Plain(None)));
    }
}
