//! `synack watch --print` / `--json`: runs a [`Watch`] without a terminal
//! UI, feeding one [`Tracker`] and one [`KernelView`], until enough
//! connections finished, the time is up or the user quits. `--print`
//! streams the ladder line by line (flushed per line, like `tcpdump -l`);
//! `--json` prints one document at the end, the replay's with the kernel's
//! view per connection and the capture's counters.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::conversation::{Connection, Tracker};
use crate::decode::Decoded;
use crate::output::{self, Style};
use crate::state::TcpState;

use super::kernel::{KernelVerdict, KernelView};
use super::print::Printer;
use super::{CaptureCounts, Coverage, Watch, WatchEvent};

/// How long after a connection finished its kernel verdict may still
/// change (the trace thread polls every 100 ms).
const KERNEL_GRACE: Duration = Duration::from_millis(1500);
/// One wait for frames.
const POLL: Duration = Duration::from_millis(50);

/// What to print: the ladder, streamed, or one JSON document at the end.
pub use crate::output::stream::Format;

/// When to stop (besides the user quitting).
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// After this many connections finished.
    pub connections: Option<usize>,
    /// After this long.
    pub duration: Option<Duration>,
}

/// Why the watch stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// `--connections N` finished.
    Connections,
    /// `--duration` elapsed.
    Duration,
    /// Ctrl-C, SIGTERM, or stdout closed.
    Quit,
}

/// Whether both sides of `conn` closed, or it was reset.
pub fn finished(conn: &Connection) -> bool {
    conn.seen().rst
        || conn
            .current()
            .iter()
            .all(|s| matches!(s, TcpState::Closed | TcpState::TimeWait))
}

/// The consumers' state: the model, the kernel's view and the printer.
struct Sink<'a> {
    format: Format,
    tracker: Tracker,
    kernel: KernelView,
    printer: Printer,
    out: &'a mut dyn Write,
    /// When each connection was first seen finished.
    finished_at: Vec<Option<Instant>>,
    counts: CaptureCounts,
    broken: bool,
    /// Bytes seen of each connection's two streams (client, server).
    coverage: Vec<[Coverage; 2]>,
}

impl Sink<'_> {
    fn write(&mut self, text: &str) {
        if text.is_empty() || self.broken {
            return;
        }
        if self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
            .is_err()
        {
            self.broken = true;
        }
    }

    fn handle(&mut self, ev: WatchEvent) {
        match ev {
            WatchEvent::Decoded(Decoded::Tcp(seg)) => {
                if self.tracker.first_ts.is_none() {
                    self.printer.set_origin(seg.ts);
                }
                let (seq, len, src) = (seg.seq, seg.payload_len, seg.src);
                let syn = u32::from(seg.flags.syn());
                let (c, _) = self.tracker.ingest(seg);
                let conn = &self.tracker.connections()[c];
                let side = if src == conn.client() { 0 } else { 1 };
                if let Some(base) = conn.base()[side] {
                    self.coverage.resize_with(c + 1, Default::default);
                    // A SYN's payload starts one after its sequence number.
                    self.coverage[c][side].add(seq.wrapping_sub(base).wrapping_add(syn), len);
                }
                if self.format == Format::Print {
                    let text = self.printer.update(&self.tracker.connections()[c]);
                    self.write(&text);
                }
            }
            WatchEvent::Decoded(other) => {
                self.tracker.ingest_decoded(other);
            }
            WatchEvent::Kernel(k) => self.kernel.push(&k),
            WatchEvent::TimeWait(tw) => self.kernel.add_timewait(&tw),
            WatchEvent::Counts(c) => self.counts = c,
            WatchEvent::Frame(_) => {}
        }
    }

    /// Marks newly finished connections; prints the kernel's verdict of
    /// those whose verdict is settled (or `all`: every finished one).
    fn review(&mut self, all: bool) {
        let now = Instant::now();
        let conns = self.tracker.connections();
        self.finished_at.resize(conns.len(), None);
        let mut text = String::new();
        for (i, conn) in conns.iter().enumerate() {
            if self.finished_at[i].is_none() && finished(conn) {
                self.finished_at[i] = Some(now);
            }
            let Some(at) = self.finished_at[i] else {
                continue;
            };
            let verdict = self.kernel.verdict(conn);
            if self.format == Format::Print
                && (all || settled(&verdict) || now >= at + KERNEL_GRACE)
            {
                text.push_str(&self.printer.kernel(conn, &verdict));
            }
        }
        self.write(&text);
    }

    fn done(&self) -> usize {
        self.finished_at.iter().filter(|f| f.is_some()).count()
    }

    /// Whether every finished connection's kernel verdict is settled or
    /// past its grace time.
    fn kernel_settled(&self) -> bool {
        let now = Instant::now();
        self.tracker
            .connections()
            .iter()
            .zip(&self.finished_at)
            .all(|(c, at)| match at {
                None => true,
                Some(at) => now >= *at + KERNEL_GRACE || settled(&self.kernel.verdict(c)),
            })
    }
}

/// Whether a verdict will not change any more: it agrees, or there is
/// nothing to compare.
fn settled(v: &KernelVerdict) -> bool {
    match v {
        KernelVerdict::Sides(_) => v.agrees() != Some(false),
        _ => true,
    }
}

/// What a batch run ends with.
pub struct Outcome {
    /// Why it stopped.
    pub stopped: Stopped,
    /// The model.
    pub tracker: Tracker,
    /// The kernel's view.
    pub kernel: KernelView,
    /// The capture's counters.
    pub counts: CaptureCounts,
    /// Trace cleanup failed (the message).
    pub cleanup_error: Option<String>,
    /// Bytes seen of each connection's streams (client, server).
    pub coverage: Vec<[Coverage; 2]>,
}

/// Runs `watch` until a limit is reached or `quit()` says so, writing the
/// streamed ladder (`--print`) to `out`; then stops the capture (the
/// tracefs instance is removed). The JSON document is the caller's to
/// print ([`document`]), after saving.
pub fn run(
    watch: &mut Watch,
    format: Format,
    limits: Limits,
    style: Style,
    out: &mut dyn Write,
    quit: &dyn Fn() -> bool,
) -> Outcome {
    let start = Instant::now();
    let lang = style.lang;
    let mut sink = Sink {
        format,
        tracker: Tracker::new().with_step_limit(super::STEP_LIMIT),
        kernel: watch.kernel_view(),
        printer: Printer::new(style),
        out,
        finished_at: Vec::new(),
        counts: CaptureCounts::default(),
        broken: false,
        coverage: Vec::new(),
    };
    let mut enough_since: Option<Instant> = None;
    let stopped = loop {
        if quit() || sink.broken {
            break Stopped::Quit;
        }
        if limits.duration.is_some_and(|d| start.elapsed() >= d) {
            break Stopped::Duration;
        }
        watch.pump(POLL, &mut |ev| sink.handle(ev));
        sink.review(false);
        if limits.connections.is_some_and(|n| sink.done() >= n) {
            let since = *enough_since.get_or_insert_with(Instant::now);
            if sink.kernel_settled() || since.elapsed() >= KERNEL_GRACE {
                break Stopped::Connections;
            }
        }
    };
    let cleanup = watch.stop(&mut |ev| sink.handle(ev));
    sink.review(true);
    let cleanup_error = cleanup.err().map(|e| e.to_string());
    let counts = watch.counts();
    if format == Format::Print {
        let n = sink.tracker.connections().len();
        let what = crate::i18n::watch::watch_description(lang, watch.iface(), watch.filter());
        let text = format!(
            "\n{}\n",
            crate::i18n::watch::print_totals(lang, n, counts.frames, &what, counts.dropped)
        );
        sink.write(&text);
    }
    Outcome {
        stopped,
        tracker: sink.tracker,
        kernel: sink.kernel,
        counts,
        cleanup_error,
        coverage: sink.coverage,
    }
}

/// The JSON document: the replay's (`file` is `live:IFACE`), each
/// connection with `kernel` (`"compared"`, `"not on this machine"`,
/// `"mid-stream"` or `"unavailable"`), `kernel_transitions` and
/// `kernel_agrees`, plus `capture: {iface, filter, frames, dropped}`.
pub fn document(watch: &Watch, outcome: &Outcome, style: &Style) -> Value {
    let conns = outcome.tracker.connections();
    let name = format!("live:{}", watch.iface());
    let mut doc = output::document(&name, conns, outcome.tracker.skipped, style);
    if let Some(list) = doc.get_mut("connections").and_then(Value::as_array_mut) {
        for (cj, conn) in list.iter_mut().zip(conns) {
            let verdict = outcome.kernel.verdict(conn);
            let records = outcome.kernel.transitions_json(conn);
            let (kind, transitions) = match &verdict {
                KernelVerdict::Unavailable(_) => ("unavailable", Value::Null),
                KernelVerdict::NotHere => ("not on this machine", Value::Null),
                KernelVerdict::MidStream => ("mid-stream", json!(records)),
                KernelVerdict::Sides(_) => ("compared", json!(records)),
            };
            cj["kernel"] = json!(kind);
            cj["kernel_transitions"] = transitions;
            cj["kernel_agrees"] = json!(verdict.agrees());
            cj["packets"] = json!(conn.packets());
            cj["segments_not_kept"] = json!(conn.steps_not_kept());
            cj["payload_bytes"] = json!({
                "client": conn.seen().data_from_client,
                "server": conn.seen().data_from_server,
            });
            let cov = outcome
                .coverage
                .get(conn.index())
                .cloned()
                .unwrap_or_default();
            cj["stream_bytes"] = json!({"client": cov[0].bytes(), "server": cov[1].bytes()});
            cj["stream_holes"] = json!({"client": cov[0].holes(), "server": cov[1].holes()});
        }
    }
    let f = watch.filter();
    doc["capture"] = json!({
        "iface": watch.iface(),
        "filter": {
            "ports": f.ports,
            "hosts": f.hosts.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "expression": f.expression.as_ref().map(|e| e.expression().text()),
        },
        "frames": outcome.counts.frames,
        "dropped": outcome.counts.dropped,
        "stopped": match outcome.stopped {
            Stopped::Connections => "connections",
            Stopped::Duration => "duration",
            Stopped::Quit => "quit",
        },
    });
    doc["kernel_unavailable"] = json!(outcome.kernel.unavailable);
    doc
}
