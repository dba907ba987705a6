//! Recognising a capture file by its first bytes, and describing what a file
//! that is not a capture looks like, for one-line error messages.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

/// What the first bytes of a file say it is.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Classic pcap magic, either byte order, µs or ns.
    Pcap,
    /// pcapng Section Header Block type.
    PcapNg,
    /// Fewer than 4 bytes, all matching the start of a capture magic.
    ShortMagic,
    /// Something else; the string says what it looks like.
    Other(String),
}

const PCAP_MAGICS: [[u8; 4]; 4] = [
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x4d, 0x3c, 0xb2, 0xa1],
];
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Classifies a file from its first bytes (at least one byte).
pub(crate) fn classify(head: &[u8]) -> Kind {
    let magics = PCAP_MAGICS.iter().chain(std::iter::once(&PCAPNG_MAGIC));
    if head.len() < 4 {
        if magics.clone().any(|m| m.starts_with(head)) {
            return Kind::ShortMagic;
        }
        return Kind::Other(describe(head));
    }
    let magic: [u8; 4] = head[..4].try_into().expect("4 bytes");
    if PCAP_MAGICS.contains(&magic) {
        Kind::Pcap
    } else if magic == PCAPNG_MAGIC {
        Kind::PcapNg
    } else {
        Kind::Other(describe(head))
    }
}

/// Says what a non-capture file looks like: "looks like a gzip file",
/// "looks like text: \"GET / HTTP/1.1\"", or its first bytes in hex.
pub(crate) fn describe(head: &[u8]) -> String {
    const KNOWN: &[(&[u8], &str)] = &[
        (
            b"\x1f\x8b",
            "a gzip file; decompress it first with `gunzip`",
        ),
        (
            b"\x28\xb5\x2f\xfd",
            "a zstd file; decompress it first with `unzstd`",
        ),
        (
            b"\xfd7zXZ\x00",
            "an xz file; decompress it first with `unxz`",
        ),
        (b"BZh", "a bzip2 file; decompress it first with `bunzip2`"),
        (
            b"PK\x03\x04",
            "a zip archive; extract the capture from it first",
        ),
        (b"\x7fELF", "an ELF executable"),
        (b"%PDF", "a PDF document"),
        (
            b"\xa1\xb2\xcd\x34",
            "a modified (Kuznetzov) pcap; convert it with `editcap -F pcap`",
        ),
        (
            b"\x34\xcd\xb2\xa1",
            "a modified (Kuznetzov) pcap; convert it with `editcap -F pcap`",
        ),
        (
            b"snoop\x00\x00\x00",
            "a Solaris snoop capture; convert it with `editcap -F pcap`",
        ),
    ];
    for (magic, what) in KNOWN {
        if head.starts_with(magic) {
            return format!("looks like {what}");
        }
    }
    let sample = &head[..head.len().min(64)];
    let texty = |b: &u8| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e) || *b >= 0x80;
    if sample.iter().all(texty) {
        let text = String::from_utf8_lossy(sample);
        let first_line = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        let mut shown: String = first_line.chars().take(48).collect();
        if shown.len() < first_line.len() {
            shown.push('…');
        }
        return format!("looks like text: {shown:?}");
    }
    let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("starts with bytes {}", hex.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_magics() {
        assert_eq!(classify(&[0xd4, 0xc3, 0xb2, 0xa1, 0]), Kind::Pcap);
        assert_eq!(classify(&[0xa1, 0xb2, 0x3c, 0x4d]), Kind::Pcap);
        assert_eq!(classify(&[0x0a, 0x0d, 0x0d, 0x0a]), Kind::PcapNg);
        assert_eq!(classify(&[0xd4, 0xc3]), Kind::ShortMagic);
        assert!(matches!(classify(b"hi"), Kind::Other(_)));
    }

    #[test]
    fn describes_common_files() {
        assert!(describe(b"\x1f\x8b\x08\x00").contains("gzip"));
        let text = describe(b"hello world\nsecond line\n");
        assert_eq!(text, "looks like text: \"hello world\"");
        assert_eq!(
            describe(&[0, 1, 2, 3, 0xff]),
            "starts with bytes 00 01 02 03 ff"
        );
        assert!(describe("héllo".as_bytes()).starts_with("looks like text"));
    }
}
