//! `synack watch` for real, as root (CI runs as root): the tutorial's
//! Python echo server and clients on loopback, a foreign connection that
//! must not appear, streaming `--print`, a small load that must arrive
//! whole, and a veth pair between two network namespaces this test
//! creates. Without CAP_NET_RAW each test says so and returns. Every wait
//! is bounded.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/pipe.rs"]
mod pipe;
use pipe::lines;

const SYNACK: &str = env!("CARGO_BIN_EXE_synack");
const WAIT: Duration = Duration::from_secs(20);

fn root() -> bool {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    eprintln!("skipped: needs root (CAP_NET_RAW and tracefs)");
    false
}

/// A free port below the ephemeral range (so no client is handed it),
/// a different one on every call: the tests of this file run at once in
/// one process, and two of them probing the same free port would both
/// find it free, then race for it (`Address already in use`).
fn free_port() -> u16 {
    static CALLS: AtomicU16 = AtomicU16::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let base = 20_000 + (std::process::id() % 5_000) as u16 * 2 + call * 1_009;
    (0..2_000u16)
        .map(|i| base.wrapping_add(i * 7) % 30_000 + 2_000)
        .find(|&p| TcpListener::bind(("127.0.0.1", p)).is_ok())
        .expect("a free port")
}

/// Waits (bounded) for a line containing `what`; returns the lines seen.
fn wait_for(rx: &Receiver<String>, what: &str) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) => {
                let hit = l.contains(what);
                seen.push(l);
                if hit {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no line with {what:?} within {WAIT:?}; saw: {seen:#?}");
}

/// Starts `synack watch ARGS` (optionally inside a network namespace) and
/// waits for its "capturing on" line.
fn start_watch(netns: Option<&str>, args: &[&str]) -> (Child, Receiver<String>, Receiver<String>) {
    let mut cmd = match netns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns, SYNACK]);
            c
        }
        None => Command::new(SYNACK),
    };
    let mut child = cmd
        .arg("watch")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("synack runs");
    let out = lines(child.stdout.take().unwrap());
    let err = lines(child.stderr.take().unwrap());
    wait_for(&err, "capturing on");
    (child, out, err)
}

/// Waits (bounded) for the child to exit; kills it past the bound.
fn finish(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("synack watch did not stop within {WAIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn collect(rx: &Receiver<String>) -> String {
    let mut s = String::new();
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(2)) {
        s.push_str(&l);
        s.push('\n');
    }
    s
}

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures/scenarios")
        .join(name)
        .display()
        .to_string()
}

/// The tutorial's server.py, serving `n` connections on `port`.
fn python_server(netns: Option<&str>, port: u16, n: usize) -> (Child, Receiver<String>) {
    let mut cmd = match netns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns, "python3"]);
            c
        }
        None => Command::new("python3"),
    };
    let mut child = cmd
        .arg(scenario("server.py"))
        .arg(n.to_string())
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let out = lines(child.stdout.take().unwrap());
    wait_for(&out, "listening on");
    (child, out)
}

fn python_client(port: u16, msg: &str) -> String {
    let out = Command::new("python3")
        .arg(scenario("client.py"))
        .arg(msg)
        .env("PORT", port.to_string())
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// An exchange on another loopback port while the watch runs.
fn foreign_exchange() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let mut c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (mut s, _) = l.accept().unwrap();
    c.write_all(b"not watched").unwrap();
    let mut buf = [0u8; 11];
    s.read_exact(&mut buf).unwrap();
    port
}

#[test]
fn three_python_clients_are_three_connections_agreeing_with_the_kernel() {
    if !root() {
        return;
    }
    let port = free_port();
    let p = port.to_string();
    let (mut watch, out, err) = start_watch(None, &["--port", &p, "--json", "--connections", "3"]);
    let (mut server, _server_out) = python_server(None, port, 3);
    let foreign = foreign_exchange();
    for i in 0..3 {
        let echo = python_client(port, &format!("hello {i}"));
        assert!(echo.contains(&format!("hello {i}")), "{echo}");
    }
    let status = finish(watch_take(&mut watch));
    let doc = json(&collect(&out));
    let stderr = collect(&err);
    assert!(status.success(), "{status:?} {stderr}");
    let _ = server.wait();
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 3, "{doc:#}");
    for c in conns {
        assert!(c["server"].as_str().unwrap().ends_with(&format!(":{port}")));
        assert!(
            !c["client"]
                .as_str()
                .unwrap()
                .ends_with(&format!(":{foreign}"))
        );
        assert_eq!(c["kernel"], "compared", "{c:#}");
        assert_eq!(c["kernel_agrees"], true, "{c:#}");
        assert_eq!(c["mid_stream"], false);
        let flags: Vec<String> = c["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                s["flags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join("-")
            })
            .collect();
        assert_eq!(flags.first().map(String::as_str), Some("SYN"), "{flags:?}");
        assert_eq!(c["stream_bytes"]["client"], 7, "{c:#}");
        assert_eq!(c["stream_bytes"]["server"], 7, "{c:#}");
    }
    let cap = &doc["capture"];
    assert_eq!(cap["iface"], "lo");
    assert_eq!(cap["dropped"], 0);
    assert_eq!(cap["stopped"], "connections");
    let segments: usize = conns
        .iter()
        .map(|c| c["segments"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        cap["frames"].as_u64().unwrap() as usize,
        segments,
        "only the watched port's frames"
    );
}

fn watch_take(c: &mut Child) -> Child {
    std::mem::replace(c, Command::new("true").spawn().unwrap())
}

#[test]
fn print_streams_the_syn_before_the_client_closes() {
    if !root() {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = port.to_string();
    let (watch, out, _err) = start_watch(None, &["--port", &p, "--print", "--connections", "1"]);
    let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (server, _) = listener.accept().unwrap();
    // The connection is open: the SYN line must already be on stdout.
    let seen = wait_for(&out, "handshake SYN]");
    assert!(
        seen.iter().any(|l| l.starts_with("connection 0: client")),
        "{seen:#?}"
    );
    assert!(seen.last().unwrap().contains("SYN_SENT"), "{seen:#?}");
    drop(client);
    drop(server);
    let status = finish(watch);
    assert!(status.success());
    let rest = collect(&out);
    assert!(rest.contains("kernel, connection 0:"), "{rest}");
    assert!(rest.contains("1 connection, "), "{rest}");
}

#[test]
fn a_small_load_arrives_whole_and_saved() {
    if !root() {
        return;
    }
    const BYTES: usize = 4 << 20;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = port.to_string();
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("load.pcap");
    let (watch, out, err) = start_watch(
        None,
        &[
            "--port",
            &p,
            "--json",
            "--connections",
            "1",
            "--save",
            save.to_str().unwrap(),
        ],
    );
    let sink = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = 0usize;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got += n,
            }
        }
        got
    });
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let chunk = vec![7u8; 1 << 16];
    for _ in 0..BYTES / chunk.len() {
        c.write_all(&chunk).unwrap();
    }
    drop(c);
    assert_eq!(sink.join().unwrap(), BYTES);
    let status = finish(watch);
    let stderr = collect(&err);
    assert!(status.success(), "{stderr}");
    let doc = json(&collect(&out));
    let conn = &doc["connections"][0];
    assert_eq!(doc["capture"]["dropped"], 0, "{}", doc["capture"]);
    // Every byte of the stream, each counted once (loopback may retransmit
    // when the receiver's buffer is full: those bytes are on the wire twice).
    assert_eq!(conn["stream_bytes"]["client"], BYTES as u64, "{conn:#}");
    assert_eq!(conn["stream_holes"]["client"], 0);
    assert!(conn["payload_bytes"]["client"].as_u64().unwrap() >= BYTES as u64);
    assert_eq!(conn["kernel_agrees"], true);
    // The saved capture replays to the same connection.
    let replay = synack::replay::load(&save).unwrap();
    assert_eq!(replay.connections().len(), 1);
    assert_eq!(
        replay.connections()[0].seen().data_from_client,
        conn["payload_bytes"]["client"].as_u64().unwrap()
    );
    assert_eq!(replay.frames, doc["capture"]["frames"].as_u64().unwrap());
    assert!(save.with_extension("kernel.tsv").exists());
    assert!(stderr.contains("saved "), "{stderr}");
}

/// Runs `ip ARGS`, panicking with its stderr on failure.
fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("ip runs");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two namespaces joined by a veth pair; removed on drop.
struct Netns {
    a: String,
    b: String,
}

impl Netns {
    fn new() -> Option<Netns> {
        let id = std::process::id() % 100_000;
        let n = Netns {
            a: format!("synw-a-{id}"),
            b: format!("synw-b-{id}"),
        };
        if Command::new("ip")
            .args(["netns", "add", &n.a])
            .status()
            .map(|s| !s.success())
            .unwrap_or(true)
        {
            eprintln!("skipped: cannot create network namespaces");
            return None;
        }
        ip(&["netns", "add", &n.b]);
        let (va, vb) = (format!("vwa{id}"), format!("vwb{id}"));
        ip(&["link", "add", &va, "type", "veth", "peer", "name", &vb]);
        ip(&["link", "set", &va, "netns", &n.a]);
        ip(&["link", "set", &vb, "netns", &n.b]);
        for (ns, dev, addr) in [(&n.a, &va, "10.213.0.1/24"), (&n.b, &vb, "10.213.0.2/24")] {
            ip(&["-n", ns, "addr", "add", addr, "dev", dev]);
            ip(&["-n", ns, "link", "set", dev, "up"]);
            ip(&["-n", ns, "link", "set", "lo", "up"]);
        }
        Some(n)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

#[test]
fn veth_between_namespaces_shows_both_directions_once() {
    if !root() {
        return;
    }
    let Some(ns) = Netns::new() else { return };
    let id = std::process::id() % 100_000;
    let iface = format!("vwa{id}");
    let port = "8090";
    let (watch, out, err) = start_watch(
        Some(&ns.a),
        &[
            "--iface",
            &iface,
            "--port",
            port,
            "--json",
            "--connections",
            "1",
        ],
    );
    // Server in A on its veth address, client in B.
    let server = Command::new("ip")
        .args(["netns", "exec", &ns.a, "python3", "-c"])
        .arg(
            "import socket\n\
             s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
             s.bind(('10.213.0.1', 8090)); s.listen(); print('listening on', flush=True)\n\
             c,_=s.accept()\n\
             while (d := c.recv(1024)): c.sendall(d)\n\
             c.close()",
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = server;
    let sout = lines(server.stdout.take().unwrap());
    wait_for(&sout, "listening on");
    let client = Command::new("ip")
        .args(["netns", "exec", &ns.b, "python3", "-c"])
        .arg(
            "import socket\n\
             s=socket.create_connection(('10.213.0.1', 8090), timeout=5)\n\
             s.sendall(b'over veth'); print(s.recv(100)); s.close()",
        )
        .output()
        .unwrap();
    assert!(client.status.success(), "{client:?}");
    let status = finish(watch);
    let stderr = collect(&err);
    assert!(status.success(), "{stderr}");
    let _ = server.wait();
    let doc = json(&collect(&out));
    let conns = doc["connections"].as_array().unwrap();
    assert_eq!(conns.len(), 1, "{doc:#}");
    let c = &conns[0];
    assert_eq!(
        c["client"].as_str().unwrap().split(':').next(),
        Some("10.213.0.2")
    );
    assert_eq!(c["server"], "10.213.0.1:8090");
    let segs = c["segments"].as_array().unwrap();
    let from = |who: &str| segs.iter().filter(|s| s["from"] == who).count();
    assert!(from("client") >= 4 && from("server") >= 3, "{segs:#?}");
    // Each segment once: no two with the same sender, numbers, flags and length.
    let mut keys: Vec<String> = segs
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {} {}",
                s["from"], s["seq"], s["ack"], s["flags"], s["len"]
            )
        })
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "a segment was captured twice: {segs:#?}");
    assert_eq!(c["stream_bytes"]["client"], 9);
    assert_eq!(c["stream_bytes"]["server"], 9);
    assert_eq!(doc["capture"]["iface"], iface.as_str());
    assert_eq!(doc["capture"]["dropped"], 0);
    // The server is in the watch's namespace: compared. The client is in
    // another namespace (its TIME_WAIT socket is not in this /proc).
    assert_eq!(c["kernel"], "compared", "{c:#}");
    assert_eq!(c["kernel_agrees"], true, "{c:#}");
}

/// A server that exits without close() (`os._exit(0)` after `recv`), its
/// client closing a second later: the kernel orphans the server's socket
/// in FIN_WAIT2 and hands it over to a time-wait socket (the tracepoint
/// records `FIN_WAIT2 → CLOSE`), which enters TIME_WAIT when the client's
/// FIN arrives. `--print` and `--json` say the kernel agrees, with the
/// hand-over noted and listed.
#[test]
fn a_server_exiting_without_close_is_handed_over_not_a_disagreement() {
    if !root() {
        return;
    }
    let server_py = "import socket, os, sys\n\
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
        s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(1); print('listening', flush=True)\n\
        c, _ = s.accept(); c.recv(100)\n\
        os._exit(0)\n";
    let client_py = "import socket, sys, time\n\
        c = socket.create_connection(('127.0.0.1', int(sys.argv[1]))); c.sendall(b'hi')\n\
        time.sleep(1); c.close()\n";
    for format in ["--print", "--json"] {
        let port = free_port();
        let p = port.to_string();
        let (mut watch, out, err) =
            start_watch(None, &["--port", &p, format, "--connections", "1"]);
        let mut server = Command::new("python3")
            .args(["-c", server_py, &p])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let server_out = lines(server.stdout.take().unwrap());
        wait_for(&server_out, "listening");
        let client = Command::new("timeout")
            .args(["10", "python3", "-c", client_py, &p])
            .status()
            .expect("python3 runs");
        assert!(client.success());
        let status = finish(watch_take(&mut watch));
        let _ = server.wait();
        let text = collect(&out);
        assert!(status.success(), "{status:?} {}", collect(&err));
        if format == "--print" {
            assert!(!text.contains("DISAGREES"), "{text}");
            assert!(
                text.contains("server LISTEN → SYN_RECV → ESTABLISHED → FIN_WAIT1 → FIN_WAIT2 → TIME_WAIT   agrees with synack"),
                "{text}"
            );
            assert!(text.contains("handed the closed socket over"), "{text}");
        } else {
            let doc = json(&text);
            let c = &doc["connections"][0];
            assert_eq!(c["kernel_agrees"], true, "{c:#}");
            let server: Vec<&Value> = c["kernel_transitions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|t| t["endpoint"] == "server")
                .collect();
            let last = server.last().unwrap();
            assert_eq!(
                (&last["from"], &last["to"], &last["socket"]),
                (
                    &json!("FIN_WAIT2"),
                    &json!("TIME_WAIT"),
                    &json!("time-wait")
                ),
                "{c:#}"
            );
            assert!(server.iter().any(|t| t["handed_over"] == true), "{c:#}");
        }
    }
}
