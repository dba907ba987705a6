//! What synack adds to a call's Python result, as values: the words are in
//! `i18n/call_text.rs`, in every language.

use std::net::SocketAddr;

/// One remark after a call's result (`None (bound to 127.0.0.1:5000)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remark {
    /// `bind()` gave the socket this address.
    Bound(SocketAddr),
    /// `listen(n)`: LISTEN with this backlog.
    Listening(i32),
    /// `connect()` returned: local → server.
    Connected(String, SocketAddr),
    /// `send()`/`sendall()` sent this many bytes.
    Sent(usize),
    /// `recv()` returned 0 bytes: the peer closed.
    PeerClosed,
    /// `shutdown(SHUT_WR)`: the FIN is queued, receiving goes on.
    FinQueued,
    /// `SO_REUSEADDR` set.
    ReuseAddrOn,
    /// `SO_LINGER` 0 set: `close()` sends RST.
    LingerRst,
    /// A UDP `connect()`: the peer is recorded, nothing sent.
    UdpPeer {
        /// The recorded peer.
        server: SocketAddr,
        /// The socket's local address.
        local: String,
    },
    /// The server's address is still held by a TIME_WAIT socket, after a
    /// `bind()` that succeeded (`after_error` false) or failed.
    TimeWait {
        /// The call failed: the remark follows a Python error as a comment.
        after_error: bool,
        /// Local address of the TIME_WAIT socket.
        local: SocketAddr,
        /// Its peer.
        remote: SocketAddr,
        /// Whole seconds left.
        secs: u64,
    },
    /// Bytes the kernel ACKed and queued that nobody has `recv()`'d.
    RecvQ {
        /// Bytes in the receive queue.
        queued: u32,
        /// The queue's socket.
        local: SocketAddr,
        /// Its peer.
        remote: SocketAddr,
    },
}
