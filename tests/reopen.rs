//! The TUI opens a big capture with summaries and a frame index, and reads
//! a connection's steps again when it is chosen: only its frames when the
//! index allows it (by offset in a plain pcap, in one pass otherwise).
//! Over every capture in `captures/` and `tests/data/`, each connection
//! read again must be exactly the connection of a whole reading, and its
//! frames' bytes exactly the file's.

use std::ops::ControlFlow;

use synack::conversation::KeepSteps;
use synack::decode::TunnelPorts;
use synack::replay;
use synack::replay::index::{FrameBytes, lineage, read_indexed, reopen};

#[path = "support/captures.rs"]
mod captures;

#[test]
fn a_reopened_connection_is_the_whole_readings_connection() {
    let caps = captures::all();
    assert!(caps.len() >= 20, "found only {caps:?}");
    let (mut on_disk, mut kept, mut inexact, mut conns) = (0, 0, 0, 0);
    for cap in &caps {
        let Ok(all) = replay::load_with_frames(cap) else {
            continue; // the damaged-file fixtures
        };
        let bytes = all.frame_bytes.clone().unwrap_or_default();
        let (tracker, index) = read_indexed(cap, KeepSteps::Summaries, TunnelPorts::default())
            .unwrap_or_else(|e| panic!("{}: {e}", cap.display()));
        assert_eq!(
            tracker.connections().len(),
            all.connections().len(),
            "{}",
            cap.display()
        );
        if !index.is_exact() {
            inexact += 1;
        }
        for (n, want) in all.connections().iter().enumerate() {
            let got = reopen(
                &index,
                n,
                &lineage(tracker.connections(), n),
                usize::MAX,
                &mut |_| std::ops::ControlFlow::Continue(()),
            )
            .unwrap_or_else(|e| panic!("{} #{n}: {e}", cap.display()))
            .expect("not stopped");
            assert_eq!(
                format!("{:?}", got.connection),
                format!("{want:?}"),
                "{} #{n}: the reopened connection differs",
                cap.display()
            );
            match &got.frames {
                FrameBytes::OnDisk(_) => on_disk += 1,
                FrameBytes::Kept(_) => kept += 1,
            }
            for s in want.steps() {
                let k = s.segment.frame.number;
                let frame = got.frames.frame(k);
                assert_eq!(
                    frame.as_deref(),
                    bytes.get(k as usize - 1).map(Vec::as_slice),
                    "{} #{n} frame {k}",
                    cap.display()
                );
            }
            // Not one of its frames: nothing.
            let others = (1..=all.frames)
                .find(|k| want.steps().iter().all(|s| s.segment.frame.number != *k));
            if let Some(k) = others {
                assert!(
                    got.frames.frame(k).is_none(),
                    "{} #{n} frame {k}",
                    cap.display()
                );
            }
            conns += 1;
        }
    }
    // Each way was taken: by offset, in one pass, and the whole file.
    assert!(on_disk > 20, "read by offset: {on_disk}");
    assert!(kept > 5, "kept in memory: {kept}");
    assert!(
        inexact >= 1,
        "captures with fragments or ICMP errors: {inexact}"
    );
    assert!(conns > 50, "connections: {conns}");
}

/// A pcap of one connection as `bench/genpcap.py seg` makes it (the same
/// frames, written here so the test needs no Python): the handshake,
/// `n` one-byte segments, the FIN teardown.
fn long_connection(n: u32) -> tempfile::NamedTempFile {
    use std::io::Write;
    const FIN: u8 = 1;
    const SYN: u8 = 2;
    const PSH: u8 = 8;
    const ACK: u8 = 16;
    let mut out = Vec::new();
    out.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    let mut t = 1_700_000_000_000_000u64;
    let mut frame = |client: bool, seq: u32, ack: u32, flags: u8, len: u16| {
        t += 1;
        let (src, dst, sport, dport) = if client {
            ([10, 0, 0, 1], [10, 0, 0, 2], 40000u16, 5000u16)
        } else {
            ([10, 0, 0, 2], [10, 0, 0, 1], 5000, 40000)
        };
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&(40 + len).to_be_bytes());
        ip.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        ip.extend_from_slice(&src);
        ip.extend_from_slice(&dst);
        let sum = ip
            .chunks(2)
            .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
            .sum::<u32>();
        let sum = (sum & 0xFFFF) + (sum >> 16);
        let sum = !((sum & 0xFFFF) + (sum >> 16)) as u16;
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        let mut body = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0];
        body.extend_from_slice(&ip);
        body.extend_from_slice(&sport.to_be_bytes());
        body.extend_from_slice(&dport.to_be_bytes());
        body.extend_from_slice(&seq.to_be_bytes());
        body.extend_from_slice(&ack.to_be_bytes());
        body.extend_from_slice(&[5 << 4, flags, 1, 246, 0, 0, 0, 0]);
        body.extend(std::iter::repeat_n(7u8, usize::from(len)));
        out.extend_from_slice(&((t / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((t % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
    };
    let (ci, si) = (123_456_789u32, 987_654_321u32);
    frame(true, ci, 0, SYN, 0);
    frame(false, si, ci + 1, SYN | ACK, 0);
    frame(true, ci + 1, si + 1, ACK, 0);
    for i in 0..n {
        frame(true, ci + 1 + i, si + 1, PSH | ACK, 1);
    }
    let e = ci + 1 + n;
    frame(false, si + 1, e, ACK, 0);
    frame(true, e, si + 1, FIN | ACK, 0);
    frame(false, si + 1, e + 1, ACK, 0);
    frame(false, si + 1, e + 1, FIN | ACK, 0);
    frame(true, e + 1, si + 2, ACK, 0);
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(&out).unwrap();
    f
}

#[test]
fn a_reading_stops_when_its_progress_says_so() {
    let file = long_connection(20_000);
    let (tracker, index) =
        read_indexed(file.path(), KeepSteps::Summaries, TunnelPorts::default()).unwrap();
    assert!(index.is_exact());
    let lineage = lineage(tracker.connections(), 0);
    let mut calls = 0;
    let stopped = reopen(&index, 0, &lineage, usize::MAX, &mut |_| {
        calls += 1;
        ControlFlow::Break(())
    })
    .unwrap();
    assert!(stopped.is_none(), "stopped at once");
    assert_eq!(calls, 1);
    let mut calls = 0;
    let read = reopen(&index, 0, &lineage, usize::MAX, &mut |_| {
        calls += 1;
        ControlFlow::Continue(())
    })
    .unwrap()
    .expect("read to the end");
    assert_eq!(read.connection.packets(), 20_008);
    assert!(calls >= 4, "progress every few thousand frames: {calls}");
}
