//! Runs the terminal UI on the built-in demo capture (a full connection
//! with a retransmission and a refused one), for manual testing:
//! `cargo run --example tui_demo [zh] [live]`. With `live`, the segments
//! arrive one by one every 700 ms, as a live capture would feed them.

use std::sync::mpsc::channel;
use std::thread;
use std::time::Duration;

use synack::conversation::Tracker;
use synack::i18n::Lang;
use synack::ui::{self, App, AppEvent, UiOptions, testdata};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lang = if args.iter().any(|a| a == "zh") {
        Lang::Zh
    } else {
        Lang::from_env()
    };
    let live = args.iter().any(|a| a == "live");
    let opts = UiOptions {
        lang,
        file_name: "demo".into(),
        conn: if live { Some(0) } else { None },
        ..UiOptions::default()
    };
    let (tx, rx) = channel();
    ui::spawn_input(tx.clone());
    let app = if live {
        thread::spawn(move || {
            for seg in testdata::demo_segments() {
                thread::sleep(Duration::from_millis(700));
                if tx.send(AppEvent::Segment(seg)).is_err() {
                    return;
                }
            }
            let _ = tx.send(AppEvent::SourceEnded);
        });
        App::new(Tracker::new(), opts).with_live(true)
    } else {
        App::new(testdata::demo_tracker(), opts)
    };
    ui::run_app(app, rx)
}
