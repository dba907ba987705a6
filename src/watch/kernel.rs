//! The kernel column of a watch: the kernel's transitions and TIME_WAIT
//! sockets received so far, and per connection whether they agree with
//! the inferred states ([`crate::truth`]). Pure: fed by
//! [`super::WatchEvent`]s, read by the `--print`/`--json` driver and the UI.

use std::net::{IpAddr, SocketAddr};

use crate::conversation::{Connection, Side};
use crate::live::kernel::KernelTransition;
use crate::truth::{self, KernelRecord, TimeWaitSocket, TimeWaitSockets, Verdict};

/// Kernel transitions kept by a view; older ones are dropped beyond it
/// (the view says so: [`KernelView::capped`]).
pub const KEEP: usize = 100_000;

/// One side of a connection, as the kernel saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SideVerdict {
    /// The socket is not on this machine (its address is not one of this
    /// machine's in this network namespace).
    NotHere,
    /// Kernel and model compared.
    Compared(Verdict),
}

/// A connection, as the kernel saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KernelVerdict {
    /// No trace (why).
    Unavailable(String),
    /// Neither socket is on this machine.
    NotHere,
    /// The sockets existed before the capture started: their early states
    /// are unknown, nothing to compare.
    MidStream,
    /// Each side (client first).
    Sides([SideVerdict; 2]),
}

impl KernelVerdict {
    /// Whether some side on this machine is [`truth::Outcome::Waiting`]
    /// (`live`: records may still arrive).
    pub fn waiting(&self, live: bool) -> bool {
        let KernelVerdict::Sides(sides) = self else {
            return false;
        };
        sides.iter().any(
            |s| matches!(s, SideVerdict::Compared(v) if v.outcome(live) == truth::Outcome::Waiting),
        )
    }

    /// `Some(true)` when every side on this machine agrees, `Some(false)`
    /// when one disagrees, `None` when nothing was compared.
    pub fn agrees(&self) -> Option<bool> {
        let KernelVerdict::Sides(sides) = self else {
            return None;
        };
        let compared: Vec<&Verdict> = sides
            .iter()
            .filter_map(|s| match s {
                SideVerdict::Compared(v) => Some(v),
                SideVerdict::NotHere => None,
            })
            .collect();
        if compared.is_empty() {
            return None;
        }
        Some(compared.iter().all(|v| v.agrees()))
    }
}

/// The kernel's transitions and TIME_WAIT sockets received so far.
#[derive(Clone, Debug, Default)]
pub struct KernelView {
    records: Vec<KernelRecord>,
    timewait: TimeWaitSockets,
    local: Vec<IpAddr>,
    /// Why there is no trace, when there is none.
    pub unavailable: Option<String>,
    /// Transitions dropped because `KEEP` (100,000) were kept already.
    pub dropped: u64,
    /// `CLOSE → SYN_SENT` of sockets connecting without a local port yet.
    unbound: Vec<KernelRecord>,
}

impl KernelView {
    /// A view for a machine with these addresses.
    pub fn new(local: Vec<IpAddr>, unavailable: Option<String>) -> KernelView {
        KernelView {
            local,
            unavailable,
            ..KernelView::default()
        }
    }

    /// Adds a transition (listeners' are not kept: they belong to no
    /// connection). A client that did not bind() goes `CLOSE → SYN_SENT`
    /// before connect() picks its port, so the kernel reports it with local
    /// port 0; it is given the port of the first later record of a socket
    /// connected to the same peer that has no earlier record.
    pub fn push(&mut self, k: &KernelTransition) {
        if k.remote.port() == 0 {
            return;
        }
        let rec = KernelRecord {
            local: k.local,
            remote: k.remote,
            from: k.from,
            to: k.to,
        };
        if rec.local.port() == 0 {
            self.unbound.push(rec);
            return;
        }
        let first = !self
            .records
            .iter()
            .any(|r| r.local == rec.local && r.remote == rec.remote);
        if first
            && let Some(i) = self.unbound.iter().position(|u| {
                u.remote == rec.remote
                    && (u.local.ip() == rec.local.ip() || u.local.ip().is_unspecified())
            })
        {
            let mut opened = self.unbound.remove(i);
            opened.local = rec.local;
            self.keep(opened);
        }
        self.keep(rec);
    }

    fn keep(&mut self, rec: KernelRecord) {
        if self.records.len() >= KEEP {
            self.dropped += 1;
        } else {
            self.records.push(rec);
        }
    }

    /// Adds a reading of time-wait sockets.
    pub fn add_timewait(&mut self, tw: &[TimeWaitSocket]) {
        self.timewait.observe(tw);
    }

    /// The kernel's transitions of `conn` as the `--json` document lists
    /// them ([`truth::kernel_transitions_json`]).
    pub fn transitions_json(&self, conn: &Connection) -> serde_json::Value {
        truth::kernel_transitions_json(conn, &self.records, &self.timewait)
    }

    /// Whether transitions were dropped for lack of room.
    pub fn capped(&self) -> bool {
        self.dropped > 0
    }

    /// The kernel's records of one connection's two sockets, with the side
    /// each belongs to.
    pub fn records_of(&self, conn: &Connection) -> Vec<(Side, &KernelRecord)> {
        self.records
            .iter()
            .filter_map(|r| {
                if r.local == conn.client() && r.remote == conn.server() {
                    Some((Side::Client, r))
                } else if r.local == conn.server() && r.remote == conn.client() {
                    Some((Side::Server, r))
                } else {
                    None
                }
            })
            .collect()
    }

    /// Whether the socket at `addr` lives on this machine, in this network
    /// namespace: its address is one of the machine's (or loopback). The
    /// tracepoint also reports sockets of other namespaces, but their
    /// TIME_WAIT sockets cannot be read from this namespace's /proc, so
    /// they are not compared (a veth peer in another namespace is, for
    /// this watch, another machine).
    fn here(&self, addr: SocketAddr) -> bool {
        addr.ip().is_loopback() || self.local.contains(&addr.ip())
    }

    /// Kernel and model compared for `conn`.
    pub fn verdict(&self, conn: &Connection) -> KernelVerdict {
        if let Some(why) = &self.unavailable {
            return KernelVerdict::Unavailable(why.clone());
        }
        let here = [self.here(conn.client()), self.here(conn.server())];
        if !here[0] && !here[1] {
            return KernelVerdict::NotHere;
        }
        if conn.mid_stream() {
            return KernelVerdict::MidStream;
        }
        let [c, s] = truth::compare(conn, &self.records, &self.timewait);
        let side = |here: bool, v: Verdict| {
            if here {
                SideVerdict::Compared(v)
            } else {
                SideVerdict::NotHere
            }
        };
        KernelVerdict::Sides([side(here[0], c), side(here[1], s)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::TcpState::{self, *};

    fn k(l: &str, r: &str, from: TcpState, to: TcpState) -> KernelTransition {
        KernelTransition {
            ts: 0.0,
            local: l.parse().unwrap(),
            remote: r.parse().unwrap(),
            from,
            to,
            raw_from: String::new(),
            raw_to: String::new(),
        }
    }

    /// The tutorial exchange from a real capture, with the kernel's records
    /// of both sockets as the tracepoint reports them.
    fn normal() -> Connection {
        let r = crate::replay::load(std::path::Path::new("captures/normal.pcap")).unwrap();
        r.connections()[0].clone()
    }

    /// The client's time-wait socket, listed in TIME_WAIT.
    fn in_time_wait(conn: &Connection) -> TimeWaitSocket {
        TimeWaitSocket {
            local: conn.client(),
            remote: conn.server(),
            state: TimeWait,
        }
    }

    /// The records `captures/make-captures.sh` wrote beside normal.pcap.
    fn recorded() -> Vec<KernelTransition> {
        let tsv = std::fs::read_to_string("captures/normal.kernel.tsv").unwrap();
        tsv.lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let st = |n: &str| TcpState::from_name(n).unwrap();
                k(f[2], f[3], st(f[4]), st(f[5]))
            })
            .collect()
    }

    #[test]
    fn both_sides_here_agree_and_foreign_ones_are_not_here() {
        let conn = normal();
        let mut view = KernelView::new(vec![conn.client().ip(), conn.server().ip()], None);
        for r in recorded() {
            view.push(&r);
        }
        view.add_timewait(&[in_time_wait(&conn)]);
        // The listener's two records are not the connection's.
        assert_eq!(view.records_of(&conn).len(), 10);
        let v = view.verdict(&conn);
        assert_eq!(v.agrees(), Some(true), "{v:?}");

        // Elsewhere: addresses not on this machine and no record.
        let away = KernelView::new(vec!["192.0.2.1".parse().unwrap()], None);
        if !conn.client().ip().is_loopback() {
            assert_eq!(away.verdict(&conn), KernelVerdict::NotHere);
            assert_eq!(away.verdict(&conn).agrees(), None);
        }
        let off = KernelView::new(vec![], Some("no tracefs".into()));
        assert!(matches!(off.verdict(&conn), KernelVerdict::Unavailable(_)));
    }

    /// A client that did not bind(): its first record has local port 0
    /// (as traced on Linux 6.18 with Python's connect()).
    #[test]
    fn an_unbound_connect_gets_its_port() {
        let conn = normal();
        let mut view = KernelView::new(vec![conn.client().ip(), conn.server().ip()], None);
        let unbound = std::net::SocketAddr::new(conn.client().ip(), 0).to_string();
        for r in recorded() {
            if r.from == Closed && r.to == SynSent {
                view.push(&k(&unbound, &r.remote.to_string(), Closed, SynSent));
            } else {
                view.push(&r);
            }
        }
        view.add_timewait(&[in_time_wait(&conn)]);
        assert_eq!(
            view.verdict(&conn).agrees(),
            Some(true),
            "{:?}",
            view.verdict(&conn)
        );
    }

    #[test]
    fn a_missing_kernel_step_disagrees() {
        let conn = normal();
        let (c, s) = (conn.client().to_string(), conn.server().to_string());
        let mut view = KernelView::new(vec![conn.client().ip()], None);
        view.push(&k(&c, &s, Closed, SynSent));
        view.push(&k(&c, &s, SynSent, Established));
        let v = view.verdict(&conn);
        assert_eq!(v.agrees(), Some(false), "{v:?}");
        let KernelVerdict::Sides([client, _]) = &v else {
            panic!("{v:?}")
        };
        assert!(matches!(client, SideVerdict::Compared(v) if !v.agrees()));
    }
}
