//! `synack replay FILE --svg` (and `synack demo --svg`): the ladder of one
//! connection as a standalone SVG picture drawn like a textbook figure, for
//! handouts and slides.
//!
//! ```text
//!            client                       server
//!   CLOSED     │                             │   LISTEN      ← initial states
//!  ┌ three-way handshake ──────────────────────────────────┐ ← phase band
//!  │ SYN_SENT ●─── SYN seq=0 ─────────────┐  │             │   label above
//!  │           │                      ───▶ ● SYN_RECV      │   its arrow
//!  └───────────────────────────────────────────────────────┘
//! ```
//!
//! Each label sits above its arrow, rotated along its slope, on a halo of
//! the background so no line crosses it. A state is written where it
//! changes, with the RFC 9293 cause as its `<title>` (shown on hover).
//! Retransmissions are dashed, RSTs red and thick, a segment lost before
//! its retransmission stops half-way at an ×. With [`Marks`] (a demo
//! capture) the socket calls stand in lanes outside the state columns and
//! a ✓ under each timeline says the kernel agreed. Nothing depends on
//! colour alone, so the figure prints in black and white.

mod layout;

use std::fmt::Write;

use crate::conversation::{Connection, Event, Side};
use crate::i18n::{FigureText, Lang, figure_text};
use crate::state::TcpState;

use super::figure::{self, BandKind, Marks};
use layout::{Columns, DROP, MARGIN, Rows, STATE_W, TOP, text_width};

/// Sans-serif with CJK fallbacks: Noto Sans CJK SC / Source Han Sans SC
/// (Debian/Ubuntu `fonts-noto-cjk`, Fedora `google-noto-sans-cjk-fonts`,
/// Arch `noto-fonts-cjk`; `Noto Sans SC` as Google Fonts names it),
/// PingFang SC and Hiragino Sans GB (macOS), Microsoft YaHei (Windows),
/// WenQuanYi Micro Hei / Zen Hei (older Linux). The same stack is in
/// `html/page.css`.
pub const FONT: &str = "'DejaVu Sans', 'Helvetica Neue', Arial, 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'WenQuanYi Zen Hei', sans-serif";
/// Monospace for code (socket calls, with Chinese remarks): the CJK
/// monospace faces, then the sans CJK faces of each system.
pub const MONO: &str = "'DejaVu Sans Mono', Menlo, Consolas, 'Noto Sans Mono CJK SC', 'WenQuanYi Zen Hei Mono', 'PingFang SC', 'Microsoft YaHei', monospace";

/// Font size of arrow labels.
const LABEL: f64 = 16.0;
/// Ink colours: black, SYN/FIN blue, RST red, band fill, muted grey.
const INK: &str = "#111";
const CTRL: &str = "#1a4f9c";
const RST: &str = "#c0261d";
const BAND: &str = "#f1f1f1";
const MUTED: &str = "#555";

/// How to draw.
#[derive(Clone, Copy, Debug)]
pub struct SvgOptions<'a> {
    /// Language of the texts.
    pub lang: Lang,
    /// Relative sequence numbers.
    pub relative: bool,
    /// Space arrows by capture time instead of evenly.
    pub time_scale: bool,
    /// Socket calls and kernel verdict of a demo capture.
    pub marks: Option<&'a Marks>,
    /// Group each step's drawing in `<g class="step" data-step="N">` (N:
    /// the 1-based position of the walk at which it appears; 0 for the
    /// initial states) for the HTML page to reveal step by step.
    pub steps: bool,
    /// The segments drawn when they are not all of the connection's (a
    /// window of a long one): the title says which.
    pub window: Option<super::window::Window>,
}

impl Default for SvgOptions<'_> {
    fn default() -> Self {
        SvgOptions {
            lang: Lang::En,
            relative: true,
            time_scale: false,
            marks: None,
            steps: false,
            window: None,
        }
    }
}

/// Escapes text for SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A band's name in `lang`.
pub fn band_name(lang: Lang, kind: BandKind) -> &'static str {
    use crate::i18n::Phase;
    let s = lang.strings();
    match kind {
        BandKind::Handshake => s.phase(Phase::Handshake),
        BandKind::Data => s.phase(Phase::Data),
        BandKind::FourWay => figure_text(lang, FigureText::FourWayTeardown),
        BandKind::Simultaneous => figure_text(lang, FigureText::Simultaneous),
        BandKind::Teardown => figure_text(lang, FigureText::Teardown),
        BandKind::Reset => figure_text(lang, FigureText::Reset),
        BandKind::Refused => figure_text(lang, FigureText::Refused),
    }
}

/// A state box waiting to be placed: its wanted y, text and hover title.
struct StateMark {
    side: Side,
    y: f64,
    state: TcpState,
    title: String,
    step: usize,
}

/// Renders one connection as an SVG document.
pub fn svg(conn: &Connection, opt: &SvgOptions) -> String {
    let lang = opt.lang;
    let s = lang.strings();
    let ft = |t| figure_text(lang, t);
    let bands = figure::bands(conn);
    let lost = figure::lost(conn);
    let lanes = opt.marks.is_some_and(|m| !m.calls.is_empty());
    let cols = Columns::new(lanes, opt.time_scale);
    let rows = layout::rows(conn, &bands, opt.marks, opt.time_scale);
    let kernel = opt.marks.and_then(|m| m.kernel);
    let legend_y = rows.bottom + if kernel.is_some() { 40.0 } else { 12.0 };
    let has_legend = lost.iter().any(|&l| l)
        || conn
            .steps()
            .iter()
            .any(|s| s.segment.flags.rst() || s.labels.iter().any(|l| l.is_retransmission()));
    let height = if has_legend {
        legend_y + 40.0
    } else {
        legend_y + 8.0
    };
    // Oblique CJK is a synthetic slant: Chinese band names stay upright.
    let band_style = if lang == Lang::Zh { "normal" } else { "italic" };
    let width = cols.width;
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}" font-size="{LABEL}" fill="{INK}" lang="{}">"#,
        if lang == Lang::Zh { "zh-Hans" } else { "en" }
    );
    for (id, colour) in [("head", INK), ("head-ctrl", CTRL), ("head-rst", RST)] {
        let _ = writeln!(
            o,
            r#"<defs><marker id="{id}" viewBox="0 0 12 10" refX="11" refY="5" markerWidth="11" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L12,5 L0,10 z" fill="{colour}"/></marker></defs>"#
        );
    }
    let _ = writeln!(
        o,
        r#"<rect class="paper" width="100%" height="100%" fill="white"/>"#
    );
    let mut title = format!("{} {}", ft(FigureText::TcpConnection), conn.index());
    if let Some(w) = opt.window {
        title.push_str(&crate::i18n::window_note(lang, w.first, w.last, w.total));
    }
    let _ = writeln!(
        o,
        r#"<text x="{:.0}" y="34" text-anchor="middle" font-size="21" font-weight="bold">{}</text>"#,
        (cols.client + cols.server) / 2.0,
        esc(&title)
    );
    for side in [Side::Client, Side::Server] {
        let x = cols.x(side);
        let addr = match side {
            Side::Client => conn.client(),
            Side::Server => conn.server(),
        }
        .to_string();
        let w = text_width(&addr, 15.0).max(text_width(s.side(side), 18.0)) + 28.0;
        let _ = writeln!(
            o,
            r#"<rect x="{:.1}" y="56" width="{w:.1}" height="54" rx="6" fill="white" stroke="{INK}" stroke-width="1.6"/><text x="{x:.1}" y="79" text-anchor="middle" font-size="18" font-weight="bold">{}</text><text x="{x:.1}" y="100" text-anchor="middle" font-size="15" fill="{MUTED}">{}</text>"#,
            x - w / 2.0,
            esc(s.side(side)),
            esc(&addr)
        );
    }
    // Bands behind everything else.
    for &(b, top, bottom) in &rows.bands {
        let name = band_name(lang, bands[b].kind);
        let x = cols.left - 8.0;
        let w = width - x - MARGIN + 8.0;
        let _ = writeln!(
            o,
            r##"<g class="band" data-step="{}"><rect x="{x:.1}" y="{top:.1}" width="{w:.1}" height="{:.1}" rx="8" fill="{BAND}" stroke="#9a9a9a" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="17" font-style="{band_style}" font-weight="bold" fill="#333" letter-spacing="0.5">{}</text></g>"##,
            bands[b].first + 1,
            bottom - top,
            (cols.client + cols.server) / 2.0,
            top + 22.0,
            esc(name)
        );
    }
    // Timelines.
    for side in [Side::Client, Side::Server] {
        let x = cols.x(side);
        let _ = writeln!(
            o,
            r#"<line x1="{x:.1}" y1="110" x2="{x:.1}" y2="{:.1}" stroke="{INK}" stroke-width="2.4"/>"#,
            rows.bottom + 4.0
        );
    }
    if let Some(per_sec) = rows.per_sec {
        time_axis(
            o,
            conn,
            &rows,
            per_sec,
            cols.left - 12.0,
            ft(FigureText::Seconds),
        );
    }

    let mut marks: Vec<StateMark> = [Side::Client, Side::Server]
        .into_iter()
        .map(|side| StateMark {
            side,
            y: TOP + 8.0,
            state: conn.initial[side.idx()],
            title: format!("{}: {}", s.side(side), conn.initial[side.idx()]),
            step: 0,
        })
        .collect();
    for t in conn.transitions() {
        let y0 = rows.y0[t.step];
        let y = if t.event == Event::Send && t.step == t.segment {
            y0
        } else {
            y0 + DROP
        };
        marks.push(StateMark {
            side: t.endpoint,
            y,
            state: t.to,
            title: format!(
                "{}: {} → {} · {} (RFC 9293 §{})",
                s.side(t.endpoint),
                t.from,
                t.to,
                s.cause(t.cause),
                t.cause.rfc_section()
            ),
            step: t.step + 1,
        });
    }

    for (i, step) in conn.steps().iter().enumerate() {
        open_step(o, opt, i + 1);
        arrow(o, &cols, &rows, conn, i, lost[i], opt, lang);
        for pc in rows.calls.iter().filter(|pc| {
            let c = &opt.marks.map_or(&[][..], |m| &m.calls)[pc.call];
            c.before == i
        }) {
            call_text(o, &cols, opt, pc);
        }
        let _ = step;
        close_step(o, opt);
    }
    // Calls after the last segment.
    let n = conn.steps().len();
    for pc in &rows.calls {
        let c = &opt.marks.map_or(&[][..], |m| &m.calls)[pc.call];
        if c.before >= n {
            open_step(o, opt, n);
            call_text(o, &cols, opt, pc);
            close_step(o, opt);
        }
    }
    state_marks(o, &cols, opt, marks);

    if let Some(k) = kernel {
        for side in [Side::Client, Side::Server] {
            let ok = k[side.idx()];
            let text = ft(if ok {
                FigureText::KernelAgrees
            } else {
                FigureText::KernelDisagrees
            });
            let fill = if ok { INK } else { RST };
            let _ = writeln!(
                o,
                r#"<g class="kernel" data-step="{n}"><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="16" font-weight="bold" fill="{fill}">{}</text></g>"#,
                cols.x(side),
                rows.bottom + 26.0,
                esc(text)
            );
        }
    }
    legend(o, conn, &lost, &cols, legend_y, lang);
    o.push_str("</svg>\n");
    out
}

fn open_step(o: &mut String, opt: &SvgOptions, step: usize) {
    if opt.steps {
        let _ = write!(o, r#"<g class="step" data-step="{step}">"#);
    }
}

fn close_step(o: &mut String, opt: &SvgOptions) {
    if opt.steps {
        o.push_str("</g>\n");
    }
}

/// One segment's arrow and its label.
#[expect(clippy::too_many_arguments, reason = "one drawing call per arrow")]
fn arrow(
    o: &mut String,
    cols: &Columns,
    rows: &Rows,
    conn: &Connection,
    i: usize,
    lost: bool,
    opt: &SvgOptions,
    lang: Lang,
) {
    let step = &conn.steps()[i];
    let flags = step.segment.flags;
    let (x0, x1) = (cols.x(step.from), cols.x(step.from.peer()));
    let y0 = rows.y0[i];
    let retrans = step.labels.iter().any(|l| l.is_retransmission());
    let (colour, head, width) = if flags.rst() {
        (RST, "head-rst", 3.2)
    } else if flags.syn() || flags.fin() {
        (CTRL, "head-ctrl", 2.2)
    } else if step.segment.payload_len > 0 {
        (INK, "head", 2.4)
    } else {
        (INK, "head", 1.5)
    };
    let dash = if retrans {
        r#" stroke-dasharray="10 6""#
    } else {
        ""
    };
    // A lost segment stops a little past the middle, at an ×.
    let frac = if lost { 0.58 } else { 1.0 };
    let (xe, ye) = (x0 + (x1 - x0) * frac, y0 + DROP * frac);
    let end = if lost {
        String::new()
    } else {
        format!(r#" marker-end="url(#{head})""#)
    };
    // Shorten the line under the arrowhead so its tip meets the timeline.
    let _ = writeln!(
        o,
        r#"<line x1="{x0:.1}" y1="{y0:.1}" x2="{xe:.1}" y2="{ye:.1}" stroke="{colour}" stroke-width="{width}"{dash}{end}/>"#
    );
    if lost {
        let r = 8.0;
        let _ = writeln!(
            o,
            r#"<path d="M{:.1},{:.1} L{:.1},{:.1} M{:.1},{:.1} L{:.1},{:.1}" stroke="{RST}" stroke-width="3.2" stroke-linecap="round"><title>{}</title></path>"#,
            xe - r,
            ye - r,
            xe + r,
            ye + r,
            xe - r,
            ye + r,
            xe + r,
            ye - r,
            esc(figure_text(lang, FigureText::Lost))
        );
    }
    let s = lang.strings();
    let mut label = figure::arrow_text(step, opt.relative);
    let notes: Vec<String> = step.labels.iter().map(|&l| s.label_name(l)).collect();
    if !notes.is_empty() {
        let _ = write!(label, " ({})", notes.join(", "));
    }
    // Rotate along the arrow, always reading left to right, and lift the
    // text off the line by half an em.
    let (lx0, ly0, lx1, ly1) = if x0 < xe {
        (x0, y0, xe, ye)
    } else {
        (xe, ye, x0, y0)
    };
    let angle = (ly1 - ly0).atan2(lx1 - lx0).to_degrees();
    let (mx, my) = ((lx0 + lx1) / 2.0, (ly0 + ly1) / 2.0);
    let room = (lx1 - lx0) - 36.0;
    let size = if text_width(&label, LABEL) > room {
        (LABEL * room / text_width(&label, LABEL)).max(11.0)
    } else {
        LABEL
    };
    let weight = if flags.syn() || flags.fin() || flags.rst() {
        r#" font-weight="bold""#
    } else {
        ""
    };
    let _ = writeln!(
        o,
        r#"<text transform="translate({mx:.1} {my:.1}) rotate({angle:.2})" y="-7" text-anchor="middle" font-size="{size:.1}" fill="{colour}"{weight} stroke="{BAND}" stroke-width="5" stroke-linejoin="round" paint-order="stroke">{}</text>"#,
        esc(&label)
    );
}

/// A socket call in its side's lane, level with where it acts.
fn call_text(o: &mut String, cols: &Columns, opt: &SvgOptions, pc: &layout::PlacedCall) {
    let Some(call) = opt.marks.and_then(|m| m.calls.get(pc.call)) else {
        return;
    };
    let (x, anchor) = match call.side {
        Side::Client => (cols.client - STATE_W - 10.0, "end"),
        Side::Server => (cols.server + STATE_W + 10.0, "start"),
    };
    // Monospace glyphs are 0.6 em wide: long calls shrink to fit the lane.
    let wide = call.text.chars().count() as f64 * 0.6 * 15.0;
    let size = (15.0 * (layout::LANE_W - 16.0) / wide).clamp(10.0, 15.0);
    let _ = writeln!(
        o,
        r##"<text class="call" x="{x:.1}" y="{:.1}" text-anchor="{anchor}" font-family="{MONO}" font-size="{size:.1}" fill="#222">{}</text>"##,
        pc.y + 5.0,
        esc(&call.text)
    );
}

/// The state boxes, pushed down when they would overlap the one above on
/// the same side; a dot on the timeline marks the exact moment.
fn state_marks(o: &mut String, cols: &Columns, opt: &SvgOptions, mut marks: Vec<StateMark>) {
    const H: f64 = 26.0;
    marks.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut floor = [0.0f64; 2];
    for m in marks {
        let x = cols.x(m.side);
        let cy = m.y.max(floor[m.side.idx()] + H / 2.0 + 3.0);
        floor[m.side.idx()] = cy + H / 2.0;
        let name = m.state.name();
        let w = text_width(name, 16.5) + 14.0;
        let bx = match m.side {
            Side::Client => x - 14.0 - w,
            Side::Server => x + 14.0,
        };
        open_step(o, opt, m.step);
        let _ = writeln!(
            o,
            r#"<g class="smark {}"><title>{}</title><circle cx="{x:.1}" cy="{:.1}" r="4" fill="{INK}"/><rect x="{bx:.1}" y="{:.1}" width="{w:.1}" height="{H}" rx="4" fill="white" stroke="{INK}" stroke-width="1.3"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="15" font-weight="bold">{name}</text></g>"#,
            m.side,
            esc(&m.title),
            m.y,
            cy - H / 2.0,
            bx + w / 2.0,
            cy + 5.5,
        );
        close_step(o, opt);
    }
}

/// Ticks of the time axis on the left, at round intervals.
fn time_axis(o: &mut String, conn: &Connection, rows: &Rows, per_sec: f64, x: f64, unit: &str) {
    let Some(&y_first) = rows.y0.first() else {
        return;
    };
    let span = super::secs_since(conn.last_ts(), conn.first_ts());
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let tick = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&t| t >= raw)
        .unwrap_or(mag * 10.0);
    let _ = writeln!(
        o,
        r#"<line x1="{x:.1}" y1="{y_first:.1}" x2="{x:.1}" y2="{:.1}" stroke="{MUTED}" stroke-width="1"/>"#,
        rows.bottom
    );
    let mut k = 0u32;
    while f64::from(k) * tick <= span + tick * 0.01 && k < 50 {
        let t = f64::from(k) * tick;
        let y = y_first + t * per_sec;
        let _ = writeln!(
            o,
            r#"<line x1="{:.1}" y1="{y:.1}" x2="{x:.1}" y2="{y:.1}" stroke="{MUTED}"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="14" fill="{MUTED}">{} {unit}</text>"#,
            x - 5.0,
            x - 7.0,
            y + 4.0,
            trim_float(t)
        );
        k += 1;
    }
}

/// `0.2`, `0.05`, `1`: a tick value without trailing zeros.
fn trim_float(t: f64) -> String {
    let s = format!("{t:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The legend: only what this figure uses.
fn legend(o: &mut String, conn: &Connection, lost: &[bool], cols: &Columns, y: f64, lang: Lang) {
    let ft = |t| figure_text(lang, t);
    let retrans = conn
        .steps()
        .iter()
        .any(|s| s.labels.iter().any(|l| l.is_retransmission()));
    let rst = conn.steps().iter().any(|s| s.segment.flags.rst());
    let mut x = cols.left;
    let mut item = |o: &mut String, glyph: &str, text: &str| {
        let _ = writeln!(
            o,
            r#"<g class="legend" transform="translate({x:.1} {y:.1})">{glyph}<text x="62" y="5" font-size="14">{}</text></g>"#,
            esc(text)
        );
        x += 80.0 + text_width(text, 14.0);
    };
    if retrans {
        item(
            o,
            &format!(
                r#"<line x1="0" y1="0" x2="50" y2="0" stroke="{INK}" stroke-width="2" stroke-dasharray="10 6" marker-end="url(#head)"/>"#
            ),
            ft(FigureText::Retransmitted),
        );
    }
    if lost.iter().any(|&l| l) {
        item(
            o,
            &format!(
                r#"<line x1="0" y1="0" x2="40" y2="0" stroke="{INK}" stroke-width="2"/><path d="M32,-8 L48,8 M32,8 L48,-8" stroke="{RST}" stroke-width="3" stroke-linecap="round"/>"#
            ),
            ft(FigureText::Lost),
        );
    }
    if rst {
        item(
            o,
            &format!(
                r#"<line x1="0" y1="0" x2="50" y2="0" stroke="{RST}" stroke-width="3.2" marker-end="url(#head-rst)"/>"#
            ),
            ft(FigureText::Rst),
        );
    }
    let _ = MARGIN;
}
