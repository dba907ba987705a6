//! The terminal UI's ladder panel: client timeline on the left, server on the right,
//! one arrow per revealed segment, each endpoint's state beside its
//! timeline and a row spelling out every state change with its cause. Only
//! the rows that fit are built, so a million-segment connection draws as
//! fast as a short one. Reads the model, never changes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::{App, View};
use super::theme::Theme;
use crate::conversation::{Connection, Side, Step};
use crate::explain::Numbers;
use crate::i18n::{Strings, Text};

/// Cuts `s` to at most `w` columns (with `…` when cut) and pads it to `w`.
pub(crate) fn fit(s: &str, w: usize) -> String {
    if s.width() <= w {
        return format!("{s}{}", " ".repeat(w - s.width()));
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    if w > 0 {
        out.push('…');
        used += 1;
    }
    out + &" ".repeat(w.saturating_sub(used))
}

/// Pads `s` on the left to `w` columns (cutting it when longer).
fn fit_right(s: &str, w: usize) -> String {
    if s.width() >= w {
        return fit(s, w);
    }
    format!("{}{s}", " ".repeat(w - s.width()))
}

/// The arrow's text: flags, numbers, length and labels.
/// When it is wider than `width`, `len=0` is left out.
pub(crate) fn arrow_label(s: &dyn Strings, step: &Step, numbers: Numbers, width: usize) -> String {
    let seg = &step.segment;
    let (seq, ack) = match numbers {
        Numbers::Relative => (step.rel_seq, step.rel_ack),
        Numbers::Absolute => (seg.seq, seg.ack),
    };
    let mut t = format!("{} seq={seq}", seg.flags);
    if seg.flags.ack() {
        t += &format!(" ack={ack}");
    }
    let labels: String = step
        .labels
        .iter()
        .map(|l| format!(" [{}]", s.label_name(*l)))
        .collect();
    let full = format!("{t} len={}{labels}", seg.payload_len);
    if full.width() <= width || seg.payload_len > 0 {
        full
    } else {
        t + &labels
    }
}

/// Column widths of the ladder for an inner width.
struct Cols {
    /// Mark, segment number and (when it fits) time.
    gutter: usize,
    /// Width of the time (seconds since the first segment), 0: not shown.
    time: usize,
    state: usize,
    arrow: usize,
}

/// The arrow keeps at least this much room before the time column is
/// given up.
const ARROW_BEFORE_TIME: usize = 30;

impl Cols {
    /// Columns for `steps` steps whose last came `last_s` seconds after
    /// the first.
    fn new(width: u16, steps: usize, last_s: f64) -> Cols {
        let w = usize::from(width);
        let number = steps.max(1).to_string().len() + 2;
        let time = time_text(last_s).len() + 1;
        // A row is gutter, state, "│", arrow, "│ ", state.
        let layout = |gutter: usize| {
            let state = (w.saturating_sub(gutter + 3) / 5).clamp(12, 22);
            let arrow = w.saturating_sub(gutter + 3 + 2 * state).max(8);
            (state, arrow)
        };
        let (state, arrow) = layout(number + time);
        if arrow >= ARROW_BEFORE_TIME {
            return Cols {
                gutter: number + time,
                time,
                state,
                arrow,
            };
        }
        let (state, arrow) = layout(number);
        Cols {
            gutter: number,
            time: 0,
            state,
            arrow,
        }
    }
}

/// A step's time in the ladder: seconds since the connection's first
/// segment, to the millisecond (`2.004`).
fn time_text(seconds: f64) -> String {
    format!("{seconds:.3}")
}

/// Seconds from the first step of `conn` to step `i`.
fn since_first(conn: &Connection, i: usize) -> f64 {
    let steps = conn.steps();
    match (steps.first(), steps.get(i)) {
        (Some(a), Some(b)) => b.segment.ts.saturating_sub(a.segment.ts).as_secs_f64(),
        _ => 0.0,
    }
}

/// Screen rows item `k` takes: item 0 is the initial states, item `i + 1`
/// is step `i` plus one row per state change at it.
fn item_height(conn: &Connection, k: usize) -> usize {
    match k {
        0 => 1,
        _ => 1 + conn.transitions_at(k - 1).count() + conn.icmp_after(k - 1).count(),
    }
}

/// First item to show so the current one (`pos`) is visible in `avail`
/// rows, starting from the previous `top`.
fn scroll_top(conn: &Connection, top: usize, pos: usize, avail: usize, pinned: bool) -> usize {
    if pinned {
        return top.min(pos);
    }
    let avail = avail.max(1);
    let mut top = top.min(pos);
    if pos - top >= avail {
        top = pos + 1 - avail;
    }
    let mut used: usize = (top..=pos).map(|k| item_height(conn, k)).sum();
    while used > avail && top < pos {
        used -= item_height(conn, top);
        top += 1;
    }
    top
}

/// Draws the ladder of the walked connection, keeping where it scrolled
/// to and which rows show which step in `view`.
pub fn render(frame: &mut Frame, app: &App, view: &mut View, area: Rect) {
    let th = app.theme();
    let s = app.s();
    let block = th.panel(app.t(Text::LadderTitle));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    view.area = inner;
    view.rows.clear();
    let Some(conn) = app.connection() else {
        frame.render_widget(Paragraph::new(app.t(Text::Waiting)).style(th.dim()), inner);
        return;
    };
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    let n = conn.steps().len();
    let pos = app.walk.pos.min(n);
    let cols = Cols::new(inner.width, n, since_first(conn, n.saturating_sub(1)));
    let avail = usize::from(inner.height) - 2;
    let top = scroll_top(conn, view.top, pos, avail, view.pinned);
    view.top = top;

    let mut lines = Vec::with_capacity(usize::from(inner.height));
    let mut rows = Vec::new();
    // Addresses over the timelines.
    let left = format!("{} {}", s.side(Side::Client), conn.client());
    let right = format!("{} {}", s.side(Side::Server), conn.server());
    let lw = cols.gutter + cols.state + 1;
    let total = usize::from(inner.width);
    lines.push(Line::from(vec![
        Span::styled(
            fit(&left, lw.max(left.width())),
            th.side(Side::Client).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            fit_right(&right, total.saturating_sub(lw.max(left.width()))),
            th.side(Side::Server).add_modifier(Modifier::BOLD),
        ),
    ]));

    // The items from `top` to the current one, cut at the panel's foot;
    // rows left over (the current item is the last, a walk's head) show
    // the tail of the items above `top`, so no row stays empty while
    // earlier segments exist.
    let mut body: Vec<(Line<'static>, Option<usize>)> = Vec::new();
    for k in top..=pos {
        if body.len() >= avail {
            break;
        }
        let item = item_lines(app, &th, &cols, conn, k, k == pos);
        let room = avail - body.len();
        body.extend(item.into_iter().take(room));
    }
    let room = usize::from(inner.height) - 1 - usize::from(pos < n);
    let mut k = top;
    while !view.pinned && body.len() < room && k > 0 {
        k -= 1;
        let item = item_lines(app, &th, &cols, conn, k, false);
        let take = item.len().min(room - body.len());
        let skip = item.len() - take;
        body.splice(0..0, item.into_iter().skip(skip));
    }
    for (line, step) in body {
        if let Some(i) = step {
            rows.push((inner.y + lines.len() as u16, i));
        }
        lines.push(line);
    }
    if pos < n {
        lines.push(Line::from(Span::styled(
            format!("{}{}", " ".repeat(cols.gutter), s.hidden(n - pos)),
            th.dim().add_modifier(Modifier::ITALIC),
        )));
    }
    view.rows = rows;
    frame.render_widget(Paragraph::new(lines).style(th.base()), inner);
}

/// The rows of item `k` (0: the initial states; `i + 1`: step `i`, its
/// state changes and the ICMP errors after it), each with the step it
/// belongs to for the row map.
fn item_lines(
    app: &App,
    th: &Theme,
    cols: &Cols,
    conn: &Connection,
    k: usize,
    current: bool,
) -> Vec<(Line<'static>, Option<usize>)> {
    let s = app.s();
    if k == 0 {
        let gap = Span::styled(" ".repeat(cols.arrow), row_style(th, current));
        return vec![(
            state_row(th, cols, "", conn.initial, [false; 2], gap, current),
            None,
        )];
    }
    let i = k - 1;
    let mut out = vec![(arrow_row(app, th, cols, conn, i, current), Some(i))];
    for t in conn.transitions_at(i) {
        let mut text = s.change(t.endpoint, t.from, t.to, t.cause);
        if t.segment != t.step {
            // First, so that cutting a long row keeps it.
            text = format!("{} {text}", s.later(t.segment + 1));
        }
        out.push((change_row(th, cols, t.endpoint, &text, current), Some(i)));
    }
    // ICMP errors that arrived after this segment, on the side of the
    // sender of the segment they quote (it receives them).
    for e in conn.icmp_after(i) {
        let side = if e.error.quoted_src == conn.client() {
            Side::Client
        } else {
            Side::Server
        };
        let text = format!("⚠ {}", crate::output::icmp_text(e, app.lang));
        out.push((change_row(th, cols, side, &text, current), Some(i)));
    }
    out
}

fn row_style(th: &Theme, current: bool) -> Style {
    if current {
        th.base().bg(th.current_bg).add_modifier(Modifier::BOLD)
    } else {
        th.base()
    }
}

fn gutter(cols: &Cols, label: &str, current: bool) -> String {
    let mark = if current { "▶" } else { " " };
    format!("{mark}{}", fit_right(label, cols.gutter - 2)) + " "
}

fn state_row(
    th: &Theme,
    cols: &Cols,
    label: &str,
    states: [crate::state::TcpState; 2],
    changed: [bool; 2],
    middle: Span<'static>,
    current: bool,
) -> Line<'static> {
    let base = row_style(th, current);
    let st = |side: Side| {
        let mut st = th
            .side(side)
            .patch(Style::new().bg(base.bg.unwrap_or(th.bg)));
        if changed[side.idx()] {
            st = st.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        } else {
            st = st.add_modifier(Modifier::DIM);
        }
        st
    };
    Line::from(vec![
        Span::styled(gutter(cols, label, current), base),
        Span::styled(fit(states[0].name(), cols.state), st(Side::Client)),
        Span::styled("│", base),
        middle,
        Span::styled("│ ", base),
        Span::styled(fit(states[1].name(), cols.state), st(Side::Server)),
    ])
}

fn arrow_row(
    app: &App,
    th: &Theme,
    cols: &Cols,
    conn: &Connection,
    i: usize,
    current: bool,
) -> Line<'static> {
    let step = &conn.steps()[i];
    let base = row_style(th, current);
    let mut changed = [false; 2];
    for t in conn.transitions_at(i) {
        changed[t.endpoint.idx()] = true;
    }
    let room = cols.arrow.saturating_sub(4);
    let label = fit(&arrow_label(app.s(), step, app.numbers, room), room);
    let label = label.trim_end();
    let fill = cols.arrow.saturating_sub(label.width() + 3);
    let text = match step.from {
        Side::Client => format!("─{label}─{}►", "─".repeat(fill)),
        Side::Server => format!("◄{}─{label}─", "─".repeat(fill)),
    };
    let style = th
        .side(step.from)
        .patch(Style::new().bg(base.bg.unwrap_or(th.bg)));
    let style = if current {
        style.add_modifier(Modifier::BOLD)
    } else {
        style
    };
    let label = if cols.time > 0 {
        let t = time_text(since_first(conn, i));
        format!("{} {}", i + 1, fit_right(&t, cols.time - 1))
    } else {
        (i + 1).to_string()
    };
    state_row(
        th,
        cols,
        &label,
        step.states,
        changed,
        Span::styled(text, style),
        current,
    )
}

fn change_row(th: &Theme, cols: &Cols, side: Side, text: &str, current: bool) -> Line<'static> {
    let base = row_style(th, current);
    let style = th
        .side(side)
        .patch(Style::new().bg(base.bg.unwrap_or(th.bg)))
        .add_modifier(Modifier::ITALIC);
    let wide = cols.state + 1 + cols.arrow;
    let mut spans = vec![Span::styled(" ".repeat(cols.gutter), base)];
    match side {
        Side::Client => {
            spans.push(Span::styled(fit(&format!("  {text}"), wide), style));
            spans.push(Span::styled("│ ", base));
            spans.push(Span::styled(" ".repeat(cols.state), base));
        }
        Side::Server => {
            spans.push(Span::styled(" ".repeat(cols.state), base));
            spans.push(Span::styled("│", base));
            spans.push(Span::styled(
                fit_right(&format!("{text}  "), wide + 1),
                style,
            ));
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_column_shows_where_the_arrow_keeps_room_and_is_dropped_first() {
        let wide = Cols::new(78, 12, 2.004);
        assert_eq!(wide.time, "2.004".len() + 1);
        assert!(wide.arrow >= ARROW_BEFORE_TIME);
        assert_eq!(wide.gutter, "12".len() + 2 + wide.time);
        let narrow = Cols::new(60, 12, 2.004);
        assert_eq!(narrow.time, 0, "the arrow keeps its room before the time");
        assert_eq!(narrow.gutter, "12".len() + 2);
        assert_eq!(time_text(1234.5), "1234.500");
    }
}
