//! The header line (file, connection, step, phase, playback, numbers) and
//! the footer line of key hints. Reads the App, changes nothing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, SPEEDS};
use crate::explain::Numbers;
use unicode_width::UnicodeWidthStr;

use crate::i18n::Text;

/// Draws the header line: the parts that fit, most important first
/// (step and phase, connection, playback, numbers, file).
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let width = usize::from(area.width);
    let step = match (app.connection(), app.current_step()) {
        (None, _) => String::new(),
        (Some(c), Some(_)) => format!(
            "{} {}/{} · {}",
            app.t(Text::Step),
            app.walk.pos,
            c.steps().len(),
            crate::output::figure::band_at(c, app.walk.pos - 1)
                .map_or("", |k| crate::output::band_name(app.lang, k))
        ),
        (Some(c), None) => format!(
            "{} 0/{} · {}",
            app.t(Text::Step),
            c.steps().len(),
            app.t(Text::Start)
        ),
    };
    let total = app.tracker.connections().len();
    // Before the first segment there is no connection to count.
    let datagrams: usize = app.tracker.flows().iter().map(|f| f.datagrams.len()).sum();
    let conn_short = if total == 0 && datagrams > 0 {
        // The udp scenario: no connection, its datagrams are the walk.
        format!("UDP · {datagrams} {}", app.t(Text::Datagrams))
    } else if total == 0 {
        app.t(Text::Waiting).to_string()
    } else {
        // 0-based, as the picker, `--conn`, `--print` and tshark's
        // tcp.stream count.
        format!(
            "{} {} ({} {total})",
            app.t(Text::Connection),
            app.walk.conn,
            app.t(Text::OfTotal),
        )
    };
    let conn_long = app.connection().map_or(conn_short.clone(), |c| {
        format!("{conn_short}: {} → {}", c.client(), c.server())
    });
    // Watch follows the capture ("● following" below): a paused walk's
    // speed would contradict it, so only a running playback is named.
    let play = if app.source.watch().is_some() && !app.walk.playing {
        String::new()
    } else {
        format!(
            "{} {} {}",
            app.t(if app.walk.playing {
                Text::Playing
            } else {
                Text::Paused
            }),
            SPEEDS[app.walk.speed],
            app.t(Text::Speed)
        )
    };
    let numbers = app
        .t(match app.numbers {
            Numbers::Relative => Text::Relative,
            Numbers::Absolute => Text::Absolute,
        })
        .to_string();
    // The file's own name (not its folders) stays in the header the
    // longest: a class must see which capture is shown.
    let base = std::path::Path::new(&app.file_name)
        .file_name()
        .map_or(app.file_name.clone(), |n| n.to_string_lossy().into_owned());
    let file_long = format!("synack · {base}");
    let theme = app.t(app.theme.text()).to_string();
    let candidates = [
        vec![&file_long, &conn_long, &step, &play, &numbers, &theme],
        vec![&file_long, &conn_long, &step, &play, &numbers],
        vec![&file_long, &conn_short, &step, &play, &numbers],
        vec![&base, &conn_short, &step, &play, &numbers],
        vec![&base, &conn_short, &step, &play],
        vec![&base, &conn_short, &step],
        vec![&base, &step],
        vec![&conn_short, &step],
        vec![&step],
    ];
    let sep = " │ ";
    let text = candidates
        .iter()
        .map(|parts| {
            parts
                .iter()
                .map(|p| p.as_str())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(sep)
        })
        .find(|t| t.width() < width)
        .unwrap_or_else(|| conn_short.clone());
    let pad = width.saturating_sub(text.width());
    let line = Line::from(Span::styled(
        format!(" {text}{}", " ".repeat(pad.saturating_sub(1))),
        th.base().add_modifier(Modifier::BOLD | Modifier::REVERSED),
    ));
    frame.render_widget(Paragraph::new(line).style(th.base()), area);
}

/// Draws the footer line of key hints.
pub fn render_footer(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    if let Some(e) = &app.error {
        let line = format!("{}: {e}", app.t(Text::Error));
        frame.render_widget(Paragraph::new(line).style(th.accent()), area);
        return;
    }
    if let Some(w) = &app.warning {
        let line = format!("{}: {w}", app.t(Text::Warning));
        frame.render_widget(Paragraph::new(line).style(th.accent()), area);
        return;
    }
    if let Some(line) = app.loading_line() {
        frame.render_widget(Paragraph::new(line).style(th.accent()), area);
        return;
    }
    if !app.live() && app.tracker.connections().is_empty() {
        frame.render_widget(
            Paragraph::new(app.t(Text::SourceEnded)).style(th.dim()),
            area,
        );
        return;
    }
    let (full, short) = if app.source.demo().is_some() {
        let s = app.s();
        (
            s.demo(crate::i18n::DemoText::Footer),
            s.demo(crate::i18n::DemoText::FooterShort),
        )
    } else if app.source.watch().is_some() {
        (app.t(Text::Footer), app.t(Text::FooterWatchShort))
    } else {
        (app.t(Text::Footer), app.t(Text::FooterShort))
    };
    let text = if full.width() <= usize::from(area.width) {
        full
    } else {
        short
    };
    frame.render_widget(Paragraph::new(text).style(th.dim()), area);
}
