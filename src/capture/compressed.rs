//! gzip- and zstd-compressed captures, recognised by their content (the
//! first bytes, never the file name) and decompressed as a stream in front
//! of the reader: no temporary file, no whole file in memory. A file may
//! hold several gzip members or zstd frames one after another (as `cat
//! a.gz b.gz` or `pigz`/`zstd -T` write them): they are read as one stream.
//!
//! Decompression uses the `flate2` (zlib-rs backend) and `zstd` crates.
//! This module only wraps a byte source: it touches no terminal, clock or
//! network.

use std::fmt;
use std::io::{self, BufReader, Read};

use flate2::read::MultiGzDecoder;

/// gzip's magic bytes (RFC 1952 §2.3.1: ID1, ID2, then CM = 8, deflate).
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
/// A zstd frame's magic number, little-endian (RFC 8878 §3.1.1).
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// How a capture file is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// gzip (`.pcap.gz`, `.pcapng.gz`).
    Gzip,
    /// Zstandard (`.pcap.zst`, `.pcapng.zst`).
    Zstd,
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Gzip => "gzip",
            Self::Zstd => "zstd",
        })
    }
}

/// The compression the first bytes announce, if any.
pub(super) fn sniff(head: &[u8]) -> Option<Compression> {
    if head.starts_with(&GZIP_MAGIC) {
        Some(Compression::Gzip)
    } else if head.starts_with(&ZSTD_MAGIC) {
        Some(Compression::Zstd)
    } else {
        None
    }
}

/// Reads up to `n` bytes from the front of `source` (fewer only at its end).
fn read_head(source: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    source.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Looks at the first bytes of `source` and, when they announce gzip or
/// zstd, puts a streaming decompressor in front of it. Returns the stream to
/// parse (the first bytes are not lost) and the compression found.
pub(super) fn open(
    mut source: Box<dyn Read + Send>,
) -> io::Result<(Box<dyn Read + Send>, Option<Compression>)> {
    let head = read_head(&mut source, ZSTD_MAGIC.len())?;
    let kind = sniff(&head);
    let whole = io::Cursor::new(head).chain(source);
    let stream: Box<dyn Read + Send> = match kind {
        None => Box::new(whole),
        Some(Compression::Gzip) => Box::new(Named {
            kind: Compression::Gzip,
            inner: MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, whole)),
        }),
        Some(Compression::Zstd) => Box::new(Named {
            kind: Compression::Zstd,
            inner: zstd::stream::read::Decoder::new(whole)?,
        }),
    };
    Ok((stream, kind))
}

/// A decompressor whose errors say which compression was damaged.
struct Named<R> {
    kind: Compression,
    inner: R,
}

impl<R: Read> Read for Named<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            let what = if e.kind() == io::ErrorKind::UnexpectedEof {
                "cut short".to_string()
            } else {
                format!("damaged ({e})")
            };
            io::Error::new(e.kind(), format!("the {} data is {what}", self.kind))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(bytes: Vec<u8>) -> (io::Result<Vec<u8>>, Option<Compression>) {
        let (mut s, kind) = open(Box::new(io::Cursor::new(bytes))).unwrap();
        let mut out = Vec::new();
        (s.read_to_end(&mut out).map(|_| out), kind)
    }

    #[test]
    fn plain_bytes_pass_through_whole() {
        for data in [&b""[..], b"\x1f", b"\xd4\xc3\xb2\xa1 rest of a pcap"] {
            let (out, kind) = read_all(data.to_vec());
            assert_eq!(out.unwrap(), data);
            assert_eq!(kind, None);
        }
    }

    #[test]
    fn gzip_members_and_zstd_frames_are_one_stream() {
        let mut two = gzip(b"first ");
        two.extend(gzip(b"second"));
        let (out, kind) = read_all(two);
        assert_eq!(out.unwrap(), b"first second");
        assert_eq!(kind, Some(Compression::Gzip));

        let mut z = zstd::encode_all(&b"one "[..], 1).unwrap();
        z.extend(zstd::encode_all(&b"two"[..], 1).unwrap());
        let (out, kind) = read_all(z);
        assert_eq!(out.unwrap(), b"one two");
        assert_eq!(kind, Some(Compression::Zstd));
    }

    #[test]
    fn damage_is_named_not_a_panic() {
        let whole = gzip(&[7u8; 5000]);
        let (out, _) = read_all(whole[..whole.len() / 2].to_vec());
        let e = out.unwrap_err();
        assert!(e.to_string().starts_with("the gzip data is"), "{e}");

        let mut z = zstd::encode_all(&[9u8; 5000][..], 3).unwrap();
        let n = z.len();
        z[n / 2] ^= 0xff;
        z.truncate(n - 2);
        let (out, _) = read_all(z);
        let e = out.unwrap_err();
        assert!(e.to_string().starts_with("the zstd data is"), "{e}");
    }
}
