//! The UDP scenario's calls (`SOCK_DGRAM`): the tutorial's echo with
//! `sendto()` / `recvfrom()`, then a connected socket talking to a closed
//! port. Nothing here has a connection state: `connect()` only records
//! the peer, `close()` sends nothing.

use std::io;
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;

use socket2::{Domain, Protocol, Socket, Type};

use super::{Exchange, Remark, Sock, local, set_timeouts};
use crate::live::pytext::{py_addr, py_bytes};

impl Exchange {
    /// `socket.socket(AF_INET, SOCK_DGRAM)`; every UDP socket gets the
    /// call timeouts at once (no connect() comes to set them).
    pub(super) fn udp_socket(&mut self, s: Sock, domain: Domain) -> io::Result<String> {
        let sock = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
        set_timeouts(&sock)?;
        let fd = sock.as_raw_fd();
        *self.slot(s) = Some(sock);
        let fam = if self.server.is_ipv6() {
            "AF_INET6"
        } else {
            "AF_INET"
        };
        Ok(format!("<socket fd={fd}, family={fam}, type=SOCK_DGRAM>"))
    }

    /// `c.sendto(data, server)`, or the server's `s.sendto(data, addr)`
    /// back to whoever sent the last datagram.
    pub(super) fn send_to(&mut self, s: Sock, data: &[u8]) -> io::Result<String> {
        let to = match s {
            Sock::Listener => self.udp_peer.ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotConnected, "no datagram received yet")
            })?,
            _ => self.server,
        };
        let n = self.sock(s)?.send_to(data, &to.into())?;
        Ok(n.to_string())
    }

    /// `data, addr = x.recvfrom(1024)`: one datagram and its sender.
    pub(super) fn recv_from(&mut self, s: Sock) -> io::Result<String> {
        let mut buf = [MaybeUninit::<u8>::uninit(); 1024];
        let (n, from) = self.sock(s)?.recv_from(&mut buf)?;
        // SAFETY: recv_from initialised the first `n` bytes.
        let data: Vec<u8> = buf[..n]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        let from = from.as_socket();
        if s == Sock::Listener {
            self.udp_peer = from;
        }
        let from = from.map(|a| py_addr(&a.to_string())).unwrap_or_default();
        Ok(format!("({}, {from})", py_bytes(&data)))
    }

    /// `c.connect(server)` on a datagram socket: the kernel records the
    /// peer; nothing is sent.
    pub(super) fn udp_connect(&mut self, i: usize) -> io::Result<(String, Vec<Remark>)> {
        let server: SocketAddr = self.server;
        let sock = self.sock(Sock::Client(i))?;
        sock.connect(&server.into())?;
        let local = local(sock);
        Ok(("None".into(), vec![Remark::UdpPeer { server, local }]))
    }
}
