//! Input bindings: which [`Action`] a key means in a [`Mode`], and how an
//! [`AppEvent`] (key, mouse, tick, segment) changes the [`App`]. No
//! terminal here: events arrive as values.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::app::{Action, App, Mode};
use super::quiz::QuizAction;
use super::terminal::AppEvent;
use crate::decode::Decoded;

/// The action `key` means in `mode`, if any. Ctrl-C quits everywhere (in
/// raw mode it arrives as a key, not a signal).
pub fn action_for(key: KeyEvent, mode: &Mode) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(Action::Quit);
    }
    let a = match mode {
        Mode::Filter => match key.code {
            KeyCode::Esc => Action::Back,
            KeyCode::Enter => Action::Choose,
            KeyCode::Backspace => Action::FilterBackspace,
            KeyCode::Up => Action::Up,
            KeyCode::Down => Action::Down,
            KeyCode::Char(c) if !ctrl => Action::FilterChar(c),
            _ => return None,
        },
        Mode::Picker => match key.code {
            KeyCode::Esc | KeyCode::Char('c') => Action::Back,
            KeyCode::Up | KeyCode::Char('k') => Action::Up,
            KeyCode::Down | KeyCode::Char('j') => Action::Down,
            KeyCode::Home => Action::First,
            KeyCode::End => Action::Last,
            KeyCode::PageUp => Action::Scroll(-10),
            KeyCode::PageDown => Action::Scroll(10),
            KeyCode::Enter => Action::Choose,
            KeyCode::Char('/') => Action::StartFilter,
            KeyCode::Char('o') => Action::CycleSort,
            KeyCode::Char('?') => Action::Help,
            KeyCode::Char('t') => Action::CycleTheme,
            KeyCode::Char('q') => Action::Quit,
            _ => return None,
        },
        Mode::Scenarios => match key.code {
            KeyCode::Esc | KeyCode::Char('m') => Action::Back,
            KeyCode::Up | KeyCode::Char('k') => Action::Up,
            KeyCode::Down | KeyCode::Char('j') => Action::Down,
            KeyCode::Enter | KeyCode::Char(' ') => Action::Choose,
            KeyCode::Char(c @ '1'..='9') => Action::Select(c as usize - '1' as usize),
            KeyCode::Char('?') => Action::Help,
            KeyCode::Char('q') => Action::Quit,
            _ => return None,
        },
        Mode::Quiz => match key.code {
            KeyCode::Esc => Action::Back,
            KeyCode::Tab | KeyCode::Down | KeyCode::Char('j') => Action::Quiz(QuizAction::Field(1)),
            KeyCode::BackTab | KeyCode::Up | KeyCode::Char('k') => {
                Action::Quiz(QuizAction::Field(-1))
            }
            KeyCode::Right | KeyCode::Char('l') => Action::Quiz(QuizAction::Choose(1)),
            KeyCode::Left | KeyCode::Char('h') => Action::Quiz(QuizAction::Choose(-1)),
            KeyCode::Char(c @ '0'..='9') => Action::Quiz(QuizAction::Digit(c)),
            KeyCode::Backspace => Action::Quiz(QuizAction::Backspace),
            KeyCode::Enter | KeyCode::Char(' ') => Action::Quiz(QuizAction::Submit),
            KeyCode::Char('z') => Action::Quiz(QuizAction::Toggle),
            KeyCode::Char('?') => Action::Help,
            KeyCode::Char('q') => Action::Quit,
            _ => return None,
        },
        Mode::Help => match key.code {
            KeyCode::Char('q') => Action::Quit,
            _ => Action::Back,
        },
        Mode::Walk | Mode::Details => match key.code {
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') | KeyCode::Down => {
                Action::Next
            }
            KeyCode::Left | KeyCode::Char('h') | KeyCode::Up | KeyCode::Backspace => Action::Prev,
            KeyCode::Home | KeyCode::Char('g') => Action::First,
            KeyCode::End | KeyCode::Char('G') => Action::Last,
            KeyCode::PageUp => Action::Scroll(-10),
            KeyCode::PageDown => Action::Scroll(10),
            KeyCode::Char('p') => Action::TogglePlay,
            KeyCode::Char('+') | KeyCode::Char('=') => Action::Faster,
            KeyCode::Char('-') => Action::Slower,
            KeyCode::Char('n') => Action::NextPhase,
            KeyCode::Char('N') => Action::PrevPhase,
            KeyCode::Char('c') => Action::Connections,
            KeyCode::Char('m') => Action::Scenarios,
            KeyCode::Char('r') => Action::ToggleNumbers,
            KeyCode::Char('d') => Action::ToggleDetails,
            KeyCode::Char('s') => Action::ToggleDiagram,
            KeyCode::Char('e') => Action::ToggleExplain,
            KeyCode::Char('t') => Action::CycleTheme,
            KeyCode::Char('z') => Action::Quiz(QuizAction::Toggle),
            KeyCode::Char('?') => Action::Help,
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Esc => Action::Back,
            _ => return None,
        },
    };
    Some(a)
}

impl App {
    /// Applies one event; returns whether the screen must be redrawn.
    /// Input and time go to the walk; a source's own events go to that
    /// source's state (and to nothing when the App shows another source).
    pub fn handle(&mut self, ev: AppEvent) -> bool {
        match ev {
            AppEvent::Key(k) => {
                self.warning = None;
                self.touch_load();
                if let Some(a) = action_for(k, &self.mode) {
                    self.update(a);
                }
                true
            }
            AppEvent::Mouse(m) => {
                let action = match (m.kind, self.mode) {
                    (MouseEventKind::ScrollUp, Mode::Picker | Mode::Filter) => Some(Action::Up),
                    (MouseEventKind::ScrollDown, Mode::Picker | Mode::Filter) => Some(Action::Down),
                    (MouseEventKind::ScrollUp, _) => Some(Action::Scroll(-3)),
                    (MouseEventKind::ScrollDown, _) => Some(Action::Scroll(3)),
                    (MouseEventKind::Down(MouseButton::Left), Mode::Walk | Mode::Details) => {
                        self.view.step_at(m.column, m.row).map(Action::Select)
                    }
                    (MouseEventKind::Down(MouseButton::Left), Mode::Quiz) => {
                        self.view.hit_at(m.column, m.row).map(Action::Quiz)
                    }
                    _ => None,
                };
                match action {
                    Some(a) => {
                        self.update(a);
                        true
                    }
                    None => false,
                }
            }
            AppEvent::Resize(..) => true,
            AppEvent::Tick => {
                let redraw = self.demo_tick();
                let before = self.walk.pos;
                self.update(Action::Tick);
                redraw || self.walk.pos != before
            }
            AppEvent::Segment(seg) => {
                let shown = self.walk.conn;
                self.ingest(Decoded::Tcp(seg));
                self.check_time_wait();
                shown == self.walk.conn
            }
            AppEvent::Decoded(d) => {
                self.ingest(d);
                true
            }
            AppEvent::SourceEnded => {
                self.source.set_live(false);
                true
            }
            AppEvent::Error(e) => {
                self.error = Some(e);
                true
            }
            AppEvent::Demo(ev) => self.demo_event(ev),
            AppEvent::Watch(ev) => self.watch_event(ev),
            AppEvent::Load(ev) => self.load_event(ev),
        }
    }
}
