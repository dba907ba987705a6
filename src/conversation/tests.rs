//! State machine tests, named `<state>_<event>` after RFC 9293 §3.10, over
//! hand-built segment sequences; the replays of real captures live in
//! `tests/`.

use std::net::SocketAddr;
use std::time::Duration;

use super::*;
use crate::segment::{FrameRef, IpInfo, TcpFlags, TcpOptions};
use crate::state::TcpState::*;

const SYN: u16 = TcpFlags::SYN;
const ACK: u16 = TcpFlags::ACK;
const FIN: u16 = TcpFlags::FIN;
const RST: u16 = TcpFlags::RST;
const PSH: u16 = TcpFlags::PSH;

/// The chains of states the common closes go through.
const CLIENT_CLOSES_FIRST: [TcpState; 6] =
    [Closed, SynSent, Established, FinWait1, FinWait2, TimeWait];
const PASSIVE_CLIENT: [TcpState; 6] = [Closed, SynSent, Established, CloseWait, LastAck, Closed];
const SERVER_CLOSES_SECOND: [TcpState; 6] =
    [Listen, SynReceived, Established, CloseWait, LastAck, Closed];
const SERVER_CLOSES_FIRST: [TcpState; 6] = [
    Listen,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    TimeWait,
];
const CLIENT_SIMULTANEOUS: [TcpState; 6] =
    [Closed, SynSent, Established, FinWait1, Closing, TimeWait];
const SERVER_SIMULTANEOUS: [TcpState; 6] = [
    Listen,
    SynReceived,
    Established,
    FinWait1,
    Closing,
    TimeWait,
];

/// Client ISN and server ISN used by every scenario.
const C: u32 = 1000;
const S: u32 = 5000;

struct Wire {
    tracker: Tracker,
    n: u64,
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// Segment number `n` of the client (or the server) of the one 4-tuple
/// the model tests use (`settle.rs`'s tests too).
pub(super) fn segment(
    n: u64,
    from_client: bool,
    flags: u16,
    seq: u32,
    ack: u32,
    len: u32,
) -> Segment {
    let (c, s) = (addr("10.0.0.1:40000"), addr("10.0.0.2:80"));
    let (src, dst) = if from_client { (c, s) } else { (s, c) };
    Segment {
        ts: Duration::from_millis(n),
        src,
        dst,
        seq,
        ack,
        flags: TcpFlags(flags),
        window: 512,
        urgent: 0,
        header_len: 20,
        options: TcpOptions::default(),
        payload_len: len,
        ip: IpInfo {
            version: 4,
            total_len: 40 + len,
            ..IpInfo::default()
        },
        frame: FrameRef {
            number: n,
            caplen: 54 + len,
            wire_len: 54 + len,
        },
        malformed: None,
    }
}

impl Wire {
    fn new() -> Wire {
        Wire {
            tracker: Tracker::new(),
            n: 0,
        }
    }
    fn seg(&mut self, from_client: bool, flags: u16, seq: u32, ack: u32, len: u32) -> &mut Self {
        self.n += 1;
        self.tracker
            .ingest(segment(self.n, from_client, flags, seq, ack, len));
        self
    }
    fn c(&mut self, flags: u16, seq: u32, ack: u32, len: u32) -> &mut Self {
        self.seg(true, flags, seq, ack, len)
    }
    fn s(&mut self, flags: u16, seq: u32, ack: u32, len: u32) -> &mut Self {
        self.seg(false, flags, seq, ack, len)
    }
    fn handshake(&mut self) -> &mut Self {
        self.c(SYN, C, 0, 0)
            .s(SYN | ACK, S, C + 1, 0)
            .c(ACK, C + 1, S + 1, 0)
    }
    fn conn(&self) -> &Connection {
        &self.tracker.connections()[0]
    }
    /// `(client, server)` after every step.
    fn states(&self) -> Vec<(TcpState, TcpState)> {
        self.conn()
            .steps()
            .iter()
            .map(|s| (s.states[0], s.states[1]))
            .collect()
    }
    /// Each endpoint's chain of states through its transitions.
    fn chain(&self, side: Side) -> Vec<TcpState> {
        let conn = self.conn();
        let mut out = vec![conn.initial[side.idx()]];
        for t in conn.transitions().iter().filter(|t| t.endpoint == side) {
            assert_eq!(Some(&t.from), out.last(), "transitions must chain");
            out.push(t.to);
        }
        out
    }
    fn last(&self) -> (TcpState, TcpState) {
        *self.states().last().unwrap()
    }
}

#[test]
fn closed_snd_syn_is_syn_sent_and_listen_rcv_syn_is_syn_recv() {
    let mut w = Wire::new();
    w.c(SYN, C, 0, 0);
    assert_eq!(w.conn().initial, [Closed, Listen]);
    assert_eq!(w.states(), vec![(SynSent, SynReceived)]);
    let t = &w.conn().transitions();
    assert_eq!(t[0].cause, Cause::SndSyn);
    assert_eq!(t[0].event, Event::Send);
    assert_eq!(t[1].cause, Cause::RcvSyn);
    assert_eq!(t[1].endpoint, Side::Server);
}

#[test]
fn syn_sent_rcv_syn_ack_is_established_then_syn_recv_rcv_ack() {
    let mut w = Wire::new();
    w.handshake();
    assert_eq!(
        w.states(),
        vec![
            (SynSent, SynReceived),
            (Established, SynReceived),
            (Established, Established)
        ]
    );
    assert_eq!(w.conn().transitions()[2].cause, Cause::RcvSynAck);
    assert_eq!(w.conn().transitions()[3].cause, Cause::RcvAckOfSyn);
    assert!(w.conn().seen().handshake);
}

#[test]
fn established_client_closes_first_four_way_teardown() {
    let mut w = Wire::new();
    w.handshake()
        .c(PSH | ACK, C + 1, S + 1, 5)
        .s(ACK, S + 1, C + 6, 0)
        .c(FIN | ACK, C + 6, S + 1, 0)
        .s(ACK, S + 1, C + 7, 0)
        .s(FIN | ACK, S + 1, C + 7, 0)
        .c(ACK, C + 7, S + 2, 0);
    assert_eq!(w.chain(Side::Client), CLIENT_CLOSES_FIRST);
    assert_eq!(w.chain(Side::Server), SERVER_CLOSES_SECOND);
    let s = w.states();
    assert_eq!(s[5], (FinWait1, CloseWait));
    assert_eq!(s[6], (FinWait2, CloseWait));
    // The server's FIN reaches the client; the client's ACK of it closes
    // the server.
    assert_eq!(s[7], (TimeWait, LastAck));
    assert_eq!(s[8], (TimeWait, Closed));
    assert_eq!(s.len(), 9);
    w.c(ACK, C + 7, S + 2, 0); // the same ACK again changes nothing
    assert_eq!(w.last(), (TimeWait, Closed));
    assert_eq!(w.conn().transitions().len(), 10);
}

#[test]
fn last_ack_rcv_ack_of_fin_is_closed() {
    let mut w = Wire::new();
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 2, 0)
        .c(ACK, C + 2, S + 2, 0);
    // FIN+ACK combined: the server acks the client's FIN and sends its own.
    assert_eq!(w.states()[3], (FinWait1, CloseWait));
    assert_eq!(w.states()[4], (TimeWait, LastAck));
    assert_eq!(w.last(), (TimeWait, Closed));
    assert_eq!(w.chain(Side::Client), CLIENT_CLOSES_FIRST);
}

#[test]
fn established_server_closes_first() {
    let mut w = Wire::new();
    w.handshake()
        .s(FIN | ACK, S + 1, C + 1, 0)
        .c(ACK, C + 1, S + 2, 0)
        .c(FIN | ACK, C + 1, S + 2, 0)
        .s(ACK, S + 2, C + 2, 0);
    assert_eq!(w.chain(Side::Server), SERVER_CLOSES_FIRST);
    assert_eq!(w.chain(Side::Client), PASSIVE_CLIENT);
}

#[test]
fn close_wait_half_close_data_still_flows() {
    let mut w = Wire::new();
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0) // shutdown(SHUT_WR)
        .s(ACK, S + 1, C + 2, 0)
        .s(PSH | ACK, S + 1, C + 2, 100)
        .c(ACK, C + 2, S + 101, 0)
        .s(PSH | ACK, S + 101, C + 2, 100)
        .c(ACK, C + 2, S + 201, 0);
    assert_eq!(w.last(), (FinWait2, CloseWait));
    w.s(FIN | ACK, S + 201, C + 2, 0).c(ACK, C + 2, S + 202, 0);
    assert_eq!(w.last(), (TimeWait, Closed));
    assert_eq!(w.conn().seen().data_from_server, 200);
}

#[test]
fn fin_wait1_rcv_fin_is_closing_when_fins_cross() {
    let mut w = Wire::new();
    // Both FINs are sent before either arrives: the server's FIN acks only
    // up to the client's FIN, not the FIN itself.
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 1, 0)
        .c(ACK, C + 2, S + 2, 0)
        .s(ACK, S + 2, C + 2, 0);
    assert_eq!(w.chain(Side::Client), CLIENT_SIMULTANEOUS);
    assert_eq!(w.chain(Side::Server), SERVER_SIMULTANEOUS);
    let s = w.states();
    // The server had not processed the client's FIN when it sent its own;
    // it processes it just before the client's next segment, the ACK.
    assert_eq!(s[3], (FinWait1, Established));
    assert_eq!(s[4], (Closing, FinWait1));
    assert_eq!(s[5], (Closing, TimeWait));
    assert_eq!(s[6], (TimeWait, TimeWait));
    // The reception of the client's FIN took effect at step 5, not 3.
    let late = w
        .conn()
        .transitions()
        .iter()
        .find(|t| t.endpoint == Side::Server && t.cause == Cause::RcvFin)
        .unwrap();
    assert_eq!((late.segment, late.step), (3, 5));
}

#[test]
fn fin_wait1_rcv_fin_ack_goes_through_fin_wait2_to_time_wait() {
    let mut w = Wire::new();
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 2, 0);
    let client: Vec<_> = w
        .conn()
        .transitions_at(4)
        .filter(|t| t.endpoint == Side::Client)
        .map(|t| (t.from, t.to))
        .collect();
    assert_eq!(
        client,
        vec![(FinWait1, FinWait2), (FinWait2, TimeWait)],
        "Linux records FIN_WAIT1 → FIN_WAIT2 → TIME_WAIT for a FIN that acks ours"
    );
}

#[test]
fn established_snd_rst_abort_is_closed() {
    let mut w = Wire::new();
    w.handshake().c(RST | ACK, C + 1, S + 1, 0);
    assert_eq!(w.last(), (Closed, Closed));
    let t: Vec<_> = w.conn().transitions_at(3).map(|t| t.cause).collect();
    assert_eq!(t, vec![Cause::SndRst, Cause::RcvRst]);
}

#[test]
fn close_wait_rcv_rst_is_closed() {
    let mut w = Wire::new();
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(ACK, S + 1, C + 2, 0)
        .c(RST, C + 2, 0, 0);
    assert_eq!(w.last(), (Closed, Closed));
    assert_eq!(
        w.chain(Side::Server),
        vec![Listen, SynReceived, Established, CloseWait, Closed]
    );
}

#[test]
fn syn_sent_rcv_rst_is_refused_and_server_was_never_listening() {
    let mut w = Wire::new();
    w.c(SYN, C, 0, 0).s(RST | ACK, 0, C + 1, 0);
    assert_eq!(w.conn().initial, [Closed, Closed]);
    assert_eq!(w.states(), vec![(SynSent, Closed), (Closed, Closed)]);
    assert_eq!(w.chain(Side::Server), vec![Closed]);
    assert_eq!(
        w.conn().transitions().last().unwrap().cause,
        Cause::RcvRstRefused
    );
}

#[test]
fn syn_sent_snd_syn_again_is_a_retransmission_without_transition() {
    let mut w = Wire::new();
    w.c(SYN, C, 0, 0)
        .c(SYN, C, 0, 0)
        .s(SYN | ACK, S, C + 1, 0)
        .s(SYN | ACK, S, C + 1, 0);
    w.c(ACK, C + 1, S + 1, 0).c(ACK, C + 1, S + 1, 0);
    let conn = w.conn();
    assert_eq!(conn.steps()[1].labels, vec![Label::Retransmission]);
    assert_eq!(conn.steps()[3].labels, vec![Label::Retransmission]);
    assert_eq!(w.chain(Side::Client), vec![Closed, SynSent, Established]);
    assert_eq!(
        w.chain(Side::Server),
        vec![Listen, SynReceived, Established]
    );
    assert_eq!(w.tracker.connections().len(), 1);
}

#[test]
fn fin_wait2_rcv_retransmitted_fin_no_new_transition() {
    let mut w = Wire::new();
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0)
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 2, 0)
        .s(FIN | ACK, S + 1, C + 2, 0)
        .c(ACK, C + 2, S + 2, 0);
    let conn = w.conn();
    assert_eq!(conn.steps()[4].labels, vec![Label::Retransmission]);
    assert_eq!(conn.steps()[6].labels, vec![Label::Retransmission]);
    assert_eq!(w.chain(Side::Client), CLIENT_CLOSES_FIRST);
    assert_eq!(w.last(), (TimeWait, Closed));
}

#[test]
fn established_rcv_fin_with_data_is_close_wait() {
    let mut w = Wire::new();
    w.handshake()
        .c(FIN | PSH | ACK, C + 1, S + 1, 3)
        .s(ACK, S + 1, C + 5, 0);
    assert_eq!(w.states()[3], (FinWait1, CloseWait));
    assert_eq!(w.last(), (FinWait2, CloseWait));
    assert_eq!(w.conn().steps()[3].role, Role::Fin);
    assert_eq!(w.conn().steps()[4].role, Role::AckOfFin);
}

#[test]
fn established_data_retransmission_and_dup_ack_labels() {
    let mut w = Wire::new();
    w.handshake()
        .c(ACK, C + 1, S + 1, 100)
        .c(ACK, C + 101, S + 1, 100)
        .s(ACK, S + 1, C + 1, 0) // dup of the handshake ACK number: data outstanding
        .c(ACK, C + 1, S + 1, 100);
    let conn = w.conn();
    assert_eq!(conn.steps()[3].role, Role::Data);
    assert_eq!(conn.steps()[5].labels, vec![Label::DupAck(1)]);
    assert_eq!(conn.steps()[6].labels, vec![Label::Retransmission]);
    assert_eq!(conn.steps()[6].rel_seq, 1);
}

#[test]
fn established_out_of_order_fills_a_gap() {
    let mut w = Wire::new();
    w.handshake()
        .c(ACK, C + 101, S + 1, 100)
        .c(ACK, C + 1, S + 1, 100);
    assert_eq!(w.conn().steps()[4].labels, vec![Label::OutOfOrder]);
}

#[test]
fn zero_window_and_window_update_labels() {
    let mut w = Wire::new();
    w.handshake();
    let mut seg = w.conn().steps()[2].segment.clone();
    seg.window = 0;
    seg.frame.number = 10;
    w.tracker.ingest(seg.clone());
    seg.window = 300;
    w.tracker.ingest(seg);
    assert_eq!(w.conn().steps()[3].labels, vec![Label::ZeroWindow]);
    assert_eq!(w.conn().steps()[4].labels, vec![Label::WindowUpdate]);
}

#[test]
fn unknown_mid_stream_data_then_fin() {
    let mut w = Wire::new();
    w.c(PSH | ACK, C + 1, S + 1, 10)
        .s(ACK, S + 1, C + 11, 0)
        .c(FIN | ACK, C + 11, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 12, 0)
        .c(ACK, C + 12, S + 2, 0);
    let conn = w.conn();
    assert!(conn.mid_stream());
    assert_eq!(conn.initial, [Unknown, Unknown]);
    assert_eq!(w.states()[0], (Established, Unknown));
    assert_eq!(w.states()[1], (Established, Unknown));
    assert_eq!(w.last(), (TimeWait, Closed));
    assert_eq!(
        (conn.steps()[0].rel_seq, conn.steps()[0].rel_ack),
        (1, 1),
        "as Wireshark numbers a stream caught mid-way"
    );
}

#[test]
fn time_wait_new_syn_on_same_tuple_starts_new_connection() {
    let mut w = Wire::new();
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 2, 0)
        .c(ACK, C + 2, S + 2, 0)
        .c(SYN, C + 100_000, 0, 0);
    let conns = w.tracker.connections();
    assert_eq!(conns.len(), 2);
    assert_eq!(conns[1].index, 1);
    assert_eq!(conns[1].steps().len(), 1);
    assert_eq!(conns[1].steps()[0].states, [SynSent, SynReceived]);
}

#[test]
fn summaries_only_keeps_no_steps_but_final_states() {
    let mut t = Tracker::summaries_only();
    let mut w = Wire::new();
    w.handshake().c(RST, C + 1, 0, 0);
    for step in w.conn().steps() {
        t.ingest(step.segment.clone());
    }
    let c = &t.connections()[0];
    assert!(c.steps().is_empty());
    assert_eq!(c.current(), [Closed, Closed]);
    assert_eq!(c.packets(), 4);
}

#[test]
fn relative_numbers_start_at_isn() {
    let mut w = Wire::new();
    w.handshake().c(PSH | ACK, C + 1, S + 1, 5);
    let s = &w.conn().steps();
    assert_eq!((s[0].rel_seq, s[0].rel_ack), (0, 0));
    assert_eq!((s[1].rel_seq, s[1].rel_ack), (0, 1));
    assert_eq!((s[3].rel_seq, s[3].rel_ack), (1, 1));
}

#[test]
fn syn_recv_isn_wraps_around() {
    let mut w = Wire::new();
    let c = u32::MAX;
    w.c(SYN, c, 0, 0)
        .s(SYN | ACK, S, c.wrapping_add(1), 0)
        .c(ACK, 0, S + 1, 0);
    assert_eq!(w.last(), (Established, Established));
}

#[test]
fn syn_sent_lost_syn_ack_takes_effect_with_its_retransmission() {
    let mut w = Wire::new();
    // The first SYN-ACK is lost: the client retransmits its SYN, and only
    // the second SYN-ACK reaches it.
    w.c(SYN, C, 0, 0)
        .s(SYN | ACK, S, C + 1, 0)
        .c(SYN, C, 0, 0)
        .s(SYN | ACK, S, C + 1, 0)
        .c(ACK, C + 1, S + 1, 0);
    let s = w.states();
    assert_eq!(s[1], (SynSent, SynReceived));
    assert_eq!(s[2], (SynSent, SynReceived));
    assert_eq!(s[3], (Established, SynReceived));
    let est = w
        .conn()
        .transitions()
        .iter()
        .find(|t| t.cause == Cause::RcvSynAck)
        .unwrap();
    assert_eq!(
        (est.segment, est.step),
        (3, 3),
        "caused by the copy that arrived"
    );
    assert_eq!(w.last(), (Established, Established));
}

#[test]
fn fin_wait1_lost_fins_cross_again_after_retransmission() {
    let mut w = Wire::new();
    // Both first FINs are dropped after the capture point; both are
    // retransmitted and cross again; then each side acks the other.
    w.handshake()
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 1, 0)
        .c(FIN | ACK, C + 1, S + 1, 0)
        .s(FIN | ACK, S + 1, C + 1, 0)
        .c(ACK, C + 2, S + 2, 0)
        .s(ACK, S + 2, C + 2, 0);
    assert_eq!(w.chain(Side::Client), CLIENT_SIMULTANEOUS);
    assert_eq!(w.chain(Side::Server), SERVER_SIMULTANEOUS);
    let s = w.states();
    assert_eq!(s[4], (FinWait1, FinWait1));
    assert_eq!(s[6], (Closing, FinWait1));
    assert_eq!(s[7], (Closing, TimeWait));
    assert_eq!(s[8], (TimeWait, TimeWait));
}

#[test]
fn established_one_direction_only_holds_bounded_state() {
    // A capture that sees only the client's side (asymmetric routing): the
    // server never answers in it, so nothing is ever confirmed. What the
    // model holds must not grow with the packets.
    let mut w = Wire::new();
    w.handshake();
    for i in 0..10_000u32 {
        w.c(ACK, C + 1 + i * 10, S + 1, 10);
    }
    for _ in 0..200 {
        w.c(FIN | ACK, C + 100_001, S + 1, 0); // unanswered FIN retransmissions
    }
    let conn = w.conn();
    assert!(conn.ends[1].held() <= 64, "{}", conn.ends[1].held());
    assert_eq!(w.last(), (FinWait1, CloseWait));
}

#[test]
fn syn_sent_snd_ack_without_seen_syn_ack_is_established() {
    // Only the client's direction was captured: its ACK shows it got the
    // SYN-ACK the capture does not hold.
    let mut w = Wire::new();
    w.c(SYN, C, 0, 0)
        .c(ACK, C + 1, S + 1, 0)
        .c(PSH | ACK, C + 1, S + 1, 10);
    assert_eq!(w.states()[1].0, Established);
    let t = w
        .conn()
        .transitions()
        .iter()
        .find(|t| t.to == Established)
        .unwrap();
    assert_eq!(
        (t.cause, t.event, t.segment),
        (Cause::Unseen, Event::Send, 1)
    );
}

#[test]
fn closed_after_refusal_rcv_syn_with_same_isn_is_a_fresh_handshake() {
    // A connect() retried after ECONNREFUSED may reuse its ISN: the first
    // attempt left no connection behind, so the retry is a new one.
    let mut w = Wire::new();
    w.c(SYN, C, 0, 0).s(RST | ACK, 0, C + 1, 0).handshake();
    w.c(ACK | PSH, C + 1, S + 1, 100);
    let conns = w.tracker.connections();
    assert_eq!(conns.len(), 2);
    assert_eq!(conns[0].steps().len(), 2);
    assert_eq!(conns[1].initial, [Closed, Listen]);
    assert_eq!(
        conns[1]
            .steps()
            .iter()
            .map(|s| s.states)
            .collect::<Vec<_>>(),
        vec![
            [SynSent, SynReceived],
            [Established, SynReceived],
            [Established, Established],
            [Established, Established],
        ]
    );
}

#[test]
fn syn_sent_rcv_syn_is_a_simultaneous_open_not_a_second_connection() {
    // RFC 9293 §3.5 Figure 8: both SYNs cross, each side answers the other's
    // SYN with a SYN-ACK. Either order of the SYN-ACKs on the wire.
    for client_syn_ack_first in [true, false] {
        let mut w = Wire::new();
        w.c(SYN, C, 0, 0).s(SYN, S, 0, 0);
        if client_syn_ack_first {
            w.c(SYN | ACK, C, S + 1, 0).s(SYN | ACK, S, C + 1, 0);
        } else {
            w.s(SYN | ACK, S, C + 1, 0).c(SYN | ACK, C, S + 1, 0);
        }
        w.c(ACK | PSH, C + 1, S + 1, 10).s(ACK, S + 1, C + 11, 0);
        assert_eq!(w.tracker.connections().len(), 1);
        assert_eq!(w.conn().initial, [Closed, Closed]);
        let both = vec![Closed, SynSent, SynReceived, Established];
        assert_eq!(w.chain(Side::Client), both);
        assert_eq!(w.chain(Side::Server), both);
        let simultaneous = w
            .conn()
            .transitions()
            .iter()
            .filter(|t| t.cause == Cause::RcvSynSimultaneous)
            .count();
        assert_eq!(simultaneous, 2);
        assert_eq!(w.last(), (Established, Established));
    }
}

#[test]
fn established_rcv_syn_with_other_isn_from_server_side_starts_new_connection() {
    // Wireshark's rule: a SYN from a side whose ISN is known and differs.
    let mut w = Wire::new();
    w.handshake().s(SYN, S + 7_000, 0, 0);
    let conns = w.tracker.connections();
    assert_eq!(conns.len(), 2);
    assert_eq!(conns[1].client(), addr("10.0.0.2:80"));
}

/// A step limit keeps the first steps only, while states, counts and
/// transitions follow every segment (a long live watch).
#[test]
fn step_limit_keeps_states_and_counts() {
    let path = std::path::Path::new("captures/normal.pcap");
    let all = crate::replay::load(path).unwrap();
    let mut limited = Tracker::new().with_step_limit(3);
    for step in all.connections()[0].steps() {
        limited.ingest(step.segment.clone());
    }
    let (a, l) = (&all.connections()[0], &limited.connections()[0]);
    assert_eq!(l.steps().len(), 3);
    assert_eq!(l.steps()[..], a.steps()[..3]);
    assert_eq!(l.steps_not_kept(), a.packets() - 3);
    assert_eq!(a.steps_not_kept(), 0);
    assert_eq!(
        (l.current(), l.packets(), l.seen()),
        (a.current(), a.packets(), a.seen())
    );
    assert_eq!(l.transitions(), a.transitions());
}

#[test]
fn established_dup_acks_are_counted_and_the_asked_for_segment_is_a_fast_retransmission() {
    let mut w = Wire::new();
    w.handshake()
        .c(ACK, C + 1, S + 1, 100)
        .c(ACK, C + 101, S + 1, 100)
        .c(ACK, C + 201, S + 1, 100)
        .s(ACK, S + 1, C + 101, 0)
        .s(ACK, S + 1, C + 101, 0)
        .s(ACK, S + 1, C + 101, 0)
        .c(ACK, C + 101, S + 1, 100)
        .s(ACK, S + 1, C + 301, 0)
        .c(ACK, C + 1, S + 1, 100);
    let labels: Vec<_> = w.conn().steps().iter().map(|s| s.labels.clone()).collect();
    assert_eq!(labels[7], vec![Label::DupAck(1)]);
    assert_eq!(labels[8], vec![Label::DupAck(2)]);
    assert_eq!(labels[9], vec![Label::FastRetransmission]);
    // Data the peer had already acknowledged, sent again.
    assert_eq!(labels[11], vec![Label::SpuriousRetransmission]);
}

#[test]
fn established_segment_beyond_next_seq_is_previous_segment_not_captured() {
    let mut w = Wire::new();
    w.handshake()
        .c(ACK, C + 101, S + 1, 100)
        .s(ACK, S + 1, C + 201, 0);
    let conn = w.conn();
    assert_eq!(conn.steps()[3].labels, vec![Label::LostSegment]);
    // The ACK covers the bytes the capture never showed.
    assert_eq!(conn.steps()[4].labels, vec![Label::AckedUnseen]);
}

/// The 4-tuple hash is the same both ways, and a scan of ports on both
/// sides (every pair with the same sum of ports, the shape that made raw
/// Fx sums collide) gives distinct hashes, so the table's probes stay
/// short.
#[test]
fn tuple_hash_is_symmetric_and_spreads_port_scans() {
    let a = |port: u16| SocketAddr::from(([10, 0, 0, 1], port));
    let b = |port: u16| SocketAddr::from(([10, 0, 0, 2], port));
    assert_eq!(Tuples::hash(a(1024), b(80)), Tuples::hash(b(80), a(1024)));
    let mut hashes: Vec<u32> = (1..4097u16)
        .map(|j| Tuples::hash(a(8192 - j), b(j)))
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    assert!(hashes.len() >= 4095, "{} distinct of 4096", hashes.len());
    let tags: std::collections::HashSet<u64> = hashes
        .iter()
        .map(|&h| Tuples::table_hash(h) >> 57)
        .collect();
    assert_eq!(tags.len(), 128, "every 7-bit tag used");
}

#[test]
fn established_snd_data_after_a_crossing_rst_had_not_processed_it() {
    // The client resets while the server's data is on its way: the
    // server's next segment is more data, which nothing CLOSED sends
    // (RFC 9293 §3.10.7.1), so it went out before the RST arrived
    // (§3.10.7.4, second check): the RST waits, as a crossing FIN does.
    let mut w = Wire::new();
    w.handshake()
        .s(PSH | ACK, S + 1, C + 1, 51)
        .c(RST | ACK, C + 1, S + 1, 0)
        .s(PSH | ACK, S + 52, C + 1, 42);
    assert_eq!(
        w.states()[4..],
        [(Closed, Established), (Closed, Established)]
    );
    assert_eq!(w.chain(Side::Server), [Listen, SynReceived, Established]);
    // The client, CLOSED, answers that data with a RST (§3.10.7.1): the
    // first RST reached the server before it.
    w.c(RST, C + 1, 0, 0);
    assert_eq!(w.last(), (Closed, Closed));
    let t = w.conn().transitions().last().unwrap();
    assert_eq!(
        (t.endpoint, t.to, t.cause, t.segment, t.step),
        (Side::Server, Closed, Cause::RcvRst, 4, 6)
    );
    // A RST in reply is no sign of that: the RST took effect when seen.
    let mut w = Wire::new();
    w.handshake()
        .c(RST | ACK, C + 1, S + 1, 0)
        .s(RST, S + 1, 0, 0);
    assert_eq!(w.states()[3..], [(Closed, Closed), (Closed, Closed)]);
}
