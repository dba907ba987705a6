//! Capture files opened with the privileges synack was started with, as
//! `tcpdump -r` opens its file: started by root (or sudo), `main` opens
//! the replay's file here ([`open_before_drop`]) before the process drops
//! every privilege (`live::privilege::split`), so a 0600 capture of
//! another user reads as it does with tcpdump, while not one of its bytes
//! is parsed before the drop (a parser bug never runs privileged). Every
//! later open of that path ([`open`], [`open_file`]: each reading of a
//! replay, the index's rereads) takes the descriptor opened then.
//!
//! A binary given capabilities with setcap opens nothing early: its real
//! user is not root, and its capabilities serve the live capture only, so
//! it opens only what the invoking user could open (a privileged open
//! there would leak any file: error messages quote a file's first bytes).
//! A permission error after the drop says so. `--save` and `--html`
//! targets are not opened here: they are written as the user, as before.
//!
//! This module opens files and reads the process's credentials; it parses
//! nothing and touches no terminal, clock or network.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Files opened before the drop, by the path the user gave.
static EARLY: Mutex<Vec<(PathBuf, Arc<File>)>> = Mutex::new(Vec::new());

/// How the process started, as [`open_before_drop`] saw it.
#[derive(Clone, Copy, Debug)]
struct Start {
    /// Real and effective uid 0: root, or sudo.
    root: bool,
    /// Capabilities in the permitted set without being root: setcap.
    caps: bool,
}

static START: OnceLock<Start> = OnceLock::new();

/// Opens `paths` to read with the privileges the process has now, when
/// it was started by root (real and effective uid 0: root or sudo), and
/// keeps them for [`open`]; otherwise only notes how it started (for the
/// messages). Call it before the privileges are dropped, and read nothing
/// from the files before then. A path that cannot be opened is left to
/// the later open, whose error is the one reported.
pub fn open_before_drop(paths: &[&Path]) {
    // SAFETY: getuid and geteuid take no arguments and cannot fail.
    let root = unsafe { libc::getuid() == 0 && libc::geteuid() == 0 };
    let caps = !root && caps::read(None, caps::CapSet::Permitted).is_ok_and(|set| !set.is_empty());
    let _ = START.set(Start { root, caps });
    if !root {
        return;
    }
    let mut early = EARLY.lock().unwrap_or_else(|e| e.into_inner());
    for &path in paths {
        if let Ok(file) = File::open(path) {
            early.push((path.to_path_buf(), Arc::new(file)));
        }
    }
}

/// The file opened before the drop for `path`, if any.
fn early(path: &Path) -> Option<Arc<File>> {
    let early = EARLY.lock().unwrap_or_else(|e| e.into_inner());
    early
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, f)| Arc::clone(f))
}

/// A capture file to read from its first byte: opened now, or a reader of
/// the descriptor opened before the drop at a position of its own
/// (`pread`), so that several readings of one file never move each
/// other's position.
#[derive(Debug)]
pub struct CaptureFile {
    file: Arc<File>,
    /// The next byte's offset, for a regular file opened early; `None`:
    /// read in turn (a file opened now, or a pipe, read once).
    pos: Option<u64>,
}

impl CaptureFile {
    /// The open file (its metadata, say).
    pub fn file(&self) -> &File {
        &self.file
    }
}

impl Read for CaptureFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.pos {
            Some(pos) => {
                let n = self.file.read_at(buf, *pos)?;
                *pos += n as u64;
                Ok(n)
            }
            None => (&*self.file).read(buf),
        }
    }
}

/// `path` to read from its first byte: the descriptor opened before the
/// drop, else opened now with the process's (dropped) privileges. A
/// permission error says why the file is opened as this user.
pub fn open(path: &Path) -> io::Result<CaptureFile> {
    if let Some(file) = early(path) {
        let regular = file.metadata().is_ok_and(|m| m.is_file());
        return Ok(CaptureFile {
            file,
            pos: regular.then_some(0),
        });
    }
    let file = File::open(path).map_err(explained)?;
    Ok(CaptureFile {
        file: Arc::new(file),
        pos: None,
    })
}

/// `path` as a `File` for reads at given offsets (`pread` only: its
/// position may be shared with the descriptor opened before the drop).
pub fn open_file(path: &Path) -> io::Result<File> {
    match early(path) {
        Some(file) => file.try_clone(),
        None => File::open(path).map_err(explained),
    }
}

/// `e`, with why synack opened the file as this user when it is a
/// permission error.
fn explained(e: io::Error) -> io::Error {
    if e.kind() != io::ErrorKind::PermissionDenied {
        return e;
    }
    // SAFETY: getuid takes no arguments and cannot fail.
    let uid = unsafe { libc::getuid() };
    let start = START.get().copied();
    if start.is_some_and(|s| s.root) || uid == 0 {
        // Root could not open it either (or the path was not given at
        // the start): nothing to add.
        return e;
    }
    let caps = if start.is_some_and(|s| s.caps) {
        ", never with the capabilities it was given (they serve the live capture only)"
    } else {
        ""
    };
    io::Error::new(
        e.kind(),
        format!(
            "{e}: synack opens capture files as the user who runs it (uid {uid}){caps}; \
             started with sudo it opens them as root and drops root before reading a byte"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_of_an_early_file_keep_their_own_positions() {
        let path = Path::new("captures/normal.pcap");
        let whole = std::fs::read(path).unwrap();
        EARLY
            .lock()
            .unwrap()
            .push((path.to_path_buf(), Arc::new(File::open(path).unwrap())));
        let (mut a, mut b) = (open(path).unwrap(), open(path).unwrap());
        let mut head = [0u8; 24];
        a.read_exact(&mut head).unwrap();
        let mut all_b = Vec::new();
        b.read_to_end(&mut all_b).unwrap();
        let mut rest_a = Vec::new();
        a.read_to_end(&mut rest_a).unwrap();
        assert_eq!(all_b, whole);
        assert_eq!([&head[..], &rest_a].concat(), whole);
        let mut at = [0u8; 4];
        open_file(path).unwrap().read_exact_at(&mut at, 24).unwrap();
        assert_eq!(at, whole[24..28]);
    }

    #[test]
    fn only_permission_errors_are_explained() {
        let missing = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(explained(missing).to_string(), "entity not found");
    }
}
