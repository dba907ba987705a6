//! The text ladder, `synack replay FILE --print`: a ladder diagram, one arrow per
//! segment between the client's and the server's column, both endpoints'
//! states after each segment, and every transition with its RFC cause.
//!
//! ```text
//!   #    time_s  client        10.0.0.1:40000            10.0.0.2:80       server
//!      0.000000  CLOSED                                                     LISTEN
//!   1  0.000000  SYN_SENT      ── SYN seq=0 ───────────────────▶            SYN_RECV
//! ```

use std::fmt::Write;

use crate::conversation::{Connection, Side, Step};
use crate::state::TcpState;

use super::{Style, secs_since};
use crate::i18n::{PrintText, print, print_text};
use unicode_width::UnicodeWidthStr;

/// `s` padded with spaces to `w` display cells (Chinese words are wide).
fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(s.width())))
}

/// `s` right-aligned in `w` display cells.
fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(s.width())))
}

/// Width of the arrow between the two state columns.
const ARROW: usize = 46;
/// Width of a state column.
const STATE: usize = 11;

/// `s` in the ANSI colour `code` when `style.color`, else as it is.
pub fn paint(s: &str, code: &str, style: &Style) -> String {
    if style.color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// The arrow text of one step: flags, seq, ack, len.
pub fn arrow_label(step: &Step, relative: bool) -> String {
    let seg = &step.segment;
    let (seq, ack) = if relative {
        (step.rel_seq, step.rel_ack)
    } else {
        (seg.seq, seg.ack)
    };
    let mut s = format!("{} seq={seq}", seg.flags);
    if seg.flags.ack() {
        let _ = write!(s, " ack={ack}");
    }
    let _ = write!(s, " len={}", seg.payload_len);
    s
}

fn arrow(step: &Step, relative: bool) -> String {
    let label = arrow_label(step, relative);
    let inner = ARROW - 2;
    let body = format!("─ {label} ");
    let fill = inner.saturating_sub(body.chars().count());
    match step.from {
        Side::Client => format!("{body}{}─▶", "─".repeat(fill)),
        Side::Server => format!("◀─{body}{}", "─".repeat(fill)),
    }
}

fn state_cell(state: TcpState, changed: bool, style: &Style) -> String {
    let text = format!("{:<STATE$}", state.name());
    if changed {
        paint(&text, "1;33", style)
    } else {
        text
    }
}

/// The ladder of one connection.
pub fn ladder(conn: &Connection, style: &Style) -> String {
    ladder_with(conn, style, &|_| Vec::new())
}

/// The ladder of one connection, with `before(i)`'s lines (e.g. the socket
/// calls that caused it) printed above step `i`.
pub fn ladder_with(
    conn: &Connection,
    style: &Style,
    before: &dyn Fn(usize) -> Vec<String>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        paint(
            &print::connection_header(
                style.lang,
                conn.index(),
                &conn.client().to_string(),
                &conn.server().to_string(),
                Some(conn.packets()),
                style.relative
            ),
            "1",
            style
        )
    );
    out.push_str(&head(conn, style));
    let mut prev = conn.initial;
    for (i, step) in conn.steps().iter().enumerate() {
        for line in before(i) {
            let _ = writeln!(out, "{}", paint(&line, "32", style));
        }
        out.push_str(&step_lines(conn, i, prev, style));
        prev = step.states;
    }
    out
}

/// The lines between a connection's title and its first step: notes,
/// column heads and both initial states.
pub fn head(conn: &Connection, style: &Style) -> String {
    let mut out = String::new();
    let lang = style.lang;
    if let Some(note) = super::tunnel_note(conn, lang) {
        let _ = writeln!(out, "{}", crate::i18n::print::note(lang, &note));
    }
    if conn.mid_stream() {
        let _ = writeln!(out, "{}", print_text(lang, PrintText::NoteMidStream));
    } else if conn.initial[1] == TcpState::Listen {
        let _ = writeln!(out, "{}", print_text(lang, PrintText::NoteListen));
    }
    let client = conn.client().to_string();
    let server = conn.server().to_string();
    let gap = ARROW.saturating_sub(client.chars().count() + server.chars().count());
    let head = format!(
        "{:>4} {}  {} {client}{}{server} {}",
        "#",
        pad_left(print_text(lang, PrintText::Time), 10),
        pad(print_text(lang, PrintText::Client), STATE),
        " ".repeat(gap),
        pad(print_text(lang, PrintText::Server), STATE)
    );
    let _ = writeln!(out, "{}", head.trim_end());
    let _ = writeln!(
        out,
        "{:>4} {:>10}  {:<STATE$} {:ARROW$} {}",
        "",
        "",
        conn.initial[0].name(),
        "",
        conn.initial[1].name()
    );
    out
}

/// Step `i`'s line and the lines of the transitions that took effect at
/// it; `prev` are the states before it (changed states are highlighted).
pub fn step_lines(conn: &Connection, i: usize, prev: [TcpState; 2], style: &Style) -> String {
    let mut out = String::new();
    let Some(step) = conn.step(i) else {
        return out;
    };
    let lang = style.lang;
    let labels: Vec<String> = std::iter::once(print::role(lang, step.role).to_string())
        .chain(step.labels.iter().map(|&l| print::label(lang, l)))
        .collect();
    let line = format!(
        "{:>4} {:>10.6}  {} {} {} [{}]",
        i + 1,
        secs_since(step.segment.ts, style.origin),
        state_cell(step.states[0], step.states[0] != prev[0], style),
        arrow(step, style.relative),
        state_cell(step.states[1], step.states[1] != prev[1], style),
        labels.join(", ")
    );
    let _ = writeln!(out, "{}", line.trim_end());
    for t in conn.transitions_at(i) {
        let mut text = format!(
            "{:>17}{} {} → {}: {} (RFC 9293 §{})",
            "↳ ",
            print::side(lang, t.endpoint),
            t.from.name(),
            t.to.name(),
            print::cause(lang, t.cause),
            t.cause.rfc_section()
        );
        if t.segment != t.step {
            text.push_str(&print::took_effect(lang, t.segment + 1));
        }
        let _ = writeln!(out, "{}", paint(&text, "36", style));
    }
    if let Some(note) = step
        .segment
        .ip
        .carried
        .as_ref()
        .and_then(|c| crate::i18n::reassembly_note(style.lang, c))
    {
        let _ = writeln!(out, "{:>17}{note}", "↳ ");
    }
    for e in conn.icmp_after(i) {
        let text = format!("{:>17}{}", "⚠ ", super::icmp_text(e, style.lang));
        let _ = writeln!(out, "{}", paint(&text, "31", style));
    }
    out
}
