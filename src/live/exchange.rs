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

mod port;

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
    /// What it returned, Python style: `b'hello'`, `0 bytes (peer closed)`,
    /// `ConnectionRefusedError: [Errno 111] Connection refused` ...
    pub returned: String,
    /// The error the scenario expected here and got (refused, reset).
    pub error: Option<io::ErrorKind>,
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
}

impl Scenario {
    /// Every scenario, in menu order.
    pub const ALL: [Scenario; 7] = [
        Scenario::Normal,
        Scenario::ServerFirst,
        Scenario::HalfClose,
        Scenario::Abort,
        Scenario::Refused,
        Scenario::Backlog,
        Scenario::Chat,
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
            Ok(returned) => Ok(CallOutcome {
                index,
                returned,
                error: None,
            }),
            Err(e) if Some(e.kind()) == expect => Ok(CallOutcome {
                index,
                returned: python_error(&e),
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
            | Op::SetLinger(s) => side_of(s),
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
                    "{} = socket.socket(socket.{fam}, socket.SOCK_STREAM)",
                    self.name(*s)
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
                format!("{}.sendall({})", self.name(*s), py_bytes(data)),
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
            Op::SetLinger(s) => (
                CallKind::SetLinger,
                format!(
                    "{}.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
                    self.name(*s)
                ),
            ),
        }
    }

    fn build(&mut self) {
        use Op::*;
        use Sock::*;
        let n_clients = if self.scenario == Scenario::Backlog {
            3
        } else {
            1
        };
        self.clients = (0..n_clients).map(|_| None).collect();
        self.conns = (0..n_clients).map(|_| None).collect();
        let (c, conn) = (Client(0), Conn(0));
        if self.scenario == Scenario::Refused {
            self.push(Socket(c));
            self.push(Bind(c));
            self.push_expect(Connect(0), Some(io::ErrorKind::ConnectionRefused));
            self.push(Close(c));
            return;
        }
        self.push(Socket(Listener));
        self.push(Bind(Listener));
        self.push(Listen(if n_clients > 1 { 3 } else { 1 }));
        if self.scenario == Scenario::Backlog {
            for i in 0..n_clients {
                self.push(Socket(Client(i)));
                self.push(Bind(Client(i)));
                self.push(Connect(i));
            }
            for i in 0..n_clients {
                self.push(Accept(i));
            }
            for i in 0..n_clients {
                self.push(Send(
                    Client(i),
                    format!("hello from c{}", i + 1).into_bytes(),
                ));
                self.push(Recv(Conn(i)));
                self.push(Close(Client(i)));
                self.push(Recv(Conn(i)));
                self.push(Close(Conn(i)));
            }
            self.push(Close(Listener));
            return;
        }
        self.push(Socket(c));
        self.push(Bind(c));
        self.push(Connect(0));
        self.push(Accept(0));
        let echo = |ex: &mut Exchange, msg: &[u8]| {
            ex.push(Send(c, msg.to_vec()));
            ex.push(Recv(conn));
            ex.push(Send(conn, msg.to_vec()));
            ex.push(Recv(c));
        };
        match self.scenario {
            Scenario::Normal => {
                echo(self, b"hello");
                self.push(Close(c));
                self.push(Recv(conn));
                self.push(Close(conn));
            }
            Scenario::ServerFirst => {
                echo(self, b"hello");
                self.push(Close(conn));
                self.push(Recv(c));
                self.push(Close(c));
            }
            Scenario::HalfClose => {
                self.push(Send(c, b"hello".to_vec()));
                self.push(Shutdown(c));
                self.push(Recv(conn));
                self.push(Recv(conn));
                self.push(Send(conn, b"still here".to_vec()));
                self.push(Recv(c));
                self.push(Close(conn));
                self.push(Recv(c));
                self.push(Close(c));
            }
            Scenario::Abort => {
                self.push(Send(c, b"hello".to_vec()));
                self.push(Recv(conn));
                self.push(SetLinger(c));
                self.push(Close(c));
                self.push_expect(Recv(conn), Some(io::ErrorKind::ConnectionReset));
                self.push(Close(conn));
            }
            Scenario::Chat => {
                for m in [&b"hi"[..], b"how are you?", b"bye"] {
                    echo(self, m);
                }
                self.push(Close(c));
                self.push(Recv(conn));
                self.push(Close(conn));
            }
            Scenario::Refused | Scenario::Backlog => unreachable!("handled above"),
        }
        self.push(Close(Listener));
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

    fn perform(&mut self, op: &Op) -> io::Result<String> {
        let domain = if self.server.is_ipv6() {
            Domain::IPV6
        } else {
            Domain::IPV4
        };
        match op {
            Op::Socket(s) => {
                let sock = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
                if *s == Sock::Listener {
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
                Ok(format!("<socket fd={fd}, family={fam}, type=SOCK_STREAM>"))
            }
            Op::Bind(s) => {
                let addr = if *s == Sock::Listener {
                    self.server
                } else {
                    SocketAddr::new(self.client_ip, 0)
                };
                let sock = self.sock(*s)?;
                sock.bind(&addr.into())?;
                Ok(format!("None (bound to {})", local(sock)))
            }
            Op::Listen(n) => {
                let sock = self.sock(Sock::Listener)?;
                sock.listen(*n)?;
                sock.set_nonblocking(true)?;
                Ok(format!("None (LISTEN, backlog {n})"))
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
                Ok(out)
            }
            Op::Connect(i) => {
                let server = self.server;
                let sock = self.sock(Sock::Client(*i))?;
                sock.connect_timeout(&server.into(), CALL_TIMEOUT)?;
                set_timeouts(sock)?;
                Ok(format!("None (connected {} → {server})", local(sock)))
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
                Ok(format!("None ({sent} bytes sent)"))
            }
            Op::Recv(s) => {
                let mut sock = self.sock(*s)?;
                let mut buf = [0u8; 1024];
                let n = sock.read(&mut buf)?;
                Ok(if n == 0 {
                    "b'' — 0 bytes (peer closed)".to_string()
                } else {
                    py_bytes(&buf[..n])
                })
            }
            Op::Shutdown(s) => {
                self.sock(*s)?.shutdown(std::net::Shutdown::Write)?;
                Ok("None (FIN queued; can still recv)".into())
            }
            Op::Close(s) => {
                self.slot(*s).take();
                Ok("None".into())
            }
            Op::SetLinger(s) => {
                self.sock(*s)?.set_linger(Some(Duration::ZERO))?;
                Ok("None (close() will now send RST)".into())
            }
        }
    }
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
mod tests {
    use super::*;

    fn run(scenario: Scenario, ipv6: bool) -> (Exchange, Vec<CallOutcome>) {
        let mut ex = Exchange::new(
            scenario,
            ExchangeConfig {
                ipv6,
                ..Default::default()
            },
        )
        .unwrap();
        let n = ex.calls().len();
        let mut outs = Vec::new();
        for r in ex.run_all() {
            match r {
                Ok(o) => outs.push(o),
                Err(e) => panic!("{scenario:?}: {e}"),
            }
        }
        assert_eq!(outs.len(), n);
        assert!(ex.next().is_none());
        (ex, outs)
    }

    /// The outcome of the `nth` call whose text is `text`.
    fn out<'a>(ex: &Exchange, outs: &'a [CallOutcome], text: &str, nth: usize) -> &'a str {
        let idx = ex
            .calls()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.text == text)
            .nth(nth)
            .unwrap_or_else(|| panic!("no call {text}"))
            .0;
        &outs[idx].returned
    }

    const PEER_CLOSED: &str = "b'' — 0 bytes (peer closed)";

    #[test]
    fn normal() {
        let (ex, outs) = run(Scenario::Normal, false);
        assert_eq!(out(&ex, &outs, "data = conn.recv(1024)", 0), "b'hello'");
        assert_eq!(out(&ex, &outs, "data = c.recv(1024)", 0), "b'hello'");
        assert_eq!(out(&ex, &outs, "data = conn.recv(1024)", 1), PEER_CLOSED);
        assert!(out(&ex, &outs, "conn, addr = s.accept()", 0).starts_with("(conn, ('127.0.0."));
        let c = &ex.calls()[0];
        assert_eq!((c.side, c.kind), (Side::Server, CallKind::Socket));
        assert_eq!(
            c.text,
            "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)"
        );
        assert_eq!(ex.ports(), vec![ex.server_addr().port()]);
    }

    #[test]
    fn normal_ipv6() {
        if std::net::TcpListener::bind("[::1]:0").is_err() {
            eprintln!("skipped: no IPv6 loopback");
            return;
        }
        let (ex, outs) = run(Scenario::Normal, true);
        assert!(ex.calls()[0].text.contains("AF_INET6"));
        assert_eq!(out(&ex, &outs, "data = conn.recv(1024)", 1), PEER_CLOSED);
    }

    #[test]
    fn server_first() {
        let (ex, outs) = run(Scenario::ServerFirst, false);
        assert_eq!(out(&ex, &outs, "data = c.recv(1024)", 1), PEER_CLOSED);
    }

    #[test]
    fn half_close() {
        let (ex, outs) = run(Scenario::HalfClose, false);
        assert_eq!(out(&ex, &outs, "data = conn.recv(1024)", 0), "b'hello'");
        assert_eq!(out(&ex, &outs, "data = conn.recv(1024)", 1), PEER_CLOSED);
        assert_eq!(out(&ex, &outs, "data = c.recv(1024)", 0), "b'still here'");
        assert_eq!(out(&ex, &outs, "data = c.recv(1024)", 1), PEER_CLOSED);
    }

    #[test]
    fn abort() {
        let (ex, outs) = run(Scenario::Abort, false);
        let idx = ex
            .calls()
            .iter()
            .rposition(|c| c.kind == CallKind::Recv)
            .unwrap();
        assert_eq!(outs[idx].error, Some(io::ErrorKind::ConnectionReset));
        assert!(
            outs[idx]
                .returned
                .starts_with("ConnectionResetError: [Errno 104]")
        );
    }

    #[test]
    fn refused() {
        let (ex, outs) = run(Scenario::Refused, false);
        let idx = ex
            .calls()
            .iter()
            .position(|c| c.kind == CallKind::Connect)
            .unwrap();
        assert_eq!(outs[idx].error, Some(io::ErrorKind::ConnectionRefused));
        assert!(
            outs[idx]
                .returned
                .starts_with("ConnectionRefusedError: [Errno 111]")
        );
        assert!(ex.calls().iter().all(|c| c.side == Side::Client));
    }

    #[test]
    fn backlog() {
        let (ex, outs) = run(Scenario::Backlog, false);
        // All three connects complete before the first accept.
        let first_accept = ex
            .calls()
            .iter()
            .position(|c| c.kind == CallKind::Accept)
            .unwrap();
        let connects: Vec<usize> = ex
            .calls()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == CallKind::Connect)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(connects.len(), 3);
        assert!(connects.iter().all(|&i| i < first_accept));
        assert_eq!(
            out(&ex, &outs, "data = conn2.recv(1024)", 0),
            "b'hello from c2'"
        );
        assert_eq!(out(&ex, &outs, "data = conn3.recv(1024)", 1), PEER_CLOSED);
    }

    #[test]
    fn chat() {
        let (ex, outs) = run(Scenario::Chat, false);
        assert_eq!(out(&ex, &outs, "data = c.recv(1024)", 1), "b'how are you?'");
        assert_eq!(out(&ex, &outs, "data = conn.recv(1024)", 3), PEER_CLOSED);
    }

    #[test]
    fn fixed_port_and_bytes() {
        let port = free_port(Ipv4Addr::LOCALHOST.into()).unwrap();
        let ex = Exchange::new(
            Scenario::Normal,
            ExchangeConfig {
                port: Some(port),
                client_addr: Some(Ipv4Addr::LOCALHOST.into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ex.ports(), vec![port]);
        assert_eq!(ex.calls()[1].text, format!("s.bind(('127.0.0.1', {port}))"));
    }
}
