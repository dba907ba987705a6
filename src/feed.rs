//! The one door for frames: every frame source reaches the model through a
//! [`Feed`]. A feed owns the source's one [`Decoder`] (IP reassembly
//! included, always), the frame-bytes [`Budget`] and the capture's origin;
//! it runs frames from a [`FrameSource`] through the decoder into a
//! [`Sink`] (the [`Tracker`] itself, or a sink around it: a census, a
//! visit after every frame, a frame index, a loader's batches), calling
//! one progress callback that can stop the reading.
//!
//! ```text
//!  pull: FrameSource ─▶ Feed (Decoder, Budget) ─▶ Sink (Tracker, Census, …)      Feed::run
//!        FrameSource ─▶ reading thread ═batches═▶ Tracker::ingest_batch         Feed::model (fast mode)
//!  push: OwnedFrame  ─▶ Feed::push ─▶ Tracker ─▶ (connection, step) touched      live sources
//!        OwnedFrame  ─▶ Feed::decode ─▶ (channel) ─▶ Tracker::ingest_decoded
//! ```
//!
//! Sources ([`source`]): a capture file read in order
//! ([`crate::capture::CaptureReader`]),
//! the same file read again by record offsets ([`source::Offsets`]) or in
//! one pass passing over the frames not asked for ([`source::Picked`]),
//! and a live channel of [`OwnedFrame`]s ([`source::Channel`]). A live
//! source whose frames arrive one at a time pushes them instead
//! ([`Feed::push`]). Pure apart from what its sources read: no terminal, no
//! clock (a [`source::Channel`] waits on its channel, nothing else).

use std::ops::ControlFlow;
use std::time::Duration;

use crate::capture::{CaptureError, Frame, OwnedFrame};
use crate::conversation::Tracker;
use crate::decode::{Decoded, Decoder, TunnelPorts};

mod fast;
pub mod source;

pub use source::{FrameSource, Pull};

/// How far a reading has got, for a progress line.
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

/// The progress callback is called every this many frames read (a source
/// may ask for another cadence: [`FrameSource::progress_every`]).
pub const PROGRESS_EVERY: u64 = 1 << 15;

/// Frame bytes are kept for hex dumps up to this many bytes in all,
/// counting each frame's bookkeeping too (a file of millions of empty
/// frames must not grow memory either).
pub const KEEP_FRAMES_MAX: usize = 64 << 20;

/// The one frame-bytes policy: frames' bytes are kept, in the order they
/// are asked for, while they total at most the budget (each frame counted
/// with its `Vec`'s bookkeeping); from the first frame that would pass it,
/// no later frame's bytes are kept. So a hex dump has the bytes of the
/// first frames, and memory stays bounded by the budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    used: usize,
    max: usize,
}

impl Budget {
    /// A budget of `max` bytes.
    pub fn new(max: usize) -> Budget {
        Budget { used: 0, max }
    }

    /// Whether any bytes can be kept at all.
    pub fn wants_bytes(&self) -> bool {
        self.max > 0
    }

    /// A copy of `data` when it still fits (see [`Budget`]).
    pub fn keep(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        if self.used > self.max {
            return None;
        }
        self.used = self
            .used
            .saturating_add(data.len() + std::mem::size_of::<Vec<u8>>());
        (self.used <= self.max).then(|| data.to_vec())
    }
}

/// One frame handed to a [`Sink`], beside what it decoded to.
pub struct Fed<'a> {
    /// The frame as read.
    pub frame: Frame<'a>,
    /// Where its record starts in the source (0 for a live frame).
    pub offset: u64,
    budget: &'a mut Budget,
}

impl Fed<'_> {
    /// The frame's bytes, when the feed's [`Budget`] still has room.
    pub fn keep_bytes(&mut self) -> Option<Vec<u8>> {
        self.budget.keep(self.frame.data)
    }
}

/// Whether a sink holds frames it has not handed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// Nothing.
    Nothing,
    /// Some: hand them on before the source waits (a pipe not written).
    Some,
    /// A full batch: hand it on now.
    Full,
}

/// Where decoded frames go. The model itself ([`Tracker`]) is one; others
/// wrap it or tally (the census).
pub trait Sink {
    /// Takes one decoded frame; `Break` stops the reading.
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()>;

    /// Connections found so far, for the progress line.
    fn connections(&self) -> usize {
        0
    }

    /// Whether frames are held (a sink that sends batches on).
    fn held(&self) -> Held {
        Held::Nothing
    }

    /// Hands on what is held, the reading being at `at`; `Break` stops it.
    fn flush(&mut self, at: &Progress) -> ControlFlow<()> {
        let _ = at;
        ControlFlow::Continue(())
    }
}

impl Sink for Tracker {
    fn take(&mut self, _: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        self.ingest_decoded(decoded);
        ControlFlow::Continue(())
    }

    fn connections(&self) -> usize {
        Tracker::connections(self).len()
    }
}

/// How a reading ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// The source has no more frames.
    Ended,
    /// The progress callback or the sink stopped it.
    Stopped,
}

/// A progress callback that never stops the reading.
pub fn no_progress(_: &Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// One frame source's way into the model: its decoder, its frame-bytes
/// budget, the timestamp of its first frame.
#[derive(Debug, Default)]
pub struct Feed {
    decoder: Decoder,
    budget: Budget,
    origin: Option<Duration>,
    /// Frames pushed or decoded one at a time (live sources), to number
    /// them.
    pushed: u64,
}

impl Feed {
    /// A feed decoding with the standard tunnel ports, keeping no frame
    /// bytes.
    pub fn new() -> Feed {
        Feed::default()
    }

    /// A feed that also opens UDP tunnels on `ports`.
    pub fn with_ports(ports: TunnelPorts) -> Feed {
        Feed {
            decoder: Decoder::with_ports(ports),
            ..Feed::default()
        }
    }

    /// Lets sinks keep frame bytes up to `max` in all ([`Budget`]).
    pub fn keeping_bytes(mut self, max: usize) -> Feed {
        self.budget = Budget::new(max);
        self
    }

    /// Timestamp of the first frame read or pushed.
    pub fn origin(&self) -> Option<Duration> {
        self.origin
    }

    /// The decoder's non-fatal problems, after `source`'s own (one line
    /// each).
    pub fn warnings(&self, source: &impl FrameSource) -> Vec<String> {
        let mut w = source.warnings().to_vec();
        w.extend(self.decoder.warnings());
        w
    }

    /// Reads `source` to its end through the decoder into `sink`, calling
    /// `progress` every [`FrameSource::progress_every`] frames read (its
    /// `Break` stops the reading, as does the sink's).
    pub fn run<S: FrameSource + ?Sized, K: Sink + ?Sized>(
        &mut self,
        source: &mut S,
        sink: &mut K,
        progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
    ) -> Result<Flow, CaptureError> {
        let every = source.progress_every();
        let at = |source: &S, sink: &K| Progress {
            bytes: source.bytes_read(),
            total: source.size(),
            frames: source.frames_read(),
            connections: sink.connections(),
        };
        loop {
            if sink.held() != Held::Nothing
                && source.would_wait()
                && sink.flush(&at(source, sink)).is_break()
            {
                return Ok(Flow::Stopped);
            }
            match source.pull()? {
                Pull::End => break,
                Pull::Passed => {}
                Pull::Frame { frame, offset } => {
                    self.origin.get_or_insert(frame.ts);
                    let decoded = self.decoder.decode(&frame);
                    let mut fed = Fed {
                        frame,
                        offset,
                        budget: &mut self.budget,
                    };
                    if sink.take(&mut fed, decoded).is_break() {
                        return Ok(Flow::Stopped);
                    }
                    if sink.held() == Held::Full && sink.flush(&at(source, sink)).is_break() {
                        return Ok(Flow::Stopped);
                    }
                }
            }
            if source.frames_read().is_multiple_of(every) && progress(&at(source, sink)).is_break()
            {
                return Ok(Flow::Stopped);
            }
        }
        if sink.held() != Held::Nothing && sink.flush(&at(source, sink)).is_break() {
            return Ok(Flow::Stopped);
        }
        Ok(Flow::Ended)
    }

    /// [`Feed::run`] into the model itself. When the feed keeps no frame
    /// bytes and the machine has a second core (unless
    /// `SYNACK_THREADS=1`), in the fast mode: reading and decoding on a
    /// thread of their own, the model fed batches of decoded frames in
    /// order (the same result; progress every [`PROGRESS_EVERY`] frames
    /// modelled).
    pub fn model<S: FrameSource + Send>(
        &mut self,
        source: &mut S,
        tracker: &mut Tracker,
        progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
    ) -> Result<Flow, CaptureError> {
        if !self.budget.wants_bytes() && parallel() {
            fast::run(self, source, tracker, progress, fast::BATCH)
        } else {
            self.run(source, tracker, progress)
        }
    }

    /// Decodes the next frame of a live source (numbered after the frames
    /// pushed or decoded before it), for a model on another thread: it
    /// enters by [`Tracker::ingest_decoded`] there.
    pub fn decode(&mut self, frame: &OwnedFrame) -> Decoded {
        self.pushed += 1;
        self.origin.get_or_insert(frame.ts);
        self.decoder.decode(&frame.as_frame(self.pushed))
    }

    /// A live frame arrives: decoded by this source's one decoder and
    /// ingested by `tracker`. Returns the `(connection, step)` a segment
    /// went to (`None` for anything else: counted as skipped, filed as a
    /// UDP flow or an ICMP event).
    pub fn push(&mut self, frame: &OwnedFrame, tracker: &mut Tracker) -> Option<(usize, usize)> {
        let decoded = self.decode(frame);
        tracker.ingest_decoded(decoded)
    }

    /// Frames pushed or decoded one at a time so far (the last one's
    /// number).
    pub fn pushed(&self) -> u64 {
        self.pushed
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

#[cfg(test)]
mod tests;
