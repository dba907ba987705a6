//! Hand-built frames for the decoder's unit tests.

use std::time::Duration;

use crate::capture::{Frame, LinkType};

/// A TCP header: ports 40000 → 8080, seq 1000, ack 2000, `flags`, window
/// 65535, urgent 0, followed by `options` (padded to 4 bytes) and
/// `payload`.
pub(crate) fn tcp(flags: u8, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut opts = options.to_vec();
    while !opts.len().is_multiple_of(4) {
        opts.push(0);
    }
    let offset = (20 + opts.len()) / 4;
    let mut t = Vec::new();
    t.extend_from_slice(&40000u16.to_be_bytes());
    t.extend_from_slice(&8080u16.to_be_bytes());
    t.extend_from_slice(&1000u32.to_be_bytes());
    t.extend_from_slice(&2000u32.to_be_bytes());
    t.push((offset as u8) << 4);
    t.push(flags);
    t.extend_from_slice(&65535u16.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0]);
    t.extend_from_slice(&opts);
    t.extend_from_slice(payload);
    t
}

/// An IPv4 header (10.0.0.1 → 10.0.0.2, TTL 64, id 0x1234, DF) around
/// `payload` with protocol `proto`; `frag` is the flags+offset word.
pub(crate) fn ipv4(proto: u8, frag: u16, payload: &[u8]) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&0x1234u16.to_be_bytes());
    p.extend_from_slice(&frag.to_be_bytes());
    p.extend_from_slice(&[64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    p.extend_from_slice(payload);
    p
}

/// An IPv6 header (::1 → ::2, hop limit 64) with `next` and `payload`
/// (extension headers included in `payload`).
pub(crate) fn ipv6(next: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    p.extend_from_slice(&[next, 64]);
    let mut a = [0u8; 16];
    a[15] = 1;
    p.extend_from_slice(&a);
    a[15] = 2;
    p.extend_from_slice(&a);
    p.extend_from_slice(payload);
    p
}

/// An Ethernet II header with `ethertype` around `payload`.
pub(crate) fn ether(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// A frame over `data` with number 7 and timestamp 1.5 s.
pub(crate) fn frame(link: LinkType, data: &[u8]) -> Frame<'_> {
    Frame {
        number: 7,
        ts: Duration::from_millis(1500),
        link,
        data,
        wire_len: data.len() as u32,
    }
}

/// Linux-style SYN options: MSS 1460, SACK-permitted, timestamps, NOP, WS 7.
pub(crate) const SYN_OPTIONS: [u8; 20] = [
    2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
];
