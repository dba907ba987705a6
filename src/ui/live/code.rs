//! The code panel: the scenario's calls in the order they run, one column
//! marked by side (server or client), so each call has the panel's whole
//! width; what it returned follows on the same line, or wrapped under the
//! call when it does not fit. The calls shown as performed are those up to
//! the segment the walk shows (← and Home go back through them too), the
//! current one highlighted, with a note on what just happened (accept()
//! after the kernel's handshake, recv() returning 0, the TIME_WAIT
//! countdown). Reads the App only.

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

/// How many calls are shown as performed: at the end of the walk every
/// performed call; walked back, those whose segments on the walked
/// connection are all revealed (a call that sent nothing there counts
/// with the calls before it).
pub fn shown_calls(app: &App, d: &Demo) -> usize {
    let performed = d.returned.iter().take_while(|r| r.is_some()).count();
    if app.walk.pos >= app.len() {
        return performed;
    }
    let conn = app.walk.conn;
    d.steps_after[..performed.min(d.steps_after.len())]
        .iter()
        .take_while(|after| after.get(conn).copied().unwrap_or(0) <= app.walk.pos)
        .count()
}

/// The call to highlight at the walk's position.
fn highlighted(app: &App, d: &Demo) -> Option<usize> {
    if app.walk.pos >= app.len() {
        current_call(d)
    } else {
        shown_calls(app, d).checked_sub(1)
    }
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
    let last_shown = if app.walk.pos >= app.len() {
        d.last_call()
    } else {
        shown_calls(app, d).checked_sub(1)
    };
    if let Some(i) = last_shown {
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
                    crate::i18n::call_result(app.lang, &o.returned, &o.remarks)
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
            CallKind::Send
                if returned.is_some_and(|o| {
                    o.remarks
                        .iter()
                        .any(|r| matches!(r, crate::live::exchange::Remark::RecvQ { .. }))
                }) =>
            {
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
    } else if app.walk.pos < app.len() {
        out.push((s.demo(DemoText::WalkedBack).to_string(), th.dim()));
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
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                s.demo(DemoText::ServerScript),
                th.side(Side::Server).add_modifier(Modifier::UNDERLINED),
            ),
            Span::raw("  "),
            Span::styled(
                s.demo(DemoText::ClientScript),
                th.side(Side::Client).add_modifier(Modifier::UNDERLINED),
            ),
        ])),
        head,
    );

    let width = usize::from(rows.width);
    let visible = usize::from(rows.height);
    let shown = shown_calls(app, d);
    let cur = highlighted(app, d);
    let tag_w = [Side::Server, Side::Client]
        .map(|side| s.side(side).width())
        .into_iter()
        .max()
        .unwrap_or(0);
    let blocks: Vec<Vec<Line<'static>>> = d
        .calls
        .iter()
        .enumerate()
        .map(|(i, call)| {
            let done = i < shown && d.returned[i].is_some();
            let mark = if cur == Some(i) {
                "▶"
            } else if done {
                "✓"
            } else {
                " "
            };
            let side = side_of(call.side);
            let tag = s.side(side);
            let head = format!("{mark}{:>2} ", i + 1);
            let indent = head.width() + tag_w + 1;
            let mut style = if done || cur == Some(i) {
                th.base()
            } else {
                th.dim()
            };
            let mut result = match &d.returned[i] {
                Some(Returned::Ok(o))
                    if done
                        && !o.returned.is_empty()
                        && crate::i18n::call_result(app.lang, &o.returned, &o.remarks)
                            != "None" =>
                {
                    format!(
                        "→ {}",
                        crate::i18n::call_result(app.lang, &o.returned, &o.remarks)
                    )
                }
                Some(Returned::Failed(e)) if done => {
                    style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
                    format!("✗ {}: {e}", s.demo(DemoText::CallFailed))
                }
                _ => String::new(),
            };
            if d.in_flight == Some(i) && app.walk.pos >= app.len() {
                result = s.demo(DemoText::Running).to_string();
            }
            if cur == Some(i) {
                style = style.bg(th.current_bg).add_modifier(Modifier::BOLD);
            }
            let tag_style = th
                .side(side)
                .patch(Style::new().bg(style.bg.unwrap_or(th.bg)))
                .add_modifier(Modifier::BOLD);
            let first = vec![
                Span::styled(head, style),
                Span::styled(
                    format!("{tag}{} ", " ".repeat(tag_w - tag.width())),
                    tag_style,
                ),
                Span::styled(call.text.clone(), style),
            ];
            let one_line = indent + call.text.width() + 2 + result.width();
            let mut out = if result.is_empty() || one_line <= width {
                let mut first = first;
                if !result.is_empty() {
                    first.push(Span::styled(format!("  {result}"), style));
                }
                crate::ui::wrap::wrap(vec![Line::from(first)], rows.width)
            } else {
                let mut out = crate::ui::wrap::wrap(vec![Line::from(first)], rows.width);
                let room = u16::try_from(width.saturating_sub(indent))
                    .unwrap_or(0)
                    .max(10);
                for l in crate::ui::wrap::wrap(vec![Line::from(Span::styled(result, style))], room)
                {
                    let mut spans = vec![Span::styled(" ".repeat(indent), style)];
                    spans.extend(l.spans);
                    out.push(Line::from(spans));
                }
                out
            };
            out.truncate(visible.max(1));
            out
        })
        .collect();
    // Keep the current call and the next one in view.
    let next = cur
        .map_or(0, |c| c + 1)
        .min(d.calls.len().saturating_sub(1));
    let mut top = 0;
    while top < next && blocks[top..=next].iter().map(Vec::len).sum::<usize>() > visible {
        top += 1;
    }
    let lines: Vec<Line> = blocks
        .into_iter()
        .skip(top)
        .flatten()
        .take(visible)
        .collect();
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
