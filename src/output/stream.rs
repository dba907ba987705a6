//! `--print` and `--json` written as the capture is read, in the same
//! bytes as the whole-capture renderers ([`super::ladder`],
//! [`super::document`]), with memory bounded whatever the capture.
//!
//! Two reads. The first keeps summaries only (as `--list`) and gives each
//! connection's packet and ICMP counts: a [`Plan`]. The second keeps
//! timelines and, after every frame, writes what of the connection it
//! touched can no longer change (`conversation/settle.rs`) and drops it.
//! A connection whose counts are reached is written whole and its timeline
//! freed. Connections come out in index order: the lowest one not yet
//! written whole is written directly; a later one's text waits in a
//! spool (memory up to a limit, then an anonymous temporary
//! file). Knowing the counts first keeps the bytes identical (the title
//! line of a `--print` connection gives its packet count; the `--json`
//! document gives the skipped frames before the connections) and lets a
//! connection be finished as soon as its last packet is read rather than
//! at the end of the file.
//!
//! What still grows with the capture: one summary per connection (as
//! `--list`), the transitions of each connection until it is written, the
//! steps of a connection still expecting an ICMP error (so the error can
//! name the segment it quotes), and the UDP flows.

mod spool;
mod text;

use std::io::{self, Write};

use rustc_hash::FxHashMap;

use crate::capture::{CaptureError, Source};
use crate::conversation::datagram::Flow;
use crate::conversation::select::ConnFilter;
use crate::conversation::{Connection, KeepSteps, Skipped, Tracker};
use crate::decode::TunnelPorts;
use crate::replay::{self, Replay};
use crate::state::TcpState;
use serde_json::Value;

use super::Style;

/// Which document to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The `--print` ladder.
    Print,
    /// The `--json` document.
    Json,
}

/// What the first read (summaries only) says the second will meet.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Packets of each connection.
    packets: Vec<u64>,
    /// ICMP events of the connections that have any.
    icmp: FxHashMap<usize, usize>,
    /// Frames skipped, by reason (the `--json` document gives them before
    /// the connections).
    pub skipped: Skipped,
    /// Frames read.
    frames: u64,
    /// The reader's and decoder's warnings.
    warnings: Vec<String>,
}

impl Plan {
    /// The plan of a capture read with summaries only.
    pub fn of(first: &Replay) -> Plan {
        let conns = first.connections();
        Plan {
            packets: conns.iter().map(|c| c.packets()).collect(),
            icmp: conns
                .iter()
                .filter(|c| !c.icmp().is_empty())
                .map(|c| (c.index(), c.icmp().len()))
                .collect(),
            skipped: first.skipped(),
            frames: first.frames,
            warnings: first.warnings.clone(),
        }
    }

    fn icmp(&self, conn: usize) -> usize {
        self.icmp.get(&conn).copied().unwrap_or(0)
    }
}

/// How to write.
#[derive(Clone, Debug)]
pub struct Options {
    /// `--print` or `--json`.
    pub format: Format,
    /// Numbers, colours, time origin, language.
    pub style: Style,
    /// Only this connection (`--conn`).
    pub conn: Option<usize>,
    /// Only the connections marked true, by index (`--state`, `--flags`,
    /// `--min-packets`: `crate::conversation::select`); UDP flows then are not
    /// written.
    pub only: Option<Vec<bool>>,
    /// The file's name as the `--json` document gives it.
    pub name: String,
    /// Text of later connections held in memory before spilling to a
    /// temporary file.
    pub spool_memory: usize,
}

/// Text held in memory for later connections before it spills to a
/// temporary file.
pub const SPOOL_MEMORY: usize = 4 << 20;

/// Why a streamed document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Reading the capture failed.
    #[error(transparent)]
    Capture(#[from] CaptureError),
    /// Writing the output (or the temporary file) failed.
    #[error("writing the output: {0}")]
    Write(#[from] io::Error),
    /// The second read met other connections than the first.
    #[error("{0}: the file changed while it was read (its connections differ between two reads)")]
    Changed(String),
}

impl StreamError {
    /// A closed pipe (`| head`): the reader has seen enough, not an error.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, StreamError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Reads `source` a second time (keeping timelines) and writes the
/// document `opts` names to `out` as it goes. `plan` comes from the first
/// read.
pub fn run(
    source: &Source,
    ports: TunnelPorts,
    plan: &Plan,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<(), StreamError> {
    let keep = match opts.conn {
        Some(n) => KeepSteps::Only(n),
        None => KeepSteps::All,
    };
    let mut w = Writer::new(plan, opts, out)?;
    let mut failed = None;
    let second = replay::read_each(
        source,
        keep,
        ports,
        &mut |tracker, c| match w.update(tracker, c) {
            // `--conn N` once N is written whole: the rest of the file can
            // add nothing (the totals come from the first read).
            Ok(()) => !(opts.conn.is_some() && w.head >= w.end),
            Err(e) => {
                failed = Some(e);
                false
            }
        },
    )?;
    if let Some(e) = failed {
        return Err(e);
    }
    w.finish(&second)
}

/// The same document rendered from a capture read whole into memory: the
/// reference [`run`] must give byte for byte (`tests/streaming.rs`; a pipe
/// is copied to be read twice, `capture::Source`). `opts.name` is the
/// file's name as the JSON gives it.
pub fn whole(replay: &Replay, opts: &Options) -> String {
    let style = &opts.style;
    let (chosen, mut flows) = chosen(replay, opts.conn);
    let shown = |c: &&Connection| {
        opts.only
            .as_ref()
            .is_none_or(|v| v.get(c.index()) == Some(&true))
    };
    if opts.only.is_some() {
        flows.clear();
    }
    match opts.format {
        Format::Json => super::json_text(&document_of(
            replay,
            &opts.name,
            chosen.iter().filter(shown),
            &flows,
            style,
        )),
        Format::Print => {
            let parts: Vec<String> = chosen
                .iter()
                .filter(shown)
                .map(|c| super::ladder(c, style))
                .chain(
                    flows
                        .iter()
                        .map(|f| super::flow_ladder_with(f, style, &|_| Vec::new())),
                )
                .collect();
            let mut text = parts.join("\n");
            text.push_str(&format!(
                "\n{}\n",
                crate::i18n::print::totals(
                    style.lang,
                    replay.connections().len(),
                    replay.frames,
                    &replay.skipped(),
                    flows.len()
                )
            ));
            text
        }
    }
}

/// The connections `conn` picks (all without it: the replay's own slice,
/// no list of a million references) and the UDP flows, which go with the
/// whole capture, not with one connection.
pub fn chosen(replay: &Replay, conn: Option<usize>) -> (&[Connection], Vec<&Flow>) {
    match conn {
        Some(n) => (
            replay
                .connections()
                .get(n)
                .map_or(&[][..], std::slice::from_ref),
            Vec::new(),
        ),
        None => (
            replay.connections(),
            replay.tracker.flows().iter().collect(),
        ),
    }
}

/// The `--json` document of a capture read whole (`--html` embeds its very
/// text); `name` is the file's name as the document gives it.
pub fn json_document(replay: &Replay, name: &str, conn: Option<usize>, style: &Style) -> Value {
    json_document_of(replay, name, conn, &ConnFilter::default(), style)
}

/// [`json_document`] of the connections `shown` matches (no UDP flows
/// when it filters).
pub fn json_document_of(
    replay: &Replay,
    name: &str,
    conn: Option<usize>,
    shown: &ConnFilter,
    style: &Style,
) -> Value {
    let (chosen, mut flows) = chosen(replay, conn);
    if !shown.is_empty() {
        flows.clear();
    }
    let chosen = chosen.iter().filter(|c| shown.matches(c));
    document_of(replay, name, chosen, &flows, style)
}

/// The `--json` document of `conns` and `flows` of `replay`.
fn document_of<'a>(
    replay: &Replay,
    name: &str,
    conns: impl Iterator<Item = &'a Connection>,
    flows: &[&Flow],
    style: &Style,
) -> Value {
    let mut doc = super::document(name, conns, replay.skipped(), style);
    doc["warnings"] = replay.warnings.clone().into();
    if !flows.is_empty() {
        doc["flows"] = super::flows_json(flows, style);
    }
    doc
}

/// A connection being written.
struct Open {
    /// Its opening lines are written (or spooled).
    started: bool,
    /// The states of the last step written, for `--print`'s highlights.
    prev: [TcpState; 2],
    /// The tunnel note, taken from its first step.
    tunnel: Option<String>,
    /// All of it was written (or spooled).
    whole: bool,
}

/// The streaming writer: call [`Writer::update`] after each frame.
struct Writer<'a> {
    plan: &'a Plan,
    opts: &'a Options,
    out: &'a mut dyn Write,
    /// The lowest connection not yet written whole: the one written
    /// directly.
    head: usize,
    /// One past the last connection to write.
    end: usize,
    /// The first connection to write (`end` when none is).
    first: usize,
    open: FxHashMap<usize, Open>,
    spool: spool::Spool,
    /// Reused text buffer.
    buf: Vec<u8>,
}

impl<'a> Writer<'a> {
    fn new(plan: &'a Plan, opts: &'a Options, out: &'a mut dyn Write) -> io::Result<Writer<'a>> {
        let (head, end) = match opts.conn {
            Some(n) => (n, n + 1),
            None => (0, plan.packets.len()),
        };
        let shown = |c: &usize| opts.only.as_ref().is_none_or(|v| v.get(*c) == Some(&true));
        let first = (head..end).find(shown).unwrap_or(end);
        let mut w = Writer {
            plan,
            opts,
            out,
            head,
            end,
            first,
            open: FxHashMap::default(),
            spool: spool::Spool::new(opts.spool_memory),
            buf: Vec::new(),
        };
        if opts.format == Format::Json {
            text::json_start(&mut w.buf, &opts.name, plan.skipped, &opts.style);
            w.out.write_all(&w.buf)?;
        }
        Ok(w)
    }

    /// Writes (or spools) what of connection `c` can no longer change and
    /// drops it from `tracker`.
    fn update(&mut self, tracker: &mut Tracker, c: usize) -> Result<(), StreamError> {
        if let Some(only) = &self.opts.only
            && c < self.plan.packets.len()
            && only.get(c) != Some(&true)
        {
            return self.pass_over(tracker, c);
        }
        if c < self.head || c >= self.end {
            if self.opts.conn.is_none() || c >= self.plan.packets.len() {
                // Written whole already, or not in the first read.
                return Err(StreamError::Changed(self.opts.name.clone()));
            }
            return Ok(()); // not the --conn asked for
        }
        let Some(conn) = tracker.connection(c) else {
            return Ok(());
        };
        let expected = self.plan.packets[c];
        if conn.packets() > expected {
            return Err(StreamError::Changed(self.opts.name.clone()));
        }
        let icmp_due = self.plan.icmp(c);
        let whole = conn.packets() == expected && conn.icmp().len() >= icmp_due;
        let end = if whole {
            conn.drained() + conn.steps().len()
        } else if conn.icmp().len() < icmp_due {
            // An ICMP error will name the segment it quotes by searching
            // the steps held: hold them all until it came.
            conn.drained()
        } else {
            conn.settled()
        };
        self.buf.clear();
        let open = self.open.entry(c).or_insert(Open {
            started: false,
            prev: conn.initial,
            tunnel: None,
            whole: false,
        });
        let first = self.first;
        if !open.started && (end > conn.drained() || whole) {
            open.started = true;
            open.tunnel = super::tunnel_note(conn, crate::i18n::Lang::En);
            text::conn_start(&mut self.buf, conn, expected, c != first, self.opts);
        }
        for i in conn.drained()..end {
            text::step(&mut self.buf, conn, i, &mut open.prev, self.opts);
        }
        if whole {
            open.whole = true;
            text::conn_end(&mut self.buf, conn, open.tunnel.as_deref(), self.opts);
        }
        tracker.drain_steps(c, end);
        if c == self.head {
            self.out.write_all(&self.buf)?;
        } else {
            self.spool.push(c, &self.buf)?;
        }
        if whole {
            tracker.release(c);
            if c == self.head {
                self.open.remove(&c);
                self.advance()?;
            }
        }
        Ok(())
    }

    /// Connection `c` is not to be written: its timeline is dropped, and
    /// it counts as written whole.
    fn pass_over(&mut self, tracker: &mut Tracker, c: usize) -> Result<(), StreamError> {
        tracker.release(c);
        if c < self.head || c >= self.end {
            // Passed over already, or not the --conn asked for.
        } else if c == self.head {
            self.open.remove(&c);
            self.advance()?;
        } else {
            let initial = tracker
                .connection(c)
                .map_or([TcpState::Unknown; 2], |k| k.initial);
            let open = self.open.entry(c).or_insert(Open {
                started: false,
                prev: initial,
                tunnel: None,
                whole: true,
            });
            open.whole = true;
        }
        Ok(())
    }

    /// The head connection was written whole: writes the spooled text of
    /// the next ones, up to the first not written whole yet.
    fn advance(&mut self) -> io::Result<()> {
        loop {
            self.head += 1;
            if self.head >= self.end {
                return Ok(());
            }
            self.spool.take_to(self.head, self.out)?;
            match self.open.get(&self.head) {
                Some(o) if o.whole => {
                    self.open.remove(&self.head);
                }
                _ => return Ok(()),
            }
        }
    }

    /// After the last frame (or, with `--conn`, once that connection is
    /// whole): the UDP flows and the totals (of the first read: the second
    /// may have stopped early).
    fn finish(mut self, second: &Replay) -> Result<(), StreamError> {
        let all = self.opts.conn.is_none();
        let read = second.connections().len();
        if (all && read != self.plan.packets.len()) || self.head < self.end {
            return Err(StreamError::Changed(self.opts.name.clone()));
        }
        let flows: Vec<_> = match (self.opts.conn, &self.opts.only) {
            (None, None) => second.tracker.flows().iter().collect(),
            _ => Vec::new(),
        };
        self.buf.clear();
        text::finish(
            &mut self.buf,
            self.plan,
            &flows,
            self.first < self.end,
            self.opts,
        );
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(())
    }
}
