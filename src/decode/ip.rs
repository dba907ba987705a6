//! IPv4 and IPv6: finds the TCP header, works out the TCP segment length
//! from the IP length fields, and sets fragments aside.
//!
//! IPv4: any fragment (MF set or a non-zero offset) is [`Decoded::Fragment`].
//! A source-routed datagram (LSRR/SSRR) is addressed to its route's final
//! hop, not to the next hop in its header (`ip/source_route.rs`).
//! A total length of 0 (TCP segmentation offload seen on the sender) falls
//! back to the captured length, as Wireshark does.
//!
//! IPv6: hop-by-hop, routing, destination-options, fragment and AH
//! extension headers are skipped, however many the packet holds (a loop,
//! no recursion, bounded by [`MAX_EXT_HEADERS`] and by the packet). A fragment header makes the packet a
//! [`Decoded::Fragment`] unless it is an atomic fragment (offset 0, M clear,
//! RFC 6946). A payload length of 0 (jumbogram or offload) falls back to the
//! captured length.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use std::net::IpAddr;

use pnet::packet::ipv4::Ipv4Packet;
use pnet::packet::ipv6::Ipv6Packet;

mod source_route;

use super::{Decoded, Link, Network, tcp};
use crate::capture::Frame;
use crate::segment::IpInfo;

/// IP protocol number of TCP.
const TCP: u8 = 6;
/// IPv4 "more fragments" bit in the 3-bit flags field.
const MORE_FRAGMENTS: u8 = 0b001;
/// IPv4 "don't fragment" bit.
const DONT_FRAGMENT: u8 = 0b010;
/// Most IPv6 extension headers we walk: as many as a 64 KiB payload can
/// hold (8 bytes each). Linux and tshark walk the chain as long as the
/// packet holds it; so do we, with this fixed bound besides the packet's.
const MAX_EXT_HEADERS: usize = 65536 / 8;

/// Decodes the network packet of `link` down to a TCP segment.
pub(crate) fn decode(link: Link<'_>, frame: &Frame<'_>) -> Decoded {
    match link.network {
        Network::Ipv4(data) => ipv4(data, link.vlan, frame),
        Network::Ipv6(data) => ipv6(data, link.vlan, frame),
        Network::Other => Decoded::NotTcp,
    }
}

fn ipv4(data: &[u8], vlan: Option<u16>, frame: &Frame<'_>) -> Decoded {
    let Some(ip) = Ipv4Packet::new(data) else {
        return Decoded::Malformed;
    };
    let header_len = usize::from(ip.get_header_length()) * 4;
    if ip.get_version() != 4 || header_len < 20 || header_len > data.len() {
        return Decoded::Malformed;
    }
    let total_len = match usize::from(ip.get_total_length()) {
        0 => data.len(),
        n => n,
    };
    if total_len < header_len {
        return Decoded::Malformed;
    }
    let flags = ip.get_flags();
    if flags & MORE_FRAGMENTS != 0 || ip.get_fragment_offset() != 0 {
        return Decoded::Fragment;
    }
    if ip.get_next_level_protocol().0 != TCP {
        return Decoded::NotTcp;
    }
    let info = IpInfo {
        version: 4,
        ttl: ip.get_ttl(),
        id: ip.get_identification(),
        total_len: total_len as u32,
        dont_fragment: flags & DONT_FRAGMENT != 0,
        vlan,
    };
    let captured_end = total_len.min(data.len());
    let destination =
        source_route::final_hop(&data[20..header_len]).unwrap_or(ip.get_destination());
    tcp::segment(
        &data[header_len..captured_end],
        total_len - header_len,
        IpAddr::V4(ip.get_source()),
        IpAddr::V4(destination),
        info,
        frame,
    )
    .map_or(Decoded::Malformed, Decoded::Tcp)
}

fn ipv6(data: &[u8], vlan: Option<u16>, frame: &Frame<'_>) -> Decoded {
    let Some(ip) = Ipv6Packet::new(data) else {
        return Decoded::Malformed;
    };
    if ip.get_version() != 6 {
        return Decoded::Malformed;
    }
    const FIXED: usize = 40;
    let payload_len = match usize::from(ip.get_payload_length()) {
        0 => data.len() - FIXED,
        n => n,
    };
    let end = FIXED + payload_len;
    let mut next = ip.get_next_header().0;
    let mut at = FIXED;
    let mut found_tcp = false;
    for _ in 0..MAX_EXT_HEADERS {
        let ext_len = match next {
            TCP => {
                found_tcp = true;
                break;
            }
            // Hop-by-hop, routing, destination options: (len + 1) * 8.
            0 | 43 | 60 => match data.get(at + 1) {
                Some(&len) => (usize::from(len) + 1) * 8,
                None => return Decoded::Malformed,
            },
            // Fragment header: 8 bytes; offset in the top 13 bits of bytes
            // 2..4, M in the lowest bit.
            44 => {
                let Some(h) = data.get(at..at + 8) else {
                    return Decoded::Malformed;
                };
                let offset = u16::from_be_bytes([h[2], h[3]]) >> 3;
                if offset != 0 || h[3] & 1 != 0 {
                    return Decoded::Fragment;
                }
                8
            }
            // Authentication header: (len + 2) * 4.
            51 => match data.get(at + 1) {
                Some(&len) => (usize::from(len) + 2) * 4,
                None => return Decoded::Malformed,
            },
            // No next header, ESP, ICMPv6, UDP ...
            _ => return Decoded::NotTcp,
        };
        next = data[at];
        at += ext_len;
        if at > end || at > data.len() {
            return Decoded::Malformed;
        }
    }
    if !found_tcp {
        return Decoded::Malformed;
    }
    let info = IpInfo {
        version: 6,
        ttl: ip.get_hop_limit(),
        id: 0,
        total_len: end as u32,
        dont_fragment: false,
        vlan,
    };
    let captured_end = end.min(data.len());
    tcp::segment(
        &data[at..captured_end],
        end - at,
        IpAddr::V6(ip.get_source()),
        IpAddr::V6(ip.get_destination()),
        info,
        frame,
    )
    .map_or(Decoded::Malformed, Decoded::Tcp)
}

#[cfg(test)]
mod tests;
