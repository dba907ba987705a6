//! The pieces of the streamed `--print` ladder and `--json` document, each
//! in exactly the bytes the whole-capture renderers give (the JSON pieces
//! are serde_json's pretty printing, indented to their depth).

use std::io::Write;

use serde::Serialize;

use crate::conversation::datagram::Flow;
use crate::conversation::{Connection, Skipped};
use crate::i18n::print;
use crate::output::json::{IcmpJson, SegmentJson, TransitionJson};
use crate::output::{self, text_ladder};
use crate::state::TcpState;

use super::{Format, Options, Plan};

/// `v` pretty-printed, every line after the first indented by `indent`
/// spaces: its text at that depth of the document.
fn pretty<T: Serialize>(out: &mut Vec<u8>, v: &T, indent: usize) {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    let pad = format!("\n{}", " ".repeat(indent));
    out.extend_from_slice(text.replace('\n', &pad).as_bytes());
}

/// `s` as a JSON string.
fn string(out: &mut Vec<u8>, s: &str) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// The `--json` document up to its `"connections": [`.
pub fn json_start(out: &mut Vec<u8>, name: &str, skipped: Skipped, style: &output::Style) {
    out.extend_from_slice(b"{\n  \"file\": ");
    string(out, name);
    let _ = write!(
        out,
        ",\n  \"relative\": {},\n  \"skipped\": ",
        style.relative
    );
    pretty(out, &skipped, 2);
    out.extend_from_slice(b",\n  \"connections\": [");
}

/// A connection's fields before its segments, in the order of
/// [`output::ConnectionJson`].
#[derive(Serialize)]
struct Head<'a> {
    index: usize,
    client: &'a str,
    server: &'a str,
    mid_stream: bool,
    initial_client_state: TcpState,
    initial_server_state: TcpState,
}

/// A connection's opening: its `--print` title and head, or its `--json`
/// object up to `"segments": [`. `later` when another connection came
/// before it.
pub fn conn_start(out: &mut Vec<u8>, conn: &Connection, packets: u64, later: bool, opts: &Options) {
    let style = &opts.style;
    match opts.format {
        Format::Print => {
            if later {
                out.push(b'\n');
            }
            let title = print::connection_header(
                style.lang,
                conn.index(),
                &conn.client().to_string(),
                &conn.server().to_string(),
                Some(packets),
                style.relative,
            );
            let _ = writeln!(out, "{}", text_ladder::paint(&title, "1", style));
            out.extend_from_slice(text_ladder::head(conn, style).as_bytes());
        }
        Format::Json => {
            out.extend_from_slice(if later { b",\n    " } else { b"\n    " });
            let head = Head {
                index: conn.index(),
                client: &conn.client().to_string(),
                server: &conn.server().to_string(),
                mid_stream: conn.mid_stream(),
                initial_client_state: conn.initial[0],
                initial_server_state: conn.initial[1],
            };
            let mut obj = Vec::new();
            pretty(&mut obj, &head, 4);
            // Reopen the object: drop its closing "\n    }".
            obj.truncate(obj.len() - "\n    }".len());
            out.extend_from_slice(&obj);
            out.extend_from_slice(b",\n      \"segments\": [");
        }
    }
}

/// Step `i` (absolute) of `conn`: its `--print` lines, or its `--json`
/// object. `prev` holds the states before it and becomes its own.
pub fn step(
    out: &mut Vec<u8>,
    conn: &Connection,
    i: usize,
    prev: &mut [TcpState; 2],
    opts: &Options,
) {
    let Some(s) = conn.step(i) else {
        return;
    };
    match opts.format {
        Format::Print => {
            out.extend_from_slice(text_ladder::step_lines(conn, i, *prev, &opts.style).as_bytes());
        }
        Format::Json => {
            out.extend_from_slice(if i == 0 {
                b"\n        "
            } else {
                b",\n        "
            });
            pretty(out, &SegmentJson::new(i, s, &opts.style), 8);
        }
    }
    *prev = s.states;
}

/// A connection's closing: nothing for `--print`; for `--json` the end of
/// its segments, its transitions, tunnel note and ICMP events.
pub fn conn_end(out: &mut Vec<u8>, conn: &Connection, tunnel: Option<&str>, opts: &Options) {
    if opts.format == Format::Print {
        return;
    }
    let style = &opts.style;
    let steps = conn.drained() + conn.steps().len();
    out.extend_from_slice(if steps > 0 { b"\n      ]" } else { b"]" });
    out.extend_from_slice(b",\n      \"transitions\": ");
    let transitions: Vec<_> = conn
        .transitions()
        .iter()
        .map(|t| TransitionJson::new(t, style))
        .collect();
    pretty(out, &transitions, 6);
    if let Some(note) = tunnel {
        out.extend_from_slice(b",\n      \"tunnel\": ");
        string(out, note);
    }
    if !conn.icmp().is_empty() {
        out.extend_from_slice(b",\n      \"icmp\": ");
        let icmp: Vec<_> = conn
            .icmp()
            .iter()
            .map(|e| IcmpJson::new(e, style))
            .collect();
        pretty(out, &icmp, 6);
    }
    out.extend_from_slice(b"\n    }");
}

/// After the connections: `--print`'s UDP flow ladders and totals line,
/// or the end of `--json`'s connections, its warnings and flows. `any`
/// when a connection was written.
pub fn finish(out: &mut Vec<u8>, plan: &Plan, flows: &[&Flow], any: bool, opts: &Options) {
    let style = &opts.style;
    match opts.format {
        Format::Print => {
            for (k, f) in flows.iter().enumerate() {
                if any || k > 0 {
                    out.push(b'\n');
                }
                out.extend_from_slice(
                    output::flow_ladder_with(f, style, &|_| Vec::new()).as_bytes(),
                );
            }
            let _ = writeln!(
                out,
                "\n{}",
                print::totals(
                    style.lang,
                    plan.packets.len(),
                    plan.frames,
                    &plan.skipped,
                    flows.len()
                )
            );
        }
        Format::Json => {
            out.extend_from_slice(if any { b"\n  ]" } else { b"]" });
            out.extend_from_slice(b",\n  \"warnings\": ");
            pretty(out, &plan.warnings, 2);
            if !flows.is_empty() {
                out.extend_from_slice(b",\n  \"flows\": ");
                pretty(out, &output::flows_json(flows, style), 2);
            }
            out.extend_from_slice(b"\n}\n");
        }
    }
}
