//! Text written ahead of its turn: a connection's lines that must wait
//! until every connection before it was written whole. Held in memory up
//! to a limit, then spilled to an anonymous temporary file (deleted by the
//! system when closed), so a long first connection beside millions of
//! later ones costs disk, not memory.

use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;

use rustc_hash::FxHashMap;

/// One connection's waiting text: extents of the temporary file, then
/// what is still in memory.
#[derive(Default)]
struct Parts {
    disk: Vec<(u64, u64)>,
    mem: Vec<u8>,
}

/// Waiting text of many connections, keyed by connection index.
pub struct Spool {
    parts: FxHashMap<usize, Parts>,
    /// Connections with text in memory.
    dirty: Vec<usize>,
    /// Bytes of buffer in memory in all (capacity, not only length).
    held: usize,
    /// Spill to the file past this many bytes in memory.
    limit: usize,
    file: Option<File>,
    /// Bytes written to the file.
    len: u64,
}

impl Spool {
    /// A spool holding up to `limit` bytes in memory.
    pub fn new(limit: usize) -> Spool {
        Spool {
            parts: FxHashMap::default(),
            dirty: Vec::new(),
            held: 0,
            limit,
            file: None,
            len: 0,
        }
    }

    /// Appends `text` to connection `key`'s waiting text.
    pub fn push(&mut self, key: usize, text: &[u8]) -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        let parts = self.parts.entry(key).or_default();
        if parts.mem.is_empty() {
            self.dirty.push(key);
        }
        let before = parts.mem.capacity();
        parts.mem.extend_from_slice(text);
        // What the buffers hold in memory, room to grow included.
        self.held += parts.mem.capacity() - before;
        if self.held > self.limit {
            self.spill()?;
        }
        Ok(())
    }

    /// Moves every connection's in-memory text to the file.
    fn spill(&mut self) -> io::Result<()> {
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(tempfile::tempfile()?),
        };
        for key in self.dirty.drain(..) {
            let Some(parts) = self.parts.get_mut(&key) else {
                continue;
            };
            if parts.mem.is_empty() {
                continue;
            }
            file.write_all_at(&parts.mem, self.len)?;
            let n = parts.mem.len() as u64;
            match parts.disk.last_mut() {
                Some((at, len)) if *at + *len == self.len => *len += n,
                _ => parts.disk.push((self.len, n)),
            }
            self.len += n;
            parts.mem = Vec::new();
        }
        self.held = 0;
        Ok(())
    }

    /// Whether connection `key` has waiting text.
    #[cfg(test)]
    fn has(&self, key: usize) -> bool {
        self.parts.contains_key(&key)
    }

    /// Writes connection `key`'s waiting text to `out`, in the order it
    /// was pushed, and forgets it.
    pub fn take_to(&mut self, key: usize, out: &mut dyn Write) -> io::Result<()> {
        let Some(parts) = self.parts.remove(&key) else {
            return Ok(());
        };
        // A buffer only for text that went to disk (most never does).
        let mut buf = if parts.disk.is_empty() {
            Vec::new()
        } else {
            vec![0; 1 << 16]
        };
        for (mut at, mut len) in parts.disk {
            let file = self.file.as_ref().ok_or(io::ErrorKind::NotFound)?;
            while len > 0 {
                let n = len.min(buf.len() as u64) as usize;
                file.read_exact_at(&mut buf[..n], at)?;
                out.write_all(&buf[..n])?;
                at += n as u64;
                len -= n as u64;
            }
        }
        self.held -= parts.mem.capacity();
        out.write_all(&parts.mem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_comes_back_in_order_whether_spilled_or_not() {
        let mut spool = Spool::new(10);
        spool.push(3, b"three-a ").unwrap();
        spool.push(5, b"five-a ").unwrap(); // past 10 bytes: both spilled
        assert!(spool.file.is_some() && spool.held == 0);
        spool.push(3, b"three-b").unwrap();
        spool.push(5, b"five-b").unwrap();
        let mut out = Vec::new();
        spool.take_to(5, &mut out).unwrap();
        assert_eq!(out, b"five-a five-b");
        assert!(!spool.has(5) && spool.has(3));
        out.clear();
        spool.take_to(3, &mut out).unwrap();
        assert_eq!(out, b"three-a three-b");
        assert_eq!(spool.held, 0);
    }

    #[test]
    fn small_text_stays_in_memory() {
        let mut spool = Spool::new(1 << 20);
        spool.push(0, b"abc").unwrap();
        assert!(spool.file.is_none());
        let mut out = Vec::new();
        spool.take_to(0, &mut out).unwrap();
        assert_eq!(out, b"abc");
    }
}
