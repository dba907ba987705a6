//! What the kernel's socket table adds to a call's result, where it is the
//! lesson: the TIME_WAIT socket (and its seconds left) that makes a
//! restarted server's `bind()` fail, and the bytes a queued connection
//! holds that nobody has `recv()`'d.

use std::time::{Duration, Instant};

use super::{Exchange, Op, Remark, Scenario, Sock};
use crate::live::proc_net::{self, ProcSocket};
use crate::state::TcpState;

/// How long to wait for loopback to queue sent bytes at the receiver.
const QUEUE_WAIT: Duration = Duration::from_millis(200);

impl Exchange {
    /// What `/proc/net/tcp` shows about the call, for the calls of the
    /// `reuseaddr` and `second-client` lessons (`failed`: the call raised).
    pub(super) fn annotate(&self, op: &Op, failed: bool) -> Vec<Remark> {
        let port = self.server.port();
        match (self.scenario, op) {
            (Scenario::ReuseAddr, Op::Bind(Sock::Listener)) => {
                match time_wait(&proc_net::sockets(port), port) {
                    Some(tw) => vec![Remark::TimeWait {
                        after_error: failed,
                        local: tw.local,
                        remote: tw.remote,
                        secs: secs(tw),
                    }],
                    None => Vec::new(),
                }
            }
            (Scenario::SecondClient, Op::Send(Sock::Client(1), data)) if !failed => {
                let Some(local) = self.client_addr(1) else {
                    return Vec::new();
                };
                // The bytes reach the receiver's queue within microseconds
                // on loopback; look again for a bounded moment.
                let deadline = Instant::now() + QUEUE_WAIT;
                loop {
                    let rows = proc_net::sockets(port);
                    let queued = rows
                        .iter()
                        .find(|s| s.remote == local && s.local.port() == port);
                    match queued {
                        Some(s)
                            if s.recv_q as usize >= data.len() || Instant::now() >= deadline =>
                        {
                            return vec![Remark::RecvQ {
                                queued: s.recv_q,
                                local: s.local,
                                remote: s.remote,
                            }];
                        }
                        None if Instant::now() >= deadline => return Vec::new(),
                        _ => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
            }
            _ => Vec::new(),
        }
    }
}

/// The TIME_WAIT socket holding the server's address, if any.
fn time_wait(rows: &[ProcSocket], port: u16) -> Option<&ProcSocket> {
    rows.iter()
        .find(|s| s.state == TcpState::TimeWait && s.local.port() == port)
}

/// Whole seconds left on a socket's timer, rounded up.
fn secs(s: &ProcSocket) -> u64 {
    s.timer.map_or(0, |t| t.as_millis().div_ceil(1000) as u64)
}
