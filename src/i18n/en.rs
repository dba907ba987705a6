//! English strings of the UI. Text only: no terminal, no model logic.

mod demo;
mod quiz;

use super::{Call, DemoText, Field, Note, Phase, Strings, Text};
use crate::conversation::{Cause, Label, Role, Side};
use crate::live::exchange::Scenario;
use crate::state::TcpState;

/// English.
pub struct En;

fn the(s: Side) -> &'static str {
    match s {
        Side::Client => "the client",
        Side::Server => "the server",
    }
}

fn cap_the(s: Side) -> &'static str {
    match s {
        Side::Client => "The client",
        Side::Server => "The server",
    }
}

impl Strings for En {
    fn lang(&self) -> super::Lang {
        super::Lang::En
    }

    fn text(&self, t: Text) -> &'static str {
        match t {
            Text::Connection => "connection",
            Text::OfTotal => "of",
            Text::Datagrams => "datagrams",
            Text::Step => "step",
            Text::Start => "start",
            Text::Playing => "▶ playing",
            Text::Paused => "⏸ paused",
            Text::Relative => "relative numbers",
            Text::Absolute => "absolute numbers",
            Text::SourceEnded => "capture ended",
            Text::Waiting => "Waiting for segments…",
            Text::Footer => {
                "→/Space next  ← prev  n/N phase  p play  c connections  d details  s diagram  r numbers  t theme  ? help  q quit"
            }
            Text::FooterShort => "→ next ← prev n phase d details s diagram ? help q quit",
            Text::FooterWatchShort => {
                "→ next ← prev n phase e explanation d details s diagram ? help q quit"
            }
            Text::TooSmall => "Window too small (need 60×20)",
            Text::LadderTitle => "Ladder",
            Text::ExplainTitle => "Explanation",
            Text::WhatHappens => "What happens",
            Text::StateChanges => "State changes",
            Text::SocketCalls => "Socket calls",
            Text::DiagramTitle => "TCP state diagram (RFC 9293)",
            Text::DiagramLegend => {
                "filled box = the state of the client / server  » « = edge just taken"
            }
            Text::DetailsTitle => "Packet details",
            Text::HexUnavailable => "hex dump unavailable (frame bytes not loaded)",
            Text::HexDump => "Frame bytes",
            Text::Options => "TCP options",
            Text::Labels => "Labels",
            Text::None => "none",
            Text::PickerTitle => "Connections",
            Text::PickerHints => {
                "↑↓ PgUp PgDn Home End select  Enter walk  / filter  o sort  Esc close"
            }
            Text::NoMatch => "no connection matches the filter",
            Text::Filter => "filter",
            Text::Sort => "sorted by",
            Text::ColIndex => "#",
            Text::ColClient => "client",
            Text::ColServer => "server",
            Text::ColPackets => "packets",
            Text::ColBytes => "bytes",
            Text::ColDuration => "duration",
            Text::ColSeen => "seen",
            Text::ColFinal => "final states",
            Text::SeenHandshake => "handshake",
            Text::SeenData => "data",
            Text::SeenFinClient => "FIN c→s",
            Text::SeenFinServer => "FIN s→c",
            Text::SeenRst => "RST",
            Text::HelpTitle => "Keys",
            Text::HelpNext => "next step (reveal one more segment)",
            Text::HelpPrev => "previous step",
            Text::HelpHomeEnd => "first / last step",
            Text::HelpPlay => "play / pause",
            Text::HelpSpeed => "faster / slower",
            Text::HelpPhase => "next / previous phase (handshake, data, teardown)",
            Text::HelpConnections => "choose a connection",
            Text::HelpNumbers => "relative / absolute sequence numbers",
            Text::HelpDetails => "packet details (every header field, hex dump)",
            Text::HelpDiagram => "TCP state diagram",
            Text::HelpExplain => "explanation (in place of the calls, on small screens)",
            Text::HelpTheme => "theme: dark, light, projector",
            Text::HelpQuiz => "quiz: predict each step before it is revealed (--quiz)",
            Text::HelpHelp => "this help",
            Text::HelpEsc => "close the panel on top",
            Text::HelpQuit => "quit",
            Text::HelpClick => "select the segment under the mouse",
            Text::HelpWheel => "scroll the ladder (or the details)",
            Text::KeyClick => "click",
            Text::KeyWheel => "wheel",
            Text::HelpPickerFilter => "connections: filter by address, port, state, flag",
            Text::HelpPickerSort => "connections: cycle the sort column",
            Text::HelpPickerEnter => "connections: walk the selected one",
            Text::ThemeDark => "dark",
            Text::ThemeLight => "light",
            Text::ThemeProjector => "projector",
            Text::Speed => "steps/s",
            Text::Error => "error",
            Text::Warning => "warning",
            Text::Yes => "yes",
            Text::No => "no",
        }
    }

    fn field(&self, f: Field) -> &'static str {
        match f {
            Field::Frame => "Frame",
            Field::Time => "Time",
            Field::SinceFirst => "Since first segment",
            Field::CapturedLen => "Captured / wire length",
            Field::IpVersion => "IP version",
            Field::Source => "Source",
            Field::Destination => "Destination",
            Field::Ttl => "TTL / hop limit",
            Field::IpId => "IP identification",
            Field::TotalLen => "IP total length",
            Field::DontFragment => "Don't fragment",
            Field::Vlan => "VLAN",
            Field::Tunnel => "Carried in",
            Field::Reassembled => "Fragments",
            Field::Icmp => "ICMP error",
            Field::Seq => "Sequence number",
            Field::Ack => "Acknowledgment number",
            Field::Flags => "Flags",
            Field::Window => "Window (raw)",
            Field::ScaledWindow => "Window (scaled)",
            Field::Urgent => "Urgent pointer",
            Field::HeaderLen => "TCP header length",
            Field::PayloadLen => "Payload length",
            Field::Role => "Role",
            Field::Mss => "MSS",
            Field::WindowScale => "Window scale",
            Field::SackPermitted => "SACK permitted",
            Field::Sack => "SACK blocks",
            Field::Timestamps => "Timestamps (TSval, TSecr)",
            Field::OtherOptions => "Other option kinds",
        }
    }

    fn side(&self, s: Side) -> &'static str {
        match s {
            Side::Client => "client",
            Side::Server => "server",
        }
    }

    fn role(&self, r: Role) -> &'static str {
        r.text()
    }

    fn label(&self, l: Label) -> &'static str {
        l.text()
    }

    fn cause(&self, c: Cause) -> &'static str {
        c.text()
    }

    fn phase(&self, p: Phase) -> &'static str {
        match p {
            Phase::Handshake => "three-way handshake",
            Phase::Data => "data transfer",
            Phase::Teardown => "teardown",
        }
    }

    fn note(&self, n: &Note) -> String {
        match *n {
            Note::Before { client, server } => format!(
                "Nothing has been sent yet. The client is {client}; the server is {server}: its application called socket(), bind() and listen(), and now waits for a SYN."
            ),
            Note::MidStream => "The capture began after the handshake: the states are inferred from the first segments seen.".into(),
            Note::Syn { from, seq, mss } => {
                let mss = mss.map(|m| format!(" It announces MSS {m}: the largest segment it wants to receive.")).unwrap_or_default();
                format!(
                    "{} asks to open a connection: SYN with its initial sequence number (ISN) seq = {seq}. The SYN itself takes one sequence number.{mss}",
                    cap_the(from)
                )
            }
            Note::SynAck { from, seq, peer_isn, ack } => format!(
                "{} acknowledges {}'s SYN: ack = {} ISN + 1 = {peer_isn} + 1 = {ack}, and sends its own SYN with ISN seq = {seq}.",
                cap_the(from),
                the(from.peer()),
                from.peer(),
            ),
            Note::HandshakeAck { from, peer_isn, ack } => format!(
                "{} acknowledges {}'s SYN: ack = {} ISN + 1 = {peer_isn} + 1 = {ack}. The three-way handshake is complete: both sides are ESTABLISHED.",
                cap_the(from),
                the(from.peer()),
                from.peer(),
            ),
            Note::Data { from, seq, len, end } => format!(
                "{} sends {len} bytes of data: seq = {seq}, bytes {seq}…{}. {} will acknowledge them with ack = {seq} + {len} = {end}, the next byte it expects.",
                cap_the(from),
                end.wrapping_sub(1),
                cap_the(from.peer()),
            ),
            Note::Ack { from, ack } => format!(
                "{} acknowledges everything up to byte {}: ack = {ack} is the next byte it expects.",
                cap_the(from),
                ack.wrapping_sub(1)
            ),
            Note::Fin { from, fin_seq } => format!(
                "{} sends FIN: it will send no more data. The FIN takes one sequence number: seq = {fin_seq}, so the peer acknowledges it with ack = {}.",
                cap_the(from),
                fin_seq.wrapping_add(1)
            ),
            Note::AckOfFin { from, fin_seq, ack } => format!(
                "{} acknowledges {}'s FIN: ack = FIN seq + 1 = {fin_seq} + 1 = {ack}.",
                cap_the(from),
                the(from.peer())
            ),
            Note::RstRefused { from, port } => format!(
                "{} has no socket listening on port {port}: it answers the SYN with RST-ACK. The connection is refused.",
                cap_the(from)
            ),
            Note::Rst { from } => format!(
                "{} resets the connection: RST aborts it at once, with no FIN exchange and no TIME_WAIT; data still in flight is lost.",
                cap_the(from)
            ),
            Note::Label { from, label } => match label {
                Label::Retransmission => format!(
                    "Retransmission: {} sends the same sequence numbers again because no ACK came back in time (retransmission timeout, about 200 ms at least on Linux) or after duplicate ACKs.",
                    the(from)
                ),
                Label::DupAck(n) => format!(
                    "Duplicate ACK #{n}: {} repeats the same ack number; it is still missing that byte. Three duplicate ACKs trigger a fast retransmission.",
                    the(from)
                ),
                Label::FastRetransmission => format!(
                    "Fast retransmission: {} sends the missing segment again at once, because the peer's duplicate ACKs asked for it (RFC 5681 §3.2), without waiting for the retransmission timeout.",
                    the(from)
                ),
                Label::SpuriousRetransmission => format!(
                    "Spurious retransmission: {} sends data again that the peer had already acknowledged; the copy was not needed.",
                    the(from)
                ),
                Label::LostSegment => "Previous segment not captured: this segment starts beyond the next expected byte; the capture missed what came before it (lost on the way, or taken elsewhere).".into(),
                Label::AckedUnseen => format!(
                    "ACKed unseen segment: {} acknowledges data the capture never showed.",
                    the(from)
                ),
                Label::ZeroWindowProbe => format!(
                    "Zero window probe: {} sends one byte into the peer's zero window to learn when it opens again.",
                    the(from)
                ),
                Label::ZeroWindowProbeAck => format!(
                    "Zero window probe ACK: {} answers the probe; its window is still zero.",
                    the(from)
                ),
                Label::WindowFull => format!(
                    "Window full: this data reaches the right edge of the window the peer advertised; {} must now wait for an ACK before sending more.",
                    the(from)
                ),
                Label::PortsReused => "Port numbers reused: a new connection on the same addresses and ports as an earlier one in this capture.".into(),
                Label::OutOfOrder => "Out of order: this segment fills a gap left by one sent later.".into(),
                Label::ZeroWindow => format!(
                    "Zero window: {}'s receive buffer is full; the peer must stop sending.",
                    the(from)
                ),
                Label::WindowUpdate => format!(
                    "Window update: {} only announces a new receive window.",
                    the(from)
                ),
                Label::KeepAlive => format!(
                    "Keep-alive: {} probes whether the peer is still there (SO_KEEPALIVE), or whether a zero window has opened again.",
                    the(from)
                ),
                Label::KeepAliveAck => format!(
                    "Keep-alive ACK: {} answers the probe with its current ACK: it is still there.",
                    the(from)
                ),
            },
            Note::Change { side, from, to, cause } => format!(
                "{}: {from} → {to} — {} (RFC 9293 §{}).",
                self.side(side),
                self.cause(cause),
                cause.rfc_section()
            ),
            Note::Deferred { side, segment, step } => format!(
                "{} processed segment #{segment} only at step #{step}: the two segments crossed on the wire, so when #{segment} was seen {} had already sent its own; its acknowledgment shows it had not received #{segment} yet.",
                cap_the(side),
                the(side)
            ),
            Note::Call(c) => self.call(&c),
        }
    }

    fn call(&self, c: &Call) -> String {
        match *c {
            Call::ConnectBlocks(s) => format!(
                "{}: connect() sends this SYN and blocks in SYN_SENT until the answer arrives.",
                self.side(s)
            ),
            Call::KernelAnswers(s) => format!(
                "{}: the kernel answers by itself (no application call); the half-open connection waits in the SYN queue of the listening socket.",
                self.side(s)
            ),
            Call::ConnectReturns(s) => format!(
                "{}: connect() returns 0 now that the SYN-ACK arrived; the application can send().",
                self.side(s)
            ),
            Call::AcceptReturns(s) => format!(
                "{}: the connection moves to the accept queue; accept() returns it — the kernel finished the handshake before the application saw anything.",
                self.side(s)
            ),
            Call::Send(s, n) => format!(
                "{}: send() / write() handed these {n} bytes to the kernel.",
                self.side(s)
            ),
            Call::Recv(s, n) => format!(
                "{}: recv() / read() can now return these {n} bytes.",
                self.side(s)
            ),
            Call::Close(s) => format!(
                "{}: close() sends FIN (or shutdown(SHUT_WR): a half-close — it can still receive).",
                self.side(s)
            ),
            Call::RecvEof(s) => format!(
                "{}: recv() now returns 0 (end of file); it stays in CLOSE_WAIT until its application calls close().",
                self.side(s)
            ),
            Call::HalfClosed(s) => format!(
                "{}: its FIN is acknowledged; it waits in FIN_WAIT2 for the peer's FIN and can still receive data (half-close).",
                self.side(s)
            ),
            Call::TimeWait(s) => format!(
                "{}: TIME_WAIT lasts 2·MSL (60 s on Linux) so a lost last ACK can be resent and old segments die out; the port pair cannot be reused meanwhile.",
                self.side(s)
            ),
            Call::Closed(s) => format!(
                "{}: the connection is gone; the kernel frees the socket.",
                self.side(s)
            ),
            Call::Refused(s) => format!(
                "{}: connect() fails with ECONNREFUSED (\"Connection refused\").",
                self.side(s)
            ),
            Call::LingerRst(s) => format!(
                "{}: an application sends RST with close() after setting SO_LINGER to 0, or by closing with unread data.",
                self.side(s)
            ),
            Call::Reset(s) => format!(
                "{}: the next recv() or send() fails with ECONNRESET (\"Connection reset by peer\").",
                self.side(s)
            ),
            Call::Simultaneous(s) => format!(
                "{}: it received the peer's FIN while its own FIN was unacknowledged: simultaneous close, CLOSING.",
                self.side(s)
            ),
            Call::SimultaneousOpen(s) => format!(
                "{}: its connect() is still waiting when the peer's SYN arrives: both sides connected at once (simultaneous open, RFC 9293 §3.5 Figure 8). It answers with a SYN-ACK and waits in SYN_RECV; the peer's SYN-ACK completes the handshake — one connection, no listener.",
                self.side(s)
            ),
        }
    }

    fn change(&self, side: Side, from: TcpState, to: TcpState, cause: Cause) -> String {
        format!(
            "↳ {}: {from} → {to} · {}",
            self.side(side),
            self.cause(cause)
        )
    }

    fn hidden(&self, n: usize) -> String {
        if n == 1 {
            "… 1 more segment hidden: press → to reveal".into()
        } else {
            format!("… {n} more segments hidden: press → to reveal")
        }
    }

    fn later(&self, segment: usize) -> String {
        format!("⟲ segment #{segment}, processed later:")
    }

    fn demo(&self, t: DemoText) -> &'static str {
        demo::text(t)
    }

    fn quiz(&self, t: super::QuizText) -> &'static str {
        quiz::text(t)
    }

    fn quiz_line(&self, l: &super::QuizLine) -> String {
        quiz::line(l)
    }

    fn scenario(&self, s: Scenario) -> &'static str {
        demo::scenario(s)
    }

    fn time_wait(&self, side: Side, left: u64) -> String {
        demo::time_wait(side, left)
    }
}
