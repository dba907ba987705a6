//! The analysis labels against Wireshark's own expert info: for every
//! capture in `captures/` with a `X.tshark.txt` dump (written by
//! `captures/make-captures.sh` with tshark 4.0), the frames tshark calls a
//! retransmission or a duplicate ACK must carry the same label in synack,
//! and no other frame may.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use synack::conversation::Label;

/// `(frame, label)` pairs tshark reported.
fn tshark_labels(path: &Path) -> BTreeSet<(u64, Label)> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let frame = head.iter().position(|h| *h == "frame.number").unwrap();
    let expert = head
        .iter()
        .position(|h| *h == "_ws.expert.message")
        .unwrap();
    let mut out = BTreeSet::new();
    for l in lines {
        let f: Vec<&str> = l.split('\t').collect();
        let n: u64 = f[frame].parse().unwrap();
        let msg = f.get(expert).copied().unwrap_or("");
        if msg.contains("retransmission") {
            out.insert((n, Label::Retransmission));
        }
        if msg.contains("Duplicate ACK") {
            out.insert((n, Label::DupAck));
        }
    }
    out
}

#[test]
fn retransmissions_and_dup_acks_match_tshark() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut checked = 0;
    let mut labelled = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(cap) = name.strip_suffix(".tshark.txt") else {
            continue;
        };
        // `X.tshark.txt` belongs to X.pcap, `X.pcapng.tshark.txt` to X.pcapng.
        let cap = if cap.ends_with(".pcapng") {
            dir.join(cap)
        } else {
            dir.join(format!("{cap}.pcap"))
        };
        let want = tshark_labels(&path);
        let replay = synack::replay::load(&cap).unwrap();
        let mut got = BTreeSet::new();
        for conn in replay.connections() {
            for step in &conn.steps {
                for l in &step.labels {
                    if matches!(l, Label::Retransmission | Label::DupAck) {
                        got.insert((step.segment.frame.number, *l));
                    }
                }
            }
        }
        assert_eq!(got, want, "{}", cap.display());
        checked += 1;
        labelled += want.len();
    }
    assert!(checked >= 15, "only {checked} captures checked");
    assert!(labelled >= 10, "the captures hold retransmissions to compare");
}
