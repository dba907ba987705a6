//! Opening a capture file: a progress line on stderr for any read longer
//! than 200 ms, and the walk-through's way of reading. A small file is read
//! whole (every step, every frame's bytes); a big one with one
//! connection's steps (and its frames' bytes) and summaries of the others,
//! so the first frame comes at once and memory stays bounded. Choosing
//! another connection in the picker reads the file again for it, with a
//! progress line at the bottom of the screen.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::UiOptions;
use super::terminal::{progress_line, run, run_reloading};
use crate::capture::CaptureError;
use crate::decode::TunnelPorts;
use crate::replay::{self, Keep, Progress, Replay};

/// Files up to this size are read whole for the walk-through.
pub const READ_WHOLE_MAX: u64 = 32 << 20;

/// What the walk-through keeps of `path`: everything for a small file;
/// for a big one connection `conn`'s steps and frames (`--conn`, else the
/// first).
pub fn walk_keep(path: &Path, conn: Option<usize>) -> Keep {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size <= READ_WHOLE_MAX {
        Keep::StepsAndFrames
    } else {
        Keep::OneWithFrames(conn.unwrap_or(0))
    }
}

/// [`replay::read`], with a progress line on stderr (when it is a
/// terminal) once the read takes longer than 200 ms.
pub fn read_showing_progress(
    path: &Path,
    keep: Keep,
    ports: TunnelPorts,
) -> Result<Replay, CaptureError> {
    let name = path.display().to_string();
    let started = Instant::now();
    let mut shown = false;
    let tty = std::io::stderr().is_terminal();
    let replay = replay::read_with_progress(path, keep, ports, &mut |p: &Progress| {
        if tty && started.elapsed() > Duration::from_millis(200) {
            eprint!("\r{}\x1b[K", progress_line(&name, p));
            shown = true;
        }
    });
    if shown {
        eprint!("\r\x1b[K");
        let _ = std::io::stderr().flush();
    }
    replay
}

/// Walks `replay`, read from `path` as [`walk_keep`] says, until the user
/// quits.
pub fn walk(replay: Replay, path: &Path, ports: TunnelPorts, opts: UiOptions) -> Result<()> {
    let whole =
        replay.frame_bytes.is_some() || replay.connections().iter().all(|c| c.keeps_steps());
    if whole {
        return run(replay, opts);
    }
    let mut reload = |c: usize, p: &mut dyn FnMut(&Progress)| {
        replay::read_with_progress(path, Keep::OneWithFrames(c), ports.clone(), p)
    };
    run_reloading(replay, opts, Some(&mut reload))
}
