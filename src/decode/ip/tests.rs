//! Unit tests for IPv4/IPv6 decoding, through the public `decode`.

use crate::capture::LinkType;
use crate::decode::testdata::*;
use crate::decode::{Decoded, decode};
use crate::segment::{Malformed, TcpFlags};

fn seg(link: LinkType, data: &[u8]) -> crate::segment::Segment {
    match decode(&frame(link, data)) {
        Decoded::Tcp(s) => s,
        other => panic!("expected TCP, got {other:?}"),
    }
}

#[test]
fn ipv4_syn_over_ethernet() {
    let t = tcp(0x02, &SYN_OPTIONS, b"");
    let f = ether(0x0800, &ipv4(6, 0x4000, &t));
    let s = seg(LinkType::Ethernet, &f);
    assert_eq!(s.src.to_string(), "10.0.0.1:40000");
    assert_eq!(s.dst.to_string(), "10.0.0.2:8080");
    assert_eq!((s.seq, s.ack, s.window), (1000, 2000, 65535));
    assert_eq!(s.flags, TcpFlags(TcpFlags::SYN));
    assert_eq!(s.header_len, 40);
    assert_eq!(s.payload_len, 0);
    assert_eq!(s.options.mss, Some(1460));
    assert_eq!(s.options.window_scale, Some(7));
    assert_eq!(s.ip.ttl, 64);
    assert_eq!(s.ip.id, 0x1234);
    assert!(s.ip.dont_fragment);
    assert_eq!(s.ip.total_len, 60);
    assert_eq!(s.frame.number, 7);
    assert_eq!(s.ts.as_millis(), 1500);
}

#[test]
fn payload_length_comes_from_ip_not_capture() {
    let t = tcp(0x18, &[], &[b'x'; 1000]);
    let mut f = ether(0x0800, &ipv4(6, 0, &t));
    f.truncate(14 + 20 + 20 + 10); // snaplen cut
    assert_eq!(seg(LinkType::Ethernet, &f).payload_len, 1000);
    // Ethernet padding after a short IP packet is not payload.
    let t = tcp(0x10, &[], b"");
    let mut f = ether(0x0800, &ipv4(6, 0, &t));
    f.extend_from_slice(&[0; 6]);
    assert_eq!(seg(LinkType::Ethernet, &f).payload_len, 0);
}

#[test]
fn ipv4_fragments_and_other_protocols() {
    let t = tcp(0x10, &[], b"abc");
    assert_eq!(
        decode(&frame(LinkType::Raw, &ipv4(6, 0x2000, &t))),
        Decoded::Fragment
    );
    assert_eq!(
        decode(&frame(LinkType::Raw, &ipv4(6, 0x0010, &t))),
        Decoded::Fragment
    );
    assert!(matches!(
        decode(&frame(LinkType::Raw, &ipv4(17, 0, &t))),
        Decoded::Datagram(d) if d.protocol == 17 && d.ports == Some((40000, 8080)) && d.len == 23
    ));
    assert_eq!(
        decode(&frame(LinkType::Ethernet, &ether(0x0806, &[0; 28]))),
        Decoded::NotTcp
    );
    // Bad IHL, total length below the header.
    let mut p = ipv4(6, 0, &t);
    p[0] = 0x44;
    assert_eq!(decode(&frame(LinkType::Ipv4, &p)), Decoded::Malformed);
    let mut p = ipv4(6, 0, &t);
    p[2..4].copy_from_slice(&10u16.to_be_bytes());
    assert_eq!(decode(&frame(LinkType::Ipv4, &p)), Decoded::Malformed);
    // A bad data offset keeps the segment, marked malformed, without
    // options or payload (as Wireshark keeps it in its stream).
    let mut p = ipv4(6, 0, &t);
    p[20 + 12] = 0x40; // data offset 16 bytes
    let s = seg(LinkType::Ipv4, &p);
    assert_eq!(
        s.malformed,
        Some(Malformed::HeaderTooShort {
            header_len: 16,
            available: 23
        })
    );
    assert_eq!((s.payload_len, s.seq, s.ack), (0, 1000, 2000));
    assert_eq!(
        s.malformed.unwrap().to_string(),
        "bogus TCP header length (16, must be at least 20)"
    );
    let mut p = ipv4(6, 0, &t);
    p[20 + 12] = 0xf0; // data offset 60 > segment
    let s = seg(LinkType::Ipv4, &p);
    assert_eq!(
        s.malformed,
        Some(Malformed::HeaderPastEnd {
            header_len: 60,
            available: 23
        })
    );
    assert_eq!((s.payload_len, s.options.other.len()), (0, 0));
    // A fixed header not all captured is still not a segment.
    let p = ipv4(6, 0, &t[..19]);
    assert_eq!(decode(&frame(LinkType::Ipv4, &p)), Decoded::Malformed);
    // A well-formed segment is not marked.
    assert_eq!(seg(LinkType::Ipv4, &ipv4(6, 0, &t)).malformed, None);
}

#[test]
fn ipv4_total_length_zero_uses_captured_length() {
    let t = tcp(0x18, &[], b"hello");
    let mut p = ipv4(6, 0, &t);
    p[2..4].copy_from_slice(&[0, 0]);
    assert_eq!(seg(LinkType::Ipv4, &p).payload_len, 5);
}

#[test]
fn ipv6_with_extension_headers() {
    let t = tcp(0x12, &SYN_OPTIONS, b"");
    let s = seg(LinkType::Ipv6, &ipv6(6, &t));
    assert_eq!(s.src.to_string(), "[::1]:40000");
    assert_eq!(s.ip.version, 6);
    assert_eq!(s.ip.total_len, 40 + 40);

    // hop-by-hop (8) → dest opts (16) → routing (8) → AH (12 + 4) → atomic fragment → TCP
    let mut ext = Vec::new();
    ext.extend_from_slice(&[60, 0, 1, 4, 0, 0, 0, 0]);
    ext.extend_from_slice(&[43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    ext.extend_from_slice(&[51, 0, 0, 0, 0, 0, 0, 0]);
    ext.extend_from_slice(&[44, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    ext.extend_from_slice(&[6, 0, 0, 0, 0, 0, 0, 1]);
    let mut body = ext.clone();
    body.extend_from_slice(&tcp(0x10, &[], b"data"));
    let s = seg(LinkType::Raw, &ipv6(0, &body));
    assert_eq!(s.payload_len, 4);
    assert_eq!(s.flags, TcpFlags(TcpFlags::ACK));

    // A real fragment (M set, or offset ≠ 0) is set aside.
    for frag in [[6, 0, 0, 1], [6, 0, 0, 8]] {
        let mut b = vec![frag[0], frag[1], frag[2], frag[3], 0, 0, 0, 9];
        b.extend_from_slice(&tcp(0x10, &[], b"x"));
        assert_eq!(
            decode(&frame(LinkType::Ipv6, &ipv6(44, &b))),
            Decoded::Fragment
        );
    }
    // UDP, no-next-header, ESP, ICMPv6: datagrams of that protocol.
    for next in [17, 59, 50, 58] {
        assert!(matches!(
            decode(&frame(LinkType::Ipv6, &ipv6(next, &t))),
            Decoded::Datagram(d) if d.protocol == next
        ));
    }
    // Extension header running past the payload.
    assert_eq!(
        decode(&frame(
            LinkType::Ipv6,
            &ipv6(0, &[6, 200, 0, 0, 0, 0, 0, 0])
        )),
        Decoded::Malformed
    );
}

/// Linux and tshark walk any chain the packet holds: 16 destination
/// options headers (one more than the old limit walked) and 1,000.
#[test]
fn ipv6_long_extension_header_chains() {
    for n in [15, 16, 17, 1000] {
        let mut body = Vec::new();
        for i in 0..n {
            let next = if i + 1 == n { 6 } else { 60 };
            body.extend_from_slice(&[next, 0, 1, 4, 0, 0, 0, 0]);
        }
        body.extend_from_slice(&tcp(0x10, &[], b"data"));
        let s = seg(LinkType::Ipv6, &ipv6(60, &body));
        assert_eq!(s.payload_len, 4, "{n} headers");
        assert_eq!(s.ip.total_len as usize, 40 + n * 8 + 20 + 4);
    }
}

#[test]
fn every_prefix_of_real_frames_is_safe() {
    let t = tcp(0x12, &SYN_OPTIONS, b"payload");
    let mut ext = vec![6, 0, 1, 4, 0, 0, 0, 0];
    ext.extend_from_slice(&t);
    let frames = [
        (LinkType::Ethernet, ether(0x0800, &ipv4(6, 0x4000, &t))),
        (LinkType::Ethernet, ether(0x86dd, &ipv6(0, &ext))),
        (LinkType::Raw, ipv6(6, &t)),
        (
            LinkType::Null,
            [&2u32.to_le_bytes()[..], &ipv4(6, 0, &t)].concat(),
        ),
        (
            LinkType::Loop,
            [&24u32.to_be_bytes()[..], &ipv6(6, &t)].concat(),
        ),
    ];
    for (link, f) in &frames {
        assert!(
            matches!(decode(&frame(*link, f)), Decoded::Tcp(_)),
            "{link:?}"
        );
        for cut in 0..f.len() {
            let d = decode(&frame(*link, &f[..cut]));
            // Once the fixed TCP header is in, the segment decodes; from
            // its 16th byte (the window) on, cut short, it decodes marked
            // truncated (issue 21: as tshark files it in its stream).
            let tcp_start = f.len() - t.len();
            if cut >= tcp_start + 20 {
                assert!(
                    matches!(&d, Decoded::Tcp(s) if s.malformed.is_none()),
                    "{link:?} {cut}"
                );
            } else if cut >= tcp_start + 16 {
                let captured = (cut - tcp_start) as u8;
                assert!(
                    matches!(&d, Decoded::Tcp(s)
                        if s.malformed == Some(Malformed::Truncated { captured })),
                    "{link:?} {cut}"
                );
            } else {
                assert!(!matches!(d, Decoded::Tcp(_)), "{link:?} {cut}");
            }
        }
        // Flipping any byte to a few values must not panic either.
        for i in 0..f.len() {
            for v in [0u8, 0xff, 0x0f, 0xf0, 0x45, 0x60] {
                let mut g = f.clone();
                g[i] = v;
                let _ = decode(&frame(*link, &g));
            }
        }
    }
}

#[test]
fn unsupported_link() {
    assert_eq!(
        decode(&frame(LinkType::Other(147), b"x")),
        Decoded::UnsupportedLink
    );
}

/// A header the capture cut short is a segment, marked truncated, while it
/// holds ports, numbers, control bits and window (16 bytes, what tshark
/// reads before it files the segment in a `tcp.stream`); the payload
/// length comes from the IP length.
#[test]
fn truncated_tcp_header_is_a_segment_marked_truncated() {
    let t = tcp(0x18, &[], &[b'x'; 100]);
    let whole = ether(0x0800, &ipv4(6, 0, &t));
    for captured in [16usize, 17, 19] {
        let f = &whole[..14 + 20 + captured];
        let s = seg(LinkType::Ethernet, f);
        assert_eq!(s.src.to_string(), "10.0.0.1:40000");
        assert_eq!(s.dst.to_string(), "10.0.0.2:8080");
        assert_eq!((s.seq, s.ack, s.window), (1000, 2000, 65535));
        assert_eq!(s.flags, TcpFlags(TcpFlags::PSH | TcpFlags::ACK));
        assert_eq!((s.header_len, s.payload_len), (20, 100));
        assert_eq!(
            s.malformed,
            Some(Malformed::Truncated {
                captured: captured as u8
            })
        );
        assert_eq!(
            s.malformed.unwrap().to_string(),
            format!(
                "TCP header truncated by the capture ({captured} of its 20 fixed bytes captured)"
            )
        );
    }
    // Without the window (15 bytes) it is not one.
    let f = &whole[..14 + 20 + 15];
    assert_eq!(decode(&frame(LinkType::Ethernet, f)), Decoded::Malformed);
    // A truncated header whose data offset is impossible reports that.
    let mut bad = whole.clone();
    bad[14 + 20 + 12] = 0x30; // 12 bytes
    let s = seg(LinkType::Ethernet, &bad[..14 + 20 + 16]);
    assert_eq!(
        s.malformed,
        Some(Malformed::HeaderTooShort {
            header_len: 12,
            available: 120
        })
    );
    assert_eq!(s.payload_len, 0);
    // IPv6 alike.
    let whole6 = ipv6(6, &t);
    let s = seg(LinkType::Ipv6, &whole6[..40 + 18]);
    assert_eq!(s.malformed, Some(Malformed::Truncated { captured: 18 }));
    assert_eq!(s.payload_len, 100);
}

/// tshark's rule for fragments the capture cut short: never reassembled;
/// the first one is read alone as far as it was captured (its TCP header
/// makes a segment of its connection), the others stay fragments. Whole
/// fragments still wait for their datagram.
#[test]
fn a_fragment_cut_by_the_capture_is_read_alone_when_first() {
    let t = tcp(0x18, &[], &[b'x'; 200]);
    let first = ipv4(6, 0x2000, &t); // MF, offset 0
    let mut later = ipv4(6, 0x0019, &t); // offset 200, last
    later[6] = 0;
    for stateful in [false, true] {
        let mut d = crate::decode::Decoder::new();
        let mut run = |data: &[u8]| {
            let f = frame(LinkType::Raw, data);
            if stateful { d.decode(&f) } else { decode(&f) }
        };
        let Decoded::Tcp(s) = run(&first[..20 + 40]) else {
            panic!("a cut first fragment is read alone");
        };
        assert_eq!(
            (s.seq, s.payload_len, s.malformed),
            (1000, 0, Some(Malformed::FirstFragment))
        );
        let Decoded::Tcp(s) = run(&first[..20 + 16]) else {
            panic!("its header cut too: a truncated segment");
        };
        assert_eq!(s.malformed, Some(Malformed::Truncated { captured: 16 }));
        assert_eq!(run(&later[..20 + 40]), Decoded::Fragment);
        // Captured whole: reassembly as before.
        assert_eq!(run(&first), Decoded::Fragment);
    }
    // IPv6: a fragment header with offset 0 and M set, cut by the capture.
    let mut b = vec![6, 0, 0, 1, 0, 0, 0, 9];
    b.extend_from_slice(&t);
    let p = ipv6(44, &b);
    let mut d = crate::decode::Decoder::new();
    let Decoded::Tcp(s) = d.decode(&frame(LinkType::Ipv6, &p[..40 + 8 + 30])) else {
        panic!("a cut first IPv6 fragment is read alone");
    };
    assert_eq!(s.src.to_string(), "[::1]:40000");
    assert_eq!(s.malformed, Some(Malformed::FirstFragment));
    assert_eq!(d.decode(&frame(LinkType::Ipv6, &p)), Decoded::Fragment);
    let mut b = vec![6, 0, 0, 8, 0, 0, 0, 9]; // offset 8, cut
    b.extend_from_slice(&t);
    let p = ipv6(44, &b);
    assert_eq!(
        d.decode(&frame(LinkType::Ipv6, &p[..40 + 8 + 30])),
        Decoded::Fragment
    );
}
