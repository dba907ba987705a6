//! Reading a capture while something consumes the model as it grows: the
//! streaming writers of `--print` and `--json` (`output/stream.rs`) are
//! told after each frame which connection it touched, so they can write
//! and drop that connection's settled steps at once. A [`crate::feed`]
//! sink: the visit after every frame.

use std::ops::ControlFlow;

use crate::capture::{CaptureError, Source};
use crate::conversation::{KeepSteps, Tracker};
use crate::decode::{Decoded, TunnelPorts};
use crate::feed::{Fed, Feed, Sink, no_progress};

use super::Replay;

/// The model, and a visit after every frame that touched a connection.
struct Each<'v> {
    tracker: Tracker,
    visit: &'v mut dyn FnMut(&mut Tracker, usize) -> bool,
}

impl Sink for Each<'_> {
    fn take(&mut self, _: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        match self.tracker.ingest_touching(decoded) {
            Some(c) if !(self.visit)(&mut self.tracker, c) => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }

    fn connections(&self) -> usize {
        self.tracker.connections().len()
    }
}

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
    let mut feed = Feed::with_ports(ports);
    let mut each = Each {
        tracker: Tracker::keeping(keep),
        visit,
    };
    feed.run(&mut reader, &mut each, &mut no_progress)?;
    Ok(Replay::read_by(each.tracker, &reader, &feed))
}
