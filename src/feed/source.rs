//! Frame sources for a [`super::Feed`]: what hands out frames one at a
//! time. A capture file read in order ([`CaptureReader`]), the same file
//! read again by the record offsets a frame index holds ([`Offsets`]) or
//! in one pass that decodes only the frames asked for ([`Picked`]), and
//! a live channel of owned frames ([`Channel`]). A traced program or a
//! controlled wire would be one more `impl FrameSource`.
//!
//! Sources read; they never decode, model or draw.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::capture::{
    ByteOrder, CaptureError, CaptureReader, Frame, LinkType, MAX_PACKET, OwnedFrame, pcap_ts,
};

use super::PROGRESS_EVERY;

/// What a source hands out next.
pub enum Pull<'a> {
    /// A frame, with where its record starts in the source.
    Frame {
        /// The frame, borrowed from the source.
        frame: Frame<'a>,
        /// Offset of its record (0 when the source has none).
        offset: u64,
    },
    /// A frame read and passed over (not asked for): nothing to decode,
    /// but the reading moved (progress is called on it).
    Passed,
    /// No more frames.
    End,
}

/// Something that hands out frames in order.
pub trait FrameSource {
    /// The next frame. Damage the source can recover from ends it with a
    /// warning ([`FrameSource::warnings`]); an error is for what cannot be
    /// read at all.
    fn pull(&mut self) -> Result<Pull<'_>, CaptureError>;

    /// Frames pulled so far (passed ones included).
    fn frames_read(&self) -> u64;

    /// Bytes of the source read so far (for a progress line).
    fn bytes_read(&self) -> u64 {
        0
    }

    /// Bytes of the source in all, 0 when unknown.
    fn size(&self) -> u64 {
        0
    }

    /// Whether the next pull may wait for its input (a pipe not written).
    fn would_wait(&self) -> bool {
        false
    }

    /// Non-fatal problems met so far, one line each.
    fn warnings(&self) -> &[String] {
        &[]
    }

    /// Frames between two calls of the progress callback.
    fn progress_every(&self) -> u64 {
        PROGRESS_EVERY
    }
}

impl FrameSource for CaptureReader {
    fn pull(&mut self) -> Result<Pull<'_>, CaptureError> {
        let offset = self.bytes_read();
        Ok(match self.next_frame()? {
            Some(frame) => Pull::Frame { frame, offset },
            None => Pull::End,
        })
    }
    fn frames_read(&self) -> u64 {
        CaptureReader::frames_read(self)
    }
    fn bytes_read(&self) -> u64 {
        CaptureReader::bytes_read(self)
    }
    fn size(&self) -> u64 {
        CaptureReader::size(self)
    }
    fn would_wait(&self) -> bool {
        self.buffered() == 0
    }
    fn warnings(&self) -> &[String] {
        CaptureReader::warnings(self)
    }
}

/// A pcap record read at an offset.
pub struct Record {
    /// Its timestamp.
    pub ts: Duration,
    /// Its captured bytes.
    pub data: Vec<u8>,
    /// Its length on the wire.
    pub wire_len: u32,
}

/// Reads the pcap record at `offset` of `file` (16-byte header, then the
/// bytes), with the reader's own timestamp rule and length limit.
pub fn read_record(
    file: &File,
    order: ByteOrder,
    nanosecond: bool,
    offset: u64,
) -> std::io::Result<Record> {
    let mut head = [0u8; 16];
    file.read_exact_at(&mut head, offset)?;
    let u = |i: usize| {
        let b = [head[i], head[i + 1], head[i + 2], head[i + 3]];
        match order {
            ByteOrder::Little => u32::from_le_bytes(b),
            ByteOrder::Big => u32::from_be_bytes(b),
        }
    };
    let (sec, frac, incl, orig) = (u(0), u(4), u(8), u(12));
    // The first reading refused anything longer as damaged.
    if incl > MAX_PACKET {
        return Err(std::io::Error::other("record length out of range"));
    }
    let mut data = vec![0u8; incl as usize];
    file.read_exact_at(&mut data, offset + 16)?;
    Ok(Record {
        ts: pcap_ts(sec, frac, nanosecond),
        wire_len: orig.max(incl),
        data,
    })
}

/// Frames of a plain pcap file read by their record offsets (those a frame
/// index holds), in the order given. Progress every 4096 frames: each is
/// a read of its own.
pub struct Offsets<'f> {
    file: &'f File,
    name: String,
    order: ByteOrder,
    nanosecond: bool,
    link: LinkType,
    /// `(number, offset)` of the frames to read.
    frames: &'f [(u64, u64)],
    read: usize,
    record: Record,
}

impl<'f> Offsets<'f> {
    /// The frames `frames` (`(number, offset)`) of the pcap file `file`
    /// (named `name` in messages), of link type `link`.
    pub fn new(
        file: &'f File,
        name: String,
        (order, nanosecond): (ByteOrder, bool),
        link: LinkType,
        frames: &'f [(u64, u64)],
    ) -> Offsets<'f> {
        Offsets {
            file,
            name,
            order,
            nanosecond,
            link,
            frames,
            read: 0,
            record: Record {
                ts: Duration::ZERO,
                data: Vec::new(),
                wire_len: 0,
            },
        }
    }
}

impl FrameSource for Offsets<'_> {
    fn pull(&mut self) -> Result<Pull<'_>, CaptureError> {
        let Some(&(number, offset)) = self.frames.get(self.read) else {
            return Ok(Pull::End);
        };
        self.read += 1;
        self.record =
            read_record(self.file, self.order, self.nanosecond, offset).map_err(|error| {
                CaptureError::Io {
                    path: self.name.clone(),
                    error,
                }
            })?;
        Ok(Pull::Frame {
            frame: Frame {
                number,
                ts: self.record.ts,
                link: self.link,
                data: &self.record.data,
                wire_len: self.record.wire_len,
            },
            offset,
        })
    }
    fn frames_read(&self) -> u64 {
        self.read as u64
    }
    fn bytes_read(&self) -> u64 {
        self.read
            .checked_sub(1)
            .and_then(|i| self.frames.get(i))
            .map_or(0, |&(_, offset)| offset)
    }
    fn progress_every(&self) -> u64 {
        4096
    }
}

/// A capture read in one pass that hands out only the frames whose
/// numbers are listed (sorted), passing over the others undecoded, and
/// ends after the last one listed.
pub struct Picked<I: Iterator<Item = u64>> {
    reader: CaptureReader,
    wanted: std::iter::Peekable<I>,
}

impl<I: Iterator<Item = u64>> Picked<I> {
    /// The frames of `reader` numbered `wanted` (in increasing order).
    pub fn new(reader: CaptureReader, wanted: I) -> Self {
        Picked {
            reader,
            wanted: wanted.peekable(),
        }
    }
}

impl<I: Iterator<Item = u64>> FrameSource for Picked<I> {
    fn pull(&mut self) -> Result<Pull<'_>, CaptureError> {
        let Some(&next) = self.wanted.peek() else {
            return Ok(Pull::End);
        };
        let offset = self.reader.bytes_read();
        let Some(frame) = self.reader.next_frame()? else {
            return Ok(Pull::End);
        };
        if frame.number != next {
            return Ok(Pull::Passed);
        }
        self.wanted.next();
        Ok(Pull::Frame { frame, offset })
    }
    fn frames_read(&self) -> u64 {
        self.reader.frames_read()
    }
    fn bytes_read(&self) -> u64 {
        self.reader.bytes_read()
    }
    fn size(&self) -> u64 {
        self.reader.size()
    }
    fn warnings(&self) -> &[String] {
        self.reader.warnings()
    }
}

/// A live channel of owned frames (the sniffer's): what has arrived, after
/// waiting up to `wait` for the first one, at most `max` frames; numbered
/// after the `before` frames the source handed out earlier.
pub struct Channel<'r> {
    frames: &'r Receiver<OwnedFrame>,
    wait: Duration,
    max: u64,
    before: u64,
    read: u64,
    current: Option<OwnedFrame>,
}

impl<'r> Channel<'r> {
    /// Frames from `frames`: waits up to `wait` for the first, then takes
    /// those already there, `max` at most; the first is numbered
    /// `before + 1`.
    pub fn new(frames: &'r Receiver<OwnedFrame>, wait: Duration, max: u64, before: u64) -> Self {
        Channel {
            frames,
            wait,
            max,
            before,
            read: 0,
            current: None,
        }
    }

    /// Frames handed out in all, those before this channel's included
    /// (the next `before`).
    pub fn numbered(&self) -> u64 {
        self.before + self.read
    }
}

impl FrameSource for Channel<'_> {
    fn pull(&mut self) -> Result<Pull<'_>, CaptureError> {
        if self.read >= self.max {
            return Ok(Pull::End);
        }
        let got = if self.read == 0 {
            // A time-out or a hung-up sender alike: nothing (more) now.
            self.frames.recv_timeout(self.wait).ok()
        } else {
            self.frames.try_recv().ok()
        };
        let Some(frame) = got else {
            return Ok(Pull::End);
        };
        self.read += 1;
        let number = self.before + self.read;
        let frame = self.current.insert(frame);
        Ok(Pull::Frame {
            frame: frame.as_frame(number),
            offset: 0,
        })
    }
    fn frames_read(&self) -> u64 {
        self.read
    }
}
