//! Speed of the terminal UI on a one-million-segment connection: time to
//! the first frame and per-frame draw time into a 160×48 `TestBackend`.
//! Ignored by default; run with
//! `cargo test --release --test ui_bench -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use synack::ui::{self, Action, App, UiOptions, testdata};

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn one_million_segments_draw_within_a_frame_budget() {
    let n = 1_000_000;
    let t0 = Instant::now();
    let tracker = testdata::big_tracker(n);
    let load = t0.elapsed();
    assert_eq!(tracker.connections()[0].steps.len(), n);

    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let t1 = Instant::now();
    let mut app = App::new(tracker, UiOptions::default());
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
    println!("segments:            {n}");
    println!("load (ingest):       {load:?}");
    println!("first frame:         {first:?}");
    println!("frames drawn:        {}", times.len());
    println!("frame mean/p50/max:  {mean:?} / {p50:?} / {max:?}");
    println!("3 phase jumps:       {phase_jumps:?}");
    assert!(first < Duration::from_secs(1), "first frame {first:?}");
    assert!(max < Duration::from_millis(16), "slowest frame {max:?}");
}
