//! The terminal loop: the only code that owns the terminal. Sets up raw
//! mode, the alternate screen and mouse capture, turns input into
//! [`AppEvent`]s on a channel, and always restores the terminal (on quit,
//! Ctrl-C, error and panic). Holds no UI state of its own.

use std::io::{self, Stdout};
use std::sync::Once;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;

use anyhow::Result;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEvent, MouseEvent,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::app::{App, TICK};
use super::{UiOptions, draw};
use crate::replay::Replay;
use crate::segment::Segment;

/// Everything that can change the UI, delivered over one channel to the
/// thread that owns the [`App`] and the terminal.
#[derive(Clone, Debug)]
pub enum AppEvent {
    /// A key press.
    Key(KeyEvent),
    /// A mouse click or wheel.
    Mouse(MouseEvent),
    /// The terminal was resized (columns, rows).
    Resize(u16, u16),
    /// Time passed (one [`TICK`], 50 ms).
    Tick,
    /// A new segment for the tracker (live capture).
    Segment(Segment),
    /// The source will send no more segments.
    SourceEnded,
    /// The source failed; shown in the header.
    Error(String),
    /// Live demo: a session (re)started.
    DemoStarted(super::live::DemoStart),
    /// Live demo: the bytes of the next captured frame (for the hex dump).
    Frame(Vec<u8>),
    /// Live demo: a state change the kernel reported.
    Kernel(crate::live::kernel::KernelTransition),
    /// Live demo: the sockets /proc lists in TIME_WAIT now.
    TimeWaitSockets(Vec<(std::net::SocketAddr, std::net::SocketAddr)>),
    /// Live demo: call `index` returned (after its segments were sent).
    Call {
        /// Index of the call in the script.
        index: usize,
        /// What it returned, or why it failed.
        result: Result<crate::live::exchange::CallOutcome, String>,
    },
}

/// Walks a replayed capture in the terminal until the user quits.
pub fn run(replay: Replay, opts: UiOptions) -> Result<()> {
    let mut app = App::new(replay.tracker, opts);
    app.warning = (!replay.warnings.is_empty()).then(|| replay.warnings.join("; "));
    if let Some(frames) = replay.frame_bytes {
        app = app.with_frames(Box::new(frames));
    }
    let (tx, rx) = channel();
    quit_on_signals(tx.clone());
    spawn_input(tx);
    run_app(app, rx)
}

/// Spawns the thread that turns terminal input into [`AppEvent`]s, with a
/// [`AppEvent::Tick`] every 50 ms. It ends when the receiver is dropped.
pub fn spawn_input(tx: Sender<AppEvent>) {
    thread::spawn(move || {
        loop {
            let ev = match event::poll(TICK) {
                Ok(true) => match event::read() {
                    Ok(Event::Key(k)) => AppEvent::Key(k),
                    Ok(Event::Mouse(m)) => AppEvent::Mouse(m),
                    Ok(Event::Resize(w, h)) => AppEvent::Resize(w, h),
                    Ok(_) => continue,
                    Err(e) => AppEvent::Error(e.to_string()),
                },
                Ok(false) => AppEvent::Tick,
                Err(e) => AppEvent::Error(e.to_string()),
            };
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
}

/// Makes SIGINT, SIGTERM and SIGHUP quit the UI like Ctrl-C (through
/// [`crate::shutdown`], installed in `main`), so the terminal is restored
/// and a live session finished.
pub fn quit_on_signals(tx: Sender<AppEvent>) {
    crate::shutdown::set_quit(move || {
        let ctrl_c = KeyEvent::new(
            ratatui::crossterm::event::KeyCode::Char('c'),
            ratatui::crossterm::event::KeyModifiers::CONTROL,
        );
        let _ = tx.send(AppEvent::Key(ctrl_c));
    });
}

/// Runs `app` in the terminal, fed by `events` (from [`spawn_input`] and,
/// for a live capture, a thread sending [`AppEvent::Segment`]s), until the
/// user quits or every sender is gone. The terminal is restored whatever
/// happens.
pub fn run_app(mut app: App, events: Receiver<AppEvent>) -> Result<()> {
    install_panic_hook();
    let mut guard = Guard::enter()?;
    guard.term.draw(|f| draw(f, &app))?;
    let mut shown = (app.conn, app.pos);
    while let Ok(ev) = events.recv() {
        let mut redraw = app.handle(ev);
        // Drain what is already queued, then draw once.
        for ev in events.try_iter().take(10_000) {
            redraw |= app.handle(ev);
        }
        if app.quit {
            break;
        }
        if redraw {
            // With CJK text, an incremental redraw over a changed step can
            // leave terminals (tmux among them) with erased cells next to
            // wide characters; repaint the whole screen when the step
            // changes (a key press, not a 60 fps animation).
            if app.lang == crate::i18n::Lang::Zh && (app.conn, app.pos) != shown {
                guard.term.clear()?;
            }
            shown = (app.conn, app.pos);
            guard.term.draw(|f| draw(f, &app))?;
        }
    }
    Ok(())
}

/// Terminal in raw mode on the alternate screen; restored on drop (and by
/// [`crate::shutdown`] if a signal's grace runs out).
struct Guard {
    term: Terminal<CrosstermBackend<Stdout>>,
    _on_exit: crate::shutdown::ExitAction,
}

impl Guard {
    fn enter() -> Result<Guard> {
        let on_exit = crate::shutdown::on_exit(|| {
            restore();
            let _ = execute!(io::stdout(), ratatui::crossterm::cursor::Show);
        });
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture) {
            restore();
            return Err(e.into());
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(term) => Ok(Guard {
                term,
                _on_exit: on_exit,
            }),
            Err(e) => {
                restore();
                Err(e.into())
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
        let _ = self.term.show_cursor();
    }
}

/// Leaves raw mode, mouse capture and the alternate screen (idempotent).
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen);
}

/// Restores the terminal before the previous panic hook prints.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
