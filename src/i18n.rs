//! Every user-facing string of the terminal UI, one file per language.
//!
//! The UI never writes prose itself: it asks the [`Strings`] of the chosen
//! [`Lang`] for fixed texts ([`Text`]), the names of model values (roles,
//! labels, causes, phases) and parametrised explanations ([`Note`],
//! [`Call`]). Adding a language is one more file implementing [`Strings`]
//! plus one [`Lang`] variant. This module holds text only: no terminal,
//! no model logic.

mod call_text;
mod carried_text;
mod datagram_text;
mod demo_text;
mod en;
mod figure_text;
mod icmp_text;
mod print_text;
mod progress_text;
mod quiz_text;
#[cfg(test)]
pub(crate) mod untranslated;
mod watch_text;
mod zh;

pub use call_text::call_result;
pub use carried_text::{malformed, reassembly_note, tunnel_note};
pub use demo_text::DemoText;
pub use figure_text::{FigureText, edge_label, figure_text, window_note};
pub use icmp_text::{icmp_datagram, icmp_event, icmp_kind};
pub use print_text::{PrintText, print_text};
pub use progress_text::{Reading, progress_line, steps_capped};
pub use quiz_text::{QuizLine, QuizText};

/// Texts of the UDP outputs.
pub mod datagram {
    pub use super::datagram_text::*;
}

/// English or Chinese: the one of `lang`.
fn pick(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

/// Texts of `synack watch`: its screen and its `--print` stream.
pub mod watch {
    pub use super::watch_text::*;
}

/// Texts of `--print`, `--list` and the `cause` of `--json`.
pub mod print {
    pub use super::print_text::{
        cause, connection_header, kernel_hand_over, kernel_heading, kernel_row, kernel_unavailable,
        label, note, role, scenario_line, side, took_effect, totals,
    };
}

use crate::conversation::{Cause, Label, Role, Side};
use crate::live::exchange::Scenario;
use crate::state::TcpState;

/// A language of the UI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl Lang {
    /// The language the environment asks for: Chinese when `LC_ALL` or
    /// `LANG` starts with `zh`, English otherwise.
    pub fn from_env() -> Lang {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let locale = var("LC_ALL").or_else(|| var("LANG")).unwrap_or_default();
        Lang::from_locale(&locale)
    }

    /// Chinese for a locale like `zh_CN.UTF-8`, English otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The strings of this language.
    pub fn strings(self) -> &'static dyn Strings {
        match self {
            Lang::En => &en::En,
            Lang::Zh => &zh::Zh,
        }
    }
}

/// Phase of a connection's life a step belongs to (derived from its role).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// SYN, SYN-ACK, ACK.
    Handshake,
    /// Data and acknowledgments.
    Data,
    /// FINs and their ACKs, or a RST.
    Teardown,
}

/// Fixed texts of the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant is the text it names")]
pub enum Text {
    Connection,
    /// Before the count of connections: `connection 4 (of 6)`.
    OfTotal,
    /// After the count of UDP datagrams in the header: `UDP · 3 datagrams`.
    Datagrams,
    Step,
    Start,
    Playing,
    Paused,
    Relative,
    Absolute,
    SourceEnded,
    Waiting,
    Footer,
    FooterShort,
    /// The short footer of watch (80 columns): its explanation is a key away.
    FooterWatchShort,
    TooSmall,
    LadderTitle,
    ExplainTitle,
    WhatHappens,
    StateChanges,
    SocketCalls,
    DiagramTitle,
    DiagramLegend,
    DetailsTitle,
    HexUnavailable,
    HexDump,
    Options,
    Labels,
    None,
    PickerTitle,
    PickerHints,
    NoMatch,
    Filter,
    Sort,
    ColIndex,
    ColClient,
    ColServer,
    ColPackets,
    ColBytes,
    ColDuration,
    ColSeen,
    ColFinal,
    SeenHandshake,
    SeenData,
    SeenFinClient,
    SeenFinServer,
    SeenRst,
    HelpTitle,
    HelpNext,
    HelpPrev,
    HelpHomeEnd,
    HelpPlay,
    HelpSpeed,
    HelpPhase,
    HelpConnections,
    HelpNumbers,
    HelpDetails,
    HelpDiagram,
    /// The `e` key: the explanation where a small screen has no room for it.
    HelpExplain,
    HelpTheme,
    HelpQuiz,
    HelpHelp,
    HelpEsc,
    HelpQuit,
    HelpClick,
    HelpWheel,
    /// The mouse click, in the help's key column.
    KeyClick,
    /// The mouse wheel, in the help's key column.
    KeyWheel,
    HelpPickerFilter,
    HelpPickerSort,
    HelpPickerEnter,
    ThemeDark,
    ThemeLight,
    ThemeProjector,
    Speed,
    Error,
    /// Footer prefix of a warning from the source.
    Warning,
    Yes,
    No,
}

/// Header fields of the details panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "each variant is the field it names")]
pub enum Field {
    Frame,
    Time,
    /// Seconds since the connection's first segment.
    SinceFirst,
    CapturedLen,
    IpVersion,
    Source,
    Destination,
    Ttl,
    IpId,
    TotalLen,
    DontFragment,
    Vlan,
    Tunnel,
    Reassembled,
    Icmp,
    Seq,
    Ack,
    Flags,
    Window,
    /// The window in bytes, shifted by the negotiated scale (RFC 7323 §2.3).
    ScaledWindow,
    Urgent,
    HeaderLen,
    PayloadLen,
    Role,
    Mss,
    WindowScale,
    SackPermitted,
    Sack,
    Timestamps,
    OtherOptions,
}

/// A socket call (or kernel action) a step causes or releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// connect() sent the SYN and blocks in SYN_SENT.
    ConnectBlocks(Side),
    /// The kernel answers a SYN on a listening socket by itself.
    KernelAnswers(Side),
    /// connect() returns: the SYN-ACK arrived.
    ConnectReturns(Side),
    /// accept() returns a connection the kernel already finished.
    AcceptReturns(Side),
    /// send()/write() queued these bytes.
    Send(Side, u32),
    /// recv()/read() on the receiver can return these bytes.
    Recv(Side, u32),
    /// close() or shutdown(SHUT_WR) sent the FIN.
    Close(Side),
    /// recv() returns 0 (end of file); CLOSE_WAIT until close().
    RecvEof(Side),
    /// The sender's FIN is acknowledged: half-closed, still receiving.
    HalfClosed(Side),
    /// TIME_WAIT for 2·MSL (60 s on Linux).
    TimeWait(Side),
    /// The connection is gone: the socket can be freed.
    Closed(Side),
    /// connect() fails with ECONNREFUSED.
    Refused(Side),
    /// close() with SO_LINGER 0 (or unread data) sends RST.
    LingerRst(Side),
    /// recv()/send() fail with ECONNRESET.
    Reset(Side),
    /// Both FINs crossed: simultaneous close.
    Simultaneous(Side),
    /// Both SYNs crossed: simultaneous open (RFC 9293 §3.5 Figure 8).
    SimultaneousOpen(Side),
}

/// One sentence of the explanation panel, with this capture's numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// Before the first segment.
    Before {
        /// Client's initial state.
        client: TcpState,
        /// Server's initial state.
        server: TcpState,
    },
    /// The capture began after the handshake.
    MidStream,
    /// A SYN.
    Syn {
        /// Sender.
        from: Side,
        /// Sequence number shown (the ISN).
        seq: u32,
        /// MSS option.
        mss: Option<u16>,
    },
    /// A SYN-ACK.
    SynAck {
        /// Sender.
        from: Side,
        /// Its own ISN as shown.
        seq: u32,
        /// The peer's ISN as shown.
        peer_isn: u32,
        /// Acknowledgment number shown.
        ack: u32,
    },
    /// The third segment of the handshake.
    HandshakeAck {
        /// Sender.
        from: Side,
        /// The peer's ISN as shown.
        peer_isn: u32,
        /// Acknowledgment number shown.
        ack: u32,
    },
    /// A segment carrying data.
    Data {
        /// Sender.
        from: Side,
        /// First sequence number shown.
        seq: u32,
        /// Payload bytes.
        len: u32,
        /// Next sequence number (what the peer will acknowledge).
        end: u32,
    },
    /// A plain acknowledgment.
    Ack {
        /// Sender.
        from: Side,
        /// Acknowledgment number shown.
        ack: u32,
    },
    /// A FIN.
    Fin {
        /// Sender.
        from: Side,
        /// Sequence number of the FIN itself.
        fin_seq: u32,
    },
    /// The first acknowledgment of a FIN.
    AckOfFin {
        /// Sender.
        from: Side,
        /// The FIN's sequence number.
        fin_seq: u32,
        /// Acknowledgment number shown.
        ack: u32,
    },
    /// RST answering a SYN: nobody listens.
    RstRefused {
        /// Sender.
        from: Side,
        /// The port nobody listens on.
        port: u16,
    },
    /// RST aborting a connection.
    Rst {
        /// Sender.
        from: Side,
    },
    /// The segment carries an analysis label.
    Label {
        /// Sender.
        from: Side,
        /// The label.
        label: Label,
    },
    /// A state change.
    Change {
        /// Endpoint.
        side: Side,
        /// Before.
        from: TcpState,
        /// After.
        to: TcpState,
        /// Event.
        cause: Cause,
    },
    /// A state change applied later than its segment was seen.
    Deferred {
        /// Endpoint.
        side: Side,
        /// 1-based number of the causing segment.
        segment: usize,
        /// 1-based step where it took effect.
        step: usize,
    },
    /// A socket call.
    Call(Call),
}

/// The strings of one language.
pub trait Strings: Sync {
    /// The language these strings are in.
    fn lang(&self) -> Lang;
    /// A fixed text.
    fn text(&self, t: Text) -> &'static str;
    /// A header field name.
    fn field(&self, f: Field) -> &'static str;
    /// "client" or "server".
    fn side(&self, s: Side) -> &'static str;
    /// A segment's role.
    fn role(&self, r: Role) -> &'static str;
    /// An analysis label.
    fn label(&self, l: Label) -> &'static str;
    /// An analysis label with a duplicate ACK's count (`dup ACK #2`).
    fn label_name(&self, l: Label) -> String {
        match l {
            Label::DupAck(n) => format!("{} #{n}", self.label(l)),
            _ => self.label(l).to_string(),
        }
    }
    /// The event behind a state change.
    fn cause(&self, c: Cause) -> &'static str;
    /// A phase name.
    fn phase(&self, p: Phase) -> &'static str;
    /// One explanation sentence.
    fn note(&self, n: &Note) -> String;
    /// One socket-call sentence.
    fn call(&self, c: &Call) -> String;
    /// A state change in a ladder row: `↳ client: A → B · cause`.
    fn change(&self, side: Side, from: TcpState, to: TcpState, cause: Cause) -> String;
    /// "n more steps hidden" line under the revealed part of the ladder.
    fn hidden(&self, n: usize) -> String;
    /// Marker put before a state change applied later than its segment
    /// (`segment` is 1-based).
    fn later(&self, segment: usize) -> String;
    /// A fixed text of the live demo.
    fn demo(&self, t: DemoText) -> &'static str;
    /// One line describing a scenario of the live demo.
    fn scenario(&self, s: Scenario) -> &'static str;
    /// The TIME_WAIT countdown of `side`: `left` whole seconds of 2·MSL.
    fn time_wait(&self, side: Side, left: u64) -> String;
    /// A fixed text of the quiz.
    fn quiz(&self, t: QuizText) -> &'static str;
    /// A quiz sentence with its numbers.
    fn quiz_line(&self, l: &QuizLine) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_starting_with_zh_selects_chinese() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale(""), Lang::En);
    }

    #[test]
    fn every_language_names_every_cause() {
        for lang in [Lang::En, Lang::Zh] {
            let s = lang.strings();
            assert!(!s.cause(Cause::RcvFin).is_empty());
            assert!(!s.text(Text::TooSmall).is_empty());
        }
    }
}
