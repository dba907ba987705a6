//! The kernel's socket table through netlink (`NETLINK_SOCK_DIAG`,
//! `inet_diag`: what `ss` asks), the same rows as [`super::proc_net`]
//! reads from `/proc/net/tcp[6]`. It needs no privilege: inside a user +
//! network namespace of its own an unprivileged process lists that
//! namespace's sockets with their states, so the demo without root can
//! still show the kernel's own view after each step (issue: the demo
//! without privileges). The request and reply formats are the
//! `netlink-packet-sock-diag` crate's; this module only asks and maps the
//! rows to [`ProcSocket`].
//!
//! Differences from `/proc`: a listener's `send_q` is its backlog limit
//! (`ss`'s Send-Q of a LISTEN row) where `/proc` prints 0, and a
//! time-wait socket's time left is not given (`timer` is `None`).

use std::io;
use std::net::SocketAddr;

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP};
use netlink_packet_sock_diag::inet::{
    ExtensionFlags, InetRequest, InetResponse, SocketId, StateFlags, Timer,
};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;
use netlink_sys::{Socket, SocketAddr as NetlinkAddr};

use super::proc_net::{ProcSocket, state_of};

/// Replies larger than this are read in several `recv`s (each holds whole
/// messages).
const RECV_BUFFER: usize = 64 * 1024;

/// At most this many replies are read for one dump (a table of millions
/// of sockets ends the dump there rather than never).
const MAX_REPLIES: usize = 100_000;

/// Every TCP socket of this network namespace for which `keep(local,
/// remote)` holds, IPv4 then IPv6.
pub fn tcp_sockets_where(
    keep: impl Fn(&SocketAddr, &SocketAddr) -> bool,
) -> io::Result<Vec<ProcSocket>> {
    let mut out = Vec::new();
    for family in [AF_INET, AF_INET6] {
        dump(family, &mut |row| {
            if let Some(s) = row_of(row)
                && keep(&s.local, &s.remote)
            {
                out.push(s);
            }
        })?;
    }
    Ok(out)
}

/// Every TCP socket with `port` at either end.
pub fn tcp_sockets(port: u16) -> io::Result<Vec<ProcSocket>> {
    tcp_sockets_where(|l, r| l.port() == port || r.port() == port)
}

/// Asks for every TCP socket of `family` in every state and hands each
/// reply to `each`.
fn dump(family: u8, each: &mut dyn FnMut(&InetResponse)) -> io::Result<()> {
    let mut socket = Socket::new(NETLINK_SOCK_DIAG)?;
    socket.bind_auto()?;
    socket.connect(&NetlinkAddr::new(0, 0))?;
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let socket_id = if family == AF_INET6 {
        SocketId::new_v6()
    } else {
        SocketId::new_v4()
    };
    let mut request = NetlinkMessage::new(
        header,
        SockDiagMessage::InetRequest(InetRequest {
            family,
            protocol: IPPROTO_TCP,
            extensions: ExtensionFlags::empty(),
            states: StateFlags::all(),
            socket_id,
        })
        .into(),
    );
    request.finalize();
    let mut bytes = vec![0; request.buffer_len()];
    request.serialize(&mut bytes);
    socket.send(&bytes, 0)?;

    let mut buf = vec![0u8; RECV_BUFFER];
    let mut replies = 0;
    while replies < MAX_REPLIES {
        let size = socket.recv(&mut &mut buf[..], 0)?;
        if size == 0 {
            return Ok(());
        }
        let mut offset = 0;
        while offset < size {
            let message = NetlinkMessage::<SockDiagMessage>::deserialize(&buf[offset..size])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            match &message.payload {
                NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(row)) => {
                    replies += 1;
                    each(row);
                }
                NetlinkPayload::Done(_) => return Ok(()),
                NetlinkPayload::Error(e) => {
                    return Err(io::Error::other(format!("sock_diag: {e:?}")));
                }
                _ => {}
            }
            let length = message.header.length as usize;
            if length == 0 {
                break;
            }
            offset += length;
        }
    }
    Ok(())
}

/// One reply as a row of the socket table (`None` for a state number
/// synack does not know).
fn row_of(row: &InetResponse) -> Option<ProcSocket> {
    let h = &row.header;
    let id = &h.socket_id;
    let timer = match h.timer {
        Some(Timer::Retransmit(d, _) | Timer::KeepAlive(d) | Timer::Probe(d)) => Some(d),
        Some(Timer::TimeWait) | None => None,
    };
    Some(ProcSocket {
        local: SocketAddr::new(id.source_address, id.source_port),
        remote: SocketAddr::new(id.destination_address, id.destination_port),
        state: state_of(h.state)?,
        send_q: h.send_queue,
        recv_q: h.recv_queue,
        timer,
        time_wait_socket: matches!(h.timer, Some(Timer::TimeWait)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    use crate::live::proc_net::sockets;
    use crate::state::TcpState;

    /// What both readers must agree on: the socket, its state, whether it
    /// is a time-wait socket, and (not for listeners) its queues.
    fn key(s: &ProcSocket) -> (SocketAddr, SocketAddr, TcpState, bool, u32, u32) {
        let listener = s.state == TcpState::Listen;
        (
            s.local,
            s.remote,
            s.state,
            s.time_wait_socket,
            if listener { 0 } else { s.recv_q },
            if listener { 0 } else { s.send_q },
        )
    }

    /// On a loopback exchange holding a listener, an ESTABLISHED pair with
    /// unread bytes, a CLOSE_WAIT / FIN_WAIT2 pair and a TIME_WAIT socket,
    /// sock_diag lists exactly the rows `/proc/net/tcp` lists.
    #[test]
    fn lists_the_same_sockets_as_proc() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        // Closed both ways: the client (active closer) ends in TIME_WAIT.
        let mut a = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (mut a_srv, _) = listener.accept().unwrap();
        drop(a.shutdown(std::net::Shutdown::Write));
        let mut sink = Vec::new();
        a_srv.read_to_end(&mut sink).unwrap();
        drop(a_srv);
        a.read_to_end(&mut sink).unwrap();
        drop(a);
        // Half closed: the client FIN_WAIT2 (orphaned: a time-wait socket),
        // the server CLOSE_WAIT.
        let b = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (b_srv, _) = listener.accept().unwrap();
        drop(b);
        // Open, 5 bytes unread by the server.
        let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (c_srv, _) = listener.accept().unwrap();
        c.write_all(b"hello").unwrap();

        // Wait (bounded) until the table shows what the exchange caused.
        let deadline = Instant::now() + Duration::from_secs(5);
        let (mut from_proc, mut from_diag);
        loop {
            from_proc = sockets(port).iter().map(key).collect::<Vec<_>>();
            from_diag = tcp_sockets(port)
                .unwrap()
                .iter()
                .map(key)
                .collect::<Vec<_>>();
            from_proc.sort();
            from_diag.sort();
            let settled = from_proc.iter().any(|k| k.2 == TcpState::TimeWait)
                && from_proc.iter().any(|k| k.2 == TcpState::CloseWait)
                && from_proc.iter().any(|k| k.4 == 5);
            if (settled && from_proc == from_diag) || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(from_diag, from_proc);
        let states: Vec<TcpState> = from_diag.iter().map(|k| k.2).collect();
        for s in [
            TcpState::Listen,
            TcpState::Established,
            TcpState::CloseWait,
            TcpState::FinWait2,
            TcpState::TimeWait,
        ] {
            assert!(states.contains(&s), "{s:?} missing from {from_diag:?}");
        }
        assert!(
            from_diag.iter().any(|k| k.2 == TcpState::TimeWait && k.3),
            "the TIME_WAIT row is a time-wait socket"
        );
        drop((c_srv, b_srv));
    }
}
