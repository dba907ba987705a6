//! A long generated capture for the tests of big files.

/// A pcap of one connection as `bench/genpcap.py seg` makes it (the same
/// frames, written here so the test needs no Python): the handshake,
/// `n` one-byte segments, the FIN teardown; with `fragment`, a lone IP
/// fragment of another datagram first (a frame that could shape a
/// connection: the TUI's frame index gives up, and a connection chosen is
/// read from the whole file).
pub fn long_connection(n: u32, fragment: bool) -> tempfile::NamedTempFile {
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
    if fragment {
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0];
        // IPv4, 28 bytes, More Fragments, UDP, 10.0.0.3 -> 10.0.0.4.
        f.extend_from_slice(&[0x45, 0, 0, 28, 0, 1, 0x20, 0, 64, 17, 0, 0]);
        f.extend_from_slice(&[10, 0, 0, 3, 10, 0, 0, 4]);
        f.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&f);
    }
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
