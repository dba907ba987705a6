//! Decoding captured frames into owned TCP [`Segment`]s: link layer (one
//! file per link type: Ethernet with 802.1Q/802.1ad/802.1BR tags, Linux
//! cooked v1/v2, raw IP, BSD loopback, PPP, Cisco HDLC, PPPoE, ARCNET,
//! Juniper, IP over InfiniBand, 802.11 with radiotap or PPI) → MPLS →
//! IPv4/IPv6 (with extension headers, fragments reassembled) → tunnels
//! (IP-in-IP, GRE, VXLAN, Geneve, GTP-U: decoding starts again inside) →
//! TCP header and options, or an ICMP error quoting TCP.
//!
//! Decoding never panics: every length is checked before a `pnet` view is
//! built or sliced, and anything short or inconsistent is reported as
//! [`Decoded::Malformed`]. The TCP payload length comes from the IP length
//! fields, so captures cut short by a snap length still give the right
//! segment lengths.
//!
//! [`decode`] is stateless (fragments come back as [`Decoded::Fragment`]);
//! a [`Decoder`] keeps the IP reassembly queues between frames and is what
//! replays and live captures feed. A plain Ethernet/IPv4/TCP frame takes
//! the same path either way and allocates nothing besides its segment.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

mod arcnet;
mod defrag;
mod ethernet;
mod gre;
mod hdlc;
mod icmp;
mod ieee80211;
mod ip;
mod ipoib;
mod juniper;
mod mpls;
mod null;
mod ppi;
mod ppp;
mod pppoe;
mod radiotap;
mod raw;
mod sll;
mod sll2;
mod tcp;
mod udp;

use std::net::IpAddr;

use crate::capture::{Frame, LinkType};
use crate::segment::{Carried, IcmpError, Segment, Tunnel};

pub use defrag::DefragStats;
pub use udp::{TunnelPort, TunnelPorts, UdpTunnel};

/// What a frame turned out to be.
// The segment is returned by value, as the contract says: callers move it
// straight into the conversation model, and the other variants are rare.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// A TCP segment.
    Tcp(Segment),
    /// An ICMP/ICMPv6 error quoting a TCP segment: an event for the
    /// connection it quotes, not a segment of it.
    IcmpError(Box<IcmpError>),
    /// An IP packet of another transport (UDP, ICMP that quotes no TCP,
    /// ...): what a summary of the capture or a datagram view needs.
    Datagram(Datagram),
    /// Not IP at all (ARP, LLDP, 802.11 management ...): counted and
    /// skipped.
    NotTcp,
    /// An IP fragment held for reassembly (or, without a [`Decoder`],
    /// skipped).
    Fragment,
    /// Malformed or truncated below the TCP header: counted and skipped.
    Malformed,
    /// The frame's link type is not one the decoder understands.
    UnsupportedLink,
}

/// An IP packet that carried something other than TCP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Datagram {
    /// IP protocol / IPv6 next header (17 UDP, 1 ICMP, 58 ICMPv6 ...).
    pub protocol: u8,
    /// Source address (innermost IP header).
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source and destination ports, for UDP.
    pub ports: Option<(u16, u16)>,
    /// ICMP type and code, for ICMP and ICMPv6.
    pub icmp: Option<(u8, u8)>,
    /// Transport bytes (header and payload) the IP header announces.
    pub len: u32,
    /// Capture timestamp, since the Unix epoch.
    pub ts: std::time::Duration,
    /// Position in the capture.
    pub frame: crate::segment::FrameRef,
}

/// The network-layer packet a link-layer decoder found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Network<'a> {
    /// An IPv4 packet (bytes from the IP header on).
    Ipv4(&'a [u8]),
    /// An IPv6 packet (bytes from the IP header on).
    Ipv6(&'a [u8]),
    /// An Ethernet frame carried inside something else (Juniper, PPI, an
    /// MPLS pseudowire, VXLAN, Geneve, GRE bridging, ERSPAN).
    Ethernet(&'a [u8]),
    /// Some other protocol (ARP, LLC, ...).
    Other,
}

/// Result of a link-layer decoder: the network packet and any VLAN tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Link<'a> {
    /// The network-layer packet.
    pub network: Network<'a>,
    /// Innermost VLAN id (the 802.1Q customer tag of a QinQ frame), if the
    /// frame was tagged.
    pub vlan: Option<u16>,
}

impl<'a> Link<'a> {
    /// An untagged link carrying `network`.
    pub(crate) fn plain(network: Network<'a>) -> Self {
        Link {
            network,
            vlan: None,
        }
    }
}

/// Maps an EtherType to the network packet it announces (PPPoE sessions
/// and MPLS label stacks are opened here).
pub(crate) fn by_ethertype(ethertype: u16, payload: &[u8]) -> Network<'_> {
    match ethertype {
        0x0800 => Network::Ipv4(payload),
        0x86dd => Network::Ipv6(payload),
        0x6558 => Network::Ethernet(payload),
        0x8847 | 0x8848 => mpls::parse(payload),
        0x8864 => pppoe::session(payload),
        0x880b => ppp::parse(payload).map_or(Network::Other, |l| l.network),
        _ => Network::Other,
    }
}

/// Most tunnel and reassembly levels opened in one frame.
const MAX_DEPTH: usize = 8;

/// State carried down one frame's layers.
pub(crate) struct Cx<'d> {
    /// Reassembly queues (absent for stateless decoding).
    defrag: Option<&'d mut defrag::Defragmenter>,
    /// UDP ports that carry tunnels.
    ports: &'d TunnelPorts,
    /// Tunnels opened so far, outermost first.
    tunnels: Vec<Tunnel>,
    /// Frames of the reassembled packet being decoded.
    reassembled: Vec<u64>,
    /// Levels left before decoding gives up.
    depth: usize,
}

impl<'d> Cx<'d> {
    fn new(defrag: Option<&'d mut defrag::Defragmenter>, ports: &'d TunnelPorts) -> Self {
        Cx {
            defrag,
            ports,
            tunnels: Vec::new(),
            reassembled: Vec::new(),
            depth: MAX_DEPTH,
        }
    }

    /// The tunnels and reassembly so far, boxed; `None` on the plain path.
    pub(crate) fn carried(&self) -> Option<Box<Carried>> {
        if self.tunnels.is_empty() && self.reassembled.is_empty() {
            return None;
        }
        Some(Box::new(Carried {
            tunnels: self.tunnels.clone(),
            reassembled_from: self.reassembled.clone(),
        }))
    }
}

/// Decodes the layers from `network` down, opening tunnels as they come.
pub(crate) fn walk(
    mut network: Network<'_>,
    mut vlan: Option<u16>,
    frame: &Frame<'_>,
    cx: &mut Cx<'_>,
) -> Decoded {
    if cx.depth == 0 {
        return Decoded::NotTcp;
    }
    cx.depth -= 1;
    // Ethernet inside MPLS inside Ethernet ...: each turn consumes a header,
    // so the loop ends with the bytes.
    loop {
        match network {
            Network::Ethernet(data) => {
                let Some(link) = ethernet::parse(data) else {
                    return Decoded::Malformed;
                };
                vlan = link.vlan.or(vlan);
                network = link.network;
            }
            Network::Ipv4(data) => return ip::ipv4(data, vlan, frame, cx),
            Network::Ipv6(data) => return ip::ipv6(data, vlan, frame, cx),
            Network::Other => return Decoded::NotTcp,
        }
    }
}

fn link<'a>(frame: &Frame<'a>) -> Option<Option<Link<'a>>> {
    let data = frame.data;
    Some(match frame.link {
        LinkType::Ethernet => ethernet::parse(data),
        LinkType::LinuxSll => sll::parse(data),
        LinkType::LinuxSll2 => sll2::parse(data),
        LinkType::Raw => raw::parse(data),
        LinkType::Ipv4 => Some(Link::plain(Network::Ipv4(data))),
        LinkType::Ipv6 => Some(Link::plain(Network::Ipv6(data))),
        LinkType::Null => null::parse_null(data),
        LinkType::Loop => null::parse_loop(data),
        LinkType::Ppp | LinkType::PppHdlc => ppp::parse(data),
        LinkType::PppWithDir => ppp::parse_with_dir(data),
        LinkType::PppEther => pppoe::parse(data),
        LinkType::CiscoHdlc => hdlc::parse(data),
        LinkType::CiscoHdlcWithDir => hdlc::parse_with_dir(data),
        LinkType::Ieee80211 => ieee80211::parse(data),
        LinkType::Radiotap => radiotap::parse(data),
        LinkType::Ppi => ppi::parse(data),
        LinkType::ArcnetLinux => arcnet::parse(data),
        LinkType::JuniperEther => juniper::parse(data),
        LinkType::Ipoib => ipoib::parse(data),
        LinkType::Other(_) => return None,
    })
}

fn decode_with(frame: &Frame<'_>, cx: &mut Cx<'_>) -> Decoded {
    match link(frame) {
        None => Decoded::UnsupportedLink,
        Some(None) => Decoded::Malformed,
        Some(Some(l)) => walk(l.network, l.vlan, frame, cx),
    }
}

/// Decodes one frame on its own, with the standard tunnel ports. IP
/// fragments are not reassembled here ([`Decoded::Fragment`]): a capture
/// is decoded with a [`Decoder`].
pub fn decode(frame: &Frame<'_>) -> Decoded {
    decode_with(frame, &mut Cx::new(None, &udp::STANDARD))
}

/// Decodes a stream of frames: [`decode`] plus the state that spans frames
/// (IP reassembly) and the UDP tunnel ports in use. One per frame source.
#[derive(Debug, Default)]
pub struct Decoder {
    defrag: defrag::Defragmenter,
    ports: TunnelPorts,
}

impl Decoder {
    /// A decoder with the standard tunnel ports.
    pub fn new() -> Self {
        Decoder::default()
    }

    /// A decoder that also opens tunnels on `ports`.
    pub fn with_ports(ports: TunnelPorts) -> Self {
        Decoder {
            ports,
            ..Decoder::default()
        }
    }

    /// Decodes the next frame of the stream.
    pub fn decode(&mut self, frame: &Frame<'_>) -> Decoded {
        decode_with(frame, &mut Cx::new(Some(&mut self.defrag), &self.ports))
    }

    /// What reassembly did so far.
    pub fn reassembly(&self) -> DefragStats {
        self.defrag.stats()
    }

    /// One-line warnings about reassembly (datagrams discarded or left
    /// incomplete), for a replay's warnings.
    pub fn warnings(&self) -> Vec<String> {
        self.defrag.stats().warnings()
    }
}

#[cfg(test)]
pub(crate) mod testdata;
