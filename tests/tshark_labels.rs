//! The analysis labels against Wireshark's own TCP analysis, on every
//! capture in the repository (`captures/` and `tests/`): for each frame,
//! the labels synack gives must be exactly those tshark's expert info
//! names (`tshark -T fields -e frame.number -e _ws.expert.message -Y
//! tcp.analysis.flags`).
//!
//! tshark's answers are read from `tests/tshark-expert.tsv` (written by
//! `tests/tshark-expert.sh` with tshark 4.0); a capture missing there, or
//! whose size changed, is given to tshark here. The figures (labels
//! compared, agreeing, per capture) print with `--nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use synack::conversation::Label;

/// `(frame, label)` pairs.
type Labels = BTreeSet<(u64, Label)>;

/// tshark's expert messages and the labels they name. A message that
/// contains another one's text comes first: it is taken out of the field
/// before the shorter one is looked for.
const MESSAGES: [(&str, Label); 15] = [
    ("(suspected) fast retransmission", Label::FastRetransmission),
    (
        "(suspected) spurious retransmission",
        Label::SpuriousRetransmission,
    ),
    ("(suspected) retransmission", Label::Retransmission),
    ("(suspected) out-of-order segment", Label::OutOfOrder),
    ("Previous segment(s) not captured", Label::LostSegment),
    ("ACKed segment that wasn't captured", Label::AckedUnseen),
    ("TCP Zero Window segment", Label::ZeroWindow),
    ("ACK to a TCP Zero Window Probe", Label::ZeroWindowProbeAck),
    ("TCP Zero Window Probe", Label::ZeroWindowProbe),
    ("TCP window update", Label::WindowUpdate),
    (
        "TCP window specified by the receiver is now completely full",
        Label::WindowFull,
    ),
    ("ACK to a TCP keep-alive segment", Label::KeepAliveAck),
    ("TCP keep-alive segment", Label::KeepAlive),
    (
        "A new tcp session is started with the same ports",
        Label::PortsReused,
    ),
    // Counted: "Duplicate ACK (#3)".
    ("Duplicate ACK (#", Label::DupAck(0)),
];

/// The labels one `_ws.expert.message` field names. A fast or spurious
/// retransmission also carries tshark's plain "retransmission" message;
/// synack names it once.
fn labels_of(msg: &str) -> Vec<Label> {
    let mut rest = msg.to_string();
    let mut out = Vec::new();
    for (text, label) in MESSAGES {
        let Some(at) = rest.find(text) else {
            continue;
        };
        out.push(match label {
            Label::DupAck(_) => {
                let n = rest[at + text.len()..].split(')').next().unwrap();
                Label::DupAck(n.parse().unwrap())
            }
            _ => label,
        });
        rest = rest.replace(text, "");
    }
    if out
        .iter()
        .any(|l| l.is_retransmission() && *l != Label::Retransmission)
    {
        out.retain(|l| *l != Label::Retransmission);
    }
    out
}

/// Parses tshark's `frame<TAB>message` lines.
fn parse(lines: &str) -> Labels {
    let mut out = Labels::new();
    for l in lines.lines().filter(|l| !l.trim().is_empty()) {
        let (frame, msg) = l.split_once('\t').unwrap_or((l, ""));
        let frame: u64 = frame.trim().parse().unwrap();
        out.extend(labels_of(msg).into_iter().map(|label| (frame, label)));
    }
    out
}

/// The stored answers: path → (size, labels).
fn stored(root: &Path) -> BTreeMap<PathBuf, (u64, Labels)> {
    let text = fs::read_to_string(root.join("tests/tshark-expert.tsv")).unwrap_or_default();
    let mut out = BTreeMap::new();
    for block in text.split("file\t").skip(1) {
        let (head, rows) = block.split_once('\n').unwrap_or((block, ""));
        let (path, size) = head.split_once('\t').unwrap();
        out.insert(root.join(path), (size.parse().unwrap(), parse(rows)));
    }
    out
}

/// Every capture file under `dir`.
fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    const EXT: [&str; 7] = [
        ".pcap",
        ".pcapng",
        ".cap",
        ".pcap.gz",
        ".pcapng.gz",
        ".pcap.zst",
        ".pcapng.zst",
    ];
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            captures(&p, out);
        } else if EXT.iter().any(|x| name.ends_with(x)) {
            out.push(p);
        }
    }
}

fn tshark(path: &Path) -> Labels {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-T", "fields", "-e", "frame.number", "-e"])
        .args(["_ws.expert.message", "-Y", "tcp.analysis.flags"])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: not in tests/tshark-expert.tsv and tshark: {e}",
                path.display()
            )
        });
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// Where synack and tshark 4.0 are known to differ, and why: `(capture,
/// frame, label, who has it, reason)`. Each must still differ (the test
/// says so when one no longer does).
const KNOWN: &[(&str, u64, Label, &str, &str)] = &[
    // The client's data segment came as two overlapping IPv4 fragments
    // (frames 4-5): synack discards the datagram as Linux does, tshark
    // reassembles it. Without those 6 bytes, the server's ACK of them and
    // the client's next segment are beyond what synack saw.
    (
        "tests/data/frag-overlap.pcap",
        6,
        Label::AckedUnseen,
        "synack",
        OVERLAP,
    ),
    (
        "tests/data/frag-overlap.pcap",
        10,
        Label::LostSegment,
        "synack",
        OVERLAP,
    ),
    (
        "tests/data/frag-overlap.pcap",
        12,
        Label::AckedUnseen,
        "synack",
        OVERLAP,
    ),
];
const OVERLAP: &str = "overlapping fragments discarded (Linux), reassembled by tshark";

#[test]
fn analysis_labels_match_tshark_on_every_capture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stored = stored(root);
    let mut files = Vec::new();
    captures(&root.join("captures"), &mut files);
    captures(&root.join("tests"), &mut files);
    files.sort();
    let (mut compared, mut agree, mut unreadable) = (0, 0, 0);
    let mut differences = Vec::new();
    for path in &files {
        let name = path.strip_prefix(root).unwrap().display().to_string();
        let Ok(replay) = synack::replay::load(path) else {
            unreadable += 1;
            continue;
        };
        let size = fs::metadata(path).unwrap().len();
        let want = match stored.get(path) {
            Some((s, labels)) if *s == size => labels.clone(),
            _ => tshark(path),
        };
        let got: Labels = replay
            .connections()
            .iter()
            .flat_map(|c| c.steps())
            .flat_map(|s| s.labels.iter().map(|l| (s.segment.frame.number, *l)))
            .collect();
        let both = want.intersection(&got).count();
        let all = want.union(&got).count();
        compared += all;
        agree += both;
        if all > 0 {
            println!("{name}: {all} labels, {both} agree");
        }
        for &(frame, label) in want.symmetric_difference(&got) {
            let who = if want.contains(&(frame, label)) {
                "tshark"
            } else {
                "synack"
            };
            differences.push((name.clone(), frame, label, who));
        }
    }
    println!(
        "{} captures ({unreadable} not readable by synack): {compared} labels compared, {agree} agree",
        files.len()
    );
    let known: Vec<_> = KNOWN
        .iter()
        .map(|&(f, n, l, w, _)| (f.to_string(), n, l, w))
        .collect();
    let unexpected: Vec<_> = differences.iter().filter(|d| !known.contains(d)).collect();
    let stale: Vec<_> = known.iter().filter(|k| !differences.contains(k)).collect();
    assert!(
        unexpected.is_empty(),
        "labels only one side gives (capture, frame, label, who):\n{unexpected:#?}"
    );
    assert!(
        stale.is_empty(),
        "known differences that no longer differ: {stale:?}"
    );
    assert!(files.len() >= 40, "only {} captures found", files.len());
    assert!(compared >= 100, "only {compared} labels to compare");
}
