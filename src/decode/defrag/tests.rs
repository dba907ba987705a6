//! Reassembly against Linux's rules: order, duplicates, overlaps, ends,
//! time-outs, memory.

use super::*;

fn key(id: u32) -> Key {
    Key {
        src: "10.0.0.1".parse().unwrap(),
        dst: "10.0.0.2".parse().unwrap(),
        id,
        protocol: 6,
    }
}

/// Fragment `[offset, offset + len)` of datagram `id` at time `secs` from
/// frame `frame`; its bytes are the low byte of their datagram offset.
fn push(
    d: &mut Defragmenter,
    id: u32,
    offset: usize,
    len: usize,
    more: bool,
    frame: u64,
    secs: u64,
) -> Option<Whole> {
    let data: Vec<u8> = (offset..offset + len).map(|i| i as u8).collect();
    d.push(Fragment {
        key: key(id),
        offset,
        more,
        data: &data,
        len,
        ts: Duration::from_secs(secs),
        frame,
        header: b"HDR",
    })
}

fn expected(len: usize) -> Vec<u8> {
    (0..len).map(|i| i as u8).collect()
}

#[test]
fn in_order_and_out_of_order() {
    let mut d = Defragmenter::default();
    assert!(push(&mut d, 1, 0, 16, true, 3, 0).is_none());
    assert!(push(&mut d, 1, 16, 16, true, 4, 0).is_none());
    let w = push(&mut d, 1, 32, 5, false, 5, 0).expect("complete");
    assert_eq!(w.payload, expected(37));
    assert_eq!(w.frames, vec![3, 4, 5]);
    assert_eq!(w.header, b"HDR");
    // Last first, then the middle, then the start.
    assert!(push(&mut d, 2, 32, 5, false, 6, 0).is_none());
    assert!(push(&mut d, 2, 16, 16, true, 7, 0).is_none());
    let w = push(&mut d, 2, 0, 16, true, 8, 0).expect("complete");
    assert_eq!(w.payload, expected(37));
    assert_eq!(w.frames, vec![6, 7, 8]);
    assert_eq!(d.stats().reassembled, 2);
    assert_eq!(d.memory, 0);
    assert!(d.stats().warnings().is_empty());
}

#[test]
fn duplicate_is_dropped_and_the_queue_kept() {
    let mut d = Defragmenter::default();
    push(&mut d, 1, 0, 16, true, 1, 0);
    push(&mut d, 1, 16, 16, true, 2, 0);
    assert!(push(&mut d, 1, 8, 8, true, 3, 0).is_none());
    let w = push(&mut d, 1, 32, 4, false, 4, 0).expect("complete");
    assert_eq!(w.frames, vec![1, 2, 4]);
    assert_eq!(d.stats().duplicates, 1);
}

#[test]
fn partial_overlap_discards_the_datagram() {
    let mut d = Defragmenter::default();
    push(&mut d, 1, 0, 16, true, 1, 0);
    assert!(push(&mut d, 1, 8, 16, true, 2, 0).is_none());
    // The queue is gone: the rest starts a new one that never completes.
    assert!(push(&mut d, 1, 16, 8, false, 3, 0).is_none());
    let s = d.stats();
    assert_eq!((s.overlaps, s.reassembled, s.pending), (1, 0, 1));
    assert!(s.warnings()[0].contains("1 datagram discarded for overlapping fragments"));
    // Overlap found by the search among earlier runs (not at the tail).
    let mut d = Defragmenter::default();
    push(&mut d, 9, 32, 8, false, 1, 0);
    push(&mut d, 9, 0, 8, true, 2, 0);
    assert!(push(&mut d, 9, 0, 16, true, 3, 0).is_none());
    assert_eq!(d.stats().overlaps, 1);
}

#[test]
fn inconsistent_ends() {
    let mut d = Defragmenter::default();
    push(&mut d, 1, 0, 16, true, 1, 0);
    push(&mut d, 1, 24, 8, false, 2, 0);
    // A second last fragment with another end.
    assert!(push(&mut d, 1, 16, 24, false, 3, 0).is_none());
    assert_eq!(d.stats().inconsistent, 1);
    // Data past a known end.
    push(&mut d, 2, 16, 8, false, 4, 0);
    assert!(push(&mut d, 2, 0, 32, true, 5, 0).is_none());
    assert_eq!(d.stats().inconsistent, 2);
    // Beyond 64 KiB.
    assert!(push(&mut d, 3, 65528, 16, false, 6, 0).is_none());
    assert_eq!(d.stats().inconsistent, 3);
}

#[test]
fn time_out_like_the_kernel() {
    let mut d = Defragmenter::default();
    push(&mut d, 1, 0, 16, true, 1, 0);
    // 30 s later the IPv4 queue still stands; after that it is gone.
    push(&mut d, 2, 0, 16, true, 2, 30);
    assert_eq!(d.stats().timed_out, 0);
    assert!(push(&mut d, 1, 16, 8, false, 3, 31).is_none());
    let s = d.stats();
    assert_eq!(s.timed_out, 1);
    assert_eq!(s.pending, 2, "datagram 2 and the new queue of 1");
    assert!(s.warnings().iter().any(|w| w.contains("time-out")));
}

#[test]
fn memory_is_bounded() {
    let mut d = Defragmenter::default();
    let mut id = 0;
    while d.memory + 60000 <= MEMORY_LIMIT {
        push(&mut d, id, 0, 60000, true, 1, 0);
        id += 1;
    }
    assert!(push(&mut d, id, 0, 60000, true, 2, 0).is_none());
    assert_eq!(d.stats().over_memory, 1);
    assert!(d.memory <= MEMORY_LIMIT);
    // A queue already started may still complete.
    let w = push(&mut d, 0, 60000, 8, false, 3, 0).expect("complete");
    assert_eq!(w.payload.len(), 60008);
}

#[test]
fn snap_length_cut_is_zero_filled() {
    let mut d = Defragmenter::default();
    let data = [1u8; 8];
    let f = |offset, more, frame| Fragment {
        key: key(5),
        offset,
        more,
        data: &data,
        len: 16,
        ts: Duration::ZERO,
        frame,
        header: b"H",
    };
    assert!(d.push(f(0, true, 1)).is_none());
    let w = d.push(f(16, false, 2)).expect("complete");
    assert_eq!(&w.payload[..8], &[1; 8]);
    assert_eq!(&w.payload[8..16], &[0; 8]);
    assert_eq!(w.payload.len(), 32);
}
