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
