//! The connection picker: the `--list` table (index, addresses, packets,
//! bytes, duration, what was seen, final states), sortable and filterable.
//! Reads the App, changes nothing.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::app::{App, Mode, SortKey};
use crate::conversation::Connection;
use crate::i18n::Text;

/// What was seen of a connection, in words.
fn seen(app: &App, c: &Connection) -> String {
    let s = &c.seen();
    let mut v = Vec::new();
    if s.handshake {
        v.push(app.t(Text::SeenHandshake));
    } else if s.syn {
        v.push("SYN");
    }
    if s.data_from_client + s.data_from_server > 0 {
        v.push(app.t(Text::SeenData));
    }
    if s.fin_from_client {
        v.push(app.t(Text::SeenFinClient));
    }
    if s.fin_from_server {
        v.push(app.t(Text::SeenFinServer));
    }
    if s.rst {
        v.push(app.t(Text::SeenRst));
    }
    v.join(", ")
}

/// Draws the picker.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let block = th.panel(app.t(Text::PickerTitle));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [top, table_area, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let sort_col = match app.picker.sort {
        SortKey::Index => Text::ColIndex,
        SortKey::Client => Text::ColClient,
        SortKey::Server => Text::ColServer,
        SortKey::Packets => Text::ColPackets,
        SortKey::Bytes => Text::ColBytes,
        SortKey::Duration => Text::ColDuration,
    };
    let cursor = if app.mode == Mode::Filter { "▏" } else { "" };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{}: ", app.t(Text::Filter)), th.dim()),
            Span::styled(format!("{}{cursor}", app.picker.filter), th.accent()),
            Span::styled(
                format!("   {}: {}", app.t(Text::Sort), app.t(sort_col)),
                th.dim(),
            ),
        ])),
        top,
    );
    frame.render_widget(
        Paragraph::new(app.t(Text::PickerHints)).style(th.dim()),
        hints,
    );

    let rows_idx = app.picker_rows();
    if rows_idx.is_empty() {
        let text = match app.loading_line() {
            Some(line) if app.picker.filter.is_empty() => line,
            _ => app.t(Text::NoMatch).to_string(),
        };
        frame.render_widget(Paragraph::new(text).style(th.base()), table_area);
        return;
    }
    let conns = app.tracker.connections();
    // Narrow windows drop bytes and duration so what was seen still fits.
    let narrow = table_area.width < 110;
    let pick = |cells: Vec<Cell<'static>>| -> Vec<Cell<'static>> {
        cells
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !narrow || !matches!(i, 4 | 5))
            .map(|(_, c)| c)
            .collect()
    };
    // Only the rows on screen are built (100,000 connections must not cost
    // 800,000 cells a frame): the window that shows the highlighted row
    // where a full table would scroll it, at the bottom edge.
    let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
    let row = app.picker.row.min(rows_idx.len() - 1);
    let start = row.saturating_sub(visible - 1);
    let end = (start + visible).min(rows_idx.len());
    let rows = rows_idx[start..end].iter().map(|&i| {
        let c = &conns[i];
        Row::new(pick(vec![
            Cell::from(c.index().to_string()),
            Cell::from(c.client().to_string()),
            Cell::from(c.server().to_string()),
            Cell::from(c.packets().to_string()),
            Cell::from(c.bytes.to_string()),
            Cell::from(format!("{:.3} s", c.duration().as_secs_f64())),
            Cell::from(seen(app, c)),
            Cell::from(format!("{} / {}", c.current()[0], c.current()[1])),
        ]))
    });
    let head = |t: Text| {
        let mut s = app.t(t).to_string();
        if t == sort_col {
            s.push_str(" ▼");
        }
        Cell::from(s)
    };
    let header = Row::new(pick(vec![
        head(Text::ColIndex),
        head(Text::ColClient),
        head(Text::ColServer),
        head(Text::ColPackets),
        head(Text::ColBytes),
        head(Text::ColDuration),
        head(Text::ColSeen),
        head(Text::ColFinal),
    ]))
    .style(th.title().add_modifier(Modifier::UNDERLINED));
    let widths: Vec<Constraint> = if narrow {
        vec![
            Constraint::Length(4),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Length(7),
            Constraint::Fill(3),
            Constraint::Fill(2),
        ]
    } else {
        vec![
            Constraint::Length(5),
            Constraint::Length(22),
            Constraint::Length(22),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Fill(2),
            Constraint::Fill(1),
        ]
    };
    let table = Table::new(rows, widths)
        .header(header)
        .style(th.base())
        .row_highlight_style(th.base().bg(th.current_bg).add_modifier(Modifier::BOLD))
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(row - start));
    frame.render_stateful_widget(table, table_area, &mut state);
}
