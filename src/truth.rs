//! Comparing the inferred states with the Linux kernel's own transitions
//! (tracepoint `sock:inet_sock_set_state`). Pure: takes records, returns
//! verdicts; reading the tracepoint is `live::kernel`'s job.
//!
//! Two kernel facts are normalised:
//! * Linux hands a closing socket to a separate time-wait socket, so the
//!   tracepoint shows `FIN_WAIT2 → CLOSE` or `CLOSING → CLOSE` for the
//!   active closer. When `ss`/`/proc/net/tcp` lists the socket in TIME_WAIT
//!   afterwards, that `CLOSE` is TIME_WAIT.
//! * A passive opener's socket appears only when the handshake's final ACK
//!   arrives (`LISTEN → SYN_RECV → ESTABLISHED` at once: until then the
//!   kernel keeps a light request sock), so kernel and model agree on the
//!   sequence of states, not on the moment of SYN_RECV.
//! * close() after shutdown(SHUT_WR) in FIN_WAIT2 records `FIN_WAIT2 →
//!   FIN_WAIT2` (`tcp_close_state` sets the state it already has): no
//!   change of state, dropped.

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

/// The kernel's sequence of states for the socket `local`→`remote`,
/// normalised as the module docs say. A socket the kernel never reported
/// (nobody listening) is CLOSED throughout.
pub fn kernel_chain(
    records: &[KernelRecord],
    timewait: &[(SocketAddr, SocketAddr)],
    local: SocketAddr,
    remote: SocketAddr,
) -> Vec<TcpState> {
    let mut mine: Vec<&KernelRecord> = records
        .iter()
        .filter(|r| r.local == local && r.remote == remote && r.from != r.to)
        .collect();
    drop_duplicate_child(&mut mine);
    let Some(first) = mine.first() else {
        return vec![TcpState::Closed];
    };
    let mut chain = vec![first.from];
    chain.extend(mine.iter().map(|r| r.to));
    let n = chain.len();
    if n >= 2
        && chain[n - 1] == TcpState::Closed
        && matches!(chain[n - 2], TcpState::FinWait2 | TcpState::Closing)
        && timewait.contains(&(local, remote))
    {
        chain[n - 1] = TcpState::TimeWait;
    }
    chain
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
}

impl Verdict {
    /// Whether both went through the same states.
    pub fn agrees(&self) -> bool {
        self.kernel == self.inferred
    }
}

/// Compares both endpoints of `conn` with the kernel's records.
pub fn compare(
    conn: &Connection,
    records: &[KernelRecord],
    timewait: &[(SocketAddr, SocketAddr)],
) -> [Verdict; 2] {
    [Side::Client, Side::Server].map(|side| {
        let (local, remote) = match side {
            Side::Client => (conn.client(), conn.server()),
            Side::Server => (conn.server(), conn.client()),
        };
        Verdict {
            side,
            kernel: kernel_chain(records, timewait, local, remote),
            inferred: inferred_chain(conn, side),
        }
    })
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

    fn rec(l: &str, r: &str, from: TcpState, to: TcpState) -> KernelRecord {
        KernelRecord {
            local: l.parse().unwrap(),
            remote: r.parse().unwrap(),
            from,
            to,
        }
    }

    #[test]
    fn fin_wait2_close_is_time_wait_when_ss_lists_the_socket() {
        use TcpState::*;
        let (c, s) = ("10.0.0.1:4000", "10.0.0.2:80");
        let recs = [
            rec(c, s, Closed, SynSent),
            rec(c, s, SynSent, Established),
            rec(c, s, Established, FinWait1),
            rec(c, s, FinWait1, FinWait2),
            rec(c, s, FinWait2, Closed),
        ];
        let (cl, sv) = (c.parse().unwrap(), s.parse().unwrap());
        let tw = [(cl, sv)];
        assert_eq!(
            kernel_chain(&recs, &tw, cl, sv),
            vec![Closed, SynSent, Established, FinWait1, FinWait2, TimeWait]
        );
        assert_eq!(kernel_chain(&recs, &[], cl, sv).last(), Some(&Closed));
        assert_eq!(kernel_chain(&recs, &tw, sv, cl), vec![Closed]);
    }

    #[test]
    fn duplicate_child_that_lost_the_race_is_not_a_state() {
        use TcpState::*;
        let (s, c) = ("10.0.0.2:80", "10.0.0.1:4000");
        let recs = [
            rec(s, c, Listen, SynReceived),
            rec(s, c, Listen, SynReceived),
            rec(s, c, SynReceived, Closed),
            rec(s, c, SynReceived, Established),
            rec(s, c, Established, CloseWait),
        ];
        let (sv, cl) = (s.parse().unwrap(), c.parse().unwrap());
        assert_eq!(
            kernel_chain(&recs, &[], sv, cl),
            vec![Listen, SynReceived, Established, CloseWait]
        );
    }
}
