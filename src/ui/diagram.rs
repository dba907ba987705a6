//! The TCP state diagram panel (RFC 9293 §3.3.2, Figure 5, simplified):
//! the states as boxes drawn with box-drawing characters and the main edges
//! labelled with their events. Each endpoint's current state is a whole
//! box in reverse video in its colour with "client" / "server" written on
//! its edge (legible from the back of a room), and the edges taken at the
//! current step are marked with `»` and reversed video, so nothing depends
//! on colour alone. Narrower than the art, the panel lists the states one
//! per row instead. Reads the App, changes nothing.
//!
//! The edge labels are RFC 9293's notation (`rcv SYN/snd SYN,ACK`); in
//! Chinese `rcv`/`snd` read 收/发 (`收 SYN/发 SYN,ACK`), each label padded
//! to the cells of the English one so the art keeps its shape. State names
//! stay as they are.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use crate::conversation::{Connection, Side};
use crate::i18n::{Lang, Text};
use crate::state::TcpState;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The diagram.
const ART: [&str; 18] = [
    "┌────────┐ listen()  ┌────────┐  connect()/snd SYN    ┌──────────┐",
    "│ LISTEN │◄──────────┤ CLOSED ├──────────────────────►│ SYN_SENT │",
    "└───┬────┘           └────────┘                       └─────┬────┘",
    "    ▼ rcv SYN/snd SYN,ACK                                   │ rcv SYN,ACK",
    "┌──────────┐ rcv ACK of SYN                                 │ snd ACK",
    "│ SYN_RECV ├───────┐                                        │",
    "└──────────┘       ▼                                        ▼",
    "   ┌───────────────────────────────────────────────────────────────┐",
    "   │                         ESTABLISHED                           │",
    "   └──┬─────────────────────────────────────────────────────────┬──┘",
    "      ▼ close()/snd FIN                         rcv FIN/snd ACK ▼",
    "┌───────────┐ rcv FIN ┌─────────┐                        ┌────────────┐",
    "│ FIN_WAIT1 ├────────►│ CLOSING │                        │ CLOSE_WAIT │",
    "└─────┬─────┘ snd ACK └────┬────┘                        └──────┬─────┘",
    "      ▼ rcv ACK of FIN     ▼ rcv ACK of FIN     close()/snd FIN ▼",
    "┌───────────┐rcv FIN ┌───────────┐ 2MSL  ┌────────┐rcv ACK ┌──────────┐",
    "│ FIN_WAIT2 ├───────►│ TIME_WAIT ├──────►│ CLOSED │◄───────┤ LAST_ACK │",
    "└───────────┘snd ACK └───────────┘       └────────┘of FIN  └──────────┘",
];

/// Columns of the widest art row.
const ART_WIDTH: usize = 73;

/// Columns the panel needs: the widest art row and the borders.
pub const WIDTH: u16 = ART_WIDTH as u16 + 3;

/// Rows the panel needs: the art, a legend line and the borders.
pub const HEIGHT: u16 = ART.len() as u16 + 3;

/// On a screen too low for the diagram beside the other panels, the
/// diagram takes the rows it needs from the top of `body` (whole at 80×24)
/// and leaves the rest, when 3 rows or more, to one other panel.
pub fn take_rows(body: Rect) -> (Rect, Option<Rect>) {
    let h = HEIGHT.min(body.height);
    let diagram = Rect { height: h, ..body };
    let rest = body.height - h;
    let other = (rest >= 3).then(|| Rect {
        y: body.y + h,
        height: rest,
        ..body
    });
    (diagram, other)
}

/// Where each state's name is written: `(state, row, name)`. CLOSED appears
/// twice: at the top (never opened) and at the bottom (closed after use).
const BOXES: [(TcpState, usize, &str); 12] = [
    (TcpState::Listen, 1, "LISTEN"),
    (TcpState::Closed, 1, "CLOSED"),
    (TcpState::SynSent, 1, "SYN_SENT"),
    (TcpState::SynReceived, 5, "SYN_RECV"),
    (TcpState::Established, 8, "ESTABLISHED"),
    (TcpState::FinWait1, 12, "FIN_WAIT1"),
    (TcpState::Closing, 12, "CLOSING"),
    (TcpState::CloseWait, 12, "CLOSE_WAIT"),
    (TcpState::FinWait2, 16, "FIN_WAIT2"),
    (TcpState::TimeWait, 16, "TIME_WAIT"),
    (TcpState::Closed, 16, "CLOSED"),
    (TcpState::LastAck, 16, "LAST_ACK"),
];

/// The edges: `(from, to, row, first column to search from, label)`.
const EDGES: [(TcpState, TcpState, usize, usize, &str); 13] = [
    (TcpState::Closed, TcpState::Listen, 0, 0, "listen()"),
    (
        TcpState::Closed,
        TcpState::SynSent,
        0,
        0,
        "connect()/snd SYN",
    ),
    (
        TcpState::Listen,
        TcpState::SynReceived,
        3,
        0,
        "rcv SYN/snd SYN,ACK",
    ),
    (
        TcpState::SynSent,
        TcpState::Established,
        3,
        0,
        "rcv SYN,ACK",
    ),
    (
        TcpState::SynReceived,
        TcpState::Established,
        4,
        0,
        "rcv ACK of SYN",
    ),
    (
        TcpState::Established,
        TcpState::FinWait1,
        10,
        0,
        "close()/snd FIN",
    ),
    (
        TcpState::Established,
        TcpState::CloseWait,
        10,
        0,
        "rcv FIN/snd ACK",
    ),
    (TcpState::FinWait1, TcpState::Closing, 11, 0, "rcv FIN"),
    (
        TcpState::FinWait1,
        TcpState::FinWait2,
        14,
        0,
        "rcv ACK of FIN",
    ),
    (
        TcpState::Closing,
        TcpState::TimeWait,
        14,
        20,
        "rcv ACK of FIN",
    ),
    (
        TcpState::CloseWait,
        TcpState::LastAck,
        14,
        0,
        "close()/snd FIN",
    ),
    (TcpState::FinWait2, TcpState::TimeWait, 15, 0, "rcv FIN"),
    (TcpState::TimeWait, TcpState::Closed, 15, 0, "2MSL"),
];

/// The LAST_ACK → CLOSED edge (its label sits right of CLOSED's box).
const LAST_ACK_EDGE: (usize, usize, &str) = (15, 40, "rcv ACK");

/// A grid cell covered by the wide character on its left (drawn as nothing).
const COVERED: char = '\0';

/// The labels of the art in Chinese, longest English first (so a whole
/// label is replaced before the shorter ones it contains). The LAST_ACK
/// edge's label is split over two rows: `rcv ACK` / `of FIN` become
/// `收 FIN` / `的 ACK`.
const ZH_LABELS: [(&str, &str); 11] = [
    ("rcv SYN/snd SYN,ACK", "收 SYN/发 SYN,ACK"),
    ("connect()/snd SYN", "connect()/发 SYN"),
    ("close()/snd FIN", "close()/发 FIN"),
    ("rcv FIN/snd ACK", "收 FIN/发 ACK"),
    ("rcv ACK of SYN", "收 SYN 的 ACK"),
    ("rcv ACK of FIN", "收 FIN 的 ACK"),
    ("rcv SYN,ACK", "收 SYN,ACK"),
    ("rcv FIN", "收 FIN"),
    ("snd ACK", "发 ACK"),
    ("rcv ACK", "收 FIN"),
    ("of FIN", "的 ACK"),
];

/// A label as grid cells in `lang`: a wide character then [`COVERED`],
/// padded with blanks to the cells of the English label.
fn cells(lang: Lang, en: &str) -> Vec<char> {
    let text = match lang {
        Lang::En => en,
        Lang::Zh => ZH_LABELS.iter().find(|l| l.0 == en).map_or(en, |l| l.1),
    };
    let mut out = Vec::new();
    for ch in text.chars() {
        out.push(ch);
        if ch.width() == Some(2) {
            out.push(COVERED);
        }
    }
    while out.len() < en.chars().count() {
        out.push(' ');
    }
    out
}

/// The label of an edge for the narrow list, in `lang` (the LAST_ACK
/// edge's whole label).
fn list_label(lang: Lang, en: &str) -> String {
    let en = if en == LAST_ACK_EDGE.2 {
        "rcv ACK of FIN"
    } else {
        en
    };
    let cells = cells(lang, en);
    let text: String = cells.into_iter().filter(|&c| c != COVERED).collect();
    text.trim_end().to_string()
}

fn grid(lang: Lang) -> Vec<Vec<char>> {
    let mut g: Vec<Vec<char>> = ART.iter().map(|r| r.chars().collect()).collect();
    if lang == Lang::Zh {
        for row in 0..g.len() {
            for (en, _) in ZH_LABELS {
                let from: Vec<char> = en.chars().collect();
                while let Some(c) = find(&g, row, 0, &from) {
                    let to = cells(lang, en);
                    g[row][c..c + to.len()].copy_from_slice(&to);
                }
            }
        }
    }
    g
}

/// Column of the cells `t` in `row` at or after `from`.
fn find(g: &[Vec<char>], row: usize, from: usize, t: &[char]) -> Option<usize> {
    let r = &g[row];
    (from..r.len().saturating_sub(t.len() - 1)).find(|&c| r[c..c + t.len()] == t[..])
}

/// `(row, left border column, right border column)` of the box of `state`;
/// `bottom` picks the lower CLOSED.
fn box_of(g: &[Vec<char>], state: TcpState, bottom: bool) -> Option<(usize, usize, usize)> {
    let &(_, row, name) = BOXES
        .iter()
        .filter(|b| b.0 == state)
        .nth(usize::from(state == TcpState::Closed && bottom))?;
    let c = find(g, row, 0, &name.chars().collect::<Vec<_>>())?;
    let wall = |ch: char| matches!(ch, '│' | '├' | '┤');
    let left = (0..c).rev().find(|&i| wall(g[row][i]))?;
    let right = (c + name.len()..g[row].len()).find(|&i| wall(g[row][i]))?;
    Some((row, left, right))
}

/// Whether `side` has changed state by step `cur` (picks the lower CLOSED).
fn has_moved(conn: &Connection, side: Side, cur: Option<usize>) -> bool {
    cur.is_some_and(|c| {
        conn.transitions()
            .iter()
            .any(|t| t.endpoint == side && t.step <= c)
    })
}

/// Draws the state diagram with both endpoints' current states.
pub fn render(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let block = th.panel(app.t(Text::DiagramTitle));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if usize::from(inner.width) < ART_WIDTH {
        render_list(frame, app, inner);
        return;
    }
    let mut g = grid(app.lang);
    let mut st: Vec<Vec<Style>> = g.iter().map(|r| vec![th.base(); r.len()]).collect();
    let mut lit_rows = Vec::new();

    if let Some(conn) = app.connection() {
        let cur = app.current();
        let states = match app.current_step() {
            Some(s) => s.states,
            None => conn.initial,
        };
        let lit: Vec<(Side, (usize, usize, usize))> = [Side::Client, Side::Server]
            .into_iter()
            .filter_map(|side| {
                let state = states[side.idx()];
                box_of(&g, state, has_moved(conn, side, cur)).map(|b| (side, b))
            })
            .collect();
        let shared = lit.len() == 2 && lit[0].1 == lit[1].1;
        for &(side, (row, l, r)) in &lit {
            lit_rows.push(row);
            // The whole box in reverse video, in the side's colour; when
            // both sides share it, the client has the left half.
            let filled = th
                .side(side)
                .add_modifier(Modifier::BOLD | Modifier::REVERSED);
            let (from, to) = match (shared, side) {
                (false, _) => (l, r),
                (true, Side::Client) => (l, (l + r) / 2),
                (true, Side::Server) => ((l + r) / 2 + 1, r),
            };
            for line in &mut st[row - 1..=row + 1] {
                for cell in &mut line[from..=to] {
                    *cell = filled;
                }
            }
            // Its name on the box's edge: the top one, or the bottom one
            // for the server when the box is shared.
            let edge = if shared && side == Side::Server {
                row + 1
            } else {
                row - 1
            };
            let name = app.s().side(side);
            let room = r - l - 1;
            let mut x = l + 1 + room.saturating_sub(name.width()) / 2;
            for ch in name.chars() {
                let w = ch.width().unwrap_or(1);
                if x + w > r {
                    break;
                }
                g[edge][x] = ch;
                if w == 2 {
                    g[edge][x + 1] = COVERED;
                }
                x += w;
            }
        }
        if let Some(c) = cur {
            for t in conn.transitions_at(c) {
                let edge = EDGES
                    .iter()
                    .find(|e| e.0 == t.from && e.1 == t.to)
                    .map(|e| (e.2, e.3, e.4))
                    .or((t.from == TcpState::LastAck && t.to == TcpState::Closed)
                        .then_some(LAST_ACK_EDGE));
                let Some((row, from, text)) = edge else {
                    continue;
                };
                // The label without its padding.
                let mut label = cells(app.lang, text);
                while label.last() == Some(&' ') {
                    label.pop();
                }
                let Some(x) = find(&g, row, from, &label) else {
                    continue;
                };
                let style = th
                    .side(t.endpoint)
                    .add_modifier(Modifier::REVERSED | Modifier::BOLD);
                for s in &mut st[row][x..x + label.len()] {
                    *s = style;
                }
                let end = x + label.len();
                let mark = if x > 0 && g[row][x - 1] == ' ' {
                    Some((x - 1, '»'))
                } else if g[row].get(end) == Some(&' ') {
                    Some((end, '«'))
                } else {
                    None
                };
                if let Some((mx, c)) = mark {
                    g[row][mx] = c;
                    st[row][mx] = th.side(t.endpoint).add_modifier(Modifier::BOLD);
                }
                lit_rows.push(row);
            }
        }
    }

    // Scroll when the panel is shorter than the art, keeping lit boxes in view.
    let h = usize::from(inner.height.saturating_sub(1));
    let offset = if h >= g.len() {
        0
    } else {
        let low = lit_rows
            .iter()
            .min()
            .copied()
            .unwrap_or(0)
            .saturating_sub(1);
        low.min(g.len() - h)
    };
    let mut lines: Vec<Line> = g
        .iter()
        .zip(&st)
        .skip(offset)
        .take(h)
        .map(|(chars, styles)| {
            let spans: Vec<Span> = chars
                .iter()
                .zip(styles)
                .filter(|(c, _)| **c != COVERED)
                .map(|(c, s)| Span::styled(c.to_string(), *s))
                .collect();
            Line::from(spans)
        })
        .collect();
    lines.push(Line::from(Span::styled(
        app.t(Text::DiagramLegend),
        th.dim(),
    )));
    frame.render_widget(Paragraph::new(lines).style(th.base()), inner);
}

/// The states in the order of a connection's life, for the narrow list.
const ORDER: [TcpState; 11] = [
    TcpState::Closed,
    TcpState::Listen,
    TcpState::SynSent,
    TcpState::SynReceived,
    TcpState::Established,
    TcpState::FinWait1,
    TcpState::FinWait2,
    TcpState::Closing,
    TcpState::TimeWait,
    TcpState::CloseWait,
    TcpState::LastAck,
];

/// The diagram when the art does not fit: one state per row, each side's
/// name in a reversed chip beside its state, and the event of an edge
/// taken at this step beside the state it led to.
fn render_list(frame: &mut Frame, app: &App, inner: Rect) {
    let th = app.theme();
    let mut lines = Vec::new();
    let mut lit = 0;
    if let Some(conn) = app.connection() {
        let states = app.current_step().map_or(conn.initial, |s| s.states);
        let taken: Vec<_> = app
            .current()
            .map(|c| conn.transitions_at(c).collect())
            .unwrap_or_default();
        for (i, &state) in ORDER.iter().enumerate() {
            let mut spans = vec![Span::styled(format!(" {:<12}", state.name()), th.base())];
            for side in [Side::Client, Side::Server] {
                if states[side.idx()] == state {
                    lit = lit.max(i);
                    spans.push(Span::styled(
                        format!(" {} ", app.s().side(side)),
                        th.side(side)
                            .add_modifier(Modifier::BOLD | Modifier::REVERSED),
                    ));
                    spans.push(Span::raw(" "));
                }
            }
            for t in taken.iter().filter(|t| t.to == state) {
                let label = EDGES
                    .iter()
                    .find(|e| e.0 == t.from && e.1 == t.to)
                    .map_or(LAST_ACK_EDGE.2, |e| e.4);
                spans.push(Span::styled(
                    format!("« {}", list_label(app.lang, label)),
                    th.side(t.endpoint).add_modifier(Modifier::BOLD),
                ));
            }
            lines.push(Line::from(spans));
        }
    }
    let h = usize::from(inner.height.saturating_sub(1));
    let skip = (lit + 2)
        .saturating_sub(h)
        .min(lines.len().saturating_sub(h));
    let mut shown: Vec<Line> = lines.into_iter().skip(skip).take(h).collect();
    shown.push(Line::from(Span::styled(
        app.t(Text::DiagramLegend),
        th.dim(),
    )));
    frame.render_widget(Paragraph::new(shown).style(th.base()), inner);
}
