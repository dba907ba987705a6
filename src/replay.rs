//! Replaying a capture file: reader → decoder → tracker through the one
//! [`Feed`], streaming, with the counts of what was skipped. The edge
//! between files and the pure model.

use std::ops::ControlFlow;
use std::path::Path;

use crate::capture::{CaptureError, CaptureReader, Source};
use crate::conversation::{Connection, KeepSteps, Skipped, Tracker};
use crate::decode::{Decoded, TunnelPorts};
use crate::feed::{Fed, Feed, FrameSource, Sink, no_progress};

mod each;
pub use each::read_each;

pub mod index;
pub mod loader;

/// What a replayed capture holds.
#[derive(Debug)]
pub struct Replay {
    /// The model, holding every TCP connection; a UI may keep feeding it.
    pub tracker: Tracker,
    /// Frames read in all.
    pub frames: u64,
    /// Timestamp of the capture's first frame: times are shown since it.
    pub origin: Option<std::time::Duration>,
    /// Non-fatal problems (e.g. a truncated last packet), one line each.
    pub warnings: Vec<String>,
    /// Every frame's bytes (index 0 is frame 1), when they were kept.
    pub frame_bytes: Option<Vec<Vec<u8>>>,
    /// With [`Keep::OneWithFrames`]: the bytes of that connection's
    /// frames, by frame number, while they total at most
    /// [`KEEP_FRAMES_MAX`].
    pub kept_frames: Vec<(u64, Vec<u8>)>,
}

pub use crate::feed::{KEEP_FRAMES_MAX, Progress};

/// How much of a capture [`read`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Per-connection summaries only ([`summarize`]).
    Summaries,
    /// Every step ([`load`]).
    Steps,
    /// Every step and the frames' bytes ([`load_with_frames`]).
    StepsAndFrames,
    /// The steps of connection N only (`--conn N`); summaries of the others.
    One(usize),
    /// The steps of connection N and its frames' bytes: how the UI opens
    /// a big capture.
    OneWithFrames(usize),
}

/// Which frame bytes a replay keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bytes {
    None,
    /// Every frame's, into `frame_bytes`.
    All,
    /// Those of connection N, into `kept_frames`.
    Of(usize),
}

/// Reads a capture, opening UDP tunnels on `ports` besides the standard
/// ones.
pub fn read(path: &Path, keep: Keep, ports: TunnelPorts) -> Result<Replay, CaptureError> {
    read_with_progress(&Source::file(path), keep, ports, &mut |_| {})
}

/// Like [`read`], from a [`Source`] (a file, or a pipe's copy), calling
/// `progress` every few thousand frames.
pub fn read_with_progress(
    source: &Source,
    keep: Keep,
    ports: TunnelPorts,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Replay, CaptureError> {
    let (steps, bytes) = match keep {
        Keep::Summaries => (KeepSteps::Summaries, Bytes::None),
        Keep::Steps => (KeepSteps::All, Bytes::None),
        Keep::StepsAndFrames => (KeepSteps::All, Bytes::All),
        Keep::One(n) => (KeepSteps::Only(n), Bytes::None),
        Keep::OneWithFrames(n) => (KeepSteps::Only(n), Bytes::Of(n)),
    };
    let mut reader = source.reader()?;
    let tracker = Tracker::keeping(steps);
    let feed = Feed::with_ports(ports);
    let mut progress = |p: &Progress| {
        progress(p);
        ControlFlow::Continue(())
    };
    read_into(feed, &mut reader, tracker, bytes, &mut progress)
}

/// Reads a capture keeping every step, and the frames' bytes (for the hex
/// dump) within [`KEEP_FRAMES_MAX`] ([`crate::feed::Budget`]).
pub fn load_with_frames(path: &Path) -> Result<Replay, CaptureError> {
    read(path, Keep::StepsAndFrames, TunnelPorts::default())
}

/// Reads a capture held in memory (e.g. one built into the binary),
/// keeping every step.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Replay, CaptureError> {
    let mut reader = CaptureReader::from_bytes(name, bytes.to_vec())?;
    let tracker = Tracker::new();
    read_into(
        Feed::new(),
        &mut reader,
        tracker,
        Bytes::All,
        &mut no_progress,
    )
}

/// Reads `reader` through `feed` into `tracker`, keeping the frame bytes
/// `which` names within [`KEEP_FRAMES_MAX`]; without frame bytes, in the
/// feed's fast mode ([`Feed::model`]).
fn read_into(
    feed: Feed,
    reader: &mut CaptureReader,
    mut tracker: Tracker,
    which: Bytes,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Replay, CaptureError> {
    if which == Bytes::None {
        let mut feed = feed;
        feed.model(reader, &mut tracker, progress)?;
        return Ok(Replay::read_by(tracker, reader, &feed));
    }
    let mut feed = feed.keeping_bytes(KEEP_FRAMES_MAX);
    let mut sink = Keeping {
        tracker,
        which,
        all: Vec::new(),
        of: Vec::new(),
    };
    feed.run(reader, &mut sink, progress)?;
    Ok(Replay {
        frame_bytes: (which == Bytes::All).then_some(sink.all),
        kept_frames: sink.of,
        ..Replay::read_by(sink.tracker, reader, &feed)
    })
}

/// The model, and the frame bytes a replay keeps: every frame's, or those
/// of one connection (the frames it went to).
struct Keeping {
    tracker: Tracker,
    which: Bytes,
    all: Vec<Vec<u8>>,
    of: Vec<(u64, Vec<u8>)>,
}

impl Sink for Keeping {
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        let at = self.tracker.ingest_decoded(decoded);
        match self.which {
            Bytes::All => {
                if let Some(b) = fed.keep_bytes() {
                    self.all.push(b);
                }
            }
            Bytes::Of(n) if at.is_some_and(|(c, _)| c == n) => {
                if let Some(b) = fed.keep_bytes() {
                    self.of.push((fed.frame.number, b));
                }
            }
            Bytes::Of(_) | Bytes::None => {}
        }
        ControlFlow::Continue(())
    }

    fn connections(&self) -> usize {
        self.tracker.connections().len()
    }
}

impl Replay {
    /// What a read of `source` through `feed` into `tracker` holds,
    /// without frame bytes: the frame count and both ends' warnings.
    fn read_by(tracker: Tracker, source: &impl FrameSource, feed: &Feed) -> Replay {
        Replay {
            tracker,
            frames: source.frames_read(),
            origin: feed.origin(),
            warnings: feed.warnings(source),
            frame_bytes: None,
            kept_frames: Vec::new(),
        }
    }
}

impl Replay {
    /// Every TCP connection, in order of first segment.
    pub fn connections(&self) -> &[Connection] {
        self.tracker.connections()
    }
    /// Frames skipped, by reason.
    pub fn skipped(&self) -> Skipped {
        self.tracker.skipped
    }
}

/// Reads a capture keeping every step of every connection.
pub fn load(path: &Path) -> Result<Replay, CaptureError> {
    read(path, Keep::Steps, TunnelPorts::default())
}

/// Reads a capture keeping per-connection summaries only (memory grows
/// with connections, not packets).
pub fn summarize(path: &Path) -> Result<Replay, CaptureError> {
    read(path, Keep::Summaries, TunnelPorts::default())
}
