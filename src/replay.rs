//! Replaying a capture file: reader → decoder → tracker, streaming, with
//! the counts of what was skipped. The edge between files and the pure model.

use std::path::Path;

use crate::capture::{CaptureError, CaptureReader, Source};
use crate::conversation::{Connection, KeepSteps, Skipped, Tracker};
use crate::decode::{Decoder, TunnelPorts};

mod each;
pub use each::read_each;

pub mod index;
pub mod loader;
mod pipeline;

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

/// How far a replay has got, for a progress line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the file read.
    pub bytes: u64,
    /// The file's size (0 when unknown).
    pub total: u64,
    /// Frames read.
    pub frames: u64,
    /// Connections found.
    pub connections: usize,
}

/// The progress callback is called every this many frames.
const PROGRESS_EVERY: u64 = 1 << 15;

/// Frame bytes are kept for hex dumps up to this many bytes in all,
/// counting each frame's bookkeeping too (a file of millions of empty
/// frames must not grow memory either).
pub const KEEP_FRAMES_MAX: usize = 64 << 20;

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
    let (reader, tracker) = (source.reader()?, Tracker::keeping(steps));
    let decoder = Decoder::with_ports(ports);
    if bytes == Bytes::None && parallel() {
        pipeline::feed(reader, tracker, decoder, progress)
    } else {
        feed(reader, tracker, bytes, decoder, progress)
    }
}

/// Whether reading and decoding get a thread of their own: when the
/// machine has a second core for them, unless `SYNACK_THREADS=1`.
fn parallel() -> bool {
    if std::env::var_os("SYNACK_THREADS").is_some_and(|v| v == "1") {
        return false;
    }
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// Reads a capture keeping every step, and the frames' bytes (for the hex
/// dump) while they total less than [`KEEP_FRAMES_MAX`].
pub fn load_with_frames(path: &Path) -> Result<Replay, CaptureError> {
    read(path, Keep::StepsAndFrames, TunnelPorts::default())
}

/// Reads a capture held in memory (e.g. one built into the binary),
/// keeping every step.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Replay, CaptureError> {
    feed(
        CaptureReader::from_bytes(name, bytes.to_vec())?,
        Tracker::new(),
        Bytes::All,
        Decoder::new(),
        &mut |_| {},
    )
}

/// Streams every frame of `reader` through `decoder` into `tracker`,
/// keeping the frame bytes `which` names while they total at most
/// [`KEEP_FRAMES_MAX`].
fn feed(
    mut reader: CaptureReader,
    mut tracker: Tracker,
    which: Bytes,
    mut decoder: Decoder,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Replay, CaptureError> {
    let total = reader.size();
    let mut origin = None;
    let mut bytes: Option<Vec<Vec<u8>>> = (which == Bytes::All).then(Vec::new);
    let mut kept_frames = Vec::new();
    let mut kept = 0usize;
    let mut keeping = which != Bytes::None;
    while let Some(frame) = reader.next_frame()? {
        origin.get_or_insert(frame.ts);
        let number = frame.number;
        let at = tracker.ingest_decoded(decoder.decode(&frame));
        let wanted = match which {
            Bytes::All => keeping,
            Bytes::Of(n) => keeping && at.is_some_and(|(c, _)| c == n),
            Bytes::None => false,
        };
        if wanted {
            kept += frame.data.len() + std::mem::size_of::<Vec<u8>>();
            if kept > KEEP_FRAMES_MAX {
                keeping = false; // frees what was kept
                bytes = None;
                kept_frames = Vec::new();
            } else if let Some(b) = &mut bytes {
                b.push(frame.data.to_vec());
            } else {
                kept_frames.push((number, frame.data.to_vec()));
            }
        }
        if number % PROGRESS_EVERY == 0 {
            progress(&Progress {
                bytes: reader.bytes_read(),
                total,
                frames: number,
                connections: tracker.connections().len(),
            });
        }
    }
    Ok(Replay {
        frame_bytes: bytes,
        kept_frames,
        ..Replay::read_by(tracker, &reader, &decoder, origin)
    })
}

impl Replay {
    /// What a read of `reader` through `decoder` into `tracker` holds,
    /// without frame bytes: the frame count and both ends' warnings.
    fn read_by(
        tracker: Tracker,
        reader: &CaptureReader,
        decoder: &Decoder,
        origin: Option<std::time::Duration>,
    ) -> Replay {
        let mut warnings = reader.warnings().to_vec();
        warnings.extend(decoder.warnings());
        Replay {
            tracker,
            frames: reader.frames_read(),
            origin,
            warnings,
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
