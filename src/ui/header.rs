//! The header line (file, connection, step, phase, playback, numbers) and
//! the footer line of key hints. Reads the App, changes nothing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, Numbers, SPEEDS, phase_of};
use crate::i18n::Text;

/// Draws the header line.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let mut parts: Vec<String> = vec![format!("synack · {}", app.file_name)];
    if let Some(c) = app.connection() {
        parts.push(format!(
            "{} {}/{}: {} → {}",
            app.t(Text::Connection),
            app.conn + 1,
            app.tracker.connections().len(),
            c.client,
            c.server
        ));
        let n = c.steps.len();
        match app.current_step() {
            Some(step) => parts.push(format!(
                "{} {}/{} · {}",
                app.t(Text::Step),
                app.pos,
                n,
                s.phase(phase_of(step))
            )),
            None => parts.push(format!(
                "{} 0/{n} · {}",
                app.t(Text::Step),
                app.t(Text::Start)
            )),
        }
    } else {
        parts.push(app.t(Text::Waiting).to_string());
    }
    let play = if app.playing {
        Text::Playing
    } else {
        Text::Paused
    };
    parts.push(format!(
        "{} {} {}",
        app.t(play),
        SPEEDS[app.speed],
        app.t(Text::Speed)
    ));
    parts.push(
        app.t(match app.numbers {
            Numbers::Relative => Text::Relative,
            Numbers::Absolute => Text::Absolute,
        })
        .to_string(),
    );
    let mut spans = vec![Span::styled(
        parts.join("  │  "),
        th.base().add_modifier(Modifier::BOLD | Modifier::REVERSED),
    )];
    if let Some(e) = &app.error {
        spans.push(Span::styled(
            format!("  {}: {e}", app.t(Text::Error)),
            th.accent(),
        ));
    } else if !app.live && app.tracker.connections().is_empty() {
        spans.push(Span::styled(
            format!("  {}", app.t(Text::SourceEnded)),
            th.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(th.base()), area);
}

/// Draws the footer line of key hints.
pub fn render_footer(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let full = app.t(Text::Footer);
    let text = if unicode_width::UnicodeWidthStr::width(full) <= usize::from(area.width) {
        full
    } else {
        app.t(Text::FooterShort)
    };
    frame.render_widget(Paragraph::new(text).style(th.dim()), area);
}
