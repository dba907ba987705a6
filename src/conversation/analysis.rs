//! Per-segment analysis in the manner of Wireshark's TCP expert info:
//! retransmissions, duplicate ACKs, window events, keep-alives, out-of-order
//! segments, and each segment's role in the connection's lifecycle.

use serde::Serialize;

use crate::segment::Segment;
use crate::seq;

/// An expert-info style label (Wireshark's `tcp.analysis.*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Sequence space already sent (a SYN, FIN or data sent again).
    Retransmission,
    /// Data that fills a gap left by a later segment.
    OutOfOrder,
    /// Same ACK and window again while the peer has data outstanding.
    DupAck,
    /// Advertised window of zero.
    ZeroWindow,
    /// Only the window changed.
    WindowUpdate,
    /// A probe one byte before the next sequence number.
    KeepAlive,
    /// The acknowledgment of a keep-alive: the same ACK again, answering
    /// the peer's probe (not a duplicate ACK).
    KeepAliveAck,
}

impl Label {
    /// English name, as in Wireshark's expert info.
    pub fn text(self) -> &'static str {
        match self {
            Label::Retransmission => "retransmission",
            Label::OutOfOrder => "out-of-order",
            Label::DupAck => "dup ACK",
            Label::ZeroWindow => "zero window",
            Label::WindowUpdate => "window update",
            Label::KeepAlive => "keep-alive",
            Label::KeepAliveAck => "keep-alive ACK",
        }
    }
}

/// A segment's role in the connection's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Handshake step 1: SYN.
    Syn,
    /// Handshake step 2: SYN-ACK.
    SynAck,
    /// Handshake step 3: the first ACK of the peer's SYN.
    HandshakeAck,
    /// Carries payload.
    Data,
    /// A plain acknowledgment.
    Ack,
    /// Carries a FIN (with or without data).
    Fin,
    /// The first acknowledgment of the peer's FIN.
    AckOfFin,
    /// A reset.
    Rst,
}

impl Role {
    /// English name.
    pub fn text(self) -> &'static str {
        match self {
            Role::Syn => "handshake SYN",
            Role::SynAck => "handshake SYN-ACK",
            Role::HandshakeAck => "handshake ACK",
            Role::Data => "data",
            Role::Ack => "ACK",
            Role::Fin => "FIN",
            Role::AckOfFin => "ACK of FIN",
            Role::Rst => "RST",
        }
    }
}

/// How many sequence gaps per direction are remembered to tell
/// out-of-order segments from retransmissions.
const MAX_HOLES: usize = 16;

/// What one direction has sent so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct Direction {
    /// Highest SEG.SEQ + SEG.LEN seen (None before the first segment).
    next_seq: Option<u32>,
    /// Last ACK number and window sent.
    last_ack: Option<(u32, u16)>,
    /// Gaps `[start, end)` left when a segment jumped ahead.
    holes: Vec<(u32, u32)>,
    /// Sequence number of its SYN and FIN, once seen.
    syn: Option<u32>,
    fin: Option<u32>,
    /// Whether its SYN / FIN has been acknowledged by the peer.
    syn_acked: bool,
    fin_acked: bool,
    /// Its last segment was a keep-alive probe.
    probing: bool,
}

/// Both directions' analysis state for one connection, indexed like
/// [`super::Side::idx`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Analyzer {
    dirs: [Direction; 2],
}

impl Analyzer {
    /// Classifies a segment sent by side `from` (0 client, 1 server).
    pub fn classify(&mut self, from: usize, s: &Segment) -> (Role, Vec<Label>) {
        let (me, peer) = if from == 0 {
            let [a, b] = &mut self.dirs;
            (a, b)
        } else {
            let [a, b] = &mut self.dirs;
            (b, a)
        };
        let f = s.flags;
        let len = s.seg_len();
        let mut labels = Vec::new();

        // Role first, judged against what the peer sent before.
        let mut role = if f.rst() {
            Role::Rst
        } else if f.syn() && f.ack() {
            Role::SynAck
        } else if f.syn() {
            Role::Syn
        } else if f.fin() {
            Role::Fin
        } else if s.payload_len > 0 {
            Role::Data
        } else {
            Role::Ack
        };
        if f.ack() && !f.rst() {
            if let Some(ps) = peer.syn
                && !peer.syn_acked
                && seq::gt(s.ack, ps)
            {
                peer.syn_acked = true;
                if role == Role::Ack {
                    role = Role::HandshakeAck;
                }
            }
            if let Some(pf) = peer.fin
                && !peer.fin_acked
                && seq::gt(s.ack, pf)
            {
                peer.fin_acked = true;
                if role == Role::Ack {
                    role = Role::AckOfFin;
                }
            }
        }

        if let Some(next) = me.next_seq {
            let keep_alive = !f.syn()
                && !f.fin()
                && !f.rst()
                && s.payload_len <= 1
                && s.seq == next.wrapping_sub(1);
            if keep_alive {
                labels.push(Label::KeepAlive);
            } else if len > 0 && seq::lt(s.seq, next) {
                let end = s.seq_end();
                if let Some(i) = me
                    .holes
                    .iter()
                    .position(|&(a, b)| seq::ge(s.seq, a) && seq::le(end, b))
                {
                    labels.push(Label::OutOfOrder);
                    let (a, b) = me.holes.remove(i);
                    if seq::lt(a, s.seq) {
                        me.holes.push((a, s.seq));
                    }
                    if seq::lt(end, b) {
                        me.holes.push((end, b));
                    }
                } else {
                    labels.push(Label::Retransmission);
                }
            } else if len > 0 && seq::gt(s.seq, next) && me.holes.len() < MAX_HOLES {
                me.holes.push((next, s.seq));
            }
        }
        // Wireshark's rules (packet-tcp.c, tcp_analyze_sequence_number):
        // zero window on any segment without SYN/FIN/RST; window update and
        // duplicate ACK on an empty segment with the same SEQ/ACK as this
        // side's previous one and a non-zero window, changed or not.
        let plain = !f.syn() && !f.fin() && !f.rst();
        if plain && s.window == 0 {
            labels.push(Label::ZeroWindow);
        }
        if len == 0
            && plain
            && s.window != 0
            && !labels.contains(&Label::KeepAlive)
            && let Some((last_ack, last_win)) = me.last_ack
            && last_ack == s.ack
            && me.next_seq == Some(s.seq)
        {
            if s.window != last_win {
                labels.push(Label::WindowUpdate);
            } else if peer.probing {
                labels.push(Label::KeepAliveAck);
            } else {
                labels.push(Label::DupAck);
            }
        }
        me.probing = labels.contains(&Label::KeepAlive);

        if f.syn() {
            me.syn = Some(s.seq);
        }
        if f.fin() && me.fin.is_none() {
            me.fin = Some(s.seq.wrapping_add(s.payload_len));
        }
        if f.ack() && !f.rst() {
            me.last_ack = Some((s.ack, s.window));
        }
        let end = s.seq_end();
        match me.next_seq {
            Some(n) if !seq::gt(end, n) => {}
            _ if f.rst() && me.next_seq.is_some() => {}
            _ => me.next_seq = Some(end),
        }
        (role, labels)
    }
}
