//! Unit tests for the capture reader over hand-built pcap and pcapng bytes.

use super::*;

/// Builds a classic pcap: `magic` as written in the file's byte order.
fn pcap(big: bool, nano: bool, link: u32, packets: &[(u32, u32, &[u8], u32)]) -> Vec<u8> {
    let w32 = |v: &mut Vec<u8>, x: u32| {
        v.extend_from_slice(&if big {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        })
    };
    let w16 = |v: &mut Vec<u8>, x: u16| {
        v.extend_from_slice(&if big {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        })
    };
    let mut v = Vec::new();
    w32(&mut v, if nano { 0xa1b23c4d } else { 0xa1b2c3d4 });
    w16(&mut v, 2);
    w16(&mut v, 4);
    w32(&mut v, 0);
    w32(&mut v, 0);
    w32(&mut v, 65535);
    w32(&mut v, link);
    for (sec, frac, data, orig) in packets {
        w32(&mut v, *sec);
        w32(&mut v, *frac);
        w32(&mut v, data.len() as u32);
        w32(&mut v, *orig);
        v.extend_from_slice(data);
    }
    v
}

fn all_frames(r: &mut CaptureReader) -> Vec<(u64, Duration, LinkType, Vec<u8>, u32)> {
    let mut out = Vec::new();
    while let Some(f) = r.next_frame().unwrap() {
        out.push((f.number, f.ts, f.link, f.data.to_vec(), f.wire_len));
    }
    out
}

#[test]
fn reads_pcap_in_every_byte_order_and_resolution() {
    for big in [false, true] {
        for nano in [false, true] {
            let bytes = pcap(big, nano, 1, &[(10, 5, b"abc", 60), (11, 999, b"defg", 4)]);
            let mut r = CaptureReader::from_bytes("t.pcap", bytes).unwrap();
            let order = if big {
                ByteOrder::Big
            } else {
                ByteOrder::Little
            };
            assert_eq!(
                r.format(),
                Format::Pcap {
                    nanosecond: nano,
                    byte_order: order
                }
            );
            let frames = all_frames(&mut r);
            let unit = if nano { 1 } else { 1000 };
            assert_eq!(frames.len(), 2);
            assert_eq!(frames[0].0, 1);
            assert_eq!(frames[0].1, Duration::new(10, 5 * unit));
            assert_eq!(frames[0].2, LinkType::Ethernet);
            assert_eq!(frames[0].3, b"abc");
            assert_eq!(frames[0].4, 60);
            assert_eq!(frames[1].1, Duration::new(11, 999 * unit));
            assert_eq!(frames[1].3, b"defg");
            assert!(r.warnings().is_empty());
        }
    }
}

/// A reader that hands out at most `n` bytes per call, to exercise refills.
struct Trickle(io::Cursor<Vec<u8>>, usize);
impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.1);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn refills_and_grows_the_buffer() {
    // The largest record libpcap and Wireshark accept: 262,144 bytes, more
    // than the first buffer (with its 16-byte record header).
    let big = vec![7u8; 262_144];
    assert!(big.len() + 16 > CHUNK);
    let small: Vec<u8> = (0..100).collect();
    let bytes = pcap(
        false,
        false,
        101,
        &[
            (1, 0, &small, 100),
            (2, 0, &big, big.len() as u32),
            (3, 0, &small, 100),
        ],
    );
    for step in [1, 7, 4096, usize::MAX] {
        let mut r =
            CaptureReader::from_reader("t", Trickle(io::Cursor::new(bytes.clone()), step)).unwrap();
        let frames = all_frames(&mut r);
        assert_eq!(frames.len(), 3, "step {step}");
        assert_eq!(frames[0].3, small);
        assert_eq!(frames[1].3, big);
        assert_eq!(frames[2].3, small);
        assert!(r.warnings().is_empty());
    }
}

#[test]
fn truncated_last_packet_keeps_earlier_frames() {
    let bytes = pcap(
        false,
        false,
        1,
        &[(1, 0, b"0123456789", 10), (2, 0, b"0123456789", 10)],
    );
    // Cut at every length inside the second record.
    let second = 24 + 16 + 10;
    for cut in second + 1..bytes.len() {
        let mut r = CaptureReader::from_bytes("cut.pcap", bytes[..cut].to_vec()).unwrap();
        assert_eq!(all_frames(&mut r).len(), 1);
        assert_eq!(
            r.warnings(),
            [format!(
                "cut.pcap: last packet truncated at byte offset {second}; kept the 1 packets before it"
            )]
        );
    }
}

#[test]
fn header_errors_name_the_file() {
    let err = CaptureReader::from_bytes("e.pcap", Vec::new()).unwrap_err();
    assert!(matches!(err, CaptureError::Empty { .. }));
    assert!(err.to_string().starts_with("e.pcap: the file is empty"));

    let full = pcap(false, false, 1, &[]);
    for cut in 1..24 {
        let err = CaptureReader::from_bytes("h.pcap", full[..cut].to_vec()).unwrap_err();
        assert!(
            matches!(err, CaptureError::TruncatedHeader { .. }),
            "{cut}: {err}"
        );
        assert!(err.to_string().starts_with("h.pcap: truncated file header"));
    }

    let err = CaptureReader::from_bytes("notes.txt", b"just some notes\n".to_vec()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "notes.txt: not a pcap or pcapng capture file (looks like text: \"just some notes\"); \
         give a file written by tcpdump, dumpcap, tshark or Wireshark"
    );

    let err = CaptureReader::from_bytes("u.pcap", pcap(false, false, 147, &[])).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("u.pcap: unsupported link type 147 (LINKTYPE_USER0)"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

#[test]
fn damaged_length_is_an_error_not_a_hang() {
    let mut bytes = pcap(false, false, 1, &[(1, 0, b"abcd", 4)]);
    bytes.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    bytes.extend_from_slice(&[0; 64]);
    let mut r = CaptureReader::from_bytes("d.pcap", bytes.clone()).unwrap();
    assert!(r.next_frame().unwrap().is_some());
    // After a frame, the damage ends the stream with a warning.
    assert!(r.next_frame().unwrap().is_none());
    assert_eq!(
        r.warnings(),
        [
            "d.pcap: damaged capture at byte offset 44: packet record claims 4294967295 captured \
             bytes, more than the 262144 tcpdump and Wireshark allow; the file is damaged; the \
             rest of the file is not read (kept the 1 packets before it, frames 1-1)"
        ]
    );
    assert!(r.next_frame().unwrap().is_none());

    // Before any frame it is the error.
    let mut first = pcap(false, false, 1, &[]);
    first.extend_from_slice(&bytes[44..]);
    let mut r = CaptureReader::from_bytes("d.pcap", first).unwrap();
    let err = r.next_frame().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("d.pcap: damaged capture at byte offset 24: packet record claims"),
        "{err}"
    );
    assert!(r.next_frame().unwrap().is_none());

    // One byte more than 262,144 is damage, not a packet.
    let big = vec![0u8; 262_145];
    let mut r =
        CaptureReader::from_bytes("b.pcap", pcap(false, false, 1, &[(1, 0, &big, 9)])).unwrap();
    assert!(r.next_frame().is_err());
}

/// Little-endian pcapng block.
fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while !body.len().is_multiple_of(4) {
        body.push(0);
    }
    let len = (body.len() + 12) as u32;
    let mut v = Vec::new();
    v.extend_from_slice(&kind.to_le_bytes());
    v.extend_from_slice(&len.to_le_bytes());
    v.extend_from_slice(&body);
    v.extend_from_slice(&len.to_le_bytes());
    v
}

fn shb() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&0x1a2b3c4du32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&(-1i64).to_le_bytes());
    block(0x0a0d0d0a, &b)
}

/// Interface Description Block with optional if_tsresol (9) and
/// if_tsoffset (14).
fn idb(link: u16, tsresol: Option<u8>, tsoffset: Option<i64>) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&link.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    if let Some(r) = tsresol {
        b.extend_from_slice(&9u16.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&[r, 0, 0, 0]);
    }
    if let Some(o) = tsoffset {
        b.extend_from_slice(&14u16.to_le_bytes());
        b.extend_from_slice(&8u16.to_le_bytes());
        b.extend_from_slice(&o.to_le_bytes());
    }
    b.extend_from_slice(&[0, 0, 0, 0]);
    block(1, &b)
}

fn epb(iface: u32, ts: u64, data: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&iface.to_le_bytes());
    b.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
    b.extend_from_slice(&(ts as u32).to_le_bytes());
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&(data.len() as u32 + 10).to_le_bytes());
    b.extend_from_slice(data);
    block(6, &b)
}

#[test]
fn pcapng_interfaces_resolutions_and_offsets() {
    let mut f = shb();
    f.extend(idb(1, None, None)); // µs
    f.extend(idb(101, Some(9), Some(100))); // ns, +100 s
    f.extend(idb(113, Some(0x80 | 10), None)); // 2^-10 s
    f.extend(idb(147, None, None)); // unsupported
    f.extend(block(5, &[0; 20])); // interface statistics: skipped
    f.extend(epb(0, 1_500_000, b"eth"));
    f.extend(epb(1, 2_000_000_007, b"raw!!"));
    f.extend(epb(2, 3 * 1024 + 512, b"sll"));
    f.extend(epb(3, 1, b"user"));
    f.extend(epb(3, 2, b"user"));
    let mut r = CaptureReader::from_bytes("n.pcapng", f.clone()).unwrap();
    assert_eq!(
        r.format(),
        Format::PcapNg {
            byte_order: ByteOrder::Little
        }
    );
    let frames = all_frames(&mut r);
    assert_eq!(frames.len(), 5);
    assert_eq!(frames[0].1, Duration::new(1, 500_000_000));
    assert_eq!(frames[0].2, LinkType::Ethernet);
    assert_eq!(frames[0].3, b"eth");
    assert_eq!(frames[0].4, 13);
    assert_eq!(frames[1].1, Duration::new(102, 7));
    assert_eq!(frames[1].2, LinkType::Raw);
    assert_eq!(frames[2].1, Duration::new(3, 500_000_000));
    assert_eq!(frames[2].2, LinkType::LinuxSll);
    assert_eq!(frames[3].2, LinkType::Other(147));
    assert_eq!(
        r.warnings(),
        [
            "n.pcapng: interface 3 has unsupported link type 147 (LINKTYPE_USER0); its packets are skipped"
        ]
    );

    // Truncating inside the last block keeps the frames before it.
    let cut = f.len() - 3;
    let mut r = CaptureReader::from_bytes("n.pcapng", f[..cut].to_vec()).unwrap();
    assert_eq!(all_frames(&mut r).len(), 4);
    assert!(
        r.warnings()[1].contains("last block truncated"),
        "{:?}",
        r.warnings()
    );

    // Truncating the section header is a header error.
    let err = CaptureReader::from_bytes("n.pcapng", f[..20].to_vec()).unwrap_err();
    assert!(matches!(err, CaptureError::TruncatedHeader { .. }), "{err}");
}

#[test]
fn no_panic_on_any_prefix_or_byte_flip() {
    let mut f = shb();
    f.extend(idb(1, Some(9), None));
    f.extend(epb(0, 5, b"0123456789"));
    let p = pcap(true, true, 1, &[(1, 2, b"xyz", 3), (1, 2, b"xyzw", 3)]);
    for bytes in [f, p] {
        for cut in 0..bytes.len() {
            if let Ok(mut r) = CaptureReader::from_bytes("x", bytes[..cut].to_vec()) {
                while let Ok(Some(_)) = r.next_frame() {}
            }
        }
        for i in 0..bytes.len() {
            for v in [0u8, 0xff, 0x80] {
                let mut b = bytes.clone();
                b[i] = v;
                if let Ok(mut r) = CaptureReader::from_bytes("x", b) {
                    let mut n = 0;
                    while let Ok(Some(_)) = r.next_frame() {
                        n += 1;
                        assert!(n < 100);
                    }
                }
            }
        }
    }
}

#[test]
fn link_type_numbers_round_trip() {
    for n in [
        0, 1, 9, 50, 51, 101, 104, 105, 108, 113, 127, 129, 178, 192, 204, 205, 228, 229, 242, 276,
        147,
    ] {
        assert_eq!(LinkType::from_linktype(n).number(), n);
    }
    assert_eq!(LinkType::from_linktype(12), LinkType::Raw);
    assert_eq!(LinkType::from_linktype(14), LinkType::Raw);
    assert_eq!(LinkType::Ethernet.to_string(), "1 (LINKTYPE_ETHERNET)");
}

#[test]
fn big_endian_pcapng() {
    fn blk(kind: u32, body: &[u8]) -> Vec<u8> {
        let len = (body.len() + 12) as u32;
        [
            &kind.to_be_bytes()[..],
            &len.to_be_bytes(),
            body,
            &len.to_be_bytes(),
        ]
        .concat()
    }
    let shb = blk(
        0x0a0d0d0a,
        &[
            &0x1a2b3c4du32.to_be_bytes()[..],
            &[0, 1, 0, 0],
            &(-1i64).to_be_bytes(),
        ]
        .concat(),
    );
    // Ethernet, snaplen 0, if_tsresol 9, end of options.
    let idb = blk(
        1,
        &[0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 9, 0, 0, 0, 0, 0, 0, 0],
    );
    let ts: u64 = 1_700_000_000_123_456_789;
    let epb = blk(
        6,
        &[
            &0u32.to_be_bytes()[..],
            &((ts >> 32) as u32).to_be_bytes(),
            &(ts as u32).to_be_bytes(),
            &4u32.to_be_bytes(),
            &4u32.to_be_bytes(),
            b"abcd",
        ]
        .concat(),
    );
    let mut r = CaptureReader::from_bytes("be.pcapng", [shb, idb, epb].concat()).unwrap();
    assert_eq!(
        r.format(),
        Format::PcapNg {
            byte_order: ByteOrder::Big
        }
    );
    let frames = all_frames(&mut r);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].1, Duration::new(1_700_000_000, 123_456_789));
    assert_eq!(frames[0].3, b"abcd");
}
