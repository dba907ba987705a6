//! Where everything of the SVG ladder goes: the columns, and one vertical
//! pass over bands, calls and segments that gives each its y. Pure
//! geometry: no SVG text is written here.

use crate::conversation::{Connection, Side};

use super::super::figure::{Band, Marks};
use super::super::secs_since;

/// Outer margin.
pub const MARGIN: f64 = 24.0;
/// Width of a state column (outside each timeline).
pub const STATE_W: f64 = 156.0;
/// Width of a socket-call lane (outside each state column).
pub const LANE_W: f64 = 236.0;
/// Width of the time axis (with `--time-scale`).
pub const AXIS_W: f64 = 64.0;
/// Distance between the two timelines.
pub const GAP: f64 = 560.0;
/// Where the timelines begin.
pub const TOP: f64 = 124.0;
/// Vertical distance from one arrow's start to the next (evenly spaced).
pub const ROW: f64 = 60.0;
/// How far an arrow drops while crossing (the segment's transit).
pub const DROP: f64 = 36.0;
/// Height of a band's title strip.
pub const BAND_TITLE: f64 = 34.0;
/// Height of a row holding only socket calls.
pub const CALL_H: f64 = 26.0;
/// Pixels per second with `--time-scale` are chosen so the whole exchange
/// takes this many rows' height (but a row never gets less than [`ROW`]).
const TIME_ROWS: f64 = 2.0;

/// Horizontal positions.
#[derive(Clone, Copy, Debug)]
pub struct Columns {
    /// Client timeline.
    pub client: f64,
    /// Server timeline.
    pub server: f64,
    /// Whole width.
    pub width: f64,
    /// Left edge of the content (after the time axis).
    pub left: f64,
}

impl Columns {
    /// Columns with or without lanes and time axis.
    pub fn new(lanes: bool, axis: bool) -> Columns {
        let lane = if lanes { LANE_W } else { 0.0 };
        let left = MARGIN + if axis { AXIS_W } else { 0.0 };
        let client = left + lane + STATE_W;
        let server = client + GAP;
        Columns {
            client,
            server,
            width: server + STATE_W + lane + MARGIN,
            left,
        }
    }

    /// The timeline of `side`.
    pub fn x(&self, side: Side) -> f64 {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }
}

/// A socket call placed on the page.
#[derive(Clone, Copy, Debug)]
pub struct PlacedCall {
    /// Index into [`Marks::calls`].
    pub call: usize,
    /// Baseline y.
    pub y: f64,
}

/// Vertical positions of everything.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    /// Arrow start of each step.
    pub y0: Vec<f64>,
    /// Band rectangles: `(band index, top, bottom)`.
    pub bands: Vec<(usize, f64, f64)>,
    /// Calls.
    pub calls: Vec<PlacedCall>,
    /// Bottom of the last element.
    pub bottom: f64,
    /// Pixels per second (with `--time-scale`).
    pub per_sec: Option<f64>,
}

/// Lays out `conn`'s steps top to bottom: a band title where a band
/// begins, calls-only rows before the segment they precede, and the step's
/// own row (with the call that caused it beside its start).
pub fn rows(conn: &Connection, bands: &[Band], marks: Option<&Marks>, time_scale: bool) -> Rows {
    let n = conn.steps().len();
    let origin = conn.first_ts();
    let span = secs_since(conn.last_ts(), origin);
    let per_sec = (time_scale && span > 0.0).then(|| (n as f64 * ROW * TIME_ROWS) / span);
    let mut r = Rows {
        per_sec,
        ..Rows::default()
    };
    let calls = marks.map_or(&[][..], |m| &m.calls[..]);
    let mut y = TOP + 44.0;
    let mut band_top = 0.0;
    let mut time_base = None;
    for (i, step) in conn.steps().iter().enumerate() {
        let band = bands.iter().position(|b| b.first == i);
        let alone: Vec<usize> = (0..calls.len())
            .filter(|&c| calls[c].before == i && !calls[c].caused)
            .collect();
        // The calls before the very first band (socket, bind, listen) stand
        // above it; later ones open the band they lead into.
        if i == 0 {
            for &c in &alone {
                r.calls.push(PlacedCall { call: c, y });
                y += CALL_H;
            }
        }
        if let Some(b) = band {
            if b > 0 {
                r.bands.push((b - 1, band_top, y - ROW + DROP + 18.0));
            }
            band_top = y - 10.0;
            y += BAND_TITLE;
        }
        if i > 0 {
            for &c in &alone {
                r.calls.push(PlacedCall { call: c, y });
                y += CALL_H;
            }
        }
        if let Some(per_sec) = per_sec {
            let t = secs_since(step.segment.ts, origin);
            let (t0, y_at) = *time_base.get_or_insert((t, y));
            y = y.max(y_at + (t - t0) * per_sec);
        }
        for (c, call) in calls.iter().enumerate() {
            if call.before == i && call.caused {
                r.calls.push(PlacedCall { call: c, y });
            }
        }
        r.y0.push(y);
        y += ROW;
    }
    if !bands.is_empty() {
        r.bands
            .push((bands.len() - 1, band_top, y - ROW + DROP + 18.0));
    }
    y = y - ROW + DROP + 40.0;
    for (c, call) in calls.iter().enumerate() {
        if call.before >= n {
            r.calls.push(PlacedCall { call: c, y });
            y += CALL_H;
        }
    }
    r.bottom = y;
    r
}

/// Approximate rendered width of `s` at `size` px: CJK and other wide
/// characters take a full em, the rest about 0.6 em (DejaVu Sans).
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if unicode_width::UnicodeWidthChar::width(c) == Some(2) {
                1.0
            } else {
                0.62
            }
        })
        .sum::<f64>()
        * size
}
