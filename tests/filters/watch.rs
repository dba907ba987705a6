//! `synack watch EXPRESSION`: the expression is the packet socket's kernel
//! filter (with `--port`/`--host` joined by `and`), so a second loopback
//! connection it leaves out is never queued to the socket at all; a bad
//! expression is a usage error (exit status 2) of one line. The live tests
//! need root (CAP_NET_RAW) and say so without it; every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use synack::filter::{Expression, OnEthernet};
use synack::live::sniffer::{Filter, Options, Sniffer};

use super::run::{error_of, synack};

/// The longest any wait of these tests takes.
const WAIT: Duration = Duration::from_secs(20);

fn root() -> bool {
    // SAFETY: geteuid cannot fail.
    let euid = unsafe { libc::geteuid() };
    if euid != 0 {
        eprintln!("skipped: needs root (CAP_NET_RAW)");
    }
    euid == 0
}

/// A listener on every loopback address, on a port the kernel picks (a
/// different one each call; held, so no client is handed it).
fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("0.0.0.0:0").unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// One exchange to `to`: connect, 5 bytes each way, the client closes
/// first, then the server. Returns the client's address.
fn exchange(l: &TcpListener, to: SocketAddr) -> SocketAddr {
    let mut c = TcpStream::connect_timeout(&to, WAIT).unwrap();
    let (mut s, _) = l.accept().unwrap();
    for s in [&c, &s] {
        s.set_read_timeout(Some(WAIT)).unwrap();
    }
    let mut buf = [0u8; 5];
    c.write_all(b"hello").unwrap();
    s.read_exact(&mut buf).unwrap();
    s.write_all(&buf).unwrap();
    c.read_exact(&mut buf).unwrap();
    let client = c.local_addr().unwrap();
    drop(c);
    assert_eq!(s.read(&mut buf).unwrap(), 0, "the client's FIN");
    client
}

/// The lines of a child's pipe, read on a thread.
fn lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// `synack watch ARGS`, once its stderr says the capture is on.
fn watch(args: &[&str]) -> (Child, Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .arg("watch")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = lines(child.stderr.take().unwrap());
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match err.recv_timeout(left) {
            Ok(l) if l.contains("capturing on") => break,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                panic!("no 'capturing on' within {WAIT:?}");
            }
        }
    }
    (child, err)
}

/// The child's exit status and stdout; a watchdog kills it past [`WAIT`]
/// (and the test then fails).
fn output_of(child: Child) -> (std::process::ExitStatus, String) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let (done, exited) = channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let late = exited.recv_timeout(WAIT).is_err();
        if late {
            // SAFETY: kill(2) takes a pid and a signal number, no memory.
            // `done` is sent right after the child is reaped, so past WAIT
            // without it the pid is still our unreaped child's.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        late
    });
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    assert!(
        !watchdog.join().unwrap(),
        "synack watch did not stop within {WAIT:?}"
    );
    (out.status, String::from_utf8(out.stdout).unwrap())
}

#[test]
fn an_expression_leaves_a_second_loopback_connection_out() {
    if !root() {
        return;
    }
    let (l, port) = listener();
    let p = port.to_string();
    // --port as a shorthand joined with the expression by `and`.
    let (child, _err) = watch(&[
        "--port",
        &p,
        "--json",
        "--connections",
        "1",
        "--duration",
        "15",
        "not",
        "host",
        "127.0.0.2",
    ]);
    // The one left out first, so that --connections 1 ends on the other.
    let left_out = exchange(&l, SocketAddr::from(([127, 0, 0, 2], port)));
    let kept = exchange(&l, SocketAddr::from(([127, 0, 0, 1], port)));
    let (status, out) = output_of(child);
    assert!(status.success(), "{status:?}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1, "{doc:#}");
    assert_eq!(conns[0]["client"], kept.to_string(), "{doc:#}");
    assert_eq!(conns[0]["server"], format!("127.0.0.1:{port}"));
    assert_ne!(left_out.port(), kept.port());
    assert!(!out.contains(&format!("127.0.0.2:{port}")), "{out}");
    assert!(!out.contains(&format!(":{}\"", left_out.port())), "{out}");
    let cap = &doc["capture"];
    assert_eq!(cap["filter"]["ports"][0], port, "{cap}");
    assert_eq!(cap["filter"]["expression"], "not host 127.0.0.2", "{cap}");
    assert_eq!(cap["stopped"], "connections", "{cap}");
    let segments = conns[0]["segments"].as_array().unwrap().len();
    assert_eq!(cap["frames"], segments, "only the kept connection's frames");
    assert!(
        segments >= 8,
        "handshake, data both ways, two FINs: {segments}"
    );
}

#[test]
fn the_kernel_filter_is_the_expression_not_a_user_space_afterthought() {
    if !root() {
        return;
    }
    let (l, port) = listener();
    let text = format!("tcp port {port} and not dst host 127.0.0.3 and not src host 127.0.0.3");
    let expr = Expression::new(&text).unwrap();
    let mut sniffer = Sniffer::open(Options {
        filter: Filter {
            expression: Some(OnEthernet::new(expr).unwrap()),
            ..Filter::default()
        },
        kernel_filter: true,
        ..Options::default()
    })
    .unwrap();
    exchange(&l, SocketAddr::from(([127, 0, 0, 3], port)));
    let kept = exchange(&l, SocketAddr::from(([127, 0, 0, 1], port)));
    // Both exchanges are on the wire before the capture stops: it drains
    // what the socket holds.
    std::thread::sleep(Duration::from_millis(300));
    sniffer.stop();
    let stats = sniffer.stats();
    let (queued, taken) = (
        stats.kernel_packets.load(Ordering::Relaxed),
        stats.kept.load(Ordering::Relaxed),
    );
    let frames: Vec<_> = sniffer.frames().try_iter().collect();
    assert_eq!(frames.len() as u64, taken);
    assert!(taken >= 8, "{taken} frames of the kept exchange");
    // Every frame the kernel queued passed the filter in user space too:
    // the other exchange (127.0.0.3) never reached the socket.
    assert_eq!(queued, taken, "the kernel queued {queued}, {taken} kept");
    for f in &frames {
        let (a, b) = synack::live::sniffer::ip_addrs(&f.data).unwrap();
        assert!(a.to_string() == "127.0.0.1" && b.to_string() == "127.0.0.1");
        let (s, d) = synack::live::sniffer::tcp_ports(&f.data).unwrap();
        assert!([s, d].contains(&kept.port()) && [s, d].contains(&port));
    }
}

#[test]
fn a_bad_watch_expression_is_a_usage_error_of_one_line() {
    for (args, want) in [
        (
            vec!["watch", "tcp", "port", "eighty"],
            "synack: filter expression \"tcp port eighty\": unknown port 'eighty'\n".to_string(),
        ),
        (
            vec!["watch", "--port", "8090", "ip proto nosuch"],
            "synack: filter expression \"ip proto nosuch\": unknown ip proto 'nosuch'\n".into(),
        ),
        // Valid alone, but watch keeps TCP: libpcap finds it rejects all.
        (
            vec!["watch", "--port", "8090", "udp"],
            "synack: filter expression \"udp\": expression rejects all packets (watch keeps \
             TCP only: the kernel filter is \"(udp) and tcp and (port 8090)\")\n"
                .into(),
        ),
    ] {
        assert_eq!(error_of(&args), want, "{args:?}");
        let code = synack().args(&args).output().unwrap().status.code();
        assert_eq!(code, Some(2), "{args:?}: a usage error");
    }
}
