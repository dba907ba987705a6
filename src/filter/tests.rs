//! The frame filter against frames of the bundled captures.

use std::path::Path;

use super::*;
use crate::capture::CaptureReader;

/// Each frame of `path` (link, bytes, wire length).
fn frames(path: &str) -> Vec<(LinkType, Vec<u8>, u32)> {
    let mut r = CaptureReader::open(Path::new(path)).unwrap();
    let mut v = Vec::new();
    while let Some(f) = r.next_frame().unwrap() {
        v.push((f.link, f.data.to_vec(), f.wire_len));
    }
    v
}

/// How many frames of `path` `expr` keeps.
fn kept(path: &str, expr: &str) -> usize {
    let mut f = FrameFilter::new(Expression::new(expr).unwrap());
    frames(path)
        .iter()
        .filter(|(l, d, w)| f.keeps(*l, d, *w).unwrap())
        .count()
}

#[test]
fn a_port_picks_its_connection_on_ethernet_and_sll() {
    // normal.pcap: one connection 10.99.0.1:6001 -> 10.99.0.2:5001, 11 frames.
    assert_eq!(kept("captures/normal.pcap", "tcp port 5001"), 11);
    assert_eq!(kept("captures/normal.pcap", "tcp port 5002"), 0);
    assert_eq!(kept("captures/normal.pcap", "src host 10.99.0.1"), 6);
    assert_eq!(
        kept("captures/normal.pcap", "tcp[tcpflags] & tcp-syn != 0"),
        2
    );
    let sll = frames("captures/normal-sll.pcap");
    assert_eq!(sll[0].0, LinkType::LinuxSll);
    assert_eq!(
        kept("captures/normal-sll.pcap", "tcp[tcpflags] & tcp-fin != 0"),
        2
    );
}

#[test]
fn raw_ip_frames_get_a_program_of_their_own() {
    let all = frames("tests/data/rawip.pcap");
    assert!(all.iter().all(|(l, ..)| *l == LinkType::Raw));
    let n = all.len();
    assert!(n > 0 && kept("tests/data/rawip.pcap", "ip or ip6") == n);
    assert_eq!(kept("tests/data/rawip.pcap", "not (ip or ip6)"), 0);
}

#[test]
fn the_wire_length_is_what_greater_compares() {
    let p = Expression::new("greater 1000")
        .unwrap()
        .program(LinkType::Ethernet)
        .unwrap();
    let frame = vec![0u8; 60];
    assert!(!p.matches(&frame, 60));
    assert!(
        p.matches(&frame, 1500),
        "60 bytes captured of 1500 on the wire"
    );
}

#[test]
fn a_bad_expression_says_libpcaps_reason() {
    let e = Expression::new("tcp port eighty").unwrap_err();
    let FilterError::Bad { expr, reason } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(expr, "tcp port eighty");
    assert!(reason.contains("unknown port"), "{reason}");
    let e = Expression::of_words(&["tcp".into(), "and".into()]).unwrap_err();
    assert!(
        e.to_string().starts_with("filter expression \"tcp and\": "),
        "{e}"
    );
    assert!(e.to_string().contains("syntax error"), "{e}");
    assert_eq!(Expression::of_words(&[]), Ok(None));
}

#[test]
fn a_link_type_the_expression_does_not_fit_is_named() {
    // Valid on Ethernet, not on raw IP (no link-layer addresses).
    let expr = Expression::new("ether host 00:11:22:33:44:55").unwrap();
    let e = expr.program(LinkType::Raw).unwrap_err();
    assert!(
        matches!(
            e,
            FilterError::Link {
                link: LinkType::Raw,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("link type 101 (LINKTYPE_RAW)"),
        "{e}"
    );
    let e = expr.program(LinkType::Other(147)).unwrap_err();
    assert!(
        e.to_string()
            .contains("synack does not decode this link type"),
        "{e}"
    );
}

#[test]
fn every_link_type_synack_decodes_has_an_answer() {
    // Each either compiles `tcp` or says why; none panics.
    let expr = Expression::new("tcp").unwrap();
    let mut compiled = 0;
    for n in [
        0, 1, 9, 50, 51, 101, 104, 105, 108, 113, 127, 129, 178, 192, 204, 205, 228, 229, 242, 276,
    ] {
        let link = LinkType::from_linktype(n);
        assert!(link.is_supported(), "{n}");
        match expr.program(link) {
            Ok(p) => {
                compiled += 1;
                assert!(!p.instructions().is_empty());
            }
            Err(e) => assert!(e.to_string().contains(&format!("link type {n}")), "{e}"),
        }
    }
    assert!(compiled >= 15, "{compiled} of 20 link types compile `tcp`");
}
