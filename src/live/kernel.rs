//! The kernel's own view: TCP state changes from the tracepoint
//! `sock:inet_sock_set_state`, read from a private tracefs instance.
//!
//! [`KernelTrace::start`] creates `instances/synack-<pid>-<n>` (never touching
//! the global trace buffer or other tools' instances), filters the event to
//! TCP and the exchange's ports, and reads `trace_pipe` on a thread with a
//! bounded poll, so [`KernelTrace::stop`] cannot hang. Stopping (also on drop,
//! also during a panic's unwinding) disables the event and removes the
//! instance (the tracefs operations themselves are
//! [`super::privileged`]'s). With the broker ([`super::broker`]), the broker owns the
//! instance and this process only reads the `trace_pipe` it was handed.
//!
//! Linux hands an actively closed socket to a separate, light time-wait
//! socket: the tracepoint shows `FIN_WAIT2 → CLOSE` for the active closer,
//! never `TIME_WAIT`. [`super::proc_net::time_wait_sockets`] reads
//! `/proc/net/tcp{,6}` to show those time-wait sockets.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

use super::LiveError;
use super::join::join_within;
use super::privileged::{create_instance, remove_instance};
use crate::state::TcpState;

const POLL_MS: i32 = 100;
const STOP_TIMEOUT: Duration = Duration::from_secs(2);

/// One state change of one socket, as the kernel reported it.
#[derive(Clone, Debug, PartialEq)]
pub struct KernelTransition {
    /// Trace clock timestamp in seconds (the `local` clock: monotonic since boot).
    pub ts: f64,
    /// The socket's own address (`saddr:sport`; port 0 before it has one).
    pub local: SocketAddr,
    /// The peer's address (`daddr:dport`; all zero for a listener).
    pub remote: SocketAddr,
    /// State before.
    pub from: TcpState,
    /// State after.
    pub to: TcpState,
    /// The kernel's names as printed (`TCP_NEW_SYN_RECV` maps to SYN_RECV).
    pub raw_from: String,
    /// The kernel's name of the new state.
    pub raw_to: String,
}

/// The transitions of connected sockets (not listeners), as the records
/// [`crate::truth`] compares with the inferred states.
pub fn connection_records(transitions: &[KernelTransition]) -> Vec<crate::truth::KernelRecord> {
    transitions
        .iter()
        .filter(|k| k.remote.port() != 0)
        .map(|k| crate::truth::KernelRecord {
            local: k.local,
            remote: k.remote,
            from: k.from,
            to: k.to,
        })
        .collect()
}

/// The kernel's transitions as `captures/*.kernel.tsv` (the one writer:
/// the demo's and watch's `--save`). A socket is the server's when the
/// kernel shows it coming out of LISTEN (a passive open: the child socket
/// starts as a copy of the listener, `LISTEN → SYN_RECV`) or is a
/// listener, the client's otherwise.
pub fn kernel_tsv(kernel: &[KernelTransition]) -> String {
    let passive: Vec<(SocketAddr, SocketAddr)> = kernel
        .iter()
        .filter(|k| k.from == TcpState::Listen && k.remote.port() != 0)
        .map(|k| (k.local, k.remote))
        .collect();
    let mut tsv = String::from("time_s\tside\tlocal\tremote\toldstate\tnewstate\tkind\n");
    for k in kernel {
        let listener = k.remote.port() == 0;
        let kind = if listener { "listener" } else { "conn" };
        let side = if listener || passive.contains(&(k.local, k.remote)) {
            "server"
        } else {
            "client"
        };
        let _ = writeln!(
            tsv,
            "{:.6}\t{side}\t{}\t{}\t{}\t{}\t{kind}",
            k.ts,
            k.local,
            k.remote,
            k.raw_from.trim_start_matches("TCP_"),
            k.raw_to.trim_start_matches("TCP_")
        );
    }
    tsv
}

/// The TIME_WAIT sockets as `captures/*.timewait.txt`: a `# heading`
/// line, then one `0      0      LOCAL REMOTE` line per socket.
pub fn timewait_txt(heading: &str, sockets: &[(SocketAddr, SocketAddr)]) -> String {
    let mut tw = format!("# {heading}\n");
    for (l, r) in sockets {
        let _ = writeln!(tw, "0      0      {l} {r}");
    }
    tw
}

/// Parses one `trace_pipe` line of `inet_sock_set_state` (TCP only).
pub fn parse_line(line: &str) -> Option<KernelTransition> {
    let (head, body) = line.split_once(" inet_sock_set_state: ")?;
    let ts: f64 = head
        .trim_end()
        .trim_end_matches(':')
        .rsplit(' ')
        .next()?
        .parse()
        .ok()?;
    let mut family = "";
    let (mut sport, mut dport) = (0u16, 0u16);
    let (mut saddr, mut daddr, mut saddr6, mut daddr6) = (None, None, None, None);
    let (mut old, mut new) = ("", "");
    for kv in body.split_whitespace() {
        let (k, v) = kv.split_once('=')?;
        match k {
            "family" => family = v,
            "protocol" if v != "IPPROTO_TCP" => return None,
            "sport" => sport = v.parse().ok()?,
            "dport" => dport = v.parse().ok()?,
            "saddr" => saddr = v.parse::<Ipv4Addr>().ok(),
            "daddr" => daddr = v.parse::<Ipv4Addr>().ok(),
            "saddrv6" => saddr6 = v.parse::<Ipv6Addr>().ok(),
            "daddrv6" => daddr6 = v.parse::<Ipv6Addr>().ok(),
            "oldstate" => old = v,
            "newstate" => new = v,
            _ => {}
        }
    }
    let (s, d): (IpAddr, IpAddr) = if family == "AF_INET6" {
        (saddr6?.into(), daddr6?.into())
    } else {
        (saddr?.into(), daddr?.into())
    };
    Some(KernelTransition {
        ts,
        local: SocketAddr::new(s, sport),
        remote: SocketAddr::new(d, dport),
        from: TcpState::from_name(old)?,
        to: TcpState::from_name(new)?,
        raw_from: old.to_string(),
        raw_to: new.to_string(),
    })
}

/// A running kernel trace of TCP state changes on some ports.
pub struct KernelTrace {
    instance: PathBuf,
    /// Whether the broker ([`super::broker`]) owns the instance.
    brokered: bool,
    transitions: Receiver<KernelTransition>,
    raw: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    done: Option<Receiver<()>>,
    thread: Option<JoinHandle<()>>,
    cleaned: bool,
    /// If a signal ends the process meanwhile: stop reading, close
    /// `trace_pipe` (the instance cannot be removed while it is open) and
    /// remove the instance (the broker removes its own when stopped).
    _on_exit: crate::shutdown::ExitAction,
}

/// The [`crate::shutdown::on_exit`] action of a running trace: stops the
/// reader and waits (at most 1 s) until it has closed `trace_pipe`, then
/// removes a local instance.
fn exit_cleanup(
    instance: &Path,
    brokered: bool,
    stop: &Arc<AtomicBool>,
    closed: &Arc<AtomicBool>,
) -> crate::shutdown::ExitAction {
    let (instance, stop, closed) = (instance.to_path_buf(), Arc::clone(stop), Arc::clone(closed));
    crate::shutdown::on_exit(move || {
        stop.store(true, Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while !closed.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        if !brokered {
            let _ = remove_instance(&instance);
        }
    })
}

impl KernelTrace {
    /// Creates a private tracefs instance (through the broker when there
    /// is one), enables `sock:inet_sock_set_state` for TCP on `ports` and
    /// starts reading it. Transitions made after this returns are reported.
    pub fn start(ports: &[u16]) -> Result<KernelTrace, LiveError> {
        let (instance, pipe, brokered) = match super::broker::start_trace(ports) {
            Some(r) => {
                let (name, pipe) = r?;
                (PathBuf::from(name), pipe, true)
            }
            None => {
                let (dir, pipe) = create_instance(ports)?;
                (dir, pipe, false)
            }
        };
        // From here on, cleanup must run: build the value first.
        let (tx, transitions) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let closed = Arc::new(AtomicBool::new(false));
        let on_exit = exit_cleanup(&instance, brokered, &stop, &closed);
        let mut trace = KernelTrace {
            instance,
            brokered,
            transitions,
            raw: Arc::default(),
            stop,
            done: Some(done),
            thread: None,
            cleaned: false,
            _on_exit: on_exit,
        };
        let stop = Arc::clone(&trace.stop);
        let raw = Arc::clone(&trace.raw);
        let thread = std::thread::Builder::new()
            .name("synack-ktrace".into())
            .spawn(move || {
                read_loop(pipe, &tx, &raw, &stop);
                closed.store(true, Ordering::SeqCst);
                let _ = done_tx.send(());
            })
            .map_err(|e| LiveError::Tracefs(format!("cannot start the trace thread: {e}")))?;
        trace.thread = Some(thread);
        Ok(trace)
    }

    /// The channel of state changes, in kernel order.
    pub fn transitions(&self) -> &Receiver<KernelTransition> {
        &self.transitions
    }

    /// The raw `trace_pipe` lines read so far (for display or debugging).
    pub fn raw_lines(&self) -> Vec<String> {
        self.raw.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The instance directory this trace uses (its name only when the
    /// broker owns it).
    pub fn instance_dir(&self) -> &Path {
        &self.instance
    }

    /// Stops reading (after draining what the kernel already buffered),
    /// disables the event and removes the instance. Bounded: about 2 s at
    /// most. Transitions stay readable from [`KernelTrace::transitions`].
    pub fn stop(&mut self) -> Result<(), LiveError> {
        if self.cleaned {
            return Ok(());
        }
        self.stop.store(true, Ordering::SeqCst);
        if let Some(done) = self.done.take() {
            let _ = join_within(&done, &mut self.thread, STOP_TIMEOUT);
        }
        self.cleaned = true;
        if self.brokered {
            let name = self.instance.to_string_lossy();
            return super::broker::stop_trace(&name).unwrap_or(Ok(()));
        }
        remove_instance(&self.instance)
    }
}

impl Drop for KernelTrace {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn poll_readable(file: &File, timeout_ms: i32) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `pfd` is a valid pollfd on our stack, count 1, and the file
    // descriptor stays open (borrowed) during the call.
    let rc = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(rc > 0)
}

fn read_loop(
    mut pipe: File,
    tx: &mpsc::Sender<KernelTransition>,
    raw: &std::sync::Mutex<Vec<String>>,
    stop: &AtomicBool,
) {
    let mut pending = Vec::new();
    let mut buf = vec![0u8; 16384];
    let mut idle_after_stop = 0;
    // Bounded: each pass waits at most POLL_MS; after stop, at most a few passes.
    loop {
        let stopping = stop.load(Ordering::SeqCst);
        if stopping && idle_after_stop >= 2 {
            return;
        }
        let ready = poll_readable(&pipe, POLL_MS).unwrap_or(false);
        let n = if ready {
            match pipe.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
                Err(_) => return,
            }
        } else {
            0
        };
        if n == 0 {
            if stopping {
                idle_after_stop += 1;
            }
            if !ready {
                continue;
            }
            // Readable but nothing read: avoid spinning.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        pending.extend_from_slice(&buf[..n]);
        while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=pos).collect();
            let line = String::from_utf8_lossy(&line).trim_end().to_string();
            if let Ok(mut r) = raw.lock()
                && r.len() < 10_000
            {
                r.push(line.clone());
            }
            if let Some(t) = parse_line(&line) {
                let _ = tx.send(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::net::TcpListener;

    /// The one writer reproduces, byte for byte, every record the demo's
    /// `--save` wrote into `captures/` (the side of each socket included,
    /// once decided by the server's address, now by the passive open).
    #[test]
    fn kernel_tsv_rewrites_the_demo_records_unchanged() {
        let mut checked = 0;
        for entry in std::fs::read_dir("captures").unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !(name.starts_with("demo-") && name.ends_with(".kernel.tsv")) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let transitions: Vec<KernelTransition> = text
                .lines()
                .skip(1)
                .map(|line| {
                    let f: Vec<&str> = line.split('\t').collect();
                    KernelTransition {
                        ts: f[0].parse().unwrap(),
                        local: f[2].parse().unwrap(),
                        remote: f[3].parse().unwrap(),
                        from: TcpState::from_name(&format!("TCP_{}", f[4])).unwrap(),
                        to: TcpState::from_name(&format!("TCP_{}", f[5])).unwrap(),
                        raw_from: format!("TCP_{}", f[4]),
                        raw_to: format!("TCP_{}", f[5]),
                    }
                })
                .collect();
            assert_eq!(kernel_tsv(&transitions), text, "{name}");
            checked += 1;
        }
        assert!(checked >= 9, "only {checked} demo records in captures/");
    }

    #[test]
    fn parses_trace_lines() {
        let l = "          <idle>-0       [001] ..s2.  1234.567890: inet_sock_set_state: family=AF_INET protocol=IPPROTO_TCP sport=5000 dport=41000 saddr=127.0.0.1 daddr=127.0.0.2 saddrv6=::ffff:127.0.0.1 daddrv6=::ffff:127.0.0.2 oldstate=TCP_SYN_RECV newstate=TCP_ESTABLISHED";
        let t = parse_line(l).unwrap();
        assert_eq!(t.ts, 1234.56789);
        assert_eq!(t.local, "127.0.0.1:5000".parse().unwrap());
        assert_eq!(t.remote, "127.0.0.2:41000".parse().unwrap());
        assert_eq!(
            (t.from, t.to),
            (TcpState::SynReceived, TcpState::Established)
        );
        let l6 = "x-1 [000] ..... 5.000001: inet_sock_set_state: family=AF_INET6 protocol=IPPROTO_TCP sport=0 dport=5000 saddr=0.0.0.0 daddr=0.0.0.0 saddrv6=::1 daddrv6=::1 oldstate=TCP_CLOSE newstate=TCP_SYN_SENT";
        let t = parse_line(l6).unwrap();
        assert_eq!(t.remote, "[::1]:5000".parse().unwrap());
        assert_eq!(t.to, TcpState::SynSent);
        assert!(parse_line(&l6.replace("IPPROTO_TCP", "IPPROTO_MPTCP")).is_none());
        assert!(parse_line("garbage").is_none());
    }

    #[test]
    fn instance_removed_on_panic() {
        let dir = std::panic::catch_unwind(|| {
            let trace = match KernelTrace::start(&[9]) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("skipped: {e}");
                    return None::<()>;
                }
            };
            let dir = trace.instance_dir().to_path_buf();
            assert!(dir.is_dir());
            std::panic::panic_any(dir)
        });
        match dir {
            Ok(None) => {}
            Ok(Some(_)) => unreachable!(),
            Err(payload) => {
                let dir = payload.downcast::<PathBuf>().unwrap();
                assert!(
                    !dir.exists(),
                    "instance left after panic: {}",
                    dir.display()
                );
            }
        }
    }

    #[test]
    fn traces_a_real_exchange() {
        let listener_port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let mut trace = match KernelTrace::start(&[listener_port]) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("skipped: {e}");
                return;
            }
        };
        let dir = trace.instance_dir().to_path_buf();
        assert!(dir.is_dir());
        let listener = TcpListener::bind(("127.0.0.1", listener_port)).unwrap();
        let client =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        client
            .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        let caddr = client.local_addr().unwrap().as_socket().unwrap();
        client
            .connect_timeout(
                &listener.local_addr().unwrap().into(),
                Duration::from_secs(2),
            )
            .unwrap();
        let (s, _) = listener.accept().unwrap();
        crate::live::echo_and_close(client.into(), s);
        drop(listener);
        let tw = super::super::proc_net::time_wait_sockets(listener_port);
        std::thread::sleep(Duration::from_millis(200));
        trace.stop().unwrap();
        assert!(!dir.exists(), "instance dir left behind");
        for l in trace.raw_lines() {
            eprintln!("RAW {l}");
        }
        let all: Vec<KernelTransition> = trace.transitions().try_iter().collect();
        let seq = |addr: SocketAddr| -> Vec<(TcpState, TcpState)> {
            all.iter()
                .filter(|t| t.local == addr)
                .map(|t| (t.from, t.to))
                .collect()
        };
        let client_seq = seq(caddr);
        use TcpState::*;
        assert!(
            client_seq.starts_with(&[(Closed, SynSent), (SynSent, Established)]),
            "client: {client_seq:?}"
        );
        let lsock: SocketAddr = ("127.0.0.1".parse::<IpAddr>().unwrap(), listener_port).into();
        let lseq: Vec<_> = all
            .iter()
            .filter(|t| t.local == lsock && t.remote.port() == 0)
            .map(|t| (t.from, t.to))
            .collect();
        assert!(lseq.contains(&(Closed, Listen)), "listener: {lseq:?}");
        assert!(
            tw.iter().any(|t| t.local == caddr
                && t.remote.port() == listener_port
                && t.state == TimeWait),
            "client should be in TIME_WAIT: {tw:?}"
        );
    }
}
