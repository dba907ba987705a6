//! English texts of the live demo.

use crate::conversation::Side;
use crate::i18n::DemoText;
use crate::live::exchange::Scenario;

/// A fixed text.
pub fn text(t: DemoText) -> &'static str {
    match t {
        DemoText::CodeTitle => "Socket calls (Python)",
        DemoText::ServerScript => "server.py",
        DemoText::ClientScript => "client.py",
        DemoText::KernelTitle => "Kernel (tracepoint) vs inferred",
        DemoText::Inferred => "inferred",
        DemoText::Kernel => "kernel",
        DemoText::Agrees => "✓ kernel = inferred:",
        DemoText::Disagrees => "✗ DISAGREES",
        DemoText::Waiting => "… waiting for the kernel:",
        DemoText::Unavailable => "kernel column unavailable: ",
        DemoText::NeedsRoot => "needs root",
        DemoText::NoConnectionYet => "No connection yet: the first segment comes with connect().",
        DemoText::KernelNow => "after the calls so far",
        DemoText::NoteTimeWaitSocket => {
            "Linux handed the closed socket over to a time-wait socket: the tracepoint shows the full socket's → CLOSE, /proc/net/tcp the connection going on in the time-wait socket (FIN_WAIT2, then TIME_WAIT)."
        }
        DemoText::NoteRequestSock => {
            "The server's socket appears in the kernel only at the final ACK (LISTEN → SYN_RECV → ESTABLISHED at once): until then Linux keeps a light request sock."
        }
        DemoText::NoteAccept => {
            "The handshake completed in the kernel BEFORE accept() was called: accept() only hands over a connection the kernel had already finished."
        }
        DemoText::NoteRecvEof => {
            "recv() returned 0 bytes: the peer's FIN arrived. 0 means end of stream, not \"no data yet\"."
        }
        DemoText::NoteRefused => {
            "Nobody listens on that port: the kernel answered the SYN with RST, connect() raised ConnectionRefusedError."
        }
        DemoText::NoteAddrInUse => {
            "bind() failed: the old connection's server side is still in TIME_WAIT on this address (up to 60 s on Linux). TIME_WAIT keeps the address pair so that old duplicate segments of that connection die out, and so the last ACK can be sent again if the peer's FIN is retransmitted."
        }
        DemoText::NoteReuseAddr => {
            "SO_REUSEADDR lets a listening socket bind while connections on its port linger in TIME_WAIT (on Linux the old socket must have set it too). Safe for a server: TIME_WAIT still guards the old address pair, the new listener only accepts new connections. Killing TIME_WAIT with SO_LINGER 0 (a RST instead of the FIN exchange) drops that protection and unsent data; net.ipv4.tcp_tw_reuse only concerns outgoing connect()s."
        }
        DemoText::NoteQueued => {
            "connect() returned although the server has not called accept() for it: the kernel completed the handshake and put the connection in the listener's accept queue."
        }
        DemoText::NoteUnread => {
            "The kernel ACKed these bytes and holds them in the connection's receive queue (Recv-Q in ss): no program has recv()'d them, the server is still busy with the first client."
        }
        DemoText::NoteUdpSocket => {
            "SOCK_DGRAM: a UDP socket. No listen(), no accept(), no connection: every datagram stands alone."
        }
        DemoText::NoteUdpSendTo => {
            "sendto() put the data on the wire at once: no handshake first (TCP's connect() sends SYN, SYN-ACK, ACK before any data), and nothing will ACK it."
        }
        DemoText::NoteUdpRecvFrom => {
            "recvfrom() returned one whole datagram and who sent it. The receiver sends nothing back: UDP has no acknowledgments."
        }
        DemoText::NoteUdpClose => {
            "close() sent nothing: no FIN, no teardown (TCP's close() starts the four-step FIN exchange). The port is simply free again."
        }
        DemoText::NoteUdpConnect => {
            "connect() on a UDP socket sent nothing: it only fixes the peer address for send()/recv() (TCP's connect() sends a SYN)."
        }
        DemoText::NoteUdpUnreachable => {
            "Nobody listens on that port any more: the kernel answered the datagram with ICMP port unreachable (to a TCP SYN it answers with a RST)."
        }
        DemoText::NoteUdpRefused => {
            "The connected UDP socket learned of the ICMP error and reports it at its next call: ConnectionRefusedError, like TCP's refused connect()."
        }
        DemoText::UdpTitle => "Datagrams (UDP: no states)",
        DemoText::UdpNothingYet => {
            "No datagram yet: socket() and bind() send nothing. The first one leaves with sendto()."
        }
        DemoText::UdpContrast => {
            "No handshake (data leaves with the first sendto()); no ACKs (nothing confirms delivery); no teardown (close() sends no FIN); a closed port answers with ICMP port unreachable, not RST; no connection states at all, so the kernel's state tracepoint stays silent."
        }
        DemoText::UdpContrastTitle => "UDP beside TCP · kernel",
        DemoText::UdpKernel => {
            "tracepoint sock:inet_sock_set_state, state changes recorded on this port:"
        }
        DemoText::AllDone => "All calls done. Press m to pick a scenario (or run this one again).",
        DemoText::PressNext => "Press → or Space to perform the next call:",
        DemoText::WalkedBack => {
            "Walked back: → shows the next segment already captured, End the latest; the next call comes after them."
        }
        DemoText::Running => "running…",
        DemoText::CallFailed => "failed",
        DemoText::ScenarioTitle => "Scenarios",
        DemoText::ScenarioHint => "↑↓ choose · Enter start (ends the current one) · Esc back",
        DemoText::Offline => "Live capture unavailable:",
        DemoText::OfflineWalk => {
            "Showing the bundled capture of this scenario instead: → walks its segments."
        }
        DemoText::Footer => {
            "→/Space next call  ← prev  m scenarios  c connections  d details  s diagram  t theme  ? help  q quit"
        }
        DemoText::FooterShort => {
            "→ next call ← prev e explanation m scenarios d details ? help q quit"
        }
        DemoText::HelpScenarios => "pick a scenario (the live demo restarts with it)",
        DemoText::Starting => "starting…",
    }
}

/// One line describing a scenario.
pub fn scenario(s: Scenario) -> &'static str {
    match s {
        Scenario::Normal => "normal: handshake, one echo, the client closes first",
        Scenario::ServerFirst => "server-first: one echo, the server closes first",
        Scenario::HalfClose => "half-close: the client shuts down writing, the server still sends",
        Scenario::Abort => "abort: SO_LINGER 0 and close(): RST instead of FIN",
        Scenario::Refused => "refused: connect() to a port nobody listens on",
        Scenario::Backlog => "backlog: three clients connect before the server accepts",
        Scenario::Chat => "chat: several messages each way, then the client closes",
        Scenario::ReuseAddr => {
            "reuseaddr: restart the server: Errno 98 (TIME_WAIT), then SO_REUSEADDR"
        }
        Scenario::SecondClient => "second-client: a second client waits in the accept queue",
        Scenario::Udp => "udp: the same echo over UDP: no handshake, no teardown, no states",
    }
}

/// The TIME_WAIT countdown.
pub fn time_wait(side: Side, left: u64) -> String {
    let who = match side {
        Side::Client => "The client",
        Side::Server => "The server",
    };
    if left == 0 {
        format!("{who}'s TIME_WAIT is over (2·MSL = 60 s elapsed): the socket is gone.")
    } else {
        format!(
            "TIME_WAIT: {who} waits 2·MSL = 60 s on Linux before the address pair is free: {left} s left."
        )
    }
}
