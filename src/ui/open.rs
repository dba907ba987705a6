//! Opening a capture file for the walk-through: the screen comes at once
//! and the file loads in the background (a loading thread is the frame
//! source, [`crate::replay::loader`]), with a progress line, the picker
//! filling as connections appear. A small file keeps every step and every
//! frame's bytes; a big one keeps summaries (and `--conn N`'s steps) plus
//! an index of where each connection's frames are, so choosing a
//! connection reads only its frames, and the hex dump reads a frame's
//! bytes from the file when it shows them.
//!
//! Also the stderr progress line of the other modes' reading.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use super::UiOptions;
use super::app::{App, Load, LoadEnd};
use super::terminal::{quit_on_signals, run_until_quit, spawn_input};
use crate::capture::{CaptureError, CaptureReader, Source};
use crate::conversation::{KeepSteps, Tracker};
use crate::decode::TunnelPorts;
use crate::i18n::{Lang, Reading, progress_line};
use crate::replay::index::{Access, FrameIndex};
use crate::replay::{self, Keep, Progress, Replay, loader};

/// Files up to this size keep every step and every frame's bytes.
pub const READ_WHOLE_MAX: u64 = 32 << 20;

/// What the walk-through keeps of `path` when read in one go (as
/// `examples/ui_bench` does): everything for a small file; for a big one
/// connection `conn`'s steps and frames (`--conn`, else the first).
pub fn walk_keep(path: &Path, conn: Option<usize>) -> Keep {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size <= READ_WHOLE_MAX {
        Keep::StepsAndFrames
    } else {
        Keep::OneWithFrames(conn.unwrap_or(0))
    }
}

/// [`replay::read_with_progress`], with a progress line in `lang` on
/// stderr (when it is a terminal) once the read takes longer than 200 ms.
pub fn read_showing_progress(
    source: &Source,
    keep: Keep,
    ports: TunnelPorts,
    lang: Lang,
) -> Result<Replay, CaptureError> {
    let mut line = ProgressLine::new();
    let replay = replay::read_with_progress(source, keep, ports, &mut |p: &Progress| {
        line.show(|| progress_line(lang, Reading::File(source.name()), p));
    });
    line.erase();
    replay
}

/// [`Source::of`]: `path` as a source that can be read twice (a pipe's
/// bytes copied to a temporary file), with a progress line in `lang` as
/// [`read_showing_progress`] shows it.
pub fn source_showing_progress(path: &Path, lang: Lang) -> Result<Source, CaptureError> {
    let name = path.display().to_string();
    let mut line = ProgressLine::new();
    let source = Source::of(path, &mut |bytes| {
        let p = Progress {
            bytes,
            ..Progress::default()
        };
        line.show(|| progress_line(lang, Reading::Copy(&name), &p));
    });
    line.erase();
    source
}

/// The stderr progress line of a long read: drawn over itself when stderr
/// is a terminal and the read has taken longer than 200 ms, erased at the
/// end.
struct ProgressLine {
    started: Instant,
    tty: bool,
    shown: bool,
}

impl ProgressLine {
    fn new() -> ProgressLine {
        ProgressLine {
            started: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn show(&mut self, line: impl FnOnce() -> String) {
        if self.tty && self.started.elapsed() > Duration::from_millis(200) {
            eprint!("\r{}\x1b[K", line());
            self.shown = true;
        }
    }

    fn erase(self) {
        if self.shown {
            eprint!("\r\x1b[K");
            let _ = std::io::stderr().flush();
        }
    }
}

/// How a walk of a file ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walked {
    /// The user quit.
    Quit,
    /// The file holds UDP flows and no TCP connection: show them another
    /// way (`--print`).
    OnlyFlows,
}

/// The state the walk of `path` starts from, and whether every step and
/// frame is kept (a small file, or a pipe).
pub fn loading_app(
    path: &Path,
    reader: &CaptureReader,
    ports: &TunnelPorts,
    opts: UiOptions,
) -> (App, bool) {
    // A pipe cannot be read again: it keeps everything too (its size is
    // unknown, 0).
    let small = reader.size() <= READ_WHOLE_MAX;
    let keep = match (small, opts.conn) {
        (true, _) => KeepSteps::All,
        (false, Some(n)) => KeepSteps::Only(n),
        (false, None) => KeepSteps::Summaries,
    };
    let index = (!small).then(|| FrameIndex::new(path, ports.clone(), Access::of(reader)));
    let load = Load::new(opts.file_name.clone(), index, opts.conn);
    // `--conn N` of a big file: at most as many steps as a connection
    // read again keeps (10 M segments would not fit in memory).
    let mut tracker = Tracker::keeping(keep);
    if !small {
        tracker = tracker.with_step_limit(crate::replay::index::WALK_STEPS);
    }
    (App::loading(tracker, opts, load), small)
}

/// Walks the capture at `path` until the user quits: the screen comes at
/// once, the file loads in the background. Errors in the file header come
/// before the terminal is touched; later ones end the walk with the
/// terminal restored, as one line.
pub fn walk_file(
    path: &Path,
    ports: TunnelPorts,
    opts: UiOptions,
    show: crate::conversation::select::ConnFilter,
) -> Result<Walked> {
    let name = path.display().to_string();
    let reader = CaptureReader::open(path)?;
    let (mut app, small) = loading_app(path, &reader, &ports, opts);
    app.show = show;
    let (tx, rx) = channel();
    quit_on_signals(tx.clone());
    let load = loader::spawn(reader, ports.clone(), small, tx.clone())?;
    spawn_input(tx);
    let app = run_until_quit(app, rx)?;
    drop(load); // stops the reading if the user quit before its end
    let Some(l) = app.source.load() else {
        return Ok(Walked::Quit);
    };
    for w in &l.warnings {
        eprintln!("synack: warning: {w}");
    }
    match &l.end {
        None => Ok(Walked::Quit),
        Some(LoadEnd::Failed(e)) => bail!("{e}"),
        Some(LoadEnd::NoConnections { flows, .. }) if *flows > 0 => Ok(Walked::OnlyFlows),
        Some(LoadEnd::NoConnections { frames: 0, .. }) => {
            bail!("{name}: no frames at all; the capture holds no packets")
        }
        Some(LoadEnd::NoConnections { frames, .. }) => {
            let why = crate::census::summary_of(&Source::file(path), ports, app.tracker.skipped);
            bail!("{name}: no TCP segments in {frames} frames: {why}")
        }
        Some(LoadEnd::NoSuchConnection { asked, count }) => {
            bail!("{}", no_such_connection(*asked, &name, *count))
        }
    }
}

/// `--conn N: F has 3 connections (0..=2); see --list`.
pub fn no_such_connection(n: usize, name: &str, count: usize) -> String {
    format!(
        "--conn {n}: {name} has {count} connection{} (0..={}); see --list",
        if count == 1 { "" } else { "s" },
        count.saturating_sub(1)
    )
}
