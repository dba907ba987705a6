//! ICMP (RFC 792, RFC 1191) and ICMPv6 (RFC 4443) errors that quote a TCP
//! segment: destination unreachable (with "fragmentation needed" and its
//! MTU), packet too big, time exceeded, parameter problem, source quench.
//! The quoted IP header and the first 8 bytes of TCP (ports and sequence
//! number) say which connection the error is about. Other ICMP messages
//! (echo, neighbour discovery ...) are summarised by type and code.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use std::net::{IpAddr, SocketAddr};

use super::Cx;
use crate::capture::Frame;
use crate::segment::{FrameRef, IcmpError, IcmpKind};

/// What an ICMP message was.
pub(crate) enum Icmp {
    /// An error quoting TCP.
    Error(Box<IcmpError>),
    /// Anything else: its type and code, when captured.
    Other(Option<(u8, u8)>),
}

/// Reads an ICMP (`protocol` 1) or ICMPv6 (58) message sent by `reporter`.
pub(crate) fn parse(
    protocol: u8,
    data: &[u8],
    reporter: IpAddr,
    frame: &Frame<'_>,
    cx: &Cx<'_>,
) -> Icmp {
    let Some(h) = data.get(..8) else {
        return Icmp::Other(None);
    };
    let (kind_no, code) = (h[0], h[1]);
    let be16 = |b: &[u8]| u32::from(u16::from_be_bytes([b[0], b[1]]));
    let kind = if protocol == 1 {
        match kind_no {
            3 if code == 4 => IcmpKind::FragmentationNeeded {
                mtu: be16(&h[6..8]),
            },
            3 => IcmpKind::Unreachable { version: 4, code },
            4 => IcmpKind::SourceQuench,
            11 => IcmpKind::TimeExceeded { version: 4, code },
            12 => IcmpKind::ParameterProblem { version: 4 },
            _ => return Icmp::Other(Some((kind_no, code))),
        }
    } else {
        match kind_no {
            1 => IcmpKind::Unreachable { version: 6, code },
            2 => IcmpKind::PacketTooBig {
                mtu: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
            },
            3 => IcmpKind::TimeExceeded { version: 6, code },
            4 => IcmpKind::ParameterProblem { version: 6 },
            _ => return Icmp::Other(Some((kind_no, code))),
        }
    };
    let Some((quoted_src, quoted_dst, quoted_seq, quoted_protocol)) = quoted(&data[8..]) else {
        return Icmp::Other(Some((kind_no, code)));
    };
    Icmp::Error(Box::new(IcmpError {
        ts: frame.ts,
        frame: FrameRef {
            number: frame.number,
            caplen: frame.data.len() as u32,
            wire_len: frame.wire_len,
        },
        reporter,
        kind,
        quoted_src,
        quoted_dst,
        quoted_seq,
        quoted_protocol,
        carried: cx.carried(),
    }))
}

/// The addresses, ports, sequence number (0 for UDP) and protocol of the
/// TCP segment or UDP datagram quoted after an ICMP header; `None` when the
/// quote is neither or too short.
fn quoted(q: &[u8]) -> Option<(SocketAddr, SocketAddr, u32, u8)> {
    let (src, dst, tcp, protocol) = match q.first()? >> 4 {
        4 => {
            let ihl = usize::from(q[0] & 0x0f) * 4;
            let h = q.get(..20)?;
            // Protocol TCP, and the first fragment (a later one has no
            // TCP header to quote).
            let offset = u16::from_be_bytes([h[6], h[7]]) & 0x1fff;
            if !matches!(h[9], 6 | 17) || offset != 0 || ihl < 20 {
                return None;
            }
            let src: [u8; 4] = h[12..16].try_into().ok()?;
            let dst: [u8; 4] = h[16..20].try_into().ok()?;
            (IpAddr::from(src), IpAddr::from(dst), q.get(ihl..)?, h[9])
        }
        6 => {
            let h = q.get(..40)?;
            if !matches!(h[6], 6 | 17) {
                return None;
            }
            let src: [u8; 16] = h[8..24].try_into().ok()?;
            let dst: [u8; 16] = h[24..40].try_into().ok()?;
            (IpAddr::from(src), IpAddr::from(dst), &q[40..], h[6])
        }
        _ => return None,
    };
    // TCP: ports and sequence number; UDP: ports (the other 4 bytes are
    // its length and checksum).
    let t = tcp.get(..if protocol == 6 { 8 } else { 4 })?;
    let seq = match t.get(4..8) {
        Some(s) => u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    };
    Some((
        SocketAddr::new(src, u16::from_be_bytes([t[0], t[1]])),
        SocketAddr::new(dst, u16::from_be_bytes([t[2], t[3]])),
        seq,
        protocol,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::LinkType;
    use crate::decode::testdata::{frame, ipv4, ipv6, tcp};
    use crate::decode::udp::STANDARD;

    fn run(protocol: u8, data: &[u8]) -> Icmp {
        let f = frame(LinkType::Raw, &[]);
        parse(
            protocol,
            data,
            "192.0.2.1".parse().unwrap(),
            &f,
            &Cx::new(None, &STANDARD),
        )
    }

    #[test]
    fn fragmentation_needed_quotes_tcp() {
        let mut m = vec![3, 4, 0, 0, 0, 0, 0x05, 0x78];
        m.extend_from_slice(&ipv4(6, 0x4000, &tcp(0x18, &[], b"data")));
        let Icmp::Error(e) = run(1, &m) else {
            panic!("not an error")
        };
        assert_eq!(e.kind, IcmpKind::FragmentationNeeded { mtu: 1400 });
        assert_eq!(e.quoted_src.to_string(), "10.0.0.1:40000");
        assert_eq!(e.quoted_dst.to_string(), "10.0.0.2:8080");
        assert_eq!(e.quoted_seq, 1000);
        assert_eq!(e.frame.number, 7);
    }

    #[test]
    fn icmpv6_packet_too_big_and_unreachable() {
        let mut m = vec![2, 0, 0, 0, 0, 0, 0x05, 0x00];
        m.extend_from_slice(&ipv6(6, &tcp(0x10, &[], b"")));
        let Icmp::Error(e) = run(58, &m) else {
            panic!("not an error")
        };
        assert_eq!(e.kind, IcmpKind::PacketTooBig { mtu: 1280 });
        assert_eq!(e.quoted_dst.to_string(), "[::2]:8080");
        m[0] = 1;
        m[1] = 4;
        let Icmp::Error(e) = run(58, &m) else {
            panic!("not an error")
        };
        assert_eq!(
            e.kind,
            IcmpKind::Unreachable {
                version: 6,
                code: 4
            }
        );
    }

    #[test]
    fn not_errors_or_not_tcp() {
        assert!(matches!(
            run(1, &[8, 0, 0, 0, 0, 1, 0, 1]),
            Icmp::Other(Some((8, 0)))
        ));
        // A quoted UDP datagram is an error for its flow ...
        let mut m = vec![3, 3, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&ipv4(17, 0, &[0x13, 0x88, 0, 53, 0, 8, 0, 0]));
        let Icmp::Error(e) = run(1, &m) else {
            panic!("port unreachable quoting UDP")
        };
        assert_eq!((e.quoted_protocol, e.quoted_seq), (17, 0));
        assert_eq!((e.quoted_src.port(), e.quoted_dst.port()), (5000, 53));
        // ... another protocol's is not.
        let mut m = vec![3, 3, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&ipv4(132, 0, &[0; 8]));
        assert!(matches!(run(1, &m), Icmp::Other(Some((3, 3)))));
        // A quote cut before the TCP ports.
        let mut m = vec![11, 0, 0, 0, 0, 0, 0, 0];
        m.extend_from_slice(&ipv4(6, 0, &tcp(0x10, &[], b""))[..24]);
        assert!(matches!(run(1, &m), Icmp::Other(Some((11, 0)))));
        assert!(matches!(run(1, &[3]), Icmp::Other(None)));
    }
}
