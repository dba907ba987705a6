//! Replaying a capture file: reader → decoder → tracker, streaming, with
//! the counts of what was skipped. The edge between files and the pure model.

use std::path::Path;

use crate::capture::{CaptureError, CaptureReader};
use crate::conversation::{Connection, Skipped, Tracker};
use crate::decode::{Decoded, decode};

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
}

/// Feeds every frame of a capture through `tracker`.
fn run(path: &Path, tracker: Tracker) -> Result<Replay, CaptureError> {
    feed(CaptureReader::open(path)?, tracker)
}

/// Reads a capture held in memory (e.g. one built into the binary),
/// keeping every step.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Replay, CaptureError> {
    feed(
        CaptureReader::from_bytes(name, bytes.to_vec())?,
        Tracker::new(),
    )
}

fn feed(mut reader: CaptureReader, mut tracker: Tracker) -> Result<Replay, CaptureError> {
    let mut frames = 0u64;
    let mut origin = None;
    while let Some(frame) = reader.next_frame()? {
        frames += 1;
        origin.get_or_insert(frame.ts);
        match decode(&frame) {
            Decoded::Tcp(seg) => {
                tracker.ingest(seg);
            }
            Decoded::NotTcp => tracker.skipped.not_tcp += 1,
            Decoded::Fragment => tracker.skipped.fragments += 1,
            Decoded::Malformed => tracker.skipped.malformed += 1,
            Decoded::UnsupportedLink => tracker.skipped.unsupported_link += 1,
        }
    }
    let warnings = reader.warnings().to_vec();
    Ok(Replay {
        tracker,
        frames,
        origin,
        warnings,
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
