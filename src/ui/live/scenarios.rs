//! The scenario picker overlay of the live demo: every scenario with one
//! line saying what it shows; choosing one restarts the demo with it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::i18n::DemoText;
use crate::live::exchange::Scenario;
use crate::ui::app::App;

/// Draws the picker centred in `area`.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let Some(d) = app.source.demo() else { return };
    let w = 76.min(area.width);
    let h = (Scenario::ALL.len() as u16 + 4).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, r);
    let mut lines: Vec<Line> = Scenario::ALL
        .iter()
        .enumerate()
        .map(|(i, &sc)| {
            let mark = if i == d.pick_row { "▶" } else { " " };
            let cur = if sc == d.scenario { " •" } else { "" };
            let style = if i == d.pick_row {
                th.base().bg(th.current_bg).add_modifier(Modifier::BOLD)
            } else {
                th.base()
            };
            Line::from(Span::styled(
                format!("{mark} {} {}{cur}", i + 1, s.scenario(sc)),
                style,
            ))
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        s.demo(DemoText::ScenarioHint),
        th.dim(),
    )));
    let block = th.panel(s.demo(DemoText::ScenarioTitle)).style(th.base());
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
