//! Decoding captured frames into owned TCP [`Segment`]s: link layer
//! (Ethernet with 802.1Q/802.1ad tags, Linux cooked v1/v2, raw IP, BSD
//! loopback) → IPv4/IPv6 (with extension headers) → TCP header and options.
//!
//! Decoding never panics: every length is checked before a `pnet` view is
//! built or sliced, and anything short or inconsistent is reported as
//! [`Decoded::Malformed`]. The TCP payload length comes from the IP length
//! fields, so captures cut short by a snap length still give the right
//! segment lengths.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

mod ethernet;
mod ip;
mod null;
mod raw;
mod sll;
mod sll2;
mod tcp;

use crate::capture::{Frame, LinkType};
use crate::segment::Segment;

/// What a frame turned out to be.
// The segment is returned by value, as the contract says: callers move it
// straight into the conversation model, and the other variants are rare.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decoded {
    /// A TCP segment.
    Tcp(Segment),
    /// Not TCP (ARP, UDP, ICMP ...): counted and skipped.
    NotTcp,
    /// An IP fragment: counted and skipped.
    Fragment,
    /// Malformed or truncated below the TCP header: counted and skipped.
    Malformed,
    /// The frame's link type is not one the decoder understands.
    UnsupportedLink,
}

/// The network-layer packet a link-layer decoder found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Network<'a> {
    /// An IPv4 packet (bytes from the IP header on).
    Ipv4(&'a [u8]),
    /// An IPv6 packet (bytes from the IP header on).
    Ipv6(&'a [u8]),
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

/// Maps an EtherType to the network packet it announces.
pub(crate) fn by_ethertype(ethertype: u16, payload: &[u8]) -> Network<'_> {
    match ethertype {
        0x0800 => Network::Ipv4(payload),
        0x86dd => Network::Ipv6(payload),
        _ => Network::Other,
    }
}

/// Decodes one frame.
pub fn decode(frame: &Frame<'_>) -> Decoded {
    let data = frame.data;
    let link = match frame.link {
        LinkType::Ethernet => ethernet::parse(data),
        LinkType::LinuxSll => sll::parse(data),
        LinkType::LinuxSll2 => sll2::parse(data),
        LinkType::Raw => raw::parse(data),
        LinkType::Ipv4 => Some(Link::plain(Network::Ipv4(data))),
        LinkType::Ipv6 => Some(Link::plain(Network::Ipv6(data))),
        LinkType::Null => null::parse_null(data),
        LinkType::Loop => null::parse_loop(data),
        LinkType::Other(_) => return Decoded::UnsupportedLink,
    };
    match link {
        Some(link) => ip::decode(link, frame),
        None => Decoded::Malformed,
    }
}

#[cfg(test)]
pub(crate) mod testdata;
