//! Reading a capture while something consumes the model as it grows: the
//! streaming writers of `--print` and `--json` (`output/stream.rs`) are
//! told after each frame which connection it touched, so they can write
//! and drop that connection's settled steps at once.

use crate::capture::{CaptureError, Source};
use crate::conversation::{KeepSteps, Tracker};
use crate::decode::{Decoder, TunnelPorts};

use super::Replay;

/// Reads `source` into a tracker keeping the timelines `keep` names, calling
/// `visit(tracker, connection)` after every frame that added a segment or
/// an ICMP event to a connection. Stops early when `visit` returns false.
/// The returned replay holds the tracker as `visit` left it (no frame
/// bytes are kept).
pub fn read_each(
    source: &Source,
    keep: KeepSteps,
    ports: TunnelPorts,
    visit: &mut dyn FnMut(&mut Tracker, usize) -> bool,
) -> Result<Replay, CaptureError> {
    let mut reader = source.reader()?;
    let mut tracker = Tracker::keeping(keep);
    let mut decoder = Decoder::with_ports(ports);
    let mut origin = None;
    while let Some(frame) = reader.next_frame()? {
        origin.get_or_insert(frame.ts);
        if let Some(c) = tracker.ingest_touching(decoder.decode(&frame))
            && !visit(&mut tracker, c)
        {
            break;
        }
    }
    Ok(Replay::read_by(tracker, &reader, &decoder, origin))
}
