//! Comparing the inferred states with the Linux kernel's own transitions
//! (tracepoint `sock:inet_sock_set_state`). Pure: takes records, returns
//! verdicts; reading the tracepoint is `live::kernel`'s job, reading the
//! socket table `live::proc_net`'s.
//!
//! Kernel facts this module applies:
//! * **The time-wait hand-over.** Linux hands a closing connection over
//!   from its full socket to a separate, light time-wait socket
//!   (`tcp_time_wait()`, net/ipv4/tcp_minisocks.c): when the full socket
//!   is orphaned in FIN_WAIT2 (close() before the peer's FIN), or when it
//!   enters TIME_WAIT from FIN_WAIT2 or CLOSING. The tracepoint records
//!   `FIN_WAIT2 → CLOSE` or `CLOSING → CLOSE` for the full socket and
//!   nothing more: the time-wait socket changes state (FIN_WAIT2 →
//!   TIME_WAIT when the peer's FIN arrives) without a tracepoint. The
//!   socket table (`/proc/net/tcp`, `ss`) lists the time-wait socket in
//!   its current state (timer 3). So when the table listed a time-wait
//!   socket of the connection, the full socket's `CLOSE` is dropped from
//!   the connection's chain and the states the table listed follow
//!   ([`TimeWaitSockets`]): `FIN_WAIT2 → TIME_WAIT` as the kernel holds it.
//!   A `FIN_WAIT2 → CLOSE` with no time-wait socket listed is a real close
//!   (a RST, a timer).
//! * A passive opener's socket appears only when the handshake's final ACK
//!   arrives (`LISTEN → SYN_RECV → ESTABLISHED` at once: until then the
//!   kernel keeps a light request sock), so kernel and model agree on the
//!   sequence of states, not on the moment of SYN_RECV. Until then the
//!   side has no record at all, which a live source shows as waiting,
//!   never as a disagreement.
//! * close() after shutdown(SHUT_WR) in FIN_WAIT2 records `FIN_WAIT2 →
//!   FIN_WAIT2` (`tcp_close_state` sets the state it already has): no
//!   change of state, dropped.
//!
//! While records may still be on their way (a live source: the trace
//! thread polls every 100 ms, the table is read after the tracepoint), a
//! side whose chains differ only by one being ahead of the other is
//! [`Outcome::Waiting`], never a disagreement.

use std::net::SocketAddr;

use crate::conversation::{Connection, Side};
use crate::state::TcpState;

/// One kernel state change of one socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelRecord {
    /// The socket's own address.
    pub local: SocketAddr,
    /// The peer's address.
    pub remote: SocketAddr,
    /// State before.
    pub from: TcpState,
    /// State after.
    pub to: TcpState,
}

/// A time-wait socket as one reading of the socket table listed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWaitSocket {
    /// The socket's own address.
    pub local: SocketAddr,
    /// The peer's address.
    pub remote: SocketAddr,
    /// Its state: FIN_WAIT2 (the peer's FIN not arrived yet) or TIME_WAIT.
    pub state: TcpState,
}

/// What the readings of the socket table showed of time-wait sockets so
/// far: for each, the states it was listed in, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimeWaitSockets {
    seen: Vec<(SocketAddr, SocketAddr, Vec<TcpState>)>,
}

impl TimeWaitSockets {
    /// Sockets a listing showed in TIME_WAIT (`ss state time-wait`, as in
    /// `captures/*.timewait.txt`).
    pub fn in_time_wait(pairs: &[(SocketAddr, SocketAddr)]) -> TimeWaitSockets {
        let mut t = TimeWaitSockets::default();
        for &(local, remote) in pairs {
            t.observe(&[TimeWaitSocket {
                local,
                remote,
                state: TcpState::TimeWait,
            }]);
        }
        t
    }

    /// Adds one reading of the table.
    pub fn observe(&mut self, rows: &[TimeWaitSocket]) {
        for r in rows {
            match self
                .seen
                .iter_mut()
                .find(|(l, p, _)| *l == r.local && *p == r.remote)
            {
                Some((_, _, states)) => {
                    if states.last() != Some(&r.state) {
                        states.push(r.state);
                    }
                }
                None => self.seen.push((r.local, r.remote, vec![r.state])),
            }
        }
    }

    /// Forgets every reading (a new session).
    pub fn clear(&mut self) {
        self.seen.clear();
    }

    /// The states the table listed the time-wait socket `local`→`remote`
    /// in (empty: never listed).
    pub fn states(&self, local: SocketAddr, remote: SocketAddr) -> &[TcpState] {
        self.seen
            .iter()
            .find(|(l, r, _)| *l == local && *r == remote)
            .map_or(&[], |(_, _, s)| s.as_slice())
    }

    /// The sockets last listed in `state`, as (local, remote) pairs.
    pub fn last_in(&self, state: TcpState) -> Vec<(SocketAddr, SocketAddr)> {
        self.seen
            .iter()
            .filter(|(_, _, s)| s.last() == Some(&state))
            .map(|(l, r, _)| (*l, *r))
            .collect()
    }
}

/// The kernel's record of one side of a connection, normalised as the
/// module docs say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelChain {
    /// The connection's states, as the kernel held them.
    pub states: Vec<TcpState>,
    /// The state in which the full socket handed the connection over to a
    /// time-wait socket, when it did.
    pub handed_over: Option<TcpState>,
    /// The chain ends with a close that may be a hand-over whose time-wait
    /// socket the table has not listed yet (`FIN_WAIT2 → CLOSE` or
    /// `CLOSING → CLOSE`, no listing).
    pub unlisted_close: bool,
}

/// Whether `r` is a full socket's close that may be a time-wait hand-over.
fn closes_into_time_wait(r: &KernelRecord) -> bool {
    r.to == TcpState::Closed && matches!(r.from, TcpState::FinWait2 | TcpState::Closing)
}

/// The records of the socket `local`→`remote` that change its state, in
/// order, without a duplicate child that lost a race.
fn records_of(
    records: &[KernelRecord],
    local: SocketAddr,
    remote: SocketAddr,
) -> Vec<&KernelRecord> {
    let mut mine: Vec<&KernelRecord> = records
        .iter()
        .filter(|r| r.local == local && r.remote == remote && r.from != r.to)
        .collect();
    drop_duplicate_child(&mut mine);
    mine
}

/// The kernel's sequence of states for the socket `local`→`remote`,
/// normalised as the module docs say. A socket the kernel never reported
/// (nobody listening) is CLOSED throughout.
pub fn kernel_chain(
    records: &[KernelRecord],
    timewait: &TimeWaitSockets,
    local: SocketAddr,
    remote: SocketAddr,
) -> KernelChain {
    let mine = records_of(records, local, remote);
    let Some(first) = mine.first() else {
        return KernelChain {
            states: vec![TcpState::Closed],
            handed_over: None,
            unlisted_close: false,
        };
    };
    let mut states = vec![first.from];
    states.extend(mine.iter().map(|r| r.to));
    let listed = timewait.states(local, remote);
    let mut handed_over = None;
    if let Some(last) = mine.last()
        && closes_into_time_wait(last)
        && !listed.is_empty()
    {
        states.pop();
        handed_over = Some(last.from);
        for &s in listed {
            if states.last() != Some(&s) {
                states.push(s);
            }
        }
    }
    let unlisted_close =
        handed_over.is_none() && mine.last().is_some_and(|r| closes_into_time_wait(r));
    KernelChain {
        states,
        handed_over,
        unlisted_close,
    }
}

/// One state change of a connection's side, as the kernel holds it: the
/// tracepoint's records of the full socket, then the time-wait socket's
/// states as the table listed them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelStep {
    /// State before.
    pub from: TcpState,
    /// State after.
    pub to: TcpState,
    /// Which socket: the full socket (tracepoint) or the time-wait socket
    /// (socket table).
    pub time_wait_socket: bool,
    /// The full socket's close that handed the connection over to its
    /// time-wait socket (not a state of the connection).
    pub handed_over: bool,
}

/// Every kernel step of the side `local`→`remote`: the full socket's
/// records (its hand-over marked), then the time-wait socket's changes.
pub fn kernel_steps(
    records: &[KernelRecord],
    timewait: &TimeWaitSockets,
    local: SocketAddr,
    remote: SocketAddr,
) -> Vec<KernelStep> {
    let mine = records_of(records, local, remote);
    let listed = timewait.states(local, remote);
    let hand_over = mine
        .last()
        .filter(|r| closes_into_time_wait(r) && !listed.is_empty())
        .map(|r| r.from);
    let mut out: Vec<KernelStep> = mine
        .iter()
        .enumerate()
        .map(|(i, r)| KernelStep {
            from: r.from,
            to: r.to,
            time_wait_socket: false,
            handed_over: hand_over.is_some() && i + 1 == mine.len(),
        })
        .collect();
    if let Some(mut at) = hand_over {
        for &s in listed {
            if s != at {
                out.push(KernelStep {
                    from: at,
                    to: s,
                    time_wait_socket: true,
                    handed_over: false,
                });
                at = s;
            }
        }
    }
    out
}

/// Removes a passive child socket that lost a race: when duplicate SYNs
/// are answered concurrently, Linux may create two children for one
/// 4-tuple (`LISTEN → SYN_RECV` twice) and destroys the loser at once
/// (`SYN_RECV → CLOSE`) before the winner goes ESTABLISHED. One connection
/// on the wire; the loser is no state of it.
fn drop_duplicate_child(records: &mut Vec<&KernelRecord>) {
    let opens = records
        .iter()
        .filter(|r| r.from == TcpState::Listen && r.to == TcpState::SynReceived)
        .count();
    if opens < 2 {
        return;
    }
    let second = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.from == TcpState::Listen && r.to == TcpState::SynReceived)
        .nth(1)
        .map(|(i, _)| i);
    let lost = records
        .iter()
        .position(|r| r.from == TcpState::SynReceived && r.to == TcpState::Closed);
    if let (Some(second), Some(lost)) = (second, lost)
        && lost > second
    {
        records.remove(lost);
        records.remove(second);
    }
}

/// synack's sequence of states for one endpoint: its initial state, then
/// each transition's target.
pub fn inferred_chain(conn: &Connection, side: Side) -> Vec<TcpState> {
    let mut chain = vec![conn.initial[side.idx()]];
    chain.extend(
        conn.transitions()
            .iter()
            .filter(|t| t.endpoint == side)
            .map(|t| t.to),
    );
    chain
}

/// Kernel and model side by side for one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Which endpoint.
    pub side: Side,
    /// The kernel's states, normalised.
    pub kernel: Vec<TcpState>,
    /// synack's states.
    pub inferred: Vec<TcpState>,
    /// The state in which the kernel handed this side over to a time-wait
    /// socket, when it did.
    pub handed_over: Option<TcpState>,
    /// The kernel's chain ends with a close the socket table has not
    /// shown to be a hand-over yet ([`KernelChain::unlisted_close`]).
    pub unlisted_close: bool,
}

/// What the kernel column says of one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The kernel went through the inferred states.
    Agrees,
    /// The kernel's record is not settled yet: records may still arrive
    /// and the chains differ only by one being ahead of the other.
    Waiting,
    /// The kernel went through other states.
    Disagrees,
}

impl Verdict {
    /// Whether both went through the same states.
    pub fn agrees(&self) -> bool {
        self.kernel == self.inferred
    }

    /// The verdict to show: `live` says records may still be on their way
    /// (a call in flight, a watch still running); then chains of which one
    /// is a prefix of the other are [`Outcome::Waiting`], and so is a
    /// close that may be a hand-over the socket table has not been read
    /// for yet. A finished source's record is settled: agreement or
    /// disagreement.
    pub fn outcome(&self, live: bool) -> Outcome {
        let compatible = |kernel: &[TcpState]| {
            kernel.starts_with(&self.inferred) || self.inferred.starts_with(kernel)
        };
        let before_close = &self.kernel[..self.kernel.len().saturating_sub(1)];
        // A passive opener's full socket does not exist before the
        // handshake's final ACK: no record yet is not a state.
        let child_not_born =
            self.kernel == [TcpState::Closed] && self.inferred.first() == Some(&TcpState::Listen);
        if self.agrees() {
            Outcome::Agrees
        } else if live
            && (compatible(&self.kernel)
                || child_not_born
                || (self.unlisted_close && compatible(before_close)))
        {
            Outcome::Waiting
        } else {
            Outcome::Disagrees
        }
    }
}

/// Compares both endpoints of `conn` with the kernel's records.
pub fn compare(
    conn: &Connection,
    records: &[KernelRecord],
    timewait: &TimeWaitSockets,
) -> [Verdict; 2] {
    [Side::Client, Side::Server].map(|side| {
        let (local, remote) = sockets_of(conn, side);
        let chain = kernel_chain(records, timewait, local, remote);
        Verdict {
            side,
            kernel: chain.states,
            inferred: inferred_chain(conn, side),
            handed_over: chain.handed_over,
            unlisted_close: chain.unlisted_close,
        }
    })
}

/// `side`'s socket in `conn`: (its own address, the peer's).
pub fn sockets_of(conn: &Connection, side: Side) -> (SocketAddr, SocketAddr) {
    match side {
        Side::Client => (conn.client(), conn.server()),
        Side::Server => (conn.server(), conn.client()),
    }
}

/// The kernel steps of both sides of `conn` ([`kernel_steps`]), each with
/// its side, as the `--json` documents list them (`kernel_transitions`):
/// `{"endpoint", "from", "to", "socket": "full" | "time-wait"}`, the full
/// socket's hand-over close with `"handed_over": true`.
pub fn kernel_transitions_json(
    conn: &Connection,
    records: &[KernelRecord],
    timewait: &TimeWaitSockets,
) -> serde_json::Value {
    let mut out = Vec::new();
    for side in [Side::Client, Side::Server] {
        let (local, remote) = sockets_of(conn, side);
        for k in kernel_steps(records, timewait, local, remote) {
            let mut v = serde_json::json!({
                "endpoint": side.name(),
                "from": k.from,
                "to": k.to,
                "socket": if k.time_wait_socket { "time-wait" } else { "full" },
            });
            if k.handed_over {
                v["handed_over"] = serde_json::json!(true);
            }
            out.push(v);
        }
    }
    serde_json::Value::Array(out)
}

/// `CLOSED → SYN_SENT → ESTABLISHED`.
pub fn chain_text(chain: &[TcpState]) -> String {
    chain
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(" → ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use TcpState::*;

    fn rec(l: &str, r: &str, from: TcpState, to: TcpState) -> KernelRecord {
        KernelRecord {
            local: l.parse().unwrap(),
            remote: r.parse().unwrap(),
            from,
            to,
        }
    }

    const C: &str = "10.0.0.1:4000";
    const S: &str = "10.0.0.2:80";

    /// The active closer's records: close() in ESTABLISHED, the ACK of its
    /// FIN, then the hand-over (`FIN_WAIT2 → CLOSE` of the full socket).
    fn closer() -> Vec<KernelRecord> {
        vec![
            rec(C, S, Closed, SynSent),
            rec(C, S, SynSent, Established),
            rec(C, S, Established, FinWait1),
            rec(C, S, FinWait1, FinWait2),
            rec(C, S, FinWait2, Closed),
        ]
    }

    fn tw(state: TcpState) -> TimeWaitSocket {
        TimeWaitSocket {
            local: C.parse().unwrap(),
            remote: S.parse().unwrap(),
            state,
        }
    }

    fn addrs() -> (SocketAddr, SocketAddr) {
        (C.parse().unwrap(), S.parse().unwrap())
    }

    #[test]
    fn fin_wait2_close_is_time_wait_when_ss_lists_the_socket() {
        let recs = closer();
        let (cl, sv) = addrs();
        let listed = TimeWaitSockets::in_time_wait(&[(cl, sv)]);
        let chain = kernel_chain(&recs, &listed, cl, sv);
        assert_eq!(
            chain.states,
            vec![Closed, SynSent, Established, FinWait1, FinWait2, TimeWait]
        );
        assert_eq!(chain.handed_over, Some(FinWait2));
        let none = TimeWaitSockets::default();
        let real_close = kernel_chain(&recs, &none, cl, sv);
        assert_eq!(real_close.states.last(), Some(&Closed));
        assert_eq!(real_close.handed_over, None);
        assert_eq!(kernel_chain(&recs, &listed, sv, cl).states, vec![Closed]);
    }

    /// The orphaned FIN_WAIT2 of the normal demo after `c.close()`: the
    /// table lists the time-wait socket in FIN_WAIT2 (the connection goes
    /// on), then in TIME_WAIT once the peer's FIN arrived.
    #[test]
    fn an_orphaned_fin_wait2_goes_on_as_a_time_wait_socket() {
        let recs = closer();
        let (cl, sv) = addrs();
        let mut table = TimeWaitSockets::default();
        table.observe(&[tw(FinWait2)]);
        let chain = kernel_chain(&recs, &table, cl, sv);
        assert_eq!(
            chain.states,
            vec![Closed, SynSent, Established, FinWait1, FinWait2]
        );
        assert_eq!(chain.handed_over, Some(FinWait2));
        table.observe(&[tw(FinWait2)]);
        table.observe(&[tw(TimeWait)]);
        assert_eq!(table.states(cl, sv), &[FinWait2, TimeWait]);
        let chain = kernel_chain(&recs, &table, cl, sv);
        assert_eq!(chain.states.last(), Some(&TimeWait));
        assert_eq!(chain.states.len(), 6);

        let steps = kernel_steps(&recs, &table, cl, sv);
        let last: Vec<(TcpState, TcpState, bool, bool)> = steps
            .iter()
            .rev()
            .take(2)
            .map(|k| (k.from, k.to, k.time_wait_socket, k.handed_over))
            .collect();
        assert_eq!(
            last,
            vec![
                (FinWait2, TimeWait, true, false),
                (FinWait2, Closed, false, true)
            ]
        );
        assert_eq!(table.last_in(TimeWait), vec![(cl, sv)]);
        assert!(table.last_in(FinWait2).is_empty());
    }

    /// CLOSING → CLOSE hands over straight into TIME_WAIT.
    #[test]
    fn closing_hands_over_into_time_wait() {
        let (cl, sv) = addrs();
        let recs = [
            rec(C, S, Established, FinWait1),
            rec(C, S, FinWait1, Closing),
            rec(C, S, Closing, Closed),
        ];
        let mut table = TimeWaitSockets::default();
        table.observe(&[tw(TimeWait)]);
        assert_eq!(
            kernel_chain(&recs, &table, cl, sv).states,
            vec![Established, FinWait1, Closing, TimeWait]
        );
    }

    fn verdict(kernel: Vec<TcpState>, inferred: Vec<TcpState>) -> Verdict {
        Verdict {
            side: Side::Client,
            kernel,
            inferred,
            handed_over: None,
            unlisted_close: false,
        }
    }

    #[test]
    fn a_record_behind_or_ahead_waits_while_live_and_disagrees_when_settled() {
        let behind = verdict(vec![Closed, SynSent], vec![Closed, SynSent, Established]);
        assert_eq!(behind.outcome(true), Outcome::Waiting);
        assert_eq!(behind.outcome(false), Outcome::Disagrees);
        let ahead = verdict(vec![Closed, SynSent, Established], vec![Closed, SynSent]);
        assert_eq!(ahead.outcome(true), Outcome::Waiting);
        let other = verdict(
            vec![Closed, SynSent, Closed],
            vec![Closed, SynSent, Established],
        );
        assert_eq!(other.outcome(true), Outcome::Disagrees);
        let same = verdict(vec![Closed, SynSent], vec![Closed, SynSent]);
        assert_eq!(same.outcome(true), Outcome::Agrees);
        assert_eq!(same.outcome(false), Outcome::Agrees);
        // The hand-over's close read before the table was.
        let mut unread = verdict(
            vec![Established, FinWait1, FinWait2, Closed],
            vec![Established, FinWait1, FinWait2, TimeWait],
        );
        assert_eq!(unread.outcome(true), Outcome::Disagrees);
        unread.unlisted_close = true;
        assert_eq!(unread.outcome(true), Outcome::Waiting);
        assert_eq!(unread.outcome(false), Outcome::Disagrees);
    }

    #[test]
    fn a_passive_side_before_its_child_socket_exists_waits_while_live() {
        // server-first: after the SYN (and SYN-ACK) synack holds the server
        // in SYN_RECV; the kernel keeps a request sock, no full socket and
        // no record, until the final ACK.
        let mut v = verdict(vec![Closed], vec![Listen, SynReceived]);
        v.side = Side::Server;
        assert_eq!(v.outcome(true), Outcome::Waiting);
        assert_eq!(v.outcome(false), Outcome::Disagrees);
        // An active side with no record and a model that left CLOSED is a
        // record behind: waiting too, by the prefix rule.
        let c = verdict(vec![Closed], vec![Closed, SynSent]);
        assert_eq!(c.outcome(true), Outcome::Waiting);
        // A record that exists and differs is no unborn child.
        let mut other = verdict(vec![Closed, SynSent], vec![Listen, SynReceived]);
        other.side = Side::Server;
        assert_eq!(other.outcome(true), Outcome::Disagrees);
    }

    #[test]
    fn duplicate_child_that_lost_the_race_is_not_a_state() {
        let recs = [
            rec(S, C, Listen, SynReceived),
            rec(S, C, Listen, SynReceived),
            rec(S, C, SynReceived, Closed),
            rec(S, C, SynReceived, Established),
            rec(S, C, Established, CloseWait),
        ];
        let (cl, sv) = addrs();
        assert_eq!(
            kernel_chain(&recs, &TimeWaitSockets::default(), sv, cl).states,
            vec![Listen, SynReceived, Established, CloseWait]
        );
    }
}
