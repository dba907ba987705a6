//! A capture file loading in the background: the App's share. The loading
//! thread ([`crate::replay::loader`]) sends decoded frames in
//! [`AppEvent::Load`](super::super::AppEvent::Load) batches; they go into
//! the App's tracker (the one model), and for a big file into a
//! [`FrameIndex`], so that a connection whose steps were not kept is read
//! again from its own frames when chosen, and its frames' bytes are read
//! from the file when the hex dump shows them. Pure state: the terminal
//! loop does the reading.
//!
//! ```text
//!  loading thread ─ LoadEvent::Batch ─▶ App: Tracker (+ FrameIndex) ─▶ picker fills, progress line
//!  choose c ─▶ load_request ─▶ terminal loop: index::reopen(c) ─▶ App::set_walked
//! ```

use std::borrow::Cow;

use super::{Action, App, FrameStore, Mode};
use crate::conversation::{Connection, Tracker};
use crate::i18n::{Reading, progress_line, steps_capped};
use crate::replay::Progress;
use crate::replay::index::{FrameIndex, Reopened};
use crate::replay::loader::LoadEvent;

/// How a load ended, when the walk cannot go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadEnd {
    /// The file could not be read (one line, naming the file).
    Failed(String),
    /// The file holds no TCP connection.
    NoConnections {
        /// Frames read.
        frames: u64,
        /// UDP flows found.
        flows: usize,
    },
    /// `--conn N` names no connection.
    NoSuchConnection {
        /// The connection asked for.
        asked: usize,
        /// Connections in the file.
        count: usize,
    },
}

/// A capture file being read (or read) in the background.
pub struct Load {
    /// File name for the progress line.
    pub name: String,
    /// How far the reading has got.
    pub progress: Progress,
    /// The whole file was read.
    pub done: bool,
    /// Why the walk cannot go on (the App quits).
    pub end: Option<LoadEnd>,
    /// Non-fatal problems the reading met.
    pub warnings: Vec<String>,
    /// `--conn N`.
    asked: Option<usize>,
    /// A key was pressed while loading (the picker is not closed for the
    /// user at the end).
    touched: bool,
    /// Where each connection's frames are (big files).
    index: Option<FrameIndex>,
    /// Frame bytes that travelled with the frames (small files).
    kept: Vec<(u64, Vec<u8>)>,
    /// The connection read again with its steps, and its frames' bytes.
    walked: Option<Reopened>,
}

impl Load {
    /// A load of `name` starting; `index` for a big file (its steps are
    /// read again when chosen), `None` when the tracker keeps every step.
    pub fn new(name: String, index: Option<FrameIndex>, asked: Option<usize>) -> Load {
        Load {
            name,
            progress: Progress::default(),
            done: false,
            end: None,
            warnings: Vec::new(),
            asked,
            touched: false,
            index,
            kept: Vec::new(),
            walked: None,
        }
    }

    /// The frame index, once the file is being read with one.
    pub fn index(&self) -> Option<&FrameIndex> {
        self.index.as_ref()
    }
}

impl App {
    /// A UI state for a file that starts loading: the picker (or `--conn
    /// N`'s walk) over an empty `tracker` that the load fills.
    pub fn loading(tracker: Tracker, opts: super::super::UiOptions, load: Load) -> App {
        let conn = opts.conn;
        let mut app = App::new(tracker, opts);
        app.walk.conn = conn.unwrap_or(0);
        app.mode = if conn.is_some() {
            Mode::Walk
        } else {
            Mode::Picker
        };
        app.source = super::Source::File(super::FileSource {
            load: Some(load),
            ..super::FileSource::default()
        });
        app
    }

    /// The connection to read again from the file, when one was chosen
    /// whose steps the model did not keep.
    pub fn load_request(&self) -> Option<usize> {
        self.source.file()?.load_request
    }

    /// Takes the request to read a connection again (the terminal loop
    /// does the reading).
    pub fn take_load_request(&mut self) -> Option<usize> {
        self.source.file_mut()?.load_request.take()
    }

    /// Whether a file is still being read.
    pub fn is_loading(&self) -> bool {
        self.source.load().is_some_and(|l| !l.done)
    }

    /// The progress line while a file is read.
    pub fn loading_line(&self) -> Option<String> {
        let l = self.source.load().filter(|l| !l.done)?;
        Some(progress_line(
            self.lang,
            Reading::File(&l.name),
            &l.progress,
        ))
    }

    /// The connection read again with its steps, when it is `c`.
    pub(crate) fn walked(&self, c: usize) -> Option<&Connection> {
        let w = self.source.load()?.walked.as_ref()?;
        (w.connection.index() == c).then_some(&w.connection)
    }

    /// Bytes of frame `number` from the loaded file.
    pub(crate) fn loaded_frame(&self, number: u64) -> Option<Cow<'_, [u8]>> {
        let l = self.source.load()?;
        if let Some(w) = &l.walked
            && let Some(b) = w.frames.frame(number)
        {
            return Some(b);
        }
        l.kept.frame(number).map(Cow::Borrowed)
    }

    /// Whether choosing connection `c` needs its frames read again: its
    /// steps were not kept and no reading of it is as long as the
    /// model's summary.
    pub(crate) fn needs_reading(&self, c: usize) -> bool {
        let Some(conn) = self.tracker.connections().get(c) else {
            return false;
        };
        if conn.keeps_steps() || conn.packets() == 0 || self.source.load().is_none() {
            return false;
        }
        self.walked(c).is_none_or(|w| w.packets() != conn.packets())
    }

    /// Shows `reopened` (connection `c` read again) in the walk.
    pub fn set_walked(&mut self, reopened: Reopened) {
        let c = &reopened.connection;
        if c.steps_not_kept() > 0 {
            self.warning = Some(steps_capped(self.lang, c.steps().len(), c.packets()));
        }
        if let Some(l) = self.source.load_mut() {
            l.walked = Some(reopened);
        }
    }

    /// The reading of the chosen connection was stopped by `key` (see
    /// the terminal loop): Esc goes back to the picker, q and Ctrl-C quit.
    /// Nothing of the reading is kept; choosing the connection again reads
    /// it again.
    pub fn reading_stopped(&mut self, key: Option<super::super::AppEvent>) {
        use ratatui::crossterm::event::KeyCode;
        match key {
            Some(super::super::AppEvent::Key(k)) if k.code == KeyCode::Esc => {
                self.update(Action::Connections);
            }
            Some(ev) => {
                self.handle(ev);
            }
            None => {}
        }
    }

    /// Notes a key press (the user took over from the defaults).
    pub(crate) fn touch_load(&mut self) {
        if let Some(l) = self.source.load_mut() {
            l.touched = true;
        }
    }

    /// Applies what the loading thread sent. Returns whether the screen
    /// changed.
    pub fn load_event(&mut self, ev: LoadEvent) -> bool {
        let Some(l) = self.source.load_mut() else {
            return false;
        };
        match ev {
            LoadEvent::Batch(b) => {
                let skipped = &mut self.tracker.skipped;
                skipped.not_tcp += b.counted.not_tcp;
                skipped.malformed += b.counted.malformed;
                skipped.unsupported_link += b.counted.unsupported_link;
                for mut f in b.frames {
                    if let Some(bytes) = f.bytes.take() {
                        l.kept.push((f.number, bytes));
                    }
                    match &mut l.index {
                        Some(index) => {
                            index.ingest(&mut self.tracker, f);
                        }
                        None => {
                            self.tracker.ingest_decoded(f.decoded);
                        }
                    }
                }
                l.progress = Progress {
                    connections: self.tracker.connections().len(),
                    ..b.progress
                };
                true
            }
            LoadEvent::Done {
                frames,
                warnings,
                progress,
            } => {
                l.done = true;
                l.progress = Progress {
                    connections: self.tracker.connections().len(),
                    ..progress
                };
                if !warnings.is_empty() {
                    self.warning = Some(warnings.join("; "));
                }
                l.warnings = warnings;
                if let Some(index) = &mut l.index {
                    index.shrink();
                }
                self.load_done(frames);
                true
            }
            LoadEvent::Failed(e) => {
                l.done = true;
                l.end = Some(LoadEnd::Failed(e));
                self.quit = true;
                true
            }
        }
    }

    fn load_done(&mut self, frames: u64) {
        let count = self.tracker.connections().len();
        let flows = self.tracker.flows().len();
        let Some(l) = self.source.load_mut() else {
            return;
        };
        let (asked, touched) = (l.asked, l.touched);
        if count == 0 {
            l.end = Some(LoadEnd::NoConnections { frames, flows });
            self.quit = true;
        } else if let Some(asked) = asked.filter(|&n| n >= count) {
            l.end = Some(LoadEnd::NoSuchConnection { asked, count });
            self.quit = true;
        } else if count == 1 && asked.is_none() && !touched && self.mode == Mode::Picker {
            // One connection: walk it, as a file read whole does.
            self.picker.row = 0;
            self.update(Action::Choose);
        } else if self.mode != Mode::Picker && self.needs_reading(self.walk.conn) {
            // Chosen while loading: read again with its later frames.
            if let Some(f) = self.source.file_mut() {
                f.load_request = Some(self.walk.conn);
            }
        } else if let Some(c) = self.tracker.connections().get(self.walk.conn)
            && c.keeps_steps()
            && c.steps_not_kept() > 0
        {
            // `--conn N`: its steps came with the load, up to the limit.
            self.warning = Some(steps_capped(self.lang, c.steps().len(), c.packets()));
        }
    }
}

#[cfg(test)]
mod tests;
