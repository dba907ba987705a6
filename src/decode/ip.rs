//! IPv4 and IPv6: finds the transport header, works out its length from the
//! IP length fields, and hands fragments to the reassembly queues.
//!
//! IPv4: a fragment (MF set or a non-zero offset) goes to the
//! [`Defragmenter`](super::defrag::Defragmenter) when decoding a stream
//! and is [`Decoded::Fragment`] until its datagram is complete, unless the
//! capture cut it short: then a first fragment is read alone, as far as
//! it was captured, and the others stay fragments (as tshark does). A
//! source-routed datagram (LSRR/SSRR) is addressed to its route's final
//! hop, not to the next hop in its header (`ip/source_route.rs`). A total
//! length of 0 (TCP segmentation offload seen on the sender) falls back to
//! the captured length, as Wireshark does.
//!
//! IPv6: hop-by-hop, routing, destination-options, fragment and AH
//! extension headers are skipped, however many the packet holds (a loop,
//! no recursion, bounded by [`MAX_EXT_HEADERS`] and by the packet). A
//! fragment header sends the packet to
//! reassembly unless it is an atomic fragment (offset 0, M clear, RFC
//! 6946). A payload length of 0 (jumbogram or offload) falls back to the
//! captured length.
//!
//! Then the transport: TCP is decoded; IP-in-IP, GRE and UDP tunnels are
//! opened (decoding starts again inside, and the tunnel is noted); ICMP
//! errors quoting TCP become [`Decoded::IcmpError`]; the rest is a
//! [`Datagram`].
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use std::net::IpAddr;

use pnet::packet::ipv4::Ipv4Packet;
use pnet::packet::ipv6::Ipv6Packet;

mod source_route;

use super::defrag::{Fragment, Key};
use super::{Cx, Datagram, Decoded, Network, gre, icmp, tcp, udp, walk};
use crate::capture::Frame;
use crate::segment::{IpInfo, Tunnel, TunnelKind};

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
/// Length of the fixed IPv6 header.
const IPV6_FIXED: usize = 40;

pub(crate) fn ipv4(data: &[u8], vlan: Option<u16>, frame: &Frame<'_>, cx: &mut Cx<'_>) -> Decoded {
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
    let captured_end = total_len.min(data.len());
    let (src, dst) = (
        IpAddr::V4(ip.get_source()),
        IpAddr::V4(ip.get_destination()),
    );
    let fragment = flags & MORE_FRAGMENTS != 0 || ip.get_fragment_offset() != 0;
    if fragment && !reassemblable(total_len - header_len, data.len() - header_len) {
        if ip.get_fragment_offset() != 0 {
            return Decoded::Fragment;
        }
        // A first fragment read alone: decoded below like a whole packet.
    } else if fragment {
        let Some(defrag) = cx.defrag.as_deref_mut() else {
            return Decoded::Fragment;
        };
        let fragment = Fragment {
            key: Key {
                src,
                dst,
                id: u32::from(ip.get_identification()),
                protocol: ip.get_next_level_protocol().0,
            },
            offset: usize::from(ip.get_fragment_offset()) * 8,
            more: flags & MORE_FRAGMENTS != 0,
            data: &data[header_len..captured_end],
            len: total_len - header_len,
            ts: frame.ts,
            frame: frame.number,
            header: &data[..header_len],
        };
        let Some(whole) = defrag.push(fragment) else {
            return Decoded::Fragment;
        };
        // The first fragment's header, with the whole length and no
        // fragment fields.
        let mut packet = whole.header;
        let total = packet.len() + whole.payload.len();
        let Ok(total) = u16::try_from(total) else {
            return Decoded::Malformed;
        };
        packet[2..4].copy_from_slice(&total.to_be_bytes());
        packet[6] &= 0x40; // keep DF, clear MF and the offset
        packet[7] = 0;
        packet.extend_from_slice(&whole.payload);
        cx.reassembled = whole.frames;
        return walk(Network::Ipv4(&packet), vlan, frame, cx);
    }
    // Keyed like tshark's ip.dst: the final hop of a source route.
    let dst =
        IpAddr::V4(source_route::final_hop(&data[20..header_len]).unwrap_or(ip.get_destination()));
    let protocol = ip.get_next_level_protocol().0;
    let payload = &data[header_len..captured_end];
    let len = total_len - header_len;
    if protocol == TCP {
        let info = IpInfo {
            version: 4,
            ttl: ip.get_ttl(),
            id: ip.get_identification(),
            total_len: total_len as u32,
            dont_fragment: flags & DONT_FRAGMENT != 0,
            vlan,
            carried: cx.carried(),
        };
        let seg = tcp::segment(payload, len, src, dst, info, frame);
        return match seg {
            Some(seg) if fragment => Decoded::Tcp(read_alone(seg)),
            Some(seg) => Decoded::Tcp(seg),
            None => Decoded::Malformed,
        };
    }
    transport(protocol, payload, len, (src, dst), vlan, frame, cx)
}

pub(crate) fn ipv6(data: &[u8], vlan: Option<u16>, frame: &Frame<'_>, cx: &mut Cx<'_>) -> Decoded {
    let Some(ip) = Ipv6Packet::new(data) else {
        return Decoded::Malformed;
    };
    if ip.get_version() != 6 {
        return Decoded::Malformed;
    }
    let payload_len = match usize::from(ip.get_payload_length()) {
        0 => data.len() - IPV6_FIXED,
        n => n,
    };
    let end = IPV6_FIXED + payload_len;
    let mut next = ip.get_next_header().0;
    let mut at = IPV6_FIXED;
    let (src, dst) = (
        IpAddr::V6(ip.get_source()),
        IpAddr::V6(ip.get_destination()),
    );
    for _ in 0..MAX_EXT_HEADERS {
        let ext_len = match next {
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
                let offset = usize::from(u16::from_be_bytes([h[2], h[3]]) >> 3) * 8;
                let more = h[3] & 1 != 0;
                if offset != 0 || more {
                    return ipv6_fragment(data, (at, end), offset, more, vlan, frame, cx);
                }
                8
            }
            // Authentication header: (len + 2) * 4.
            51 => match data.get(at + 1) {
                Some(&len) => (usize::from(len) + 2) * 4,
                None => return Decoded::Malformed,
            },
            // TCP, no next header, ESP, ICMPv6, UDP ...
            _ => break,
        };
        next = data[at];
        at += ext_len;
        if at > end || at > data.len() {
            return Decoded::Malformed;
        }
    }
    let captured_end = end.min(data.len());
    if at > captured_end {
        return Decoded::Malformed;
    }
    let payload = &data[at..captured_end];
    if next == TCP {
        let info = IpInfo {
            version: 6,
            ttl: ip.get_hop_limit(),
            id: 0,
            total_len: end as u32,
            dont_fragment: false,
            vlan,
            carried: cx.carried(),
        };
        return tcp::segment(payload, end - at, src, dst, info, frame)
            .map_or(Decoded::Malformed, Decoded::Tcp);
    }
    if matches!(next, 0 | 43 | 44 | 51 | 60) {
        return Decoded::Malformed; // more extension headers than we walk
    }
    transport(next, payload, end - at, (src, dst), vlan, frame, cx)
}

/// An IPv6 fragment whose fragment header is at `at`; `end` is where the
/// packet ends by its payload length.
fn ipv6_fragment(
    data: &[u8],
    (at, end): (usize, usize),
    offset: usize,
    more: bool,
    vlan: Option<u16>,
    frame: &Frame<'_>,
    cx: &mut Cx<'_>,
) -> Decoded {
    let Some(defrag) = cx.defrag.as_deref_mut() else {
        return Decoded::Fragment;
    };
    let h = &data[at..at + 8];
    let next = h[0];
    let start = at + 8;
    if start > end {
        return Decoded::Malformed;
    }
    if !reassemblable(end - start, data.len().saturating_sub(start)) {
        if offset != 0 || next != TCP {
            return Decoded::Fragment;
        }
        // A first fragment read alone: its TCP header follows the
        // fragment header.
        let info = IpInfo {
            version: 6,
            ttl: data[7],
            id: 0,
            total_len: end as u32,
            dont_fragment: false,
            vlan,
            carried: cx.carried(),
        };
        let (src, dst) = (ipv6_addr(&data[8..24]), ipv6_addr(&data[24..40]));
        return tcp::segment(&data[start..], end - start, src, dst, info, frame)
            .map_or(Decoded::Malformed, |seg| Decoded::Tcp(read_alone(seg)));
    }
    let captured_end = end.min(data.len()).max(start);
    // The reassembled packet gets the fixed header only, with the
    // fragment's next header (the extension headers before the fragment
    // header matter to routers, not to the transport).
    let mut header = data[..IPV6_FIXED].to_vec();
    header[6] = next;
    let fragment = Fragment {
        key: Key {
            src: ipv6_addr(&data[8..24]),
            dst: ipv6_addr(&data[24..40]),
            id: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
            protocol: next,
        },
        offset,
        more,
        data: &data[start..captured_end],
        len: end - start,
        ts: frame.ts,
        frame: frame.number,
        header: &header,
    };
    let Some(whole) = defrag.push(fragment) else {
        return Decoded::Fragment;
    };
    let mut packet = whole.header;
    let Ok(len) = u16::try_from(whole.payload.len()) else {
        return Decoded::Malformed;
    };
    packet[4..6].copy_from_slice(&len.to_be_bytes());
    packet.extend_from_slice(&whole.payload);
    cx.reassembled = whole.frames;
    walk(Network::Ipv6(&packet), vlan, frame, cx)
}

/// Whether a fragment goes to reassembly: it carries data (`len` bytes by
/// its IP length) and the capture holds all of it (`captured` bytes after
/// the IP header). Wireshark's rule (packet-ip.c, packet-ipv6.c): a
/// fragment cut by a snap length, or empty, is never added to a
/// reassembly; the first one (offset 0) is read alone as far as it was
/// captured, the others are shown as fragments. Zero-filling what the
/// capture lacks would put the TCP header in a later frame than the one
/// that carried it.
fn reassemblable(len: usize, captured: usize) -> bool {
    len > 0 && captured >= len
}

/// A segment from a first fragment read alone: the datagram's length is
/// unknown, so is the payload's (Wireshark gives it no `tcp.len` and no
/// sequence analysis). A header the capture cut short stays marked so.
fn read_alone(mut seg: crate::segment::Segment) -> crate::segment::Segment {
    seg.payload_len = 0;
    if seg.malformed.is_none() {
        seg.malformed = Some(crate::segment::Malformed::FirstFragment);
    }
    seg
}

fn ipv6_addr(b: &[u8]) -> IpAddr {
    let mut a = [0u8; 16];
    a.copy_from_slice(b);
    IpAddr::from(a)
}

/// Everything but TCP: tunnels are opened, ICMP errors read, the rest
/// summarised. `payload` is what was captured of the `len` transport bytes.
fn transport(
    protocol: u8,
    payload: &[u8],
    len: usize,
    (src, dst): (IpAddr, IpAddr),
    vlan: Option<u16>,
    frame: &Frame<'_>,
    cx: &mut Cx<'_>,
) -> Decoded {
    let mut datagram = Datagram {
        protocol,
        src,
        dst,
        ports: None,
        icmp: None,
        len: len as u32,
        ts: frame.ts,
        frame: crate::segment::FrameRef {
            number: frame.number,
            caplen: frame.data.len() as u32,
            wire_len: frame.wire_len,
        },
    };
    let (kind, inner) = match protocol {
        // IPIP (RFC 2003) and IPv6 in IP (RFC 4213 6in4, RFC 2473).
        4 => (TunnelKind::Ip { inner: 4 }, Network::Ipv4(payload)),
        41 => (TunnelKind::Ip { inner: 6 }, Network::Ipv6(payload)),
        47 => match gre::parse(payload) {
            Some(found) => found,
            None => return Decoded::Datagram(datagram),
        },
        17 => match udp::parse(payload, cx.ports) {
            udp::Udp::Tunnel(kind, inner) => (kind, inner),
            udp::Udp::Plain(ports) => {
                datagram.ports = ports;
                return Decoded::Datagram(datagram);
            }
        },
        1 | 58 => {
            return match icmp::parse(protocol, payload, src, frame, cx) {
                icmp::Icmp::Error(e) => Decoded::IcmpError(e),
                icmp::Icmp::Other(t) => {
                    datagram.icmp = t;
                    Decoded::Datagram(datagram)
                }
            };
        }
        _ => return Decoded::Datagram(datagram),
    };
    cx.tunnels.push(Tunnel { kind, src, dst });
    walk(inner, vlan, frame, cx)
}

#[cfg(test)]
mod tests;
