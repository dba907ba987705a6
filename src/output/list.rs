//! `synack replay FILE --list`: one line per connection.

use std::fmt::Write;

use crate::conversation::{Connection, Seen};

use super::Style;
use crate::i18n::{Lang, PrintText, print_text};
use unicode_width::UnicodeWidthStr;

/// What was seen of a connection, in a few words: `handshake data→ data←
/// FIN→ FIN← RST` (→ from the client, ← from the server).
pub fn seen_summary(seen: &Seen, mid_stream: bool) -> String {
    seen_summary_in(seen, mid_stream, Lang::En)
}

/// [`seen_summary`] in `lang` (flags stay protocol notation).
pub fn seen_summary_in(seen: &Seen, mid_stream: bool, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    let word = |t| print_text(lang, t).to_string();
    if mid_stream {
        parts.push(word(PrintText::MidStream));
    } else if seen.handshake {
        parts.push(word(PrintText::Handshake));
    } else if seen.syn {
        parts.push(if seen.syn_ack { "SYN SYN-ACK" } else { "SYN" }.to_string());
    }
    if seen.data_from_client > 0 {
        parts.push(format!("{}→", word(PrintText::Data)));
    }
    if seen.data_from_server > 0 {
        parts.push(format!("{}←", word(PrintText::Data)));
    }
    if seen.fin_from_client {
        parts.push("FIN→".to_string());
    }
    if seen.fin_from_server {
        parts.push("FIN←".to_string());
    }
    if seen.rst {
        parts.push("RST".to_string());
    }
    parts.join(" ")
}

/// The `--list` table.
pub fn list(conns: &[&Connection], style: &Style) -> String {
    const COLS: usize = 8;
    let lang = style.lang;
    let head: [&str; COLS] = [
        "#",
        print_text(lang, PrintText::Client),
        print_text(lang, PrintText::Server),
        print_text(lang, PrintText::Packets),
        print_text(lang, PrintText::Bytes),
        print_text(lang, PrintText::Duration),
        print_text(lang, PrintText::Seen),
        print_text(lang, PrintText::Final),
    ];
    // One string per row with the cells back to back, and their ends: a
    // table of 100,000 connections costs 100,000 allocations, not 800,000.
    let mut rows: Vec<(String, [usize; COLS])> = Vec::with_capacity(conns.len());
    let mut width: [usize; COLS] = head.map(|h| h.width());
    for c in conns {
        let mut text = String::with_capacity(96);
        let mut ends = [0usize; COLS];
        for (i, end) in ends.iter_mut().enumerate() {
            let before = text.len();
            let _ = match i {
                0 => write!(text, "{}", c.index),
                1 => write!(text, "{}", c.client),
                2 => write!(text, "{}", c.server),
                3 => write!(text, "{}", c.packets),
                4 => write!(text, "{}", c.bytes),
                5 => write!(text, "{:.6}", c.duration().as_secs_f64()),
                6 => write!(text, "{}", seen_summary_in(&c.seen, c.mid_stream, lang)),
                _ => write!(text, "{} / {}", c.current[0], c.current[1]),
            };
            *end = text.len();
            width[i] = width[i].max(text[before..].width());
        }
        rows.push((text, ends));
    }
    let mut out = String::with_capacity((rows.len() + 1) * (width.iter().sum::<usize>() + 16));
    let line = |out: &mut String, cells: [&str; COLS]| {
        let start = out.len();
        for (i, cell) in cells.iter().enumerate() {
            let pad = width[i].saturating_sub(cell.width());
            if i > 0 {
                out.push_str("  ");
            }
            if matches!(i, 0 | 3 | 4 | 5) {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let trimmed = out[start..].trim_end().len();
        out.truncate(start + trimmed);
        out.push('\n');
    };
    if style.color {
        out.push_str("\x1b[1m");
        line(&mut out, head);
        out.pop();
        out.push_str("\x1b[0m\n");
    } else {
        line(&mut out, head);
    }
    for (text, ends) in &rows {
        let mut cells = [""; COLS];
        let mut start = 0;
        for (cell, &end) in cells.iter_mut().zip(ends) {
            *cell = &text[start..end];
            start = end;
        }
        line(&mut out, cells);
    }
    out
}
