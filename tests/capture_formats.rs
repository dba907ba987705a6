//! Reads every fixture in tests/data/ written by real tools (see
//! tests/data/README.md), decodes it, and compares each TCP segment with
//! what tshark printed for the same file (F.tshark.tsv, made by
//! tests/data/make-fixtures.sh): frame number, timestamp to the nanosecond,
//! addresses, ports, raw seq/ack, payload length, flags and VLAN id.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use synack::capture::{ByteOrder, CaptureError, CaptureReader, Compression, Format, LinkType};
use synack::decode::{Decoded, decode};
use synack::segment::Segment;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// One line of tshark output.
#[derive(Debug, PartialEq)]
struct Row {
    number: u64,
    ts_nanos: u128,
    src: String,
    sport: u16,
    dst: String,
    dport: u16,
    seq: u32,
    ack: u32,
    len: u32,
    flags: u16,
    vlan: Option<u16>,
}

/// "1795624302.448669671" → nanoseconds, exactly.
fn epoch_nanos(s: &str) -> u128 {
    let (sec, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut frac = frac.to_string();
    assert!(frac.len() <= 9, "{s}");
    while frac.len() < 9 {
        frac.push('0');
    }
    sec.parse::<u128>().unwrap() * 1_000_000_000 + frac.parse::<u128>().unwrap()
}

fn tshark_rows(name: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(data(&format!("{name}.tshark.tsv"))).unwrap();
    text.lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let pick = |a: &str, b: &str| {
                if a.is_empty() {
                    b.to_string()
                } else {
                    a.to_string()
                }
            };
            Row {
                number: f[0].parse().unwrap(),
                ts_nanos: epoch_nanos(f[1]),
                src: pick(f[2], f[3]),
                sport: f[4].parse().unwrap(),
                dst: pick(f[5], f[6]),
                dport: f[7].parse().unwrap(),
                seq: f[8].parse().unwrap(),
                ack: f[9].parse().unwrap(),
                len: f[10].parse().unwrap(),
                flags: u16::from_str_radix(f[11].trim_start_matches("0x"), 16).unwrap(),
                // tshark prints every 802.1Q id; the innermost is last.
                vlan: f
                    .get(12)
                    .and_then(|v| v.rsplit(',').next())
                    .and_then(|v| v.parse().ok()),
            }
        })
        .collect()
}

fn row(s: &Segment) -> Row {
    let addr = |ip: IpAddr| ip.to_string();
    Row {
        number: s.frame.number,
        ts_nanos: s.ts.as_nanos(),
        src: addr(s.src.ip()),
        sport: s.src.port(),
        dst: addr(s.dst.ip()),
        dport: s.dst.port(),
        seq: s.seq,
        ack: s.ack,
        len: s.payload_len,
        flags: s.flags.0,
        vlan: s.ip.vlan,
    }
}

/// Reads and decodes a fixture; returns the segments, the reader's format
/// and link types seen, and its warnings.
fn read(name: &str) -> (Vec<Segment>, Format, Vec<LinkType>, Vec<String>) {
    let mut r = CaptureReader::open(&data(name)).unwrap();
    let mut segs = Vec::new();
    let mut links = Vec::new();
    while let Some(frame) = r.next_frame().unwrap() {
        if !links.contains(&frame.link) {
            links.push(frame.link);
        }
        if let Decoded::Tcp(s) = decode(&frame) {
            segs.push(s);
        }
    }
    (segs, r.format(), links, r.warnings().to_vec())
}

fn check(name: &str, format: Format, links: &[LinkType]) {
    check_against(name, name, format, links);
}

/// Checks `name` against what tshark printed for `truth` (the same packets
/// in another file).
fn check_against(name: &str, truth: &str, format: Format, links: &[LinkType]) {
    let (segs, got_format, got_links, warnings) = read(name);
    assert_eq!(got_format, format, "{name}");
    assert_eq!(got_links, links, "{name}");
    assert!(warnings.is_empty(), "{name}: {warnings:?}");
    let want = tshark_rows(truth);
    assert!(!want.is_empty(), "{name}: empty tshark dump");
    let got: Vec<Row> = segs.iter().map(row).collect();
    assert_eq!(got.len(), want.len(), "{name}: segment count");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "{name}");
    }
}

const LE_US: Format = Format::Pcap {
    nanosecond: false,
    byte_order: ByteOrder::Little,
};
const LE_NS: Format = Format::Pcap {
    nanosecond: true,
    byte_order: ByteOrder::Little,
};
const NG: Format = Format::PcapNg {
    byte_order: ByteOrder::Little,
};

#[test]
fn tcpdump_loopback_ipv4_microseconds() {
    check("lo-ipv4.pcap", LE_US, &[LinkType::Ethernet]);
}

#[test]
fn tcpdump_loopback_nanoseconds() {
    check("lo-nano.pcap", LE_NS, &[LinkType::Ethernet]);
}

#[test]
fn tcpdump_loopback_ipv6() {
    check("lo-ipv6.pcap", LE_US, &[LinkType::Ethernet]);
}

#[test]
fn linux_cooked_v1_and_v2() {
    check("any-sll.pcap", LE_US, &[LinkType::LinuxSll]);
    check("any-sll2.pcap", LE_US, &[LinkType::LinuxSll2]);
}

#[test]
fn dumpcap_pcapng_nanosecond_tsresol() {
    check("dumpcap-lo.pcapng", NG, &[LinkType::Ethernet]);
    check("lo-nano.pcapng", NG, &[LinkType::Ethernet]);
}

#[test]
fn pcapng_binary_tsresol_and_tsoffset() {
    check("tsresol-bin20.pcapng", NG, &[LinkType::Ethernet]);
}

/// gzip- and zstd-compressed captures are recognised by their content and
/// read as the same frames tshark reads from them.
#[test]
fn compressed_captures() {
    check("lo-ipv4.pcap.gz", LE_US, &[LinkType::Ethernet]);
    check("lo-nano.pcapng.zst", NG, &[LinkType::Ethernet]);
    for (name, c) in [
        ("lo-ipv4.pcap.gz", Compression::Gzip),
        ("lo-nano.pcapng.zst", Compression::Zstd),
    ] {
        assert_eq!(
            CaptureReader::open(&data(name)).unwrap().compression(),
            Some(c)
        );
    }
    let plain = CaptureReader::open(&data("lo-ipv4.pcap")).unwrap();
    assert_eq!(plain.compression(), None);
}

/// A chain of 16 IPv6 extension headers (Linux and tshark accept it).
#[test]
fn ipv6_sixteen_extension_headers() {
    check("ipv6-ext16.pcap", LE_US, &[LinkType::Ipv6]);
}

/// Resolutions pcap-file refuses ("Invalid option entry. Code: 9"), read
/// anyway: binary 2^-30 s (tshark agrees to the nanosecond) and
/// picoseconds with an `if_tsoffset` (tshark 4.0 misreads those by 0.44 s,
/// so they are checked against the nanosecond pcap they were made from).
#[test]
fn pcapng_tsresol_finer_than_pcap_file_reads() {
    check("tsresol-bin30.pcapng", NG, &[LinkType::Ethernet]);
    check_against(
        "tsresol-ps12.pcapng",
        "lo-nano.pcap",
        NG,
        &[LinkType::Ethernet],
    );
}

#[test]
fn pcapng_two_interfaces_two_link_types() {
    check(
        "merged.pcapng",
        NG,
        &[LinkType::Ethernet, LinkType::LinuxSll2],
    );
}

#[test]
fn big_endian_pcaps() {
    let be = |nanosecond| Format::Pcap {
        nanosecond,
        byte_order: ByteOrder::Big,
    };
    check("big-endian.pcap", be(false), &[LinkType::Ethernet]);
    check("big-endian-nano.pcap", be(true), &[LinkType::Ethernet]);
}

#[test]
fn raw_ip_link_types() {
    check("rawip.pcap", LE_US, &[LinkType::Raw]);
    check("rawip4.pcap", LE_US, &[LinkType::Ipv4]);
    check("rawip6.pcap", LE_US, &[LinkType::Ipv6]);
}

#[test]
fn bsd_loopback_link_types() {
    check("null.pcap", LE_US, &[LinkType::Null]);
    check("loop.pcap", LE_US, &[LinkType::Loop]);
}

#[test]
fn vlan_tags() {
    check("vlan.pcap", LE_US, &[LinkType::Ethernet]);
    check("qinq.pcap", LE_US, &[LinkType::Ethernet]);
    let (segs, ..) = read("qinq.pcap");
    assert!(segs.iter().all(|s| s.ip.vlan == Some(20)));
}

#[test]
fn truncated_last_packet_keeps_the_rest() {
    let mut r = CaptureReader::open(&data("truncated-last-packet.pcap")).unwrap();
    let mut n = 0;
    while let Some(f) = r.next_frame().unwrap() {
        assert!(matches!(decode(&f), Decoded::Tcp(_)));
        n += 1;
    }
    assert_eq!(n, 9);
    let w = r.warnings();
    assert_eq!(w.len(), 1);
    assert!(
        w[0].contains("truncated-last-packet.pcap: last packet truncated at byte offset "),
        "{w:?}"
    );
    assert!(w[0].ends_with("kept the 9 packets before it"), "{w:?}");
    // And the 9 it kept match tshark.
    let (segs, ..) = read("truncated-last-packet.pcap");
    let got: Vec<Row> = segs.iter().map(row).collect();
    assert_eq!(got, tshark_rows("truncated-last-packet.pcap"));
}

fn open_err(name: &str) -> (CaptureError, String) {
    let err = CaptureReader::open(&data(name)).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(name), "message names the file: {msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
    (err, msg)
}

#[test]
fn error_not_a_capture() {
    let (err, msg) = open_err("not-a-capture.txt");
    assert!(matches!(err, CaptureError::NotACapture { .. }));
    assert!(
        msg.contains("looks like text: \"these are my notes, not a capture\""),
        "{msg}"
    );
}

#[test]
fn error_empty_file() {
    let (err, msg) = open_err("empty.pcap");
    assert!(matches!(err, CaptureError::Empty { .. }));
    assert!(msg.contains("empty"), "{msg}");
}

#[test]
fn error_truncated_file_header() {
    let (err, msg) = open_err("truncated-header.pcap");
    assert!(
        matches!(
            err,
            CaptureError::TruncatedHeader {
                got: 10,
                need: 24,
                ..
            }
        ),
        "{msg}"
    );
}

#[test]
fn error_unsupported_link_type() {
    let (err, msg) = open_err("user0.pcap");
    assert!(matches!(
        err,
        CaptureError::UnsupportedLinkType {
            link: LinkType::Other(147),
            ..
        }
    ));
    assert!(msg.contains("147 (LINKTYPE_USER0)"), "{msg}");
}

#[test]
fn error_missing_file() {
    let (err, _) = open_err("no-such-file.pcap");
    assert!(matches!(err, CaptureError::Io { .. }));
}

#[test]
fn ppp_hdlc_arcnet_juniper_ipoib_link_types() {
    check("link-ppp.pcap", LE_US, &[LinkType::Ppp]);
    check("link-ppp-hdlc.pcap", LE_US, &[LinkType::PppHdlc]);
    check("link-chdlc.pcap", LE_US, &[LinkType::CiscoHdlc]);
    check("link-arcnet.pcap", LE_US, &[LinkType::ArcnetLinux]);
    check("link-juniper.pcap", LE_US, &[LinkType::JuniperEther]);
    check("link-ipoib.pcap", LE_US, &[LinkType::Ipoib]);
}

#[test]
fn wifi_with_and_without_radiotap() {
    check("link-wlan.pcap", LE_US, &[LinkType::Ieee80211]);
    check("link-radiotap.pcap", LE_US, &[LinkType::Radiotap]);
}

#[test]
fn pcapng_link_type_per_interface() {
    check(
        "link-mixed.pcapng",
        NG,
        &[LinkType::Ipoib, LinkType::Ppp, LinkType::Ethernet],
    );
}

/// Replays a fixture through the one door (reader → Decoder → Tracker),
/// as `synack replay` does.
fn replay(name: &str) -> synack::replay::Replay {
    synack::replay::load(&data(name)).unwrap()
}

/// Every segment of every connection against tshark's rows (inner
/// addresses, the frame that completed a reassembled packet), and the
/// frames of each connection against tshark's `tcp.stream`
/// (`F.streams.tsv`).
fn check_streams(name: &str) -> synack::replay::Replay {
    let r = replay(name);
    let mut got: Vec<Row> = r
        .connections()
        .iter()
        .flat_map(|c| c.steps().iter().map(|s| row(&s.segment)))
        .collect();
    got.sort_by_key(|r| r.number);
    assert_eq!(got, tshark_rows(name), "{name}: segments");
    let text = std::fs::read_to_string(data(&format!("{name}.streams.tsv"))).unwrap();
    let mut want: Vec<Vec<u64>> = Vec::new();
    for line in text.lines() {
        let (frame, stream) = line.split_once('\t').unwrap();
        let stream: usize = stream.parse().unwrap();
        if want.len() <= stream {
            want.resize(stream + 1, Vec::new());
        }
        want[stream].push(frame.parse().unwrap());
    }
    let conns: Vec<Vec<u64>> = r
        .connections()
        .iter()
        .map(|c| c.steps().iter().map(|s| s.segment.frame.number).collect())
        .collect();
    assert_eq!(conns, want, "{name}: frames per connection (tcp.stream)");
    r
}

fn tunnel_notes(r: &synack::replay::Replay) -> Vec<Option<String>> {
    r.connections()
        .iter()
        .map(|c| {
            c.steps()[0]
                .segment
                .ip
                .carried
                .as_ref()
                .and_then(|x| x.tunnel_note())
        })
        .collect()
}

fn reassembled(r: &synack::replay::Replay) -> Vec<(u64, Vec<u64>)> {
    r.connections()
        .iter()
        .flat_map(|c| c.steps())
        .filter_map(|s| {
            let c = s.segment.ip.carried.as_ref()?;
            (!c.reassembled_from.is_empty())
                .then(|| (s.segment.frame.number, c.reassembled_from.clone()))
        })
        .collect()
}

#[test]
fn vxlan_inner_connections_keyed_by_inner_addresses() {
    let r = check_streams("vxlan.pcap");
    assert_eq!(r.connections().len(), 2);
    assert_eq!(r.connections()[0].client().ip().to_string(), "10.8.0.1");
    assert_eq!(r.connections()[1].client().ip().to_string(), "fd08::1");
    for note in tunnel_notes(&r) {
        assert_eq!(
            note.as_deref(),
            Some("inside VXLAN VNI 42, 10.1.0.1 → 10.2.0.1")
        );
    }
    assert!(reassembled(&r).is_empty());
}

#[test]
fn vxlan_over_fragmented_ipv4_fragmented_ipv6_and_vxlan_over_ipv6() {
    for name in ["vxlan-frag4.pcap", "frag6.pcap"] {
        let r = check_streams(name);
        let re = reassembled(&r);
        assert!(!re.is_empty(), "{name}: some packets were fragmented");
        for (frame, from) in &re {
            // The completing frame is the last of the fragments.
            assert_eq!(from.last(), Some(frame), "{name}");
            assert!(from.len() >= 2, "{name}");
        }
        assert!(r.warnings.is_empty(), "{name}: {:?}", r.warnings);
    }
    let r = check_streams("vxlan6.pcap");
    assert_eq!(
        tunnel_notes(&r)[0].as_deref(),
        Some("inside VXLAN VNI 42, fd01::1 → fd02::1")
    );
}

#[test]
fn tcp_fragmented_by_a_router() {
    let r = check_streams("frag4.pcap");
    let re = reassembled(&r);
    // 1448-byte segments through a 576-byte MTU: 3 fragments each.
    assert!(re.iter().any(|(_, from)| from.len() == 3), "{re:?}");
    assert_eq!(tunnel_notes(&r), vec![None]);
    // Stateless decoding sets the fragments aside instead.
    let mut reader = CaptureReader::open(&data("frag4.pcap")).unwrap();
    let mut fragments = 0;
    while let Some(f) = reader.next_frame().unwrap() {
        fragments += u32::from(decode(&f) == Decoded::Fragment);
    }
    assert!(fragments >= 3);
}

/// `(after step, text, quoted step)` of each ICMP event of connection `i`.
fn icmp_events(r: &synack::replay::Replay, i: usize) -> Vec<(usize, String, Option<usize>)> {
    r.connections()[i]
        .icmp()
        .iter()
        .map(|e| (e.after, e.error.kind.to_string(), e.quotes))
        .collect()
}

#[test]
fn icmp_errors_attached_to_the_connection_they_quote() {
    let r = check_streams("icmp-fragneeded.pcap");
    let ev = icmp_events(&r, 0);
    assert!(!ev.is_empty());
    for (after, text, quotes) in &ev {
        assert_eq!(text, "ICMP: fragmentation needed, MTU 576");
        let q = quotes.expect("quotes a captured segment");
        assert!(q < *after);
        let seg = &r.connections()[0].steps()[q].segment;
        assert_eq!(seg.payload_len, 1448, "the segment that was too big");
    }
    let r = check_streams("icmp6-toobig.pcap");
    let ev = icmp_events(&r, 0);
    assert!(!ev.is_empty());
    assert!(ev.iter().all(|e| e.1 == "ICMPv6: packet too big, MTU 1280"));

    let r = check_streams("icmp-unreach.pcap");
    let texts: Vec<Vec<String>> = (0..3)
        .map(|i| icmp_events(&r, i).into_iter().map(|e| e.1).collect())
        .collect();
    assert_eq!(
        texts,
        vec![
            vec!["ICMP: host unreachable".to_string()],
            vec![
                "ICMPv6: address unreachable".to_string(),
                "ICMPv6: address unreachable".to_string()
            ],
            vec!["ICMP: TTL exceeded in transit".to_string()],
        ]
    );
    // Each follows the SYN it quotes.
    assert_eq!(icmp_events(&r, 1)[1].0, 2);
    assert_eq!(icmp_events(&r, 1)[1].2, Some(1));
}

#[test]
fn tunnels_built_with_scapy() {
    let notes = [
        ("gre.pcap", "inside GRE key 5, 192.0.2.1 → 192.0.2.2"),
        (
            "erspan2.pcap",
            "inside ERSPAN type 2 session 12, 192.0.2.1 → 192.0.2.2",
        ),
        (
            "erspan1.pcap",
            "inside ERSPAN type 1, 192.0.2.1 → 192.0.2.2",
        ),
        (
            "wccp.pcap",
            "inside GRE (WCCP redirect), 192.0.2.1 → 192.0.2.2",
        ),
        ("geneve.pcap", "inside Geneve VNI 7, 192.0.2.1 → 192.0.2.2"),
        (
            "gtpu.pcap",
            "inside GTP-U TEID 0x1234, 192.0.2.1 → 192.0.2.2",
        ),
        ("ipip.pcap", "inside IPv4-in-IPv4, 192.0.2.1 → 192.0.2.2"),
        ("sit.pcap", "inside IPv6-in-IPv4, 192.0.2.1 → 192.0.2.2"),
        (
            "ip4in6.pcap",
            "inside IPv4-in-IPv6, 2001:db8::1 → 2001:db8::2",
        ),
        (
            "nested.pcap",
            "inside GRE key 9, 192.0.2.1 → 192.0.2.2; inside VXLAN VNI 42, 10.0.0.1 → 10.0.0.2",
        ),
    ];
    for (name, note) in notes {
        let r = check_streams(name);
        assert_eq!(tunnel_notes(&r), vec![Some(note.to_string())], "{name}");
    }
}

#[test]
fn link_layer_encapsulations_built_with_scapy() {
    for name in ["pppoe.pcap", "mpls.pcap", "etag.pcap"] {
        let r = check_streams(name);
        assert_eq!(tunnel_notes(&r), vec![None], "{name}");
    }
}

#[test]
fn overlapping_fragments_are_discarded_as_linux_does() {
    // tshark reassembles the overlapping datagram (frames 4-5); Linux, and
    // synack, discard it: every other segment matches tshark's, in the same
    // connection, and the loss is a warning.
    let r = replay("frag-overlap.pcap");
    assert_eq!(r.connections().len(), 1);
    let got: Vec<Row> = r.connections()[0]
        .steps()
        .iter()
        .map(|s| row(&s.segment))
        .collect();
    let mut want = tshark_rows("frag-overlap.pcap");
    let dropped: Vec<u64> = want
        .iter()
        .filter(|w| !got.iter().any(|g| g.number == w.number))
        .map(|w| w.number)
        .collect();
    assert_eq!(dropped, vec![5], "only the overlapping datagram is lost");
    want.retain(|w| w.number != 5);
    assert_eq!(got, want);
    assert_eq!(
        r.warnings,
        vec!["IP reassembly: 1 datagram discarded for overlapping fragments (as Linux does)"]
    );
    // The duplicated fragment of the server's reply did not stop it.
    assert_eq!(reassembled(&r).len(), 1);
    assert_eq!(reassembled(&r)[0].1.len(), 2);
}
