//! The kernel's socket table as `ss` reads it: `/proc/net/tcp` and
//! `/proc/net/tcp6`, one row per socket with its state, its queues and its
//! timer. The demo uses it for what the tracepoint does not say: how long a
//! TIME_WAIT socket has left, and how many received bytes nobody has
//! `recv()`'d yet (`ss`'s Recv-Q); the demo and watch use it for the
//! time-wait sockets Linux hands closing connections over to
//! ([`time_wait_sockets`], [`crate::truth`] says why). The one reader of
//! the table: it only reads and parses, it never decides what a row means
//! for a verdict.

use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use crate::state::TcpState;
use crate::truth::TimeWaitSocket;

/// The `tr` (timer) code of a time-wait socket's row: only time-wait
/// sockets carry it (`get_timewait4_sock`, net/ipv4/tcp_ipv4.c).
const TIME_WAIT_TIMER: u8 = 3;

/// One row of `/proc/net/tcp[6]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcSocket {
    /// The socket's own address.
    pub local: SocketAddr,
    /// The peer's address (`0.0.0.0:0` for a listener).
    pub remote: SocketAddr,
    /// Its state (`st` column, the kernel's `TCP_*` numbering).
    pub state: TcpState,
    /// Bytes sent and not yet acknowledged (`ss`'s Send-Q).
    pub send_q: u32,
    /// Bytes received and not yet read by the program (`ss`'s Recv-Q).
    pub recv_q: u32,
    /// Time until the socket's timer fires; for a TIME_WAIT socket, the
    /// time left before it disappears.
    pub timer: Option<Duration>,
    /// Whether the row is a time-wait socket (timer code 3), in FIN_WAIT2
    /// or TIME_WAIT, rather than a full socket.
    pub time_wait_socket: bool,
}

/// The kernel's `TCP_*` state numbers (include/net/tcp_states.h).
pub(crate) fn state_of(code: u8) -> Option<TcpState> {
    use TcpState::*;
    Some(match code {
        1 => Established,
        2 => SynSent,
        3 => SynReceived,
        4 => FinWait1,
        5 => FinWait2,
        6 => TimeWait,
        7 => Closed,
        8 => CloseWait,
        9 => LastAck,
        10 => Listen,
        11 => Closing,
        12 => SynReceived, // TCP_NEW_SYN_RECV: a request sock
        _ => return None,
    })
}

/// Parses one line of the table (`sl local rem st tx:rx tr:when ...`).
/// The timer is printed in clock ticks (USER_HZ, 100 per second).
pub fn parse_line(line: &str) -> Option<ProcSocket> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let local = parse_proc_addr(f.get(1)?)?;
    let remote = parse_proc_addr(f.get(2)?)?;
    let state = state_of(u8::from_str_radix(f.get(3)?, 16).ok()?)?;
    let (tx, rx) = f.get(4)?.split_once(':')?;
    let (tr, when) = f.get(5)?.split_once(':')?;
    let code = u8::from_str_radix(tr, 16).ok()?;
    let timer = match code {
        0 => None,
        _ => Some(Duration::from_millis(
            u64::from_str_radix(when, 16).ok()?.saturating_mul(10),
        )),
    };
    Some(ProcSocket {
        local,
        remote,
        state,
        send_q: u32::from_str_radix(tx, 16).ok()?,
        recv_q: u32::from_str_radix(rx, 16).ok()?,
        timer,
        time_wait_socket: code == TIME_WAIT_TIMER,
    })
}

/// Every TCP socket with `port` at either end, IPv4 and IPv6.
pub fn sockets(port: u16) -> Vec<ProcSocket> {
    sockets_where(|l, r| l.port() == port || r.port() == port)
}

/// Every TCP socket for which `keep(local, remote)` holds, IPv4 and IPv6.
pub fn sockets_where(keep: impl Fn(&SocketAddr, &SocketAddr) -> bool) -> Vec<ProcSocket> {
    let mut out = Vec::new();
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        out.extend(
            text.lines()
                .skip(1)
                .filter_map(parse_line)
                .filter(|s| keep(&s.local, &s.remote)),
        );
    }
    out
}

/// The time-wait sockets (FIN_WAIT2 or TIME_WAIT) with `port` at either
/// end.
pub fn time_wait_sockets(port: u16) -> Vec<TimeWaitSocket> {
    time_wait_where(|l, r| l.port() == port || r.port() == port)
}

/// The time-wait sockets for which `keep(local, remote)` holds.
pub fn time_wait_where(keep: impl Fn(&SocketAddr, &SocketAddr) -> bool) -> Vec<TimeWaitSocket> {
    sockets_where(keep)
        .into_iter()
        .filter(|s| s.time_wait_socket)
        .map(|s| TimeWaitSocket {
            local: s.local,
            remote: s.remote,
            state: s.state,
        })
        .collect()
}

/// Parses `0100007F:1F90` (IPv4) or 32 hex digits + port (IPv6): each 32-bit
/// word is printed as a host-order integer of network-order bytes.
pub fn parse_proc_addr(s: &str) -> Option<SocketAddr> {
    let (addr, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        Some(
            u32::from_str_radix(addr.get(i * 8..i * 8 + 8)?, 16)
                .ok()?
                .to_ne_bytes(),
        )
    };
    let ip: IpAddr = match addr.len() {
        8 => Ipv4Addr::from(word(0)?).into(),
        32 => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                b[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            Ipv6Addr::from(b).into()
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_wait_row_with_its_timer() {
        // A real row (TIME_WAIT, 0x1770 = 6000 ticks = 60 s left).
        let line = "   3: 0100007F:A0AA 0200007F:C350 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000";
        let s = parse_line(line).unwrap();
        assert_eq!(s.local, "127.0.0.1:41130".parse().unwrap());
        assert_eq!(s.remote, "127.0.0.2:50000".parse().unwrap());
        assert_eq!(s.state, TcpState::TimeWait);
        assert_eq!(s.timer, Some(Duration::from_secs(60)));
        assert!(s.time_wait_socket);
    }

    /// A closed socket orphaned in FIN_WAIT2, handed over to its
    /// time-wait socket (a real row, as `ss` shows FIN-WAIT-2), beside a
    /// full socket in CLOSE_WAIT.
    #[test]
    fn fin_wait2_time_wait_socket_is_told_from_full_sockets() {
        let tw = "   3: 0200007F:D27B 0100007F:4C4D 05 00000000:00000000 03:000015BE 00000000     0        0 0 3 00000000abdafb56";
        let s = parse_line(tw).unwrap();
        assert_eq!((s.state, s.time_wait_socket), (TcpState::FinWait2, true));
        let full = "   2: 0100007F:4C4D 0200007F:D27B 08 00000000:00000001 00:00000000 00000000     0        0 55700 1 00000000e4d4980f 20 4 28 11 -1";
        let s = parse_line(full).unwrap();
        assert_eq!((s.state, s.time_wait_socket), (TcpState::CloseWait, false));
    }

    #[test]
    fn parses_proc_net_addresses() {
        assert_eq!(
            parse_proc_addr("0100007F:1388"),
            Some("127.0.0.1:5000".parse().unwrap())
        );
        assert_eq!(
            parse_proc_addr("00000000000000000000000001000000:0050"),
            Some("[::1]:80".parse().unwrap())
        );
    }

    #[test]
    fn established_row_with_unread_bytes() {
        let line = "   1: 0100007F:1F92 0200007F:D431 01 00000000:0000000D 00:00000000 00000000     0        0 123 1 0000000000000000 20 4 30 10 -1";
        let s = parse_line(line).unwrap();
        assert_eq!(s.state, TcpState::Established);
        assert_eq!((s.send_q, s.recv_q, s.timer), (0, 13, None));
        assert!(!s.time_wait_socket);
    }

    #[test]
    fn header_and_garbage_are_skipped() {
        assert!(parse_line("  sl  local_address rem_address   st tx_queue").is_none());
        assert!(parse_line("").is_none());
    }

    #[test]
    fn a_listening_socket_is_listed() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let rows = sockets(port);
        assert!(
            rows.iter()
                .any(|s| s.state == TcpState::Listen && s.local.port() == port),
            "{rows:?}"
        );
    }
}
