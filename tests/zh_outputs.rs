//! Every output mode in Chinese, checked for English words left
//! untranslated (`src/i18n/untranslated.rs`): `replay --print`, `--list`
//! and `--svg` of every capture in `captures/`, the `--html` page as
//! Chromium renders it at several steps, and, as root, `demo --print` of
//! every scenario with `--svg`/`--html` of some, and `watch --print` of a
//! connection the test makes on loopback. Code stays code: the demo's
//! Python lines and what Python printed, JSON, the markup.
//!
//! Then the page's Chinese glyphs: Chromium prints the page to PDF and the
//! PDF must embed a CJK face (tofu embeds none); printed again with the
//! CJK fonts hidden from fontconfig, it must embed none, so the check
//! tells the two apart.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../src/i18n/untranslated.rs"]
#[allow(dead_code)]
mod untranslated;

#[path = "support/chromium.rs"]
mod chromium;
#[path = "support/pipe.rs"]
mod pipe;
#[path = "support/run.rs"]
mod run;
use pipe::lines;
use run::stdout_of;

/// Captures to read: every pcap and pcapng of `captures/`.
fn captures() -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("captures"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
            .collect();
    names.sort();
    names
}

fn check(outputs: &[(String, String)], extra: &[String]) {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let found = untranslated::report(outputs, &extra);
    assert!(
        found.is_empty(),
        "English words in Chinese outputs ({} checked):\n{found}",
        outputs.len()
    );
}

/// The text an SVG shows: its `<text>`/`<tspan>` contents.
fn svg_text(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses");
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The visible text of an HTML document: no markup, scripts or styles.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push('\n');
        let tag = &rest[lt..];
        // Scripts, styles and the other language's inert templates.
        let skip_to = ["<script", "<style", "<template"]
            .iter()
            .find(|t| tag.starts_with(**t))
            .map(|t| format!("</{}>", &t[1..]));
        let end = match skip_to {
            Some(close) => tag.find(&close).map_or(tag.len(), |k| k + close.len()),
            None => tag.find('>').map_or(tag.len(), |k| k + 1),
        };
        rest = &tag[end..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

#[test]
fn every_capture_printed_listed_and_drawn_in_chinese_has_no_english_word() {
    let mut outputs = Vec::new();
    for name in captures() {
        let path = format!("captures/{name}");
        for mode in ["--print", "--list"] {
            let text = stdout_of(&["replay", &path, mode, "--lang", "zh"]);
            outputs.push((format!("{name} {mode}"), text));
        }
        // A capture without TCP has no ladder to draw (said on stderr).
        let svg = run::synack()
            .args(["replay", &path, "--svg", "--lang", "zh"])
            .output()
            .unwrap();
        if svg.status.success() {
            let svg = String::from_utf8(svg.stdout).unwrap();
            outputs.push((format!("{name} --svg"), svg_text(&svg)));
        }
    }
    // The test captures (tunnels, reassembly, damaged headers, ICMP, odd
    // link types): what synack reads of them, in Chinese.
    for path in synack::ui::testdata::capture_files("tests/data") {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let out = run::synack()
            .args(["replay", path.to_str().unwrap(), "--print", "--lang", "zh"])
            .output()
            .unwrap();
        if out.status.success() {
            outputs.push((
                format!("tests/data/{name} --print"),
                String::from_utf8_lossy(&out.stdout).to_string(),
            ));
        }
    }
    check(&outputs, &[]);
}

/// The DOM Chromium renders for `url`.
fn dom(url: &str) -> Option<String> {
    chromium::run(url, &["--dump-dom"], &[]).map(|(out, _)| out)
}

/// The Chinese page of `capture` written into `dir`.
fn zh_page(args: &[&str], dir: &Path) -> PathBuf {
    let path = dir.join("walk.html");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--lang", "zh", "--html", path.to_str().unwrap()]);
    stdout_of(&all);
    path
}

#[test]
fn the_chinese_page_as_chromium_shows_it_has_no_english_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for name in [
        "normal.pcap",
        "demo-backlog.pcap",
        "refused.pcap",
        "demo-udp.pcap",
        "lossy.pcap",
    ] {
        let page = zh_page(&["replay", &format!("captures/{name}")], dir.path());
        for step in [3, 99] {
            let url = format!("file://{}#step={step}&lang=zh", page.display());
            let Some(dom) = dom(&url) else {
                eprintln!("chromium not installed: the page's rendered text is not checked");
                return;
            };
            outputs.push((format!("{name} --html step {step}"), html_text(&dom)));
        }
    }
    // The language menu names each language in itself: English, 中文.
    check(&outputs, &["English".to_string()]);
}

/// The CJK font files fontconfig knows (`fc-list :lang=zh file`).
fn cjk_font_files() -> Option<Vec<String>> {
    let out = Command::new("fc-list")
        .args([":lang=zh", "file"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .map(|l| l.trim().trim_end_matches(':').to_string())
            .filter(|l| !l.is_empty())
            .collect(),
    )
}

/// The font names a PDF embeds (`/FontName /ABCDEF+NotoSansCJKsc-Regular`).
fn pdf_fonts(pdf: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/FontName")
        .map(|(i, _)| {
            text[i + 9..]
                .trim_start()
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '_'))
                .collect()
        })
        .collect()
}

/// A face of the page's CJK stack (as PostScript names spell them).
fn is_cjk_face(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "cjk",
        "sourcehansans",
        "notosanssc",
        "pingfang",
        "hiragino",
        "yahei",
        "wenquanyi",
        "wqy",
    ]
    .iter()
    .any(|f| n.contains(f))
}

/// The page's Chinese is drawn with a CJK face, not as boxes: Chromium
/// prints the zh page to PDF and the PDF embeds one of the stack's CJK
/// faces; with the CJK font files rejected by fontconfig (what a machine
/// without them sees) the same page embeds none, so the check fails for
/// real when the glyphs are tofu.
#[test]
fn the_chinese_page_embeds_a_cjk_face_and_not_without_one() {
    let Some(files) = cjk_font_files() else {
        eprintln!("fc-list not installed: the page's CJK glyphs are not checked");
        return;
    };
    if files.is_empty() {
        eprintln!(
            "no CJK font installed (fc-list :lang=zh is empty): install fonts-noto-cjk \
             (Debian/Ubuntu), google-noto-sans-cjk-fonts (Fedora) or noto-fonts-cjk (Arch) \
             to check the page's Chinese glyphs"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = zh_page(&["replay", "captures/normal.pcap"], dir.path());
    let url = format!("file://{}#step=5&lang=zh", page.display());
    let print = |pdf: &Path, env: &[(&str, &Path)]| -> Option<Vec<String>> {
        let arg = format!("--print-to-pdf={}", pdf.display());
        chromium::run(&url, &[arg.as_str()], env)?;
        Some(pdf_fonts(&std::fs::read(pdf).expect("the PDF is written")))
    };
    let Some(with) = print(&dir.path().join("with.pdf"), &[]) else {
        eprintln!("chromium not installed: the page's CJK glyphs are not checked");
        return;
    };
    assert!(
        with.iter().any(|f| is_cjk_face(f)),
        "the Chinese page embeds no CJK face (its characters are boxes) though fontconfig has {files:?}: {with:?}"
    );
    // fontconfig without the CJK files: the system's configuration plus a
    // rejection of each of them.
    let conf = dir.path().join("fonts.conf");
    let mut xml = String::from(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  \
         <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n  <selectfont><rejectfont>\n",
    );
    for f in &files {
        xml.push_str(&format!("    <glob>{f}</glob>\n"));
    }
    xml.push_str("  </rejectfont></selectfont>\n</fontconfig>\n");
    std::fs::write(&conf, xml).unwrap();
    let without = print(
        &dir.path().join("without.pdf"),
        &[("FONTCONFIG_FILE", &conf)],
    )
    .unwrap();
    assert!(
        !without.iter().any(|f| is_cjk_face(f)),
        "with the CJK fonts hidden the page still embeds one: the check cannot tell tofu apart: {without:?}"
    );
}

// ---- as root: the demo's and watch's outputs ----

fn root() -> bool {
    if nix_is_root() {
        return true;
    }
    eprintln!("skipped: needs root (CAP_NET_RAW)");
    false
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// The code of a `demo --print`: each call line's Python text and what
/// Python printed (up to synack's Chinese remark).
fn code_of(print: &str) -> Vec<String> {
    let mut words = Vec::new();
    for line in print.lines().filter(|l| l.trim_start().starts_with('▸')) {
        let code: String = line
            .chars()
            .take_while(|&c| !matches!(c, '（' | '—'))
            .filter(|c| c.is_ascii())
            .collect();
        for w in code.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            if !w.is_empty() && !words.iter().any(|x: &String| x == w) {
                words.push(w.to_string());
            }
        }
    }
    words
}

#[test]
fn the_demo_printed_and_drawn_in_chinese_has_no_english_word() {
    if !root() {
        return;
    }
    let names = synack::live::exchange::Scenario::ALL.map(synack::demo::scenario_name);
    let mut outputs = Vec::new();
    let mut extra: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    // The page's language menu names each language in itself.
    extra.push("English".to_string());
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        let print = stdout_of(&["demo", "--scenario", name, "--print", "--lang", "zh"]);
        extra.extend(code_of(&print));
        outputs.push((format!("demo {name} --print"), print));
        if matches!(name, "normal" | "abort" | "refused") {
            let svg = stdout_of(&["demo", "--scenario", name, "--svg", "--lang", "zh"]);
            outputs.push((format!("demo {name} --svg"), svg_text(&svg)));
        }
        if matches!(name, "normal" | "abort" | "udp") {
            let page = zh_page(&["demo", "--scenario", name], dir.path());
            if let Some(dom) = dom(&format!("file://{}#step=99&lang=zh", page.display())) {
                outputs.push((format!("demo {name} --html"), html_text(&dom)));
            }
        }
    }
    check(&outputs, &extra);
}

#[test]
fn watch_print_in_chinese_has_no_english_word() {
    if !root() {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let mut watch = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args([
            "watch",
            "--port",
            &port,
            "--print",
            "--connections",
            "1",
            "--lang",
            "zh",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = lines(watch.stdout.take().unwrap());
    let err = lines(watch.stderr.take().unwrap());
    let started = err
        .recv_timeout(Duration::from_secs(20))
        .unwrap_or_default();
    assert!(started.contains("capturing on"), "{started}");
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    client.write_all(b"hello").unwrap();
    let mut buf = [0u8; 5];
    server.read_exact(&mut buf).unwrap();
    drop(client);
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(20);
    while watch.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = watch.kill();
            panic!("synack watch did not stop within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut text = String::new();
    while let Ok(l) = out.recv_timeout(Duration::from_secs(2)) {
        text.push_str(&l);
        text.push('\n');
    }
    assert!(text.contains("连接 0："), "{text}");
    check(&[("watch --print".to_string(), text)], &[]);
}
