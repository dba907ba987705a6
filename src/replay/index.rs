//! Where each connection's frames are in a capture file, so that opening a
//! connection whose steps were not kept reads only its frames, and its
//! frames' bytes (for the hex dump) are read from the file when shown
//! instead of being kept in memory.
//!
//! The index holds 16 bytes per TCP frame (connection, frame number,
//! record offset) for each connection's first [`PER_CONNECTION`] frames,
//! [`INDEX_MAX`] frames in all (past that, later frames are not indexed),
//! and 4 bytes per connection. A connection with more frames than were
//! indexed is read from its first ones: the walk keeps only its first
//! [`WALK_STEPS`] steps, and counts, times and final states come from the
//! summary the loading pass made (`Connection::graft`). [`reopen`] reads
//! the whole file again instead when the indexed frames cannot tell the
//! kept steps (fewer than those steps were indexed, a SYN or FIN among
//! them is still tentative, an earlier connection between the same
//! sockets was not indexed whole) or when frames outside a connection
//! shaped it (IP fragments reassembled into its segments, ICMP errors
//! quoting it). Either way the connection comes out as a reading of the
//! whole file with [`super::Keep::One`] gives it.

use std::fs::File;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::loader::Loaded;
use super::{KEEP_FRAMES_MAX, Progress};
use crate::capture::{ByteOrder, CaptureError, CaptureReader, Format, LinkType};
use crate::conversation::{Connection, Tracker};
use crate::decode::{Decoded, TunnelPorts};
use crate::feed::source::{Offsets, Picked, read_record};
use crate::feed::{Fed, Feed, Flow, Sink, no_progress};

/// Steps the walk-through keeps of a connection read again: a walk by
/// hand never gets further, and a connection of 10 M segments would not
/// fit in memory.
pub const WALK_STEPS: usize = 100_000;

/// Frames indexed at most (16 bytes each: 64 MiB).
pub const INDEX_MAX: usize = 1 << 22;

/// Frames indexed at most per connection: the [`WALK_STEPS`] a walk keeps
/// and a few thousand more, so that a SYN or FIN still tentative at the
/// last kept step is settled by the frames that follow it.
pub const PER_CONNECTION: usize = WALK_STEPS + 4096;

/// How a frame can be read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// A plain (uncompressed) pcap file: each record at its offset.
    Pcap {
        /// Header byte order.
        order: ByteOrder,
        /// Nanosecond timestamps.
        nanosecond: bool,
    },
    /// Anything else (pcapng, compressed, a pipe): in one pass from the
    /// start.
    Sequential,
}

impl Access {
    /// How frames of `reader` can be read again (by offset: an uncompressed
    /// pcap file; a pipe, of size 0, cannot).
    pub fn of(reader: &CaptureReader) -> Access {
        // Not a regular file (a pipe): size 0.
        let regular = reader.size() > 0;
        match reader.format() {
            Format::Pcap {
                nanosecond,
                byte_order,
            } if regular && reader.compression().is_none() => Access::Pcap {
                order: byte_order,
                nanosecond,
            },
            _ => Access::Sequential,
        }
    }
}

/// Each TCP frame's connection, number and record offset, in capture
/// order.
#[derive(Debug)]
pub struct FrameIndex {
    path: PathBuf,
    ports: TunnelPorts,
    access: Access,
    /// Link type of a pcap file (one for the whole file).
    link: Option<LinkType>,
    conn: Vec<u32>,
    number: Vec<u32>,
    offset: Vec<u64>,
    /// Frames indexed per connection: always its first ones.
    count: Vec<u32>,
    /// Frames indexed at most per connection, and in all.
    caps: (usize, usize),
    /// The total cap was reached: no later frame is indexed.
    full: bool,
    /// Every frame that shaped a connection is in the index (or was left
    /// out by a cap: see [`reopen`]).
    exact: bool,
}

impl FrameIndex {
    /// An empty index for the file at `path`, decoded with `ports`.
    pub fn new(path: &Path, ports: TunnelPorts, access: Access) -> FrameIndex {
        FrameIndex {
            path: path.to_path_buf(),
            ports,
            access,
            link: None,
            conn: Vec::new(),
            number: Vec::new(),
            offset: Vec::new(),
            count: Vec::new(),
            caps: (PER_CONNECTION, INDEX_MAX),
            full: false,
            exact: true,
        }
    }

    /// Indexes at most `per_connection` frames of each connection and
    /// `total` in all (tests lower them).
    pub fn with_caps(mut self, per_connection: usize, total: usize) -> FrameIndex {
        self.caps = (per_connection, total);
        self
    }

    /// Feeds a loaded frame to `tracker` and files where it went.
    pub fn ingest(&mut self, tracker: &mut Tracker, frame: Loaded) -> Option<(usize, usize)> {
        let shaped_elsewhere = match &frame.decoded {
            Decoded::Tcp(s) => {
                s.ip.carried
                    .as_ref()
                    .is_some_and(|c| !c.reassembled_from.is_empty())
            }
            Decoded::IcmpError(_) | Decoded::Fragment => true,
            _ => false,
        };
        let at = tracker.ingest_decoded(frame.decoded);
        if self.exact {
            if shaped_elsewhere {
                self.give_up();
            } else if let Some((c, _)) = at {
                self.record(c, frame.number, frame.offset, frame.link);
            }
        }
        at
    }

    fn record(&mut self, c: usize, number: u64, offset: u64, link: LinkType) {
        let (Ok(c), Ok(number)) = (u32::try_from(c), u32::try_from(number)) else {
            self.give_up();
            return;
        };
        if self.link.is_some_and(|l| l != link) {
            self.give_up();
            return;
        }
        if self.count.len() <= c as usize {
            self.count.resize(c as usize + 1, 0);
        }
        let n = &mut self.count[c as usize];
        self.full |= self.conn.len() >= self.caps.1;
        if self.full || *n as usize >= self.caps.0 {
            return; // its first frames are in: see `reopen`
        }
        *n += 1;
        self.link = Some(link);
        self.conn.push(c);
        self.number.push(number);
        self.offset.push(offset);
    }

    fn give_up(&mut self) {
        self.exact = false;
        self.conn = Vec::new();
        self.number = Vec::new();
        self.offset = Vec::new();
        self.count = Vec::new();
    }

    /// Whether [`reopen`] can read only the connection's frames.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// Frames indexed.
    pub fn len(&self) -> usize {
        self.conn.len()
    }

    /// Whether no frame is indexed.
    pub fn is_empty(&self) -> bool {
        self.conn.is_empty()
    }

    /// Bytes the index holds on the heap.
    pub fn heap_bytes(&self) -> usize {
        (self.conn.capacity() + self.number.capacity() + self.count.capacity()) * 4
            + self.offset.capacity() * 8
    }

    /// Gives back the room kept for growth (the file is read).
    pub fn shrink(&mut self) {
        self.conn.shrink_to_fit();
        self.number.shrink_to_fit();
        self.offset.shrink_to_fit();
        self.count.shrink_to_fit();
    }

    /// Frames of connection `c` indexed (its first ones).
    fn indexed(&self, c: usize) -> u64 {
        self.count.get(c).map_or(0, |&n| u64::from(n))
    }

    /// `(connection, number, offset)` of the frames of connections
    /// `conns` (sorted), in capture order.
    fn frames_of(&self, conns: &[usize]) -> Vec<(usize, u64, u64)> {
        self.conn
            .iter()
            .enumerate()
            .filter(|&(_, &k)| conns.binary_search(&(k as usize)).is_ok())
            .map(|(i, &k)| (k as usize, u64::from(self.number[i]), self.offset[i]))
            .collect()
    }
}

/// A connection read again with its steps, and its frames' bytes.
pub struct Reopened {
    /// The connection, as a whole-file reading with `Keep::One(c)` has it.
    pub connection: Connection,
    /// Its frames' bytes.
    pub frames: FrameBytes,
}

/// Where a reopened connection's frame bytes are.
pub enum FrameBytes {
    /// Read from the file when asked for.
    OnDisk(DiskFrames),
    /// Kept in memory (at most [`KEEP_FRAMES_MAX`]), by frame number.
    Kept(Vec<(u64, Vec<u8>)>),
}

impl FrameBytes {
    /// Bytes of frame `number`, when they are known.
    pub fn frame(&self, number: u64) -> Option<std::borrow::Cow<'_, [u8]>> {
        match self {
            FrameBytes::OnDisk(d) => d.frame(number).map(std::borrow::Cow::Owned),
            FrameBytes::Kept(v) => {
                let i = v.binary_search_by_key(&number, |(n, _)| *n).ok()?;
                Some(std::borrow::Cow::Borrowed(&v[i].1))
            }
        }
    }
}

/// One connection's frames in a plain pcap file, read when shown.
pub struct DiskFrames {
    file: File,
    order: ByteOrder,
    /// `(number, offset)`, sorted by number.
    frames: Vec<(u64, u64)>,
}

impl DiskFrames {
    /// Bytes of frame `number`, read from the file (`None` when it is not
    /// one of the connection's frames or cannot be read).
    pub fn frame(&self, number: u64) -> Option<Vec<u8>> {
        let i = self
            .frames
            .binary_search_by_key(&number, |&(n, _)| n)
            .ok()?;
        read_record(&self.file, self.order, false, self.frames[i].1)
            .ok()
            .map(|r| r.data)
    }
}

/// Reads the file at `path` as the TUI's loader does, without a thread:
/// summaries (and the steps `keep` names) with the frame index.
pub fn read_indexed(
    path: &Path,
    keep: crate::conversation::KeepSteps,
    ports: TunnelPorts,
) -> Result<(Tracker, FrameIndex), CaptureError> {
    read_indexed_with(path, keep, ports, (PER_CONNECTION, INDEX_MAX))
}

/// [`read_indexed`], indexing at most `caps.0` frames per connection and
/// `caps.1` in all ([`FrameIndex::with_caps`]).
pub fn read_indexed_with(
    path: &Path,
    keep: crate::conversation::KeepSteps,
    ports: TunnelPorts,
    caps: (usize, usize),
) -> Result<(Tracker, FrameIndex), CaptureError> {
    let mut reader = CaptureReader::open(path)?;
    let mut index =
        FrameIndex::new(path, ports.clone(), Access::of(&reader)).with_caps(caps.0, caps.1);
    let mut tracker = Tracker::keeping(keep);
    let mut sink = Indexing {
        tracker: &mut tracker,
        index: &mut index,
    };
    Feed::with_ports(ports).run(&mut reader, &mut sink, &mut no_progress)?;
    Ok((tracker, index))
}

/// The frame index builder, a [`crate::feed`] sink: the model, and where
/// each of its frames went.
pub struct Indexing<'a> {
    /// The model.
    pub tracker: &'a mut Tracker,
    /// The index filled.
    pub index: &'a mut FrameIndex,
}

impl Sink for Indexing<'_> {
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        let loaded = Loaded {
            number: fed.frame.number,
            offset: fed.offset,
            link: fed.frame.link,
            decoded,
            bytes: None,
        };
        self.index.ingest(self.tracker, loaded);
        ControlFlow::Continue(())
    }

    fn connections(&self) -> usize {
        self.tracker.connections().len()
    }
}

/// Connection `c` and the connections before it between the same two
/// sockets (in either direction), in order: what the model needs to read
/// `c` again as the whole file has it (a reused port pair is labelled
/// from the connection before).
pub fn lineage(conns: &[Connection], c: usize) -> Vec<usize> {
    let Some(me) = conns.get(c) else {
        return Vec::new();
    };
    let (a, b) = (me.client(), me.server());
    conns[..=c]
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_between(a, b))
        .map(|(i, _)| i)
        .collect()
}

/// Reads connection `c` of `conns` (the loading pass's summaries) again
/// with its steps: only its indexed frames (and those of the connections
/// before it between the same sockets, [`lineage`]) when the index allows
/// it, else the whole file. `progress` is called every few thousand
/// frames; when it breaks, the reading stops and `Ok(None)` comes back
/// (the user went elsewhere: not an error).
///
/// At most `limit` steps are kept (later segments still move the states
/// and the counts, [`Connection::steps_not_kept`]), so a connection of
/// millions of segments cannot fill the memory; the UI keeps
/// [`WALK_STEPS`]. A connection with more frames than the index holds is
/// read from its first ones and grafted onto its summary
/// ([`Connection::graft`]: the same steps, counts and states as a whole
/// reading; transitions past the kept steps are not listed).
pub fn reopen(
    index: &FrameIndex,
    conns: &[Connection],
    c: usize,
    limit: usize,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Option<Reopened>, CaptureError> {
    let name = index.path.display().to_string();
    let lineage = lineage(conns, c);
    let Some((summary, before)) = conns.get(c).zip(lineage.split_last().map(|l| l.1)) else {
        return whole_file(index, c, limit, progress);
    };
    let indexed = index.indexed(c);
    let cut = indexed < summary.packets();
    if !index.exact
        || before
            .iter()
            .any(|&k| index.indexed(k) < conns[k].packets())
        || (cut && indexed < summary.packets().min(limit as u64))
    {
        return whole_file(index, c, limit, progress);
    }
    let frames = index.frames_of(&lineage);
    let mut tracker = Tracker::new().with_step_limit(limit);
    let mut feed = Feed::with_ports(index.ports.clone()).keeping_bytes(KEEP_FRAMES_MAX);
    let bytes = match (index.access, index.link) {
        (Access::Pcap { order, nanosecond }, Some(link)) => {
            let file = crate::capture::opened::open_file(&index.path).map_err(|error| {
                CaptureError::Io {
                    path: name.clone(),
                    error,
                }
            })?;
            let at: Vec<(u64, u64)> = frames.iter().map(|&(_, n, o)| (n, o)).collect();
            let mut source = Offsets::new(&file, name, (order, nanosecond), link, &at);
            if feed.run(&mut source, &mut tracker, progress)? == Flow::Stopped {
                return Ok(None);
            }
            FrameBytes::OnDisk(DiskFrames {
                file,
                order,
                frames: frames
                    .iter()
                    .filter(|f| f.0 == c)
                    .take(limit)
                    .map(|&(_, n, o)| (n, o))
                    .collect(),
            })
        }
        _ => {
            let reader = CaptureReader::open(&index.path)?;
            let mut source = Picked::new(reader, frames.iter().map(|f| f.1));
            let mut sink = Only {
                tracker: &mut tracker,
                mine: frames.iter().filter(|f| f.0 == c).map(|f| f.1).collect(),
                steps: None,
                kept: Vec::new(),
            };
            if feed.run(&mut source, &mut sink, progress)? == Flow::Stopped {
                return Ok(None);
            }
            FrameBytes::Kept(sink.kept)
        }
    };
    let read = tracker
        .into_connections()
        .pop()
        .filter(|r| r.packets() == indexed);
    let connection = match read {
        Some(first) if cut => {
            let keep = summary.packets().min(limit as u64) as usize;
            Connection::graft(summary, first, keep)
        }
        Some(mut whole) => {
            whole.set_index(c);
            Some(whole)
        }
        None => None,
    };
    match connection {
        Some(connection) => Ok(Some(Reopened {
            connection,
            frames: bytes,
        })),
        // A kept step not settled by the indexed frames, or (cannot happen
        // with an exact index) not what the whole reading gave: read the
        // whole file.
        None => whole_file(index, c, limit, progress),
    }
}

/// The model, and the bytes of one connection's frames (within the feed's
/// budget): those numbered `mine` (sorted), or those the model filed
/// under connection `steps.0` as one of its first `steps.1` steps.
struct Only<'t> {
    tracker: &'t mut Tracker,
    mine: Vec<u64>,
    steps: Option<(usize, usize)>,
    kept: Vec<(u64, Vec<u8>)>,
}

impl Sink for Only<'_> {
    fn take(&mut self, fed: &mut Fed<'_>, decoded: Decoded) -> ControlFlow<()> {
        let went = self.tracker.ingest_decoded(decoded);
        let number = fed.frame.number;
        let wanted = match self.steps {
            Some((c, limit)) => went.is_some_and(|(k, step)| k == c && step < limit),
            None => self.mine.binary_search(&number).is_ok(),
        };
        if wanted && let Some(b) = fed.keep_bytes() {
            self.kept.push((number, b));
        }
        ControlFlow::Continue(())
    }

    fn connections(&self) -> usize {
        match self.steps {
            Some(_) => self.tracker.connections().len(),
            // Only the connection's frames (and its lineage's) are read.
            None => 1,
        }
    }
}

/// Connection `c` from a reading of the whole file (at most `limit`
/// steps, its frames' bytes up to [`KEEP_FRAMES_MAX`]; `None`: `progress`
/// stopped it).
fn whole_file(
    index: &FrameIndex,
    c: usize,
    limit: usize,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Option<Reopened>, CaptureError> {
    let mut reader = CaptureReader::open(&index.path)?;
    let mut tracker =
        Tracker::keeping(crate::conversation::KeepSteps::Only(c)).with_step_limit(limit);
    let mut sink = Only {
        tracker: &mut tracker,
        mine: Vec::new(),
        steps: Some((c, limit)),
        kept: Vec::new(),
    };
    let mut feed = Feed::with_ports(index.ports.clone()).keeping_bytes(KEEP_FRAMES_MAX);
    if feed.run(&mut reader, &mut sink, progress)? == Flow::Stopped {
        return Ok(None);
    }
    let kept = sink.kept;
    let connection = tracker
        .into_connections()
        .into_iter()
        .nth(c)
        .ok_or_else(|| CaptureError::Corrupt {
            path: index.path.display().to_string(),
            offset: 0,
            problem: format!("connection {c} is gone: the file changed while it was shown"),
        })?;
    Ok(Some(Reopened {
        connection,
        frames: FrameBytes::Kept(kept),
    }))
}
