//! Speed of the terminal UI, drawn into a 160×48 `TestBackend`. A bench
//! command, not a test (timings on shared machines are noise):
//!
//! `cargo run --release --example ui_bench [CAPTURE]`
//!
//! * A capture of one long connection (`gencap one.pcap 1000000 0`), or
//!   none (a synthetic connection of 1,000,000 segments is built): time to
//!   the first frame and per-frame draw time while walking.
//! * A capture of many connections (`gencap many.pcap 1100000 128
//!   --random`: about 100,000 connections): the capture is read as the
//!   TUI reads it (summaries, one connection's steps), then the time to
//!   the first frame counted from the start (reading included), and each
//!   picker key — sort, `/` filter typed character by character,
//!   backspace, moving — with its redraw; then opening another connection
//!   (the second reading) and walking it.

use std::path::Path;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::decode::TunnelPorts;
use synack::replay::{self, Keep};
use synack::ui::{self, Action, App, UiOptions, testdata};

type Term = Terminal<TestBackend>;

fn draw(term: &mut Term, app: &App, times: &mut Vec<Duration>) {
    let t = Instant::now();
    term.draw(|f| ui::draw(f, app)).expect("draw");
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
            let r = replay::read(path, ui::walk_keep(path, None), TunnelPorts::default())?;
            if r.connections().len() > 1 {
                return picker_bench(path, r, t0, &mut term);
            }
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
    term.draw(|f| ui::draw(f, &app)).expect("draw");
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

fn picker_bench(
    path: &Path,
    r: replay::Replay,
    t0: Instant,
    term: &mut Term,
) -> Result<(), Box<dyn std::error::Error>> {
    let conns = r.connections().len();
    let frames_read = r.frames;
    let load = t0.elapsed();
    let mut app = App::new(r.tracker, UiOptions::default()).with_frames(Box::new(r.kept_frames));
    term.draw(|f| ui::draw(f, &app)).expect("draw");
    let first = t0.elapsed();
    println!("connections: {conns}, frames: {frames_read}");
    println!("load (summaries + connection 0's steps): {load:?}");
    println!("first frame (from start):                {first:?}");

    // Each key with its redraw, as the terminal loop does.
    let mut keys = Vec::new();
    let key = |app: &mut App, a: Action, term: &mut Term, keys: &mut Vec<Duration>| {
        let t = Instant::now();
        app.update(a);
        term.draw(|f| ui::draw(f, app)).expect("draw");
        keys.push(t.elapsed());
    };
    for _ in 0..12 {
        key(&mut app, Action::CycleSort, term, &mut keys); // twice round every column
    }
    key(&mut app, Action::StartFilter, term, &mut keys);
    for c in "10.2.1".chars() {
        key(&mut app, Action::FilterChar(c), term, &mut keys);
    }
    for _ in 0..3 {
        key(&mut app, Action::FilterBackspace, term, &mut keys);
    }
    for c in ":443".chars() {
        key(&mut app, Action::FilterChar(c), term, &mut keys);
    }
    for _ in 0..7 {
        key(&mut app, Action::FilterBackspace, term, &mut keys);
    }
    key(&mut app, Action::Back, term, &mut keys);
    for _ in 0..100 {
        key(&mut app, Action::Down, term, &mut keys);
    }
    let max = summary("picker keys (with redraw)", &mut keys);

    // Opening the highlighted connection: the TUI reads the file again.
    let chosen = app.picker_rows()[app.picker.row];
    app.update(Action::Choose);
    let t = Instant::now();
    let again = replay::read(path, Keep::OneWithFrames(chosen), TunnelPorts::default())?;
    app.set_tracker(again.tracker);
    app.set_frames(Box::new(again.kept_frames));
    term.draw(|f| ui::draw(f, &app)).expect("draw");
    println!(
        "open connection {chosen} ({} steps): {:?}",
        app.len(),
        t.elapsed()
    );
    let walk_max = walk(&mut app, term);
    println!(
        "targets: first frame < 1 s: {}; picker keys < 16 ms: {}; walk frames < 16 ms: {}",
        verdict(first < Duration::from_secs(1)),
        verdict(max < Duration::from_millis(16)),
        verdict(walk_max < Duration::from_millis(16))
    );
    Ok(())
}
