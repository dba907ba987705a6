//! Speed of the terminal UI on a one-million-segment connection: time to
//! the first frame and per-frame draw time into a 160×48 `TestBackend`.
//! A bench command, not a test (timings on shared machines are noise):
//!
//! `cargo run --release --example ui_bench [CAPTURE]`
//!
//! With a capture (e.g. one written by `examples/gencap.rs` with a single
//! connection: `gencap big.pcap 1000000 1`) it is read and indexed first;
//! without one a synthetic connection of 1,000,000 segments is built.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::ui::{self, Action, App, UiOptions, testdata};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let t0 = Instant::now();
    let (tracker, frames) = match std::env::args().nth(1) {
        Some(path) => {
            let replay = synack::replay::load_with_frames(std::path::Path::new(&path))?;
            (replay.tracker, replay.frame_bytes)
        }
        None => (testdata::big_tracker(1_000_000), None),
    };
    let load = t0.elapsed();
    let n: usize = tracker
        .connections()
        .iter()
        .map(|c| c.steps.len())
        .max()
        .unwrap_or(0);

    let mut term = Terminal::new(TestBackend::new(160, 48))?;
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
    }
    app.update(Action::Last);
    term.draw(|f| ui::draw(f, &app)).expect("draw");
    let first = t1.elapsed();

    let mut times: Vec<Duration> = Vec::new();
    let mut frame = |app: &App, times: &mut Vec<Duration>| {
        let t = Instant::now();
        term.draw(|f| ui::draw(f, app)).expect("draw");
        times.push(t.elapsed());
    };
    // Walking backwards from the end, jumping around, with the diagram
    // and details shown, and phase jumps over the whole million.
    for _ in 0..100 {
        app.update(Action::Prev);
        frame(&app, &mut times);
    }
    app.update(Action::ToggleDiagram);
    for i in 0..100 {
        app.update(Action::Select(i * 9_973));
        frame(&app, &mut times);
    }
    app.update(Action::ToggleDetails);
    for _ in 0..50 {
        app.update(Action::Next);
        frame(&app, &mut times);
    }
    let t = Instant::now();
    app.update(Action::First);
    app.update(Action::NextPhase);
    app.update(Action::NextPhase);
    app.update(Action::NextPhase);
    let phase_jumps = t.elapsed();
    frame(&app, &mut times);

    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let p50 = times[times.len() / 2];
    let max = *times.last().expect("frames");
    println!("segments (longest connection): {n}");
    println!("load (read + index):  {load:?}");
    println!("first frame:         {first:?}");
    println!("frames drawn:        {}", times.len());
    println!("frame mean/p50/max:  {mean:?} / {p50:?} / {max:?}");
    println!("3 phase jumps:       {phase_jumps:?}");
    println!(
        "targets: first frame < 1 s: {}; every frame < 16 ms: {}",
        if first < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        },
        if max < Duration::from_millis(16) {
            "met"
        } else {
            "MISSED"
        }
    );
    Ok(())
}
