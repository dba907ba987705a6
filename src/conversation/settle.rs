//! Which steps of a connection can no longer change, and handing them over:
//! what lets `--print` and `--json` write a capture of any size as it is
//! read, holding only the steps still open to revision.
//!
//! A step is *settled* when no later segment can rewrite it. Its states are
//! rewritten only by a rollback (`endpoint.rs`: a receiver's next ACK shows
//! it had not processed a SYN or FIN it was credited with), and a rollback
//! starts at a tentative SYN or FIN reception, so every step before the
//! earliest one either endpoint holds is settled (at most `MAX_HELD`
//! receptions are held per endpoint). Transitions are recorded at the step
//! of the segment being pushed, or removed with a rollback, so they settle
//! with their step. Roles and labels are computed once, when the step is
//! pushed. Two more things can still arrive for the latest step: an ICMP
//! error sits after it until the next segment comes, and a server taken
//! to be LISTENing that answers with a RST or a SYN of its own turns its
//! initial state into CLOSED (then nothing is settled until it has sent a
//! SYN-ACK).
//!
//! Draining keeps indices absolute: [`Connection::step`] takes the step's
//! index in the whole connection, as transitions and ICMP events name it.
//! Pure data, like the rest of the model: no I/O.

use super::{Connection, IcmpEvent, Step, Timeline, Tracker, Transition, datagram};
use crate::decode::Decoded;

impl Connection {
    /// Steps already drained (handed to a writer and dropped from memory):
    /// the first step still held is step `drained()`.
    pub fn drained(&self) -> usize {
        self.timeline.as_ref().map_or(0, |t| t.drained)
    }

    /// Step `i` of the connection (absolute index), while it is held.
    pub fn step(&self, i: usize) -> Option<&Step> {
        self.steps().get(i.checked_sub(self.drained())?)
    }

    /// End (exclusive, absolute) of the steps no later segment can change:
    /// those before the earliest SYN or FIN either endpoint holds as
    /// tentative, except the latest step (an ICMP error may still be
    /// attached after it). Never below [`Connection::drained`]. Once the
    /// capture has no more segments or ICMP errors for this connection,
    /// every step is settled whatever this says.
    pub fn settled(&self) -> usize {
        let drained = self.drained();
        let held = drained + self.steps().len();
        if !self.keeps_steps() {
            return drained;
        }
        match self.rewritable_from() {
            Some(open) => open.min(held.saturating_sub(1)).max(drained),
            None => held.saturating_sub(1).max(drained),
        }
    }

    /// The first step a later segment could still rewrite: 0 while an
    /// initial state may still change (an assumed LISTEN that may turn out
    /// CLOSED), else the earliest SYN or FIN either endpoint holds as
    /// tentative (only there can a rollback start, RFC 9293 §3.10.7);
    /// `None` when no step can change. What [`Connection::settled`] and
    /// [`Connection::graft`] both rest on.
    pub(crate) fn rewritable_from(&self) -> Option<usize> {
        if self.ends.iter().any(|e| e.initial_may_change()) {
            return Some(0);
        }
        self.ends
            .iter()
            .filter_map(|e| e.first_held_syn_or_fin())
            .min()
    }

    /// Drops the steps before `end` (absolute) from memory; later ones keep
    /// their indices.
    fn drain_to(&mut self, end: usize) {
        if let Some(t) = self.timeline.as_deref_mut() {
            let n = end.saturating_sub(t.drained).min(t.steps.len());
            t.steps.drain(..n);
            t.drained += n;
        }
    }

    /// Frees the timeline (steps, transitions, ICMP events, the label
    /// analysis) once the connection was written out whole; its summary
    /// and states stay for the 4-tuple index and the totals.
    fn release(&mut self) {
        self.timeline = self.spill_only();
    }

    /// The connection seen through steps `first..end` (absolute) alone, for
    /// a picture of part of a long connection: those steps (while held)
    /// renumbered from 0, the states before `first` as its initial states
    /// (step `first - 1` must be held, or `first` be 0), the transitions
    /// and ICMP events within the window renumbered alike (a state change
    /// caused by a segment before the window names the window's first
    /// step as its cause), times and counts of the window.
    pub fn window(&self, first: usize, end: usize) -> Connection {
        let steps: Vec<Step> = (first..end).filter_map(|i| self.step(i).cloned()).collect();
        let end = first + steps.len();
        let initial = match first.checked_sub(1).and_then(|i| self.step(i)) {
            Some(before) => before.states,
            None => self.initial,
        };
        let inside = |i: usize| (first..end).contains(&i);
        let transitions = self
            .transitions()
            .iter()
            .filter(|t| inside(t.step))
            .map(|t| Transition {
                step: t.step - first,
                segment: t.segment.saturating_sub(first),
                ..t.clone()
            })
            .collect();
        let icmp = self
            .icmp()
            .iter()
            .filter(|e| e.after > first && e.after <= end)
            .map(|e| IcmpEvent {
                after: e.after - first,
                quotes: e.quotes.filter(|&q| inside(q)).map(|q| q - first),
                error: e.error.clone(),
            })
            .collect();
        let span = match (steps.first(), steps.last()) {
            (Some(a), Some(b)) => (a.segment.ts, b.segment.ts),
            _ => (self.first_ts(), self.last_ts()),
        };
        let mut w = Connection {
            timeline: None,
            ..self.clone()
        };
        w.bytes = steps
            .iter()
            .map(|s| u64::from(s.segment.ip.total_len))
            .sum();
        w.initial = initial;
        w.set_mid_stream(self.mid_stream() && first == 0);
        let step_limit = self.timeline.as_ref().map_or(usize::MAX, |t| t.step_limit);
        w.timeline = Some(Box::new(Timeline {
            steps,
            transitions,
            icmp,
            ..Timeline::keeping(step_limit, false)
        }));
        w.set_packets((end - first) as u64);
        w.set_span(span.0, span.1);
        w
    }
}

impl Tracker {
    /// Adds what the decoder made of a frame, as
    /// [`Tracker::ingest_decoded`] does, and returns the connection it
    /// touched: the one a segment joined or an ICMP error was filed under.
    pub fn ingest_touching(&mut self, decoded: Decoded) -> Option<usize> {
        match decoded {
            Decoded::IcmpError(e) if e.quoted_protocol != datagram::UDP => self.ingest_icmp(*e),
            other => self.ingest_decoded(other).map(|(c, _)| c),
        }
    }

    /// Connection `index` (from [`Tracker::ingest`]).
    pub fn connection(&self, index: usize) -> Option<&Connection> {
        self.conns.get(index)
    }

    /// Drops connection `index`'s steps before `end` (absolute), e.g. once
    /// a writer has written them; see [`Connection::settled`].
    pub fn drain_steps(&mut self, index: usize, end: usize) {
        if let Some(c) = self.conns.get_mut(index) {
            c.drain_to(end);
        }
    }

    /// Frees connection `index`'s timeline (steps, transitions, ICMP
    /// events, label analysis) once it was written whole. A segment that
    /// still comes for it is tracked as before, without labels.
    pub fn release(&mut self, index: usize) {
        if let Some(c) = self.conns.get_mut(index) {
            c.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::tests::segment as seg;
    use crate::segment::TcpFlags;
    use crate::state::TcpState;

    const SYN: u16 = TcpFlags::SYN;
    const ACK: u16 = TcpFlags::ACK;
    const FIN: u16 = TcpFlags::FIN;
    const RST: u16 = TcpFlags::RST;
    const PSH: u16 = TcpFlags::PSH;

    fn feed(t: &mut Tracker, segs: &[(bool, u16, u32, u32, u32)]) {
        for (k, &(c, f, seq, ack, len)) in segs.iter().enumerate() {
            t.ingest(seg(k as u64 + 1, c, f, seq, ack, len));
        }
    }

    #[test]
    fn settled_waits_for_the_latest_step_and_for_held_fins() {
        let mut t = Tracker::new();
        feed(&mut t, &[(true, SYN, 100, 0, 0)]);
        // The server taken to be LISTENing has sent nothing: a RST from it
        // would turn its initial state into CLOSED.
        assert_eq!(t.connections()[0].settled(), 0);
        feed(
            &mut t,
            &[
                (true, SYN, 100, 0, 0),
                (false, SYN | ACK, 500, 101, 0),
                (true, ACK, 101, 501, 0),
                (true, PSH | ACK, 101, 501, 10),
            ],
        );
        // (the first SYN was sent twice) every step but the latest: an
        // ICMP error may still follow it.
        assert_eq!(t.connections()[0].settled(), 4);
        feed(&mut t, &[(true, FIN | ACK, 111, 501, 0)]);
        t.ingest(seg(7, true, PSH | ACK, 112, 501, 0));
        // The server holds the client's FIN (step 5) as tentative until
        // its own next segment shows whether it had processed it.
        assert_eq!(t.connections()[0].settled(), 5);
        t.ingest(seg(8, false, ACK, 501, 111, 0));
        // Its ACK 111 does not cover the FIN: steps 5 and 6 were rewritten
        // (the FIN waits as pending, applied at a later step).
        assert_eq!(
            t.connections()[0].steps()[5].states[1],
            TcpState::Established
        );
        assert_eq!(t.connections()[0].settled(), 7);
    }

    #[test]
    fn drained_steps_keep_absolute_indices() {
        let mut t = Tracker::new();
        feed(
            &mut t,
            &[
                (true, SYN, 100, 0, 0),
                (false, SYN | ACK, 500, 101, 0),
                (true, ACK, 101, 501, 0),
                (true, PSH | ACK, 101, 501, 10),
            ],
        );
        let whole = t.connections()[0].steps().to_vec();
        let end = t.connections()[0].settled();
        assert_eq!(end, 3);
        t.drain_steps(0, end);
        let conn = t.connection(0).unwrap();
        assert_eq!(conn.drained(), 3);
        assert!(conn.step(2).is_none());
        assert_eq!(conn.step(3), Some(&whole[3]));
        t.release(0);
        let conn = t.connection(0).unwrap();
        assert!(conn.step(3).is_none() && conn.transitions().is_empty());
        assert!(!conn.keeps_steps());
        assert_eq!((conn.packets(), conn.current()), (4, whole[3].states));
    }

    /// Random exchanges (SYNs, FINs, RSTs, data, either side, ACKs that
    /// cover or miss): whatever was settled at some point is what the
    /// whole connection finally shows, steps and transitions alike.
    #[test]
    fn settled_steps_never_change_afterwards() {
        let mut rng = fastrand::Rng::with_seed(11);
        let flags = [SYN, SYN | ACK, ACK, PSH | ACK, FIN | ACK, RST, RST | ACK];
        for _ in 0..3000 {
            let mut t = Tracker::new();
            let mut seen = Vec::new();
            let n = rng.usize(1..14);
            let mut next = [100u32, 500u32];
            for k in 0..n {
                let c = rng.bool();
                let x = usize::from(!c);
                let f = flags[rng.usize(..flags.len())];
                let len = if f & PSH != 0 { 10 } else { 0 };
                let ack = next[1 - x].wrapping_add(rng.u32(0..2));
                let s = seg(k as u64 + 1, c, f, next[x], ack, len);
                next[x] = next[x].wrapping_add(len + u32::from(f & (SYN | FIN) != 0));
                let (i, _) = t.ingest(s);
                if i != 0 {
                    break; // a new connection on the 4-tuple
                }
                let conn = &t.connections()[0];
                let end = conn.settled();
                let trans: Vec<_> = conn
                    .transitions()
                    .iter()
                    .filter(|t| t.step < end)
                    .cloned()
                    .collect();
                seen.push((end, conn.initial, conn.steps()[..end].to_vec(), trans));
            }
            let last = &t.connections()[0];
            for (end, initial, steps, trans) in seen {
                if end > 0 {
                    assert_eq!(initial, last.initial);
                }
                assert_eq!(steps[..], last.steps()[..end]);
                let now: Vec<_> = last.transitions().iter().filter(|t| t.step < end).collect();
                assert_eq!(trans.iter().collect::<Vec<_>>(), now);
            }
        }
    }
}
