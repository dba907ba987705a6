//! The RFC 9293 state diagram (§3.3.2, Figure 5, simplified like the
//! TUI's) as SVG for the HTML page. Every state box has the id
//! `ds-STATE` (the CLOSED after use is `ds-CLOSED-END`) and every edge
//! `de-FROM-TO`; the page lights them with classes. Edge labels are
//! protocol notation, the same in every language.

use std::fmt::Write;

use super::super::svg::FONT;

/// Box width and height.
const W: f64 = 110.0;
const H: f64 = 32.0;
/// The wide ESTABLISHED box spans the columns of the boxes above and below.
const EST_W: f64 = 600.0;
const EST_Y: f64 = 215.0;

/// `(id, label, centre x, centre y)`.
const STATES: [(&str, &str, f64, f64); 12] = [
    ("LISTEN", "LISTEN", 66.0, 36.0),
    ("CLOSED", "CLOSED", 350.0, 36.0),
    ("SYN_SENT", "SYN_SENT", 634.0, 36.0),
    ("SYN_RECV", "SYN_RECV", 66.0, 126.0),
    ("ESTABLISHED", "ESTABLISHED", 350.0, EST_Y),
    ("FIN_WAIT1", "FIN_WAIT1", 66.0, 304.0),
    ("CLOSING", "CLOSING", 258.0, 304.0),
    ("CLOSE_WAIT", "CLOSE_WAIT", 634.0, 304.0),
    ("FIN_WAIT2", "FIN_WAIT2", 66.0, 430.0),
    ("TIME_WAIT", "TIME_WAIT", 258.0, 430.0),
    ("CLOSED-END", "CLOSED", 446.0, 430.0),
    ("LAST_ACK", "LAST_ACK", 634.0, 430.0),
];

/// Where an edge's label goes relative to its middle.
#[derive(Clone, Copy)]
enum Place {
    Above,
    Below,
    Right,
    Left,
    Middle,
}

/// `(from id, to id, label, placement)`.
const EDGES: [(&str, &str, &str, Place); 15] = [
    ("CLOSED", "LISTEN", "listen()", Place::Above),
    ("CLOSED", "SYN_SENT", "connect() / snd SYN", Place::Above),
    ("LISTEN", "SYN_RECV", "rcv SYN / snd SYN,ACK", Place::Right),
    ("SYN_SENT", "SYN_RECV", "rcv SYN / snd ACK", Place::Middle),
    ("SYN_RECV", "ESTABLISHED", "rcv ACK of SYN", Place::Right),
    (
        "SYN_SENT",
        "ESTABLISHED",
        "rcv SYN,ACK / snd ACK",
        Place::Left,
    ),
    (
        "ESTABLISHED",
        "FIN_WAIT1",
        "close() / snd FIN",
        Place::Right,
    ),
    (
        "ESTABLISHED",
        "CLOSE_WAIT",
        "rcv FIN / snd ACK",
        Place::Left,
    ),
    ("FIN_WAIT1", "CLOSING", "rcv FIN / snd ACK", Place::Below),
    ("FIN_WAIT1", "FIN_WAIT2", "rcv ACK of FIN", Place::Right),
    ("CLOSING", "TIME_WAIT", "rcv ACK of FIN", Place::Right),
    ("FIN_WAIT2", "TIME_WAIT", "rcv FIN / snd ACK", Place::Below),
    ("TIME_WAIT", "CLOSED-END", "2MSL", Place::Above),
    ("CLOSE_WAIT", "LAST_ACK", "close() / snd FIN", Place::Left),
    ("LAST_ACK", "CLOSED-END", "rcv ACK of FIN", Place::Below),
];

/// The edges' labels (the page translates them by `data-t="edge:LABEL"`).
pub fn labels() -> impl Iterator<Item = &'static str> {
    EDGES.iter().map(|e| e.2)
}

fn centre(id: &str) -> (f64, f64) {
    STATES
        .iter()
        .find(|s| s.0 == id)
        .map_or((0.0, 0.0), |s| (s.2, s.3))
}

/// Where the line from a [`W`]×[`H`] box's centre `(x, y)` towards
/// `(tx, ty)` leaves the box (with a small gap).
fn exit(x: f64, y: f64, tx: f64, ty: f64) -> (f64, f64) {
    let (dx, dy) = (tx - x, ty - y);
    let sx = (W / 2.0 + 3.0) / dx.abs().max(1e-9);
    let sy = (H / 2.0 + 3.0) / dy.abs().max(1e-9);
    let s = sx.min(sy);
    (x + dx * s, y + dy * s)
}

/// The two ends of an edge. Edges to and from ESTABLISHED are vertical,
/// at the column of the other box.
fn ends(from: &str, to: &str) -> ((f64, f64), (f64, f64)) {
    let (fx, fy) = centre(from);
    let (tx, ty) = centre(to);
    let est_edge = |y: f64, toward: f64| {
        if toward > y {
            EST_Y + H / 2.0 + 3.0
        } else {
            EST_Y - H / 2.0 - 3.0
        }
    };
    if from == "ESTABLISHED" {
        ((tx, est_edge(EST_Y, ty)), (tx, ty - H / 2.0 - 3.0))
    } else if to == "ESTABLISHED" {
        ((fx, fy + H / 2.0 + 3.0), (fx, est_edge(EST_Y, fy)))
    } else {
        (exit(fx, fy, tx, ty), exit(tx, ty, fx, fy))
    }
}

/// The diagram as an SVG element (no XML declaration).
pub fn svg() -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg id="diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 700 470" font-family="{FONT}" font-size="13" role="img" aria-label="RFC 9293 state diagram">"#
    );
    o.push_str(r#"<defs><marker id="dhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="dhead"/></marker></defs>"#);
    o.push('\n');
    for (from, to, label, place) in EDGES {
        let ((x1, y1), (x2, y2)) = ends(from, to);
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let (lx, ly, anchor) = match place {
            // Horizontal edges between neighbours are short: their labels
            // go over or under the boxes' row.
            Place::Above => (mx, my.min(y1.min(y2)) - H / 2.0 - 5.0, "middle"),
            Place::Below => (mx, my.max(y1.max(y2)) + H / 2.0 + 14.0, "middle"),
            Place::Right => (mx + 6.0, my + 4.0, "start"),
            Place::Left => (mx - 6.0, my + 4.0, "end"),
            Place::Middle => (mx, my - 6.0, "middle"),
        };
        let _ = writeln!(
            o,
            r#"<g class="edge" id="de-{from}-{to}"><line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" marker-end="url(#dhead)"/><text x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}" data-t="edge:{label}">{label}</text></g>"#
        );
    }
    for (id, label, x, y) in STATES {
        let w = if id == "ESTABLISHED" { EST_W } else { W };
        let _ = writeln!(
            o,
            r#"<g class="dstate" id="ds-{id}"><rect x="{:.1}" y="{:.1}" width="{w:.1}" height="{H:.1}" rx="6"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" class="dname">{label}</text><g class="badge bc"><circle cx="{:.1}" cy="{:.1}" r="10"/><text x="{:.1}" y="{:.1}" text-anchor="middle">C</text></g><g class="badge bs"><circle cx="{:.1}" cy="{:.1}" r="10"/><text x="{:.1}" y="{:.1}" text-anchor="middle">S</text></g></g>"#,
            x - w / 2.0,
            y - H / 2.0,
            y + 5.0,
            x - w / 2.0,
            y - H / 2.0,
            x - w / 2.0,
            y - H / 2.0 + 5.0,
            x + w / 2.0,
            y - H / 2.0,
            x + w / 2.0,
            y - H / 2.0 + 5.0,
        );
    }
    o.push_str("</svg>");
    o
}
