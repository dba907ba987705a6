//! The TUI opens a big capture with summaries and a frame index, and reads
//! a connection's steps again when it is chosen: only its frames when the
//! index allows it (by offset in a plain pcap, in one pass otherwise).
//! Over every capture in `captures/` and `tests/data/`, each connection
//! read again must be exactly the connection of a whole reading, and its
//! frames' bytes exactly the file's.

use std::ops::ControlFlow;

use synack::conversation::Connection;
use synack::conversation::KeepSteps;
use synack::decode::TunnelPorts;
use synack::replay;
use synack::replay::index::{FrameBytes, read_indexed, read_indexed_with, reopen};

#[path = "support/captures.rs"]
mod captures;
#[path = "support/long.rs"]
mod long;
use long::long_connection;

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
            let got = reopen(&index, tracker.connections(), n, usize::MAX, &mut |_| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap_or_else(|e| panic!("{} #{n}: {e}", cap.display()))
            .expect("not stopped");
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

#[test]
fn a_reading_stops_when_its_progress_says_so() {
    let file = long_connection(20_000, false);
    let (tracker, index) =
        read_indexed(file.path(), KeepSteps::Summaries, TunnelPorts::default()).unwrap();
    assert!(index.is_exact());
    let conns = tracker.connections();
    let mut calls = 0;
    let stopped = reopen(&index, conns, 0, usize::MAX, &mut |_| {
        calls += 1;
        ControlFlow::Break(())
    })
    .unwrap();
    assert!(stopped.is_none(), "stopped at once");
    assert_eq!(calls, 1);
    let mut calls = 0;
    let read = reopen(&index, conns, 0, usize::MAX, &mut |_| {
        calls += 1;
        ControlFlow::Continue(())
    })
    .unwrap()
    .expect("read to the end");
    assert_eq!(read.connection.packets(), 20_008);
    assert!(calls >= 4, "progress every few thousand frames: {calls}");
}

/// What the walk of `c` shows when it keeps at most `limit` steps: the
/// first steps, the transitions at them, the counts, times and states of
/// the whole connection, and how many steps were not kept.
fn walk_view(c: &Connection, limit: usize) -> String {
    let kept = c.steps().len().min(limit);
    // An ICMP error quotes a step only while that step is kept.
    let icmp = c
        .icmp()
        .iter()
        .map(|e| (&e.error, e.after, e.quotes.filter(|&q| q < kept)))
        .collect::<Vec<_>>();
    format!(
        "{:?}",
        (
            (c.index(), c.client(), c.server(), c.packets(), c.bytes),
            (c.first_ts(), c.last_ts(), c.current(), c.initial, c.base()),
            (c.seen(), c.mid_stream(), icmp),
            &c.steps()[..kept],
            c.transitions()
                .iter()
                .filter(|t| t.step < kept)
                .collect::<Vec<_>>(),
            c.packets() - kept as u64,
        )
    )
}

/// Every connection of `path`, indexed with `caps` and read again keeping
/// `limit` steps, against the whole reading's walk. Returns how many were
/// longer than the index holds, and how many of those were read from
/// their first frames (not the whole file).
fn capped_readings_agree(path: &std::path::Path, caps: (usize, usize), limit: usize) -> (u32, u32) {
    let Ok(all) = replay::load_with_frames(path) else {
        return (0, 0); // the damaged-file fixtures
    };
    let bytes = all.frame_bytes.clone().unwrap_or_default();
    let (tracker, index) =
        read_indexed_with(path, KeepSteps::Summaries, TunnelPorts::default(), caps)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        index.len() <= caps.1,
        "{}: {} frames",
        path.display(),
        index.len()
    );
    let (mut long, mut by_first) = (0, 0);
    for (n, want) in all.connections().iter().enumerate() {
        let got = reopen(&index, tracker.connections(), n, limit, &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap_or_else(|e| panic!("{} #{n}: {e}", path.display()))
        .expect("not stopped");
        let g = &got.connection;
        assert_eq!(
            walk_view(g, limit),
            walk_view(want, limit),
            "{} #{n} caps {caps:?} limit {limit}",
            path.display()
        );
        assert_eq!(g.steps().len(), want.steps().len().min(limit));
        assert_eq!(g.steps_not_kept(), want.packets() - g.steps().len() as u64);
        for s in g.steps() {
            let k = s.segment.frame.number;
            assert_eq!(
                got.frames.frame(k).as_deref(),
                bytes.get(k as usize - 1).map(Vec::as_slice),
                "{} #{n} frame {k}",
                path.display()
            );
        }
        if want.packets() > caps.0 as u64 {
            long += 1;
            // Transitions past the kept steps are what a whole reading
            // alone lists.
            by_first += u32::from(
                g.transitions().len() < want.transitions().len()
                    || matches!(got.frames, FrameBytes::OnDisk(_)) && index.is_exact(),
            );
        }
    }
    (long, by_first)
}

#[test]
fn a_connection_longer_than_the_index_holds_walks_as_the_whole_reading() {
    let caps = captures::all();
    let (mut long, mut by_first) = (0, 0);
    // Caps cutting handshakes, data and teardowns (a SYN or FIN still
    // tentative at the cut), and a total cap leaving later connections
    // out of the index.
    for (per, total, limit) in [
        (3, 1 << 20, 2),
        (5, 1 << 20, 4),
        (9, 1 << 20, 9),
        (6, 10, 4),
    ] {
        for cap in &caps {
            let (l, f) = capped_readings_agree(cap, (per, total), limit);
            long += l;
            by_first += f;
        }
    }
    assert!(long > 200, "connections longer than the cap: {long}");
    assert!(by_first > 100, "read from their first frames: {by_first}");
}

#[test]
fn a_generated_long_connection_walks_as_the_whole_reading() {
    let file = long_connection(3000, false);
    // The cut anywhere from the handshake to the teardown's last ACK.
    for limit in [1, 2, 3, 4, 100, 2999, 3002, 3003, 3004, 3005, 3006, 3007] {
        for slack in [0, 1, 3] {
            let (long, _) = capped_readings_agree(file.path(), (limit + slack, 1 << 20), limit);
            assert_eq!(long, u32::from(limit + slack < 3008), "limit {limit}");
        }
    }
    // A lone IP fragment first: the index gives up, the whole file is
    // read again, with the same walk.
    let fragmented = long_connection(3000, true);
    for limit in [3, 3004] {
        let (long, _) = capped_readings_agree(fragmented.path(), (limit, 1 << 20), limit);
        assert_eq!(long, 1);
    }
    // The 10 M-segment case, scaled: the walk's steps come from the first
    // frames, the rest from the summary.
    let (tracker, index) = read_indexed_with(
        file.path(),
        KeepSteps::Summaries,
        TunnelPorts::default(),
        (150, 1 << 20),
    )
    .unwrap();
    assert_eq!(index.len(), 150);
    let got = reopen(&index, tracker.connections(), 0, 100, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap()
    .expect("not stopped");
    assert!(matches!(got.frames, FrameBytes::OnDisk(_)));
    assert_eq!(got.connection.steps().len(), 100);
    assert_eq!(got.connection.packets(), 3008);
    assert_eq!(got.connection.steps_not_kept(), 2908);
    assert_eq!(
        format!("{:?}", got.connection.current()),
        "[TimeWait, Closed]"
    );
}
