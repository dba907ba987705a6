//! The analysis labels: Wireshark's `tcp.analysis.*` expert flags, with
//! their names for text, JSON and the UI.

use serde::{Serialize, Serializer};

/// An expert-info label as Wireshark's TCP analysis sets it
/// (`tcp.analysis.*`, packet-tcp.c `tcp_analyze_sequence_number`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// Sequence space already sent, sent again (a SYN, FIN or data) and
    /// neither fast, spurious nor out of order.
    Retransmission,
    /// A retransmission of the segment the peer's two or more duplicate
    /// ACKs asked for, within 20 ms of the last of them (RFC 5681 §3.2).
    FastRetransmission,
    /// A retransmission of data the peer had already acknowledged.
    SpuriousRetransmission,
    /// Data below the highest sequence number sent, arriving within the
    /// handshake's round-trip time (3 ms without a handshake) of it:
    /// reordered on the way rather than sent again.
    OutOfOrder,
    /// The segment starts beyond the next expected sequence number: the
    /// capture missed what came before ("previous segment not captured").
    LostSegment,
    /// The ACK covers data the capture never showed ("ACKed unseen
    /// segment").
    AckedUnseen,
    /// The same ACK and window again with no data: the `n`-th duplicate of
    /// the last ACK that moved.
    DupAck(u32),
    /// Advertised window of zero.
    ZeroWindow,
    /// One byte sent into a zero window, at the next sequence number.
    ZeroWindowProbe,
    /// The answer to a zero window probe, repeating the zero window.
    ZeroWindowProbeAck,
    /// Only the window changed.
    WindowUpdate,
    /// The data reaches the right edge of the peer's advertised window.
    WindowFull,
    /// An empty or one-byte segment one byte before the next sequence
    /// number: a keep-alive probe (also how Linux probes a zero window).
    KeepAlive,
    /// The acknowledgment of a keep-alive: the same ACK again, answering
    /// the peer's probe (not a duplicate ACK).
    KeepAliveAck,
    /// A SYN that starts a new connection on the 4-tuple of an earlier one.
    PortsReused,
}

impl Label {
    /// English name, as in Wireshark's expert info (without a duplicate
    /// ACK's count, see [`Label::name`]).
    pub fn text(self) -> &'static str {
        match self {
            Label::Retransmission => "retransmission",
            Label::FastRetransmission => "fast retransmission",
            Label::SpuriousRetransmission => "spurious retransmission",
            Label::OutOfOrder => "out-of-order",
            Label::LostSegment => "previous segment not captured",
            Label::AckedUnseen => "ACKed unseen segment",
            Label::DupAck(_) => "dup ACK",
            Label::ZeroWindow => "zero window",
            Label::ZeroWindowProbe => "zero window probe",
            Label::ZeroWindowProbeAck => "zero window probe ACK",
            Label::WindowUpdate => "window update",
            Label::WindowFull => "window full",
            Label::KeepAlive => "keep-alive",
            Label::KeepAliveAck => "keep-alive ACK",
            Label::PortsReused => "port numbers reused",
        }
    }

    /// The English name with a duplicate ACK's count (`dup ACK #2`).
    pub fn name(self) -> String {
        match self {
            Label::DupAck(n) => format!("{} #{n}", self.text()),
            _ => self.text().to_string(),
        }
    }

    /// The JSON name (`fast_retransmission`, `dup_ack` ...).
    pub fn id(self) -> &'static str {
        match self {
            Label::Retransmission => "retransmission",
            Label::FastRetransmission => "fast_retransmission",
            Label::SpuriousRetransmission => "spurious_retransmission",
            Label::OutOfOrder => "out_of_order",
            Label::LostSegment => "lost_segment",
            Label::AckedUnseen => "acked_unseen",
            Label::DupAck(_) => "dup_ack",
            Label::ZeroWindow => "zero_window",
            Label::ZeroWindowProbe => "zero_window_probe",
            Label::ZeroWindowProbeAck => "zero_window_probe_ack",
            Label::WindowUpdate => "window_update",
            Label::WindowFull => "window_full",
            Label::KeepAlive => "keep_alive",
            Label::KeepAliveAck => "keep_alive_ack",
            Label::PortsReused => "ports_reused",
        }
    }

    /// Whether the segment carries sequence space sent before (any kind of
    /// retransmission).
    pub fn is_retransmission(self) -> bool {
        matches!(
            self,
            Label::Retransmission | Label::FastRetransmission | Label::SpuriousRetransmission
        )
    }
}

impl Serialize for Label {
    /// As its [`Label::id`]; a duplicate ACK's count is the segment's
    /// `dup_ack` field in the JSON document.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}
