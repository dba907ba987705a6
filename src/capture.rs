//! Reading capture files (classic pcap and pcapng, plain or gzip/zstd
//! compressed: see `compressed`) as a stream of frames.
//!
//! [`CaptureReader`] detects the format from the file's magic number (never
//! from its name), then hands out one [`Frame`] at a time, lending a slice of
//! its own bounded buffer: the whole file is never read into memory and no
//! allocation happens per frame.
//!
//! # Why our own buffer around pcap-file's parsers
//!
//! pcap-file's `PcapReader`/`PcapNgReader` allocate an 8 MB buffer and turn
//! a packet cut short at the end of the file into a bare `UnexpectedEof` I/O
//! error, with no byte offset and no way to tell it from a real read error.
//! `PcapReader::next_packet` also rejects files that tcpdump and Wireshark
//! read fine (captured length above the snap length, original length below
//! the captured length), and the pcapng reader decodes every Enhanced
//! Packet Block's options into a `Vec`. So this module keeps its own
//! buffered reader and uses pcap-file at the parser level:
//! [`PcapHeader::from_slice`](pcap_file::pcap::PcapHeader::from_slice) and
//! `PcapParser::next_raw_packet` for pcap, and `PcapNgParser::next_raw_block`
//! (which keeps the section/interface state, including `if_tsresol` and
//! `if_tsoffset`) plus `PcapNgState::decode_timestamp` for pcapng. Packet
//! blocks themselves are read here, from their fixed 20-byte headers.
//!
//! This module only reads the given file or reader: it touches no terminal,
//! clock or network.

mod compressed;
pub mod opened;
mod records;
mod sniff;
mod source;
mod tsresol;

use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::time::Duration;

use pcap_file::pcap::{PcapParseError, PcapParser, PcapTsResolution};
use pcap_file::pcapng::{PcapNgParseError, PcapNgParser};
pub(crate) use records::{MAX_PACKET, pcap_ts};
use records::{NgInterfaces, Step, pcap_step, pcapng_step};

pub use crate::link::{LinkType, linktype_name};
pub use compressed::Compression;
pub use source::Source;

/// One captured frame, borrowed from the reader's buffer.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// 1-based packet number.
    pub number: u64,
    /// Timestamp since the Unix epoch.
    pub ts: Duration,
    /// Link type of the interface it was captured on.
    pub link: LinkType,
    /// Captured bytes.
    pub data: &'a [u8],
    /// Original length on the wire.
    pub wire_len: u32,
}

/// A captured frame that owns its bytes (a live capture's: the sniffer
/// sends these over its channel).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedFrame {
    /// Time of receipt since the Unix epoch (a live capture: the kernel's).
    pub ts: Duration,
    /// Link type (`Ethernet` on Linux loopback: 14 zero-address bytes).
    pub link: LinkType,
    /// The frame, link header included.
    pub data: Vec<u8>,
}

impl OwnedFrame {
    /// Borrows this frame as a [`Frame`] numbered `number` (1-based).
    pub fn as_frame(&self, number: u64) -> Frame<'_> {
        Frame {
            number,
            ts: self.ts,
            link: self.link,
            data: &self.data,
            wire_len: self.data.len() as u32,
        }
    }
}

/// Byte order of a capture file's headers (pcap-file's own type).
pub use pcap_file::Endianness as ByteOrder;

/// The container format of a capture file, detected from its magic number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Classic libpcap format.
    Pcap {
        /// Nanosecond timestamps (magic 0xa1b23c4d) instead of microseconds
        /// (magic 0xa1b2c3d4).
        nanosecond: bool,
        /// Header byte order.
        byte_order: ByteOrder,
    },
    /// pcapng; byte order of the current section.
    PcapNg {
        /// Byte order of the current section.
        byte_order: ByteOrder,
    },
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = |b: &ByteOrder| match b {
            ByteOrder::Little => "little-endian",
            ByteOrder::Big => "big-endian",
        };
        match self {
            Self::Pcap {
                nanosecond,
                byte_order,
            } => {
                let res = if *nanosecond { "ns" } else { "µs" };
                write!(f, "pcap ({res}, {})", order(byte_order))
            }
            Self::PcapNg { byte_order } => write!(f, "pcapng ({})", order(byte_order)),
        }
    }
}

/// Why a capture could not be read. Each message is one line that starts
/// with the file name.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The magic number is not pcap's or pcapng's.
    #[error(
        "{path}: not a pcap or pcapng capture file ({looks}); give a file written by tcpdump, dumpcap, tshark or Wireshark"
    )]
    NotACapture {
        /// File name.
        path: String,
        /// What the first bytes look like instead.
        looks: String,
    },
    /// The file has no bytes at all.
    #[error(
        "{path}: the file is empty (0 bytes); was the capture stopped before it wrote anything?"
    )]
    Empty {
        /// File name.
        path: String,
    },
    /// The file ends inside its file header.
    #[error(
        "{path}: truncated file header: {format} needs {need} bytes, the file has only {got}; the capture was cut short"
    )]
    TruncatedHeader {
        /// File name.
        path: String,
        /// "a pcap file header", "a pcapng section header" ...
        format: &'static str,
        /// Bytes the header needs.
        need: usize,
        /// Bytes the file has.
        got: usize,
    },
    /// A link-layer type the decoder does not understand.
    #[error(
        "{path}: unsupported link type {link}; synack reads Ethernet, Linux cooked (SLL/SLL2), raw IP and BSD loopback captures (try capturing with `tcpdump -i any` or on a loopback or Ethernet interface)"
    )]
    UnsupportedLinkType {
        /// File name.
        path: String,
        /// The link type, with its number and LINKTYPE_ name when known.
        link: LinkType,
    },
    /// The filter expression cannot be applied to the file's frames.
    #[error("{0}: {1}")]
    Filter(String, crate::filter::FilterError),
    /// The file is damaged part way through.
    #[error("{path}: damaged capture at byte offset {offset}: {problem}")]
    Corrupt {
        /// File name.
        path: String,
        /// Offset of the bad record from the start of the file.
        offset: u64,
        /// What is wrong.
        problem: String,
    },
    /// The operating system could not open or read the file. The OS error
    /// is part of the message, not a `source` (or `{:#}` prints it twice).
    #[error("{path}: cannot read the file: {error}")]
    Io {
        /// File name.
        path: String,
        /// The underlying error.
        error: io::Error,
    },
    /// A pipe's bytes could not be copied to a temporary file (to be read
    /// twice: [`Source::of`]).
    #[error(
        "{path}: cannot copy the pipe to a temporary file in {}: {error}; set TMPDIR to a directory with room, or save the capture to a file and give that",
        dir.display()
    )]
    Copy {
        /// File name.
        path: String,
        /// The temporary directory.
        dir: std::path::PathBuf,
        /// The underlying error.
        error: io::Error,
    },
}

/// Size of the first buffer, and of each read.
const CHUNK: usize = 256 * 1024;
/// Largest single record (pcap packet or pcapng block) we accept; anything
/// bigger means the length field is garbage.
const MAX_RECORD: usize = 64 * 1024 * 1024;

/// The per-format parser state.
enum Parser {
    /// Classic pcap: the parser knows byte order; link and resolution are
    /// global.
    Pcap {
        parser: PcapParser,
        link: LinkType,
        nanosecond: bool,
    },
    /// pcapng: the parser tracks sections and interfaces.
    PcapNg {
        parser: Box<PcapNgParser>,
        /// What we keep about the current section's interfaces.
        ifaces: NgInterfaces,
    },
}

/// The byte source with its bounded buffer.
struct Input {
    name: String,
    source: Box<dyn Read + Send>,
    buf: Vec<u8>,
    /// Start of unparsed data in `buf`.
    start: usize,
    /// End of valid data in `buf`.
    end: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
}

impl Input {
    /// File offset of the first unparsed byte.
    fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Reads more bytes, first moving unparsed bytes to the front and growing
    /// the buffer if a single record does not fit.
    fn fill(&mut self) -> Result<(), CaptureError> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_RECORD {
                return Err(CaptureError::Corrupt {
                    path: self.name.clone(),
                    offset: self.base,
                    problem: format!(
                        "a record claims more than {} MiB; its length field is damaged",
                        MAX_RECORD >> 20
                    ),
                });
            }
            let new_len = (self.buf.len() * 2).min(MAX_RECORD);
            self.buf.resize(new_len, 0);
        }
        loop {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Err(CaptureError::Io {
                        path: self.name.clone(),
                        error,
                    });
                }
            }
        }
    }

    /// Fills the buffer until it holds `n` unparsed bytes or the input ends.
    fn fill_to(&mut self, n: usize) -> Result<(), CaptureError> {
        while self.end - self.start < n && !self.eof {
            self.fill()?;
        }
        Ok(())
    }

    fn truncated_header(&self, format: &'static str, need: usize) -> CaptureError {
        CaptureError::TruncatedHeader {
            path: self.name.clone(),
            format,
            need,
            got: self.end - self.start,
        }
    }

    /// Detects the format and parses the pcap header or the first pcapng
    /// section header.
    fn read_file_header(&mut self) -> Result<Parser, CaptureError> {
        self.fill_to(64)?;
        let head = &self.buf[self.start..self.end];
        if head.is_empty() {
            return Err(CaptureError::Empty {
                path: self.name.clone(),
            });
        }
        match sniff::classify(head) {
            sniff::Kind::Pcap => self.read_pcap_header(),
            sniff::Kind::PcapNg => self.read_pcapng_header(),
            sniff::Kind::ShortMagic => Err(self.truncated_header("a file header", 24)),
            sniff::Kind::Other(looks) => Err(CaptureError::NotACapture {
                path: self.name.clone(),
                looks,
            }),
        }
    }

    fn read_pcap_header(&mut self) -> Result<Parser, CaptureError> {
        let head = &self.buf[self.start..self.end];
        let (rest, parser) = match PcapParser::new(head) {
            Ok(ok) => ok,
            Err(PcapParseError::IncompleteBuffer(..)) => {
                return Err(self.truncated_header("a pcap file header", 24));
            }
            Err(e) => {
                return Err(CaptureError::NotACapture {
                    path: self.name.clone(),
                    looks: e.to_string(),
                });
            }
        };
        let used = head.len() - rest.len();
        let header = parser.header();
        // The upper 16 bits may carry FCS information (pcap spec, LinkType).
        let link = LinkType::from_linktype(u32::from(header.datalink) & 0xffff);
        if !link.is_supported() {
            return Err(CaptureError::UnsupportedLinkType {
                path: self.name.clone(),
                link,
            });
        }
        let nanosecond = header.ts_resolution == PcapTsResolution::NanoSecond;
        self.start += used;
        Ok(Parser::Pcap {
            parser,
            link,
            nanosecond,
        })
    }

    fn read_pcapng_header(&mut self) -> Result<Parser, CaptureError> {
        loop {
            let head = &self.buf[self.start..self.end];
            match PcapNgParser::new(head) {
                Ok((rest, parser)) => {
                    let used = head.len() - rest.len();
                    self.start += used;
                    return Ok(Parser::PcapNg {
                        parser: Box::new(parser),
                        ifaces: NgInterfaces::default(),
                    });
                }
                Err(PcapNgParseError::IncompleteBuffer(need, _)) if self.eof => {
                    return Err(
                        self.truncated_header("a pcapng section header block", need.max(28))
                    );
                }
                Err(PcapNgParseError::IncompleteBuffer(need, _)) if need > MAX_RECORD => {
                    return Err(CaptureError::Corrupt {
                        path: self.name.clone(),
                        offset: self.offset(),
                        problem: format!("section header block claims {need} bytes"),
                    });
                }
                Err(PcapNgParseError::IncompleteBuffer(..)) => self.fill()?,
                Err(e) => {
                    return Err(CaptureError::Corrupt {
                        path: self.name.clone(),
                        offset: self.offset(),
                        problem: format!("bad pcapng section header block: {}", error_chain(&e)),
                    });
                }
            }
        }
    }
}

/// Streams frames out of a pcap or pcapng capture, lending each frame's bytes
/// from an internal buffer (see the module docs).
pub struct CaptureReader {
    input: Input,
    parser: Parser,
    compression: Option<Compression>,
    /// Bytes of the file, 0 when unknown (a pipe).
    size: u64,
    done: bool,
    frames: u64,
    warnings: Vec<String>,
    /// The filter expression's programs (`crate::filter`): frames it
    /// refuses are not handed out, nor numbered; `refused` counts them.
    filter: Option<crate::filter::FrameFilter>,
    refused: u64,
}

impl fmt::Debug for CaptureReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaptureReader")
            .field("name", &self.input.name)
            .field("format", &self.format())
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl CaptureReader {
    /// Opens a capture file and reads its file header.
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        let name = path.display().to_string();
        let file = opened::open(path).map_err(|error| CaptureError::Io {
            path: name.clone(),
            error,
        })?;
        let size = file
            .file()
            .metadata()
            .map_or(0, |m| if m.is_file() { m.len() } else { 0 });
        Ok(Self::from_reader(name, file)?.with_size(size))
    }

    /// Reads a capture held in memory; `name` is used in messages.
    pub fn from_bytes(
        name: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Result<Self, CaptureError> {
        Self::from_reader(name, io::Cursor::new(bytes.into()))
    }

    /// Reads a capture from any reader (a file, a pipe, a byte slice);
    /// `name` is used in messages.
    pub fn from_reader<R: Read + Send + 'static>(
        name: impl Into<String>,
        reader: R,
    ) -> Result<Self, CaptureError> {
        let name = name.into();
        let (source, compression) =
            compressed::open(Box::new(reader)).map_err(|error| CaptureError::Io {
                path: name.clone(),
                error,
            })?;
        let mut input = Input {
            name,
            source,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            base: 0,
            eof: false,
        };
        let parser = match (input.read_file_header(), compression) {
            (Err(CaptureError::NotACapture { path, looks }), Some(c)) => {
                return Err(CaptureError::NotACapture {
                    path,
                    looks: format!("{c}-compressed, and what it holds {looks}"),
                });
            }
            (header, _) => header?,
        };
        Ok(CaptureReader {
            input,
            parser,
            compression,
            size: 0,
            done: false,
            frames: 0,
            warnings: Vec::new(),
            filter: crate::filter::for_captures(),
            refused: 0,
        })
    }

    /// The name used in messages (the path given to [`CaptureReader::open`]).
    pub fn name(&self) -> &str {
        &self.input.name
    }

    /// The reader of a source of `size` bytes.
    fn with_size(self, size: u64) -> Self {
        CaptureReader { size, ..self }
    }

    /// Bytes of the file (for a progress line's total), 0 when unknown (a
    /// pipe).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The detected container format.
    pub fn format(&self) -> Format {
        match &self.parser {
            Parser::Pcap {
                parser, nanosecond, ..
            } => Format::Pcap {
                nanosecond: *nanosecond,
                byte_order: parser.header().endianness,
            },
            Parser::PcapNg { parser, .. } => Format::PcapNg {
                byte_order: parser.state().endianness(),
            },
        }
    }

    /// The compression the file was recognised to have (read through a
    /// streaming decompressor); byte offsets in messages are then offsets in
    /// the decompressed capture.
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// Non-fatal problems met so far, one line each, starting with the file
    /// name (for example a last packet cut short).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Bytes of the file consumed so far (for a progress line).
    pub fn bytes_read(&self) -> u64 {
        self.input.offset()
    }

    /// Bytes read from the source and not parsed yet: 0 means the next
    /// frame waits for a read (which blocks on a pipe that is not written).
    pub fn buffered(&self) -> usize {
        self.input.end - self.input.start
    }

    /// Number of frames handed out so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Returns the next frame, `Ok(None)` at the end of the capture.
    ///
    /// A record cut short at the end of the file is not an error: it ends the
    /// stream and adds a warning (see [`CaptureReader::warnings`]). Nor is a
    /// damaged record or a read error after the first frame: the frames
    /// before it stand, the stream ends and the damage (byte offset, frame
    /// count, what was wrong) becomes a warning. Only damage before any
    /// frame is an error. After the end or an error the reader returns
    /// `Ok(None)`.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            if self.done {
                return Ok(None);
            }
            let input = &mut self.input;
            let avail = &mut input.buf[input.start..input.end];
            if avail.is_empty() && input.eof {
                self.done = true;
                return Ok(None);
            }
            let step = match &mut self.parser {
                Parser::Pcap {
                    parser,
                    link,
                    nanosecond,
                } => pcap_step(parser, *link, *nanosecond, avail),
                Parser::PcapNg { parser, ifaces } => {
                    pcapng_step(parser, ifaces, &mut self.warnings, &input.name, avail)
                }
            };
            match step {
                Step::Frame {
                    used,
                    data_off,
                    data_len,
                    ts,
                    link,
                    wire_len,
                } => {
                    let at = input.start + data_off;
                    input.start += used;
                    if let Some(f) = &mut self.filter
                        && !f
                            .keeps(link, &input.buf[at..at + data_len], wire_len)
                            .map_err(|e| CaptureError::Filter(input.name.clone(), e))?
                    {
                        self.refused += 1;
                        continue;
                    }
                    self.frames += 1;
                    return Ok(Some(Frame {
                        number: self.frames,
                        ts,
                        link,
                        data: &self.input.buf[at..at + data_len],
                        wire_len,
                    }));
                }
                Step::Skip { used } => input.start += used,
                Step::Incomplete if input.eof => {
                    let what = match self.parser {
                        Parser::Pcap { .. } => "last packet",
                        Parser::PcapNg { .. } => "last block",
                    };
                    self.warnings.push(format!(
                        "{}: {what} truncated at byte offset {}; kept the {} packets before it",
                        input.name,
                        input.offset(),
                        self.frames
                    ));
                    self.done = true;
                    return Ok(None);
                }
                Step::Incomplete => {
                    if let Err(e) = input.fill() {
                        return self.damaged(e);
                    }
                }
                Step::Corrupt(problem) => {
                    let e = CaptureError::Corrupt {
                        path: input.name.clone(),
                        offset: input.offset(),
                        problem,
                    };
                    return self.damaged(e);
                }
            }
        }
    }
}

impl CaptureReader {
    /// Ends the stream at a damaged record or a read error. Once frames
    /// were read, the damage is a warning (as tshark shows the packets
    /// before it and then reports it) and the stream ends normally; before
    /// any frame it is the error.
    fn damaged(&mut self, e: CaptureError) -> Result<Option<Frame<'_>>, CaptureError> {
        self.done = true;
        if self.frames + self.refused == 0 {
            return Err(e);
        }
        let n = self.frames;
        self.warnings.push(format!(
            "{e}; the rest of the file is not read (kept the {n} packets before it, frames 1-{n})"
        ));
        Ok(None)
    }
}

/// Formats an error with its sources on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        cur = inner.source();
    }
    s
}

#[cfg(test)]
mod tests;
