//! What keeps big captures cheap must not change a single result: over
//! every capture in `captures/` and `tests/data/` (written by tcpdump,
//! dumpcap and the live demo), summaries-only, one-connection and
//! every-step readings agree on every connection, and the one-connection
//! reading keeps that connection's timeline and frames only.

use synack::conversation::Connection;
use synack::decode::TunnelPorts;
use synack::replay;
use synack::replay::Keep;

#[path = "support/captures.rs"]
mod captures;

/// Everything `--list` shows of a connection.
fn summary(c: &Connection) -> String {
    format!(
        "{} {} {} {} {} {:?} {:?} {:?} {:?} {} {:?}",
        c.index(),
        c.client(),
        c.server(),
        c.packets(),
        c.bytes,
        c.first_ts(),
        c.last_ts(),
        c.seen(),
        c.current(),
        c.mid_stream(),
        c.base()
    )
}

#[test]
fn every_reading_agrees_and_one_connection_keeps_only_its_steps() {
    let caps = captures::all();
    assert!(caps.len() >= 20, "found only {caps:?}");
    let mut several = 0;
    for cap in &caps {
        let Ok(all) = replay::load(cap) else {
            continue; // the damaged-file fixtures
        };
        let full: Vec<String> = all.connections().iter().map(summary).collect();
        let list = replay::summarize(cap).unwrap();
        let listed: Vec<String> = list.connections().iter().map(summary).collect();
        assert_eq!(listed, full, "{}: --list differs", cap.display());
        assert!(list.connections().iter().all(|c| c.steps().is_empty()));
        if all.connections().len() > 1 {
            several += 1;
        }
        for (n, want) in all.connections().iter().enumerate() {
            let one = replay::read(cap, Keep::One(n), TunnelPorts::default()).unwrap();
            let got: Vec<String> = one.connections().iter().map(summary).collect();
            assert_eq!(got, full, "{} (only {n}): summaries differ", cap.display());
            for c in one.connections() {
                if c.index() == n {
                    assert_eq!(c.steps(), want.steps(), "{} #{n}: steps", cap.display());
                    assert_eq!(
                        c.transitions(),
                        want.transitions(),
                        "{} #{n}",
                        cap.display()
                    );
                } else {
                    assert!(c.steps().is_empty() && c.transitions().is_empty());
                }
            }
            // The UI's reading: the same, plus the bytes of n's frames only.
            let ui = replay::read(cap, Keep::OneWithFrames(n), TunnelPorts::default()).unwrap();
            let numbers: Vec<u64> = ui.kept_frames.iter().map(|(k, _)| *k).collect();
            let want_numbers: Vec<u64> = want
                .steps()
                .iter()
                .map(|s| s.segment.frame.number)
                .collect();
            assert_eq!(numbers, want_numbers, "{} #{n}: kept frames", cap.display());
            let bytes = all_frames(cap);
            for (k, data) in &ui.kept_frames {
                assert_eq!(
                    Some(data),
                    bytes.get(*k as usize - 1),
                    "{} frame {k}",
                    cap.display()
                );
            }
        }
    }
    assert!(several >= 2, "captures with several connections: {several}");
}

fn all_frames(cap: &std::path::Path) -> Vec<Vec<u8>> {
    replay::load_with_frames(cap).unwrap().frame_bytes.unwrap()
}
