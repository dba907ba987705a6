//! Replays every capture in `captures/` that has a kernel record beside it
//! (`X.kernel.tsv`, written by `captures/make-captures.sh` from the
//! tracepoint `sock:inet_sock_set_state` while the capture was taken) and
//! checks that the states synack infers for each endpoint go through
//! exactly the kernel's sequence.
//!
//! Two kernel facts are normalised, both documented in captures/README.md:
//! * Linux hands a closing socket to a separate time-wait socket, so the
//!   tracepoint shows `FIN_WAIT2 → CLOSE` or `CLOSING → CLOSE`; when
//!   `X.timewait.txt` (from `ss state time-wait`) lists the socket, that
//!   `CLOSE` is TIME_WAIT.
//! * A side with no socket at all (nobody listening) is CLOSED throughout.
//!
//! Several connections on one 4-tuple (a connect() retried after a refusal)
//! each get the kernel records from their own time on: a record belongs to
//! the last connection on its 4-tuple that began (first segment, less
//! `SLACK` for the clocks) before it (`epoch_s` is the record's wall-clock
//! time, comparable to the pcap timestamps).

use std::collections::BTreeMap;
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use synack::conversation::Connection;
use synack::replay;
use synack::state::TcpState;
use synack::truth::{self, KernelRecord};

/// Tolerance between the tracepoint's wall-clock times and the capture's
/// timestamps (captures/README.md: about ±0.1 ms).
const SLACK: Duration = Duration::from_millis(5);

/// The kernel records, each with its wall-clock time when the file has one
/// (the demo's records, `demo-*.kernel.tsv`, do not).
fn read_kernel(path: &Path) -> Vec<(Option<Duration>, KernelRecord)> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let epoch = head.iter().position(|h| *h == "epoch_s");
    let (local, remote, old, new, kind) = (
        col("local"),
        col("remote"),
        col("oldstate"),
        col("newstate"),
        col("kind"),
    );
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[kind] == "conn")
        .map(|f| {
            let at = epoch.map(|e| Duration::from_secs_f64(f[e].parse().unwrap()));
            let record = KernelRecord {
                local: f[local].parse().unwrap(),
                remote: f[remote].parse().unwrap(),
                from: TcpState::from_name(f[old]).unwrap(),
                to: TcpState::from_name(f[new]).unwrap(),
            };
            (at, record)
        })
        .collect()
}

/// The records of `conn`: those of its 4-tuple from its start until the
/// next connection on the same 4-tuple starts (all of them when they carry
/// no time).
fn records_of(
    conn: &Connection,
    conns: &[Connection],
    rows: &[(Option<Duration>, KernelRecord)],
) -> Vec<KernelRecord> {
    let same_tuple = |c: &Connection| {
        (c.client() == conn.client() && c.server() == conn.server())
            || (c.client() == conn.server() && c.server() == conn.client())
    };
    let starts: Vec<Duration> = conns
        .iter()
        .filter(|c| same_tuple(c))
        .map(|c| c.first_ts().saturating_sub(SLACK))
        .collect();
    let mine = starts
        .iter()
        .position(|&s| s == conn.first_ts().saturating_sub(SLACK))
        .unwrap();
    rows.iter()
        .filter(|(at, r)| {
            let tuple = (r.local == conn.client() && r.remote == conn.server())
                || (r.local == conn.server() && r.remote == conn.client());
            let owner = at.map_or(mine, |at| {
                starts.iter().rposition(|&s| s <= at).unwrap_or(0)
            });
            tuple && owner == mine
        })
        .map(|(_, r)| r.clone())
        .collect()
}

/// `(local, remote)` of every socket `ss` showed in TIME_WAIT.
fn read_timewait(path: &Path) -> Vec<(SocketAddr, SocketAddr)> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?))
        })
        .collect()
}

fn captures_with_kernel_records() -> BTreeMap<PathBuf, PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".kernel.tsv") else {
            continue;
        };
        for ext in ["pcap", "pcapng"] {
            let cap = dir.join(format!("{stem}.{ext}"));
            if cap.exists() {
                out.insert(cap, path.clone());
            }
        }
    }
    out
}

#[test]
fn inferred_states_follow_the_kernels_transitions() {
    let caps = captures_with_kernel_records();
    assert!(
        caps.len() >= 10,
        "expected the scenario captures, found {caps:?}"
    );
    let mut failures = Vec::new();
    for (cap, kernel) in &caps {
        let rows = read_kernel(kernel);
        let tw_path = PathBuf::from(
            kernel
                .to_string_lossy()
                .replace(".kernel.tsv", ".timewait.txt"),
        );
        let timewait = truth::TimeWaitSockets::in_time_wait(&read_timewait(&tw_path));
        let replay = replay::load(cap).unwrap_or_else(|e| panic!("{}: {e}", cap.display()));
        let conns = replay.connections();
        assert!(!conns.is_empty(), "{}: no connection", cap.display());
        for conn in conns {
            let records = records_of(conn, conns, &rows);
            for v in truth::compare(conn, &records, &timewait) {
                if !v.agrees() {
                    failures.push(format!(
                        "{} connection {} {}: kernel {}, synack {}",
                        cap.display(),
                        conn.index(),
                        v.side,
                        truth::chain_text(&v.kernel),
                        truth::chain_text(&v.inferred)
                    ));
                }
            }
        }
        // Every kernel socket of the scenario is one of the replayed connections.
        for (_, r) in &rows {
            let known = conns.iter().any(|c| {
                (c.client() == r.local && c.server() == r.remote)
                    || (c.server() == r.local && c.client() == r.remote)
            });
            assert!(
                known,
                "{}: kernel socket {} → {} not in the capture",
                cap.display(),
                r.local,
                r.remote
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
