//! The TCP header and options (RFC 9293 §3.1): ports, sequence and
//! acknowledgment numbers, control bits, window, urgent pointer, and the
//! options MSS (kind 2), window scale (3, RFC 7323), SACK-permitted (4) and
//! SACK blocks (5, RFC 2018), timestamps (8, RFC 7323), NOP (1) and
//! end-of-list (0). Unknown kinds, and known kinds with the wrong length,
//! are kept by number in [`TcpOptions::other`]; an option whose length
//! runs past the header ends option parsing without failing the segment.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use std::net::{IpAddr, SocketAddr};

use crate::capture::Frame;
use crate::segment::{FrameRef, IpInfo, Malformed, Segment, TcpFlags, TcpOptions};

/// Length of the fixed TCP header (RFC 9293 §3.1).
const FIXED: usize = 20;

/// Builds a segment from the captured TCP bytes (`tcp`, possibly cut short
/// by a snap length) and the TCP length the IP header announces
/// (`ip_tcp_len`: TCP header plus payload). An impossible data offset
/// gives a segment marked [`Malformed`], with no options and no payload,
/// as Wireshark keeps it in its stream. A header the capture cut short
/// (the IP packet announces at least the 20 fixed bytes, fewer were
/// captured) is still a segment while it holds the ports, sequence and
/// acknowledgment numbers, control bits and window (the first
/// [`TRUNCATED_MIN`] bytes: what Wireshark reads before it files a segment
/// in its `tcp.stream`); it is marked [`Malformed::Truncated`], has no
/// options, and its payload length comes from the IP length. `None` when
/// fewer bytes were captured, or when the IP packet itself holds fewer
/// than 20 bytes of TCP (no TCP header was sent).
pub(crate) fn segment(
    tcp: &[u8],
    ip_tcp_len: usize,
    src: IpAddr,
    dst: IpAddr,
    ip: IpInfo,
    frame: &Frame<'_>,
) -> Option<Segment> {
    let whole = tcp.len() >= FIXED;
    if !whole && (tcp.len() < TRUNCATED_MIN || ip_tcp_len < FIXED) {
        return None;
    }
    let header_len = usize::from(tcp[12] >> 4) * 4;
    // An impossible offset is the worse fault: it is the one reported.
    let problem = offset_problem(header_len, ip_tcp_len);
    let malformed = match problem {
        None if !whole => Some(Malformed::Truncated {
            captured: tcp.len() as u8,
        }),
        problem => problem,
    };
    let payload_len = match problem {
        Some(_) => 0,
        None => ip_tcp_len - header_len,
    };
    let options = match (problem, whole) {
        (None, true) => options(&tcp[FIXED..header_len.min(tcp.len())]),
        _ => TcpOptions::default(),
    };
    // NS is the lowest bit of the byte that holds the data offset.
    let ns = u16::from(tcp[12] & 1) << 8;
    Some(Segment {
        ts: frame.ts,
        src: SocketAddr::new(src, be16(tcp)),
        dst: SocketAddr::new(dst, be16(&tcp[2..])),
        seq: be32(&tcp[4..]),
        ack: be32(&tcp[8..]),
        flags: TcpFlags(ns | u16::from(tcp[13])),
        window: be16(&tcp[14..]),
        urgent: if whole { be16(&tcp[18..]) } else { 0 },
        header_len: header_len as u8,
        options,
        payload_len: payload_len as u32,
        ip,
        frame: FrameRef {
            number: frame.number,
            caplen: frame.data.len() as u32,
            wire_len: frame.wire_len,
        },
        malformed,
    })
}

/// Bytes of a header cut short by the capture that still make a segment:
/// ports (4), sequence and acknowledgment numbers (8), data offset and
/// control bits (2), window (2). Wireshark's TCP dissector reads these
/// before it looks the segment's stream up; checksum and urgent pointer
/// may be missing.
pub(crate) const TRUNCATED_MIN: usize = 16;

/// Why a data offset (RFC 9293 §3.1) cannot be right, when it cannot.
fn offset_problem(header_len: usize, ip_tcp_len: usize) -> Option<Malformed> {
    if header_len < FIXED {
        Some(Malformed::HeaderTooShort {
            header_len: header_len as u8,
            available: ip_tcp_len as u32,
        })
    } else if header_len > ip_tcp_len {
        Some(Malformed::HeaderPastEnd {
            header_len: header_len as u8,
            available: ip_tcp_len as u32,
        })
    } else {
        None
    }
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Parses the option bytes between the fixed header and the data offset.
/// Parsed by hand rather than with pnet's option iterator so that a bad
/// length can end parsing instead of misreading the rest.
pub(crate) fn options(mut bytes: &[u8]) -> TcpOptions {
    let mut opts = TcpOptions::default();
    while let Some(&kind) = bytes.first() {
        match kind {
            0 => break,
            1 => {
                bytes = &bytes[1..];
                continue;
            }
            _ => {}
        }
        let Some(&len) = bytes.get(1) else {
            opts.other.push(kind);
            break;
        };
        let len = usize::from(len);
        if len < 2 || len > bytes.len() {
            opts.other.push(kind);
            break;
        }
        let body = &bytes[2..len];
        match (kind, body.len()) {
            (2, 2) => opts.mss = Some(be16(body)),
            (3, 1) => opts.window_scale = Some(body[0]),
            (4, 0) => opts.sack_permitted = true,
            (5, n) if n > 0 && n % 8 == 0 => {
                opts.sack
                    .extend(body.chunks_exact(8).map(|b| (be32(b), be32(&b[4..]))));
            }
            (8, 8) => opts.timestamps = Some((be32(body), be32(&body[4..]))),
            _ => opts.other.push(kind),
        }
        bytes = &bytes[len..];
    }
    opts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_linux_syn() {
        // MSS 65495, SACK-permitted, TS, NOP, WS 7: what Linux sends on lo.
        let raw = [
            2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
        ];
        let o = options(&raw);
        assert_eq!(o.mss, Some(65495));
        assert!(o.sack_permitted);
        assert_eq!(o.timestamps, Some((1, 0)));
        assert_eq!(o.window_scale, Some(7));
        assert!(o.other.is_empty());
    }

    #[test]
    fn sack_blocks_unknown_and_eol() {
        let raw = [
            1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 30, 3, 9, 0, 2, 4, 1, 1,
        ];
        let o = options(&raw);
        assert_eq!(o.sack, vec![(1, 2), (3, 4)]);
        assert_eq!(o.other, vec![30]);
        assert_eq!(o.mss, None, "stops at EOL");
    }

    #[test]
    fn malformed_lengths_do_not_panic() {
        for raw in [
            &[2u8][..],
            &[2, 0],
            &[2, 1, 0, 0],
            &[2, 200, 0],
            &[8, 10, 0, 0],
            &[2, 3, 0],
            &[5, 6, 0, 0, 0, 0],
        ] {
            let o = options(raw);
            assert_eq!(o.mss, None);
            assert!(!o.other.is_empty(), "{raw:?}");
        }
        // Every byte string up to length 4 over a few interesting values.
        let vals = [0u8, 1, 2, 3, 4, 5, 8, 10, 255];
        for a in vals {
            for b in vals {
                for c in vals {
                    for d in vals {
                        let _ = options(&[a, b, c, d]);
                    }
                }
            }
        }
    }
}
