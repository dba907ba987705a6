//! Fuzz harnesses: arbitrary bytes through each of synack's doors, with
//! nothing but a panic, a hang or a blow-up counting as a failure. The same
//! functions run under cargo-fuzz (`fuzz/`, nightly, coverage-guided) and
//! in `cargo test` (`tests/fuzz_smoke.rs`: a fixed count of deterministic
//! mutations of the seed captures, on stable), so a panic introduced later
//! is caught by the ordinary test run.
//!
//! * [`capture_pipeline`]: the bytes as a capture file (plain, gzip or
//!   zstd) → reader → the feed → tracker → every renderer (list, ladder,
//!   JSON, SVG, HTML).
//! * [`live_frame`]: the bytes as one frame from the live packet socket
//!   (the sniffer's port filter, then the decoder and the tracker).
//! * [`tui`]: a bundled capture in the walk-through, driven by the bytes
//!   read as key, mouse, resize and tick events, every screen drawn.
//!
//! Pure: no files, terminal, clock or network (the TUI draws into ratatui's
//! `TestBackend`).

use std::ops::ControlFlow;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::capture::{CaptureReader, LinkType};
use crate::conversation::Tracker;
use crate::decode::Decoded;
use crate::feed::{Fed, Feed, Sink, no_progress};
use crate::i18n::Lang;
use crate::live::exchange::Scenario;
use crate::live::sniffer::{Filter, OwnedFrame, tcp_ports};
use crate::output::{self, Style, SvgOptions};
use crate::ui::{App, AppEvent, ThemeName, UiOptions};

/// Frames read from one input at most (a few KiB of input cannot hold
/// more real frames; this bounds the work per input).
const MAX_FRAMES: u64 = 10_000;

/// The bytes as a capture file, through every stage and every renderer.
pub fn capture_pipeline(data: &[u8]) {
    let Ok(mut reader) = CaptureReader::from_bytes("fuzz.pcap", data.to_vec()) else {
        return;
    };
    let mut feed = Feed::new();
    let mut sink = Bounded {
        tracker: Tracker::new(),
        left: MAX_FRAMES,
    };
    // A damaged input ends the reading; what was read is rendered.
    let _ = feed.run(&mut reader, &mut sink, &mut no_progress);
    let _ = feed.warnings(&reader);
    render_all(&sink.tracker, feed.origin().unwrap_or_default());
}

/// The model, stopping the reading after so many frames.
struct Bounded {
    tracker: Tracker,
    left: u64,
}

impl Sink for Bounded {
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        let _ = self.tracker.take(fed, decoded);
        self.left -= 1;
        if self.left == 0 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// Every export of every connection, in both number styles.
fn render_all(tracker: &Tracker, origin: Duration) {
    let conns: Vec<_> = tracker.connections().iter().collect();
    for relative in [true, false] {
        let style = Style {
            relative,
            color: relative,
            origin,
            lang: if relative {
                crate::i18n::Lang::En
            } else {
                crate::i18n::Lang::Zh
            },
        };
        let _ = output::list(&conns, &style);
        let _ = output::document("fuzz.pcap", conns.iter().copied(), tracker.skipped, &style);
        for conn in &conns {
            let _ = output::ladder(conn, &style);
            let figure = SvgOptions {
                relative,
                time_scale: !relative,
                lang: if relative { Lang::En } else { Lang::Zh },
                ..SvgOptions::default()
            };
            let _ = output::svg(conn, &figure);
        }
        let _ = output::html::page("fuzz.pcap", &conns, tracker.skipped, &style, Lang::En, None);
    }
}

/// The bytes as one Ethernet frame from the live capture: the sniffer's
/// port filter, then the decoder and a tracker, then the ladder.
pub fn live_frame(data: &[u8]) {
    let _ = tcp_ports(data);
    let _ = crate::live::sniffer::datagram_ports(data);
    for datagrams in [false, true] {
        let filter = Filter {
            ports: vec![80, 443],
            datagrams,
            hosts: vec!["127.0.0.1".parse().expect("an address")],
            expression: None,
        };
        let _ = filter.matches(data);
    }
    let _ = crate::live::sniffer::ip_addrs(data);
    let frame = OwnedFrame {
        ts: Duration::from_secs(1),
        link: LinkType::Ethernet,
        data: data.to_vec(),
    };
    let mut tracker = Tracker::new();
    let mut feed = Feed::new();
    // Twice: the second copy meets the state the first one left.
    for _ in 1..=2 {
        feed.push(&frame, &mut tracker);
    }
    let style = Style {
        relative: true,
        color: false,
        origin: Duration::ZERO,
        lang: crate::i18n::Lang::En,
    };
    for conn in tracker.connections() {
        let _ = output::ladder(conn, &style);
    }
}

/// Keys the walk-through knows, and a few it does not.
const KEYS: &[KeyCode] = &[
    KeyCode::Char('l'),
    KeyCode::Char('h'),
    KeyCode::Char('j'),
    KeyCode::Char('k'),
    KeyCode::Char('n'),
    KeyCode::Char('N'),
    KeyCode::Char(' '),
    KeyCode::Char('+'),
    KeyCode::Char('-'),
    KeyCode::Char('c'),
    KeyCode::Char('d'),
    KeyCode::Char('s'),
    KeyCode::Char('r'),
    KeyCode::Char('t'),
    KeyCode::Char('?'),
    KeyCode::Char('/'),
    KeyCode::Char('o'),
    KeyCode::Char('m'),
    KeyCode::Char('g'),
    KeyCode::Char('G'),
    KeyCode::Char('x'),
    KeyCode::Char('中'),
    KeyCode::Char('1'),
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Enter,
    KeyCode::Backspace,
    KeyCode::Tab,
    KeyCode::Esc,
    KeyCode::F(1),
];

/// Largest terminal the harness resizes to (cells are allocated per draw).
const MAX_COLS: u16 = 320;
const MAX_ROWS: u16 = 120;
/// Events taken from one input at most.
const MAX_EVENTS: usize = 400;

/// Reads the next event from `bytes` (two or three bytes each).
fn next_event(bytes: &mut &[u8]) -> Option<AppEvent> {
    let (&op, rest) = bytes.split_first()?;
    let (&a, rest) = rest.split_first()?;
    *bytes = rest;
    let mut third = || {
        let (&b, rest) = bytes.split_first().unwrap_or((&0, &[]));
        *bytes = rest;
        b
    };
    Some(match op % 8 {
        // Esc and q are rarer, or the walk would end at once.
        0..=3 => {
            let code = KEYS[usize::from(a) % KEYS.len()];
            AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
        }
        4 => {
            let code = if a % 2 == 0 {
                KeyCode::Char('q')
            } else {
                KeyCode::Char('c')
            };
            let mods = if a % 4 < 2 {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::SHIFT
            };
            AppEvent::Key(KeyEvent::new(code, mods))
        }
        5 => {
            let kind = match a % 4 {
                0 => MouseEventKind::ScrollUp,
                1 => MouseEventKind::ScrollDown,
                2 => MouseEventKind::Down(MouseButton::Left),
                _ => MouseEventKind::Moved,
            };
            AppEvent::Mouse(MouseEvent {
                kind,
                column: u16::from(third()),
                row: u16::from(third()),
                modifiers: KeyModifiers::NONE,
            })
        }
        6 => AppEvent::Resize(
            u16::from(a) % MAX_COLS + 1,
            u16::from(third()) % MAX_ROWS + 1,
        ),
        _ => AppEvent::Tick,
    })
}

/// A bundled capture in the walk-through, driven by the bytes as events;
/// every screen is drawn into a test terminal of the current size.
pub fn tui(data: &[u8]) {
    let Some((&pick, mut events)) = data.split_first() else {
        return;
    };
    let scenario = Scenario::ALL[usize::from(pick) % Scenario::ALL.len()];
    let Some((name, bytes)) = crate::demo::bundled_capture(scenario) else {
        return;
    };
    let Ok(replay) = crate::replay::load_bytes(name, bytes) else {
        return;
    };
    let opts = UiOptions {
        lang: if pick & 0x80 != 0 { Lang::Zh } else { Lang::En },
        theme: [ThemeName::Dark, ThemeName::Light, ThemeName::Projector]
            [usize::from(pick >> 4) % 3],
        conn: (pick & 0x40 != 0).then_some(0),
        file_name: name.to_string(),
        quiz: pick & 0x08 != 0,
    };
    let mut app = App::new(replay.tracker, opts);
    if let Some(frames) = replay.frame_bytes {
        app = app.with_frames(Box::new(frames));
    }
    let (mut cols, mut rows) = (80, 24);
    let mut term = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
    for _ in 0..MAX_EVENTS {
        let Some(ev) = next_event(&mut events) else {
            break;
        };
        if let AppEvent::Resize(c, r) = ev {
            (cols, rows) = (c, r);
            term = Terminal::new(TestBackend::new(cols, rows)).expect("test terminal");
        }
        app.handle(ev);
        term.draw(|f| app.draw(f)).expect("draw");
        if app.quit {
            break;
        }
    }
}
