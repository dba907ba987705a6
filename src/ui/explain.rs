//! The explanation panel: what the current step is and why, in plain words
//! with this capture's numbers, the state changes it caused, and the socket
//! calls behind it. [`notes`] decides what to say (language-free); the
//! words come from [`crate::i18n`]. Reads the model, never changes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Numbers};
use crate::conversation::{Cause, Connection, Role, Side};
use crate::i18n::{Call, Note, Text};
use crate::state::TcpState;

/// What the explanation panel says about one position of the walk.
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
            if peer_before == TcpState::SynSent {
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

/// Draws the explanation of the current step.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let block = th.panel(app.t(Text::ExplainTitle));
    let Some(conn) = app.connection() else {
        frame.render_widget(
            Paragraph::new(app.t(Text::Waiting))
                .style(th.base())
                .block(block),
            area,
        );
        return;
    };
    let n = notes(conn, app.pos, app.numbers);
    // A short panel (80×24) drops the headings and the state changes, which
    // the ladder already spells out.
    let short = block.inner(area).height < 10;
    let heading = |t: Text| {
        Line::from(Span::styled(
            app.t(t),
            th.accent().add_modifier(Modifier::BOLD),
        ))
    };
    let mut lines = Vec::new();
    if !short {
        lines.push(heading(Text::WhatHappens));
    }
    for note in &n.what {
        lines.push(Line::from(Span::styled(s.note(note), th.base())));
    }
    if !n.changes.is_empty() && !short {
        lines.push(heading(Text::StateChanges));
        for note in &n.changes {
            let style = match note {
                Note::Change { side, .. } | Note::Deferred { side, .. } => th.side(*side),
                _ => th.base(),
            };
            lines.push(Line::from(Span::styled(
                format!("• {}", s.note(note)),
                style,
            )));
        }
    }
    if !n.calls.is_empty() {
        if !short {
            lines.push(heading(Text::SocketCalls));
        }
        for c in &n.calls {
            lines.push(Line::from(Span::styled(
                format!("• {}", s.call(c)),
                th.base(),
            )));
        }
    }
    let width = block.inner(area).width;
    frame.render_widget(
        Paragraph::new(super::wrap::wrap(lines, width))
            .style(th.base())
            .block(block),
        area,
    );
}
