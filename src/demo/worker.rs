//! The live demo's worker thread: it owns the [`Session`] (sockets,
//! capture, kernel trace) so the UI never blocks on a socket call. It
//! performs one call per [`LiveCmd::Step`] and sends what it caused as
//! [`AppEvent`]s, in this order: the frames (bytes, then the decoded
//! segment), the kernel's transitions, the TIME_WAIT sockets, then the
//! call's result. On [`LiveCmd::Start`] it finishes the session and starts
//! another; on [`LiveCmd::Quit`] (or when the UI is gone) it finishes the
//! session (tracefs instance removed, sockets closed), saves it when asked
//! and reports.
//!
//! The worker holds no privilege: a new packet socket and tracefs
//! instance come from the broker ([`crate::live::broker`]), which also
//! removes the instance when the session finishes. Saving runs as the user
//! into targets checked before the demo started.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{SavePlan, Session};
use crate::decode::{Decoded, decode};
use crate::live::exchange::ExchangeConfig;
use crate::live::kernel::timewait_sockets;
use crate::ui::AppEvent;
use crate::ui::live::{DemoStart, LiveCmd};

/// Extra wait for the kernel's transitions after a call's frames.
const KERNEL_QUIET: Duration = Duration::from_millis(150);
/// ... at most.
const KERNEL_MAX: Duration = Duration::from_millis(500);

/// The running worker.
pub struct Worker {
    cmd: Sender<LiveCmd>,
    done: Receiver<Vec<String>>,
    thread: Option<JoinHandle<()>>,
}

/// What the UI sees of a session that just started.
fn started(session: &Session) -> DemoStart {
    DemoStart {
        scenario: session.scenario(),
        calls: session.calls().to_vec(),
        kernel_unavailable: session.kernel_unavailable.clone(),
        offline: None,
    }
}

/// Starts the worker on `session`, sending to `events`. `save`: where to
/// write the last session's capture when it ends.
pub fn spawn(
    session: Session,
    config: ExchangeConfig,
    events: Sender<AppEvent>,
    save: Option<SavePlan>,
) -> Worker {
    let (cmd, cmds) = channel();
    let (done_tx, done) = channel();
    let thread = thread::Builder::new()
        .name("synack-demo".into())
        .spawn(move || {
            let report = run(session, &config, &events, &cmds, save);
            let _ = done_tx.send(report);
        })
        .ok();
    Worker { cmd, done, thread }
}

fn run(
    session: Session,
    config: &ExchangeConfig,
    events: &Sender<AppEvent>,
    cmds: &Receiver<LiveCmd>,
    save: Option<SavePlan>,
) -> Vec<String> {
    let mut session = Some(session);
    if let Some(s) = &session {
        let _ = events.send(AppEvent::DemoStarted(started(s)));
    }
    while let Ok(cmd) = cmds.recv() {
        match cmd {
            LiveCmd::Step => {
                if let Some(s) = session.as_mut() {
                    step(s, events);
                }
            }
            LiveCmd::Start(scenario) => {
                if let Some(mut old) = session.take() {
                    old.finish();
                    drop(old);
                }
                let ev = match Session::start(scenario, config.clone()) {
                    Ok(new) => {
                        let ev = started(&new);
                        session = Some(new);
                        ev
                    }
                    Err(e) => DemoStart {
                        scenario,
                        calls: Vec::new(),
                        kernel_unavailable: None,
                        offline: Some(e.to_string()),
                    },
                };
                let _ = events.send(AppEvent::DemoStarted(ev));
            }
            LiveCmd::Quit => break,
        }
    }
    let mut report = Vec::new();
    let Some(mut s) = session else {
        return report;
    };
    s.finish();
    if let Some(plan) = save {
        match s.save(&plan) {
            Ok(()) => report.push(format!(
                "saved {} frames to {}",
                s.frames.len(),
                plan.pcap.path().display()
            )),
            Err(e) => report.push(format!("--save: {e}")),
        }
    }
    report
}

/// Performs one call and sends what it caused.
fn step(session: &mut Session, events: &Sender<AppEvent>) {
    let index = session.position();
    let frames_before = session.frames.len();
    let kernel_before = session.kernel.len();
    let Some(result) = session.step() else {
        return;
    };
    session.wait_kernel(KERNEL_QUIET, KERNEL_MAX);
    for (i, f) in session.frames.iter().enumerate().skip(frames_before) {
        let _ = events.send(AppEvent::Frame(f.data.clone()));
        match decode(&f.as_frame(i as u64 + 1)) {
            Decoded::Tcp(seg) => {
                let _ = events.send(AppEvent::Segment(seg));
            }
            other => {
                let _ = events.send(AppEvent::Decoded(other));
            }
        }
    }
    for k in &session.kernel[kernel_before..] {
        let _ = events.send(AppEvent::Kernel(k.clone()));
    }
    let port = session.server_addr().port();
    let _ = events.send(AppEvent::TimeWaitSockets(timewait_sockets(port)));
    let _ = events.send(AppEvent::Call {
        index,
        result: result.map_err(|e| e.to_string()),
    });
}

impl Worker {
    /// Where the UI sends its commands.
    pub fn commands(&self) -> Sender<LiveCmd> {
        self.cmd.clone()
    }

    /// Asks the worker to finish the session and waits at most `timeout`
    /// (a call in flight takes at most a few seconds). Returns the lines to
    /// report (saved file, errors); on timeout the thread is left detached
    /// and the session's own `Drop` cleans up if it gets the chance.
    pub fn shutdown(mut self, timeout: Duration) -> Vec<String> {
        let _ = self.cmd.send(LiveCmd::Quit);
        await_report(&self.done, &mut self.thread, timeout, "demo")
    }
}

/// Waits at most `timeout` for a live worker's closing report (the demo's
/// or the watch's), then joins its thread; on timeout the thread is left
/// detached and the report says so, naming the worker `what`.
pub(crate) fn await_report(
    done: &Receiver<Vec<String>>,
    thread: &mut Option<JoinHandle<()>>,
    timeout: Duration,
    what: &str,
) -> Vec<String> {
    match done.recv_timeout(timeout) {
        Ok(report) => {
            if let Some(t) = thread.take() {
                let _ = t.join();
            }
            report
        }
        Err(_) => vec![format!(
            "the {what} did not stop within {} s; its tracefs instance may be left behind",
            timeout.as_secs()
        )],
    }
}
