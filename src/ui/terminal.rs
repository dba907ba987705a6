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
use crate::replay::{Progress, Replay};
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
    /// Anything else a captured frame decoded to (a UDP datagram, an ICMP
    /// error): the tracker files it beside the connections.
    Decoded(crate::decode::Decoded),
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
    /// `synack watch`: what the capture thread reports.
    Watch(crate::watch::WatchEvent),
}

/// Walks a replayed capture in the terminal until the user quits.
pub fn run(replay: Replay, opts: UiOptions) -> Result<()> {
    run_reloading(replay, opts, None)
}

/// Reads a capture again keeping connection N's steps (and its frames'
/// bytes), reporting progress: how a big capture's picker opens a
/// connection whose steps were not kept.
pub type Reload<'a> = &'a mut ReloadFn<'a>;

/// What a [`Reload`] calls: connection number, progress callback.
pub type ReloadFn<'a> = dyn FnMut(usize, &mut dyn FnMut(&Progress)) -> Result<Replay, crate::capture::CaptureError>
    + 'a;

/// Like [`run`], for a capture loaded with one connection's steps only:
/// choosing another in the picker reads the file again through `reload`,
/// with a progress line.
pub fn run_reloading(replay: Replay, opts: UiOptions, reload: Option<Reload<'_>>) -> Result<()> {
    let mut app = App::new(replay.tracker, opts);
    app.warning = (!replay.warnings.is_empty()).then(|| replay.warnings.join("; "));
    if let Some(frames) = replay.frame_bytes {
        app = app.with_frames(Box::new(frames));
    } else if !replay.kept_frames.is_empty() {
        app = app.with_frames(Box::new(replay.kept_frames));
    }
    let (tx, rx) = channel();
    quit_on_signals(tx.clone());
    spawn_input(tx);
    run_app_with(app, rx, reload)
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
pub fn run_app(app: App, events: Receiver<AppEvent>) -> Result<()> {
    run_app_with(app, events, None)
}

fn run_app_with(
    mut app: App,
    events: Receiver<AppEvent>,
    mut reload: Option<Reload<'_>>,
) -> Result<()> {
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
        if let Some(c) = app.load_request.take()
            && let Some(reload) = reload.as_deref_mut()
        {
            load_connection(&mut guard, &mut app, c, reload)?;
            redraw = true;
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

/// Reads connection `c`'s steps through `reload`, drawing a progress line
/// at the bottom of the screen once it takes longer than 200 ms.
fn load_connection(
    guard: &mut Guard,
    app: &mut App,
    c: usize,
    reload: &mut ReloadFn<'_>,
) -> Result<()> {
    use ratatui::widgets::{Clear, Paragraph};
    let started = std::time::Instant::now();
    let mut shown = started;
    let mut drawn: io::Result<()> = Ok(());
    let result = reload(c, &mut |p: &Progress| {
        let now = std::time::Instant::now();
        if now - started < std::time::Duration::from_millis(200)
            || now - shown < std::time::Duration::from_millis(100)
        {
            return;
        }
        shown = now;
        let line = format!(" {}", progress_line(&format!("connection {c}"), p));
        let r = guard.term.draw(|f| {
            draw(f, app);
            let a = f.area();
            let bottom = ratatui::layout::Rect::new(a.x, a.bottom().saturating_sub(1), a.width, 1);
            f.render_widget(Clear, bottom);
            f.render_widget(
                Paragraph::new(line.as_str()).style(app.theme().accent()),
                bottom,
            );
        });
        if let Err(e) = r {
            drawn = Err(e);
        }
    });
    drawn?;
    match result {
        Ok(replay) => {
            app.set_tracker(replay.tracker);
            app.set_frames(Box::new(replay.kept_frames));
        }
        Err(e) => app.error = Some(e.to_string()),
    }
    Ok(())
}

/// `reading WHAT: 45.1 / 179.7 MB, 300,000 frames, 27,000 connections`.
pub fn progress_line(what: &str, p: &Progress) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    let total = if p.total > 0 {
        format!(" / {:.1}", mb(p.total))
    } else {
        String::new()
    };
    format!(
        "reading {what}: {:.1}{total} MB, {} frames, {} connections",
        mb(p.bytes),
        p.frames,
        p.connections
    )
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
