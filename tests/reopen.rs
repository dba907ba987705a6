//! The TUI opens a big capture with summaries and a frame index, and reads
//! a connection's steps again when it is chosen: only its frames when the
//! index allows it (by offset in a plain pcap, in one pass otherwise).
//! Over every capture in `captures/` and `tests/data/`, each connection
//! read again must be exactly the connection of a whole reading, and its
//! frames' bytes exactly the file's.

use synack::conversation::KeepSteps;
use synack::decode::TunnelPorts;
use synack::replay;
use synack::replay::index::{FrameBytes, lineage, read_indexed, reopen};

#[path = "support/captures.rs"]
mod captures;

#[test]
fn a_reopened_connection_is_the_whole_readings_connection() {
    let caps = captures::all();
    assert!(caps.len() >= 20, "found only {caps:?}");
    let (mut on_disk, mut kept, mut inexact, mut conns) = (0, 0, 0, 0);
    for cap in &caps {
        let Ok(all) = replay::load_with_frames(cap) else {
            continue; // the damaged-file fixtures
        };
        let bytes = all.frame_bytes.clone().unwrap_or_default();
        let (tracker, index) = read_indexed(cap, KeepSteps::Summaries, TunnelPorts::default())
            .unwrap_or_else(|e| panic!("{}: {e}", cap.display()));
        assert_eq!(
            tracker.connections().len(),
            all.connections().len(),
            "{}",
            cap.display()
        );
        if !index.is_exact() {
            inexact += 1;
        }
        for (n, want) in all.connections().iter().enumerate() {
            let got = reopen(
                &index,
                n,
                &lineage(tracker.connections(), n),
                usize::MAX,
                &mut |_| {},
            )
            .unwrap_or_else(|e| panic!("{} #{n}: {e}", cap.display()));
            assert_eq!(
                format!("{:?}", got.connection),
                format!("{want:?}"),
                "{} #{n}: the reopened connection differs",
                cap.display()
            );
            match &got.frames {
                FrameBytes::OnDisk(_) => on_disk += 1,
                FrameBytes::Kept(_) => kept += 1,
            }
            for s in want.steps() {
                let k = s.segment.frame.number;
                let frame = got.frames.frame(k);
                assert_eq!(
                    frame.as_deref(),
                    bytes.get(k as usize - 1).map(Vec::as_slice),
                    "{} #{n} frame {k}",
                    cap.display()
                );
            }
            // Not one of its frames: nothing.
            let others = (1..=all.frames)
                .find(|k| want.steps().iter().all(|s| s.segment.frame.number != *k));
            if let Some(k) = others {
                assert!(
                    got.frames.frame(k).is_none(),
                    "{} #{n} frame {k}",
                    cap.display()
                );
            }
            conns += 1;
        }
    }
    // Each way was taken: by offset, in one pass, and the whole file.
    assert!(on_disk > 20, "read by offset: {on_disk}");
    assert!(kept > 5, "kept in memory: {kept}");
    assert!(
        inexact >= 1,
        "captures with fragments or ICMP errors: {inexact}"
    );
    assert!(conns > 50, "connections: {conns}");
}
