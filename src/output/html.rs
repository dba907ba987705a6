//! `--html FILE`: the walk as one self-contained HTML page for a course
//! page or a phone. Inline CSS and JavaScript (`html/page.css`,
//! `html/page.js`), no network: it works from `file://`.
//!
//! The page embeds, each in its own element:
//! * `#synack-doc`: the model's output, the very document `--json` prints
//!   (same function, same text), so the page and `--json` cannot disagree.
//!   The script reads states, segments, transitions, calls and the kernel's
//!   verdict from it and from nothing else.
//! * `#synack-view`: the words, per language: the explanation of every
//!   position of the walk (the TUI's own sentences, [`crate::explain::notes`]),
//!   the band names and the page's labels.
//! * one `<template>` per connection and language holding the `--svg`
//!   ladder with each step in a `data-step` group, and the RFC 9293 state
//!   diagram (`html/diagram.rs`).
//!
//! Positions of the walk are numbered like the TUI's: `#step=0` before the
//! first segment, `#step=N` after segment N (1-based), so `#step=N` shows
//! the states of `segments[N-1]` of the document. The ids `client-state`
//! and `server-state` hold the two endpoints' states: tests read them.

mod diagram;

use std::fmt::Write;

use serde_json::{Map, Value, json};

use crate::conversation::{Connection, Skipped};
use crate::explain::{Numbers, notes};
use crate::i18n::{FigureText, Lang, Text, figure_text};

use super::figure::{self, Marks};
use super::svg::{SvgOptions, band_name, esc, svg};
use super::{Style, document, json_text};

const TEMPLATE: &str = include_str!("html/page.html");
const CSS: &str = include_str!("html/page.css");
const JS: &str = include_str!("html/page.js");

/// Segments one page holds at most: every segment is in the embedded
/// document and in each language's ladder (about 2 KB in all), and a page
/// of hundreds of megabytes opens in no browser.
pub const MAX_SEGMENTS: u64 = 50_000;

/// Whether the page of connection `conn` (all when `None`) of a capture
/// read with summaries only (`first`) stays within [`MAX_SEGMENTS`]; the
/// error says what to do instead. Checked before the capture is read
/// whole, so a huge one is refused before it fills memory.
pub fn fits(first: &crate::replay::Replay, conn: Option<usize>) -> Result<(), String> {
    let conns = first.connections();
    let segments: u64 = match conn {
        Some(n) => conns.get(n).map_or(0, |c| c.packets()),
        None => conns.iter().map(|c| c.packets()).sum(),
    };
    if segments <= MAX_SEGMENTS {
        return Ok(());
    }
    let what = match (conn, conns.len()) {
        (Some(n), _) => format!("connection {n} has"),
        (None, 1) => "connection 0 has".to_string(),
        (None, n) => format!("{n} connections have"),
    };
    Err(format!(
        "{what} {segments} segments; one page holds at most {MAX_SEGMENTS}: pick one connection with --conn N (see --list), or use --print, --json or --svg --from/--to"
    ))
}

/// The page for `conns` of capture `file` (a replay).
pub fn page(
    file: &str,
    conns: &[&Connection],
    skipped: Skipped,
    style: &Style,
    lang: Lang,
    marks: Option<&[Marks]>,
) -> String {
    let doc = document(file, conns.iter().copied(), skipped, style);
    page_with(&doc, conns, style, lang, marks)
}

/// The page embedding `doc` (the `--json` document of `conns`, possibly
/// with the demo's calls and kernel fields) with `marks` drawn in the
/// ladders.
pub fn page_with(
    doc: &Value,
    conns: &[&Connection],
    style: &Style,
    lang: Lang,
    marks: Option<&[Marks]>,
) -> String {
    let langs = [Lang::En, Lang::Zh];
    let mut templates = String::new();
    let mut views = Vec::new();
    for (k, conn) in conns.iter().enumerate() {
        // The page lists the calls in their own panel: the ladder keeps
        // only the kernel's verdict, and stays narrow enough to read.
        let m = marks.and_then(|m| m.get(k)).map(|m| Marks {
            calls: Vec::new(),
            kernel: m.kernel,
        });
        for l in langs {
            let opt = SvgOptions {
                lang: l,
                relative: style.relative,
                time_scale: false,
                marks: m.as_ref(),
                steps: true,
                window: None,
            };
            let _ = writeln!(
                templates,
                r#"<template id="ladder-{k}-{}">{}</template>"#,
                code(l),
                svg(conn, &opt).trim_end()
            );
        }
        views.push(conn_view(conn, style));
    }
    let text: Map<String, Value> = langs
        .into_iter()
        .map(|l| (code(l).to_string(), page_text(l)))
        .collect();
    let view = json!({ "lang": code(lang), "text": text, "conns": views });
    let title = match doc.get("file").and_then(Value::as_str) {
        Some(f) => format!("synack · {f}"),
        None => "synack".to_string(),
    };
    fill(
        TEMPLATE,
        &[
            ("LANG", if lang == Lang::Zh { "zh-Hans" } else { "en" }),
            ("TITLE", &esc(&title)),
            ("CSS", CSS),
            ("DIAGRAM", &diagram::svg()),
            ("TEMPLATES", &templates),
            ("DOC", &script_safe(&json_text(doc))),
            ("VIEW", &script_safe(&view.to_string())),
            ("JS", JS),
        ],
    )
}

/// `en` or `zh`.
fn code(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// Replaces each `{{NAME}}` of `template` once, in one pass, so a value is
/// never scanned for markers itself.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + len];
        out.push_str(&rest[..start]);
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// JSON text made safe inside `<script>`: `</` and `<!--` can only occur
/// inside strings, where `\/` and `\u003c` mean the same characters.
fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/").replace("<!--", "\\u003c!--")
}

/// The words of one connection's walk in every language: band names and,
/// for each position 0..=n, the explanation's three parts.
fn conn_view(conn: &Connection, style: &Style) -> Value {
    let numbers = if style.relative {
        Numbers::Relative
    } else {
        Numbers::Absolute
    };
    let all: Vec<_> = (0..=conn.steps().len())
        .map(|pos| notes(conn, pos, numbers))
        .collect();
    let bands: Vec<Value> = figure::bands(conn)
        .iter()
        .map(|b| {
            let name: Map<String, Value> = [Lang::En, Lang::Zh]
                .into_iter()
                .map(|l| (code(l).to_string(), json!(band_name(l, b.kind))))
                .collect();
            json!({ "first": b.first, "last": b.last, "name": name })
        })
        .collect();
    let explain: Map<String, Value> = [Lang::En, Lang::Zh]
        .into_iter()
        .map(|l| {
            let s = l.strings();
            let per_pos: Vec<Value> = all
                .iter()
                .map(|n| {
                    json!([
                        n.what.iter().map(|x| s.note(x)).collect::<Vec<_>>(),
                        n.changes.iter().map(|x| s.note(x)).collect::<Vec<_>>(),
                        n.calls.iter().map(|x| s.call(x)).collect::<Vec<_>>(),
                    ])
                })
                .collect();
            (code(l).to_string(), json!(per_pos))
        })
        .collect();
    let lost: Vec<usize> = figure::lost(conn)
        .iter()
        .enumerate()
        .filter_map(|(i, &l)| l.then_some(i))
        .collect();
    json!({ "bands": bands, "explain": explain, "lost": lost })
}

/// The page's own labels in `lang`, keyed as the page's `data-t`
/// attributes name them.
fn page_text(lang: Lang) -> Value {
    let s = lang.strings();
    let f = |t| figure_text(lang, t);
    let mut text = json!({
        "client": s.side(crate::conversation::Side::Client),
        "server": s.side(crate::conversation::Side::Server),
        "connection": s.text(Text::Connection),
        "step": s.text(Text::Step),
        "start": s.text(Text::Start),
        "explain": s.text(Text::ExplainTitle),
        "what": s.text(Text::WhatHappens),
        "changes": s.text(Text::StateChanges),
        "calls": s.text(Text::SocketCalls),
        "diagram": s.text(Text::DiagramTitle),
        "legend": s.text(Text::DiagramLegend),
        "dark": s.text(Text::ThemeDark),
        "light": s.text(Text::ThemeLight),
        "projector": s.text(Text::ThemeProjector),
        "prev": f(FigureText::Prev),
        "next": f(FigureText::Next),
        "first": f(FigureText::First),
        "last": f(FigureText::Last),
        "language": f(FigureText::Language),
        "theme": f(FigureText::Theme),
        "keys": f(FigureText::KeysHint),
        "kernel": f(FigureText::Kernel),
        "nokernel": f(FigureText::NoKernel),
        "code": f(FigureText::Calls),
        "ladder": f(FigureText::Ladder),
        "agrees": f(FigureText::KernelAgrees),
        "disagrees": f(FigureText::KernelDisagrees),
        "handover": f(FigureText::KernelHandOver),
    });
    for label in diagram::labels() {
        text[format!("edge:{label}")] = json!(crate::i18n::edge_label(lang, label));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_each_marker_once_without_rescanning_values() {
        let out = fill("a{{X}}b{{Y}}c{{Z}}", &[("X", "{{Y}}"), ("Y", "2")]);
        assert_eq!(out, "a{{Y}}b2c{{Z}}");
    }

    #[test]
    fn script_safe_json_parses_to_the_same_value() {
        let v = json!({"file": "</script><!-- x"});
        let text = script_safe(&v.to_string());
        assert!(!text.contains("</") && !text.contains("<!--"));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }

    /// The page's text and code faces are the SVG's: one CJK stack.
    #[test]
    fn the_page_css_names_every_font_of_the_svg_stacks() {
        let css = include_str!("html/page.css");
        let css = css.split_whitespace().collect::<Vec<_>>().join(" ");
        for family in super::super::svg::FONT
            .split(", ")
            .chain(super::super::svg::MONO.split(", "))
        {
            assert!(css.contains(family), "{family} missing in page.css");
        }
    }
}
