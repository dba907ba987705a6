//! Where the App's frames come from, one state struct per source: a
//! capture file ([`FileSource`]: read whole, or [`Load`]ing in the
//! background), the live demo ([`Demo`], fed by [`crate::demo::DemoEvent`]s)
//! or `synack watch` ([`WatchUi`], fed by [`crate::watch::WatchEvent`]s).
//! Exactly one is set; a source's own events reach only its state. Pure
//! state: no terminal, no thread, and nothing here changes the model.

use super::FrameStore;
use super::loading::Load;
use crate::ui::live::Demo;
use crate::ui::watch::WatchUi;

/// The App's frame source and its state.
#[expect(
    clippy::large_enum_variant,
    reason = "one Source per App, made once and switched only between demo scenarios"
)]
pub enum Source {
    /// A capture file (or segments handed to the App directly).
    File(FileSource),
    /// The live demo (or the bundled capture of a scenario, offline).
    Demo(Demo),
    /// `synack watch`.
    Watch(WatchUi),
}

/// A capture file's share of the UI state.
#[derive(Default)]
pub struct FileSource {
    /// Frame bytes given with a file read whole, for the hex dump.
    pub frames: Option<Box<dyn FrameStore>>,
    /// The file loading in the background, when it is read that way
    /// (its events are [`crate::replay::loader::LoadEvent`]s).
    pub load: Option<Load>,
    /// A connection was chosen whose steps the model did not keep: the
    /// edge that owns the file reads them (`terminal::load_connection`,
    /// which hands them to [`super::App::set_walked`]).
    pub load_request: Option<usize>,
    /// Segments may still be handed over (`AppEvent::Segment`) until
    /// `AppEvent::SourceEnded`.
    pub live: bool,
}

impl Default for Source {
    fn default() -> Source {
        Source::File(FileSource::default())
    }
}

impl Source {
    /// Whether segments may still arrive: a watch always, the demo while
    /// its worker runs, a file only when segments are handed to it live.
    pub fn live(&self) -> bool {
        match self {
            Source::File(f) => f.live,
            Source::Demo(d) => d.live,
            Source::Watch(_) => true,
        }
    }

    /// Says whether segments may still arrive (a watch always is live).
    pub fn set_live(&mut self, live: bool) {
        match self {
            Source::File(f) => f.live = live,
            Source::Demo(d) => d.live = live,
            Source::Watch(_) => {}
        }
    }

    /// The capture file's state, when the source is one.
    pub fn file(&self) -> Option<&FileSource> {
        match self {
            Source::File(f) => Some(f),
            _ => None,
        }
    }

    /// The capture file's state, to change.
    pub fn file_mut(&mut self) -> Option<&mut FileSource> {
        match self {
            Source::File(f) => Some(f),
            _ => None,
        }
    }

    /// The background load of a capture file, when there is one.
    pub fn load(&self) -> Option<&Load> {
        self.file()?.load.as_ref()
    }

    /// The background load, to change.
    pub fn load_mut(&mut self) -> Option<&mut Load> {
        self.file_mut()?.load.as_mut()
    }

    /// The live demo's state, when the source is the demo.
    pub fn demo(&self) -> Option<&Demo> {
        match self {
            Source::Demo(d) => Some(d),
            _ => None,
        }
    }

    /// The live demo's state, to change.
    pub fn demo_mut(&mut self) -> Option<&mut Demo> {
        match self {
            Source::Demo(d) => Some(d),
            _ => None,
        }
    }

    /// The watch's state, when the source is a watch.
    pub fn watch(&self) -> Option<&WatchUi> {
        match self {
            Source::Watch(w) => Some(w),
            _ => None,
        }
    }

    /// The watch's state, to change.
    pub fn watch_mut(&mut self) -> Option<&mut WatchUi> {
        match self {
            Source::Watch(w) => Some(w),
            _ => None,
        }
    }
}
