//! The conversation model: segments grouped into connections, each with two
//! endpoint state machines, and the timeline of steps a UI or export walks.
//!
//! Fed one [`Segment`] at a time by [`Tracker::ingest`], from a file replay or
//! a live capture alike; everything here is pure data (no files, sockets,
//! terminal or clock).

mod analysis;
mod compact;
pub mod datagram;
mod endpoint;
mod graft;
mod icmp;
pub mod select;
mod settle;
mod tuples;

use std::borrow::Borrow;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;

use crate::decode::Decoded;
use crate::segment::Segment;
use crate::state::TcpState;
use endpoint::{Applied, Ctl, Endpoint, Reception};
use tuples::Tuples;

pub use analysis::{Label, Role};
pub use endpoint::Cause;
pub use icmp::IcmpEvent;

/// Which end of a connection: the client sent the first SYN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The endpoint that sent the first SYN (active opener), or, for a
    /// connection caught mid-stream, the source of the first segment seen.
    Client,
    /// The other endpoint.
    Server,
}

impl Side {
    /// The other endpoint.
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
    /// 0 for the client, 1 for the server: index into per-side arrays.
    pub fn idx(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }
    /// `"client"` or `"server"`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Whether an endpoint changed state by sending or by receiving a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// The endpoint sent the segment (e.g. FIN on close()).
    Send,
    /// The endpoint received the segment (e.g. the peer's SYN-ACK).
    Receive,
}

/// One state change of one endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// Which endpoint changed state.
    pub endpoint: Side,
    /// State before.
    pub from: TcpState,
    /// State after.
    pub to: TcpState,
    /// Index (within the connection) of the segment that caused it.
    pub segment: usize,
    /// Index of the step after which the new state holds. Equals `segment`
    /// except when the endpoint processed the segment later than it was seen
    /// on the wire (crossing FINs or SYNs).
    pub step: usize,
    /// Caused by sending or by receiving `segment`.
    pub event: Event,
    /// The RFC 9293 event, for explanations.
    pub cause: Cause,
}

/// One segment of a connection with what the model made of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The segment itself.
    pub segment: Segment,
    /// Which endpoint sent it.
    pub from: Side,
    /// Sequence number relative to the sender's ISN (ISN = 0).
    pub rel_seq: u32,
    /// Acknowledgment number relative to the receiver's ISN (0 when ACK is
    /// not set or the ISN is unknown).
    pub rel_ack: u32,
    /// Its role in the connection's lifecycle.
    pub role: Role,
    /// Expert-info style labels.
    pub labels: Vec<Label>,
    /// Both endpoints' states after this step, indexed by [`Side::idx`].
    pub states: [TcpState; 2],
}

impl Step {
    /// State of one endpoint after this step.
    pub fn state(&self, side: Side) -> TcpState {
        self.states[side.idx()]
    }
}

/// What was seen of a connection, for `--list`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Seen {
    /// The client's SYN.
    pub syn: bool,
    /// The server's SYN-ACK.
    pub syn_ack: bool,
    /// Both SYNs acknowledged: the three-way handshake completed.
    pub handshake: bool,
    /// Payload bytes from the client.
    pub data_from_client: u64,
    /// Payload bytes from the server.
    pub data_from_server: u64,
    /// A FIN from the client.
    pub fin_from_client: bool,
    /// A FIN from the server.
    pub fin_from_server: bool,
    /// A RST from either side.
    pub rst: bool,
}

/// One TCP connection: a 4-tuple from its SYN (or first segment) until it is
/// closed and a new SYN starts another (like Wireshark's `tcp.stream`).
///
/// A capture may hold millions, so a connection is kept in 216 bytes
/// (`compact.rs`): addresses, timestamps, counts, what was seen and the
/// relative numbers' bases are read through accessors
/// ([`Connection::client`], [`Connection::first_ts`],
/// [`Connection::packets`], [`Connection::seen`], [`Connection::base`]...).
#[derive(Clone, Debug)]
pub struct Connection {
    /// Bytes on the wire (IP total length) of those packets.
    pub bytes: u64,
    /// Payload bytes from the client and from the server ([`Seen`]).
    data: [u64; 2],
    /// First and last timestamps in nanoseconds since the epoch (see
    /// [`Connection::first_ts`]).
    ts: [u64; 2],
    /// The cold part: `None` for a summary that never got an ICMP error.
    timeline: Option<Box<Timeline>>,
    ends: [endpoint::Endpoint; 2],
    /// The client's and the server's address.
    addrs: compact::Pair,
    /// Packets in this connection ([`Connection::packets`]).
    packets: u32,
    /// 0-based index in capture order ([`Connection::index`]).
    index: u32,
    /// Each side's base of relative numbers, when known ([`Connection::base`]).
    base: [u32; 2],
    /// Both endpoints' states before the first segment.
    pub initial: [TcpState; 2],
    /// What was seen, mid-stream, which bases are known, the addresses'
    /// families, what spilled into the timeline (`compact.rs`).
    bits: u16,
}

/// What only a connection's timeline needs, boxed apart from the few
/// fields every segment updates, so that a summary (`--list`) stays small:
/// the steps, the transitions, the ICMP events and the label analysis.
#[derive(Clone, Debug, Default)]
pub(crate) struct Timeline {
    /// The timeline.
    pub(crate) steps: Vec<Step>,
    /// Every state change, in the order they happened.
    pub(crate) transitions: Vec<Transition>,
    /// ICMP errors quoting this connection's segments (not segments).
    pub(crate) icmp: Vec<IcmpEvent>,
    /// Labels and roles; `None` when the steps are not kept (a summary
    /// with ICMP events only).
    analyzer: Option<analysis::Analyzer>,
    /// Steps kept at most (later segments still update the states).
    step_limit: usize,
    /// Steps already handed to a streaming writer and dropped: `steps[0]`
    /// is step `drained` (indices stay absolute; see `settle.rs`).
    drained: usize,
    /// What does not fit the connection's compact fields (`compact.rs`).
    spill: compact::Spill,
}

impl Timeline {
    /// A timeline keeping steps (at most `step_limit`), with labels.
    fn keeping(step_limit: usize, reused: bool) -> Timeline {
        let mut analyzer = analysis::Analyzer::default();
        analyzer.reused = reused;
        Timeline {
            analyzer: Some(analyzer),
            step_limit,
            ..Timeline::default()
        }
    }
}

/// Ports below this are taken as a server's when a capture starts
/// mid-stream and no SYN tells who opened.
const WELL_KNOWN_PORTS: u16 = 1024;

impl Connection {
    /// Starts a connection with `seg`, its first segment.
    fn new(index: usize, seg: &Segment, timeline: Option<Box<Timeline>>) -> Connection {
        let f = seg.flags;
        let (client, server) = if f.syn() && !f.ack() {
            (seg.src, seg.dst)
        } else if (f.syn() && f.ack())
            || (seg.src.port() < WELL_KNOWN_PORTS && seg.dst.port() >= WELL_KNOWN_PORTS)
        {
            // A SYN-ACK comes from the server; without any SYN, a well-known
            // port against an ephemeral one marks the server.
            (seg.dst, seg.src)
        } else {
            (seg.src, seg.dst)
        };
        let (initial, assumed_listen) = if f.syn() && !f.ack() {
            ([TcpState::Closed, TcpState::Listen], true)
        } else if f.syn() && f.ack() && !f.rst() {
            // The capture missed the SYN: the client must be waiting in
            // SYN-SENT and the server was listening.
            ([TcpState::SynSent, TcpState::Listen], false)
        } else {
            ([TcpState::Unknown, TcpState::Unknown], false)
        };
        let mut ends = [
            Endpoint::new(initial[0], false),
            Endpoint::new(initial[1], assumed_listen),
        ];
        if initial[0] == TcpState::SynSent {
            ends[0].m.set_isn(seg.ack.wrapping_sub(1));
        }
        let mut conn = Connection {
            bytes: 0,
            data: [0, 0],
            ts: [0, 0],
            timeline,
            ends,
            addrs: compact::Pair::new(client, server),
            packets: 0,
            index: 0,
            base: [0, 0],
            initial,
            bits: 0,
        };
        conn.set_index(index);
        conn.set_families(client, server);
        conn.set_mid_stream(initial[0] == TcpState::Unknown);
        conn.set_span(seg.ts, seg.ts);
        conn
    }

    /// The timeline: one step per segment (empty when the tracker keeps
    /// summaries only, see [`Connection::keeps_steps`]).
    pub fn steps(&self) -> &[Step] {
        self.timeline.as_ref().map_or(&[], |t| &t.steps)
    }

    /// Every state change, in the order they happened (empty for a
    /// summary).
    pub fn transitions(&self) -> &[Transition] {
        self.timeline.as_ref().map_or(&[], |t| &t.transitions)
    }

    /// ICMP errors quoting this connection's segments (not segments): kept
    /// for summaries too.
    pub fn icmp(&self) -> &[IcmpEvent] {
        self.timeline.as_ref().map_or(&[], |t| &t.icmp)
    }

    /// The timeline, when the steps are kept.
    fn kept_mut(&mut self) -> Option<&mut Timeline> {
        self.timeline
            .as_deref_mut()
            .filter(|t| t.analyzer.is_some())
    }

    /// Segments whose step was not kept because the tracker's step limit
    /// was reached ([`Tracker::with_step_limit`]).
    pub fn steps_not_kept(&self) -> u64 {
        if self.keeps_steps() {
            let drained = self.timeline.as_ref().map_or(0, |t| t.drained);
            self.packets()
                .saturating_sub((drained + self.steps().len()) as u64)
        } else {
            0
        }
    }

    /// Whether this connection's timeline (steps, transitions) was kept.
    pub fn keeps_steps(&self) -> bool {
        self.timeline.as_ref().is_some_and(|t| t.analyzer.is_some())
    }

    /// Duration from the first to the last segment.
    pub fn duration(&self) -> Duration {
        self.last_ts().saturating_sub(self.first_ts())
    }

    /// Transitions that took effect at step `step`.
    pub fn transitions_at(&self, step: usize) -> impl Iterator<Item = &Transition> {
        self.transitions().iter().filter(move |t| t.step == step)
    }

    /// Whether the connection is over, so a new SYN on its 4-tuple starts a
    /// new one.
    fn finished(&self) -> bool {
        let over = |s: TcpState| matches!(s, TcpState::Closed | TcpState::TimeWait);
        let (seen, current) = (self.seen(), self.current());
        seen.rst
            || (seen.fin_from_client && seen.fin_from_server)
            || (self.packets() > 0 && over(current[0]) && over(current[1]))
    }

    fn record(&mut self, side: Side, changes: &Applied, step: usize, event: Event) {
        let Some(t) = self.kept_mut() else {
            return; // summaries need only the current states
        };
        for &(segment, (from, to, cause)) in changes {
            t.transitions.push(Transition {
                endpoint: side,
                from,
                to,
                segment,
                step,
                event,
                cause,
            });
        }
    }

    /// Adds one segment: updates both endpoints (RFC 9293 §3.10) and, when
    /// `keep_steps`, appends a step to the timeline. Returns the step index.
    fn push(&mut self, given: impl Given, scratch: &mut Applied) -> usize {
        let seg: &Segment = given.borrow();
        let from = self.side_of(seg);
        let (x, y) = (from.idx(), from.peer().idx());
        let j = self.packets() as usize;
        let c = Ctl::of(seg);

        self.add_packet();
        self.bytes += u64::from(seg.ip.total_len);
        self.set_last_ts(seg.ts);
        self.update_seen(from, seg);
        // Relative numbers as Wireshark shows them: the ISN is 0; caught
        // mid-stream, the first sequence number seen is 1 (and an ACK for a
        // side not seen yet sets that side's base).
        if seg.flags.syn() {
            self.set_base(x, seg.seq);
        } else if self.base()[x].is_none() {
            self.set_base(x, seg.seq.wrapping_sub(1));
        }
        if seg.flags.ack() && self.base()[y].is_none() {
            self.set_base(y, seg.ack.wrapping_sub(1));
        }
        // Roles and labels are for the timeline: a summary needs neither.
        let (role, labels) = match self.kept_mut().and_then(|t| t.analyzer.as_mut()) {
            Some(a) => a.classify(x, seg),
            None => (Role::Ack, Vec::new()),
        };

        // The sender's own segment tells what it had received: undo
        // receptions its ACK shows it had not processed yet, apply those it
        // shows it had.
        scratch.clear();
        if let Some(rb) = self.ends[x].reconcile(c, j, scratch) {
            if rb.no_listener {
                self.initial[x] = TcpState::Closed;
            }
            if let Some(tl) = self.kept_mut() {
                tl.transitions.retain(|t| {
                    !(t.endpoint == from && t.event == Event::Receive && t.step >= rb.from_step)
                });
                let first = rb.from_step.saturating_sub(tl.drained);
                for step in tl.steps.iter_mut().skip(first) {
                    step.states[x] = rb.state;
                }
            }
        }
        self.record(from, scratch, j, Event::Receive);
        scratch.clear();
        self.ends[x].m.on_send(
            c,
            &mut endpoint::Sink {
                segment: j,
                changes: scratch,
            },
        );
        self.record(from, scratch, j, Event::Send);
        scratch.clear();
        self.ends[y].receive(
            Reception {
                segment: j,
                step: j,
                ctl: c,
            },
            scratch,
        );
        self.record(from.peer(), scratch, j, Event::Receive);

        let (base, states) = (self.base(), self.current());
        if let Some(t) = self.kept_mut()
            && t.drained + t.steps.len() < t.step_limit
        {
            let rel_seq = seg.seq.wrapping_sub(base[x].unwrap_or(seg.seq));
            let rel_ack = match (seg.flags.ack(), base[y]) {
                (true, Some(b)) => seg.ack.wrapping_sub(b),
                _ => 0,
            };
            t.steps.push(Step {
                segment: given.keep(),
                from,
                rel_seq,
                rel_ack,
                role,
                labels,
                states,
            });
        }
        j
    }
}

/// Counts of what a capture held besides TCP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Frames that were not TCP (ARP, UDP, ICMP ...).
    pub not_tcp: u64,
    /// IP fragments.
    pub fragments: u64,
    /// Frames too short or inconsistent to decode.
    pub malformed: u64,
    /// Frames of an interface whose link type synack cannot decode.
    pub unsupported_link: u64,
}

impl fmt::Display for Skipped {
    /// `3 not TCP, 0 IP fragments, 0 malformed` (and the frames of
    /// unsupported link types when there were any).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} not TCP, {} IP fragments, {} malformed",
            self.not_tcp, self.fragments, self.malformed
        )?;
        if self.unsupported_link > 0 {
            write!(f, ", {} of unsupported link types", self.unsupported_link)?;
        }
        Ok(())
    }
}

/// A segment handed to the model: owned, or borrowed where no step keeps
/// it (a summary reads it in place: no copy of its 232 bytes).
trait Given: Borrow<Segment> {
    /// The segment, for a step to keep (a borrowed one is copied).
    fn keep(self) -> Segment;
}

impl Given for Segment {
    fn keep(self) -> Segment {
        self
    }
}

impl Given for &Segment {
    fn keep(self) -> Segment {
        self.clone()
    }
}

/// Which connections keep their timeline (steps and transitions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeepSteps {
    /// Every connection (walks and exports).
    #[default]
    All,
    /// None: per-connection summaries only (`--list`).
    Summaries,
    /// Only the connection with this index; the others are summaries.
    Only(usize),
}

/// Groups segments into connections by 4-tuple and runs their state
/// machines: the model's entry point, fed by replays and live captures.
///
/// Built for captures of millions of packets: the 4-tuple index holds only
/// connection numbers (4 bytes a slot, compared against the connection's
/// own addresses), so its probes stay in cache, and a connection that keeps
/// no steps runs no label analysis.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: Vec<Connection>,
    /// The latest connection on each 4-tuple.
    tuples: Tuples,
    keep: KeepSteps,
    /// Steps kept per connection at most (`None`: all).
    step_limit: Option<usize>,
    /// Frames skipped, by reason.
    pub skipped: Skipped,
    /// Timestamp of the first segment seen.
    pub first_ts: Option<Duration>,
    /// Reused buffer for the state changes of one segment.
    scratch: Applied,
    /// UDP flows, beside (never among) the connections.
    flows: datagram::Flows,
}

impl Tracker {
    /// A tracker that keeps every step (for walks and exports).
    pub fn new() -> Tracker {
        Tracker::keeping(KeepSteps::All)
    }

    /// Keeps at most `limit` steps per connection: memory grows with
    /// connections, not packets, while every later segment still updates
    /// the states, counts and transitions (for a long live watch).
    pub fn with_step_limit(mut self, limit: usize) -> Tracker {
        self.step_limit = Some(limit);
        self
    }

    /// A tracker that keeps only per-connection summaries: memory grows with
    /// connections, not packets (for `--list`).
    pub fn summaries_only() -> Tracker {
        Tracker::keeping(KeepSteps::Summaries)
    }

    /// A tracker keeping the timelines `keep` names.
    pub fn keeping(keep: KeepSteps) -> Tracker {
        Tracker {
            keep,
            ..Tracker::default()
        }
    }

    /// The latest connection on the 4-tuple `a`–`b` (either way).
    pub(crate) fn latest_on(&self, a: SocketAddr, b: SocketAddr) -> Option<usize> {
        let conns = &self.conns;
        self.tuples
            .peek(Tuples::hash(a, b), |i| conns[i as usize].is_between(a, b))
            .map(|i| i as usize)
    }

    fn keeps_steps(&self, index: usize) -> bool {
        match self.keep {
            KeepSteps::All => true,
            KeepSteps::Summaries => false,
            KeepSteps::Only(n) => n == index,
        }
    }

    /// Adds what the decoder made of a frame: a segment is ingested, anything
    /// else counted as skipped. Returns `(connection, step)` for a segment.
    pub fn ingest_decoded(&mut self, decoded: Decoded) -> Option<(usize, usize)> {
        match decoded {
            // Read in place when no step keeps it (no copy of the segment).
            Decoded::Tcp(ref seg) if !self.keeps_all_steps() => {
                return Some(self.ingest_given(seg));
            }
            Decoded::Tcp(seg) => return Some(self.ingest(seg)),
            Decoded::IcmpError(e) if e.quoted_protocol == datagram::UDP => {
                if !self.flows.ingest_icmp(*e) {
                    self.skipped.not_tcp += 1;
                }
            }
            Decoded::IcmpError(e) => {
                self.ingest_icmp(*e);
            }
            Decoded::Datagram(d) if self.flows.ingest(&d, self.keep != KeepSteps::Summaries) => {}
            Decoded::NotTcp | Decoded::Datagram(_) => self.skipped.not_tcp += 1,
            Decoded::Fragment => self.skipped.fragments += 1,
            Decoded::Malformed => self.skipped.malformed += 1,
            Decoded::UnsupportedLink => self.skipped.unsupported_link += 1,
        }
        None
    }

    /// The UDP flows seen (connection-less: no states).
    pub fn flows(&self) -> &[datagram::Flow] {
        self.flows.all()
    }

    /// Adds a segment. Returns `(connection index, step index)`.
    pub fn ingest(&mut self, seg: Segment) -> (usize, usize) {
        self.ingest_given(seg)
    }

    /// The 4-tuple hash of a decoded frame (0 for anything but a segment),
    /// for [`Tracker::ingest_batch`]: worked out where the frames are
    /// decoded, on the reading thread.
    pub fn hash_of(decoded: &Decoded) -> u32 {
        match decoded {
            Decoded::Tcp(seg) => Tuples::hash(seg.src, seg.dst),
            _ => 0,
        }
    }

    /// [`Tracker::ingest_decoded`] of each frame of a batch, in order (the
    /// segments read in place, not copied),
    /// with their 4-tuple hashes from [`Tracker::hash_of`]. The cache
    /// slots and connection records a few frames ahead are fetched while
    /// the model works on the current one: in a capture of many
    /// connections each is otherwise a wait on memory.
    pub fn ingest_batch(&mut self, batch: &[Decoded], hashes: &[u32]) {
        /// Frames ahead whose cache slot is fetched; the records are
        /// fetched half as far ahead, once their slot is in.
        const AHEAD: usize = 8;
        debug_assert_eq!(batch.len(), hashes.len(), "a hash per frame");
        let hash_at = |i: usize| {
            hashes
                .get(i)
                .copied()
                .filter(|_| matches!(batch.get(i), Some(Decoded::Tcp(_))))
        };
        for (i, decoded) in batch.iter().enumerate() {
            if let Some(h) = hash_at(i + AHEAD) {
                self.tuples.prefetch(h);
            }
            if let Some(c) = hash_at(i + AHEAD / 2).and_then(|h| self.tuples.cached(h)) {
                let record = self.conns.as_ptr().wrapping_add(c as usize).cast::<u8>();
                for line in (0..size_of::<Connection>()).step_by(64) {
                    tuples::prefetch(record.wrapping_add(line));
                }
            }
            match (decoded, hashes.get(i)) {
                (Decoded::Tcp(seg), Some(&h)) => {
                    self.ingest_hashed(seg, h);
                }
                // Not a segment: small or rare, copied.
                _ => {
                    self.ingest_decoded(decoded.clone());
                }
            }
        }
    }

    /// Whether every connection keeps its steps (so a borrowed segment
    /// would always be copied: better handed over by value).
    pub fn keeps_all_steps(&self) -> bool {
        self.keep == KeepSteps::All
    }

    fn ingest_given(&mut self, given: impl Given) -> (usize, usize) {
        let h = Tuples::hash(given.borrow().src, given.borrow().dst);
        self.ingest_hashed(given, h)
    }

    /// Adds a segment whose 4-tuple hash ([`Tuples::hash`]) is `h`.
    fn ingest_hashed(&mut self, given: impl Given, h: u32) -> (usize, usize) {
        let seg: &Segment = given.borrow();
        self.first_ts.get_or_insert(seg.ts);
        let conns = &self.conns;
        let found = self
            .tuples
            .latest(h, |i| conns[i as usize].is_between(seg.src, seg.dst));
        let index = match found {
            Some(i) if !Self::starts_new(&conns[i as usize], seg) => i as usize,
            found => {
                let i = conns.len();
                let reused = found.is_some();
                // A table slot per connection: more than 4 billion
                // connections would not fit in memory anyway.
                let number = u32::try_from(i)
                    .ok()
                    .filter(|&n| n < u32::MAX)
                    .expect("fewer than 2^32 - 1 connections");
                self.tuples.set_latest(h, number, found);
                let timeline = self.keeps_steps(i).then(|| {
                    let limit = self.step_limit.unwrap_or(usize::MAX);
                    Box::new(Timeline::keeping(limit, reused))
                });
                self.conns.push(Connection::new(i, seg, timeline));
                i
            }
        };
        let step = self.conns[index].push(given, &mut self.scratch);
        (index, step)
    }

    /// Whether `seg` starts a new connection on `conn`'s 4-tuple (port
    /// reuse), as Wireshark's `tcp.stream` decides: a SYN (without ACK)
    /// from a side whose first sequence number is known and differs from
    /// it. Besides, once the connection is over (a RST, both FINs, both
    /// sides CLOSED or in TIME-WAIT) any new SYN is a new connection: a
    /// connect() retried after a refusal or an abort, even with the same
    /// ISN (RFC 9293 §3.10.7.1: the first attempt left nothing behind).
    /// A SYN from the side that has sent nothing yet, while the connection
    /// is open, is a simultaneous open (§3.5 Figure 8): the same connection.
    fn starts_new(conn: &Connection, seg: &Segment) -> bool {
        let f = seg.flags;
        if !f.syn() || f.ack() || f.rst() {
            return false;
        }
        let x = conn.side_of(seg).idx();
        conn.finished() || conn.base()[x].is_some_and(|isn| isn != seg.seq)
    }

    /// The connections, in order of their first segment.
    pub fn connections(&self) -> &[Connection] {
        &self.conns
    }

    /// Consumes the tracker, returning its connections.
    pub fn into_connections(self) -> Vec<Connection> {
        self.conns
    }
}

#[cfg(test)]
mod tests;
