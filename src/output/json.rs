//! `synack replay FILE --json`: one stable JSON document (documented in the
//! README).

use serde::Serialize;

use crate::conversation::{
    Cause, Connection, Event, IcmpEvent, Label, Role, Side, Skipped, Step, Transition,
};
use crate::segment::{Carried, IcmpKind};
use crate::state::TcpState;

use super::{Style, secs_since};

/// One segment in the JSON document.
#[derive(Serialize)]
pub struct SegmentJson {
    /// 0-based index within the connection.
    pub index: usize,
    /// Frame number in the capture (1-based).
    pub frame: u64,
    /// Seconds since the capture's first packet.
    pub time: f64,
    /// Sender.
    pub from: Side,
    /// Flag names (`SYN`, `ACK` ...).
    pub flags: Vec<&'static str>,
    /// Sequence number (relative unless `--absolute`).
    pub seq: u32,
    /// Acknowledgment number (relative unless `--absolute`).
    pub ack: u32,
    /// Payload length.
    pub len: u32,
    /// Window field (unscaled).
    pub win: u16,
    /// Role in the lifecycle.
    pub role: Role,
    /// Analysis labels; a fast or spurious retransmission is listed as a
    /// `retransmission` too, as tshark sets `tcp.analysis.retransmission`
    /// on both.
    pub labels: Vec<Label>,
    /// Why the header is malformed (impossible data offset), when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub malformed: Option<String>,
    /// Tunnels it travelled in and the frames it was reassembled from, when
    /// either.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried: Option<Carried>,
    /// The count of a duplicate ACK (`dup_ack` label): its `n`-th repeat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dup_ack: Option<u32>,
    /// Client state after this segment.
    pub client_state: TcpState,
    /// Server state after this segment.
    pub server_state: TcpState,
}

/// One transition in the JSON document.
#[derive(Serialize)]
pub struct TransitionJson {
    /// Which endpoint.
    pub endpoint: Side,
    /// State before.
    pub from: TcpState,
    /// State after.
    pub to: TcpState,
    /// Index of the segment that caused it.
    pub segment: usize,
    /// Index of the segment after which it holds.
    pub step: usize,
    /// `send` or `receive`.
    pub event: Event,
    /// The RFC event in words (in the `--lang` language; `cause_id` is
    /// the stable key).
    pub cause: &'static str,
    /// Machine-readable cause.
    pub cause_id: Cause,
}

/// One connection in the JSON document.
#[derive(Serialize)]
pub struct ConnectionJson {
    /// Index (like Wireshark's tcp.stream).
    pub index: usize,
    /// Client address.
    pub client: String,
    /// Server address.
    pub server: String,
    /// True when the capture began mid-connection.
    pub mid_stream: bool,
    /// States before the first segment.
    pub initial_client_state: TcpState,
    /// States before the first segment.
    pub initial_server_state: TcpState,
    /// The segments.
    pub segments: Vec<SegmentJson>,
    /// The transitions, in order.
    pub transitions: Vec<TransitionJson>,
    /// "inside VXLAN VNI 42, 10.0.0.1 → 10.0.0.2", when it travelled in a
    /// tunnel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnel: Option<String>,
    /// ICMP errors quoting its segments (events, not segments).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub icmp: Vec<IcmpJson>,
}

/// One ICMP error about a connection.
#[derive(Serialize)]
pub struct IcmpJson {
    /// Frame number of the ICMP message.
    pub frame: u64,
    /// Seconds since the capture's first packet.
    pub time: f64,
    /// Who sent it.
    pub from: String,
    /// `ICMP: fragmentation needed, MTU 1400`.
    pub message: String,
    /// Machine-readable kind (with the MTU or code).
    #[serde(flatten)]
    pub kind: IcmpKind,
    /// Index of the last segment before it.
    pub after_segment: Option<usize>,
    /// Index of the segment it quotes, when captured.
    pub quotes_segment: Option<usize>,
}

impl ConnectionJson {
    /// Builds the JSON view of one connection.
    pub fn new(c: &Connection, style: &Style) -> ConnectionJson {
        ConnectionJson {
            index: c.index(),
            client: c.client().to_string(),
            server: c.server().to_string(),
            mid_stream: c.mid_stream(),
            initial_client_state: c.initial[0],
            initial_server_state: c.initial[1],
            segments: c
                .steps()
                .iter()
                .enumerate()
                .map(|(i, s)| SegmentJson::new(c.drained() + i, s, style))
                .collect(),
            transitions: c
                .transitions()
                .iter()
                .map(|t| TransitionJson::new(t, style))
                .collect(),
            tunnel: super::tunnel_note(c, crate::i18n::Lang::En),
            icmp: c.icmp().iter().map(|e| IcmpJson::new(e, style)).collect(),
        }
    }
}

impl SegmentJson {
    /// Step `i` (its index in the connection) in the JSON document.
    pub fn new(i: usize, s: &Step, style: &Style) -> SegmentJson {
        SegmentJson {
            index: i,
            frame: s.segment.frame.number,
            time: secs_since(s.segment.ts, style.origin),
            from: s.from,
            flags: s.segment.flags.names(),
            seq: if style.relative {
                s.rel_seq
            } else {
                s.segment.seq
            },
            ack: if style.relative {
                s.rel_ack
            } else {
                s.segment.ack
            },
            len: s.segment.payload_len,
            win: s.segment.window,
            role: s.role,
            labels: with_plain_retransmission(&s.labels),
            malformed: s.segment.malformed.map(|m| m.to_string()),
            carried: s.segment.ip.carried.as_deref().cloned(),
            dup_ack: s.labels.iter().find_map(|l| match l {
                Label::DupAck(n) => Some(*n),
                _ => None,
            }),
            client_state: s.states[0],
            server_state: s.states[1],
        }
    }
}

impl TransitionJson {
    /// One transition in the JSON document.
    pub fn new(t: &Transition, style: &Style) -> TransitionJson {
        TransitionJson {
            endpoint: t.endpoint,
            from: t.from,
            to: t.to,
            segment: t.segment,
            step: t.step,
            event: t.event,
            cause: crate::i18n::print::cause(style.lang, t.cause),
            cause_id: t.cause,
        }
    }
}

impl IcmpJson {
    /// One ICMP event in the JSON document.
    pub fn new(e: &IcmpEvent, style: &Style) -> IcmpJson {
        IcmpJson {
            frame: e.error.frame.number,
            time: secs_since(e.error.ts, style.origin),
            from: e.error.reporter.to_string(),
            message: e.error.kind.to_string(),
            kind: e.error.kind,
            after_segment: e.after.checked_sub(1),
            quotes_segment: e.quotes,
        }
    }
}

/// The whole document.
#[derive(Serialize)]
struct Document<'a> {
    file: &'a str,
    relative: bool,
    skipped: Skipped,
    connections: Vec<ConnectionJson>,
}

/// Renders the document for `conns` (already filtered by `--conn`).
pub fn document<'a>(
    file: &str,
    conns: impl IntoIterator<Item = &'a Connection>,
    skipped: Skipped,
    style: &Style,
) -> serde_json::Value {
    let doc = Document {
        file,
        relative: style.relative,
        skipped,
        connections: conns
            .into_iter()
            .map(|c| ConnectionJson::new(c, style))
            .collect(),
    };
    serde_json::to_value(doc).unwrap_or(serde_json::Value::Null)
}

/// The document as `--json` prints it: pretty-printed, one final newline.
/// The `--html` page embeds exactly this text.
pub fn json_text(doc: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_else(|_| "null".into());
    text.push('\n');
    text
}

/// `labels` with `retransmission` before a fast or spurious retransmission,
/// as Wireshark marks those frames with both (`tcp.analysis.retransmission`
/// and the specific flag), so that a reader of the JSON finds every
/// retransmission under one name, as with tshark's filter.
fn with_plain_retransmission(labels: &[Label]) -> Vec<Label> {
    let mut out = Vec::with_capacity(labels.len() + 1);
    for &l in labels {
        if l.is_retransmission() && l != Label::Retransmission {
            out.push(Label::Retransmission);
        }
        out.push(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_and_spurious_retransmissions_are_retransmissions_too() {
        let l = [
            Label::FastRetransmission,
            Label::DupAck(2),
            Label::SpuriousRetransmission,
        ];
        assert_eq!(
            with_plain_retransmission(&l),
            [
                Label::Retransmission,
                Label::FastRetransmission,
                Label::DupAck(2),
                Label::Retransmission,
                Label::SpuriousRetransmission
            ]
        );
        let plain = [Label::Retransmission, Label::WindowUpdate];
        assert_eq!(with_plain_retransmission(&plain), plain);
    }
}
