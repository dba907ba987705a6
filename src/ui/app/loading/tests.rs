//! A big file's walk, as the loading thread feeds it: the progress line
//! while it loads, the picker filling, a connection read again from its
//! own frames when chosen, its hex dump read from the file, and how a load
//! ends when the walk cannot go on.

use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::time::Duration;

use super::super::super::testdata::screen;
use super::super::super::{ThemeName, UiOptions};
use super::*;
use crate::capture::CaptureReader;
use crate::conversation::KeepSteps;
use crate::decode::TunnelPorts;
use crate::i18n::Lang;
use crate::replay::index::{Access, reopen};
use crate::replay::loader;
use crate::ui::AppEvent;

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn opts(lang: Lang, conn: Option<usize>) -> UiOptions {
    UiOptions {
        lang,
        theme: ThemeName::Dark,
        conn,
        file_name: "backlog.pcap".into(),
        quiz: false,
    }
}

/// The App for `path` read as a big file (summaries and a frame index),
/// and every event the loading thread sends for it.
fn big_file(path: &Path, lang: Lang, conn: Option<usize>) -> (App, Vec<LoadEvent>) {
    let reader = CaptureReader::open(path).unwrap();
    let index = FrameIndex::new(path, TunnelPorts::default(), Access::of(&reader));
    let keep = conn.map_or(KeepSteps::Summaries, KeepSteps::Only);
    let load = Load::new("backlog.pcap".into(), Some(index), conn);
    let app = App::loading(Tracker::keeping(keep), opts(lang, conn), load);
    let (tx, rx) = channel();
    let _loader = loader::spawn(reader, TunnelPorts::default(), false, tx).unwrap();
    let mut events = Vec::new();
    loop {
        let ev = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the loader");
        let end = !matches!(ev, LoadEvent::Batch(_));
        events.push(ev);
        if end {
            return (app, events);
        }
    }
}

#[test]
fn a_big_file_shows_progress_then_the_picker_then_a_connection_read_again() {
    let path = capture("demo-backlog.pcap");
    let (mut app, events) = big_file(&path, Lang::En, None);
    assert_eq!(app.mode, Mode::Picker);
    assert!(app.is_loading());
    let (done, batches): (Vec<_>, Vec<_>) = events
        .into_iter()
        .partition(|e| matches!(e, LoadEvent::Done { .. }));
    for b in batches {
        assert!(app.load_event(b));
    }
    // Loading: the rows read so far, and how far the reading has got.
    let s = screen(&mut app, 130, 20);
    assert!(s.contains("reading backlog.pcap: 0.0 / 0.0 MB"), "{s}");
    assert!(s.contains(" frames, 3 connections"), "{s}");
    assert!(s.contains("127.0.0.2:39473"), "{s}");
    for d in done {
        app.load_event(d);
    }
    assert!(!app.is_loading() && !app.quit);
    let s = screen(&mut app, 130, 20);
    assert!(!s.contains("reading "), "{s}");
    assert!(
        app.tracker
            .connections()
            .iter()
            .all(|c| c.steps().is_empty())
    );

    // Choosing connection 1: its steps were not kept, the file is asked for.
    app.update(Action::Down);
    app.update(Action::Choose);
    assert_eq!(app.load_request(), Some(1));
    assert_eq!(app.len(), 0);
    let index = app.source.load().and_then(|l| l.index()).unwrap();
    let again = reopen(index, app.tracker.connections(), 1, 100_000, &mut |_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap()
    .expect("not stopped");
    app.set_walked(again);
    assert_eq!(app.len(), 9);
    assert!(!app.needs_reading(1), "read once is enough");
    assert!(app.needs_reading(2));
    app.update(Action::Last);
    app.update(Action::ToggleDetails);
    let s = screen(&mut app, 130, 60);
    assert!(s.contains("step 9/9"), "{s}");
    // The hex dump, read from the file.
    let frame = app.current_step().unwrap().segment.frame.number;
    let whole = crate::replay::load_with_frames(&path).unwrap();
    let want = &whole.frame_bytes.unwrap()[frame as usize - 1];
    assert_eq!(app.frame_bytes(frame).as_deref(), Some(want.as_slice()));
    assert!(s.contains("0000  "), "{s}");
}

#[test]
fn the_progress_line_speaks_chinese() {
    let (mut app, events) = big_file(&capture("demo-backlog.pcap"), Lang::Zh, None);
    let first = events.into_iter().next().unwrap();
    app.load_event(first);
    let s = screen(&mut app, 130, 20);
    assert!(s.contains("正在读取 backlog.pcap："), "{s}");
    assert!(s.contains("帧，3 个连接"), "{s}");
}

#[test]
fn a_file_of_one_connection_opens_its_walk_when_loaded() {
    let (mut app, events) = big_file(&capture("normal.pcap"), Lang::En, None);
    assert_eq!(app.mode, Mode::Picker);
    for e in events {
        app.load_event(e);
    }
    assert_eq!(app.mode, Mode::Walk);
    assert_eq!(app.load_request(), Some(0));
}

#[test]
fn conn_n_beyond_the_file_ends_the_walk() {
    let (mut app, events) = big_file(&capture("demo-backlog.pcap"), Lang::En, Some(7));
    assert_eq!(app.mode, Mode::Walk);
    for e in events {
        app.load_event(e);
    }
    assert!(app.quit);
    let end = app.source.load().and_then(|l| l.end.clone());
    assert_eq!(end, Some(LoadEnd::NoSuchConnection { asked: 7, count: 3 }));
}

#[test]
fn conn_n_keeps_its_steps_while_loading() {
    let (mut app, events) = big_file(&capture("demo-backlog.pcap"), Lang::En, Some(2));
    for e in events {
        app.load_event(e);
    }
    assert!(!app.quit);
    assert_eq!(app.walk.conn, 2);
    assert_eq!(app.len(), 9);
    assert_eq!(app.load_request(), None);
}

#[test]
fn a_failed_read_quits_with_its_line() {
    let (mut app, _) = big_file(&capture("normal.pcap"), Lang::En, None);
    app.load_event(LoadEvent::Failed("x.pcap: damaged".into()));
    assert!(app.quit);
    assert_eq!(
        app.source.load().and_then(|l| l.end.clone()),
        Some(LoadEnd::Failed("x.pcap: damaged".into()))
    );
}

#[test]
fn keys_while_loading_keep_the_picker_open() {
    let (mut app, events) = big_file(&capture("normal.pcap"), Lang::En, None);
    app.handle(crate::ui::AppEvent::Key(
        ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char('o')),
    ));
    for e in events {
        app.load_event(e);
    }
    assert_eq!(app.mode, Mode::Picker);
    assert_eq!(app.load_request(), None);
}

#[test]
fn the_loaded_model_counts_what_a_whole_reading_counts() {
    let mut counted = 0;
    for name in ["arp-only.pcap", "any-sll.pcap", "erspan1.pcap", "etag.pcap"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        let (mut app, events) = big_file(&path, Lang::En, None);
        for e in events {
            app.load_event(e);
        }
        let whole = crate::replay::summarize(&path).unwrap();
        assert_eq!(app.tracker.skipped, whole.skipped(), "{name}");
        assert_eq!(
            app.tracker.connections().len(),
            whole.connections().len(),
            "{name}"
        );
        counted += whole.skipped().not_tcp;
    }
    assert!(counted > 0, "no frame was counted");
}

#[test]
fn a_connection_read_again_keeps_at_most_the_step_limit() {
    let path = capture("demo-backlog.pcap");
    let (mut app, events) = big_file(&path, Lang::En, None);
    for e in events {
        app.load_event(e);
    }
    let index = app.source.load().and_then(|l| l.index()).unwrap();
    let again = reopen(index, app.tracker.connections(), 2, 4, &mut |_| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap()
    .expect("not stopped");
    assert_eq!(again.connection.steps().len(), 4);
    assert_eq!(again.connection.packets(), 9, "counts go on");
    assert_eq!(again.connection.steps_not_kept(), 5);
    let last_kept = again.connection.steps()[3].segment.frame.number;
    assert!(again.frames.frame(last_kept).is_some());
    app.walk.conn = 2;
    app.set_walked(again);
    assert!(
        !app.needs_reading(2),
        "a capped reading is the whole reading"
    );
    let s = screen(&mut app, 130, 30);
    assert!(s.contains("first 4 of 9 steps kept"), "{s}");
}

#[test]
fn conn_n_past_the_step_limit_says_so_when_loaded() {
    let path = capture("demo-backlog.pcap");
    let reader = CaptureReader::open(&path).unwrap();
    let index = FrameIndex::new(&path, TunnelPorts::default(), Access::of(&reader));
    let tracker = Tracker::keeping(KeepSteps::Only(1)).with_step_limit(3);
    let load = Load::new("backlog.pcap".into(), Some(index), Some(1));
    let mut app = App::loading(tracker, opts(Lang::Zh, Some(1)), load);
    let (tx, rx) = channel();
    let _loader = loader::spawn(reader, TunnelPorts::default(), false, tx).unwrap();
    while app.is_loading() {
        let ev = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the loader");
        app.load_event(ev);
    }
    assert_eq!(app.len(), 3);
    let w = app.warning.clone().unwrap_or_default();
    assert!(w.contains("只保留了前 3 步（共 9 步）"), "{w}");
}

#[test]
fn a_reading_stopped_by_esc_goes_back_to_the_picker_and_by_q_quits() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let key = |code| Some(AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let path = capture("demo-backlog.pcap");
    let (mut app, events) = big_file(&path, Lang::En, None);
    for e in events {
        app.load_event(e);
    }
    app.update(Action::Down);
    app.update(Action::Choose);
    assert_eq!(app.take_load_request(), Some(1));
    assert_eq!(app.mode, Mode::Walk);
    // Esc while connection 1 is read: back to the picker on its row,
    // nothing of it kept, so choosing it again reads it again.
    app.reading_stopped(key(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Picker);
    assert!(!app.quit);
    assert_eq!(app.picker_rows()[app.picker.row], 1);
    assert!(app.walked(1).is_none() && app.needs_reading(1));
    app.update(Action::Choose);
    assert_eq!(app.take_load_request(), Some(1));
    // q quits.
    app.reading_stopped(key(KeyCode::Char('q')));
    assert!(app.quit);
}
