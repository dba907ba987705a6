//! The help overlay: every key and what it does, in the chosen language.
//! Reads the App, changes nothing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use crate::i18n::Text;

/// Every binding: keys (language-free) and the text describing them.
pub const KEYS: [(&str, Text); 21] = [
    ("→  l  Space", Text::HelpNext),
    ("←  h", Text::HelpPrev),
    ("Home  End", Text::HelpHomeEnd),
    ("p", Text::HelpPlay),
    ("+  -", Text::HelpSpeed),
    ("n  N", Text::HelpPhase),
    ("c", Text::HelpConnections),
    ("r", Text::HelpNumbers),
    ("d", Text::HelpDetails),
    ("s", Text::HelpDiagram),
    ("e", Text::HelpExplain),
    ("t", Text::HelpTheme),
    ("z", Text::HelpQuiz),
    ("?", Text::HelpHelp),
    ("Esc", Text::HelpEsc),
    ("q  Ctrl-C", Text::HelpQuit),
    ("click", Text::HelpClick),
    ("wheel  PgUp PgDn", Text::HelpWheel),
    ("/", Text::HelpPickerFilter),
    ("o", Text::HelpPickerSort),
    ("Enter", Text::HelpPickerEnter),
];

/// Rows the help overlay wants (its keys and its frame).
pub fn height(app: &App) -> u16 {
    let demo = u16::from(app.source.demo().is_some());
    KEYS.len() as u16 + demo + 2
}

/// Draws the help overlay.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let line = |k: &str, text: &'static str| {
        // The mouse's "keys" are words: in the chosen language.
        let k = k
            .replace("click", app.t(Text::KeyClick))
            .replace("wheel", app.t(Text::KeyWheel));
        let pad = 18usize.saturating_sub(unicode_width::UnicodeWidthStr::width(k.as_str()));
        Line::from(vec![
            Span::styled(format!(" {k}{}", " ".repeat(pad)), th.accent()),
            Span::styled(text, th.base()),
        ])
    };
    let mut lines: Vec<Line> = KEYS.iter().map(|(k, t)| line(k, app.t(*t))).collect();
    if app.source.demo().is_some() {
        lines.insert(
            1,
            line("m", app.s().demo(crate::i18n::DemoText::HelpScenarios)),
        );
    }
    let block = th.panel(app.t(Text::HelpTitle));
    if usize::from(area.height) < lines.len() + 2 {
        // Too low for the frame (80×24 in the demo): the keys whole, the
        // title as the first line.
        lines.insert(
            0,
            Line::from(Span::styled(app.t(Text::HelpTitle), th.title())),
        );
        frame.render_widget(Paragraph::new(lines).style(th.base()), area);
        return;
    }
    frame.render_widget(Paragraph::new(lines).style(th.base()).block(block), area);
}
