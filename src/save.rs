//! Writing files the user names (`--save`) without ever destroying one
//! synack did not create.
//!
//! - [`SaveTarget::check`] runs before any work (the demo, `watch`): the
//!   directory must exist and take a new file (a temporary one is really
//!   created and removed), and an existing target must be a regular file
//!   the user could write (opened for writing without truncating, with
//!   `O_NOFOLLOW`). A symbolic link, FIFO, device, socket or directory is
//!   refused and left untouched.
//! - [`SaveSet`] writes each file into an unpredictable temporary file in
//!   the target's directory (`O_CREAT | O_EXCL`, mode 0666 less the umask,
//!   owned by whoever runs synack — after [`crate::live::privilege`] has
//!   dropped, the user), then [`SaveSet::commit`] checks every target again
//!   and renames all of them into place. A failure before the renames
//!   leaves nothing; the temporary files are also removed if a signal ends
//!   the process ([`crate::shutdown::on_exit`]).
//!
//! Must run with no capability (CAP_DAC_OVERRIDE would make every check
//! pass): call it after [`crate::live::privilege::split`].

use std::fs::{self, OpenOptions, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::shutdown::{self, ExitAction};

/// A `--save` problem: the file concerned and what is wrong, one line.
#[derive(Debug, thiserror::Error)]
#[error("{}: {reason}", path.display())]
pub struct SaveError {
    /// The file (or directory) the problem is about.
    pub path: PathBuf,
    /// What is wrong, and what to do when that is not obvious.
    pub reason: String,
}

impl SaveError {
    fn new(path: &Path, reason: impl Into<String>) -> SaveError {
        SaveError {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    fn io(path: &Path, e: &io::Error) -> SaveError {
        SaveError::new(path, plain(e))
    }
}

/// An I/O error's text without the "(os error N)" suffix.
fn plain(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_lowercase(),
        None => s,
    }
}

/// A file to be written, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveTarget {
    path: PathBuf,
    dir: PathBuf,
}

impl SaveTarget {
    /// Checks that `path` can be written as the user (see the module docs).
    pub fn check(path: &Path) -> Result<SaveTarget, SaveError> {
        let name = path
            .file_name()
            .ok_or_else(|| SaveError::new(path, "not a file name"))?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        match fs::metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(SaveError::new(&dir, "not a directory")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(SaveError::new(&dir, "directory does not exist"));
            }
            Err(e) => return Err(SaveError::io(&dir, &e)),
        }
        let target = SaveTarget {
            path: dir.join(name),
            dir,
        };
        target.check_existing()?;
        // Really create (and remove) a file there: permissions, read-only
        // file systems, quotas on inodes all show up here.
        temp_in(&target.dir).map_err(|e| {
            SaveError::new(
                &target.dir,
                format!("cannot create a file here: {}", plain(&e)),
            )
        })?;
        Ok(target)
    }

    /// The target with its extension replaced (`out.pcap` → `out.kernel.tsv`),
    /// checked.
    pub fn with_extension(&self, ext: &str) -> Result<SaveTarget, SaveError> {
        let target = SaveTarget {
            path: self.path.with_extension(ext),
            dir: self.dir.clone(),
        };
        target.check_existing()?;
        Ok(target)
    }

    /// The path as given (directory joined with the file name).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Refuses an existing target that is not a regular file the user can
    /// write.
    fn check_existing(&self) -> Result<(), SaveError> {
        let meta = match fs::symlink_metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(SaveError::io(&self.path, &e)),
        };
        let t = meta.file_type();
        let what = if t.is_symlink() {
            "a symbolic link"
        } else if t.is_dir() {
            "a directory"
        } else if t.is_fifo() {
            "a FIFO"
        } else if t.is_block_device() || t.is_char_device() {
            "a device"
        } else if t.is_socket() {
            "a socket"
        } else {
            ""
        };
        if !what.is_empty() {
            return Err(SaveError::new(
                &self.path,
                format!("is {what}; refusing to replace it (name a new or regular file)"),
            ));
        }
        // Would the user be allowed to write it? Ask the kernel, without
        // truncating or following a link swapped in meanwhile.
        OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&self.path)
            .map(drop)
            .map_err(|e| {
                SaveError::new(
                    &self.path,
                    format!(
                        "exists and you cannot write it ({}); not replacing it",
                        plain(&e)
                    ),
                )
            })
    }
}

/// An unpredictable, exclusively created file in `dir`, mode 0666 less the umask.
fn temp_in(dir: &Path) -> io::Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".synack-")
        .suffix(".tmp")
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(dir)
}

/// Files written all or nothing: each [`SaveSet::stage`]d into a temporary
/// file, then [`SaveSet::commit`]ted together. Dropping an uncommitted set
/// removes its temporary files.
#[derive(Default)]
pub struct SaveSet {
    staged: Vec<(NamedTempFile, SaveTarget, ExitAction)>,
}

impl SaveSet {
    /// An empty set.
    pub fn new() -> SaveSet {
        SaveSet::default()
    }

    /// Writes `target`'s content with `write` into a temporary file beside
    /// it (flushed and synced). Errors name `target`.
    pub fn stage(
        &mut self,
        target: &SaveTarget,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), SaveError> {
        let fail = |e: &io::Error| SaveError::io(&target.path, e);
        let tmp = temp_in(&target.dir).map_err(|e| fail(&e))?;
        let tmp_path = tmp.path().to_path_buf();
        let guard = shutdown::on_exit(move || {
            let _ = fs::remove_file(&tmp_path);
        });
        let mut out = BufWriter::new(tmp.as_file());
        write(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| fail(&e))?;
        drop(out);
        tmp.as_file().sync_all().map_err(|e| fail(&e))?;
        self.staged.push((tmp, target.clone(), guard));
        Ok(())
    }

    /// Checks every target again (it may have changed since
    /// [`SaveTarget::check`]), then renames the temporary files into place.
    pub fn commit(self) -> Result<(), SaveError> {
        for (_, target, _) in &self.staged {
            target.check_existing()?;
        }
        let mut done: Vec<PathBuf> = Vec::new();
        for (tmp, target, _guard) in self.staged {
            if let Err(e) = tmp.persist(&target.path) {
                // Undo the renames already made: nothing partial stays.
                for p in &done {
                    let _ = fs::remove_file(p);
                }
                return Err(SaveError::io(&target.path, &e.error));
            }
            done.push(target.path.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "save/tests.rs"]
mod tests;
