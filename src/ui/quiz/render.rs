//! The quiz panel (the question with its choices, the verdict with the
//! reasons, or a prompt) and the summary overlay. Reads the App; records
//! where the choices were drawn so a click can pick them.
//!
//! ```text
//! ┌ Quiz · score 2/3 ─────────────────────────────────────────────┐
//! │Step 4/11: the client sends the next segment.                  │
//! │Predict, then press Enter:                                     │
//! │▶ client after it  CLOSED LISTEN SYN_SENT … [ESTABLISHED] …    │
//! │  server after it  CLOSED LISTEN SYN_SENT [SYN_RECV] …         │
//! │  its flags        SYN SYN-ACK [ACK] FIN-ACK FIN RST RST-ACK   │
//! │  its ack number   [ 1_ ] (type digits; empty = no ACK flag)   │
//! │Tab/↑↓ field  ←→ choose  0-9 ack  Enter answer   [ Answer ]    │
//! └───────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{FLAGS, Field, Graded, Hit, Question, QuizAction, STATES, Target};
use crate::conversation::Side;
use crate::explain::notes;
use crate::i18n::{QuizLine, QuizText};
use crate::live::exchange::Side as CallSide;
use crate::ui::app::{App, View};
use crate::ui::wrap::wrap;

/// Lines of the panel and the clickable places: `(line, x, width, action)`.
type Content = (Vec<Line<'static>>, Vec<(usize, u16, u16, QuizAction)>);

/// Rows the panel needs at `width` columns (0 when the quiz is off).
pub fn height(app: &App, width: u16) -> u16 {
    if !app.quiz.on {
        return 0;
    }
    let (lines, _) = content(app, width.saturating_sub(2));
    u16::try_from(lines.len() + 2).unwrap_or(u16::MAX)
}

/// Whether the panel shows a question or a verdict (the explanation panel
/// may then give up its room on a narrow screen).
pub fn busy(app: &App) -> bool {
    app.quiz.on && (app.quiz.question.is_some() || verdict_here(app).is_some())
}

fn verdict_here(app: &App) -> Option<&Graded> {
    app.quiz.graded_at(app.walk.conn, app.current()?)
}

fn q(app: &App, t: QuizText) -> &'static str {
    app.s().quiz(t)
}

/// Draws the quiz panel.
pub fn render(frame: &mut Frame, app: &App, view: &mut View, area: Rect) {
    let th = app.theme();
    let (right, total) = app.quiz.score();
    let title = format!(
        "{} · {} {right}/{total}",
        q(app, QuizText::Title),
        q(app, QuizText::Score)
    );
    let block = th.panel(&title);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    let (lines, places) = content(app, inner.width);
    let hits = &mut view.hits;
    hits.clear();
    for (line, x, w, action) in places {
        let Ok(dy) = u16::try_from(line) else {
            continue;
        };
        if dy >= inner.height {
            continue;
        }
        hits.push(Hit {
            area: Rect::new(inner.x + x, inner.y + dy, w, 1),
            action,
        });
    }
    frame.render_widget(Paragraph::new(lines).style(th.base()).block(block), area);
}

fn content(app: &App, width: u16) -> Content {
    if let Some(question) = &app.quiz.question {
        if question.submitted {
            let line = Line::from(Span::styled(
                q(app, QuizText::Waiting).to_string(),
                app.theme().accent(),
            ));
            return (vec![line], Vec::new());
        }
        return question_lines(app, question, width);
    }
    if let Some(g) = verdict_here(app) {
        return (wrap(verdict_lines(app, g), width), Vec::new());
    }
    let line = Line::from(Span::styled(
        q(app, QuizText::PressNext).to_string(),
        app.theme().dim(),
    ));
    (vec![line], Vec::new())
}

fn question_lines(app: &App, question: &Question, width: u16) -> Content {
    let th = app.theme();
    let s = app.s();
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut places = Vec::new();
    let prompt = match question.target {
        Target::Step(i) => {
            let conn = app.connection();
            let side = conn
                .and_then(|c| c.steps().get(i))
                .map_or(Side::Client, |st| st.from);
            s.quiz_line(&QuizLine::NextFrom {
                step: i + 1,
                total: conn.map_or(0, |c| c.steps().len()),
                side,
            })
        }
        Target::Call { call, .. } => {
            let c = app.source.demo().and_then(|d| d.calls.get(call));
            s.quiz_line(&QuizLine::NextCall {
                side: match c.map(|c| c.side) {
                    Some(CallSide::Server) => Side::Server,
                    _ => Side::Client,
                },
                call: c.map_or(String::new(), |c| c.text.clone()),
            })
        }
    };
    lines.extend(wrap(
        vec![Line::from(Span::styled(
            prompt,
            th.accent().add_modifier(Modifier::BOLD),
        ))],
        width,
    ));
    lines.extend(wrap(
        vec![Line::from(
            q(
                app,
                if question.asks_segment {
                    QuizText::PredictSegment
                } else {
                    QuizText::Predict
                },
            )
            .to_string(),
        )],
        width,
    ));

    let labels: Vec<(Field, &str)> = question
        .fields()
        .iter()
        .map(|&f| {
            let t = match f {
                Field::Client => QuizText::ClientAfter,
                Field::Server => QuizText::ServerAfter,
                Field::Flags => QuizText::Flags,
                Field::Ack => QuizText::Ack,
            };
            (f, q(app, t))
        })
        .collect();
    let label_w = labels.iter().map(|(_, l)| l.width()).max().unwrap_or(0) + 4;
    for (field, label) in labels {
        let focused = question.field == field;
        let head = format!(
            "{} {label}{}",
            if focused { "▶" } else { " " },
            " ".repeat(label_w.saturating_sub(label.width() + 2))
        );
        let head_style = if focused {
            th.accent().add_modifier(Modifier::BOLD)
        } else {
            th.base()
        };
        let chips: Vec<(String, bool, QuizAction, Style)> = match field {
            Field::Client | Field::Server => {
                let side = if field == Field::Client {
                    Side::Client
                } else {
                    Side::Server
                };
                let chosen = if side == Side::Client {
                    question.answer.client
                } else {
                    question.answer.server
                };
                STATES
                    .iter()
                    .map(|&st| {
                        (
                            st.name().to_string(),
                            st == chosen,
                            QuizAction::PickState(side, st),
                            th.side(side),
                        )
                    })
                    .collect()
            }
            Field::Flags => FLAGS
                .iter()
                .enumerate()
                .map(|(i, (name, _))| {
                    (
                        (*name).to_string(),
                        question.answer.flags == Some(i),
                        QuizAction::PickFlags(i),
                        th.accent(),
                    )
                })
                .collect(),
            Field::Ack => {
                let cursor = if focused { "▏" } else { "" };
                vec![(
                    format!("[ {}{cursor} ]", question.answer.ack),
                    focused,
                    QuizAction::FocusAck,
                    th.accent(),
                )]
            }
        };
        let mut spans = vec![Span::styled(head, head_style)];
        let mut x = label_w;
        for (text, chosen, action, colour) in chips {
            let w = text.width() + 2;
            if x + w > usize::from(width) && x > label_w {
                lines.push(Line::from(std::mem::take(&mut spans)));
                spans.push(Span::raw(" ".repeat(label_w)));
                x = label_w;
            }
            let style = if chosen {
                colour.add_modifier(Modifier::REVERSED | Modifier::BOLD)
            } else {
                th.base()
            };
            spans.push(Span::styled(format!(" {text} "), style));
            places.push((
                lines.len(),
                u16::try_from(x).unwrap_or(u16::MAX),
                u16::try_from(w).unwrap_or(u16::MAX),
                action,
            ));
            x += w;
        }
        if field == Field::Ack {
            spans.push(Span::styled(
                format!(" {}", q(app, QuizText::AckHint)),
                th.dim(),
            ));
        }
        lines.push(Line::from(spans));
    }
    let hints = q(app, QuizText::Hints);
    let button = q(app, QuizText::Answer);
    if hints.width() + button.width() + 2 <= usize::from(width) {
        let x = usize::from(width) - button.width();
        lines.push(Line::from(vec![
            Span::styled(hints.to_string(), th.dim()),
            Span::raw(" ".repeat(x - hints.width())),
            Span::styled(button.to_string(), th.accent().add_modifier(Modifier::BOLD)),
        ]));
        places.push((
            lines.len() - 1,
            u16::try_from(x).unwrap_or(0),
            u16::try_from(button.width()).unwrap_or(0),
            QuizAction::Submit,
        ));
    } else {
        lines.push(Line::from(Span::styled(
            button.to_string(),
            th.accent().add_modifier(Modifier::BOLD),
        )));
        places.push((
            lines.len() - 1,
            0,
            u16::try_from(button.width()).unwrap_or(0),
            QuizAction::Submit,
        ));
    }
    (lines, places)
}

fn field_name(app: &App, f: Field) -> &'static str {
    q(
        app,
        match f {
            Field::Client => QuizText::ClientAfter,
            Field::Server => QuizText::ServerAfter,
            Field::Flags => QuizText::Flags,
            Field::Ack => QuizText::Ack,
        },
    )
}

/// The verdict on the current step and why the model says so.
fn verdict_lines(app: &App, g: &Graded) -> Vec<Line<'static>> {
    let th = app.theme();
    let s = app.s();
    let good = th.side(Side::Client).add_modifier(Modifier::BOLD);
    let bad = Style::new()
        .fg(ratatui::style::Color::Red)
        .bg(th.bg)
        .add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{} {} · {}",
            q(app, QuizText::Step),
            g.step + 1,
            q(
                app,
                if g.right() {
                    QuizText::AllRight
                } else {
                    QuizText::Wrong
                }
            )
        ),
        if g.right() { good } else { bad },
    ))];
    for it in &g.items {
        let text = if it.right {
            format!("✓ {}: {}", field_name(app, it.field), it.expected)
        } else {
            format!(
                "✗ {}: {} {} · {} {}",
                field_name(app, it.field),
                q(app, QuizText::YouSaid),
                it.given,
                q(app, QuizText::ModelSays),
                it.expected
            )
        };
        lines.push(Line::from(Span::styled(
            text,
            if it.right { th.base() } else { bad },
        )));
    }
    if let Some(conn) = app.connection() {
        let n = notes(conn, g.step + 1, app.numbers);
        lines.push(Line::from(Span::styled(
            q(app, QuizText::Why).to_string(),
            th.accent().add_modifier(Modifier::BOLD),
        )));
        for note in n.what.iter().take(1).chain(&n.changes) {
            lines.push(Line::from(Span::styled(
                format!("• {}", s.note(note)),
                th.base(),
            )));
        }
        for c in &n.calls {
            lines.push(Line::from(Span::styled(
                format!("• {}", s.call(c)),
                th.dim(),
            )));
        }
    }
    lines
}

/// Draws the summary overlay: right/answered per phase and every miss.
pub fn render_summary(frame: &mut Frame, app: &App, body: Rect) {
    let th = app.theme();
    let s = app.s();
    let (right, total) = app.quiz.score();
    let title = format!(
        "{} · {}",
        q(app, QuizText::SummaryTitle),
        s.quiz_line(&QuizLine::Tally { right, total })
    );
    let width = 90.min(body.width);
    let mut lines = Vec::new();
    for (phase, right, total) in app.quiz.by_phase() {
        let name = s.phase(phase);
        let pad = 22usize.saturating_sub(name.width());
        let style = if right < total {
            th.accent().add_modifier(Modifier::BOLD)
        } else {
            th.base()
        };
        lines.push(Line::from(Span::styled(
            format!("{name}{} {right}/{total}", " ".repeat(pad)),
            style,
        )));
    }
    lines.push(Line::from(""));
    let missed: Vec<&Graded> = app.quiz.graded.iter().filter(|g| !g.right()).collect();
    if missed.is_empty() {
        lines.push(Line::from(q(app, QuizText::NoneMissed).to_string()));
    } else {
        lines.push(Line::from(Span::styled(
            q(app, QuizText::Missed).to_string(),
            th.accent().add_modifier(Modifier::BOLD),
        )));
        for g in missed {
            for it in g.items.iter().filter(|i| !i.right) {
                lines.push(Line::from(format!(
                    "• {} {} ({}) · {}: {} {} · {} {}",
                    q(app, QuizText::Step),
                    g.step + 1,
                    s.phase(g.phase),
                    field_name(app, it.field),
                    q(app, QuizText::YouSaid),
                    it.given,
                    q(app, QuizText::ModelSays),
                    it.expected
                )));
            }
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        q(app, QuizText::SummaryHints).to_string(),
        th.dim(),
    )));
    let lines = wrap(lines, width.saturating_sub(2));
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = crate::ui::centered(body, width, h);
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .style(th.base())
            .block(th.panel(&title)),
        area,
    );
}
