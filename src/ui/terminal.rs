//! The terminal loop: the only code that owns the terminal. Sets up raw
//! mode, the alternate screen and mouse capture, turns input into
//! [`AppEvent`]s on a channel, and always restores the terminal (on quit,
//! Ctrl-C, error and panic). Holds no UI state of its own.

use std::collections::VecDeque;
use std::io::{self, Stdout};
use std::ops::ControlFlow;
use std::sync::Once;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

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
use super::draw;
use crate::i18n::{Reading, progress_line};
use crate::replay::Progress;
use crate::replay::index::WALK_STEPS;
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
    /// The live demo: what its worker reports.
    Demo(crate::demo::DemoEvent),
    /// `synack watch`: what the capture thread reports.
    Watch(crate::watch::WatchEvent),
    /// A capture file read in the background: what the loading thread
    /// reports.
    Load(crate::replay::loader::LoadEvent),
}

impl From<crate::demo::DemoEvent> for AppEvent {
    fn from(ev: crate::demo::DemoEvent) -> AppEvent {
        AppEvent::Demo(ev)
    }
}

impl From<crate::replay::loader::LoadEvent> for AppEvent {
    fn from(ev: crate::replay::loader::LoadEvent) -> AppEvent {
        AppEvent::Load(ev)
    }
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
    run_until_quit(app, events).map(drop)
}

/// How long a load may take before the first frame is drawn without it
/// (a small file then opens loaded, as it always did).
const FIRST_FRAME_WAIT: Duration = Duration::from_millis(200);
/// Time spent handling queued events before drawing again.
const HANDLE_BUDGET: Duration = Duration::from_millis(20);
/// A loading file is drawn again at most this often (keys draw at once).
const LOAD_REDRAW: Duration = Duration::from_millis(100);

/// [`run_app`], returning the App as the user left it (how its load
/// ended, the warnings met).
pub fn run_until_quit(mut app: App, events: Receiver<AppEvent>) -> Result<App> {
    // A short load ends before the first frame; one that fails never
    // touches the terminal.
    let deadline = Instant::now() + FIRST_FRAME_WAIT;
    while app.is_loading() && !app.quit {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match events.recv_timeout(left) {
            Ok(ev) => {
                app.handle(ev);
            }
            Err(_) => break,
        }
    }
    if app.quit {
        return Ok(app);
    }
    install_panic_hook();
    let mut guard = Guard::enter()?;
    guard.term.draw(|f| app.draw(f))?;
    let mut drawn = Instant::now();
    let mut shown = (app.walk.conn, app.walk.pos);
    let mut stale = false; // the load changed the screen since the last draw
    // Events that came while a connection was read again, in order.
    let mut backlog = VecDeque::new();
    loop {
        let ev = if let Some(ev) = backlog.pop_front() {
            Some(ev)
        } else if stale {
            match events.recv_timeout(LOAD_REDRAW.saturating_sub(drawn.elapsed())) {
                Ok(ev) => Some(ev),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match events.recv() {
                Ok(ev) => Some(ev),
                Err(_) => break,
            }
        };
        let mut redraw = false;
        if let Some(ev) = ev {
            // Handle what is queued, for a while, then draw once.
            let started = Instant::now();
            let mut next = Some(ev);
            while let Some(ev) = next {
                let loaded = matches!(ev, AppEvent::Load(_));
                let changed = app.handle(ev);
                if loaded {
                    stale |= changed;
                } else {
                    redraw |= changed;
                }
                if app.quit || started.elapsed() >= HANDLE_BUDGET {
                    break;
                }
                next = backlog.pop_front().or_else(|| events.try_recv().ok());
            }
        }
        if app.quit {
            break;
        }
        if let Some(c) = app.take_load_request() {
            load_connection(&mut guard, &mut app, c, &events, &mut backlog)?;
            redraw = true;
        }
        if redraw || (stale && drawn.elapsed() >= LOAD_REDRAW) {
            // With CJK text, an incremental redraw over a changed step can
            // leave terminals (tmux among them) with erased cells next to
            // wide characters; repaint the whole screen when the step
            // changes (a key press, not a 60 fps animation).
            if app.lang == crate::i18n::Lang::Zh && (app.walk.conn, app.walk.pos) != shown {
                guard.term.clear()?;
            }
            shown = (app.walk.conn, app.walk.pos);
            guard.term.draw(|f| app.draw(f))?;
            drawn = Instant::now();
            stale = false;
        }
    }
    Ok(app)
}

/// Whether `ev` stops a connection being read again: what quits a walk
/// (q, Ctrl-C) or goes back from it (Esc), as `keys::action_for` says.
fn stops_reading(ev: &AppEvent) -> bool {
    use super::app::Action;
    use super::keys::action_for;
    let AppEvent::Key(k) = ev else {
        return false;
    };
    matches!(
        action_for(*k, &super::app::Mode::Walk),
        Some(Action::Quit | Action::Back)
    )
}

/// Reads connection `c`'s steps again from the file (its own frames when
/// the index allows), drawing a progress line at the bottom of the screen
/// once it takes longer than 200 ms. Keys stay live: q (or Ctrl-C) quits
/// and Esc goes back to the picker, stopping the reading with nothing of
/// it kept; other events wait in `backlog` until it ends.
fn load_connection(
    guard: &mut Guard,
    app: &mut App,
    c: usize,
    events: &Receiver<AppEvent>,
    backlog: &mut VecDeque<AppEvent>,
) -> Result<()> {
    use ratatui::widgets::{Clear, Paragraph};
    // Drawn while the App is read: its view is taken out meanwhile.
    let mut view = std::mem::take(&mut app.view);
    let Some(index) = app.source.load().and_then(|l| l.index()) else {
        app.view = view;
        return Ok(());
    };
    let started = Instant::now();
    let mut shown = started;
    let mut drawn: io::Result<()> = Ok(());
    let mut stop = None;
    let result = crate::replay::index::reopen(
        index,
        app.tracker.connections(),
        c,
        WALK_STEPS,
        &mut |p: &Progress| {
            while let Ok(ev) = events.try_recv() {
                if stops_reading(&ev) {
                    stop = Some(ev);
                    return ControlFlow::Break(());
                }
                backlog.push_back(ev);
            }
            let now = Instant::now();
            if now - started < FIRST_FRAME_WAIT || now - shown < LOAD_REDRAW {
                return ControlFlow::Continue(());
            }
            shown = now;
            let line = format!(" {}", progress_line(app.lang, Reading::Connection(c), p));
            let r = guard.term.draw(|f| {
                draw(f, app, &mut view);
                let a = f.area();
                let bottom =
                    ratatui::layout::Rect::new(a.x, a.bottom().saturating_sub(1), a.width, 1);
                f.render_widget(Clear, bottom);
                f.render_widget(
                    Paragraph::new(line.as_str()).style(app.theme().accent()),
                    bottom,
                );
            });
            if let Err(e) = r {
                drawn = Err(e);
            }
            ControlFlow::Continue(())
        },
    );
    app.view = view;
    drawn?;
    match result {
        Ok(Some(reopened)) => app.set_walked(reopened),
        Ok(None) => app.reading_stopped(stop),
        Err(e) => app.error = Some(e.to_string()),
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
