//! The UI's state and its update function: everything a key, a click, a
//! tick or a new segment changes, with no terminal involved (so it is
//! tested directly). The App is the model ([`Tracker`]), the walk
//! ([`Walk`]), the overlays, the quiz, and one [`Source`] holding the state
//! of where the frames come from. Must not draw, and must not change the
//! model except through [`App::ingest`] (and a loading file's batches).

use std::time::Duration;

use crate::conversation::{Connection, Step, Tracker};
use crate::decode::Decoded;
use crate::explain::{Numbers, phase_of};
use crate::i18n::{Lang, Phase, Strings, Text};

mod loading;
mod rows;
mod source;

pub use loading::{Load, LoadEnd};
pub use source::{FileSource, Source};

use super::UiOptions;
use super::theme::{Theme, ThemeName};

/// Time one [`super::AppEvent::Tick`] stands for.
pub const TICK: Duration = Duration::from_millis(50);

/// Playback speeds, in steps per second.
pub const SPEEDS: [f64; 7] = [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 64.0];

/// The bytes of captured frames, for the hex dump.
pub trait FrameStore {
    /// Bytes of frame `number` (1-based, as [`crate::segment::FrameRef`]).
    fn frame(&self, number: u64) -> Option<&[u8]>;
}

/// Some frames, sorted by number (those of one connection).
impl FrameStore for Vec<(u64, Vec<u8>)> {
    fn frame(&self, number: u64) -> Option<&[u8]> {
        let i = self.binary_search_by_key(&number, |(n, _)| *n).ok()?;
        Some(&self[i].1)
    }
}

/// Frames in capture order: element 0 is frame number 1.
impl FrameStore for Vec<Vec<u8>> {
    fn frame(&self, number: u64) -> Option<&[u8]> {
        let i = usize::try_from(number).ok()?.checked_sub(1)?;
        self.get(i).map(Vec::as_slice)
    }
}

/// What has the keyboard: the walk, or an overlay on top of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Walking the ladder.
    Walk,
    /// Packet details of the current step; the walk keys still work.
    Details,
    /// The connection picker.
    Picker,
    /// Typing a filter in the connection picker.
    Filter,
    /// The help overlay.
    Help,
    /// The live demo's scenario picker.
    Scenarios,
    /// The quiz's question or summary has the keyboard.
    Quiz,
}

/// Whether the state diagram panel is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagramPanel {
    /// Not shown.
    Hidden,
    /// Shown beside (wide) or instead of (narrow) the ladder.
    Shown,
}

/// Column the connection picker sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Capture order.
    Index,
    /// Client address.
    Client,
    /// Server address.
    Server,
    /// Packets, most first.
    Packets,
    /// Bytes, most first.
    Bytes,
    /// Duration, longest first.
    Duration,
}

impl SortKey {
    fn next(self) -> SortKey {
        match self {
            SortKey::Index => SortKey::Client,
            SortKey::Client => SortKey::Server,
            SortKey::Server => SortKey::Packets,
            SortKey::Packets => SortKey::Bytes,
            SortKey::Bytes => SortKey::Duration,
            SortKey::Duration => SortKey::Index,
        }
    }
}

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Reveal the next step.
    Next,
    /// Back one step.
    Prev,
    /// Before the first step.
    First,
    /// Last step.
    Last,
    /// Start or stop playing.
    TogglePlay,
    /// Play faster.
    Faster,
    /// Play slower.
    Slower,
    /// First step of the next phase.
    NextPhase,
    /// First step of this (or the previous) phase.
    PrevPhase,
    /// Open the connection picker.
    Connections,
    /// Relative / absolute numbers.
    ToggleNumbers,
    /// Packet details on / off.
    ToggleDetails,
    /// State diagram on / off.
    ToggleDiagram,
    /// Show the explanation in place of the demo's calls (small screens).
    ToggleExplain,
    /// Next theme.
    CycleTheme,
    /// Help overlay.
    Help,
    /// Close the overlay on top, or quit from the walk.
    Back,
    /// Quit.
    Quit,
    /// Picker: move up.
    Up,
    /// Picker: move down.
    Down,
    /// Picker: next sort column.
    CycleSort,
    /// Picker: start typing a filter.
    StartFilter,
    /// Picker: a typed filter character.
    FilterChar(char),
    /// Picker: delete the last filter character.
    FilterBackspace,
    /// Picker: walk the highlighted connection.
    Choose,
    /// Time passed (one [`TICK`]).
    Tick,
    /// Live demo: open the scenario picker.
    Scenarios,
    /// Make this step (0-based) the current one (in the scenario picker:
    /// start scenario `i`).
    Select(usize),
    /// Scroll the ladder by this many steps (the details panel by lines
    /// when it is open).
    Scroll(i32),
    /// Quiz mode: toggle, answer, submit.
    Quiz(super::quiz::QuizAction),
}

/// The connection picker's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picker {
    /// Typed filter (address or port substring).
    pub filter: String,
    /// Sort column.
    pub sort: SortKey,
    /// Highlighted row among the filtered connections.
    pub row: usize,
}

/// What the last frame drew where, and where the ladder view is: the
/// explicit state of the panels that need memory between frames (as
/// ratatui's `StatefulWidget`s keep theirs). [`super::draw`] takes it as
/// `&mut View` beside `&App`, so drawing never writes the App; updates
/// write `top` and `pinned` (scrolling), and read the rest (clicks).
#[derive(Clone, Debug, Default)]
pub struct View {
    /// First step shown.
    pub top: usize,
    /// The user scrolled away with the wheel: do not follow the cursor.
    pub pinned: bool,
    /// Screen rows of the last frame that show a step: `(y, step)`.
    pub rows: Vec<(u16, usize)>,
    /// Where the ladder was drawn (last frame).
    pub area: ratatui::layout::Rect,
    /// The quiz panel's clickable places in the last frame.
    pub hits: Vec<super::quiz::Hit>,
}

impl View {
    /// The step shown at screen cell (`x`, `y`) in the last frame.
    pub fn step_at(&self, x: u16, y: u16) -> Option<usize> {
        let area = self.area;
        if x < area.x || x >= area.x + area.width {
            return None;
        }
        self.rows
            .iter()
            .find(|&&(row, _)| row == y)
            .map(|&(_, step)| step)
    }

    /// The quiz action of a click at (`x`, `y`) in the last frame.
    pub fn hit_at(&self, x: u16, y: u16) -> Option<super::quiz::QuizAction> {
        self.hits
            .iter()
            .find(|h| {
                let a = h.area;
                x >= a.x && x < a.x + a.width && y >= a.y && y < a.y + a.height
            })
            .map(|h| h.action)
    }
}

/// Where the walk is: the connection, the steps revealed, the playback.
#[derive(Clone, Debug, PartialEq)]
pub struct Walk {
    /// Connection walked (index into `tracker.connections()`).
    pub conn: usize,
    /// Steps revealed: 0 shows the initial states only, `n` shows all.
    pub pos: usize,
    /// Playing: a step every 1/speed seconds.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Time played since the last step.
    play_acc: Duration,
}

/// The UI state.
pub struct App {
    /// The model; grows while shown when fed live segments.
    pub tracker: Tracker,
    /// Language.
    pub lang: Lang,
    /// Theme.
    pub theme: ThemeName,
    /// Capture file name for the header.
    pub file_name: String,
    /// Which connection is walked, how far, and the playback.
    pub walk: Walk,
    /// Who has the keyboard.
    pub mode: Mode,
    /// Mode to return to when the help overlay closes.
    pub help_return: Mode,
    /// State diagram panel.
    pub diagram: DiagramPanel,
    /// The explanation shown in place of the demo's calls and kernel
    /// panel, where a small screen has no room for all three (`e`).
    pub explain_over: bool,
    /// Relative or absolute numbers.
    pub numbers: Numbers,
    /// Connection picker.
    pub picker: Picker,
    /// Last error reported by the source.
    pub error: Option<String>,
    /// A problem met reading the source (a damaged record, a cut last
    /// packet), shown in the footer until the next key.
    pub warning: Option<String>,
    /// Set when the user quits.
    pub quit: bool,
    /// First line shown in the details panel (PgUp/PgDn, wheel).
    pub details_scroll: u16,
    /// Scroll memory and what the last frame drew where (taken out
    /// around [`super::draw`], which gets it as `&mut View`).
    pub view: View,
    /// Where the frames come from, and that source's own state.
    pub source: Source,
    /// Quiz mode: questions, answers, score.
    pub quiz: super::quiz::Quiz,
    rows: rows::RowCache,
    /// The picker's rows are only these (`--state`, `--flags`, `--min-packets`).
    pub show: crate::conversation::select::ConnFilter,
}

impl App {
    /// A new UI state over `tracker`. Opens the picker when the capture
    /// holds several connections and `opts.conn` is `None`.
    pub fn new(tracker: Tracker, opts: UiOptions) -> App {
        let n = tracker.connections().len();
        let mode = if opts.conn.is_none() && n > 1 {
            Mode::Picker
        } else {
            Mode::Walk
        };
        App {
            walk: Walk {
                conn: opts.conn.unwrap_or(0).min(n.saturating_sub(1)),
                pos: 0,
                playing: false,
                speed: 2,
                play_acc: Duration::ZERO,
            },
            tracker,
            lang: opts.lang,
            theme: opts.theme,
            file_name: opts.file_name,
            mode,
            help_return: Mode::Walk,
            diagram: DiagramPanel::Hidden,
            explain_over: false,
            numbers: Numbers::Relative,
            picker: Picker {
                filter: String::new(),
                sort: SortKey::Index,
                row: 0,
            },
            error: None,
            warning: None,
            quit: false,
            details_scroll: 0,
            view: View::default(),
            source: Source::default(),
            quiz: super::quiz::Quiz::new(opts.quiz),
            rows: rows::RowCache::default(),
            show: Default::default(),
        }
    }

    /// Adds the frame bytes used by the hex dump.
    pub fn with_frames(mut self, frames: Box<dyn FrameStore>) -> App {
        if let Some(f) = self.source.file_mut() {
            f.frames = Some(frames);
        }
        self
    }

    /// Marks the source as live: playing waits for more segments at the end.
    pub fn with_live(mut self, live: bool) -> App {
        self.source.set_live(live);
        self
    }

    /// Whether segments may still arrive (a live source).
    pub fn live(&self) -> bool {
        self.source.live()
    }

    /// Bytes of frame `number`, when a frame store was given (or the
    /// file is read for them).
    pub fn frame_bytes(&self, number: u64) -> Option<std::borrow::Cow<'_, [u8]>> {
        use std::borrow::Cow::Borrowed;
        match &self.source {
            Source::Demo(d) => d.frames.frame(number).map(Borrowed),
            Source::Watch(w) => w.frames.frame(number).map(Borrowed),
            Source::File(f) if f.load.is_some() => self.loaded_frame(number),
            Source::File(f) => f.frames.as_ref()?.frame(number).map(Borrowed),
        }
    }

    /// The strings of the current language.
    pub fn s(&self) -> &'static dyn Strings {
        self.lang.strings()
    }

    /// A fixed text in the current language.
    pub fn t(&self, t: Text) -> &'static str {
        self.s().text(t)
    }

    /// The current theme's colours.
    pub fn theme(&self) -> Theme {
        self.theme.theme()
    }

    /// The connection walked, if any has been seen.
    pub fn connection(&self) -> Option<&Connection> {
        self.walked(self.walk.conn)
            .or_else(|| self.tracker.connections().get(self.walk.conn))
    }

    /// Steps in the walked connection.
    pub fn len(&self) -> usize {
        self.connection().map_or(0, |c| c.steps().len())
    }

    /// Whether the walked connection has no steps yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The current step's index (the last revealed), `None` before the first.
    pub fn current(&self) -> Option<usize> {
        self.walk.pos.checked_sub(1)
    }

    /// The current step.
    pub fn current_step(&self) -> Option<&Step> {
        self.connection()?.steps().get(self.current()?)
    }

    /// Feeds what a live source decoded to the model: the one door by
    /// which every pushed frame (the demo's, the watch's, segments handed
    /// over directly) reaches the App's [`Tracker`], which keeps the walked
    /// connection one that exists. Returns the (connection, step) of a
    /// segment. A file loading in the background goes in by batches
    /// instead (`load_event`: its frames also fill the frame index).
    pub fn ingest(&mut self, decoded: Decoded) -> Option<(usize, usize)> {
        let touched = self.tracker.ingest_decoded(decoded);
        if self.walk.conn >= self.tracker.connections().len() {
            self.walk.conn = 0;
        }
        touched
    }

    fn go(&mut self, pos: usize) {
        self.walk.pos = pos.min(self.len());
        self.view.pinned = false;
    }

    fn phase_at(&self, i: usize) -> Option<Phase> {
        self.connection()?.steps().get(i).map(phase_of)
    }

    fn next_phase(&mut self) {
        let n = self.len();
        let Some(cur) = self.current() else {
            self.go(1);
            return;
        };
        let here = self.phase_at(cur);
        let next = (cur + 1..n).find(|&i| self.phase_at(i) != here);
        self.go(next.map_or(n, |i| i + 1));
    }

    fn prev_phase(&mut self) {
        let Some(cur) = self.current() else { return };
        let start_of = |app: &App, i: usize| {
            let p = app.phase_at(i);
            let mut k = i;
            while k > 0 && app.phase_at(k - 1) == p {
                k -= 1;
            }
            k
        };
        let start = start_of(self, cur);
        let target = if start < cur {
            Some(start)
        } else if start > 0 {
            Some(start_of(self, start - 1))
        } else {
            None
        };
        self.go(target.map_or(0, |t| t + 1));
    }

    /// Connections shown by the picker, filtered and sorted: indices into
    /// `tracker.connections()`.
    pub fn picker_rows(&self) -> std::rc::Rc<Vec<usize>> {
        let rows = self.rows.rows(
            self.tracker.connections(),
            &self.picker.filter,
            self.picker.sort,
        );
        if self.show.is_empty() {
            return rows;
        }
        let conns = self.tracker.connections();
        let shown = rows
            .iter()
            .copied()
            .filter(|&i| self.show.matches(&conns[i]));
        std::rc::Rc::new(shown.collect())
    }

    /// Replaces the model (a new demo session).
    pub fn set_tracker(&mut self, tracker: Tracker) {
        self.tracker = tracker;
        self.rows.clear();
    }

    fn clamp_picker(&mut self) {
        let n = self.picker_rows().len();
        self.picker.row = self.picker.row.min(n.saturating_sub(1));
    }

    /// Home, End, PgUp and PgDn in the picker move its selection;
    /// `true` when `action` was one of them.
    fn picker_moves(&mut self, action: Action) -> bool {
        let last = self.picker_rows().len().saturating_sub(1);
        self.picker.row = match action {
            Action::First => 0,
            Action::Last => last,
            Action::Scroll(d) => self.picker.row.saturating_add_signed(d as isize).min(last),
            _ => return false,
        };
        true
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        if self.quiz_update(action) {
            return;
        }
        if self.demo_update(action) {
            return;
        }
        if self.mode == Mode::Picker && self.picker_moves(action) {
            return;
        }
        self.watch_before(action);
        self.update_walk(action);
        self.watch_after(action);
        self.check_time_wait();
    }

    fn update_walk(&mut self, action: Action) {
        let n = self.len();
        match action {
            Action::Next => self.go(self.walk.pos + 1),
            Action::Prev => self.go(self.walk.pos.saturating_sub(1)),
            Action::First => self.go(0),
            Action::Last => self.go(n),
            Action::TogglePlay => {
                self.walk.playing = !self.walk.playing;
                if self.walk.playing && self.walk.pos >= n && !self.live() {
                    self.go(0);
                }
                self.walk.play_acc = Duration::ZERO;
            }
            Action::Faster => self.walk.speed = (self.walk.speed + 1).min(SPEEDS.len() - 1),
            Action::Slower => self.walk.speed = self.walk.speed.saturating_sub(1),
            Action::NextPhase => self.next_phase(),
            Action::PrevPhase => self.prev_phase(),
            Action::Connections => {
                self.mode = Mode::Picker;
                let rows = self.picker_rows();
                self.picker.row = rows.iter().position(|&c| c == self.walk.conn).unwrap_or(0);
            }
            Action::ToggleNumbers => {
                self.numbers = match self.numbers {
                    Numbers::Relative => Numbers::Absolute,
                    Numbers::Absolute => Numbers::Relative,
                }
            }
            Action::ToggleDetails => {
                self.mode = if self.mode == Mode::Details {
                    Mode::Walk
                } else {
                    Mode::Details
                }
            }
            Action::ToggleDiagram => {
                self.diagram = match self.diagram {
                    DiagramPanel::Hidden => DiagramPanel::Shown,
                    DiagramPanel::Shown => DiagramPanel::Hidden,
                }
            }
            Action::ToggleExplain => self.explain_over = !self.explain_over,
            Action::CycleTheme => self.theme = self.theme.next(),
            Action::Help => {
                if self.mode == Mode::Help {
                    self.mode = self.help_return;
                } else {
                    self.help_return = self.mode;
                    self.mode = Mode::Help;
                }
            }
            Action::Back => {
                self.mode = match self.mode {
                    // Esc closes what is open; it quits only a replay
                    // with nothing open, never a live session.
                    Mode::Walk if self.diagram == DiagramPanel::Shown => {
                        self.diagram = DiagramPanel::Hidden;
                        Mode::Walk
                    }
                    Mode::Walk => {
                        self.quit |= self.source.demo().is_none();
                        Mode::Walk
                    }
                    Mode::Help => self.help_return,
                    Mode::Filter => Mode::Picker,
                    Mode::Details | Mode::Picker | Mode::Scenarios | Mode::Quiz => Mode::Walk,
                }
            }
            Action::Quit => self.quit = true,
            Action::Scenarios | Action::Quiz(_) => {}
            Action::Up => self.picker.row = self.picker.row.saturating_sub(1),
            Action::Down => {
                self.picker.row += 1;
                self.clamp_picker();
            }
            Action::CycleSort => {
                self.picker.sort = self.picker.sort.next();
                self.picker.row = 0;
            }
            Action::StartFilter => self.mode = Mode::Filter,
            Action::FilterChar(c) => {
                self.picker.filter.push(c);
                self.picker.row = 0;
            }
            Action::FilterBackspace => {
                self.picker.filter.pop();
                self.clamp_picker();
            }
            Action::Choose => {
                if let Some(&c) = self.picker_rows().get(self.picker.row) {
                    if self.needs_reading(c)
                        && let Some(f) = self.source.file_mut()
                    {
                        f.load_request = Some(c);
                    }
                    self.walk.conn = c;
                    self.walk.pos = 0;
                    self.walk.playing = false;
                    self.view.top = 0;
                    self.view.pinned = false;
                    self.mode = Mode::Walk;
                }
            }
            Action::Tick => self.tick(),
            Action::Select(i) => {
                if i < n {
                    self.go(i + 1);
                }
            }
            Action::Scroll(d) if self.mode == Mode::Details => {
                let v = i32::from(self.details_scroll) + d;
                self.details_scroll = u16::try_from(v.max(0)).unwrap_or(u16::MAX);
            }
            Action::Scroll(d) => {
                let top = self.view.top;
                let limit = self.walk.pos.saturating_sub(1);
                let new = if d < 0 {
                    top.saturating_sub(d.unsigned_abs() as usize)
                } else {
                    (top + d as usize).min(limit)
                };
                self.view.top = new;
                self.view.pinned = true;
            }
        }
    }

    fn tick(&mut self) {
        if !self.walk.playing {
            if self.mode == Mode::Picker && !self.is_loading() {
                // Idle: sort the picker's rows ahead of the keys.
                self.rows.warm(self.tracker.connections());
            }
            return;
        }
        self.walk.play_acc += TICK;
        let every = Duration::from_secs_f64(1.0 / SPEEDS[self.walk.speed]);
        while self.walk.play_acc >= every {
            self.walk.play_acc -= every;
            if self.walk.pos < self.len() {
                self.go(self.walk.pos + 1);
            } else if !self.live() {
                self.walk.playing = false;
                self.walk.play_acc = Duration::ZERO;
                break;
            }
        }
    }
}
