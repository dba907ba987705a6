//! Speed of the terminal UI, drawn into a 160×48 `TestBackend`. A bench
//! command, not a test (timings on shared machines are noise):
//!
//! `cargo run --release --example ui_bench [CAPTURE [--picker]]`
//!
//! * A capture of one long connection (`gencap one.pcap 1000000 0`), or
//!   none (a synthetic connection of 1,000,000 segments is built): time to
//!   the first frame and per-frame draw time while walking.
//! * `CAPTURE --picker`, a capture of many connections (`gencap many.pcap
//!   1100000 128 --random`: about 100,000 connections): the capture is
//!   loaded as the TUI loads it (the loading thread feeding the App, a
//!   frame drawn after 200 ms and then every 100 ms), then the time to the
//!   first frame and to the end of the load, counted from the start, the
//!   frame index's size and the peak RSS; each picker key — sort, `/`
//!   filter typed character by character, backspace, moving — with its
//!   redraw; then opening another connection (read again from its own
//!   frames) and walking it.

use std::path::Path;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::decode::TunnelPorts;
use synack::replay;
use synack::ui::{self, Action, App, UiOptions, testdata};

type Term = Terminal<TestBackend>;

fn draw(term: &mut Term, app: &mut App, times: &mut Vec<Duration>) {
    let t = Instant::now();
    term.draw(|f| app.draw(f)).expect("draw");
    times.push(t.elapsed());
}

fn summary(what: &str, times: &mut [Duration]) -> Duration {
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    let max = times.last().copied().unwrap_or_default();
    println!(
        "{what:<28} {} frames, mean {mean:?}, p50 {:?}, max {max:?}",
        times.len(),
        times[times.len() / 2]
    );
    max
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let mut term = Terminal::new(TestBackend::new(160, 48))?;
    let (tracker, frames, kept) = match std::env::args().nth(1) {
        Some(path) => {
            let path = Path::new(&path);
            if std::env::args().nth(2).as_deref() == Some("--picker") {
                return picker_bench(path, t0, &mut term);
            }
            let r = replay::read(path, ui::walk_keep(path, None), TunnelPorts::default())?;
            (r.tracker, r.frame_bytes, r.kept_frames)
        }
        None => (testdata::big_tracker(1_000_000), None, Vec::new()),
    };
    let load = t0.elapsed();
    let n: usize = tracker
        .connections()
        .iter()
        .map(|c| c.steps().len())
        .max()
        .unwrap_or(0);
    let t1 = Instant::now();
    let mut app = App::new(
        tracker,
        UiOptions {
            conn: Some(0),
            ..UiOptions::default()
        },
    );
    if let Some(frames) = frames {
        app = app.with_frames(Box::new(frames));
    } else {
        app = app.with_frames(Box::new(kept));
    }
    app.update(Action::Last);
    term.draw(|f| app.draw(f)).expect("draw");
    let first = t1.elapsed();
    println!("segments (longest connection): {n}");
    println!("load (read + index):  {load:?}");
    println!("first frame:         {first:?}");
    let max = walk(&mut app, &mut term);
    println!(
        "targets: first frame < 1 s: {}; every frame < 16 ms: {}",
        verdict(first < Duration::from_secs(1)),
        verdict(max < Duration::from_millis(16))
    );
    Ok(())
}

/// Walking backwards from the end, jumping around with the diagram and
/// details shown, phase jumps. Returns the slowest frame.
fn walk(app: &mut App, term: &mut Term) -> Duration {
    let mut times = Vec::new();
    let n = app.len();
    app.update(Action::Last);
    for _ in 0..100 {
        app.update(Action::Prev);
        draw(term, app, &mut times);
    }
    app.update(Action::ToggleDiagram);
    for i in 0..100 {
        app.update(Action::Select(i * (n / 100).max(1) % n.max(1)));
        draw(term, app, &mut times);
    }
    app.update(Action::ToggleDetails);
    for _ in 0..50 {
        app.update(Action::Next);
        draw(term, app, &mut times);
    }
    let t = Instant::now();
    app.update(Action::First);
    for _ in 0..3 {
        app.update(Action::NextPhase);
    }
    println!("3 phase jumps:       {:?}", t.elapsed());
    draw(term, app, &mut times);
    summary("walk", &mut times)
}

/// Durations in milliseconds, one decimal.
fn ms(times: &[Duration]) -> Vec<f64> {
    times
        .iter()
        .map(|t| (t.as_secs_f64() * 1e4).round() / 10.0)
        .collect()
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The TUI's way of opening a file: the loading thread feeds the App,
/// the first frame is drawn once the load ends or 200 ms have passed (as
/// `ui::run_until_quit` does), then a frame every 100 ms until it is
/// loaded. Then each picker key with its redraw, and opening a connection
/// (read again from its own frames).
fn picker_bench(
    path: &Path,
    t0: Instant,
    term: &mut Term,
) -> Result<(), Box<dyn std::error::Error>> {
    let reader = synack::capture::CaptureReader::open(path)?;
    let opts = UiOptions {
        file_name: path.display().to_string(),
        ..UiOptions::default()
    };
    let (mut app, small) = ui::loading_app(path, &reader, &TunnelPorts::default(), opts);
    let (tx, rx) = std::sync::mpsc::channel();
    let _loader = synack::replay::loader::spawn(reader, TunnelPorts::default(), small, tx)?;
    let wait = Duration::from_millis(200);
    let mut first = None;
    let mut drawn = Instant::now();
    let mut draws = Vec::new();
    while app.is_loading() {
        let ev = rx.recv_timeout(Duration::from_millis(100));
        if let Ok(ev) = ev {
            app.load_event(ev);
        }
        let due = match first {
            None => t0.elapsed() >= wait || !app.is_loading(),
            Some(_) => drawn.elapsed() >= Duration::from_millis(100),
        };
        if due {
            draw(term, &mut app, &mut draws);
            drawn = Instant::now();
            first.get_or_insert(t0.elapsed());
        }
    }
    draw(term, &mut app, &mut draws);
    let loaded = t0.elapsed();
    let first = first.unwrap_or(loaded);
    let conns = app.tracker.connections().len();
    let index = app.source.load().and_then(|l| l.index());
    println!(
        "connections: {conns}, frames: {}",
        app.source.load().map_or(0, |l| l.progress.frames)
    );
    println!("first frame (from start, progress line): {first:?}");
    println!("loaded (from start):                     {loaded:?}");
    println!(
        "frame index: {} frames, {:.1} MiB, exact: {}",
        index.map_or(0, |i| i.len()),
        index.map_or(0, |i| i.heap_bytes()) as f64 / (1 << 20) as f64,
        index.is_some_and(|i| i.is_exact())
    );
    println!("peak RSS after loading: {:.0} MiB", peak_rss_mib());
    summary("redraws while loading", &mut draws);

    // The terminal loop's ticks (every 50 ms when no key comes) sort the
    // picker's rows ahead, one order a tick.
    let mut ticks = Vec::new();
    for _ in 0..6 {
        let t = Instant::now();
        app.update(Action::Tick);
        ticks.push(t.elapsed());
    }
    println!("  each idle tick: {:?}", ms(&ticks));
    summary("idle ticks (sorting ahead)", &mut ticks);

    // Each key with its redraw, as the terminal loop does.
    let key = |app: &mut App, a: Action, term: &mut Term, keys: &mut Vec<Duration>| {
        let t = Instant::now();
        app.update(a);
        term.draw(|f| app.draw(f)).expect("draw");
        keys.push(t.elapsed());
    };
    let mut sorts = Vec::new();
    for _ in 0..12 {
        key(&mut app, Action::CycleSort, term, &mut sorts); // twice round every column
    }
    println!("  each sort key: {:?}", ms(&sorts));
    let sort_max = summary("sort key (with redraw)", &mut sorts);
    let mut filters = Vec::new();
    key(&mut app, Action::StartFilter, term, &mut filters);
    for c in "10.2.1".chars() {
        key(&mut app, Action::FilterChar(c), term, &mut filters);
    }
    for _ in 0..3 {
        key(&mut app, Action::FilterBackspace, term, &mut filters);
    }
    for c in ":443".chars() {
        key(&mut app, Action::FilterChar(c), term, &mut filters);
    }
    for _ in 0..7 {
        key(&mut app, Action::FilterBackspace, term, &mut filters);
    }
    key(&mut app, Action::Back, term, &mut filters);
    println!("  each filter key: {:?}", ms(&filters));
    let filter_max = summary("/ filter key (with redraw)", &mut filters);
    let mut moves = Vec::new();
    for _ in 0..100 {
        key(&mut app, Action::Down, term, &mut moves);
    }
    let move_max = summary("move key (with redraw)", &mut moves);

    // Opening the highlighted connection: its frames are read again.
    let chosen = app.picker_rows()[app.picker.row];
    app.update(Action::Choose);
    let t = Instant::now();
    if let Some(c) = app.take_load_request()
        && let Some(index) = app.source.load().and_then(|l| l.index())
    {
        let again = synack::replay::index::reopen(
            index,
            app.tracker.connections(),
            c,
            synack::replay::index::WALK_STEPS,
            &mut |_| std::ops::ControlFlow::Continue(()),
        )?
        .expect("nothing stops it");
        app.set_walked(again);
    }
    term.draw(|f| app.draw(f)).expect("draw");
    println!(
        "open connection {chosen} ({} steps): {:?}",
        app.len(),
        t.elapsed()
    );
    let walk_max = walk(&mut app, term);
    println!("peak RSS at the end: {:.0} MiB", peak_rss_mib());
    println!(
        "targets: first frame < 1 s: {}; sort/filter/move keys < 16 ms: {}/{}/{}; walk frames < 16 ms: {}",
        verdict(first < Duration::from_secs(1)),
        verdict(sort_max < Duration::from_millis(16)),
        verdict(filter_max < Duration::from_millis(16)),
        verdict(move_max < Duration::from_millis(16)),
        verdict(walk_max < Duration::from_millis(16))
    );
    Ok(())
}
