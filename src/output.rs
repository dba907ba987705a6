//! Exports of the model without a terminal UI: the `--list` table, the
//! `--print` text ladder and the `--json` document, the `--svg` picture and the `--html` page. Each renders into a
//! `String` (or a `serde_json::Value`) so output is byte-stable and tested
//! by snapshots; writing to stdout is the caller's job.

mod datagram;
pub mod figure;
pub mod html;
mod json;
mod list;
pub mod stream;
mod svg;
mod text_ladder;
pub use svg::band_name;
pub mod window;

use std::time::Duration;

pub use datagram::{flow_ladder_with, flows_json, flows_list};
pub use json::{ConnectionJson, document, json_text};
pub use list::{list, list_to};
pub use svg::{SvgOptions, svg};
pub use text_ladder::{head as ladder_head, ladder, ladder_with, paint, step_lines as ladder_step};

/// How to print numbers and whether to colour.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Sequence/ack numbers relative to the ISN (true) or absolute.
    pub relative: bool,
    /// ANSI colours (only when stdout is a terminal).
    pub color: bool,
    /// Timestamp of the capture's first packet: times are printed since it.
    pub origin: Duration,
    /// Language of the words (`--lang`); JSON keys and ids stay English.
    pub lang: crate::i18n::Lang,
}

/// Seconds since `origin`, as a float.
pub fn secs_since(ts: Duration, origin: Duration) -> f64 {
    ts.saturating_sub(origin).as_secs_f64()
}

/// The tunnel note of a connection ("inside VXLAN VNI 42, 10.0.0.1 →
/// 10.0.0.2"), from its first segment; `None` when it travelled bare.
pub fn tunnel_note(
    conn: &crate::conversation::Connection,
    lang: crate::i18n::Lang,
) -> Option<String> {
    let carried = conn.steps().first()?.segment.ip.carried.as_ref()?;
    crate::i18n::tunnel_note(lang, carried)
}

/// An ICMP event in words: `ICMP: fragmentation needed, MTU 1400 (frame
/// 6, from 10.1.0.254, quoting segment 4)`.
pub fn icmp_text(e: &crate::conversation::IcmpEvent, lang: crate::i18n::Lang) -> String {
    crate::i18n::icmp_event(
        lang,
        &e.error.kind,
        e.error.frame.number,
        e.error.reporter,
        e.quotes,
    )
}
