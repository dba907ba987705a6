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
    let mut out = Vec::new();
    list_to(&mut out, conns, style).expect("writing to memory");
    String::from_utf8(out).expect("the table is UTF-8")
}

/// Columns of the table.
const COLS: usize = 8;

/// Formats the cells of `c` back to back into `text`, returning their ends.
fn cells(text: &mut String, c: &Connection, lang: crate::i18n::Lang) -> [usize; COLS] {
    text.clear();
    let mut ends = [0usize; COLS];
    for (i, end) in ends.iter_mut().enumerate() {
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
    }
    ends
}

/// Writes the `--list` table to `out` as it goes: a first pass over the
/// connections measures the columns, a second writes each row, so memory
/// does not grow with the table (1,000,000 connections need no 1,000,000
/// strings).
pub fn list_to(
    out: &mut dyn std::io::Write,
    conns: &[&Connection],
    style: &Style,
) -> std::io::Result<()> {
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
    let mut width: [usize; COLS] = head.map(|h| h.width());
    let mut text = String::with_capacity(128);
    for c in conns {
        let ends = cells(&mut text, c, lang);
        let mut start = 0;
        for (w, &end) in width.iter_mut().zip(&ends) {
            *w = (*w).max(text[start..end].width());
            start = end;
        }
    }
    let mut row = String::with_capacity(width.iter().sum::<usize>() + 32);
    let line = |row: &mut String, cells: [&str; COLS]| {
        row.clear();
        for (i, cell) in cells.iter().enumerate() {
            let pad = width[i].saturating_sub(cell.width());
            if i > 0 {
                row.push_str("  ");
            }
            if matches!(i, 0 | 3 | 4 | 5) {
                row.extend(std::iter::repeat_n(' ', pad));
                row.push_str(cell);
            } else {
                row.push_str(cell);
                row.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let trimmed = row.trim_end().len();
        row.truncate(trimmed);
    };
    line(&mut row, head);
    if style.color {
        writeln!(out, "\x1b[1m{row}\x1b[0m")?;
    } else {
        writeln!(out, "{row}")?;
    }
    for c in conns {
        let ends = cells(&mut text, c, lang);
        let mut parts = [""; COLS];
        let mut start = 0;
        for (cell, &end) in parts.iter_mut().zip(&ends) {
            *cell = &text[start..end];
            start = end;
        }
        line(&mut row, parts);
        writeln!(out, "{row}")?;
    }
    Ok(())
}
