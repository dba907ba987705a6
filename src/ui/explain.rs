//! The explanation panel: what the current step is and why, in plain words
//! with this capture's numbers, the state changes it caused, and the socket
//! calls behind it. [`crate::explain::notes`] decides what to say
//! (language-free); the words come from [`crate::i18n`]. Reads the model, never changes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use crate::explain::notes;
use crate::i18n::{Note, Text};

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
    let n = notes(conn, app.walk.pos, app.numbers);
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
