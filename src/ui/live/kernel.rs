//! The kernel column: for each side, the state synack inferred beside the
//! Linux kernel's own (tracepoint `sock:inet_sock_set_state`, normalised by
//! [`crate::truth`]), a loud `DISAGREES` with both chains when they differ
//! and the kernel's record is settled, "waiting for the kernel" while it
//! is not (a call in flight), and why the kernel's view looks the way it
//! does (time-wait hand-over, request sock). Says "unavailable" and why
//! when there is no trace.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::conversation::Side;
use crate::i18n::DemoText;
use crate::state::TcpState;
use crate::truth::{Outcome, Verdict, chain_text};
use crate::ui::app::App;

/// Rows the panel wants at `width` columns (borders included).
pub fn height(app: &App, width: u16) -> u16 {
    let rows = crate::ui::wrap::wrap(lines(app), width.saturating_sub(2)).len();
    2 + u16::try_from(rows).unwrap_or(u16::MAX)
}

pub(crate) fn alert(app: &App) -> Style {
    Style::new()
        .fg(Color::Red)
        .bg(app.theme().bg)
        .add_modifier(Modifier::BOLD)
}

/// Whether the kernel handed this side over to a time-wait socket.
fn via_time_wait_socket(v: &Verdict) -> bool {
    v.handed_over.is_some()
}

/// Whether the passive side's socket appeared at the final ACK.
fn via_request_sock(v: &Verdict) -> bool {
    v.side == Side::Server && v.kernel.contains(&TcpState::SynReceived)
}

/// The panel's lines: one per side (three when it disagrees), then notes.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let th = app.theme();
    let s = app.s();
    let Some(d) = app.source.demo() else {
        return Vec::new();
    };
    if d.offline.is_some() {
        return vec![Line::from(Span::styled(
            format!(
                "{}{}",
                s.demo(DemoText::Unavailable),
                s.demo(DemoText::NeedsRoot)
            ),
            alert(app),
        ))];
    }
    let Some(verdicts) = app.demo_verdicts() else {
        if let Some(why) = &d.kernel_unavailable {
            return vec![Line::from(Span::styled(
                format!("{}{why}", s.demo(DemoText::Unavailable)),
                alert(app),
            ))];
        }
        return vec![Line::from(Span::styled(
            s.demo(DemoText::NoConnectionYet),
            th.dim(),
        ))];
    };
    // Until the last call has returned, records are on their way: the
    // kernel's and the socket table's of a call in flight, and segments
    // the capture sees after the call returned (a delayed ACK), which the
    // next call's events carry.
    let live = d.in_flight.is_some() || d.starting || !d.done();
    verdict_lines(app, &verdicts, live)
}

/// The lines of compared sides: one per side (three when it disagrees),
/// then the notes that explain the kernel's view. `live`: records may
/// still arrive ([`Verdict::outcome`]).
pub fn verdict_lines(app: &App, verdicts: &[Verdict], live: bool) -> Vec<Line<'static>> {
    let th = app.theme();
    let s = app.s();
    let mut out = Vec::new();
    for v in verdicts {
        let side = Span::styled(format!("{:<7}", s.side(v.side)), th.side(v.side));
        let outcome = v.outcome(live);
        if outcome == Outcome::Agrees {
            out.push(Line::from(vec![
                side,
                Span::styled(format!("{} ", s.demo(DemoText::Agrees)), th.accent()),
                Span::styled(chain_text(&v.kernel), th.base()),
            ]));
        } else if outcome == Outcome::Waiting {
            out.push(Line::from(vec![
                side,
                Span::styled(format!("{} ", s.demo(DemoText::Waiting)), th.dim()),
                Span::styled(chain_text(&v.kernel), th.dim()),
            ]));
        } else {
            out.push(Line::from(vec![
                side,
                Span::styled(
                    s.demo(DemoText::Disagrees).to_string(),
                    alert(app).add_modifier(Modifier::REVERSED),
                ),
            ]));
            out.push(Line::from(Span::styled(
                format!(
                    "  {:<9}{}",
                    s.demo(DemoText::Inferred),
                    chain_text(&v.inferred)
                ),
                alert(app),
            )));
            out.push(Line::from(Span::styled(
                format!("  {:<9}{}", s.demo(DemoText::Kernel), chain_text(&v.kernel)),
                alert(app),
            )));
        }
    }
    if verdicts.iter().any(via_request_sock) {
        out.push(Line::from(Span::styled(
            s.demo(DemoText::NoteRequestSock),
            th.dim(),
        )));
    }
    if verdicts.iter().any(via_time_wait_socket) {
        out.push(Line::from(Span::styled(
            s.demo(DemoText::NoteTimeWaitSocket),
            th.dim(),
        )));
    }
    out
}

/// Draws the kernel column.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let title = format!(
        "{} · {}",
        app.s().demo(DemoText::KernelTitle),
        app.s().demo(DemoText::KernelNow)
    );
    let block = th.panel(&title).style(th.base());
    let width = block.inner(area).width;
    frame.render_widget(
        Paragraph::new(crate::ui::wrap::wrap(lines(app), width)).block(block),
        area,
    );
}
