//! Per-segment analysis as Wireshark computes it, and each segment's role in
//! the connection's lifecycle.
//!
//! The labels follow Wireshark's TCP sequence analysis
//! (`tcp_analyze_sequence_number` in epan/dissectors/packet-tcp.c, as tshark
//! 4.0 applies it) rule by rule, in its order and with its state per
//! direction: the next expected sequence number and when it was reached,
//! the highest sequence number that may be acknowledged, the last ACK,
//! window and their time, the duplicate ACK count, the window scale, and
//! the handshake's round-trip time (the out-of-order threshold).
//! `tests/tshark_labels.rs` compares them with tshark on every capture.
//!
//! Pure data: no files, sockets, terminal or clock (times are the
//! segments' own timestamps).

mod label;

use std::time::Duration;

use serde::Serialize;

use crate::segment::{Malformed, Segment};
use crate::seq;

pub use label::Label;

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

/// A fast retransmission follows the last duplicate ACK within this time.
const FAST_RETRANSMISSION_WINDOW: Duration = Duration::from_millis(20);
/// Out-of-order threshold when the handshake's round-trip time is unknown.
const DEFAULT_OUT_OF_ORDER: Duration = Duration::from_millis(3);

/// Window scale not known yet (Wireshark's -1).
const SCALE_UNKNOWN: i8 = -1;
/// The handshake showed no window scaling (Wireshark's -2).
const SCALE_NONE: i8 = -2;

/// What one direction has sent, as Wireshark's analysis keeps it. Sequence
/// numbers are absolute; 0 means "not seen yet", as in Wireshark.
#[derive(Clone, Debug)]
pub(crate) struct Direction {
    /// Highest SEG.SEQ + SEG.LEN (+1 for SYN/FIN) sent so far.
    next_seq: u32,
    /// When `next_seq` was last raised.
    next_seq_at: Duration,
    /// Highest contiguous sequence number the peer may acknowledge.
    max_to_ack: u32,
    /// Last ACK number, window and their time.
    last_ack: u32,
    last_ack_at: Duration,
    window: Option<u16>,
    /// Duplicates of the last ACK that moved (-1: an ACKed-unseen segment
    /// was just reported).
    dup_acks: i32,
    /// Window scale shift, or `SCALE_UNKNOWN` / `SCALE_NONE`.
    scale: i8,
    /// Its SYN was its last segment with the ACK bit: windows are not
    /// scaled yet.
    first_ack: bool,
    /// Its last segment was a keep-alive / a zero window probe.
    probing: bool,
    probing_zero_window: bool,
    /// Sequence number of its SYN and FIN, once seen, and whether the peer
    /// acknowledged them (for the roles).
    syn: Option<u32>,
    fin: Option<u32>,
    syn_acked: bool,
    fin_acked: bool,
}

impl Default for Direction {
    fn default() -> Direction {
        Direction {
            next_seq: 0,
            next_seq_at: Duration::ZERO,
            max_to_ack: 0,
            last_ack: 0,
            last_ack_at: Duration::ZERO,
            window: None,
            dup_acks: 0,
            scale: SCALE_UNKNOWN,
            first_ack: false,
            probing: false,
            probing_zero_window: false,
            syn: None,
            fin: None,
            syn_acked: false,
            fin_acked: false,
        }
    }
}

impl Direction {
    /// The right edge of the window it advertised last:
    /// last ACK + window << scale (unscaled while its SYN is its last ACK).
    fn window_edge(&self) -> Option<u32> {
        let window = u32::from(self.window?);
        let shift = if self.first_ack || self.scale < 0 {
            0
        } else {
            self.scale as u32
        };
        Some(self.last_ack.wrapping_add(window << shift))
    }
}

/// Both directions' analysis state for one connection, indexed like
/// [`super::Side::idx`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Analyzer {
    dirs: [Direction; 2],
    /// Time of the most recent SYN (without ACK).
    last_syn_at: Option<Duration>,
    /// From that SYN to the first pure ACK: the out-of-order threshold.
    first_rtt: Option<Duration>,
    /// The connection reuses the 4-tuple of an earlier one: its first
    /// segment is labelled.
    pub reused: bool,
}

/// Whether `later` is less than `limit` after `earlier` (false when the
/// capture's timestamps go backwards, as Wireshark's unsigned difference).
fn within(earlier: Duration, later: Duration, limit: Duration) -> bool {
    later.checked_sub(earlier).is_some_and(|d| d < limit)
}

impl Analyzer {
    /// Classifies a segment sent by side `from` (0 client, 1 server).
    pub fn classify(&mut self, from: usize, s: &Segment) -> (Role, Vec<Label>) {
        let first_rtt = self.first_rtt;
        let [a, b] = &mut self.dirs;
        let (me, peer) = if from == 0 { (a, b) } else { (b, a) };
        let role = role(me, peer, s);
        let mut labels = Vec::new();
        if std::mem::take(&mut self.reused) {
            labels.push(Label::PortsReused);
        }
        // A malformed header, as Wireshark's dissector meets it: a data
        // offset past the segment's end, or a first IP fragment read alone,
        // leaves no length to analyse; one
        // below 20 bytes is analysed with the length it implies, and the
        // dissection stops before the SYN and first-ACK bookkeeping. A header
        // the capture cut short is analysed with the IP length's payload,
        // and the dissection stops there too (its options are missing).
        match s.malformed {
            None => {
                sequence_labels(me, peer, s, s.payload_len, first_rtt, &mut labels);
                self.after(from, s);
            }
            Some(Malformed::HeaderPastEnd { .. } | Malformed::FirstFragment) => self.after(from, s),
            Some(Malformed::HeaderTooShort {
                header_len,
                available,
            }) => {
                let len = available.saturating_sub(u32::from(header_len));
                sequence_labels(me, peer, s, len, first_rtt, &mut labels);
            }
            Some(Malformed::Truncated { .. }) => {
                sequence_labels(me, peer, s, s.payload_len, first_rtt, &mut labels);
            }
        }
        (role, labels)
    }

    /// What Wireshark records after the analysis of a segment: the time of
    /// a SYN, the handshake's round-trip time at the first pure ACK, the
    /// window scale from the SYNs (RFC 7323 §2.2: both must offer it).
    fn after(&mut self, from: usize, s: &Segment) {
        let f = s.flags;
        let [a, b] = &mut self.dirs;
        let (me, peer) = if from == 0 { (a, b) } else { (b, a) };
        if f.syn() {
            if !f.ack() {
                self.last_syn_at = Some(s.ts);
            }
            me.first_ack = true;
            if let Some(shift) = s.options.window_scale {
                me.scale = shift.min(14) as i8;
            }
            if me.scale == SCALE_UNKNOWN {
                me.scale = SCALE_NONE;
                peer.scale = SCALE_NONE;
            } else if f.ack() && peer.scale == SCALE_NONE {
                me.scale = SCALE_NONE;
            }
        }
        if f.ack() && !f.syn() {
            if let Some(syn) = self.last_syn_at
                && self.first_rtt.is_none()
            {
                self.first_rtt = s.ts.checked_sub(syn).filter(|d| !d.is_zero());
            }
            me.first_ack = false;
        }
    }
}

/// The segment's role, judged against what the peer sent before.
fn role(me: &mut Direction, peer: &mut Direction, s: &Segment) -> Role {
    let f = s.flags;
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
        let syn_acked = newly_acked(peer.syn, &mut peer.syn_acked, s.ack);
        let fin_acked = newly_acked(peer.fin, &mut peer.fin_acked, s.ack);
        if role == Role::Ack && syn_acked {
            role = Role::HandshakeAck;
        } else if role == Role::Ack && fin_acked {
            role = Role::AckOfFin;
        }
    }
    if f.syn() {
        me.syn = Some(s.seq);
    }
    if f.fin() && me.fin.is_none() {
        me.fin = Some(s.seq.wrapping_add(s.payload_len));
    }
    role
}

/// Whether `ack` acknowledges, for the first time, the SYN or FIN at `sent`.
fn newly_acked(sent: Option<u32>, acked: &mut bool, ack: u32) -> bool {
    let now = !*acked && sent.is_some_and(|s| seq::gt(ack, s));
    *acked |= now;
    now
}

/// Wireshark's `tcp_analyze_sequence_number`, in its order. `me` is the
/// direction of the segment, `peer` the other; `len` its payload length.
fn sequence_labels(
    me: &mut Direction,
    peer: &mut Direction,
    s: &Segment,
    len: u32,
    first_rtt: Option<Duration>,
    labels: &mut Vec<Label>,
) {
    let f = s.flags;
    let (seq, ack, now) = (s.seq, s.ack, s.ts);
    let plain = !f.syn() && !f.fin() && !f.rst();
    let same_ack = seq == me.next_seq && ack == me.last_ack;

    // Zero window probe: one byte at the next sequence number into the
    // peer's zero window. It skips the checks up to the duplicate ACK.
    let zero_window_probe = len == 1 && seq == me.next_seq && peer.window == Some(0);
    if zero_window_probe {
        labels.push(Label::ZeroWindowProbe);
    } else {
        if s.window == 0 && plain {
            labels.push(Label::ZeroWindow);
        }
        if me.next_seq != 0 && seq::gt(seq, me.next_seq) && !f.rst() {
            labels.push(Label::LostSegment);
        }
        if len <= 1 && seq == me.next_seq.wrapping_sub(1) && plain {
            labels.push(Label::KeepAlive);
        }
        if len == 0 && s.window != 0 && Some(s.window) != me.window && same_ack && plain {
            labels.push(Label::WindowUpdate);
        }
        if len > 0
            && peer.scale != SCALE_UNKNOWN
            && peer.window_edge() == Some(seq.wrapping_add(len))
            && plain
        {
            labels.push(Label::WindowFull);
        }
        let repeat = len == 0 && Some(s.window) == me.window && same_ack && plain;
        if repeat && s.window != 0 && peer.probing {
            labels.push(Label::KeepAliveAck);
        } else if repeat && s.window == 0 && peer.probing_zero_window {
            labels.push(Label::ZeroWindowProbeAck);
        } else if repeat && s.window != 0 {
            me.dup_acks = if me.dup_acks == -1 {
                1
            } else {
                me.dup_acks + 1
            };
            labels.push(Label::DupAck(me.dup_acks as u32));
        }
    }
    // A new ACK number restarts the duplicate count.
    if ack != me.last_ack {
        me.dup_acks = 0;
    }
    // ACKed unseen segment: the ACK goes beyond what the peer was seen to
    // send (reported once per gap).
    if peer.max_to_ack != 0 && seq::gt(ack, peer.max_to_ack) && f.ack() {
        if peer.max_to_ack > peer.next_seq {
            peer.max_to_ack = peer.next_seq;
            labels.push(Label::AckedUnseen);
        } else {
            if peer.dup_acks == 0 {
                labels.push(Label::AckedUnseen);
            }
            peer.dup_acks = -1;
        }
    }
    // Retransmission, fast retransmission, spurious retransmission,
    // out-of-order: a segment with data, SYN or FIN that does not advance
    // the sequence number (a keep-alive excepted).
    let syn_fin = u32::from(f.syn() || f.fin());
    if (len > 0 || syn_fin == 1) && !labels.contains(&Label::KeepAlive) {
        let mut old = me.next_seq != 0 && seq::lt(seq, me.next_seq);
        // New data after a one-byte probe is no retransmission.
        if len > 1 && me.next_seq.wrapping_sub(1) == seq {
            old = false;
        }
        let threshold = first_rtt.unwrap_or(DEFAULT_OUT_OF_ORDER);
        let end = seq.wrapping_add(len);
        if len > 0 && peer.last_ack != 0 && seq::le(end, peer.last_ack) {
            labels.push(Label::SpuriousRetransmission);
        } else if old
            && peer.dup_acks >= 2
            && peer.last_ack == seq
            && within(peer.last_ack_at, now, FAST_RETRANSMISSION_WINDOW)
        {
            labels.push(Label::FastRetransmission);
        } else if old
            && within(me.next_seq_at, now, threshold)
            && me.next_seq != end.wrapping_add(syn_fin)
        {
            labels.push(Label::OutOfOrder);
        } else if old {
            labels.push(Label::Retransmission);
        }
    }
    // Remember the highest sequence number (a zero window probe does not
    // advance it), the contiguous edge, the ACK and window.
    let next = seq.wrapping_add(len).wrapping_add(syn_fin);
    if !zero_window_probe {
        if seq::gt(next, me.next_seq) || me.next_seq == 0 {
            me.next_seq = next;
            me.next_seq_at = now;
        }
        if seq == me.max_to_ack || me.max_to_ack == 0 {
            me.max_to_ack = me.next_seq;
        }
    }
    me.window = Some(s.window);
    me.last_ack = ack;
    me.last_ack_at = now;
    me.probing = labels.contains(&Label::KeepAlive);
    me.probing_zero_window = zero_window_probe;
}
