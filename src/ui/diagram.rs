//! The TCP state diagram panel (RFC 9293 §3.3.2, Figure 5, simplified):
//! the states as boxes drawn with box-drawing characters and the main edges
//! labelled with their events. Both endpoints' current states are lit in
//! their colours AND marked with the letters C and S (on the box's top edge), and the edges taken
//! at the current step are marked with `»` and reversed video, so nothing
//! depends on colour alone. Reads the App, changes nothing.
//!
//! The edge labels are protocol notation (`rcv SYN/snd SYN,ACK`), the same
//! in every language, like the state names.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use crate::conversation::{Connection, Side};
use crate::i18n::Text;
use crate::state::TcpState;

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

/// Columns the panel needs: the widest art row and the borders.
pub const WIDTH: u16 = 76;

/// Rows the panel needs: the art, a legend line and the borders.
pub const HEIGHT: u16 = ART.len() as u16 + 3;

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

fn grid() -> Vec<Vec<char>> {
    ART.iter().map(|r| r.chars().collect()).collect()
}

/// Column of `text` in `row` at or after `from`.
fn find(g: &[Vec<char>], row: usize, from: usize, text: &str) -> Option<usize> {
    let t: Vec<char> = text.chars().collect();
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
    let c = find(g, row, 0, name)?;
    let wall = |ch: char| matches!(ch, '│' | '├' | '┤');
    let left = (0..c).rev().find(|&i| wall(g[row][i]))?;
    let right = (c + name.len()..g[row].len()).find(|&i| wall(g[row][i]))?;
    Some((row, left, right))
}

/// Whether `side` has changed state by step `cur` (picks the lower CLOSED).
fn has_moved(conn: &Connection, side: Side, cur: Option<usize>) -> bool {
    cur.is_some_and(|c| {
        conn.transitions
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
    let mut g = grid();
    let mut st: Vec<Vec<Style>> = g.iter().map(|r| vec![th.base(); r.len()]).collect();
    let mut lit_rows = Vec::new();

    if let Some(conn) = app.connection() {
        let cur = app.current();
        let states = match app.current_step() {
            Some(s) => s.states,
            None => conn.initial,
        };
        for side in [Side::Client, Side::Server] {
            let state = states[side.idx()];
            let Some((row, l, r)) = box_of(&g, state, has_moved(conn, side, cur)) else {
                continue;
            };
            lit_rows.push(row);
            let colour = th.side(side).add_modifier(Modifier::BOLD);
            for line in &mut st[row - 1..=row + 1] {
                for cell in &mut line[l..=r] {
                    *cell = colour;
                }
            }
            let (x, letter) = match side {
                Side::Client => (l + 1, 'C'),
                Side::Server => (r - 1, 'S'),
            };
            g[row - 1][x] = letter;
            st[row - 1][x] = colour.add_modifier(Modifier::REVERSED);
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
                let Some(x) = find(&g, row, from, text) else {
                    continue;
                };
                let style = th
                    .side(t.endpoint)
                    .add_modifier(Modifier::REVERSED | Modifier::BOLD);
                for s in &mut st[row][x..x + text.chars().count()] {
                    *s = style;
                }
                let end = x + text.chars().count();
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
