//! `synack replay FILE --svg`: the ladder of one connection as a standalone
//! SVG picture, for handouts and slides. Same content as `--print`: an arrow
//! per segment, both endpoints' states after each step, changed states bold.

use std::fmt::Write;

use crate::conversation::{Connection, Side};

use super::Style;
use super::ladder::arrow_label;

const ROW: usize = 44;
const TOP: usize = 90;
const WIDTH: usize = 960;
const CLIENT_X: usize = 250;
const SERVER_X: usize = 710;

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders one connection as an SVG document.
pub fn svg(conn: &Connection, style: &Style) -> String {
    let height = TOP + ROW * (conn.steps.len() + 1) + 30;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="13">"#
    );
    let _ = writeln!(
        s,
        r##"<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>"##
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="15" font-weight="bold">{}</text>"#,
        WIDTH / 2,
        esc(&format!(
            "TCP connection {}: {} (client) ⇄ {} (server)",
            conn.index, conn.client, conn.server
        ))
    );
    for (x, who, addr) in [
        (CLIENT_X, "client", conn.client.to_string()),
        (SERVER_X, "server", conn.server.to_string()),
    ] {
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="52" text-anchor="middle" font-weight="bold">{who}</text><text x="{x}" y="68" text-anchor="middle">{}</text>"#,
            esc(&addr)
        );
        let _ = writeln!(
            s,
            r##"<line x1="{x}" y1="{TOP}" x2="{x}" y2="{}" stroke="#555" stroke-width="2"/>"##,
            height - 20
        );
    }
    let state_text = |s: &mut String,
                      y: usize,
                      states: [crate::state::TcpState; 2],
                      bold: [bool; 2]| {
        for (i, (x, anchor)) in [(CLIENT_X - 12, "end"), (SERVER_X + 12, "start")]
            .into_iter()
            .enumerate()
        {
            let weight = if bold[i] { "bold" } else { "normal" };
            let fill = if bold[i] { "#b35900" } else { "#444" };
            let _ = writeln!(
                s,
                r#"<text x="{x}" y="{y}" text-anchor="{anchor}" font-weight="{weight}" fill="{fill}">{}</text>"#,
                states[i].name()
            );
        }
    };
    state_text(&mut s, TOP + 4, conn.initial, [false, false]);
    let mut prev = conn.initial;
    for (i, step) in conn.steps.iter().enumerate() {
        let y0 = TOP + ROW * i + 14;
        let y1 = y0 + ROW - 12;
        let (x0, x1) = match step.from {
            Side::Client => (CLIENT_X, SERVER_X),
            Side::Server => (SERVER_X, CLIENT_X),
        };
        let color = if step.segment.flags.rst() {
            "#c00"
        } else if step.segment.flags.syn() || step.segment.flags.fin() {
            "#0057b3"
        } else {
            "#333"
        };
        let _ = writeln!(
            s,
            r#"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="{color}" stroke-width="1.6" marker-end="url(#head)"/>"#
        );
        let mut label = arrow_label(step, style.relative);
        for l in &step.labels {
            let _ = write!(label, " [{}]", l.text());
        }
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle" fill="{color}">{}</text>"#,
            (CLIENT_X + SERVER_X) / 2,
            (y0 + y1) / 2 - 4,
            esc(&label)
        );
        let changed = [step.states[0] != prev[0], step.states[1] != prev[1]];
        state_text(&mut s, y1 + 4, step.states, changed);
        prev = step.states;
    }
    s.push_str("</svg>\n");
    s
}
