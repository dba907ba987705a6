//! Reading a capture file in the background: a frame source like watch's
//! capture thread. The thread reads frames, decodes them and sends them in
//! batches — each with where its record starts in the file, for a frame
//! index — to whoever owns the model (the TUI's main thread), which feeds
//! them to its [`crate::conversation::Tracker`]. The thread never touches
//! the model, the terminal or the clock.
//!
//! ```text
//!  CaptureReader ─▶ Decoder ─▶ LoadEvent::Batch ──(≤ 8 in flight)──▶ owner: Tracker
//!                              LoadEvent::Done / Failed ─────────────▶
//! ```
//!
//! At most [`IN_FLIGHT`] batches wait in the channel: a batch's [`Ticket`]
//! returns its credit when the owner drops it, so memory stays bounded
//! however far the reader could run ahead of the owner.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use std::ops::ControlFlow;

use super::{KEEP_FRAMES_MAX, Progress};
use crate::capture::{CaptureReader, LinkType};
use crate::decode::{Decoded, TunnelPorts};
use crate::feed::{Fed, Feed, Flow, Held, Sink, no_progress};

/// Frames per batch.
pub const BATCH: usize = 4096;
/// Batches sent and not yet dropped by the owner, at most.
pub const IN_FLIGHT: usize = 8;

/// One frame, decoded.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// 1-based frame number.
    pub number: u64,
    /// Offset of the frame's record in the (decompressed) file.
    pub offset: u64,
    /// Link type of the frame.
    pub link: LinkType,
    /// What the decoder made of it.
    pub decoded: Decoded,
    /// The frame's bytes, when the loader was asked to keep them (small
    /// files) and they total at most [`KEEP_FRAMES_MAX`].
    pub bytes: Option<Vec<u8>>,
}

/// Frames that decoded to nothing the model keeps but a count (they
/// travel as numbers, not one message each: a file of millions of empty
/// frames costs no more than its counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counted {
    /// [`Decoded::NotTcp`] frames.
    pub not_tcp: u64,
    /// [`Decoded::Malformed`] frames.
    pub malformed: u64,
    /// [`Decoded::UnsupportedLink`] frames.
    pub unsupported_link: u64,
}

/// What the loading thread reports.
#[derive(Clone, Debug)]
pub enum LoadEvent {
    /// Frames read and decoded, and how far the reading has got.
    Batch(Batch),
    /// The whole file was read.
    Done {
        /// Frames read in all.
        frames: u64,
        /// Non-fatal problems (a truncated last packet...), one line each.
        warnings: Vec<String>,
        /// The final figures.
        progress: Progress,
    },
    /// The file could not be read; one line naming the file.
    Failed(String),
}

/// Up to [`BATCH`] frames, holding one of the [`IN_FLIGHT`] credits until
/// dropped.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The frames, in capture order (but those counted in `counted`).
    pub frames: Vec<Loaded>,
    /// Frames that decoded to nothing but a count.
    pub counted: Counted,
    /// How far the reading had got after the last of them.
    pub progress: Progress,
    /// Returns the credit when dropped.
    pub ticket: Ticket,
}

#[derive(Debug, Default)]
struct Credits {
    in_flight: Mutex<usize>,
    freed: Condvar,
}

/// A batch's credit: taken when it is sent, returned when dropped.
#[derive(Debug)]
pub struct Ticket(Arc<Credits>);

impl Ticket {
    fn take(credits: &Arc<Credits>) -> Ticket {
        *credits.in_flight.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Ticket(Arc::clone(credits))
    }
}

impl Clone for Ticket {
    fn clone(&self) -> Ticket {
        Ticket::take(&self.0)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut n = self.0.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        *n = n.saturating_sub(1);
        self.0.freed.notify_one();
    }
}

/// The running loading thread. Dropping it asks the thread to stop (it
/// stops within one batch, or 50 ms while waiting for credit).
#[derive(Debug)]
pub struct Loader {
    stop: Arc<AtomicBool>,
}

/// How long the thread waits for a credit before looking at the stop flag.
const POLL: Duration = Duration::from_millis(50);

impl Drop for Loader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Starts reading `reader` (opened, its header checked) on a thread,
/// decoding with tunnels on `ports`, sending to `events`. With
/// `keep_bytes`, the frames' bytes travel too while they total at most
/// [`KEEP_FRAMES_MAX`]. The progress figures count no connections: the
/// owner's model knows them.
pub fn spawn<E>(
    reader: CaptureReader,
    ports: TunnelPorts,
    keep_bytes: bool,
    events: Sender<E>,
) -> std::io::Result<Loader>
where
    E: From<LoadEvent> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = Arc::clone(&stop);
    thread::Builder::new()
        .name("synack-load".into())
        .spawn(move || {
            if let Some(ev) = run(reader, ports, keep_bytes, &events, &stop2) {
                let _ = events.send(E::from(ev));
            }
        })?;
    Ok(Loader { stop })
}

/// The thread's loop. Returns the last event to send (none when stopped
/// or when the owner is gone).
fn run<E: From<LoadEvent>>(
    mut reader: CaptureReader,
    ports: TunnelPorts,
    keep_bytes: bool,
    events: &Sender<E>,
    stop: &AtomicBool,
) -> Option<LoadEvent> {
    let mut feed =
        Feed::with_ports(ports).keeping_bytes(if keep_bytes { KEEP_FRAMES_MAX } else { 0 });
    let mut sink = Sending {
        pending: Pending::default(),
        keep_bytes,
        credits: Arc::new(Credits::default()),
        events,
        stop,
    };
    match feed.run(&mut reader, &mut sink, &mut no_progress) {
        Ok(Flow::Ended) => {}
        Ok(Flow::Stopped) => return None,
        Err(e) => return Some(LoadEvent::Failed(e.to_string())),
    }
    let progress = Progress {
        bytes: reader.bytes_read(),
        total: reader.size(),
        frames: reader.frames_read(),
        connections: 0,
    };
    Some(LoadEvent::Done {
        frames: reader.frames_read(),
        warnings: feed.warnings(&reader),
        progress,
    })
}

/// The loading thread's sink: frames gathered into batches sent to the
/// owner (a full batch at once, what is ready before the reader waits).
struct Sending<'a, E> {
    pending: Pending,
    keep_bytes: bool,
    credits: Arc<Credits>,
    events: &'a Sender<E>,
    stop: &'a AtomicBool,
}

impl<E: From<LoadEvent>> Sink for Sending<'_, E> {
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        let bytes = if self.keep_bytes {
            fed.keep_bytes()
        } else {
            None
        };
        let pending = &mut self.pending;
        pending.read += 1;
        match decoded {
            // Nothing the model keeps but a count: counted here, so that
            // millions of such frames cost no message each.
            Decoded::NotTcp if bytes.is_none() => pending.counted.not_tcp += 1,
            Decoded::Malformed if bytes.is_none() => pending.counted.malformed += 1,
            Decoded::UnsupportedLink if bytes.is_none() => pending.counted.unsupported_link += 1,
            decoded => pending.frames.push(Loaded {
                number: fed.frame.number,
                offset: fed.offset,
                link: fed.frame.link,
                decoded,
                bytes,
            }),
        }
        ControlFlow::Continue(())
    }

    fn held(&self) -> Held {
        match self.pending.read {
            0 => Held::Nothing,
            BATCH.. => Held::Full,
            _ => Held::Some,
        }
    }

    fn flush(&mut self, at: &Progress) -> ControlFlow<()> {
        let progress = Progress {
            connections: 0,
            ..*at
        };
        if send(
            self.pending.take(),
            progress,
            &self.credits,
            self.events,
            self.stop,
        ) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }
}

/// Frames read and not sent yet.
#[derive(Default)]
struct Pending {
    frames: Vec<Loaded>,
    counted: Counted,
    read: usize,
}

impl Pending {
    fn take(&mut self) -> (Vec<Loaded>, Counted) {
        let p = std::mem::take(self);
        (p.frames, p.counted)
    }
}

/// Waits for a credit (or the stop flag), then sends. False when the
/// thread should end.
fn send<E: From<LoadEvent>>(
    (frames, counted): (Vec<Loaded>, Counted),
    progress: Progress,
    credits: &Arc<Credits>,
    events: &Sender<E>,
    stop: &AtomicBool,
) -> bool {
    {
        let mut n = credits.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        while *n >= IN_FLIGHT {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            n = credits
                .freed
                .wait_timeout(n, POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
    if stop.load(Ordering::SeqCst) {
        return false;
    }
    let ticket = Ticket::take(credits);
    let batch = Batch {
        frames,
        counted,
        progress,
        ticket,
    };
    events.send(E::from(LoadEvent::Batch(batch))).is_ok()
}
