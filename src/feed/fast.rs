//! The feed's fast mode ([`super::Feed::model`]): the same reading as
//! [`super::Feed::run`] into a [`Tracker`], on two threads. One pulls
//! frames from the source and decodes them (working out each segment's
//! 4-tuple hash too), the other runs the model; decoded frames cross in
//! batches over a bounded channel, in order, so the result is the same.
//! Used when no frame bytes are kept (the model needs only the decoded
//! values).
//!
//! Nothing here touches a terminal, clock or socket; the reading thread
//! borrows the source and the feed's decoder for the length of the run.

use std::ops::ControlFlow;
use std::sync::mpsc;
use std::time::Duration;

use super::{Feed, Flow, FrameSource, PROGRESS_EVERY, Progress, Pull};
use crate::capture::CaptureError;
use crate::conversation::Tracker;
use crate::decode::{Decoded, Decoder};

/// Frames per batch: big enough that the channel costs nothing per frame,
/// small enough to stay in cache while the other thread takes it over.
pub(super) const BATCH: usize = 2048;

/// Batches in flight at most (the reader waits beyond that): memory stays
/// bounded however far decoding runs ahead of the model.
const IN_FLIGHT: usize = 4;

/// One batch of decoded frames, with where the reader was after it.
struct Batch {
    decoded: Vec<Decoded>,
    /// Each frame's 4-tuple hash ([`Tracker::hash_of`]), worked out on
    /// the reading thread.
    hashes: Vec<u32>,
    /// Frames read after the batch's last one.
    frames: u64,
    /// Bytes of the source read so far.
    bytes: u64,
}

/// Pulls and decodes `source`'s frames into batches sent over `to_model`,
/// taking empty batches back from `recycled`. Returns the first frame's
/// timestamp.
fn read_side<S: FrameSource>(
    source: &mut S,
    decoder: &mut Decoder,
    to_model: mpsc::SyncSender<Batch>,
    recycled: mpsc::Receiver<(Vec<Decoded>, Vec<u32>)>,
    size: usize,
) -> Result<Option<Duration>, CaptureError> {
    let mut origin = None;
    let mut batch = Vec::with_capacity(size);
    let mut hashes = Vec::with_capacity(size);
    loop {
        let decoded = match source.pull()? {
            Pull::End => break,
            Pull::Passed => continue,
            Pull::Frame { frame, .. } => {
                origin.get_or_insert(frame.ts);
                decoder.decode(&frame)
            }
        };
        hashes.push(Tracker::hash_of(&decoded));
        batch.push(decoded);
        if batch.len() == size {
            let (next, next_hashes) = recycled
                .try_recv()
                .unwrap_or_else(|_| (Vec::with_capacity(size), Vec::with_capacity(size)));
            let sent = to_model.send(Batch {
                decoded: std::mem::replace(&mut batch, next),
                hashes: std::mem::replace(&mut hashes, next_hashes),
                frames: source.frames_read(),
                bytes: source.bytes_read(),
            });
            if sent.is_err() {
                return Ok(origin); // the model side stopped (or panicked)
            }
        }
    }
    if !batch.is_empty() {
        let _ = to_model.send(Batch {
            decoded: batch,
            hashes,
            frames: source.frames_read(),
            bytes: source.bytes_read(),
        });
    }
    Ok(origin)
}

/// Reads every frame of `source` through `feed`'s decoder into `tracker`,
/// the reading and decoding on a thread of their own, in batches of `size`
/// frames; calls `progress` when a multiple of [`PROGRESS_EVERY`] frames
/// has been modelled (its `Break` stops the reading).
pub(super) fn run<S: FrameSource + Send>(
    feed: &mut Feed,
    source: &mut S,
    tracker: &mut Tracker,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
    size: usize,
) -> Result<Flow, CaptureError> {
    let total = source.size();
    let (to_model, batches) = mpsc::sync_channel::<Batch>(IN_FLIGHT);
    let (recycle, recycled) = mpsc::channel();
    let decoder = &mut feed.decoder;
    let (read, flow) = std::thread::scope(|scope| {
        let reading = scope.spawn(move || read_side(source, decoder, to_model, recycled, size));
        let mut shown = 0;
        let mut flow = Flow::Ended;
        let by_value = tracker.keeps_all_steps();
        for mut batch in batches {
            if by_value {
                for decoded in batch.decoded.drain(..) {
                    tracker.ingest_decoded(decoded);
                }
            } else {
                // Read in place: no copy of each segment out of the batch.
                tracker.ingest_batch(&batch.decoded, &batch.hashes);
                batch.decoded.clear();
            }
            if batch.frames / PROGRESS_EVERY > shown {
                shown = batch.frames / PROGRESS_EVERY;
                let at = Progress {
                    bytes: batch.bytes,
                    total,
                    frames: batch.frames,
                    connections: tracker.connections().len(),
                };
                if progress(&at).is_break() {
                    flow = Flow::Stopped;
                    break; // drops the channel: the reading thread stops
                }
            }
            batch.hashes.clear();
            let _ = recycle.send((batch.decoded, batch.hashes));
        }
        match reading.join() {
            Ok(read) => (read, flow),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    if let Some(ts) = read? {
        feed.origin.get_or_insert(ts);
    }
    Ok(flow)
}

#[cfg(test)]
mod tests;
