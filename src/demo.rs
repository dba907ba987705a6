//! The live demo session, the edge where sockets, threads and the clock
//! meet the pure model: it performs a scenario's socket calls one at a
//! time, captures the segments they cause on loopback, feeds them to the
//! same [`Tracker`] a replay uses, and collects the kernel's own transitions
//! to compare with the inferred ones.
//!
//! ```text
//!  Session::step ─▶ Exchange::next (one socket call)
//!                   └▶ settle: frames from the Sniffer until quiet ─▶ Feed::push ─▶ Tracker
//!                                                          (or, forwarding, Feed::decode ─▶ take_decoded)
//!                             kernel transitions from KernelTrace ─▶ kernel[]
//!  Session::finish ─▶ TIME_WAIT sockets from /proc, stop capture and trace
//! ```
//!
//! One model per exchange: the session's one [`Feed`] (the door every frame
//! source takes; its decoder reassembles IP) decodes every frame once. Printed (`synack demo`), its results
//! go into [`Session::tracker`]; in the terminal UI the session forwards
//! them ([`Session::forward`]) and the UI's tracker is the only one.

mod bundled;
pub mod report;
pub mod worker;

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::conversation::Tracker;
use crate::decode::Decoded;
use crate::feed::Feed;
use crate::live::LiveError;
use crate::live::exchange::{Call, CallOutcome, Exchange, ExchangeConfig, Scenario};
use crate::live::kernel::{KernelTrace, KernelTransition, kernel_tsv, timewait_txt};
use crate::live::pcap_out::write_pcap;
use crate::live::proc_net::time_wait_sockets;
use crate::live::sniffer::{Filter, OwnedFrame, Sniffer};
use crate::save::{SaveError, SaveSet, SaveTarget};
use crate::truth::{self, KernelRecord, TimeWaitSockets, Verdict};

pub use bundled::bundled_capture;
pub use worker::{DemoEvent, DemoStart, LiveCmd};

/// After a call, frames are collected until none arrives for this long
/// (loopback delivers a call's segments within microseconds; a delayed ACK
/// within 40 ms).
const QUIET: Duration = Duration::from_millis(60);
/// ... but never for longer than this per call.
const SETTLE_MAX: Duration = Duration::from_millis(1500);

/// The scenario's name on the command line (`normal`, `server-first` ...).
pub fn scenario_name(s: Scenario) -> &'static str {
    match s {
        Scenario::Normal => "normal",
        Scenario::ServerFirst => "server-first",
        Scenario::HalfClose => "half-close",
        Scenario::Abort => "abort",
        Scenario::Refused => "refused",
        Scenario::Backlog => "backlog",
        Scenario::Chat => "chat",
        Scenario::ReuseAddr => "reuseaddr",
        Scenario::SecondClient => "second-client",
        Scenario::Udp => "udp",
    }
}

/// Parses a scenario name.
pub fn scenario_from_name(name: &str) -> Option<Scenario> {
    Scenario::ALL
        .into_iter()
        .find(|s| scenario_name(*s) == name)
}

/// A running (or finished) live exchange with everything observed so far.
pub struct Session {
    exchange: Exchange,
    sniffer: Option<Sniffer>,
    trace: Option<KernelTrace>,
    /// Why the kernel column is unavailable, when it is.
    pub kernel_unavailable: Option<String>,
    /// The model, fed with every captured segment (stays empty while the
    /// session forwards them: [`Session::forward`]).
    pub tracker: Tracker,
    /// The capture's way into the model (its one decoder, IP reassembly
    /// included), whether the session keeps the model or forwards what
    /// the frames decoded to.
    feed: Feed,
    /// Forwarding: what the frames decoded to, not yet taken.
    forwarded: Option<Vec<Decoded>>,
    /// Every captured frame, in order (for `--save` and hex dumps).
    pub frames: Vec<OwnedFrame>,
    /// For each frame, the index of the call after which it was captured.
    pub frame_call: Vec<usize>,
    /// The kernel's transitions of the exchange's sockets, in order.
    pub kernel: Vec<KernelTransition>,
    /// The outcome of every call performed.
    pub outcomes: Vec<CallOutcome>,
    /// The time-wait sockets `/proc/net/tcp[6]` listed at the end.
    pub timewait: TimeWaitSockets,
    /// Every event line the tracepoint produced for the exchange's ports,
    /// of any protocol (known once finished): none at all in the UDP
    /// scenario.
    pub kernel_events: usize,
}

impl Session {
    /// Picks the port, starts the capture and the kernel trace, and makes
    /// the session ready to perform the first call. Fails when the capture
    /// cannot start (no CAP_NET_RAW); a missing kernel trace only leaves
    /// [`Session::kernel_unavailable`] set.
    pub fn start(scenario: Scenario, config: ExchangeConfig) -> Result<Session, LiveError> {
        let exchange = Exchange::new(scenario, config)?;
        let ports = exchange.ports();
        let sniffer = Sniffer::start(Filter {
            ports: ports.clone(),
            datagrams: scenario == Scenario::Udp,
            ..Filter::default()
        })?;
        let (trace, kernel_unavailable) = match KernelTrace::start(&ports) {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Ok(Session {
            exchange,
            sniffer: Some(sniffer),
            trace,
            kernel_unavailable,
            tracker: Tracker::new(),
            feed: Feed::new(),
            forwarded: None,
            frames: Vec::new(),
            frame_call: Vec::new(),
            kernel: Vec::new(),
            outcomes: Vec::new(),
            timewait: TimeWaitSockets::default(),
            kernel_events: 0,
        })
    }

    /// The scenario's script.
    pub fn calls(&self) -> &[Call] {
        self.exchange.calls()
    }

    /// Index of the next call to perform.
    pub fn position(&self) -> usize {
        self.exchange.position()
    }

    /// The scenario.
    pub fn scenario(&self) -> Scenario {
        self.exchange.scenario()
    }

    /// The server's address.
    pub fn server_addr(&self) -> SocketAddr {
        self.exchange.server_addr()
    }

    /// Whether every call was performed.
    pub fn is_done(&self) -> bool {
        self.position() >= self.calls().len()
    }

    /// Performs the next socket call, then collects the segments and kernel
    /// transitions it caused. `None` when the script is done. Bounded: a
    /// call waits at most [`crate::live::exchange::CALL_TIMEOUT`], the
    /// collection at most 1.5 s.
    pub fn step(&mut self) -> Option<Result<CallOutcome, LiveError>> {
        let index = self.position();
        let outcome = self.exchange.next()?;
        self.settle(index);
        if let Ok(o) = &outcome {
            self.outcomes.push(o.clone());
        }
        Some(outcome)
    }

    /// Performs every remaining call.
    pub fn run_all(&mut self) -> Result<(), LiveError> {
        while let Some(outcome) = self.step() {
            outcome?;
        }
        Ok(())
    }

    fn settle(&mut self, call: usize) {
        let Some(sniffer) = &self.sniffer else {
            return;
        };
        let deadline = Instant::now() + SETTLE_MAX;
        let mut got = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match sniffer.frames().recv_timeout(QUIET.min(left)) {
                Ok(f) => got.push(f),
                Err(_) => break,
            }
        }
        for f in got {
            self.ingest(f, call);
        }
        self.drain_kernel();
    }

    /// From now on, hands what each frame decoded to out through
    /// [`Session::take_decoded`] instead of feeding [`Session::tracker`]:
    /// the receiver (the terminal UI) keeps the one model of the exchange.
    pub fn forward(&mut self) {
        self.forwarded.get_or_insert_with(Vec::new);
    }

    /// What the frames captured since the last call decoded to, one per
    /// frame in capture order (forwarding only; empty otherwise).
    pub fn take_decoded(&mut self) -> Vec<Decoded> {
        self.forwarded
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    fn ingest(&mut self, frame: OwnedFrame, call: usize) {
        match &mut self.forwarded {
            Some(out) => out.push(self.feed.decode(&frame)),
            None => {
                self.feed.push(&frame, &mut self.tracker);
            }
        }
        self.frames.push(frame);
        self.frame_call.push(call);
    }

    /// Waits for kernel transitions and captured frames still on their way
    /// (the trace thread polls every 100 ms, the ring hands over blocks on a
    /// timer): until neither arrives for `quiet`, at most `max`. The frames
    /// are the last call's.
    pub fn wait_kernel(&mut self, quiet: Duration, max: Duration) {
        if self.trace.is_none() {
            return;
        }
        // Frames still on their way count as activity too, and belong to
        // the call just performed: on a busy machine the capture thread
        // can hand over the last ACK after the settle's quiet gap, while
        // the kernel already recorded the state it caused.
        let call = self.position().saturating_sub(1);
        let deadline = Instant::now() + max;
        let mut last = Instant::now();
        loop {
            let now = Instant::now();
            if now >= deadline || now.duration_since(last) >= quiet {
                break;
            }
            let mut any = false;
            if let Some(trace) = &self.trace {
                for k in trace.transitions().try_iter() {
                    self.kernel.push(k);
                    any = true;
                }
            }
            let frames: Vec<OwnedFrame> = self
                .sniffer
                .as_ref()
                .map(|s| s.frames().try_iter().collect())
                .unwrap_or_default();
            for f in frames {
                self.ingest(f, call);
                any = true;
            }
            if any {
                last = Instant::now();
            } else {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        // The time-wait sockets the calls so far handed connections to.
        self.timewait
            .observe(&time_wait_sockets(self.server_addr().port()));
    }

    fn drain_kernel(&mut self) {
        if let Some(trace) = &self.trace {
            self.kernel.extend(trace.transitions().try_iter());
        }
    }

    /// Reads the TIME_WAIT sockets, then stops the capture and the trace
    /// (removing the tracefs instance). Safe to call twice.
    pub fn finish(&mut self) {
        let port = self.server_addr().port();
        self.timewait.observe(&time_wait_sockets(port));
        let last = self.position().saturating_sub(1);
        if let Some(mut sniffer) = self.sniffer.take() {
            sniffer.stop();
            let rest: Vec<OwnedFrame> = sniffer.frames().try_iter().collect();
            for f in rest {
                self.ingest(f, last);
            }
        }
        if let Some(mut trace) = self.trace.take() {
            let stopped = trace.stop();
            self.kernel.extend(trace.transitions().try_iter());
            self.kernel_events = trace
                .raw_lines()
                .iter()
                .filter(|l| l.contains("inet_sock_set_state"))
                .count();
            if let Err(e) = stopped {
                self.kernel_unavailable
                    .get_or_insert_with(|| format!("trace cleanup: {e}"));
            }
        }
    }

    /// Whether the kernel trace ran for the whole exchange.
    pub fn trace_ran(&self) -> bool {
        self.kernel_unavailable.is_none()
    }

    /// The kernel's transitions of connected sockets (not the listener).
    pub fn kernel_records(&self) -> Vec<KernelRecord> {
        crate::live::kernel::connection_records(&self.kernel)
    }

    /// Kernel and model compared, per connection; `None` without a trace.
    pub fn verdicts(&self) -> Option<Vec<[Verdict; 2]>> {
        if self.kernel_unavailable.is_some() && self.kernel.is_empty() {
            return None;
        }
        let records = self.kernel_records();
        Some(
            self.tracker
                .connections()
                .iter()
                .map(|c| truth::compare(c, &records, &self.timewait))
                .collect(),
        )
    }

    /// The call after which frame `number` (1-based) was captured.
    pub fn call_of_frame(&self, number: u64) -> Option<usize> {
        let i = usize::try_from(number).ok()?.checked_sub(1)?;
        self.frame_call.get(i).copied()
    }

    /// Writes the captured frames as a pcap, and beside it the kernel's
    /// transitions (`STEM.kernel.tsv`) and TIME_WAIT sockets
    /// (`STEM.timewait.txt`) in the format of `captures/`: all of them or
    /// none ([`SaveSet`]).
    pub fn save(&self, plan: &SavePlan) -> Result<(), SaveError> {
        let mut set = SaveSet::new();
        set.stage(&plan.pcap, |w| write_pcap(w, &self.frames))?;
        if !self.kernel.is_empty() {
            let (tsv, tw) = self.kernel_texts();
            set.stage(&plan.kernel, |w| w.write_all(tsv.as_bytes()))?;
            set.stage(&plan.timewait, |w| w.write_all(tw.as_bytes()))?;
        }
        set.commit()
    }

    /// The texts of `STEM.kernel.tsv` and `STEM.timewait.txt`.
    fn kernel_texts(&self) -> (String, String) {
        let tw = timewait_txt(
            "TIME_WAIT sockets (/proc/net/tcp[6]) right after the exchange",
            &self.timewait.last_in(crate::state::TcpState::TimeWait),
        );
        (kernel_tsv(&self.kernel), tw)
    }
}

/// The files `--save FILE` writes, checked before the demo starts
/// ([`SaveTarget::check`]): FILE, `STEM.kernel.tsv`, `STEM.timewait.txt`.
#[derive(Clone, Debug)]
pub struct SavePlan {
    /// The pcap.
    pub pcap: SaveTarget,
    /// The kernel's transitions.
    pub kernel: SaveTarget,
    /// The TIME_WAIT sockets.
    pub timewait: SaveTarget,
}

impl SavePlan {
    /// Checks the three targets of `--save path`.
    pub fn check(path: &Path) -> Result<SavePlan, SaveError> {
        let pcap = SaveTarget::check(path)?;
        Ok(SavePlan {
            kernel: pcap.with_extension("kernel.tsv")?,
            timewait: pcap.with_extension("timewait.txt")?,
            pcap,
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_has_a_bundled_capture_that_replays() {
        for s in Scenario::ALL {
            let (name, bytes) = bundled_capture(s).expect("bundled");
            let replay = crate::replay::load_bytes(name, bytes).expect("replays");
            if s == Scenario::Udp {
                // Datagrams, no connection; the closed port's ICMP error
                // is attached to its flow.
                assert!(replay.connections().is_empty(), "{name}");
                let flows = replay.tracker.flows();
                assert_eq!(flows.len(), 1, "{name}");
                assert_eq!(flows[0].total(), 3, "{name}");
                assert_eq!(flows[0].icmp.len(), 1, "{name}");
            } else {
                assert!(!replay.connections().is_empty(), "{name}");
            }
            assert_eq!(scenario_from_name(scenario_name(s)), Some(s));
        }
    }
}
