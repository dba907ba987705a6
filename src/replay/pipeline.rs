//! The same replay as [`super::feed`], on two threads: one reads and
//! decodes frames, the other runs the model. Used when no frame bytes are
//! kept (the model needs only the decoded values, which cross in batches
//! over a bounded channel, in order, so the result is the same).
//!
//! Nothing here touches a terminal, clock or socket; the reading thread
//! owns the reader and the decoder and hands them back when it ends.

use std::sync::mpsc;
use std::time::Duration;

use super::{PROGRESS_EVERY, Progress, Replay};
use crate::capture::{CaptureError, CaptureReader};
use crate::conversation::Tracker;
use crate::decode::{Decoded, Decoder};

/// Frames per batch: big enough that the channel costs nothing per frame,
/// small enough to stay in cache while the other thread takes it over.
const BATCH: usize = 2048;

/// Batches in flight at most (the reader waits beyond that): memory stays
/// bounded however far decoding runs ahead of the model.
const IN_FLIGHT: usize = 4;

/// One batch of decoded frames, with where the reader was after it.
struct Batch {
    decoded: Vec<Decoded>,
    /// Each frame's 4-tuple hash ([`Tracker::hash_of`]), worked out on
    /// the reading thread.
    hashes: Vec<u32>,
    /// Number of the batch's last frame.
    last_frame: u64,
    /// Bytes of the file read so far.
    bytes: u64,
}

/// What the reading thread gives back.
struct Read {
    reader: CaptureReader,
    decoder: Decoder,
    origin: Option<Duration>,
}

/// Reads and decodes `reader`'s frames into batches sent over `to_model`,
/// taking empty batches back from `recycled`.
fn read_side(
    mut reader: CaptureReader,
    mut decoder: Decoder,
    to_model: mpsc::SyncSender<Batch>,
    recycled: mpsc::Receiver<(Vec<Decoded>, Vec<u32>)>,
    size: usize,
) -> Result<Read, CaptureError> {
    let mut origin = None;
    let mut batch = Vec::with_capacity(size);
    let mut hashes = Vec::with_capacity(size);
    let mut last_frame = 0;
    while let Some(frame) = reader.next_frame()? {
        origin.get_or_insert(frame.ts);
        last_frame = frame.number;
        let decoded = decoder.decode(&frame);
        hashes.push(Tracker::hash_of(&decoded));
        batch.push(decoded);
        if batch.len() == size {
            let (next, next_hashes) = recycled
                .try_recv()
                .unwrap_or_else(|_| (Vec::with_capacity(size), Vec::with_capacity(size)));
            let full = std::mem::replace(&mut batch, next);
            let sent = to_model.send(Batch {
                decoded: full,
                hashes: std::mem::replace(&mut hashes, next_hashes),
                last_frame,
                bytes: reader.bytes_read(),
            });
            if sent.is_err() {
                break; // the model side is gone (it panicked): stop reading
            }
        }
    }
    if !batch.is_empty() {
        let _ = to_model.send(Batch {
            decoded: batch,
            hashes,
            last_frame,
            bytes: reader.bytes_read(),
        });
    }
    Ok(Read {
        reader,
        decoder,
        origin,
    })
}

/// Streams every frame of `reader` through `decoder` into `tracker`, the
/// reading and decoding on a thread of its own; calls `progress` when a
/// multiple of [`PROGRESS_EVERY`] frames has been modelled.
pub(super) fn feed(
    reader: CaptureReader,
    tracker: Tracker,
    decoder: Decoder,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Replay, CaptureError> {
    feed_in_batches(reader, tracker, decoder, progress, BATCH)
}

/// [`feed`] with batches of `size` frames.
fn feed_in_batches(
    reader: CaptureReader,
    mut tracker: Tracker,
    decoder: Decoder,
    progress: &mut dyn FnMut(&Progress),
    size: usize,
) -> Result<Replay, CaptureError> {
    let total = reader.size();
    let (to_model, batches) = mpsc::sync_channel::<Batch>(IN_FLIGHT);
    let (recycle, recycled) = mpsc::channel();
    let read = std::thread::scope(|scope| {
        let reading = scope.spawn(move || read_side(reader, decoder, to_model, recycled, size));
        let mut shown = 0;
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
            if batch.last_frame / PROGRESS_EVERY > shown {
                shown = batch.last_frame / PROGRESS_EVERY;
                progress(&Progress {
                    bytes: batch.bytes,
                    total,
                    frames: batch.last_frame,
                    connections: tracker.connections().len(),
                });
            }
            batch.hashes.clear();
            let _ = recycle.send((batch.decoded, batch.hashes));
        }
        match reading.join() {
            Ok(read) => read,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })?;
    Ok(Replay::read_by(
        tracker,
        &read.reader,
        &read.decoder,
        read.origin,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::Bytes;
    use super::*;
    use crate::conversation::KeepSteps;

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
                    let (Ok(a), Ok(b)) = (open(), open()) else {
                        continue; // not a capture (notes, truth files)
                    };
                    let one = super::super::feed(
                        a,
                        Tracker::keeping(keep),
                        Bytes::None,
                        Decoder::new(),
                        &mut |_| {},
                    );
                    let tracker = Tracker::keeping(keep);
                    let two = feed_in_batches(b, tracker, Decoder::new(), &mut |_| {}, size);
                    let name = path.display();
                    match (one, two) {
                        (Ok(one), Ok(two)) => {
                            assert_eq!(
                                format!("{:?}", one.connections()),
                                format!("{:?}", two.connections()),
                                "{name}"
                            );
                            assert_eq!(one.tracker.skipped, two.tracker.skipped, "{name}");
                            assert_eq!(
                                format!("{:?}", one.tracker.flows()),
                                format!("{:?}", two.tracker.flows()),
                                "{name}"
                            );
                            assert_eq!(
                                (one.frames, one.origin, &one.warnings),
                                (two.frames, two.origin, &two.warnings),
                                "{name}"
                            );
                            read += 1;
                        }
                        (Err(one), Err(two)) => {
                            assert_eq!(one.to_string(), two.to_string(), "{name}")
                        }
                        (one, two) => panic!(
                            "{name}: one thread {:?}, two {:?}",
                            one.map(|r| r.frames),
                            two.map(|r| r.frames)
                        ),
                    }
                }
            }
        }
        assert!(read > 100, "only {read} readings");
    }
}
