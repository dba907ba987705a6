//! Replaying a capture file: reader → decoder → tracker, streaming, with
//! the counts of what was skipped. The edge between files and the pure model.

use std::path::Path;

use crate::capture::{CaptureError, CaptureReader};
use crate::conversation::{Connection, Skipped, Tracker};
use crate::decode::{Decoder, TunnelPorts};

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
}

/// Frame bytes are kept for hex dumps up to this many bytes in all.
pub const KEEP_FRAMES_MAX: usize = 64 << 20;

/// Feeds every frame of a capture through `tracker`.
fn run(path: &Path, tracker: Tracker) -> Result<Replay, CaptureError> {
    feed(CaptureReader::open(path)?, tracker, 0, Decoder::new())
}

/// How much of a capture [`read`] keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Per-connection summaries only ([`summarize`]).
    Summaries,
    /// Every step ([`load`]).
    Steps,
    /// Every step and the frames' bytes ([`load_with_frames`]).
    StepsAndFrames,
}

/// Reads a capture, opening UDP tunnels on `ports` besides the standard
/// ones.
pub fn read(path: &Path, keep: Keep, ports: TunnelPorts) -> Result<Replay, CaptureError> {
    let (tracker, bytes) = match keep {
        Keep::Summaries => (Tracker::summaries_only(), 0),
        Keep::Steps => (Tracker::new(), 0),
        Keep::StepsAndFrames => (Tracker::new(), KEEP_FRAMES_MAX),
    };
    feed(
        CaptureReader::open(path)?,
        tracker,
        bytes,
        Decoder::with_ports(ports),
    )
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
        KEEP_FRAMES_MAX,
        Decoder::new(),
    )
}

/// Streams every frame of `reader` through `decoder` into `tracker`,
/// keeping frame bytes while they total at most `keep` bytes (0: none).
fn feed(
    mut reader: CaptureReader,
    mut tracker: Tracker,
    keep: usize,
    mut decoder: Decoder,
) -> Result<Replay, CaptureError> {
    let mut origin = None;
    let mut bytes: Option<Vec<Vec<u8>>> = (keep > 0).then(Vec::new);
    let mut kept = 0usize;
    while let Some(frame) = reader.next_frame()? {
        origin.get_or_insert(frame.ts);
        if let Some(b) = &mut bytes {
            kept += frame.data.len();
            if kept > keep {
                bytes = None;
            } else {
                b.push(frame.data.to_vec());
            }
        }
        tracker.ingest_decoded(decoder.decode(&frame));
    }
    let mut warnings = reader.warnings().to_vec();
    warnings.extend(decoder.warnings());
    Ok(Replay {
        tracker,
        frames: reader.frames_read(),
        origin,
        warnings,
        frame_bytes: bytes,
    })
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
    run(path, Tracker::new())
}

/// Reads a capture keeping per-connection summaries only (memory grows
/// with connections, not packets).
pub fn summarize(path: &Path) -> Result<Replay, CaptureError> {
    run(path, Tracker::summaries_only())
}
