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
use unicode_width::UnicodeWidthStr;

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

/// Columns of the table: index, client, server, packets, bytes,
/// duration, seen, final states.
const COLS: usize = 8;

/// Columns between two columns of the table.
const GAP: usize = 2;

/// Which columns are given up first when the table is too wide: bytes,
/// duration, packets, then what was seen. The index, both address:ports
/// and the final states are never dropped nor cut.
const DROP_ORDER: [usize; 4] = [4, 5, 3, 6];

/// The columns kept for content widths `want` in `width` columns, with
/// their widths: each as wide as its content; what was seen (the only
/// column that may be cut) takes what is left when it does not fit whole.
fn columns(want: &[usize; COLS], width: usize) -> Vec<(usize, usize)> {
    // What was seen may be cut to this width before it is dropped.
    const SEEN_MIN: usize = 12;
    let keep_of = |k: usize| {
        let mut keep = [true; COLS];
        for &i in &DROP_ORDER[..k] {
            keep[i] = false;
        }
        keep
    };
    // Widths of the kept columns plus one column between each two.
    let cost = |keep: &[bool; COLS], seen: usize| {
        let kept: Vec<usize> = (0..COLS).filter(|&i| keep[i]).collect();
        let sum: usize = kept
            .iter()
            .map(|&i| if i == 6 { seen } else { want[i] })
            .sum();
        sum + GAP * kept.len().saturating_sub(1)
    };
    let seen_cut = want[6].min(SEEN_MIN);
    let k = (0..DROP_ORDER.len())
        .find(|&k| cost(&keep_of(k), want[6]) <= width)
        .or_else(|| (0..DROP_ORDER.len()).find(|&k| cost(&keep_of(k), seen_cut) <= width))
        .unwrap_or(DROP_ORDER.len());
    let keep = keep_of(k);
    let full = cost(&keep, want[6]);
    let over = full.saturating_sub(width);
    let spare = width.saturating_sub(full);
    (0..COLS)
        .filter(|&i| keep[i])
        .map(|i| match i {
            6 => (i, want[i].saturating_sub(over)),
            // The final states end the row: they take what is left.
            7 => (i, want[i] + spare),
            _ => (i, want[i]),
        })
        .collect()
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
    // Only the rows on screen are built (100,000 connections must not cost
    // 800,000 cells a frame): the window that shows the highlighted row
    // where a full table would scroll it, at the bottom edge.
    let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
    let row = app.picker.row.min(rows_idx.len() - 1);
    let start = row.saturating_sub(visible - 1);
    let end = (start + visible).min(rows_idx.len());
    let texts: Vec<[String; COLS]> = rows_idx[start..end]
        .iter()
        .map(|&i| {
            let c = &conns[i];
            [
                c.index().to_string(),
                c.client().to_string(),
                c.server().to_string(),
                c.packets().to_string(),
                c.bytes.to_string(),
                format!("{:.3} s", c.duration().as_secs_f64()),
                seen(app, c),
                format!("{} / {}", c.current()[0], c.current()[1]),
            ]
        })
        .collect();
    let head_texts: [String; COLS] = [
        Text::ColIndex,
        Text::ColClient,
        Text::ColServer,
        Text::ColPackets,
        Text::ColBytes,
        Text::ColDuration,
        Text::ColSeen,
        Text::ColFinal,
    ]
    .map(|t| {
        let mut s = app.t(t).to_string();
        if t == sort_col {
            s.push_str(" ▼");
        }
        s
    });
    let mut want = [0usize; COLS];
    for r in texts.iter().chain(std::iter::once(&head_texts)) {
        for (w, t) in want.iter_mut().zip(r) {
            *w = (*w).max(t.width());
        }
    }
    // The highlight symbol takes 2 columns.
    let kept = columns(&want, usize::from(table_area.width).saturating_sub(2));
    let pick = |r: &[String; COLS]| -> Vec<Cell<'static>> {
        kept.iter()
            .map(|&(i, _)| Cell::from(r[i].clone()))
            .collect()
    };
    let rows = texts.iter().map(|r| Row::new(pick(r)));
    let header = Row::new(pick(&head_texts)).style(th.title().add_modifier(Modifier::UNDERLINED));
    let widths: Vec<Constraint> = kept
        .iter()
        .map(|&(_, w)| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX)))
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(GAP as u16)
        .style(th.base())
        .row_highlight_style(th.base().bg(th.current_bg).add_modifier(Modifier::BOLD))
        .highlight_symbol("▶ ");
    let mut state = TableState::default().with_selected(Some(row - start));
    frame.render_stateful_widget(table, table_area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_value_columns_go_first_and_only_what_was_seen_is_cut() {
        // index, client, server, packets, bytes, duration, seen, final.
        let want = [3, 21, 21, 7, 8, 10, 30, 23];
        let all: usize = want.iter().sum::<usize>() + GAP * 7;
        let cols = |w| columns(&want, w).iter().map(|c| c.0).collect::<Vec<_>>();
        assert_eq!(cols(all), (0..COLS).collect::<Vec<_>>());
        assert_eq!(cols(all - 1), [0, 1, 2, 3, 5, 6, 7], "bytes first");
        assert_eq!(cols(all - 10 - GAP), [0, 1, 2, 3, 6, 7], "then duration");
        assert_eq!(cols(all - 25 - 3 * GAP), [0, 1, 2, 6, 7], "then packets");
        // Then what was seen is cut, down to 12 columns, then dropped.
        let essentials = 3 + 21 + 21 + 23 + 3 * GAP;
        let cut = columns(&want, essentials + GAP + 12);
        assert_eq!(cut.iter().find(|c| c.0 == 6), Some(&(6, 12)));
        assert_eq!(cols(essentials + GAP + 11), [0, 1, 2, 7]);
        // Kept columns are never narrower than their content but the seen.
        for w in 40..all + 20 {
            for (i, cw) in columns(&want, w) {
                if i != 6 {
                    assert!(cw >= want[i], "column {i} cut at width {w}");
                }
            }
        }
    }
}
