//! Every scenario run for real on loopback (no capture needed).

use super::*;

/// The call's result in words, as the screens put it.
trait Words {
    fn text(&self, lang: crate::i18n::Lang) -> String;
}

impl Words for crate::live::exchange::CallOutcome {
    fn text(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::call_result(lang, &self.returned, &self.remarks)
    }
}

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
fn out(ex: &Exchange, outs: &[CallOutcome], text: &str, nth: usize) -> String {
    let idx = ex
        .calls()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.text == text)
        .nth(nth)
        .unwrap_or_else(|| panic!("no call {text}"))
        .0;
    outs[idx].text(crate::i18n::Lang::En)
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

#[test]
fn reuseaddr() {
    let (ex, outs) = run(Scenario::ReuseAddr, false);
    let binds: Vec<usize> = ex
        .calls()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == CallKind::Bind && c.side == Side::Server)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(binds.len(), 3, "{:?}", ex.calls());
    // The first server binds; the restart without SO_REUSEADDR fails
    // because the old connection's server side is in TIME_WAIT ...
    assert!(
        outs[binds[0]]
            .text(crate::i18n::Lang::En)
            .starts_with("None (bound to")
    );
    assert_eq!(outs[binds[1]].error, Some(io::ErrorKind::AddrInUse));
    let failed = outs[binds[1]].text(crate::i18n::Lang::En);
    assert!(
        failed.starts_with("OSError: [Errno 98] Address already in use  # /proc/net/tcp: "),
        "{}",
        failed
    );
    assert!(failed.contains("TIME_WAIT, "), "{}", failed);
    // ... and the one that sets SO_REUSEADDR first succeeds while the
    // TIME_WAIT socket is still there.
    let ok = outs[binds[2]].text(crate::i18n::Lang::En);
    assert!(ok.starts_with("None (bound to"), "{ok}");
    assert!(ok.contains("still in TIME_WAIT"), "{ok}");
    assert_eq!(ex.calls()[binds[2] - 1].kind, CallKind::SetReuseAddr);
    assert_eq!(
        ex.calls()[binds[2] - 1].text,
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"
    );
}

#[test]
fn second_client() {
    let (ex, outs) = run(Scenario::SecondClient, false);
    // c2's connect() completes before any accept() for it ...
    let connect2 = ex
        .calls()
        .iter()
        .position(|c| c.text.starts_with("c2.connect("))
        .unwrap();
    let accept2 = ex
        .calls()
        .iter()
        .position(|c| c.text == "conn2, addr = s.accept()")
        .unwrap();
    assert!(connect2 < accept2);
    assert!(
        outs[connect2]
            .text(crate::i18n::Lang::En)
            .starts_with("None (connected")
    );
    // ... its bytes wait in the kernel, unread ...
    let send2 = ex
        .calls()
        .iter()
        .position(|c| c.text == "c2.sendall(b'hello from c2')")
        .unwrap();
    assert!(send2 < accept2);
    assert!(
        outs[send2]
            .text(crate::i18n::Lang::En)
            .contains("Recv-Q 13 at "),
        "{}",
        outs[send2].text(crate::i18n::Lang::En)
    );
    // ... and are recv()'d once the first client has left.
    assert_eq!(
        out(&ex, &outs, "data = conn2.recv(1024)", 0),
        "b'hello from c2'"
    );
    assert_eq!(out(&ex, &outs, "data = conn1.recv(1024)", 1), PEER_CLOSED);
    assert_eq!(out(&ex, &outs, "data = conn2.recv(1024)", 1), PEER_CLOSED);
}

#[test]
fn udp() {
    let (ex, outs) = run(Scenario::Udp, false);
    assert_eq!(
        ex.calls()[0].text,
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
    );
    assert!(ex.calls().iter().all(|c| c.kind != CallKind::Listen));
    assert!(ex.calls().iter().all(|c| c.kind != CallKind::Accept));
    assert!(
        out(&ex, &outs, "data, addr = s.recvfrom(1024)", 0).starts_with("(b'hello', ('127.0.0.")
    );
    assert_eq!(
        out(&ex, &outs, "data, addr = c.recvfrom(1024)", 0),
        format!("(b'hello', ('127.0.0.1', {}))", ex.server_addr().port())
    );
    // A connected UDP socket learns of the ICMP port unreachable at its
    // next call.
    let recv = ex
        .calls()
        .iter()
        .position(|c| c.text == "data = c.recv(1024)")
        .unwrap();
    assert_eq!(outs[recv].error, Some(io::ErrorKind::ConnectionRefused));
    assert!(
        outs[recv]
            .returned
            .starts_with("ConnectionRefusedError: [Errno 111]")
    );
}
