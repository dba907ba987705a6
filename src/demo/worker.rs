//! The live demo's worker thread: it owns the [`Session`] (sockets,
//! capture, kernel trace) so the UI never blocks on a socket call. It
//! performs one call per [`LiveCmd::Step`] and sends what it caused as
//! [`DemoEvent`]s, in this order: the frames (bytes, then the decoded
//! segment), the kernel's transitions, the TIME_WAIT sockets, then the
//! call's result. The events go out in the receiver's own type
//! (`E: From<DemoEvent>`), so this module needs nothing from the UI. On
//! [`LiveCmd::Start`] it finishes the session and starts another; on
//! [`LiveCmd::Quit`] (or when the UI is gone) it finishes the session
//! (tracefs instance removed, sockets closed), saves it when asked and
//! reports.
//!
//! The session forwards what its one [`crate::feed::Feed`] decoded
//! each frame to ([`Session::forward`]); the worker passes it on and decodes
//! nothing itself, so the UI's tracker is the exchange's one model.
//!
//! The worker holds no privilege: a new packet socket and tracefs
//! instance come from the broker ([`crate::live::broker`]), which also
//! removes the instance when the session finishes. Saving runs as the user
//! into targets checked before the demo started.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{SavePlan, Session};
use crate::decode::Decoded;
use crate::live::exchange::{Call, CallOutcome, ExchangeConfig, Scenario};
use crate::live::join::join_within;
use crate::live::kernel::KernelTransition;
use crate::live::proc_net::time_wait_sockets;
use crate::segment::Segment;

/// Extra wait for the kernel's transitions after a call's frames.
const KERNEL_QUIET: Duration = Duration::from_millis(150);
/// ... at most.
const KERNEL_MAX: Duration = Duration::from_millis(500);

/// What the UI asks the worker that owns the sockets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveCmd {
    /// Perform the next socket call.
    Step,
    /// End the current session and start this scenario.
    Start(Scenario),
    /// End the session and stop.
    Quit,
}

/// A session (re)started: its script and what is available.
#[derive(Clone, Debug)]
pub struct DemoStart {
    /// The scenario.
    pub scenario: Scenario,
    /// Its socket calls, in order.
    pub calls: Vec<Call>,
    /// Why the kernel column is unavailable, when it is.
    pub kernel_unavailable: Option<String>,
    /// Set when no live session could start: why (the bundled capture is
    /// walked instead).
    pub offline: Option<String>,
}

/// What the worker reports, in the order it happened.
#[derive(Clone, Debug)]
pub enum DemoEvent {
    /// A session (re)started.
    Started(DemoStart),
    /// The bytes of the next captured frame (for the hex dump).
    Frame(Vec<u8>),
    /// What that frame decoded to, when a TCP segment.
    Segment(Segment),
    /// What that frame decoded to otherwise (a UDP datagram, an ICMP
    /// error, a frame the model skips).
    Decoded(Decoded),
    /// A state change the kernel reported.
    Kernel(KernelTransition),
    /// The time-wait sockets /proc lists now (FIN_WAIT2 or TIME_WAIT).
    TimeWaitSockets(Vec<crate::truth::TimeWaitSocket>),
    /// Call `index` returned (after its segments were sent).
    Call {
        /// Index of the call in the script.
        index: usize,
        /// What it returned, or why it failed.
        result: Result<CallOutcome, String>,
    },
}

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
pub fn spawn<E>(
    session: Session,
    config: ExchangeConfig,
    events: Sender<E>,
    save: Option<SavePlan>,
) -> Worker
where
    E: From<DemoEvent> + Send + 'static,
{
    let (cmd, cmds) = channel();
    let (done_tx, done) = channel();
    let thread = thread::Builder::new()
        .name("synack-demo".into())
        .spawn(move || {
            let send = |ev: DemoEvent| {
                let _ = events.send(E::from(ev));
            };
            let report = run(session, &config, &send, &cmds, save);
            let _ = done_tx.send(report);
        })
        .ok();
    Worker { cmd, done, thread }
}

fn run(
    session: Session,
    config: &ExchangeConfig,
    send: &dyn Fn(DemoEvent),
    cmds: &Receiver<LiveCmd>,
    save: Option<SavePlan>,
) -> Vec<String> {
    let mut session = Some(session);
    if let Some(s) = &mut session {
        s.forward();
        send(DemoEvent::Started(started(s)));
    }
    while let Ok(cmd) = cmds.recv() {
        match cmd {
            LiveCmd::Step => {
                if let Some(s) = session.as_mut() {
                    step(s, send);
                }
            }
            LiveCmd::Start(scenario) => {
                if let Some(mut old) = session.take() {
                    old.finish();
                    drop(old);
                }
                let ev = match Session::start(scenario, config.clone()) {
                    Ok(mut new) => {
                        new.forward();
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
                send(DemoEvent::Started(ev));
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
fn step(session: &mut Session, send: &dyn Fn(DemoEvent)) {
    let index = session.position();
    let frames_before = session.frames.len();
    let kernel_before = session.kernel.len();
    let Some(result) = session.step() else {
        return;
    };
    session.wait_kernel(KERNEL_QUIET, KERNEL_MAX);
    let decoded = session.take_decoded();
    for (f, d) in session.frames[frames_before..].iter().zip(decoded) {
        send(DemoEvent::Frame(f.data.clone()));
        match d {
            Decoded::Tcp(seg) => send(DemoEvent::Segment(seg)),
            other => send(DemoEvent::Decoded(other)),
        }
    }
    for k in &session.kernel[kernel_before..] {
        send(DemoEvent::Kernel(k.clone()));
    }
    let port = session.server_addr().port();
    send(DemoEvent::TimeWaitSockets(time_wait_sockets(port)));
    send(DemoEvent::Call {
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
    match join_within(done, thread, timeout) {
        Ok(report) => report,
        Err(_) => vec![format!(
            "the {what} did not stop within {} s; its tracefs instance may be left behind",
            timeout.as_secs()
        )],
    }
}
