//! The UDP scenario's panels: the datagrams captured so far as arrows
//! between the two sockets (no state columns: there is no state), the ICMP
//! error that answered the datagram to a closed port, and beside them what
//! UDP does not do that TCP does. Reads the App only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::conversation::Side;
use crate::i18n::DemoText;
use crate::ui::app::App;

/// Draws the datagrams of every UDP flow captured so far.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let width = usize::from(area.width.saturating_sub(4)).max(20);
    let mut lines: Vec<Line> = Vec::new();
    let flows = app.tracker.flows();
    if flows.is_empty() {
        lines.push(Line::from(Span::styled(
            s.demo(DemoText::UdpNothingYet),
            th.dim(),
        )));
    }
    for flow in flows {
        let (a, b) = (flow.client.to_string(), flow.server.to_string());
        let gap = width.saturating_sub(a.chars().count() + b.chars().count() + 4);
        lines.push(Line::from(vec![
            Span::styled(format!("    {a}"), th.side(Side::Client)),
            Span::raw(" ".repeat(gap)),
            Span::styled(b, th.side(Side::Server)),
        ]));
        for (i, d) in flow.datagrams.iter().enumerate() {
            let label = format!(" UDP len={} ", d.len);
            let fill = width.saturating_sub(label.chars().count() + 7);
            let arrow = match d.from {
                Side::Client => format!("─{label}{}─▶", "─".repeat(fill)),
                Side::Server => format!("◀─{label}{}─", "─".repeat(fill)),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{:>3} ", i + 1), th.dim()),
                Span::styled(arrow, th.side(d.from)),
            ]));
            for e in flow.icmp_after(i) {
                lines.push(Line::from(Span::styled(
                    format!(
                        "    ✗ {} ← {}",
                        crate::i18n::icmp_kind(app.lang, &e.error.kind),
                        e.error.reporter
                    ),
                    Style::new()
                        .fg(Color::Red)
                        .bg(th.bg)
                        .add_modifier(Modifier::BOLD),
                )));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(th.panel(s.demo(DemoText::UdpTitle))),
        area,
    );
}

/// Draws what UDP does not do, beside the TCP scenario, and what the
/// kernel's tracepoint recorded for the port (nothing).
pub fn render_contrast(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let mut lines = vec![Line::from(Span::styled(
        s.demo(DemoText::UdpContrast),
        th.base(),
    ))];
    if let Some(d) = app.source.demo()
        && d.offline.is_none()
        && d.kernel_unavailable.is_none()
    {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("{} {}", s.demo(DemoText::UdpKernel), d.kernel.len()),
            th.accent(),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(th.panel(s.demo(DemoText::UdpContrastTitle))),
        area,
    );
}
