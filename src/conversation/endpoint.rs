//! One endpoint's TCP state machine, driven by the segments it sends and
//! receives (RFC 9293 §3.10 "Event Processing"), and the pair of them that
//! makes a connection.
//!
//! A capture is taken at one point between the hosts, so a segment seen on
//! the wire is not yet received. Receptions are applied when seen, but kept
//! as *tentative* until the receiver's own next segment confirms them: its
//! acknowledgment number must cover a SYN or FIN it processed. When it does
//! not (the two FINs crossed in flight), the receiver's state is rolled back
//! to before that reception, its send is applied first, and the reception
//! afterwards — the order in which the Linux kernel records the transitions.

use serde::Serialize;

use crate::segment::{Segment, TcpFlags};
use crate::seq;
use crate::state::TcpState;

/// Why an endpoint changed state: the RFC 9293 event, in words a UI can
/// translate. Each variant names the section that defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// snd SYN: active open, connect() (§3.10.1).
    SndSyn,
    /// rcv SYN in LISTEN, answered by SYN-ACK (§3.10.7.2).
    RcvSyn,
    /// rcv SYN in SYN-SENT without ACK: simultaneous open (§3.10.7.3).
    RcvSynSimultaneous,
    /// rcv SYN-ACK acking our SYN in SYN-SENT (§3.10.7.3).
    RcvSynAck,
    /// rcv ACK of our SYN in SYN-RECEIVED (§3.10.7.4, fifth check).
    RcvAckOfSyn,
    /// snd FIN: close() or shutdown(SHUT_WR) (§3.10.4).
    SndFin,
    /// rcv FIN (§3.10.7.4, eighth check).
    RcvFin,
    /// rcv ACK of our FIN (§3.10.7.4, fifth check).
    RcvAckOfFin,
    /// snd RST: abort (§3.10.5).
    SndRst,
    /// rcv RST (§3.10.7.4, second check; §3.10.7.3 in SYN-SENT).
    RcvRst,
    /// rcv RST in SYN-SENT: the connection was refused (§3.10.7.3).
    RcvRstRefused,
    /// The capture began mid-stream: the state is inferred from a segment
    /// only a synchronized endpoint sends.
    MidStream,
    /// The endpoint's own segment shows it received a segment the capture
    /// does not hold (e.g. an ACK sent in SYN-SENT: the SYN-ACK went by
    /// another path).
    Unseen,
}

impl Cause {
    /// Short English text citing the RFC event, as used in `--print` and
    /// JSON (`"rcv SYN-ACK acking our SYN"`).
    pub fn text(self) -> &'static str {
        match self {
            Cause::SndSyn => "snd SYN (connect)",
            Cause::RcvSyn => "rcv SYN, snd SYN-ACK",
            Cause::RcvSynSimultaneous => "rcv SYN while SYN_SENT (simultaneous open)",
            Cause::RcvSynAck => "rcv SYN-ACK acking our SYN",
            Cause::RcvAckOfSyn => "rcv ACK of our SYN",
            Cause::SndFin => "snd FIN (close or shutdown)",
            Cause::RcvFin => "rcv FIN",
            Cause::RcvAckOfFin => "rcv ACK of our FIN",
            Cause::SndRst => "snd RST (abort)",
            Cause::RcvRst => "rcv RST",
            Cause::RcvRstRefused => "rcv RST acking our SYN (connection refused)",
            Cause::MidStream => "sends data: synchronized (capture began mid-stream)",
            Cause::Unseen => "its own ACK shows it got the peer's SYN-ACK, which the capture lacks",
        }
    }

    /// The RFC 9293 section that defines the event.
    pub fn rfc_section(self) -> &'static str {
        match self {
            Cause::SndSyn => "3.10.1",
            Cause::RcvSyn => "3.10.7.2",
            Cause::RcvSynSimultaneous | Cause::RcvSynAck | Cause::RcvRstRefused => "3.10.7.3",
            Cause::SndFin => "3.10.4",
            Cause::SndRst => "3.10.5",
            Cause::RcvAckOfSyn | Cause::RcvFin | Cause::RcvAckOfFin | Cause::RcvRst => "3.10.7.4",
            Cause::MidStream | Cause::Unseen => "3.3.2",
        }
    }
}

/// The few fields of a segment the state machine reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ctl {
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub payload_len: u32,
}

impl Ctl {
    pub fn of(seg: &Segment) -> Ctl {
        Ctl {
            seq: seg.seq,
            ack: seg.ack,
            flags: seg.flags,
            payload_len: seg.payload_len,
        }
    }
    fn seq_end(self) -> u32 {
        self.seq
            .wrapping_add(self.payload_len)
            .wrapping_add(u32::from(self.flags.syn()) + u32::from(self.flags.fin()))
    }
    /// Sequence number of the FIN this segment carries.
    fn fin_seq(self) -> u32 {
        self.seq
            .wrapping_add(self.payload_len)
            .wrapping_add(u32::from(self.flags.syn()))
    }
    /// Whether this segment's ACK field covers sequence number `s` (acks
    /// everything up to and including `s`).
    fn acks(self, s: u32) -> bool {
        self.flags.ack() && seq::gt(self.ack, s)
    }
}

/// One endpoint's machine: its state and the sequence facts the RFC's event
/// processing consults. 16 bytes: the optional numbers are plain `u32`s
/// with a bit each in `known` (a million connections hold four of these).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Machine {
    pub state: TcpState,
    /// Which of the numbers below are known (bits [`ISN`], [`FIN_SEQ`],
    /// [`PEER_FIN`]), [`FIN_ACKED`], and the endpoint's [`ASSUMED_LISTEN`].
    /// An unknown number is always 0, so the derived equality compares what
    /// is known.
    known: u8,
    /// Our ISN, once we sent a SYN.
    isn: u32,
    /// Sequence number of our FIN, once we sent one.
    fin_seq: u32,
    /// The peer's FIN sequence number, once we processed it.
    peer_fin: u32,
}

/// `Machine::known` bits.
const ISN: u8 = 1;
const FIN_SEQ: u8 = 2;
const PEER_FIN: u8 = 4;
/// The peer acknowledged our FIN.
const FIN_ACKED: u8 = 8;
/// Not a fact of the machine but its [`Endpoint`]'s: the initial state was
/// assumed (a server taken to be LISTENing), not observed. Kept in these
/// spare bits so that an endpoint is 56 bytes, not 64; the machine's own
/// events never touch it, and [`Endpoint`] keeps it across rollbacks.
const ASSUMED_LISTEN: u8 = 16;

/// A state change produced by one event, before it is placed on the timeline.
pub(crate) type Change = (TcpState, TcpState, Cause);

/// Where a machine writes its changes, each attributed to `segment`.
pub(crate) struct Sink<'a> {
    pub segment: usize,
    pub changes: &'a mut Applied,
}

impl Machine {
    pub fn new(state: TcpState) -> Machine {
        Machine {
            state,
            known: 0,
            isn: 0,
            fin_seq: 0,
            peer_fin: 0,
        }
    }

    fn get(&self, bit: u8, value: u32) -> Option<u32> {
        (self.known & bit != 0).then_some(value)
    }

    /// Our ISN, once we sent a SYN.
    pub fn isn(&self) -> Option<u32> {
        self.get(ISN, self.isn)
    }

    /// Sets our ISN.
    pub fn set_isn(&mut self, isn: u32) {
        self.isn = isn;
        self.known |= ISN;
    }

    /// Sequence number of our FIN, once we sent one.
    fn fin_seq(&self) -> Option<u32> {
        self.get(FIN_SEQ, self.fin_seq)
    }

    /// The peer's FIN sequence number, once we processed it.
    fn peer_fin(&self) -> Option<u32> {
        self.get(PEER_FIN, self.peer_fin)
    }

    fn set_peer_fin(&mut self, fs: u32) {
        self.peer_fin = fs;
        self.known |= PEER_FIN;
    }

    fn go(&mut self, to: TcpState, cause: Cause, out: &mut Sink<'_>) {
        if self.state != to {
            out.changes.push((out.segment, (self.state, to, cause)));
            self.state = to;
        }
    }

    /// The endpoint sends `c` (RFC 9293 §3.10.1–3.10.5: user calls that emit
    /// segments).
    pub fn on_send(&mut self, c: Ctl, out: &mut Sink<'_>) {
        use TcpState::*;
        let f = c.flags;
        if f.rst() {
            // §3.10.5 ABORT: a RST from a synchronized or opening state
            // destroys the connection. A RST sent from CLOSED or LISTEN
            // answers a segment for which there is no connection.
            if !matches!(self.state, Closed | Listen) {
                self.go(Closed, Cause::SndRst, out);
            }
            return;
        }
        if f.syn() {
            if self.isn().is_none() {
                self.set_isn(c.seq);
            }
            match (self.state, f.ack()) {
                // §3.10.1 OPEN (active): connect() sends SYN, enter SYN-SENT.
                (Closed | Unknown, false) => self.go(SynSent, Cause::SndSyn, out),
                // §3.10.7.2: the SYN was received but not by us on the wire
                // (the capture missed it): LISTEN answers with SYN-ACK.
                (Listen | Unknown, true) => self.go(SynReceived, Cause::RcvSyn, out),
                // Retransmitted SYN or SYN-ACK: no new transition.
                _ => {}
            }
        }
        if f.fin() {
            let fs = c.fin_seq();
            if self.fin_seq().is_none() {
                self.fin_seq = fs;
                self.known |= FIN_SEQ;
                // §3.10.4 CLOSE: ESTABLISHED/SYN-RECEIVED → FIN-WAIT-1,
                // CLOSE-WAIT → LAST-ACK.
                let to = match self.state {
                    Established | SynReceived => Some(FinWait1),
                    CloseWait => Some(LastAck),
                    Unknown if self.peer_fin().is_some() => Some(LastAck),
                    Unknown => Some(FinWait1),
                    _ => None,
                };
                if let Some(to) = to {
                    self.go(to, Cause::SndFin, out);
                }
            }
        } else if self.state == SynSent && f.ack() && !f.syn() {
            // Only an endpoint that processed the peer's SYN-ACK acks it:
            // the capture missed the SYN-ACK (asymmetric path).
            self.go(Established, Cause::Unseen, out);
        } else if self.state == Unknown && c.payload_len > 0 && !f.syn() {
            // Only a synchronized endpoint sends data; without a FIN seen
            // either way ESTABLISHED is the state that explains it.
            if self.peer_fin().is_none() {
                self.go(Established, Cause::MidStream, out);
            } else {
                self.go(CloseWait, Cause::MidStream, out);
            }
        }
    }

    /// The endpoint receives `c` from its peer (RFC 9293 §3.10.7 SEGMENT
    /// ARRIVES).
    pub fn on_receive(&mut self, c: Ctl, out: &mut Sink<'_>) {
        use TcpState::*;
        let f = c.flags;
        match self.state {
            // §3.10.7.1 CLOSED: everything is answered by RST or dropped.
            Closed => return,
            // §3.10.7.2 LISTEN: RST ignored, ACK answered by RST, SYN opens.
            Listen => {
                if f.syn() && !f.ack() && !f.rst() {
                    self.go(SynReceived, Cause::RcvSyn, out);
                }
                return;
            }
            // §3.10.7.3 SYN-SENT.
            SynSent => {
                let acceptable = self.isn().is_some_and(|isn| c.acks(isn));
                if f.rst() {
                    if acceptable {
                        self.go(Closed, Cause::RcvRstRefused, out);
                    }
                    return;
                }
                if f.syn() {
                    if f.ack() && acceptable {
                        self.go(Established, Cause::RcvSynAck, out);
                    } else if !f.ack() {
                        self.go(SynReceived, Cause::RcvSynSimultaneous, out);
                    }
                }
                if !f.fin() || self.state != Established {
                    return;
                }
            }
            _ => {}
        }
        // §3.10.7.4 Other states. Second check: RST.
        if f.rst() {
            // In TIME-WAIT Linux lets a RST end the wait (RFC 1337's
            // protection is off by default: net.ipv4.tcp_rfc1337 = 0).
            self.go(Closed, Cause::RcvRst, out);
            return;
        }
        // Fifth check: the ACK field.
        if f.ack() {
            if self.state == SynReceived && self.isn().is_some_and(|isn| c.acks(isn)) {
                self.go(Established, Cause::RcvAckOfSyn, out);
            }
            if let Some(fs) = self.fin_seq()
                && self.known & FIN_ACKED == 0
                && c.acks(fs)
            {
                self.known |= FIN_ACKED;
                match self.state {
                    // FIN-WAIT-1: our FIN is acknowledged → FIN-WAIT-2.
                    FinWait1 => self.go(FinWait2, Cause::RcvAckOfFin, out),
                    // CLOSING: our FIN is acknowledged → TIME-WAIT.
                    Closing => self.go(TimeWait, Cause::RcvAckOfFin, out),
                    // LAST-ACK: our FIN is acknowledged → CLOSED.
                    LastAck => self.go(Closed, Cause::RcvAckOfFin, out),
                    _ => {}
                }
            }
        }
        // Eighth check: the FIN bit.
        if f.fin() {
            let fs = c.fin_seq();
            if self.peer_fin().is_some_and(|p| p == fs) {
                return; // retransmitted FIN: no new transition
            }
            self.set_peer_fin(fs);
            match self.state {
                // SYN-RECEIVED, ESTABLISHED: enter CLOSE-WAIT.
                SynReceived | Established | Unknown => self.go(CloseWait, Cause::RcvFin, out),
                // FIN-WAIT-1: our FIN not yet acked → CLOSING (simultaneous
                // close); acked → TIME-WAIT (handled via FIN-WAIT-2 above).
                FinWait1 => self.go(Closing, Cause::RcvFin, out),
                // FIN-WAIT-2: enter TIME-WAIT.
                FinWait2 => self.go(TimeWait, Cause::RcvFin, out),
                _ => {}
            }
        }
    }
}

/// A segment received from the peer, as the endpoint's machine sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Reception {
    /// Index of the received segment in the connection.
    pub segment: usize,
    /// Step at which it was applied.
    pub step: usize,
    pub ctl: Ctl,
}

/// A [`Reception`] in 24 bytes instead of 32, as [`Held::One`] keeps it
/// inline: its indices as `u32`. A connection past its 2^32-th segment
/// (a capture of hundreds of gigabytes, or a live watch of days) holds
/// its receptions in the boxed list instead, so no index is ever cut.
#[derive(Clone, Copy, Debug)]
struct Narrow {
    segment: u32,
    step: u32,
    ctl: Ctl,
}

impl Narrow {
    /// `r` in narrow form, when its indices fit.
    fn of(r: Reception) -> Option<Narrow> {
        Some(Narrow {
            segment: u32::try_from(r.segment).ok()?,
            step: u32::try_from(r.step).ok()?,
            ctl: r.ctl,
        })
    }

    fn wide(self) -> Reception {
        Reception {
            segment: self.segment as usize,
            step: self.step as usize,
            ctl: self.ctl,
        }
    }
}

impl Reception {
    /// Whether `other` is a copy of this segment (a retransmission of the
    /// same SYN, FIN or data). A SYN-ACK is no copy of a SYN with the same
    /// sequence number: in a simultaneous open it follows it.
    fn is_copy_of(&self, other: &Reception) -> bool {
        let ctl = TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST | TcpFlags::ACK;
        self.ctl.seq == other.ctl.seq
            && self.ctl.flags.0 & ctl == other.ctl.flags.0 & ctl
            && self.ctl.payload_len == other.ctl.payload_len
    }
}

/// Most receptions an endpoint holds as tentative or pending: the lists stay
/// bounded whatever the capture (memory grows with connections, not
/// packets).
const MAX_HELD: usize = 32;

/// State changes each attributed to the segment that caused it.
pub(crate) type Applied = Vec<(usize, Change)>;

/// Receptions an endpoint holds. Tentative and pending ones are never held
/// at once: [`Endpoint::receive`] applies the pending ones (making them
/// tentative) before it holds a new one, and [`Endpoint::reconcile`] turns
/// every tentative one into confirmed or pending. So one enum holds either
/// list, and the common case (at most one SYN or FIN awaiting its ACK)
/// needs no allocation.
#[derive(Clone, Debug, Default)]
enum Held {
    /// Nothing held: the common case.
    #[default]
    None,
    /// One tentative reception, with the machine as it was before it.
    One {
        checkpoint: Machine,
        reception: Narrow,
    },
    /// Two or more tentative receptions (or one whose indices do not fit
    /// [`Narrow`]). Boxed: rare, and a million connections need no room
    /// for it.
    Many(Box<Tentative>),
    /// Seen on the wire, but the endpoint's own later segment showed it had
    /// not processed them: waiting for the next segment from the peer (they
    /// arrive before it), an ACK that covers them, or a copy (the first one
    /// was lost). Never empty.
    #[expect(
        clippy::box_collection,
        reason = "8 bytes instead of 24 for a list that is nearly always absent"
    )]
    Pending(Box<Vec<Reception>>),
}

/// Tentative receptions (applied when seen on the wire, not yet confirmed
/// by an ACK) with the machine as it was before the first of them.
#[derive(Clone, Debug)]
struct Tentative {
    checkpoint: Machine,
    list: Vec<Reception>,
}

impl Held {
    /// The tentative receptions, oldest first.
    fn tentative(&self) -> impl Iterator<Item = Reception> + '_ {
        let (one, many) = match self {
            Held::One { reception, .. } => (Some(reception.wide()), &[][..]),
            Held::Many(t) => (None, &t.list[..]),
            Held::None | Held::Pending(_) => (None, &[][..]),
        };
        one.into_iter().chain(many.iter().copied())
    }

    /// Holds `list` as pending (nothing when it is empty).
    fn pending(list: Vec<Reception>) -> Held {
        if list.is_empty() {
            Held::None
        } else {
            Held::Pending(Box::new(list))
        }
    }
}

/// One endpoint: its machine, and the receptions applied but not yet
/// confirmed by its own acknowledgment numbers (with the machine as it was
/// before them) or shown not processed yet.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub m: Machine,
    held: Held,
}

/// What reconciling a send with earlier receptions found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Rollback {
    /// State to show from step `from_step` until the send.
    pub state: TcpState,
    /// First step whose state is rewritten.
    pub from_step: usize,
    /// The initial state turned out to be CLOSED, not LISTEN (nobody was
    /// listening, or the endpoint opened actively too).
    pub no_listener: bool,
}

impl Endpoint {
    pub fn new(state: TcpState, assumed_listen: bool) -> Endpoint {
        let mut m = Machine::new(state);
        if assumed_listen {
            m.known |= ASSUMED_LISTEN;
        }
        Endpoint {
            m,
            held: Held::None,
        }
    }

    /// The initial state was assumed (a server taken to be LISTENing),
    /// not observed.
    fn assumed_listen(&self) -> bool {
        self.m.known & ASSUMED_LISTEN != 0
    }

    /// The step of the first SYN, FIN or RST this endpoint holds as
    /// tentative: a rollback rewrites states from there on (only those can
    /// be shown unprocessed by the endpoint's next segment), never before.
    pub fn first_held_syn_or_fin(&self) -> Option<usize> {
        self.held
            .tentative()
            .find(|r| r.ctl.flags.0 & (TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST) != 0)
            .map(|r| r.step)
    }

    /// Whether the endpoint's initial state may still turn out to be
    /// CLOSED instead of the assumed LISTEN: it has sent no SYN yet, so a
    /// RST or SYN of its own would rewrite its states from its first held
    /// reception on (see [`Endpoint::reconcile`]).
    pub fn initial_may_change(&self) -> bool {
        self.assumed_listen() && self.m.isn().is_none()
    }

    /// Receptions held as tentative or pending (bounded by `MAX_HELD` each).
    #[cfg(test)]
    pub fn held(&self) -> usize {
        match &self.held {
            Held::Pending(p) => p.len(),
            held => held.tentative().count(),
        }
    }

    fn apply_tentative(&mut self, r: Reception, out: &mut Applied) {
        let before = self.m;
        self.m.on_receive(
            r.ctl,
            &mut Sink {
                segment: r.segment,
                changes: out,
            },
        );
        // Only a SYN, FIN or RST can be contradicted later, and only a
        // reception that changed the machine must be replayed after a
        // rollback: the others need no record (so a capture that sees one
        // direction only does not grow this list with every segment).
        let control = r.ctl.flags.0 & (TcpFlags::SYN | TcpFlags::FIN | TcpFlags::RST) != 0;
        if !control && self.m == before {
            return;
        }
        self.held = match std::mem::take(&mut self.held) {
            // `receive` took the pending ones before applying anything.
            Held::None | Held::Pending(_) => match Narrow::of(r) {
                Some(reception) => Held::One {
                    checkpoint: before,
                    reception,
                },
                None => Held::Many(Box::new(Tentative {
                    checkpoint: before,
                    list: vec![r],
                })),
            },
            Held::One {
                checkpoint,
                reception,
            } => Held::Many(Box::new(Tentative {
                checkpoint,
                list: vec![reception.wide(), r],
            })),
            Held::Many(mut t) => {
                if t.list.len() == MAX_HELD {
                    // Pathological (endless unanswered FINs): take the
                    // oldest as confirmed.
                    let oldest = t.list.remove(0);
                    t.checkpoint.on_receive(
                        oldest.ctl,
                        &mut Sink {
                            segment: oldest.segment,
                            changes: &mut Vec::new(),
                        },
                    );
                }
                t.list.push(r);
                Held::Many(t)
            }
        };
    }

    /// Applies a segment received at step `r.step`, tentatively. Pending
    /// receptions go first (they were sent before it), except those it is
    /// a copy of: the first copy was lost.
    pub fn receive(&mut self, r: Reception, out: &mut Applied) {
        if matches!(self.held, Held::Pending(_))
            && let Held::Pending(mut pending) = std::mem::take(&mut self.held)
        {
            pending.retain(|p| !p.is_copy_of(&r));
            if pending.len() > MAX_HELD {
                pending.drain(..pending.len() - MAX_HELD);
            }
            for p in *pending {
                self.apply_tentative(Reception { step: r.step, ..p }, out);
            }
        }
        self.apply_tentative(r, out);
    }

    /// Before this endpoint sends `c` at `step`: checks its receptions
    /// against `c`'s acknowledgment number. Tentative receptions it does not
    /// cover are undone (returned as a [`Rollback`]) and wait as pending;
    /// pending ones it covers are applied now, before the send.
    pub fn reconcile(&mut self, c: Ctl, step: usize, out: &mut Applied) -> Option<Rollback> {
        if matches!(self.held, Held::None) && !self.assumed_listen() {
            return None; // the common case: nothing to check
        }
        // A RST answering a SYN from an endpoint that never sent a SYN of its
        // own: nobody was listening (§3.10.7.1), the assumed LISTEN was wrong.
        if self.assumed_listen() && c.flags.rst() && self.m.isn().is_none() {
            // A new machine: the assumed LISTEN is gone too.
            self.m = Machine::new(TcpState::Closed);
            let from_step = self.held.tentative().next().map_or(step, |r| r.step);
            self.held = Held::None;
            let rb = Rollback {
                state: TcpState::Closed,
                from_step,
                no_listener: true,
            };
            return Some(rb);
        }
        // A SYN without ACK from an endpoint taken to be LISTENing that has
        // sent no SYN before: it was not listening but connecting too, a
        // simultaneous open (RFC 9293 §3.5 Figure 8). It was CLOSED; the
        // peer's SYN it was credited with waits until it processes it
        // (SYN-SENT → SYN-RECEIVED, §3.10.7.3).
        if self.assumed_listen() && c.flags.syn() && !c.flags.ack() && self.m.isn().is_none() {
            // A new machine: the assumed LISTEN is gone too.
            self.m = Machine::new(TcpState::Closed);
            let from_step = self.held.tentative().next().map_or(step, |r| r.step);
            let held = match std::mem::take(&mut self.held) {
                Held::None => Vec::new(),
                Held::One { reception, .. } => vec![reception.wide()],
                Held::Many(t) => t.list,
                Held::Pending(p) => *p,
            };
            self.held = Held::pending(held);
            return Some(Rollback {
                state: TcpState::Closed,
                from_step,
                no_listener: true,
            });
        }
        // Only a SYN or FIN can be shown unprocessed by an ack number, and
        // a RST by any segment but a RST: a RST in the window takes the
        // receiver to CLOSED and deletes its TCB (RFC 9293 §3.10.7.4,
        // second check), and from CLOSED nothing but a RST is ever sent
        // (§3.10.7.1). So a receiver that sends anything else after a RST
        // was seen going to it sent it before the RST arrived (they
        // crossed): the RST waits, like a crossing FIN, for the peer's
        // next segment or a copy of it.
        let covered = |r: &Reception| {
            if r.ctl.flags.rst() {
                return c.flags.rst();
            }
            !(r.ctl.flags.syn() || r.ctl.flags.fin()) || c.acks(r.ctl.seq_end().wrapping_sub(1))
        };
        let mut rollback = None;
        let mut pending = match std::mem::take(&mut self.held) {
            Held::None => Vec::new(),
            Held::Pending(p) => *p,
            // Tentative ones are all confirmed, or undone from the first
            // one not covered on: those now wait (nothing was pending).
            Held::One {
                checkpoint,
                reception,
            } => self.undo(
                checkpoint,
                std::slice::from_ref(&reception.wide()),
                covered,
                &mut rollback,
            ),
            Held::Many(t) => self.undo(t.checkpoint, &t.list, covered, &mut rollback),
        };
        if pending.first().is_some_and(covered) {
            let n = pending.iter().take_while(|r| covered(r)).count();
            for r in pending.drain(..n) {
                self.m.on_receive(
                    r.ctl,
                    &mut Sink {
                        segment: r.segment,
                        changes: out,
                    },
                );
            }
        }
        self.held = Held::pending(pending);
        rollback
    }

    /// Checks the tentative receptions `list` (applied on top of
    /// `checkpoint`): if one is not `covered`, the machine goes back to
    /// `checkpoint` with those before it replayed, `rollback` says from
    /// which step, and it and those after it are returned to wait.
    fn undo(
        &mut self,
        checkpoint: Machine,
        list: &[Reception],
        covered: impl Fn(&Reception) -> bool,
        rollback: &mut Option<Rollback>,
    ) -> Vec<Reception> {
        let Some(k) = list.iter().position(|r| !covered(r)) else {
            return Vec::new();
        };
        let mut m = checkpoint;
        let mut replayed = Vec::new(); // already on the timeline
        for r in &list[..k] {
            m.on_receive(
                r.ctl,
                &mut Sink {
                    segment: r.segment,
                    changes: &mut replayed,
                },
            );
        }
        // The checkpoint predates no change of the assumption (that clears
        // every held reception), but keep the current one all the same.
        m.known = (m.known & !ASSUMED_LISTEN) | (self.m.known & ASSUMED_LISTEN);
        self.m = m;
        *rollback = Some(Rollback {
            state: m.state,
            from_step: list[k].step,
            no_listener: false,
        });
        list[k..].to_vec()
    }
}
