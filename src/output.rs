//! Exports of the model without a terminal UI: the `--list` table, the
//! `--print` text ladder and the `--json` document, the `--svg` picture and the `--html` page. Each renders into a
//! `String` (or a `serde_json::Value`) so output is byte-stable and tested
//! by snapshots; writing to stdout is the caller's job.

mod datagram;
pub mod figure;
pub mod html;
mod json;
mod ladder;
mod list;
mod svg;

use std::time::Duration;

pub use datagram::{flow_ladder_with, flows_json, flows_list};
pub use json::{ConnectionJson, document, json_text};
pub use ladder::{head as ladder_head, ladder, ladder_with, paint, step_lines as ladder_step};
pub use list::{list, seen_summary};
pub use svg::{SvgOptions, svg};

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
