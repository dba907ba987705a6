//! The code panel: the scenario's calls as two Python scripts side by side
//! (server left, client right, one row per call in the order they run),
//! the current call highlighted, performed calls with what they returned,
//! and a note on what just happened (accept() after the kernel's handshake,
//! recv() returning 0, the TIME_WAIT countdown). Reads the App only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{Demo, Returned};
use crate::conversation::Side;
use crate::i18n::DemoText;
use crate::live::exchange::{CallKind, Scenario, Side as CallSide};
use crate::ui::app::App;

/// The model's side of the program making a call.
fn side_of(s: CallSide) -> Side {
    match s {
        CallSide::Client => Side::Client,
        CallSide::Server => Side::Server,
    }
}

/// The call to highlight: the one running, else the last performed.
pub fn current_call(d: &Demo) -> Option<usize> {
    d.in_flight.or_else(|| d.last_call())
}

/// The notes under the code: what the last call showed, the countdown,
/// and what to do next.
pub fn notes(app: &App) -> Vec<(String, Style)> {
    let th = app.theme();
    let s = app.s();
    let Some(d) = app.source.demo() else {
        return Vec::new();
    };
    let alert = Style::new()
        .fg(Color::Red)
        .bg(th.bg)
        .add_modifier(Modifier::BOLD);
    let mut out = Vec::new();
    if let Some(why) = &d.offline {
        out.push((format!("{} {why}", s.demo(DemoText::Offline)), alert));
        out.push((s.demo(DemoText::OfflineWalk).to_string(), th.accent()));
    }
    if let Some((side, left)) = d.time_wait_left() {
        out.push((s.time_wait(side, left), th.accent()));
    }
    if d.offline.is_some() {
        return out;
    }
    if let Some(i) = d.last_call() {
        let call = &d.calls[i];
        let returned = match &d.returned[i] {
            Some(Returned::Ok(o)) => Some(o),
            _ => None,
        };
        // In full: the columns may have clipped it.
        match &d.returned[i] {
            Some(Returned::Ok(o)) => out.push((
                format!(
                    "{} {} → {}",
                    s.side(side_of(call.side)),
                    call.text,
                    o.returned
                ),
                th.accent(),
            )),
            Some(Returned::Failed(e)) => out.push((format!("{} ✗ {e}", call.text), alert)),
            None => {}
        }
        let note = match call.kind {
            CallKind::Accept if returned.is_some() => Some(DemoText::NoteAccept),
            CallKind::Recv if returned.is_some_and(|o| o.returned.starts_with("b''")) => {
                Some(DemoText::NoteRecvEof)
            }
            CallKind::Connect if returned.is_some_and(|o| o.error.is_some()) => {
                Some(DemoText::NoteRefused)
            }
            // The second client's connect() (second-client): no accept() yet.
            CallKind::Connect
                if returned.is_some()
                    && d.scenario == Scenario::SecondClient
                    && d.calls[..i].iter().any(|c| c.kind == CallKind::Connect) =>
            {
                Some(DemoText::NoteQueued)
            }
            CallKind::Send if returned.is_some_and(|o| o.returned.contains("Recv-Q")) => {
                Some(DemoText::NoteUnread)
            }
            CallKind::Bind if returned.is_some_and(|o| o.error.is_some()) => {
                Some(DemoText::NoteAddrInUse)
            }
            CallKind::SetReuseAddr if returned.is_some() => Some(DemoText::NoteReuseAddr),
            _ if d.scenario == Scenario::Udp && d.returned[i].is_some() => {
                udp_note(call.kind, returned)
            }
            _ => None,
        };
        if let Some(n) = note {
            out.push((s.demo(n).to_string(), th.base()));
        }
    }
    if d.starting {
        out.push((s.demo(DemoText::Starting).to_string(), th.dim()));
    } else if d.in_flight.is_some() {
        out.push((s.demo(DemoText::Running).to_string(), th.dim()));
    } else if d.done() {
        out.push((s.demo(DemoText::AllDone).to_string(), th.title()));
    } else if let Some(next) = d.calls.get(d.performed()) {
        out.push((
            format!("{} {}", s.demo(DemoText::PressNext), next.text),
            th.dim(),
        ));
    }
    out
}

/// The UDP scenario's note after a call, contrasting it with TCP.
fn udp_note(
    kind: CallKind,
    returned: Option<&crate::live::exchange::CallOutcome>,
) -> Option<DemoText> {
    Some(match kind {
        CallKind::Socket => DemoText::NoteUdpSocket,
        CallKind::SendTo => DemoText::NoteUdpSendTo,
        CallKind::RecvFrom => DemoText::NoteUdpRecvFrom,
        CallKind::Close => DemoText::NoteUdpClose,
        CallKind::Connect => DemoText::NoteUdpConnect,
        CallKind::Send => DemoText::NoteUdpUnreachable,
        CallKind::Recv if returned.is_some_and(|o| o.error.is_some()) => DemoText::NoteUdpRefused,
        _ => return None,
    })
}

fn clip(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for ch in text.chars() {
        if out.width() + 2 > width {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// Draws the code panel.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let Some(d) = app.source.demo() else { return };
    let title = format!(
        "{} · {}",
        s.demo(DemoText::CodeTitle),
        crate::demo::scenario_name(d.scenario)
    );
    let block = th.panel(&title).style(th.base());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 {
        return;
    }
    let notes = notes(app);
    let note_h = (notes.len() as u16 + 1).min(inner.height / 2).max(1);
    let [head, rows, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(note_h),
    ])
    .areas(inner);
    let half = inner.width / 2;
    let [left, right] =
        Layout::horizontal([Constraint::Length(half), Constraint::Min(1)]).areas(head);
    frame.render_widget(
        Paragraph::new(Span::styled(
            s.demo(DemoText::ServerScript),
            th.side(Side::Server).add_modifier(Modifier::UNDERLINED),
        )),
        left,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            s.demo(DemoText::ClientScript),
            th.side(Side::Client).add_modifier(Modifier::UNDERLINED),
        )),
        right,
    );

    let visible = usize::from(rows.height);
    let cur = current_call(d);
    // Keep the current call and the next one in view.
    let next = cur
        .map_or(0, |c| c + 1)
        .min(d.calls.len().saturating_sub(1));
    let top = (next + 1).saturating_sub(visible);
    let colw = usize::from(half.saturating_sub(1));
    let mut lines = Vec::new();
    for (i, call) in d.calls.iter().enumerate().skip(top).take(visible) {
        let mark = if cur == Some(i) {
            "▶"
        } else if d.returned[i].is_some() {
            "✓"
        } else {
            " "
        };
        let mut text = format!("{mark}{:>2} {}", i + 1, call.text);
        let mut style = if d.returned[i].is_some() || cur == Some(i) {
            th.base()
        } else {
            th.dim()
        };
        match &d.returned[i] {
            Some(Returned::Ok(o)) if !o.returned.is_empty() && o.returned != "None" => {
                text.push_str(&format!("  → {}", o.returned));
            }
            Some(Returned::Failed(e)) => {
                text.push_str(&format!("  ✗ {}: {e}", s.demo(DemoText::CallFailed)));
                style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
            }
            _ => {}
        }
        if d.in_flight == Some(i) {
            text.push_str(&format!("  {}", s.demo(DemoText::Running)));
        }
        if cur == Some(i) {
            style = style.bg(th.current_bg).add_modifier(Modifier::BOLD);
        }
        let pad = " ".repeat(colw + 1);
        let cell = clip(&text, colw);
        let line = match call.side {
            CallSide::Server => Line::from(Span::styled(cell, style)),
            CallSide::Client => Line::from(vec![Span::raw(pad), Span::styled(cell, style)]),
        };
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), rows);
    let note_lines: Vec<Line<'static>> = notes
        .into_iter()
        .map(|(t, st)| Line::from(Span::styled(t, st)))
        .collect();
    frame.render_widget(
        Paragraph::new(crate::ui::wrap::wrap(note_lines, foot.width)),
        foot,
    );
}
