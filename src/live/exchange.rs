//! The demo's scenarios as a script of real socket calls, one step at a time.
//!
//! Each scenario mirrors the classic Python socket tutorial (echo server and
//! client): server `socket() bind() listen() accept() recv() send() close()`,
//! client `socket() connect() send() recv() close()`. Every [`Call`] carries
//! the Python line to show in a code panel; [`Exchange::next`] performs the
//! next call for real on loopback.
//!
//! Details that differ from the tutorial, on purpose:
//! - the client binds before connecting (to 127.0.0.2 when possible, so both
//!   ends are easy to tell apart; the kernel then knows the client's port
//!   already when it reports `CLOSE → SYN_SENT`);
//! - the server socket gets `SO_REUSEADDR` (so a fixed port can be reused while
//!   an earlier run's TIME_WAIT socket lingers);
//! - every call is bounded in time: connect and accept wait at most
//!   [`CALL_TIMEOUT`], recv and send have socket timeouts. Nothing blocks
//!   forever.
//!
//! The server port is chosen in [`Exchange::new`], before any call runs, so the
//! sniffer and the kernel trace can be started on [`Exchange::ports`] first.

use std::fmt;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

mod datagram;
mod observe;
mod port;
mod remark;
mod script;

pub use remark::Remark;

use port::free_port;

use super::LiveError;
use super::pytext::{py_addr, py_bytes, python_error};

/// Longest any single call may wait (connect, accept, recv, send).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(2);

/// Which program makes a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The connecting program.
    Client,
    /// The listening program.
    Server,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Side::Client => "client",
            Side::Server => "server",
        })
    }
}

impl From<Side> for crate::conversation::Side {
    fn from(s: Side) -> Self {
        match s {
            Side::Client => crate::conversation::Side::Client,
            Side::Server => crate::conversation::Side::Server,
        }
    }
}

/// What kind of socket call a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// `socket()`.
    Socket,
    /// `bind()`.
    Bind,
    /// `listen()`.
    Listen,
    /// `accept()`.
    Accept,
    /// `connect()`.
    Connect,
    /// `send()` / `sendall()`.
    Send,
    /// `recv()`.
    Recv,
    /// `shutdown(SHUT_WR)`.
    Shutdown,
    /// `close()`.
    Close,
    /// `setsockopt(SO_LINGER, on, 0s)`.
    SetLinger,
    /// `setsockopt(SO_REUSEADDR, 1)`.
    SetReuseAddr,
    /// `sendto()` (UDP).
    SendTo,
    /// `recvfrom()` (UDP).
    RecvFrom,
}

/// One step of the script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// Who makes the call.
    pub side: Side,
    /// The Python-tutorial style line, e.g. `conn, addr = s.accept()`.
    pub text: String,
    /// The kind of call.
    pub kind: CallKind,
}

/// What a performed call returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOutcome {
    /// Index of the call in [`Exchange::calls`].
    pub index: usize,
    /// What it returned, Python style: `None`, `b'hello'`, `b''`,
    /// `ConnectionRefusedError: [Errno 111] Connection refused` ...
    pub returned: String,
    /// What synack adds after it (`bound to …`, `5 bytes sent`), as values
    /// to be put in words by `i18n::call_result`.
    pub remarks: Vec<Remark>,
    /// The error the scenario expected here and got (refused, reset).
    pub error: Option<io::ErrorKind>,
}

impl CallOutcome {
    /// The result as Python printed it, without remarks: `b''`, `None`.
    pub fn value(&self) -> &str {
        &self.returned
    }
}

/// The scenarios of the live demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// Handshake, one echo, the client closes first.
    Normal,
    /// Handshake, one echo, the server closes first.
    ServerFirst,
    /// The client shuts down its sending side; the server still sends, then closes.
    HalfClose,
    /// The client sets `SO_LINGER` to 0 and closes: RST instead of FIN.
    Abort,
    /// Connecting to a port nobody listens on: the kernel answers RST.
    Refused,
    /// Three clients connect before the server accepts: the kernel completes
    /// the handshakes on its own, `accept()` only dequeues them.
    Backlog,
    /// Several messages each way (an echo loop), then the client closes.
    Chat,
    /// The server closes first and is restarted on the same port: `bind()`
    /// fails with `EADDRINUSE` while the old connection is in TIME_WAIT,
    /// and succeeds once the new socket sets `SO_REUSEADDR`.
    ReuseAddr,
    /// The tutorials' "only the first client can talk": a second client
    /// connects while the server serves the first; the kernel completes its
    /// handshake and ACKs its data, but nobody `recv()`s it until the first
    /// client leaves.
    SecondClient,
    /// The tutorial's UDP echo (`SOCK_DGRAM`, `sendto`, `recvfrom`): no
    /// handshake, no teardown, no states; `connect()` and `close()` send
    /// nothing, and a datagram to a closed port is answered by ICMP port
    /// unreachable instead of a RST.
    Udp,
}

impl Scenario {
    /// Every scenario, in menu order.
    pub const ALL: [Scenario; 10] = [
        Scenario::Normal,
        Scenario::ServerFirst,
        Scenario::HalfClose,
        Scenario::Abort,
        Scenario::Refused,
        Scenario::Backlog,
        Scenario::Chat,
        Scenario::ReuseAddr,
        Scenario::SecondClient,
        Scenario::Udp,
    ];
}

/// Where the exchange runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExchangeConfig {
    /// Use `::1` instead of 127.0.0.1.
    pub ipv6: bool,
    /// The server port; `None` picks a free one.
    pub port: Option<u16>,
    /// The client's address; `None` means 127.0.0.2 when it can bind there
    /// (else 127.0.0.1), or `::1` with IPv6.
    pub client_addr: Option<IpAddr>,
}

/// Which socket an operation acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sock {
    Listener,
    Conn(usize),
    Client(usize),
}

#[derive(Clone, Debug)]
enum Op {
    Socket(Sock),
    Bind(Sock),
    Listen(i32),
    Accept(usize),
    Connect(usize),
    Send(Sock, Vec<u8>),
    Recv(Sock),
    Shutdown(Sock),
    Close(Sock),
    SetLinger(Sock),
    SetReuseAddr(Sock),
    SendTo(Sock, Vec<u8>),
    RecvFrom(Sock),
}

/// A scenario in progress: its script and its sockets. Dropping it closes
/// every socket still open.
pub struct Exchange {
    scenario: Scenario,
    server: SocketAddr,
    client_ip: IpAddr,
    calls: Vec<Call>,
    ops: Vec<(Op, Option<io::ErrorKind>)>,
    pos: usize,
    listener: Option<Socket>,
    conns: Vec<Option<Socket>>,
    clients: Vec<Option<Socket>>,
    /// Who sent the server's last datagram (the UDP scenario).
    udp_peer: Option<SocketAddr>,
}

impl Exchange {
    /// Chooses the addresses and the server port and builds the script.
    /// No call is made yet.
    pub fn new(scenario: Scenario, config: ExchangeConfig) -> Result<Exchange, LiveError> {
        let server_ip: IpAddr = if config.ipv6 {
            Ipv6Addr::LOCALHOST.into()
        } else {
            Ipv4Addr::LOCALHOST.into()
        };
        let client_ip = match config.client_addr {
            Some(a) => a,
            None if config.ipv6 => Ipv6Addr::LOCALHOST.into(),
            None => {
                let alt: IpAddr = Ipv4Addr::new(127, 0, 0, 2).into();
                if free_port(alt).is_ok() {
                    alt
                } else {
                    server_ip
                }
            }
        };
        let port = match config.port {
            Some(p) => p,
            None => free_port(server_ip).map_err(LiveError::Setup)?,
        };
        let mut ex = Exchange {
            scenario,
            server: SocketAddr::new(server_ip, port),
            client_ip,
            calls: Vec::new(),
            ops: Vec::new(),
            pos: 0,
            listener: None,
            conns: Vec::new(),
            clients: Vec::new(),
            udp_peer: None,
        };
        ex.build();
        Ok(ex)
    }

    /// The scenario being run.
    pub fn scenario(&self) -> Scenario {
        self.scenario
    }

    /// The server's address (listening socket).
    pub fn server_addr(&self) -> SocketAddr {
        self.server
    }

    /// The address clients bind to before connecting.
    pub fn client_ip(&self) -> IpAddr {
        self.client_ip
    }

    /// `SOCK_STREAM`, or `SOCK_DGRAM` in the UDP scenario.
    fn sock_type(&self) -> &'static str {
        if self.scenario == Scenario::Udp {
            "SOCK_DGRAM"
        } else {
            "SOCK_STREAM"
        }
    }

    /// The local address of client `i`'s socket while it is open.
    fn client_addr(&self, i: usize) -> Option<SocketAddr> {
        self.clients
            .get(i)?
            .as_ref()?
            .local_addr()
            .ok()?
            .as_socket()
    }

    /// The full script.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    /// How many calls have been performed.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The ports that identify this exchange's packets and sockets (every
    /// segment has the server port on one side).
    pub fn ports(&self) -> Vec<u16> {
        vec![self.server.port()]
    }

    /// Performs the next call for real. `None` when the script is done.
    /// An error the scenario expects (refused, reset) is an `Ok` outcome
    /// with [`CallOutcome::error`] set; anything else is an `Err`, and the
    /// script moves on regardless.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<CallOutcome, LiveError>> {
        let index = self.pos;
        let (op, expect) = self.ops.get(index)?.clone();
        self.pos += 1;
        let result = match self.perform(&op) {
            Ok((returned, mut remarks)) => {
                remarks.extend(self.annotate(&op, false));
                Ok(CallOutcome {
                    index,
                    returned,
                    remarks,
                    error: None,
                })
            }
            Err(e) if Some(e.kind()) == expect => Ok(CallOutcome {
                index,
                returned: python_error(&e),
                remarks: self.annotate(&op, true),
                error: Some(e.kind()),
            }),
            Err(e) => Err(LiveError::Call {
                call: self.calls[index].text.clone(),
                source: e,
            }),
        };
        Some(result)
    }

    /// Runs every remaining call, collecting the outcomes.
    pub fn run_all(&mut self) -> Vec<Result<CallOutcome, LiveError>> {
        let mut out = Vec::new();
        while let Some(r) = self.next() {
            out.push(r);
        }
        out
    }

    fn name(&self, s: Sock) -> String {
        let many = self.clients.len() > 1;
        match s {
            Sock::Listener => "s".into(),
            Sock::Conn(i) if many => format!("conn{}", i + 1),
            Sock::Conn(_) => "conn".into(),
            Sock::Client(i) if many => format!("c{}", i + 1),
            Sock::Client(_) => "c".into(),
        }
    }

    fn push(&mut self, op: Op) {
        self.push_expect(op, None);
    }

    fn push_expect(&mut self, op: Op, expect: Option<io::ErrorKind>) {
        let side = match op {
            Op::Socket(s)
            | Op::Bind(s)
            | Op::Send(s, _)
            | Op::Recv(s)
            | Op::Shutdown(s)
            | Op::Close(s)
            | Op::SetLinger(s)
            | Op::SetReuseAddr(s)
            | Op::SendTo(s, _)
            | Op::RecvFrom(s) => side_of(s),
            Op::Listen(_) | Op::Accept(_) => Side::Server,
            Op::Connect(_) => Side::Client,
        };
        let (kind, text) = self.describe(&op);
        self.calls.push(Call { side, text, kind });
        self.ops.push((op, expect));
    }

    fn describe(&self, op: &Op) -> (CallKind, String) {
        let fam = if self.server.is_ipv6() {
            "AF_INET6"
        } else {
            "AF_INET"
        };
        let srv = format!("('{}', {})", self.server.ip(), self.server.port());
        match op {
            Op::Socket(s) => (
                CallKind::Socket,
                format!(
                    "{} = socket.socket(socket.{fam}, socket.{})",
                    self.name(*s),
                    self.sock_type()
                ),
            ),
            Op::Bind(Sock::Listener) => (CallKind::Bind, format!("s.bind({srv})")),
            Op::Bind(s) => (
                CallKind::Bind,
                format!("{}.bind(('{}', 0))", self.name(*s), self.client_ip),
            ),
            Op::Listen(n) => (CallKind::Listen, format!("s.listen({n})")),
            Op::Accept(i) => (
                CallKind::Accept,
                format!("{}, addr = s.accept()", self.name(Sock::Conn(*i))),
            ),
            Op::Connect(i) => (
                CallKind::Connect,
                format!("{}.connect({srv})", self.name(Sock::Client(*i))),
            ),
            Op::Send(s, data) => (
                CallKind::Send,
                if self.scenario == Scenario::Udp {
                    // One datagram: send() returns the bytes it took.
                    format!("{}.send({})", self.name(*s), py_bytes(data))
                } else {
                    format!("{}.sendall({})", self.name(*s), py_bytes(data))
                },
            ),
            Op::Recv(s) => (
                CallKind::Recv,
                format!("data = {}.recv(1024)", self.name(*s)),
            ),
            Op::Shutdown(s) => (
                CallKind::Shutdown,
                format!("{}.shutdown(socket.SHUT_WR)", self.name(*s)),
            ),
            Op::Close(s) => (CallKind::Close, format!("{}.close()", self.name(*s))),
            Op::SetReuseAddr(s) => (
                CallKind::SetReuseAddr,
                format!(
                    "{}.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                    self.name(*s)
                ),
            ),
            Op::SendTo(s, data) => (
                CallKind::SendTo,
                match s {
                    Sock::Listener => "s.sendto(data, addr)".to_string(),
                    _ => format!("{}.sendto({}, {srv})", self.name(*s), py_bytes(data)),
                },
            ),
            Op::RecvFrom(s) => (
                CallKind::RecvFrom,
                format!("data, addr = {}.recvfrom(1024)", self.name(*s)),
            ),
            Op::SetLinger(s) => (
                CallKind::SetLinger,
                format!(
                    "{}.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
                    self.name(*s)
                ),
            ),
        }
    }

    fn slot(&mut self, s: Sock) -> &mut Option<Socket> {
        match s {
            Sock::Listener => &mut self.listener,
            Sock::Conn(i) => &mut self.conns[i],
            Sock::Client(i) => &mut self.clients[i],
        }
    }

    fn sock(&mut self, s: Sock) -> io::Result<&Socket> {
        self.slot(s)
            .as_ref()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "socket not open"))
    }

    fn perform(&mut self, op: &Op) -> io::Result<(String, Vec<Remark>)> {
        let domain = if self.server.is_ipv6() {
            Domain::IPV6
        } else {
            Domain::IPV4
        };
        match op {
            Op::Socket(s) if self.scenario == Scenario::Udp => plain(self.udp_socket(*s, domain)),
            Op::SendTo(s, data) => plain(self.send_to(*s, data)),
            Op::RecvFrom(s) => plain(self.recv_from(*s)),
            Op::Connect(i) if self.scenario == Scenario::Udp => self.udp_connect(*i),
            Op::Socket(s) => {
                let sock = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
                // The classic scenarios set SO_REUSEADDR quietly (a fixed
                // --port can then be reused at once); `reuseaddr` shows it.
                if *s == Sock::Listener && self.scenario != Scenario::ReuseAddr {
                    sock.set_reuse_address(true)?;
                }
                let fd = {
                    use std::os::fd::AsRawFd;
                    sock.as_raw_fd()
                };
                *self.slot(*s) = Some(sock);
                let fam = if self.server.is_ipv6() {
                    "AF_INET6"
                } else {
                    "AF_INET"
                };
                plain(Ok(format!(
                    "<socket fd={fd}, family={fam}, type=SOCK_STREAM>"
                )))
            }
            Op::Bind(s) => {
                let addr = if *s == Sock::Listener {
                    self.server
                } else {
                    SocketAddr::new(self.client_ip, 0)
                };
                let sock = self.sock(*s)?;
                sock.bind(&addr.into())?;
                let bound = sock.local_addr()?.as_socket().unwrap_or(addr);
                Ok(("None".into(), vec![Remark::Bound(bound)]))
            }
            Op::Listen(n) => {
                let sock = self.sock(Sock::Listener)?;
                sock.listen(*n)?;
                sock.set_nonblocking(true)?;
                Ok(("None".into(), vec![Remark::Listening(*n)]))
            }
            Op::Accept(i) => {
                let sock = self.sock(Sock::Listener)?;
                let deadline = Instant::now() + CALL_TIMEOUT;
                let (conn, peer) = loop {
                    match sock.accept() {
                        Ok(x) => break x,
                        Err(e)
                            if e.kind() == io::ErrorKind::WouldBlock
                                && Instant::now() < deadline =>
                        {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            return Err(io::Error::new(
                                io::ErrorKind::TimedOut,
                                "no connection to accept",
                            ));
                        }
                        Err(e) => return Err(e),
                    }
                };
                conn.set_nonblocking(false)?;
                set_timeouts(&conn)?;
                let peer = peer.as_socket().map(|a| a.to_string()).unwrap_or_default();
                let out = format!("({}, {})", self.name(Sock::Conn(*i)), py_addr(&peer));
                self.conns[*i] = Some(conn);
                Ok((out, Vec::new()))
            }
            Op::Connect(i) => {
                let server = self.server;
                let sock = self.sock(Sock::Client(*i))?;
                sock.connect_timeout(&server.into(), CALL_TIMEOUT)?;
                set_timeouts(sock)?;
                Ok(("None".into(), vec![Remark::Connected(local(sock), server)]))
            }
            Op::Send(s, data) => {
                let sock = self.sock(*s)?;
                let mut sent = 0;
                // Bounded: each send either progresses or times out.
                for _ in 0..64 {
                    if sent == data.len() {
                        break;
                    }
                    sent += sock.send_with_flags(&data[sent..], libc::MSG_NOSIGNAL)?;
                }
                Ok(if self.scenario == Scenario::Udp {
                    (sent.to_string(), Vec::new())
                } else {
                    ("None".into(), vec![Remark::Sent(sent)])
                })
            }
            Op::Recv(s) => {
                let mut sock = self.sock(*s)?;
                let mut buf = [0u8; 1024];
                let n = sock.read(&mut buf)?;
                Ok(if n == 0 {
                    ("b''".to_string(), vec![Remark::PeerClosed])
                } else {
                    (py_bytes(&buf[..n]), Vec::new())
                })
            }
            Op::Shutdown(s) => {
                self.sock(*s)?.shutdown(std::net::Shutdown::Write)?;
                Ok(("None".into(), vec![Remark::FinQueued]))
            }
            Op::Close(s) => {
                self.slot(*s).take();
                Ok(("None".into(), Vec::new()))
            }
            Op::SetReuseAddr(s) => {
                self.sock(*s)?.set_reuse_address(true)?;
                Ok(("None".into(), vec![Remark::ReuseAddrOn]))
            }
            Op::SetLinger(s) => {
                self.sock(*s)?.set_linger(Some(Duration::ZERO))?;
                Ok(("None".into(), vec![Remark::LingerRst]))
            }
        }
    }
}

/// A result with no remark.
fn plain(r: io::Result<String>) -> io::Result<(String, Vec<Remark>)> {
    r.map(|s| (s, Vec::new()))
}

fn side_of(s: Sock) -> Side {
    match s {
        Sock::Client(_) => Side::Client,
        Sock::Listener | Sock::Conn(_) => Side::Server,
    }
}

fn set_timeouts(s: &Socket) -> io::Result<()> {
    s.set_read_timeout(Some(CALL_TIMEOUT))?;
    s.set_write_timeout(Some(CALL_TIMEOUT))
}

fn local(s: &Socket) -> String {
    s.local_addr()
        .ok()
        .and_then(|a: SockAddr| a.as_socket())
        .map(|a| a.to_string())
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests;
