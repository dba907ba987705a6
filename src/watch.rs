//! `synack watch`: the user's own programs, live. A frame source like a
//! capture file: frames from a packet socket on one interface (filtered by
//! port and host, in the kernel and again here) enter by the one door every
//! frame source takes, a [`Feed`] (its one decoder), as
//! [`WatchEvent::Decoded`]s, which the consumer feeds to its
//! one [`crate::conversation::Tracker`]: the `--print`/`--json` driver
//! ([`batch`]) or the terminal UI (through [`worker`]). Beside them come the
//! kernel's own state changes (tracepoint `sock:inet_sock_set_state` in
//! synack's own tracefs instance) and the TIME_WAIT sockets /proc lists.
//!
//! ```text
//!  Sniffer (AF_PACKET on IFACE, BPF filter) ─▶ Watch::pump ─▶ Feed::decode ─▶ WatchEvent::Decoded ─▶ Tracker
//!  KernelTrace (tracefs instance)           ─▶ Watch::pump ─────────▶ WatchEvent::Kernel  ─▶ KernelView
//!  /proc/net/tcp[6] (after FIN_WAIT2→CLOSE) ─▶ Watch::pump ─────────▶ WatchEvent::TimeWait ─▶ KernelView
//! ```
//!
//! This module is an edge (sockets, threads, clock); it must not touch the
//! terminal. The messages ([`WatchEvent`]) live here, below both the
//! source and the UI, so neither imports the other.

pub mod batch;
mod coverage;
mod kernel;
mod print;
mod save;
pub mod worker;

use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::decode::Decoded;
use crate::feed::Feed;
use crate::live::LiveError;
use crate::live::kernel::{KernelTrace, KernelTransition};
use crate::live::proc_net::time_wait_where;
use crate::live::sniffer::{Filter, Options, OwnedFrame, Sniffer};
use crate::state::TcpState;
use crate::truth::{TimeWaitSocket, TimeWaitSockets};

pub use coverage::Coverage;
pub use kernel::{KernelVerdict, KernelView, SideVerdict};

/// Receive buffer asked for the packet socket: room for about a thousand
/// 64 KiB loopback (GSO) frames while the capture thread is descheduled.
pub const RCVBUF: usize = 64 << 20;
/// At most this many frames are handled per [`Watch::pump`] call, so a
/// consumer stays responsive under load.
const BATCH: usize = 4096;
/// Kernel transitions kept for `--save` (the consumers keep their own).
pub const KERNEL_MAX: usize = 200_000;
/// Steps kept per connection by the consumers' trackers
/// ([`crate::conversation::Tracker::with_step_limit`]): later segments
/// still update states and counts, and the UI and `--print` say so.
pub const STEP_LIMIT: usize = 100_000;
/// How often time-wait sockets in FIN_WAIT2 are read again from /proc.
const REREAD: Duration = Duration::from_millis(200);

/// What to watch.
#[derive(Clone, Debug, Default)]
pub struct WatchConfig {
    /// Interface (`None`: loopback).
    pub iface: Option<String>,
    /// Ports and hosts to keep.
    pub filter: Filter,
    /// Keep every frame for `--save`.
    pub keep_frames: bool,
    /// Send each frame's bytes (for the UI's hex dump).
    pub frame_bytes: bool,
}

/// Counters of the capture so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureCounts {
    /// Frames captured (matching the filter).
    pub frames: u64,
    /// Frames the kernel dropped before synack could read them (socket
    /// buffer full; `PACKET_STATISTICS`).
    pub dropped: u64,
}

/// What a watch reports to its consumer, in order.
#[derive(Clone, Debug)]
pub enum WatchEvent {
    /// The bytes of the next captured frame (frame numbers count from 1).
    Frame(Vec<u8>),
    /// What the decoder made of the last frame (a TCP segment, almost
    /// always: the socket filter keeps TCP only), for
    /// [`crate::conversation::Tracker::ingest_decoded`].
    Decoded(Decoded),
    /// A state change the kernel reported.
    Kernel(KernelTransition),
    /// Time-wait sockets /proc lists (FIN_WAIT2 or TIME_WAIT), read when
    /// the kernel handed a closing socket over to one, and again while one
    /// waits in FIN_WAIT2 for the peer's FIN ([`crate::truth`]).
    TimeWait(Vec<TimeWaitSocket>),
    /// The capture's counters (sent after each batch).
    Counts(CaptureCounts),
}

/// A running watch: the capture, the kernel trace and what `--save` needs.
pub struct Watch {
    config: WatchConfig,
    sniffer: Option<Sniffer>,
    trace: Option<KernelTrace>,
    iface: String,
    /// Why the kernel column is unavailable, when it is.
    pub kernel_unavailable: Option<String>,
    /// Addresses of this machine's interfaces (in this network namespace).
    pub local_ips: Vec<IpAddr>,
    frames: u64,
    /// The capture's way into the model: its one decoder.
    feed: Feed,
    saved: Vec<OwnedFrame>,
    /// Kernel transitions so far (at most [`KERNEL_MAX`]).
    pub kernel: Vec<KernelTransition>,
    /// Time-wait sockets seen.
    pub timewait: TimeWaitSockets,
    /// When the time-wait sockets in FIN_WAIT2 were last read again.
    reread: Option<std::time::Instant>,
    final_counts: Option<CaptureCounts>,
}

impl Watch {
    /// Opens the capture (the packet socket is bound when this returns:
    /// every later segment is seen) and the kernel trace. Fails when the
    /// capture cannot start; a missing trace only sets
    /// [`Watch::kernel_unavailable`].
    pub fn start(config: WatchConfig) -> Result<Watch, LiveError> {
        let sniffer = Sniffer::open(Options {
            iface: config.iface.clone(),
            filter: config.filter.clone(),
            rcvbuf: RCVBUF,
            kernel_filter: true,
        })?;
        let (trace, kernel_unavailable) = match KernelTrace::start(&config.filter.ports) {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let mut local_ips: Vec<IpAddr> = pnet::datalink::interfaces()
            .iter()
            .flat_map(|i| i.ips.iter().map(|n| n.ip()))
            .collect();
        local_ips.sort();
        local_ips.dedup();
        Ok(Watch {
            iface: sniffer.iface().to_string(),
            config,
            sniffer: Some(sniffer),
            trace,
            kernel_unavailable,
            local_ips,
            frames: 0,
            feed: Feed::new(),
            saved: Vec::new(),
            kernel: Vec::new(),
            timewait: TimeWaitSockets::default(),
            reread: None,
            final_counts: None,
        })
    }

    /// The interface captured on.
    pub fn iface(&self) -> &str {
        &self.iface
    }

    /// The filter.
    pub fn filter(&self) -> &Filter {
        &self.config.filter
    }

    /// `lo, port 8090` (what the stderr line and the UI say).
    pub fn description(&self) -> String {
        format!("{}, {}", self.iface, self.config.filter)
    }

    /// A kernel view for a consumer: this machine's addresses and whether
    /// the trace runs.
    pub fn kernel_view(&self) -> KernelView {
        KernelView::new(self.local_ips.clone(), self.kernel_unavailable.clone())
    }

    /// The counters so far.
    pub fn counts(&self) -> CaptureCounts {
        if let Some(c) = self.final_counts {
            return c;
        }
        let dropped = self
            .sniffer
            .as_ref()
            .map_or(0, |s| s.stats().kernel_drops.load(Ordering::Relaxed));
        CaptureCounts {
            frames: self.frames,
            dropped,
        }
    }

    /// Waits at most `wait` for frames, then handles what has arrived (at
    /// most a batch) and the kernel's transitions, reporting each through
    /// `emit`. Returns whether anything happened.
    pub fn pump(&mut self, wait: Duration, emit: &mut dyn FnMut(WatchEvent)) -> bool {
        let mut got: Vec<OwnedFrame> = Vec::new();
        if let Some(s) = &self.sniffer {
            if let Ok(f) = s.frames().recv_timeout(wait) {
                got.push(f);
            }
            got.extend(s.frames().try_iter().take(BATCH));
        }
        let any = !got.is_empty();
        for f in got {
            self.frame(f, emit);
        }
        let kernel = self.drain_kernel(emit);
        emit(WatchEvent::Counts(self.counts()));
        any || kernel
    }

    fn frame(&mut self, frame: OwnedFrame, emit: &mut dyn FnMut(WatchEvent)) {
        self.frames += 1;
        if self.config.frame_bytes {
            emit(WatchEvent::Frame(frame.data.clone()));
        }
        emit(WatchEvent::Decoded(self.feed.decode(&frame)));
        if self.config.keep_frames {
            self.saved.push(frame);
        }
    }

    /// Reports the kernel's transitions that arrived, and the TIME_WAIT
    /// sockets of those that closed into one.
    fn drain_kernel(&mut self, emit: &mut dyn FnMut(WatchEvent)) -> bool {
        let Some(trace) = &self.trace else {
            return false;
        };
        let news: Vec<KernelTransition> = trace.transitions().try_iter().collect();
        let mut closing = Vec::new();
        for k in &news {
            if k.to == TcpState::Closed && matches!(k.from, TcpState::FinWait2 | TcpState::Closing)
            {
                closing.push((k.local, k.remote));
            }
            if self.kernel.len() < KERNEL_MAX {
                self.kernel.push(k.clone());
            }
        }
        let any = !news.is_empty();
        for k in news {
            emit(WatchEvent::Kernel(k));
        }
        // A time-wait socket in FIN_WAIT2 enters TIME_WAIT without a
        // tracepoint: read those again, at most every REREAD.
        let now = std::time::Instant::now();
        if self.reread.is_none_or(|at| now >= at + REREAD) {
            self.reread = Some(now);
            closing.extend(self.timewait.last_in(TcpState::FinWait2));
        }
        if !closing.is_empty() {
            let tw = time_wait_where(|l, r| closing.contains(&(*l, *r)));
            if !tw.is_empty() {
                self.timewait.observe(&tw);
                emit(WatchEvent::TimeWait(tw));
            }
        }
        any
    }

    /// Stops the capture (after draining what the socket holds) and the
    /// trace (removing the tracefs instance), reporting what was still on
    /// its way. Safe to call twice.
    pub fn stop(&mut self, emit: &mut dyn FnMut(WatchEvent)) -> Result<(), LiveError> {
        if let Some(mut s) = self.sniffer.take() {
            s.stop();
            let rest: Vec<OwnedFrame> = s.frames().try_iter().collect();
            let dropped = s.stats().kernel_drops.load(Ordering::Relaxed);
            for f in rest {
                self.frame(f, emit);
            }
            self.final_counts = Some(CaptureCounts {
                frames: self.frames,
                dropped,
            });
        }
        let mut result = Ok(());
        if let Some(mut t) = self.trace.take() {
            result = t.stop();
            self.trace = Some(t);
            self.reread = None;
            self.drain_kernel(emit);
            self.trace = None;
        }
        emit(WatchEvent::Counts(self.counts()));
        result
    }

    /// Waits for kernel transitions still on their way (the trace thread
    /// polls every 100 ms) until none arrives for `quiet`, at most `max`.
    pub fn settle_kernel(
        &mut self,
        quiet: Duration,
        max: Duration,
        emit: &mut dyn FnMut(WatchEvent),
    ) {
        let deadline = std::time::Instant::now() + max;
        let mut idle_since = std::time::Instant::now();
        while std::time::Instant::now() < deadline {
            if self.pump(Duration::from_millis(20), emit) {
                idle_since = std::time::Instant::now();
            } else if idle_since.elapsed() >= quiet {
                break;
            }
        }
    }

    /// Writes every captured frame as a pcap and, beside it,
    /// the kernel's transitions (`STEM.kernel.tsv`) and TIME_WAIT sockets
    /// (`STEM.timewait.txt`) as the demo's `--save` does.
    pub fn save(&self, plan: &crate::demo::SavePlan) -> Result<(), crate::save::SaveError> {
        let tw = self.timewait.last_in(TcpState::TimeWait);
        save::save(plan, &self.saved, &self.kernel, &tw)
    }

    /// Frames kept for `--save`.
    pub fn saved_frames(&self) -> usize {
        self.saved.len()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.stop(&mut |_| {});
    }
}
