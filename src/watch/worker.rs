//! The terminal UI's watch thread: it owns the [`Watch`] (packet socket,
//! kernel trace) and sends every [`WatchEvent`] to the UI, converted into
//! the UI's own event type (`E: From<WatchEvent>`), so this module needs
//! nothing from the UI. When asked to stop (or when the UI is gone) it
//! stops the capture, removes the tracefs instance, saves when asked and
//! reports.

use crate::demo::SavePlan;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{Watch, WatchEvent};

/// One wait for frames: how long a stop request may wait.
const POLL: Duration = Duration::from_millis(50);

/// The running watch thread.
pub struct Worker {
    stop: Arc<AtomicBool>,
    done: Receiver<Vec<String>>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the thread on `watch`, sending to `events`. `save`: where to
/// write the capture when it ends.
pub fn spawn<E>(watch: Watch, events: Sender<E>, save: Option<SavePlan>) -> Worker
where
    E: From<WatchEvent> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = Arc::clone(&stop);
    let (done_tx, done) = channel();
    let thread = thread::Builder::new()
        .name("synack-watch".into())
        .spawn(move || {
            let report = run(watch, &events, &stop2, save);
            let _ = done_tx.send(report);
        })
        .ok();
    Worker { stop, done, thread }
}

fn run<E: From<WatchEvent>>(
    mut watch: Watch,
    events: &Sender<E>,
    stop: &AtomicBool,
    save: Option<SavePlan>,
) -> Vec<String> {
    let mut gone = false;
    while !stop.load(Ordering::SeqCst) && !gone {
        watch.pump(POLL, &mut |ev| {
            gone |= events.send(E::from(ev)).is_err();
        });
    }
    let mut report = Vec::new();
    if let Err(e) = watch.stop(&mut |_| {}) {
        report.push(e.to_string());
    }
    let counts = watch.counts();
    report.push(format!(
        "captured {} frames on {}, {} dropped by the kernel",
        counts.frames,
        watch.description(),
        counts.dropped
    ));
    if let Some(plan) = save {
        match watch.save(&plan) {
            Ok(()) => report.push(format!(
                "saved {} frames to {}",
                watch.saved_frames(),
                plan.pcap.path().display()
            )),
            Err(e) => report.push(format!("--save {e}")),
        }
    }
    report
}

impl Worker {
    /// Asks the thread to stop and waits at most `timeout`. Returns the
    /// lines to report (counts, saved file, errors).
    pub fn shutdown(mut self, timeout: Duration) -> Vec<String> {
        self.stop.store(true, Ordering::SeqCst);
        crate::demo::worker::await_report(&self.done, &mut self.thread, timeout, "watch")
    }
}
