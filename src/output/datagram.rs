//! UDP flows in the text and JSON outputs: a ladder of datagrams with no
//! state columns (there is no state), the ICMP errors that answered them,
//! and one `--list` row per flow below the connections.
//!
//! ```text
//! flow 0: UDP 127.0.0.2:40000 → 127.0.0.1:16000  (3 datagrams, 23 bytes; no connection, no states)
//!    #     time_s  127.0.0.2:40000                              127.0.0.1:16000
//!    1   0.000000  ─ UDP len=5 ──────────────────────────────────────────▶
//!                ✗ ICMP: port unreachable from 127.0.0.1 (frame 4)
//! ```

use std::fmt::Write;

use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use crate::conversation::Side;
use crate::conversation::datagram::Flow;
use crate::i18n::datagram as dt;

use super::text_ladder::paint;
use super::{Style, secs_since};

/// Width of the arrow: the TCP ladder's arrow and both state columns.
const ARROW: usize = 70;

fn arrow(from: Side, len: u32) -> String {
    let body = format!("─ UDP len={len} ");
    let fill = (ARROW - 2).saturating_sub(body.chars().count());
    match from {
        Side::Client => format!("{body}{}─▶", "─".repeat(fill)),
        Side::Server => format!("◀─{body}{}", "─".repeat(fill)),
    }
}

/// The ladder of one UDP flow, with `before(i)`'s lines (the socket calls
/// of a demo) above datagram `i`.
pub fn flow_ladder_with(
    flow: &Flow,
    style: &Style,
    before: &dyn Fn(usize) -> Vec<String>,
) -> String {
    let mut out = String::new();
    let head = dt::flow_head(
        style.lang,
        flow.index,
        &flow.client.to_string(),
        &flow.server.to_string(),
        flow.total(),
        flow.bytes[0] + flow.bytes[1],
    );
    let _ = writeln!(out, "{}", paint(&head, "1", style));
    let _ = writeln!(out, "{}", dt::flow_note(style.lang));
    let (a, b) = (flow.client.to_string(), flow.server.to_string());
    let gap = ARROW.saturating_sub(a.chars().count() + b.chars().count());
    let time = crate::i18n::print_text(style.lang, crate::i18n::PrintText::Time);
    let _ = writeln!(
        out,
        "{:>4} {}{time}  {a}{}{b}",
        "#",
        " ".repeat(10usize.saturating_sub(time.width())),
        " ".repeat(gap)
    );
    let icmp_lines = |out: &mut String, i: usize| {
        for e in flow.icmp_after(i) {
            let text = format!(
                "{:>17}{}",
                "✗ ",
                crate::i18n::icmp_datagram(
                    style.lang,
                    &e.error.kind,
                    e.error.reporter,
                    e.error.frame.number,
                    (e.error.quoted_src, e.error.quoted_dst)
                )
            );
            let _ = writeln!(out, "{}", paint(&text, "31", style));
        }
    };
    for (i, d) in flow.datagrams.iter().enumerate() {
        for line in before(i) {
            let _ = writeln!(out, "{}", paint(&line, "32", style));
        }
        let _ = writeln!(
            out,
            "{:>4} {:>10.6}  {}",
            i + 1,
            secs_since(d.ts, style.origin),
            arrow(d.from, d.len)
        );
        icmp_lines(&mut out, i);
    }
    if flow.datagrams.len() < flow.total() as usize {
        let _ = writeln!(
            out,
            "{}",
            dt::more_not_kept(style.lang, flow.total() as usize - flow.datagrams.len())
        );
    }
    out
}

/// The `--list` rows of the flows, under the connections' table.
pub fn flows_list(flows: &[&Flow], style: &Style) -> String {
    let mut out = format!("\n{}\n", dt::flows_title(style.lang));
    let rows: Vec<[String; 6]> = flows
        .iter()
        .map(|f| {
            [
                f.index.to_string(),
                f.client.to_string(),
                f.server.to_string(),
                f.total().to_string(),
                (f.bytes[0] + f.bytes[1]).to_string(),
                format!(
                    "{:.6}",
                    secs_since(f.last_ts, style.origin) - secs_since(f.first_ts, style.origin)
                ),
            ]
        })
        .collect();
    let cols = dt::flows_columns(style.lang);
    let head = [cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]];
    let mut width = head.map(UnicodeWidthStr::width);
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut line = |cells: [&str; 6], icmp: &str| {
        let mut l = String::new();
        for (i, (c, w)) in cells.iter().zip(width).enumerate() {
            // Padded by display width: a Chinese heading is two columns a character.
            let pad = " ".repeat(w.saturating_sub(c.width()));
            if i >= 3 {
                let _ = write!(l, "{pad}{c}  ");
            } else {
                let _ = write!(l, "{c}{pad}  ");
            }
        }
        l.push_str(icmp);
        let _ = writeln!(out, "{}", l.trim_end());
    };
    line(head, cols[6]);
    for (r, f) in rows.iter().zip(flows) {
        let icmp: Vec<String> = f
            .icmp
            .iter()
            .map(|e| crate::i18n::icmp_kind(style.lang, &e.error.kind))
            .collect();
        line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]], &icmp.join("; "));
    }
    out
}

/// The flows as JSON values for the `"flows"` array of the document.
pub fn flows_json(flows: &[&Flow], style: &Style) -> Value {
    Value::Array(
        flows
            .iter()
            .map(|f| {
                let datagrams: Vec<Value> = f
                    .datagrams
                    .iter()
                    .enumerate()
                    .map(|(i, d)| {
                        json!({
                            "index": i,
                            "frame": d.frame.number,
                            "time": secs_since(d.ts, style.origin),
                            "from": d.from.to_string(),
                            "len": d.len,
                        })
                    })
                    .collect();
                let icmp: Vec<Value> = f
                    .icmp
                    .iter()
                    .map(|e| {
                        json!({
                            "after": e.after,
                            "frame": e.error.frame.number,
                            "time": secs_since(e.error.ts, style.origin),
                            "reporter": e.error.reporter.to_string(),
                            "text": e.error.kind.to_string(),
                            "quoted_src": e.error.quoted_src.to_string(),
                            "quoted_dst": e.error.quoted_dst.to_string(),
                        })
                    })
                    .collect();
                json!({
                    "index": f.index,
                    "protocol": "udp",
                    "client": f.client.to_string(),
                    "server": f.server.to_string(),
                    "datagrams_count": f.total(),
                    "bytes": f.bytes[0] + f.bytes[1],
                    "datagrams": datagrams,
                    "icmp": icmp,
                })
            })
            .collect(),
    )
}
