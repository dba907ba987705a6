//! Damaged, compressed and TCP-less captures as a user meets them on the
//! command line: what is shown, what is warned, the exit status — compared
//! with what tshark shows for the same files (tests/data/README.md says
//! how each file was made).

use assert_cmd::Command;

fn synack(args: &[&str]) -> (bool, String, String) {
    let out = Command::cargo_bin("synack")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.success(), stdout, stderr)
}

/// A damaged record in the middle: the packets before it are shown (tshark
/// shows 5 of damaged-middle.pcap and 3 of damaged-middle.pcapng, then
/// "appears to be damaged or corrupt"), the damage is one warning naming
/// the file, the byte offset and the frame count, and the exit is 0.
#[test]
fn damaged_record_in_the_middle_keeps_the_packets_before_it() {
    for (file, frames) in [
        ("tests/data/damaged-middle.pcap", 5),
        ("tests/data/damaged-middle.pcapng", 3),
    ] {
        for mode in ["--list", "--print"] {
            let (ok, out, err) = synack(&["replay", file, mode]);
            assert!(ok, "{file} {mode}: {err}");
            assert!(
                out.contains(&format!("1 connection, {frames} frames")),
                "{file} {mode}: {out}"
            );
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.starts_with(&format!(
                    "synack: warning: {file}: damaged capture at byte offset 456: "
                )),
                "{err}"
            );
            assert!(
                err.contains(&format!("kept the {frames} packets before it")),
                "{err}"
            );
        }
        let (ok, out, _) = synack(&["replay", file, "--json"]);
        assert!(ok);
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        let warnings = doc["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].as_str().unwrap().contains("byte offset 456"),
            "{warnings:?}"
        );
        let segs = doc["connections"][0]["segments"].as_array().unwrap();
        assert_eq!(segs.len(), frames);
    }
}

/// Damage before the first packet is still an error: nothing could be read.
#[test]
fn damage_before_any_packet_is_an_error() {
    let (ok, _, err) = synack(&["replay", "tests/data/truncated-header.pcap", "--list"]);
    assert!(!ok);
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// TCP headers with an impossible data offset (12 bytes; 60 bytes in a
/// 26-byte segment) stay in their connection marked malformed, as tshark
/// keeps them in their `tcp.stream` (bad-offset.pcap.tshark-stream.tsv:
/// frame, stream, header length, malformed, expert messages).
#[test]
fn bad_data_offset_stays_in_its_connection_marked_malformed() {
    let truth = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/bad-offset.pcap.tshark-stream.tsv"),
    )
    .unwrap();
    let mut frames = Vec::new();
    let mut bogus = Vec::new();
    for line in truth.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f[1], "0", "tshark puts every frame in stream 0: {line}");
        let n: u64 = f[0].parse().unwrap();
        frames.push(n);
        if f[2] != "20" {
            bogus.push(n);
        }
    }
    assert_eq!(bogus, [4, 5]);
    let (ok, out, err) = synack(&["replay", "tests/data/bad-offset.pcap", "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1);
    let segs = conns[0]["segments"].as_array().unwrap();
    let got: Vec<u64> = segs.iter().map(|s| s["frame"].as_u64().unwrap()).collect();
    assert_eq!(got, frames);
    let marked: Vec<u64> = segs
        .iter()
        .filter(|s| s.get("malformed").is_some())
        .map(|s| s["frame"].as_u64().unwrap())
        .collect();
    assert_eq!(marked, bogus);
    assert_eq!(
        segs[3]["malformed"],
        "bogus TCP header length (12, must be at least 20)"
    );
    assert_eq!(doc["skipped"]["malformed"], 0);
}

/// A gzip stream cut short keeps the packets before the cut (tshark shows
/// the same 5), and a compressed file that holds no capture says so.
#[test]
fn compressed_cut_short_and_compressed_non_capture() {
    let (ok, out, err) = synack(&["replay", "tests/data/cut-short.pcap.gz", "--list"]);
    assert!(ok, "{err}");
    assert!(out.contains("1 connection, 5 frames"), "{out}");
    assert_eq!(
        err,
        "synack: warning: tests/data/cut-short.pcap.gz: cannot read the file: the gzip data is \
         cut short; the rest of the file is not read (kept the 5 packets before it, frames 1-5)\n"
    );
    let (ok, _, err) = synack(&["replay", "tests/data/notes.txt.gz", "--list"]);
    assert!(!ok);
    assert_eq!(
        err,
        "synack: tests/data/notes.txt.gz: not a pcap or pcapng capture file (gzip-compressed, and \
         what it holds looks like text: \"these are my notes, not a capture\"); give a file \
         written by tcpdump, dumpcap, tshark or Wireshark\n"
    );
}

/// No TCP at all: the message says what the frames are instead. A real
/// VXLAN capture on Linux's old port 8472 (tests/data/vxlan-8472.sh: two
/// namespaces, `ip link add ... type vxlan dstport 8472`, tcpdump on the
/// underlay) names the port and the flag that opens it; with the flag the
/// connection inside is read (tshark -d udp.port==8472,vxlan shows the same
/// 10 TCP segments).
#[test]
fn no_tcp_says_what_the_frames_are() {
    // The UDP flows are listed; stderr says why there is no TCP.
    let (ok, out, err) = synack(&["replay", "tests/data/vxlan-8472.pcap", "--list"]);
    assert!(ok, "{err}");
    assert!(
        out.contains(
            "0 connections, 22 frames; skipped 0 not TCP, 0 IP fragments, 0 malformed; 12 UDP flows"
        ),
        "{out}"
    );
    assert_eq!(
        err,
        "synack: tests/data/vxlan-8472.pcap: no TCP segments in 22 frames: 22 are UDP port 8472 \
         (VXLAN on Linux's old port) — if that is VXLAN (Linux's default before port 4789), add \
         --tunnel-port vxlan:8472; showing its UDP flows\n"
    );
    let (ok, out, err) = synack(&[
        "replay",
        "tests/data/vxlan-8472.pcap",
        "--list",
        "--tunnel-port",
        "vxlan:8472",
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains("10.42.0.1:46926  10.42.0.2:8080       10"),
        "{out}"
    );
}

/// tshark's frame → `tcp.stream` for a capture (`F.tshark-stream.tsv`,
/// `tshark -r F -Y tcp -T fields -e frame.number -e tcp.stream -e
/// tcp.analysis.flags`): the frames tshark files in a stream, and those it
/// shows as TCP with none.
fn tshark_streams(name: &str) -> (Vec<u64>, Vec<u64>) {
    let truth = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/data/{name}.tshark-stream.tsv")),
    )
    .unwrap();
    let (mut filed, mut none) = (Vec::new(), Vec::new());
    for line in truth.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let n: u64 = f[0].parse().unwrap();
        match f[1] {
            "" => none.push(n),
            "0" => filed.push(n),
            s => panic!("one stream expected, got {s}: {line}"),
        }
        assert!(f.get(2).is_none_or(|a| a.is_empty()), "no analysis: {line}");
    }
    (filed, none)
}

/// Segments (frame, malformed text) of the one connection synack finds.
fn segments(name: &str) -> Vec<(u64, Option<String>)> {
    let (ok, out, err) = synack(&["replay", &format!("tests/data/{name}"), "--json"]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1);
    conns[0]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let m = s.get("malformed").map(|m| m.as_str().unwrap().to_string());
            (s["frame"].as_u64().unwrap(), m)
        })
        .collect()
}

/// A snap length that cuts the TCP header (`editcap -s 50` of a real lo
/// capture: 16 bytes of TCP) still leaves segments of their connection,
/// marked truncated, as tshark files every frame in stream 0; one byte
/// less (`-s 49`, no window) and tshark files none: no segments.
#[test]
fn a_header_cut_by_the_snap_length_is_a_truncated_segment() {
    let (filed, none) = tshark_streams("snap-50.pcap");
    assert_eq!((filed.len(), none.len()), (10, 0));
    let segs = segments("snap-50.pcap");
    assert_eq!(segs.iter().map(|s| s.0).collect::<Vec<_>>(), filed);
    for (_, m) in &segs {
        assert_eq!(
            m.as_deref(),
            Some("TCP header truncated by the capture (16 of its 20 fixed bytes captured)")
        );
    }
    let (filed, none) = tshark_streams("snap-49.pcap");
    assert_eq!((filed.len(), none.len()), (0, 10));
    let (ok, _, err) = synack(&["replay", "tests/data/snap-49.pcap", "--list"]);
    assert!(!ok);
    assert!(err.contains("no TCP segments in 10 frames"), "{err}");
}

/// IPv4 fragments cut by the snap length (`editcap -r -s 100` of frames
/// 1-6 of frag4.pcap) are not reassembled, as in tshark: the first one is
/// read alone (frame 4, in stream 0, payload length unknown), the other
/// two stay fragments.
#[test]
fn a_first_fragment_cut_by_the_snap_length_is_read_alone() {
    let (filed, none) = tshark_streams("frag4-snap-100.pcap");
    assert_eq!((filed, none), (vec![1, 2, 3, 4], vec![]));
    let segs = segments("frag4-snap-100.pcap");
    assert_eq!(segs.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(
        segs[3].1.as_deref(),
        Some("first IP fragment, read alone (the capture cut it short): payload length unknown")
    );
    let (ok, out, _) = synack(&["replay", "tests/data/frag4-snap-100.pcap", "--list"]);
    assert!(ok);
    assert!(out.contains("skipped 0 not TCP, 2 IP fragments"), "{out}");
}
