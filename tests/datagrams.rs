//! UDP flows beside the TCP connections: a capture written by tcpdump on
//! loopback (a UDP echo, then datagrams to a closed port answered by ICMP
//! port unreachable), checked against tshark's own conversation table
//! (`tshark -q -z conv,udp`, saved beside the capture).

const CAPTURE: &str = "tests/data/udp-echo-unreachable.pcap";

#[path = "support/run.rs"]
mod run;
use run::{stdout_of, synack};

/// `(a, b, frames)` rows of tshark's UDP conversation table.
fn tshark_conversations() -> Vec<(String, String, u64)> {
    let text = std::fs::read_to_string(format!("{CAPTURE}.conv.txt")).unwrap();
    text.lines()
        .filter(|l| l.contains("<->"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // a <-> b | frames bytes "bytes" | frames bytes "bytes" | total frames ...
            (f[0].to_string(), f[2].to_string(), f[9].parse().unwrap())
        })
        .collect()
}

#[test]
fn udp_flows_match_tshark_conversations() {
    let doc: serde_json::Value =
        serde_json::from_str(&stdout_of(&["replay", CAPTURE, "--json"])).unwrap();
    assert_eq!(doc["connections"].as_array().unwrap().len(), 0);
    let flows = doc["flows"].as_array().unwrap();
    let expected = tshark_conversations();
    assert_eq!(flows.len(), expected.len());
    for (f, (a, b, frames)) in flows.iter().zip(&expected) {
        let pair = [f["client"].as_str().unwrap(), f["server"].as_str().unwrap()];
        assert!(
            pair.contains(&a.as_str()) && pair.contains(&b.as_str()),
            "{pair:?} vs {a} {b}"
        );
        assert_eq!(f["datagrams_count"].as_u64(), Some(*frames));
        assert_eq!(f["datagrams"].as_array().unwrap().len() as u64, *frames);
        // Each closed-port datagram got its ICMP port unreachable.
        let icmp = f["icmp"].as_array().unwrap();
        assert_eq!(icmp.len(), 1);
        assert_eq!(icmp[0]["text"], "ICMP: port unreachable");
    }
    // Nothing of it is "skipped" any more.
    assert_eq!(doc["skipped"]["not_tcp"], 0);
}

#[test]
fn udp_only_capture_lists_and_prints_its_flows() {
    let list = stdout_of(&["replay", CAPTURE, "--list"]);
    assert!(list.contains("UDP flows (connection-less"), "{list}");
    assert!(
        list.contains(
            "0 connections, 10 frames; skipped 0 not TCP, 0 IP fragments, 0 malformed; 2 UDP flows"
        ),
        "{list}"
    );
    // Without a terminal the walk prints, and says there is no TCP.
    let out = synack().args(["replay", CAPTURE]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("─ UDP len=6 "), "{text}");
    assert!(
        text.contains("✗ ICMP: port unreachable from 127.0.0.1 (frame 8)"),
        "{text}"
    );
    // A picture needs a connection.
    let out = synack()
        .args(["replay", CAPTURE, "--svg"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no TCP connection"));
}
