//! What a step of a connection means, in language-free terms: its
//! [`Phase`] (handshake, data, teardown), and the [`Notes`] that explain it
//! (what the segment is with this capture's numbers, the state changes it
//! caused, the socket calls behind them). The terminal UI's explanation
//! panel, the quiz, `--svg`'s bands and the `--html` page all say the same
//! thing because they all ask here; the words come from [`crate::i18n`].
//!
//! Pure: reads the conversation model, never changes it, and knows nothing
//! of a terminal or a page.

use crate::conversation::{Cause, Connection, Role, Side, Step};
use crate::i18n::{Call, Note, Phase};
use crate::state::TcpState;

/// How sequence and acknowledgment numbers are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbers {
    /// Relative to each side's ISN (ISN = 0), like Wireshark.
    Relative,
    /// As on the wire.
    Absolute,
}

/// Which phase a step belongs to, from its role and the states after it.
pub fn phase_of(step: &Step) -> Phase {
    use TcpState::*;
    match step.role {
        Role::Syn | Role::SynAck | Role::HandshakeAck => return Phase::Handshake,
        Role::Fin | Role::AckOfFin | Role::Rst => return Phase::Teardown,
        Role::Data | Role::Ack => {}
    }
    let closing = |s| {
        matches!(
            s,
            FinWait1 | FinWait2 | CloseWait | Closing | LastAck | TimeWait
        )
    };
    if step.states.iter().any(|&s| closing(s)) {
        Phase::Teardown
    } else if step
        .states
        .iter()
        .any(|&s| matches!(s, SynSent | SynReceived))
    {
        Phase::Handshake
    } else {
        Phase::Data
    }
}

/// Whether step `i` of `conn` is a RST answering a SYN: its receiver was in
/// SYN-SENT just before it (RFC 9293 §3.10.7.3: the connect is refused).
pub fn refused_at(conn: &Connection, i: usize) -> bool {
    let Some(step) = conn.steps().get(i) else {
        return false;
    };
    let peer = step.from.peer();
    let before = i
        .checked_sub(1)
        .map_or(conn.initial[peer.idx()], |j| conn.steps()[j].state(peer));
    step.role == Role::Rst && before == TcpState::SynSent
}

/// What to say about one position of the walk (the TUI's explanation
/// panel, the `--html` page).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notes {
    /// What the segment is, with its numbers.
    pub what: Vec<Note>,
    /// State changes that took effect at this step.
    pub changes: Vec<Note>,
    /// Socket calls it causes or releases.
    pub calls: Vec<Call>,
}

/// The notes for `pos` revealed steps of `conn` (0: before the first).
pub fn notes(conn: &Connection, pos: usize, numbers: Numbers) -> Notes {
    let mut n = Notes::default();
    let Some(i) = pos.checked_sub(1) else {
        if conn.mid_stream() {
            n.what.push(Note::MidStream);
        } else {
            n.what.push(Note::Before {
                client: conn.initial[0],
                server: conn.initial[1],
            });
        }
        return n;
    };
    let Some(step) = conn.steps().get(i) else {
        return n;
    };
    let seg = &step.segment;
    let from = step.from;
    let peer = from.peer();
    let rel = numbers == Numbers::Relative;
    let seq = if rel { step.rel_seq } else { seg.seq };
    let ack = if rel { step.rel_ack } else { seg.ack };
    let isn = |s: Side| {
        if rel {
            0
        } else {
            conn.base()[s.idx()].unwrap_or(0)
        }
    };
    let peer_before = i
        .checked_sub(1)
        .map_or(conn.initial[peer.idx()], |j| conn.steps()[j].state(peer));

    match step.role {
        Role::Syn => n.what.push(Note::Syn {
            from,
            seq,
            mss: seg.options.mss,
        }),
        Role::SynAck => n.what.push(Note::SynAck {
            from,
            seq,
            peer_isn: isn(peer),
            ack,
        }),
        Role::HandshakeAck => n.what.push(Note::HandshakeAck {
            from,
            peer_isn: isn(peer),
            ack,
        }),
        Role::Data => {
            n.what.push(Note::Data {
                from,
                seq,
                len: seg.payload_len,
                end: seq.wrapping_add(seg.payload_len),
            });
            n.calls.push(Call::Send(from, seg.payload_len));
            n.calls.push(Call::Recv(peer, seg.payload_len));
        }
        Role::Ack => n.what.push(Note::Ack { from, ack }),
        Role::Fin => n.what.push(Note::Fin {
            from,
            fin_seq: seq.wrapping_add(seg.payload_len),
        }),
        Role::AckOfFin => n.what.push(Note::AckOfFin {
            from,
            fin_seq: ack.wrapping_sub(1),
            ack,
        }),
        Role::Rst => {
            if refused_at(conn, i) {
                n.what.push(Note::RstRefused {
                    from,
                    port: seg.src.port(),
                });
            } else {
                n.what.push(Note::Rst { from });
            }
        }
    }
    for &label in &step.labels {
        n.what.push(Note::Label { from, label });
    }
    if step.labels.iter().any(|l| l.is_retransmission()) {
        n.calls.retain(|c| !matches!(c, Call::Send(..)));
    }

    for t in conn.transitions_at(i) {
        n.changes.push(Note::Change {
            side: t.endpoint,
            from: t.from,
            to: t.to,
            cause: t.cause,
        });
        if t.segment != t.step {
            n.changes.push(Note::Deferred {
                side: t.endpoint,
                segment: t.segment + 1,
                step: t.step + 1,
            });
        }
        let s = t.endpoint;
        let call = match (t.cause, t.to) {
            (Cause::SndSyn, _) => Some(Call::ConnectBlocks(s)),
            (Cause::RcvSyn, _) => Some(Call::KernelAnswers(s)),
            (Cause::RcvSynAck, _) => Some(Call::ConnectReturns(s)),
            (Cause::RcvAckOfSyn, _) => Some(Call::AcceptReturns(s)),
            (Cause::SndFin, _) => Some(Call::Close(s)),
            (Cause::RcvFin, TcpState::CloseWait) => Some(Call::RecvEof(s)),
            (Cause::RcvFin, TcpState::Closing) => Some(Call::Simultaneous(s)),
            (Cause::RcvSynSimultaneous, _) => Some(Call::SimultaneousOpen(s)),
            (Cause::RcvFin | Cause::RcvAckOfFin, TcpState::TimeWait) => Some(Call::TimeWait(s)),
            (Cause::RcvAckOfFin, TcpState::FinWait2) => Some(Call::HalfClosed(s)),
            (Cause::RcvAckOfFin, TcpState::Closed) => Some(Call::Closed(s)),
            (Cause::SndRst, _) if peer_before != TcpState::SynSent => Some(Call::LingerRst(s)),
            (Cause::RcvRst, _) => Some(Call::Reset(s)),
            (Cause::RcvRstRefused, _) => Some(Call::Refused(s)),
            _ => None,
        };
        n.calls.extend(call);
    }
    n
}
