//! The `--svg` pictures as a reader gets them: well-formed XML (parsed by
//! roxmltree), rendered by `rsvg-convert` without error (skipped when it is
//! not installed), drawn as promised (bands, lost ×, dashed
//! retransmissions, states with their causes, no line through a label),
//! and snapshotted.

use std::io::Write;
use std::process::{Command, Stdio};

#[path = "support/run.rs"]
mod run;
use run::stdout_of;

fn svg_of(capture: &str, extra: &[&str]) -> String {
    let mut args = vec!["replay", capture, "--svg"];
    args.extend_from_slice(extra);
    stdout_of(&args)
}

/// Renders `svg` to PNG with rsvg-convert; `None` when it is not installed.
fn rsvg(svg: &str) -> Option<Vec<u8>> {
    let mut child = match Command::new("rsvg-convert")
        .args(["--format", "png"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(_) => {
            eprintln!("rsvg-convert not installed (Debian: librsvg2-bin): render check skipped");
            return None;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(svg.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "rsvg-convert failed: {err}");
    assert!(err.trim().is_empty(), "rsvg-convert complained: {err}");
    Some(out.stdout)
}

const CAPTURES: [&str; 9] = [
    "normal",
    "simultaneous-close",
    "fin-retransmit",
    "syn-retransmit",
    "abort",
    "refused",
    "half-close",
    "mid-stream",
    "ipv6",
];

#[test]
fn every_picture_is_well_formed_and_renders() {
    for name in CAPTURES {
        let capture = format!("captures/{name}.pcap");
        for extra in [&[][..], &["--lang", "zh"], &["--time-scale"]] {
            let svg = svg_of(&capture, extra);
            let doc = roxmltree::Document::parse(&svg)
                .unwrap_or_else(|e| panic!("{capture} {extra:?}: not XML: {e}"));
            assert_eq!(doc.root_element().tag_name().name(), "svg");
            if let Some(png) = rsvg(&svg) {
                assert!(png.starts_with(b"\x89PNG"), "{capture}: no PNG");
            }
        }
    }
}

/// Texts of elements of `svg` matching `pred`.
fn texts(svg: &str, pred: impl Fn(roxmltree::Node) -> bool) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && pred(*n))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

fn in_class(n: roxmltree::Node, class: &str) -> bool {
    n.ancestors().any(|a| {
        a.attribute("class")
            .is_some_and(|c| c.split(' ').any(|c| c == class))
    })
}

#[test]
fn bands_are_named_in_english_and_chinese() {
    let en = texts(&svg_of("captures/normal.pcap", &[]), |n| {
        in_class(n, "band")
    });
    assert_eq!(
        en,
        ["three-way handshake", "data transfer", "four-way teardown"]
    );
    let zh = texts(&svg_of("captures/normal.pcap", &["--lang", "zh"]), |n| {
        in_class(n, "band")
    });
    assert_eq!(zh, ["三次握手", "数据传输", "四次挥手"]);
    let abort = texts(&svg_of("captures/abort.pcap", &[]), |n| in_class(n, "band"));
    assert_eq!(abort.last().map(String::as_str), Some("reset (RST)"));
    let simultaneous = texts(&svg_of("captures/simultaneous-close.pcap", &[]), |n| {
        in_class(n, "band")
    });
    assert_eq!(
        simultaneous.last().map(String::as_str),
        Some("simultaneous close")
    );
}

#[test]
fn states_are_written_where_they_change_with_the_cause_on_hover() {
    let svg = svg_of("captures/normal.pcap", &[]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let marks: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("smark")))
        .map(|g| {
            let title = g
                .children()
                .find(|c| c.has_tag_name("title"))
                .and_then(|t| t.text())
                .unwrap_or_default()
                .to_string();
            let name = g
                .children()
                .filter(|c| c.has_tag_name("text"))
                .filter_map(|t| t.text())
                .collect::<String>();
            (name, title)
        })
        .collect();
    // 2 initial states + the 10 transitions of the normal close.
    assert_eq!(marks.len(), 12, "{marks:?}");
    assert!(marks.contains(&(
        "FIN_WAIT1".into(),
        "client: ESTABLISHED → FIN_WAIT1 · snd FIN (close or shutdown) (RFC 9293 §3.10.4)".into()
    )));
}

#[test]
fn lost_segments_end_in_a_cross_and_retransmissions_are_dashed() {
    let svg = svg_of("captures/fin-retransmit.pcap", &[]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let crosses = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("path")
                && n.children().any(|t| {
                    t.has_tag_name("title") && t.text() == Some("lost before its retransmission")
                })
        })
        .count();
    assert_eq!(crosses, 1, "segment 4 was lost");
    let dashed = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("line")
                && n.attribute("stroke-dasharray").is_some()
                && n.ancestors()
                    .all(|a| a.attribute("class") != Some("legend"))
        })
        .count();
    assert_eq!(dashed, 2, "segments 5 and 10 are retransmissions");
    let abort = svg_of("captures/abort.pcap", &[]);
    assert!(abort.contains(r#"marker-end="url(#head-rst)""#));
}

/// A line segment in the label's own frame (origin at the arrow's middle,
/// x along the arrow).
fn to_frame(p: (f64, f64), m: (f64, f64), deg: f64) -> (f64, f64) {
    let (s, c) = (-deg.to_radians()).sin_cos();
    let (x, y) = (p.0 - m.0, p.1 - m.1);
    (x * c - y * s, x * s + y * c)
}

/// Whether segment a–b meets the rectangle [x0,x1]×[y0,y1] (Liang–Barsky).
fn crosses(a: (f64, f64), b: (f64, f64), r: (f64, f64, f64, f64)) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - r.0),
        (dx, r.1 - a.0),
        (-dy, a.1 - r.2),
        (dy, r.3 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 <= t1
}

#[test]
fn no_line_crosses_an_arrow_label() {
    for name in CAPTURES {
        for extra in [&[][..], &["--time-scale"]] {
            let svg = svg_of(&format!("captures/{name}.pcap"), extra);
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let num = |n: roxmltree::Node, a: &str| -> f64 {
                n.attribute(a).and_then(|v| v.parse().ok()).unwrap_or(0.0)
            };
            let lines: Vec<((f64, f64), (f64, f64))> = doc
                .descendants()
                .filter(|n| n.has_tag_name("line") && !in_class(*n, "legend"))
                .map(|n| ((num(n, "x1"), num(n, "y1")), (num(n, "x2"), num(n, "y2"))))
                .collect();
            let mut labels = 0;
            for t in doc.descendants().filter(|n| {
                n.has_tag_name("text")
                    && n.attribute("transform")
                        .is_some_and(|t| t.contains("rotate"))
            }) {
                labels += 1;
                let tf = t.attribute("transform").unwrap();
                let nums: Vec<f64> = tf
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                    .filter_map(|s| s.parse().ok())
                    .collect();
                let (m, deg) = ((nums[0], nums[1]), nums[2]);
                let size = num(t, "font-size");
                let text = t.text().unwrap_or_default();
                let w = text.chars().count() as f64 * 0.62 * size;
                let base = num(t, "y");
                // Glyphs: ascenders 0.75 em above the baseline, descenders
                // 0.25 em below.
                let rect = (-w / 2.0, w / 2.0, base - 0.75 * size, base + 0.25 * size);
                for &(a, b) in &lines {
                    assert!(
                        !crosses(to_frame(a, m, deg), to_frame(b, m, deg), rect),
                        "{name} {extra:?}: a line {a:?}–{b:?} crosses the label {text:?}"
                    );
                }
            }
            assert!(labels > 0, "{name}: no arrow labels found");
        }
    }
}

#[test]
fn time_scale_spaces_arrows_by_time() {
    let even = svg_of("captures/normal.pcap", &[]);
    let timed = svg_of("captures/normal.pcap", &["--time-scale"]);
    let starts = |svg: &str| -> Vec<f64> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| {
                n.has_tag_name("line")
                    && n.attribute("marker-end").is_some()
                    && !in_class(*n, "legend")
            })
            .filter_map(|n| n.attribute("y1")?.parse().ok())
            .collect()
    };
    let (e, t) = (starts(&even), starts(&timed));
    assert_eq!(e.len(), 11);
    assert_eq!(t.len(), 11);
    let gaps = |v: &[f64]| v.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>();
    // Segment 7 → 8 waits 0.2 s (the client's close), 1 → 2 takes 62 µs:
    // evenly spaced they are one row apart, by time the first gap is larger.
    let (ge, gt) = (gaps(&e), gaps(&t));
    assert!((ge[6] - ge[0]).abs() < 40.0, "even: {ge:?}");
    assert!(gt[6] > 2.0 * gt[0], "by time: {gt:?}");
    assert!(timed.contains(">0.2 s<"), "a time axis with ticks");
}

#[test]
fn snapshots_of_the_pictures() {
    insta::assert_snapshot!("svg_normal", svg_of("captures/normal.pcap", &[]));
    insta::assert_snapshot!(
        "svg_fin_retransmit_zh",
        svg_of("captures/fin-retransmit.pcap", &["--lang", "zh"])
    );
}

#[test]
fn the_readme_picture_is_a_demo_figure_that_renders() {
    let svg =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/normal.svg")).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    assert!(svg.contains(">connect()</text>") && svg.contains("✓ kernel agrees"));
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("](docs/normal.svg)"));
    if let Some(png) = rsvg(&svg) {
        assert!(png.starts_with(b"\x89PNG"));
    }
}
