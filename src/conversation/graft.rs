//! A long connection's walk without reading all of it: its first steps
//! from a reading of its first frames, everything else from the summary
//! a whole reading already gave (the walk-through's frame index keeps only
//! each connection's first frames, `replay/index.rs`).
//!
//! Correct only when no later segment can rewrite those first steps: a
//! step's states depend on the segments up to it, except that a rollback
//! (`endpoint.rs`: a receiver's next ACK shows it had not processed a SYN
//! or FIN it was credited with) rewrites the states from that tentative
//! reception on. So the steps before the earliest SYN or FIN either
//! endpoint still holds as tentative are final (`settle.rs` says the same
//! for the streamed output), and [`Connection::graft`] refuses the rest.
//! Pure data: no I/O.

use super::Connection;

impl Connection {
    /// The connection `summary` describes (a whole reading's, keeping no
    /// steps), with the first `keep` steps of `first`: a reading, keeping
    /// steps, of the same connection's first frames only (and of the
    /// connections before it between the same sockets). Its transitions
    /// are those at the kept steps (later ones are not listed: a walk
    /// never reaches them); counts, times, final states and
    /// [`Connection::steps_not_kept`] are the summary's.
    ///
    /// `None` when `first` has fewer than `keep` steps, or when a segment
    /// it did not read could still rewrite one of them (a SYN or FIN held
    /// as tentative before step `keep`, or an initial LISTEN that may turn
    /// out CLOSED; RFC 9293 §3.10.7): then only a whole reading tells.
    pub fn graft(summary: &Connection, first: Connection, keep: usize) -> Option<Connection> {
        if first.rewritable_from().is_some_and(|r| r < keep.max(1)) {
            return None;
        }
        let mut t = first.timeline.filter(|t| t.analyzer.is_some())?;
        if t.drained != 0 || t.steps.len() < keep {
            return None;
        }
        t.steps.truncate(keep);
        t.transitions.retain(|x| x.step < keep);
        t.icmp = summary.icmp().to_vec();
        t.spill = summary
            .timeline
            .as_ref()
            .map(|s| s.spill)
            .unwrap_or_default();
        let mut out = summary.clone();
        out.timeline = Some(t);
        Some(out)
    }
}
