//! Every screen in Chinese, checked for English words left untranslated
//! ([`crate::i18n::untranslated`]): the live demo of every scenario (its
//! calls performed for real on loopback, fed to the UI as the worker
//! would), the replay of every capture in `captures/` with its details,
//! state diagram, help and picker, the watch (empty, then fed the decoded
//! frames and the kernel records of `captures/normal.pcap`), and the quiz.
//! The test fails with one line per screen naming the words.

use std::sync::mpsc::{Receiver, channel};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::live::{Demo, DemoEvent, DemoStart, LiveCmd};
use super::testdata::screen;
use super::watch::WatchUi;
use super::{AppEvent, ThemeName, UiOptions};
use crate::conversation::Tracker;
use crate::i18n::Lang;
use crate::i18n::untranslated::report;
use crate::live::exchange::{Exchange, ExchangeConfig, Scenario};
use crate::ui::App;
use crate::watch::{KernelView, WatchEvent};

/// Sizes every screen is drawn at: roomy, the classroom's, the smallest.
const SIZES: [(u16, u16); 3] = [(160, 45), (120, 36), (80, 24)];

fn key(c: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        app.handle(key(KeyCode::Char(c)));
    }
}

fn zh(conn: Option<usize>, file: &str) -> UiOptions {
    UiOptions {
        lang: Lang::Zh,
        theme: ThemeName::Dark,
        conn,
        file_name: file.into(),
        quiz: false,
    }
}

/// The screens of `app` at every size, named `name@WxH`.
fn shots(out: &mut Vec<(String, String)>, app: &mut App, name: &str) {
    for (w, h) in SIZES {
        out.push((format!("{name} @{w}x{h}"), screen(app, w, h)));
    }
}

/// The overlays over the walk: help, details, diagram, picker.
fn overlays(out: &mut Vec<(String, String)>, app: &mut App, name: &str) {
    press(app, "?");
    shots(out, app, &format!("{name} help"));
    app.handle(key(KeyCode::Esc));
    press(app, "d");
    shots(out, app, &format!("{name} details"));
    app.handle(key(KeyCode::Esc));
    press(app, "s");
    shots(out, app, &format!("{name} diagram"));
    press(app, "s");
    press(app, "e");
    shots(out, app, &format!("{name} explanation"));
    press(app, "e");
}

/// Words of the demo's script and of what Python printed (code, not prose).
fn code_words(texts: &[String]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for t in texts {
        for w in t.split(|c: char| !c.is_ascii_alphanumeric() && c != '_') {
            // A code word cut by its column is code too: `shutdo`.
            for end in (3..=w.len()).filter(|&e| w.is_char_boundary(e)) {
                let part = &w[..end];
                if !words.iter().any(|x| x == part) {
                    words.push(part.to_string());
                }
            }
        }
    }
    words
}

fn check(screens: &[(String, String)], extra: &[String]) {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let found = report(screens, &extra);
    if let Ok(dir) = std::env::var("SYNACK_ZH_DUMP") {
        for (name, text) in screens {
            let file = name.replace(['/', ' ', '@'], "_");
            let _ = std::fs::write(std::path::Path::new(&dir).join(file), text);
        }
    }
    assert!(
        found.is_empty(),
        "English words on Chinese screens ({} screens checked):\n{found}",
        screens.len()
    );
}

/// A demo of `scenario` driven to its end, every call performed for real
/// on loopback, the bundled capture's segments fed along the calls.
fn demo_screens(scenario: Scenario, out: &mut Vec<(String, String)>, code: &mut Vec<String>) {
    let mut ex = Exchange::new(scenario, ExchangeConfig::default()).expect("exchange");
    let calls = ex.calls().to_vec();
    code.extend(calls.iter().map(|c| c.text.clone()));
    let segs: Vec<_> = crate::demo::bundled_capture(scenario)
        .and_then(|(n, b)| crate::replay::load_bytes(n, b).ok())
        .map(|r| {
            r.connections()
                .iter()
                .flat_map(|c| c.steps().iter().map(|s| s.segment.clone()))
                .collect()
        })
        .unwrap_or_default();
    let (tx, cmds): (_, Receiver<LiveCmd>) = channel();
    let mut app = App::new(Tracker::new(), zh(Some(0), scenario_name(scenario)))
        .with_live(true)
        .with_demo(Demo::new(scenario, Some(tx)));
    app.handle(AppEvent::Demo(DemoEvent::Started(DemoStart {
        scenario,
        calls: calls.clone(),
        kernel_unavailable: Some("需要 root 权限".into()),
        offline: None,
    })));
    let name = format!("demo {}", scenario_name(scenario));
    shots(out, &mut app, &format!("{name} start"));
    let per_call = segs.len().div_ceil(calls.len().max(1)).max(1);
    let mut segs = segs.into_iter();
    for i in 0..calls.len() {
        app.handle(key(KeyCode::Right));
        let _ = cmds.try_recv();
        for seg in segs.by_ref().take(per_call) {
            app.handle(AppEvent::Demo(DemoEvent::Segment(seg)));
        }
        let result = ex.next().expect("a call left").map_err(|e| e.to_string());
        if let Ok(o) = &result {
            code.push(o.value().to_string());
        }
        app.handle(AppEvent::Demo(DemoEvent::Call { index: i, result }));
        if i % 3 == 0 || i + 1 == calls.len() {
            shots(out, &mut app, &format!("{name} call {}", i + 1));
        }
    }
    overlays(out, &mut app, &name);
    press(&mut app, "m");
    shots(out, &mut app, &format!("{name} scenarios"));
    app.handle(key(KeyCode::Esc));
    let mut offline = App::new(Tracker::new(), zh(Some(0), "demo"));
    offline.go_offline(scenario, "没有 CAP_NET_RAW；请用 sudo 运行".into());
    offline.handle(key(KeyCode::End));
    shots(out, &mut offline, &format!("{name} offline"));
}

fn scenario_name(s: Scenario) -> &'static str {
    crate::demo::scenario_name(s)
}

#[test]
fn every_demo_scenario_in_chinese_has_no_english_word() {
    let mut screens = Vec::new();
    let mut code = Vec::new();
    let mut extra = Vec::new();
    for scenario in Scenario::ALL {
        demo_screens(scenario, &mut screens, &mut code);
        // `--scenario NAME`: a name the user types, checked whole.
        extra.push(scenario_name(scenario).to_string());
    }
    extra.extend(code_words(&code));
    check(&screens, &extra);
}

/// Every capture of `captures/`: each step (up to 40), then the overlays
/// and the picker.
#[test]
fn every_capture_replayed_in_chinese_has_no_english_word() {
    let names = super::testdata::capture_files("captures");
    let mut screens = Vec::new();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let r = crate::replay::load(&path).expect("loads");
        let frames = r.frame_bytes.clone().unwrap_or_default();
        let mut app = App::new(r.tracker, zh(Some(0), &name)).with_frames(Box::new(frames));
        for step in 0..40 {
            if step % 4 == 0 {
                let (w, h) = SIZES[(step / 4) % SIZES.len()];
                screens.push((
                    format!("{name} step {step} @{w}x{h}"),
                    screen(&mut app, w, h),
                ));
            }
            app.handle(key(KeyCode::Right));
        }
        app.handle(key(KeyCode::End));
        shots(&mut screens, &mut app, &format!("{name} end"));
        overlays(&mut screens, &mut app, &name);
        press(&mut app, "r");
        shots(&mut screens, &mut app, &format!("{name} absolute"));
        press(&mut app, "c");
        shots(&mut screens, &mut app, &format!("{name} picker"));
    }
    // The test captures (tunnels, reassembly, damaged and cut headers,
    // ICMP): the walk's end and every segment's details.
    for path in super::testdata::capture_files("tests/data") {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Ok(r) = crate::replay::load(&path) else {
            continue;
        };
        let mut app = App::new(r.tracker, zh(Some(0), &name));
        app.handle(key(KeyCode::End));
        screens.push((format!("tests/data/{name} end"), screen(&mut app, 120, 36)));
        press(&mut app, "d");
        for step in 0..app.len().min(30) {
            app.update(super::Action::Select(step));
            screens.push((
                format!("tests/data/{name} details {step}"),
                screen(&mut app, 120, 36),
            ));
        }
    }
    // Payload bytes shown in the hex dump's text column are data.
    check(&screens, &["hello", "still", "here"].map(String::from));
}

/// The watch: the empty screen, then `normal.pcap`'s segments and kernel
/// records as the watch thread sends them.
#[test]
fn the_watch_in_chinese_has_no_english_word() {
    let mut screens = Vec::new();
    for (ports, kernel) in [
        (vec![], Some("需要 root 权限".to_string())),
        (vec![8090], None),
    ] {
        let view = KernelView::new(
            vec!["10.99.0.1".parse().unwrap(), "10.99.0.2".parse().unwrap()],
            kernel,
        );
        let ui = WatchUi::for_test("lo", ports.clone(), view);
        let mut app = App::new(Tracker::new(), zh(Some(0), "lo")).with_watch(ui);
        shots(&mut screens, &mut app, &format!("watch empty {ports:?}"));
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/normal.pcap");
        let r = crate::replay::load(&path).expect("loads");
        let steps = r.connections()[0].steps().to_vec();
        for (i, step) in steps.iter().enumerate() {
            app.handle(AppEvent::Watch(WatchEvent::Decoded(
                crate::decode::Decoded::Tcp(step.segment.clone()),
            )));
            if i == 2 {
                shots(
                    &mut screens,
                    &mut app,
                    &format!("watch handshake {ports:?}"),
                );
            }
        }
        let tsv = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/normal.kernel.tsv"),
        )
        .unwrap();
        for k in kernel_records(&tsv) {
            app.handle(AppEvent::Watch(WatchEvent::Kernel(k)));
        }
        shots(&mut screens, &mut app, &format!("watch end {ports:?}"));
        app.handle(key(KeyCode::Left));
        shots(&mut screens, &mut app, &format!("watch paused {ports:?}"));
        overlays(&mut screens, &mut app, &format!("watch {ports:?}"));
        press(&mut app, "c");
        shots(&mut screens, &mut app, &format!("watch picker {ports:?}"));
    }
    // The empty screen's frame is titled with the command: `synack watch`.
    check(&screens, &["watch".to_string()]);
}

/// The transitions of a `STEM.kernel.tsv` (`captures/make-captures.sh`).
fn kernel_records(tsv: &str) -> Vec<crate::live::kernel::KernelTransition> {
    tsv.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let st = |n: &str| crate::state::TcpState::from_name(n).expect("state");
            crate::live::kernel::KernelTransition {
                ts: f[0].parse().expect("time"),
                local: f[2].parse().expect("address"),
                remote: f[3].parse().expect("address"),
                from: st(f[4]),
                to: st(f[5]),
                raw_from: format!("TCP_{}", f[4]),
                raw_to: format!("TCP_{}", f[5]),
            }
        })
        .collect()
}

/// The quiz: a question, a wrong answer's verdict, the summary.
#[test]
fn the_quiz_in_chinese_has_no_english_word() {
    let mut screens = Vec::new();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/normal.pcap");
    let r = crate::replay::load(&path).expect("loads");
    let mut opts = zh(Some(0), "normal.pcap");
    opts.quiz = true;
    let mut app = App::new(r.tracker, opts);
    shots(&mut screens, &mut app, "quiz question");
    for i in 0..14 {
        app.handle(key(KeyCode::Enter));
        if i < 3 {
            shots(&mut screens, &mut app, &format!("quiz verdict {i}"));
        }
        app.handle(key(KeyCode::Enter));
    }
    shots(&mut screens, &mut app, "quiz summary");
    press(&mut app, "?");
    shots(&mut screens, &mut app, "quiz help");
    check(&screens, &[]);
}
