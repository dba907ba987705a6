//! `synack replay FILE --list`: one line per connection.

use std::fmt::Write;

use crate::conversation::{Connection, Seen};

use super::Style;

/// What was seen of a connection, in a few words: `handshake data→ data←
/// FIN→ FIN← RST` (→ from the client, ← from the server).
pub fn seen_summary(seen: &Seen, mid_stream: bool) -> String {
    let mut parts = Vec::new();
    if mid_stream {
        parts.push("mid-stream");
    } else if seen.handshake {
        parts.push("handshake");
    } else if seen.syn {
        parts.push(if seen.syn_ack { "SYN SYN-ACK" } else { "SYN" });
    }
    if seen.data_from_client > 0 {
        parts.push("data→");
    }
    if seen.data_from_server > 0 {
        parts.push("data←");
    }
    if seen.fin_from_client {
        parts.push("FIN→");
    }
    if seen.fin_from_server {
        parts.push("FIN←");
    }
    if seen.rst {
        parts.push("RST");
    }
    parts.join(" ")
}

/// The `--list` table.
pub fn list(conns: &[&Connection], style: &Style) -> String {
    let mut out = String::new();
    let rows: Vec<[String; 8]> = conns
        .iter()
        .map(|c| {
            [
                c.index.to_string(),
                c.client.to_string(),
                c.server.to_string(),
                c.packets.to_string(),
                c.bytes.to_string(),
                format!("{:.6}", c.duration().as_secs_f64()),
                seen_summary(&c.seen, c.mid_stream),
                format!("{} / {}", c.current[0], c.current[1]),
            ]
        })
        .collect();
    let head = [
        "#",
        "client",
        "server",
        "packets",
        "bytes",
        "duration_s",
        "seen",
        "final client / server",
    ];
    let mut width: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: &[&str]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = width[i].saturating_sub(cell.chars().count());
            let right = matches!(i, 0 | 3 | 4 | 5);
            if i > 0 {
                l.push_str("  ");
            }
            if right {
                l.push_str(&" ".repeat(pad));
                l.push_str(cell);
            } else {
                l.push_str(cell);
                if i + 1 < cells.len() {
                    l.push_str(&" ".repeat(pad));
                }
            }
        }
        let _ = writeln!(out, "{}", l.trim_end());
    };
    let head_line = {
        let mut s = String::new();
        line(&mut s, &head);
        s
    };
    if style.color {
        let _ = writeln!(out, "\x1b[1m{}\x1b[0m", head_line.trim_end());
    } else {
        out.push_str(&head_line);
    }
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        line(&mut out, &cells);
    }
    out
}
