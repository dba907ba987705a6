//! Where a capture's bytes are read from, as many times as a mode needs
//! them: a regular file by its path, or what a pipe gave, copied once to
//! an anonymous temporary file.
//!
//! `--print`, `--json`, `--svg` and `--html` read a capture twice
//! (summaries first, then the output written as the second read goes, in
//! bounded memory). A pipe (`/dev/stdin`, a FIFO, `<(zcat x.pcap.gz)`) can
//! be read only once, so [`Source::of`] copies its bytes as they come to a
//! file in the temporary directory (`TMPDIR`, else `/tmp`) that has no
//! name: it goes away with the process, however the process ends. The
//! bytes are copied as they are (compressed ones stay compressed: the
//! reader recognises them by content at every read), and every read names
//! the user's file, so messages and byte offsets are those of the pipe.
//!
//! This module reads the given file and writes the copy only: it touches
//! no terminal, clock or network.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{CaptureError, CaptureReader};

/// The progress callback of [`Source::of`] is called every this many
/// bytes copied.
const COPY_PROGRESS_EVERY: u64 = 16 << 20;
/// Bytes moved from the pipe to the copy at a time.
const COPY_CHUNK: usize = 1 << 20;

/// A capture that can be read again: see the module docs.
#[derive(Clone, Debug)]
pub struct Source {
    /// The user's name for it (the path given), used in every message.
    name: String,
    bytes: Bytes,
}

#[derive(Clone, Debug)]
enum Bytes {
    /// A file opened by path at each read.
    Path(PathBuf),
    /// A pipe's bytes copied to an anonymous temporary file, `len` bytes.
    Copy { file: Arc<File>, len: u64 },
}

impl Source {
    /// The file at `path`, opened at each read (by path, as
    /// [`CaptureReader::open`] does).
    pub fn file(path: &Path) -> Source {
        Source {
            name: path.display().to_string(),
            bytes: Bytes::Path(path.to_path_buf()),
        }
    }

    /// Whether `path` can be read only once (a pipe, a socket, a
    /// terminal: anything but a regular file or a directory). A path that
    /// cannot be examined is not: opening it will say why, as will
    /// reading a directory.
    pub fn is_once(path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
    }

    /// `path` as a source that can be read again: the file itself when it
    /// is a regular file (or cannot be examined: its first read will say
    /// why), else its bytes copied to an anonymous temporary file, calling
    /// `progress(bytes copied)` every few megabytes. A pipe that ends
    /// early gives a shorter copy (the reads then warn of the record cut
    /// short, as they would reading the pipe).
    pub fn of(path: &Path, progress: &mut dyn FnMut(u64)) -> Result<Source, CaptureError> {
        if !Source::is_once(path) {
            return Ok(Source::file(path));
        }
        let name = path.display().to_string();
        let read_err = |error| CaptureError::Io {
            path: name.clone(),
            error,
        };
        let copy_err = |error| CaptureError::Copy {
            path: name.clone(),
            dir: std::env::temp_dir(),
            error,
        };
        let mut from = super::opened::open(path).map_err(read_err)?;
        let mut copy = tempfile::tempfile().map_err(copy_err)?;
        let mut buf = vec![0; COPY_CHUNK];
        let mut len = 0u64;
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_err(e)),
            };
            copy.write_all(&buf[..n]).map_err(copy_err)?;
            let before = len;
            len += n as u64;
            if len / COPY_PROGRESS_EVERY > before / COPY_PROGRESS_EVERY {
                progress(len);
            }
        }
        copy.flush().map_err(copy_err)?;
        Ok(Source {
            name,
            bytes: Bytes::Copy {
                file: Arc::new(copy),
                len,
            },
        })
    }

    /// The name messages use: the path the user gave.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether a second read gives the bytes again: not for a pipe given
    /// by path (read once already: a FIFO's open would wait for a writer
    /// that is gone).
    pub fn rereadable(&self) -> bool {
        match &self.bytes {
            Bytes::Path(path) => !Source::is_once(path),
            Bytes::Copy { .. } => true,
        }
    }

    /// A reader from the first byte, its file header read.
    pub fn reader(&self) -> Result<CaptureReader, CaptureError> {
        match &self.bytes {
            Bytes::Path(path) => CaptureReader::open(path),
            Bytes::Copy { file, len } => {
                let at = ReadAt {
                    file: Arc::clone(file),
                    pos: 0,
                };
                Ok(CaptureReader::from_reader(self.name.clone(), at)?.with_size(*len))
            }
        }
    }
}

/// Reads a shared file from its own position (`pread`), so that each
/// reader of a copy starts at its first byte whatever the others did.
struct ReadAt {
    file: Arc<File>,
    pos: u64,
}

impl Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_by_path() {
        let path = Path::new("captures/normal.pcap");
        let s = Source::of(path, &mut |_| panic!("nothing is copied")).unwrap();
        assert!(matches!(s.bytes, Bytes::Path(_)) && s.rereadable());
        assert_eq!(s.name(), "captures/normal.pcap");
        assert!(!Source::is_once(Path::new("no/such/file.pcap")));
        assert!(!Source::is_once(Path::new("captures")));
        assert!(Source::is_once(Path::new("/dev/null")));
    }

    /// Two readers of one copy each start at the first byte and give the
    /// frames a reader of the original gives, under the pipe's name.
    #[test]
    fn readers_of_a_copy_are_independent() {
        let bytes = std::fs::read("captures/normal.pcap").unwrap();
        let mut copy = tempfile::tempfile().unwrap();
        copy.write_all(&bytes).unwrap();
        let s = Source {
            name: "/dev/stdin".into(),
            bytes: Bytes::Copy {
                file: Arc::new(copy),
                len: bytes.len() as u64,
            },
        };
        let frames = |r: &mut CaptureReader| {
            let mut v = Vec::new();
            while let Some(f) = r.next_frame().unwrap() {
                v.push((f.ts, f.data.to_vec()));
            }
            v
        };
        let (mut a, mut b) = (s.reader().unwrap(), s.reader().unwrap());
        let first = a.next_frame().unwrap().unwrap().data.to_vec();
        let all_b = frames(&mut b);
        let mut rest_a = frames(&mut a);
        rest_a.insert(0, (all_b[0].0, first));
        let original = frames(&mut CaptureReader::open(Path::new("captures/normal.pcap")).unwrap());
        assert_eq!(all_b, original);
        assert_eq!(rest_a, original);
        assert_eq!(a.name(), "/dev/stdin");
        assert_eq!(a.size(), bytes.len() as u64);
    }
}
