//! The feed: the budget's one policy, the driver's progress and stop, the
//! sources, the push door.

use std::ops::ControlFlow;
use std::time::Duration;

use super::source::{Channel, Offsets, Picked};
use super::*;
use crate::capture::{CaptureReader, Format, LinkType};

const DEMO: &str = "captures/demo-normal.pcap";

/// The frames of `path`, owned.
fn frames_of(path: &str) -> Vec<OwnedFrame> {
    let mut reader = CaptureReader::open(std::path::Path::new(path)).expect("a capture");
    let mut out = Vec::new();
    while let Some(f) = reader.next_frame().expect("readable") {
        out.push(OwnedFrame {
            ts: f.ts,
            link: f.link,
            data: f.data.to_vec(),
        });
    }
    out
}

/// A pcap of `n` frames: the demo capture's, over and over.
pub(super) fn many_frames(n: usize) -> Vec<u8> {
    let demo = frames_of(DEMO);
    let frames: Vec<OwnedFrame> = demo.iter().cycle().take(n).cloned().collect();
    let mut out = Vec::new();
    crate::live::pcap_out::write_pcap(&mut out, &frames).expect("written");
    out
}

#[test]
fn the_budget_keeps_the_first_frames_and_none_after_the_first_refused() {
    let per = 100 + std::mem::size_of::<Vec<u8>>();
    let mut b = Budget::new(2 * per + 10);
    assert!(b.wants_bytes());
    assert_eq!(b.keep(&[1; 100]), Some(vec![1; 100]));
    assert_eq!(b.keep(&[2; 100]), Some(vec![2; 100]));
    assert_eq!(b.keep(&[3; 100]), None, "past the budget");
    assert_eq!(b.keep(&[]), None, "nothing after the first refused");
    let mut none = Budget::default();
    assert!(!none.wants_bytes());
    assert_eq!(none.keep(&[]), None);
}

/// A sink keeping every frame's bytes and number, to see what the driver
/// hands over.
#[derive(Default)]
struct Kept {
    tracker: Tracker,
    frames: Vec<(u64, u64, Option<Vec<u8>>)>,
}

impl Sink for Kept {
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        let bytes = fed.keep_bytes();
        self.frames.push((fed.frame.number, fed.offset, bytes));
        self.tracker.take(fed, decoded)
    }
}

#[test]
fn run_hands_every_frame_over_with_its_offset_and_bytes_within_the_budget() {
    let mut reader = CaptureReader::open(DEMO.as_ref()).expect("a capture");
    let mut feed = Feed::new().keeping_bytes(KEEP_FRAMES_MAX);
    let mut sink = Kept::default();
    let flow = feed.run(&mut reader, &mut sink, &mut no_progress);
    assert_eq!(flow.expect("read"), Flow::Ended);
    let all = frames_of(DEMO);
    assert_eq!(sink.frames.len(), all.len());
    // A pcap file: the first record after the 24-byte header, each next
    // one 16 bytes of header and its data further.
    let mut offset = 24;
    for ((n, at, bytes), want) in sink.frames.iter().zip(&all) {
        assert_eq!(bytes.as_deref(), Some(want.data.as_slice()), "frame {n}");
        assert_eq!(*at, offset, "frame {n}");
        offset += 16 + want.data.len() as u64;
    }
    assert_eq!(feed.origin(), all.first().map(|f| f.ts));
    assert!(!sink.tracker.connections().is_empty());
}

#[test]
fn the_progress_callback_is_called_every_so_many_frames_and_stops_the_reading() {
    let n = 2 * PROGRESS_EVERY as usize + 5;
    let bytes = many_frames(n);
    let mut calls = Vec::new();
    let mut reader = CaptureReader::from_bytes("many.pcap", bytes.clone()).expect("a capture");
    let mut tracker = Tracker::summaries_only();
    let flow = Feed::new().run(&mut reader, &mut tracker, &mut |p| {
        calls.push(p.frames);
        ControlFlow::Continue(())
    });
    assert_eq!(flow.expect("read"), Flow::Ended);
    assert_eq!(calls, [PROGRESS_EVERY, 2 * PROGRESS_EVERY]);
    let mut reader = CaptureReader::from_bytes("many.pcap", bytes).expect("a capture");
    let mut tracker = Tracker::summaries_only();
    let flow = Feed::new().run(&mut reader, &mut tracker, &mut |_| ControlFlow::Break(()));
    assert_eq!(flow.expect("read"), Flow::Stopped);
    assert_eq!(reader.frames_read(), PROGRESS_EVERY);
}

/// The fast mode and the one-thread run give the same model.
#[test]
fn model_gives_what_run_gives() {
    let bytes = many_frames(10_000);
    let mut a = CaptureReader::from_bytes("a.pcap", bytes.clone()).expect("a capture");
    let mut b = CaptureReader::from_bytes("b.pcap", bytes).expect("a capture");
    let (mut ta, mut tb) = (Tracker::summaries_only(), Tracker::summaries_only());
    Feed::new()
        .run(&mut a, &mut ta, &mut no_progress)
        .expect("read");
    Feed::new()
        .model(&mut b, &mut tb, &mut no_progress)
        .expect("read");
    assert_eq!(
        format!("{:?}", ta.connections()),
        format!("{:?}", tb.connections())
    );
    assert_eq!(ta.skipped, tb.skipped);
}

#[test]
fn offsets_and_picked_read_the_frames_asked_for() {
    let mut reader = CaptureReader::open(DEMO.as_ref()).expect("a capture");
    let Format::Pcap {
        nanosecond,
        byte_order,
    } = reader.format()
    else {
        panic!("a pcap file");
    };
    let mut all = Kept::default();
    Feed::new()
        .keeping_bytes(KEEP_FRAMES_MAX)
        .run(&mut reader, &mut all, &mut no_progress)
        .expect("read");
    let wanted: Vec<(u64, u64)> = all
        .frames
        .iter()
        .filter(|f| f.0 % 2 == 1)
        .map(|f| (f.0, f.1))
        .collect();
    assert!(wanted.len() >= 3);
    let file = std::fs::File::open(DEMO).expect("opened");
    let mut offsets = Offsets::new(
        &file,
        DEMO.into(),
        (byte_order, nanosecond),
        LinkType::Ethernet,
        &wanted,
    );
    let reader = CaptureReader::open(DEMO.as_ref()).expect("a capture");
    let mut picked = Picked::new(reader, wanted.iter().map(|w| w.0));
    for source in [&mut offsets as &mut dyn FrameSource, &mut picked] {
        let mut got = Kept::default();
        let mut feed = Feed::new().keeping_bytes(KEEP_FRAMES_MAX);
        feed.run(source, &mut got, &mut no_progress).expect("read");
        let want: Vec<_> = all.frames.iter().filter(|f| f.0 % 2 == 1).collect();
        assert_eq!(got.frames.iter().collect::<Vec<_>>(), want);
    }
    // Picked ends after the last frame asked for.
    assert_eq!(picked.frames_read(), wanted.last().expect("one").0);
}

#[test]
fn a_channel_hands_out_what_arrived_numbered_on() {
    let (tx, rx) = std::sync::mpsc::channel();
    let frames = frames_of(DEMO);
    for f in &frames {
        tx.send(f.clone()).expect("sent");
    }
    let mut first = Channel::new(&rx, Duration::ZERO, 3, 0);
    let mut sink = Kept::default();
    let mut feed = Feed::new();
    feed.run(&mut first, &mut sink, &mut no_progress)
        .expect("read");
    assert_eq!(first.numbered(), 3);
    let mut rest = Channel::new(&rx, Duration::ZERO, u64::MAX, first.numbered());
    feed.run(&mut rest, &mut sink, &mut no_progress)
        .expect("read");
    let numbers: Vec<u64> = sink.frames.iter().map(|f| f.0).collect();
    assert_eq!(numbers, (1..=frames.len() as u64).collect::<Vec<_>>());
    // The same model as pushing the frames one at a time.
    let (mut pushed, mut tracker) = (Feed::new(), Tracker::new());
    let mut touched = 0;
    for f in &frames {
        touched += usize::from(pushed.push(f, &mut tracker).is_some());
    }
    assert_eq!(pushed.pushed(), frames.len() as u64);
    assert!(touched > 0);
    assert_eq!(
        format!("{:?}", tracker.connections()),
        format!("{:?}", sink.tracker.connections())
    );
}
