//! The fast mode against the one-thread reading.

use super::*;
use crate::capture::CaptureReader;
use crate::conversation::KeepSteps;
use crate::feed::no_progress;

/// Every capture of the repository, read on one thread and on two,
/// keeping every step and keeping summaries, in batches of the usual
/// size and of 1 and 3 frames (so that batches end anywhere, as in a
/// big capture): the same connections
/// (every field, steps and machines included), counts, warnings and
/// errors.
#[test]
fn two_threads_read_what_one_reads() {
    let mut read = 0;
    for dir in ["captures", "tests/data"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("the repository's captures")
            .map(|e| e.expect("a directory entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let ways = [
                (KeepSteps::All, BATCH),
                (KeepSteps::Summaries, BATCH),
                (KeepSteps::All, 1),
                (KeepSteps::Summaries, 3),
            ];
            for (keep, size) in ways {
                let open = || CaptureReader::open(&path);
                let (Ok(mut a), Ok(mut b)) = (open(), open()) else {
                    continue; // not a capture (notes, truth files)
                };
                let (mut one, mut two) = (Feed::new(), Feed::new());
                let (mut t1, mut t2) = (Tracker::keeping(keep), Tracker::keeping(keep));
                let r1 = one.run(&mut a, &mut t1, &mut no_progress);
                let r2 = run(&mut two, &mut b, &mut t2, &mut no_progress, size);
                let name = path.display();
                match (r1, r2) {
                    (Ok(f1), Ok(f2)) => {
                        assert_eq!((f1, f2), (Flow::Ended, Flow::Ended), "{name}");
                        assert_eq!(
                            format!("{:?}", t1.connections()),
                            format!("{:?}", t2.connections()),
                            "{name}"
                        );
                        assert_eq!(t1.skipped, t2.skipped, "{name}");
                        assert_eq!(
                            format!("{:?}", t1.flows()),
                            format!("{:?}", t2.flows()),
                            "{name}"
                        );
                        assert_eq!(
                            (a.frames_read(), one.origin(), one.warnings(&a)),
                            (b.frames_read(), two.origin(), two.warnings(&b)),
                            "{name}"
                        );
                        read += 1;
                    }
                    (Err(one), Err(two)) => {
                        assert_eq!(one.to_string(), two.to_string(), "{name}")
                    }
                    (one, two) => panic!("{name}: one thread {one:?}, two {two:?}"),
                }
            }
        }
    }
    assert!(read > 100, "only {read} readings");
}

/// A progress callback that stops the fast mode stops it: fewer frames
/// modelled than the file holds, and `Stopped`.
#[test]
fn the_fast_mode_stops_when_progress_says_so() {
    let bytes = crate::feed::tests::many_frames(3 * PROGRESS_EVERY as usize);
    let mut reader = CaptureReader::from_bytes("many.pcap", bytes).expect("a capture");
    let mut tracker = Tracker::summaries_only();
    let mut calls = 0;
    let flow = run(
        &mut Feed::new(),
        &mut reader,
        &mut tracker,
        &mut |_| {
            calls += 1;
            ControlFlow::Break(())
        },
        BATCH,
    )
    .expect("read");
    assert_eq!((flow, calls), (Flow::Stopped, 1));
    let modelled: u64 = tracker.connections().iter().map(|c| c.packets()).sum();
    assert!(modelled < 3 * PROGRESS_EVERY, "modelled {modelled}");
}
