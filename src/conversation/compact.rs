//! A connection's summary in few bytes: a capture of a million connections
//! (a SYN scan, one SYN each) holds a million [`Connection`]s, so every
//! field every connection carries is packed here, behind accessors that
//! give the plain types (`SocketAddr`, `Duration`, [`Seen`], `Option<u32>`).
//!
//! * both socket addresses in 36 bytes ([`Pair`]) instead of 64;
//! * the first and last timestamps as nanoseconds since the epoch, 8 bytes
//!   each instead of 16; a timestamp past 2554 (which only a damaged or
//!   made-up pcapng holds) moves both, exact, into the cold timeline
//!   ([`Spill`]);
//! * the packet count in 32 bits; a connection past its 2^32-th packet
//!   (a capture of hundreds of gigabytes, or a live watch of days) keeps
//!   its count in the timeline too;
//! * what was seen (SYN, SYN-ACK, FINs, RST...), whether the capture began
//!   mid-stream, which bases are known, the addresses' families and what
//!   spilled, as bits of one `u16`;
//! * each side's current state read from its endpoint machine, not kept
//!   twice.
//!
//! Pure data, like the rest of the model: no I/O.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::time::Duration;

use super::{Connection, Seen, Side, Timeline};
use crate::segment::Segment;
use crate::state::TcpState;

/// A connection's two socket addresses, client first, in 36 bytes (two
/// `SocketAddr`s take 64): IPv4 addresses in the first 4 of their 16
/// bytes; which ones are IPv6 is told by the connection's bits ([`V6`]),
/// and passed to each call. An IPv6 address's flow label and scope id are
/// not kept (the decoder never sets them: the scope is not on the wire,
/// and the flow label belongs to each packet, not to the connection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Pair {
    ips: [[u8; 16]; 2],
    ports: [u16; 2],
}

impl Pair {
    /// The pair `client`, `server`.
    pub(super) fn new(client: SocketAddr, server: SocketAddr) -> Pair {
        let mut pair = Pair {
            ips: [[0; 16]; 2],
            ports: [client.port(), server.port()],
        };
        for (k, a) in [client, server].into_iter().enumerate() {
            match a {
                SocketAddr::V4(v4) => pair.ips[k][..4].copy_from_slice(&v4.ip().octets()),
                SocketAddr::V6(v6) => pair.ips[k] = v6.ip().octets(),
            }
        }
        pair
    }

    /// Address `k` (0: the client, 1: the server), IPv6 when `v6`.
    pub(super) fn get(&self, k: usize, v6: bool) -> SocketAddr {
        let (ip, port) = (self.ips[k], self.ports[k]);
        if v6 {
            SocketAddrV6::new(Ipv6Addr::from(ip), port, 0, 0).into()
        } else {
            SocketAddr::from((Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]), port))
        }
    }

    /// Whether address `k`, IPv6 when `v6`, is `a` (an IPv6 address's
    /// flow label and scope id aside, see [`Pair`]).
    pub(super) fn is(&self, k: usize, v6: bool, a: SocketAddr) -> bool {
        if self.ports[k] != a.port() {
            return false;
        }
        match a {
            SocketAddr::V4(a) => !v6 && self.ips[k][..4] == a.ip().octets(),
            SocketAddr::V6(a) => v6 && self.ips[k] == a.ip().octets(),
        }
    }
}

/// What does not fit a connection's compact fields, kept in its cold
/// timeline (made for it when the connection has none): never seen in a
/// real capture, but never cut either.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Spill {
    /// The first and last timestamps, when one does not fit 64-bit
    /// nanoseconds ([`WIDE_TS`]).
    ts: [Duration; 2],
    /// The packet count, past `u32::MAX` ([`WIDE_PACKETS`]).
    packets: u64,
}

/// `Connection::bits`: the client's SYN was seen.
const SYN: u16 = 1;
/// The server's SYN-ACK.
const SYN_ACK: u16 = 1 << 1;
/// Both SYNs acknowledged.
const HANDSHAKE: u16 = 1 << 2;
/// A FIN from the client.
const FIN_FROM_CLIENT: u16 = 1 << 3;
/// A FIN from the server.
const FIN_FROM_SERVER: u16 = 1 << 4;
/// A RST from either side.
const RST: u16 = 1 << 5;
/// The capture began after the handshake.
pub(super) const MID_STREAM: u16 = 1 << 6;
/// The client's base (`base[0]`) is known; the server's is the next bit.
const BASE_KNOWN: u16 = 1 << 7;
/// The timestamps do not fit 64-bit nanoseconds: both are in the timeline.
const WIDE_TS: u16 = 1 << 9;
/// The packet count does not fit 32 bits: it is in the timeline.
const WIDE_PACKETS: u16 = 1 << 10;
/// The client's address is IPv6; the server's is the next bit.
const V6: u16 = 1 << 11;

/// `ts` as nanoseconds since the epoch, when it fits 64 bits (until 2554).
fn nanos(ts: Duration) -> Option<u64> {
    ts.as_secs()
        .checked_mul(1_000_000_000)?
        .checked_add(u64::from(ts.subsec_nanos()))
}

impl Connection {
    /// 0-based index in capture order (Wireshark's `tcp.stream`).
    pub fn index(&self) -> usize {
        self.index as usize
    }

    /// Renumbers the connection (a connection read again alone is
    /// connection 0 of its reading).
    pub(crate) fn set_index(&mut self, index: usize) {
        self.index = u32::try_from(index).expect("fewer than 2^32 connections");
    }

    /// Address of the client (sender of the first SYN).
    pub fn client(&self) -> SocketAddr {
        self.addrs.get(0, self.v6(0))
    }

    /// Address of the server.
    pub fn server(&self) -> SocketAddr {
        self.addrs.get(1, self.v6(1))
    }

    /// Whether address `k` (0: the client) is IPv6.
    fn v6(&self, k: usize) -> bool {
        self.bits & (V6 << k) != 0
    }

    /// Records the addresses' families (the addresses are in `addrs`).
    pub(super) fn set_families(&mut self, client: SocketAddr, server: SocketAddr) {
        for (k, a) in [client, server].into_iter().enumerate() {
            if a.is_ipv6() {
                self.bits |= V6 << k;
            } else {
                self.bits &= !(V6 << k);
            }
        }
    }

    /// Whether address `k` (0: the client) is `a`.
    fn is_addr(&self, k: usize, a: SocketAddr) -> bool {
        self.addrs.is(k, self.v6(k), a)
    }

    /// Whether this connection is between `a` and `b`, either way.
    pub(crate) fn is_between(&self, a: SocketAddr, b: SocketAddr) -> bool {
        (self.is_addr(0, a) && self.is_addr(1, b)) || (self.is_addr(0, b) && self.is_addr(1, a))
    }

    /// Which side sent `seg` (which must belong to this connection).
    pub fn side_of(&self, seg: &Segment) -> Side {
        if self.is_addr(0, seg.src) {
            Side::Client
        } else {
            Side::Server
        }
    }

    /// Timestamp of the first segment.
    pub fn first_ts(&self) -> Duration {
        self.span(0)
    }

    /// Timestamp of the last segment.
    pub fn last_ts(&self) -> Duration {
        self.span(1)
    }

    fn span(&self, k: usize) -> Duration {
        if self.bits & WIDE_TS == 0 {
            Duration::from_nanos(self.ts[k])
        } else {
            self.spilled().ts[k]
        }
    }

    /// Sets the first and last timestamps.
    pub(super) fn set_span(&mut self, first: Duration, last: Duration) {
        match (nanos(first), nanos(last)) {
            (Some(a), Some(b)) => {
                self.ts = [a, b];
                self.bits &= !WIDE_TS;
            }
            _ => {
                self.ts = [0, 0];
                self.bits |= WIDE_TS;
                self.spill_mut().ts = [first, last];
            }
        }
    }

    /// Sets the last timestamp.
    pub(super) fn set_last_ts(&mut self, ts: Duration) {
        match nanos(ts) {
            Some(n) if self.bits & WIDE_TS == 0 => self.ts[1] = n,
            _ => self.set_span(self.first_ts(), ts),
        }
    }

    /// Packets in this connection.
    pub fn packets(&self) -> u64 {
        if self.bits & WIDE_PACKETS == 0 {
            u64::from(self.packets)
        } else {
            self.spilled().packets
        }
    }

    /// Sets the packet count.
    pub(super) fn set_packets(&mut self, n: u64) {
        match u32::try_from(n) {
            Ok(n) => {
                self.packets = n;
                self.bits &= !WIDE_PACKETS;
            }
            Err(_) => {
                self.packets = 0;
                self.bits |= WIDE_PACKETS;
                self.spill_mut().packets = n;
            }
        }
    }

    /// Counts one more packet.
    pub(super) fn add_packet(&mut self) {
        match self.packets.checked_add(1) {
            Some(n) if self.bits & WIDE_PACKETS == 0 => self.packets = n,
            _ => self.set_packets(self.packets() + 1),
        }
    }

    /// What spilled into the timeline (see [`Spill`]).
    fn spilled(&self) -> &Spill {
        &self
            .timeline
            .as_ref()
            .expect("a connection with a spill has a timeline")
            .spill
    }

    fn spill_mut(&mut self) -> &mut Spill {
        &mut self.timeline.get_or_insert_with(Box::default).spill
    }

    /// The cold part to keep once the timeline is dropped: only what
    /// spilled into it, if anything did.
    pub(super) fn spill_only(&self) -> Option<Box<Timeline>> {
        (self.bits & (WIDE_TS | WIDE_PACKETS) != 0).then(|| {
            Box::new(Timeline {
                spill: *self.spilled(),
                ..Timeline::default()
            })
        })
    }

    /// Summary of what was seen.
    pub fn seen(&self) -> Seen {
        let on = |bit| self.bits & bit != 0;
        Seen {
            syn: on(SYN),
            syn_ack: on(SYN_ACK),
            handshake: on(HANDSHAKE),
            data_from_client: self.data[0],
            data_from_server: self.data[1],
            fin_from_client: on(FIN_FROM_CLIENT),
            fin_from_server: on(FIN_FROM_SERVER),
            rst: on(RST),
        }
    }

    /// Adds `seg`, sent by `from`, to what was seen.
    pub(super) fn update_seen(&mut self, from: Side, seg: &Segment) {
        let f = seg.flags;
        let mut bits = if f.rst() { RST } else { 0 };
        match from {
            Side::Client => {
                if f.syn() && !f.ack() {
                    bits |= SYN;
                }
                if f.fin() {
                    bits |= FIN_FROM_CLIENT;
                }
                if self.bits & SYN_ACK != 0 && f.ack() && !f.syn() {
                    bits |= HANDSHAKE;
                }
            }
            Side::Server => {
                if f.syn() && f.ack() {
                    bits |= SYN_ACK;
                }
                if f.fin() {
                    bits |= FIN_FROM_SERVER;
                }
            }
        }
        self.bits |= bits;
        self.data[from.idx()] += u64::from(seg.payload_len);
    }

    /// True when the capture begins after the handshake.
    pub fn mid_stream(&self) -> bool {
        self.bits & MID_STREAM != 0
    }

    /// Sets whether the capture begins after the handshake.
    pub(super) fn set_mid_stream(&mut self, mid_stream: bool) {
        if mid_stream {
            self.bits |= MID_STREAM;
        } else {
            self.bits &= !MID_STREAM;
        }
    }

    /// Each side's current state, indexed by [`Side::idx`].
    pub fn current(&self) -> [TcpState; 2] {
        [self.ends[0].m.state, self.ends[1].m.state]
    }

    /// Each side's ISN (or, mid-stream, first sequence number seen): the
    /// base of relative numbers, indexed by [`Side::idx`].
    pub fn base(&self) -> [Option<u32>; 2] {
        [0, 1].map(|k| (self.bits & (BASE_KNOWN << k) != 0).then_some(self.base[k]))
    }

    /// Sets side `k`'s base.
    pub(super) fn set_base(&mut self, k: usize, base: u32) {
        self.base[k] = base;
        self.bits |= BASE_KNOWN << k;
    }
}

#[cfg(test)]
mod tests {
    use super::super::endpoint::Endpoint;
    use super::*;

    /// A million connections take this each (plus their table slot): the
    /// size `--list` of a SYN scan needs. Shrink it freely; grow it only
    /// knowingly.
    #[test]
    fn connection_stays_small() {
        assert!(
            size_of::<Connection>() <= 216,
            "{}",
            size_of::<Connection>()
        );
        assert!(size_of::<Endpoint>() <= 56, "{}", size_of::<Endpoint>());
        assert_eq!(size_of::<Pair>(), 36);
    }

    #[test]
    fn pair_gives_back_its_addresses() {
        let cases: [(&str, &str); 4] = [
            ("10.0.0.1:40000", "93.184.216.34:443"),
            ("0.0.0.0:0", "255.255.255.255:65535"),
            ("[2001:db8::1]:5555", "[::1]:80"),
            ("[::ffff:10.0.0.1]:1", "10.0.0.1:1"),
        ];
        for (c, s) in cases {
            let (c, s): (SocketAddr, SocketAddr) = (c.parse().unwrap(), s.parse().unwrap());
            let pair = Pair::new(c, s);
            let v6 = [c.is_ipv6(), s.is_ipv6()];
            assert_eq!((pair.get(0, v6[0]), pair.get(1, v6[1])), (c, s));
            assert!(pair.is(0, v6[0], c) && pair.is(1, v6[1], s));
            assert!(!pair.is(0, v6[0], s) && !pair.is(1, v6[1], c));
        }
        // An IPv4 address is not the IPv6 address that maps it.
        let v4: SocketAddr = "10.0.0.1:1".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:10.0.0.1]:1".parse().unwrap();
        assert!(!Pair::new(v4, v4).is(0, false, mapped));
        assert!(!Pair::new(mapped, mapped).is(0, true, v4));
        let zeros: SocketAddr = "[::]:1".parse().unwrap();
        assert!(!Pair::new(SocketAddr::from(([0, 0, 0, 0], 1)), v4).is(0, false, zeros));
    }

    /// Timestamps past 2554 (a pcapng's 64-bit ticks at a coarse
    /// resolution allow them) come back exact, in summaries, timelines,
    /// released connections and windows alike.
    #[test]
    fn timestamps_past_2554_are_kept_exact() {
        use super::super::tests::segment;
        use super::super::{KeepSteps, Tracker};
        use crate::segment::TcpFlags;
        let far = Duration::from_nanos(u64::MAX) + Duration::new(5, 7);
        let late = far + Duration::new(3600, 1);
        for keep in [KeepSteps::All, KeepSteps::Summaries] {
            let mut t = Tracker::keeping(keep);
            let mut syn = segment(1, true, TcpFlags::SYN, 1000, 0, 0);
            syn.ts = Duration::from_secs(1);
            t.ingest(syn);
            // The second timestamp no longer fits: both move to the timeline.
            let mut syn_ack = segment(2, false, TcpFlags::SYN | TcpFlags::ACK, 5000, 1001, 0);
            syn_ack.ts = far;
            t.ingest(syn_ack);
            let c = &t.connections()[0];
            assert_eq!((c.first_ts(), c.last_ts()), (Duration::from_secs(1), far));
            assert_eq!(c.duration(), far - Duration::from_secs(1));
            assert_eq!(c.keeps_steps(), keep == KeepSteps::All);
            let mut ack = segment(3, true, TcpFlags::ACK, 1001, 5001, 0);
            ack.ts = late;
            t.ingest(ack);
            let c = &t.connections()[0];
            assert_eq!((c.first_ts(), c.last_ts()), (Duration::from_secs(1), late));
            assert_eq!(c.packets(), 3);
            assert!(c.seen().handshake);
            if keep == KeepSteps::All {
                let w = c.window(1, 3);
                assert_eq!((w.first_ts(), w.last_ts()), (far, late));
                let w = c.window(0, 1);
                let one = Duration::from_secs(1);
                assert_eq!((w.first_ts(), w.last_ts()), (one, one));
            }
            t.release(0);
            let c = &t.connections()[0];
            assert_eq!((c.first_ts(), c.last_ts()), (Duration::from_secs(1), late));
            assert!(!c.keeps_steps() && c.steps().is_empty());
        }
    }

    /// A connection past its 2^32-th packet (set here rather than fed)
    /// counts on exactly, and its held receptions and transitions keep
    /// their whole segment numbers.
    #[test]
    fn counts_and_indices_past_u32_are_kept_exact() {
        use super::super::tests::segment;
        use super::super::{Event, KeepSteps, Tracker};
        use crate::segment::TcpFlags;
        use crate::state::TcpState::*;
        for keep in [KeepSteps::All, KeepSteps::Summaries] {
            let mut t = Tracker::keeping(keep);
            t.ingest(segment(1, true, TcpFlags::SYN, 1000, 0, 0));
            let far = u64::from(u32::MAX) + 5;
            t.conns[0].set_packets(far);
            let syn_ack = segment(2, false, TcpFlags::SYN | TcpFlags::ACK, 5000, 1001, 0);
            assert_eq!(t.ingest(syn_ack), (0, far as usize));
            t.ingest(segment(3, true, TcpFlags::ACK, 1001, 5001, 0));
            let c = &t.connections()[0];
            assert_eq!(c.packets(), far + 2);
            assert_eq!(c.current(), [Established, Established]);
            assert!(c.seen().handshake);
            if keep == KeepSteps::All {
                let got: Vec<_> = c
                    .transitions()
                    .iter()
                    .map(|t| (t.endpoint, t.segment, t.event, t.to))
                    .collect();
                let far = far as usize;
                assert_eq!(
                    got,
                    [
                        (Side::Client, 0, Event::Send, SynSent),
                        (Side::Server, 0, Event::Receive, SynReceived),
                        (Side::Client, far, Event::Receive, Established),
                        (Side::Server, far + 1, Event::Receive, Established),
                    ]
                );
                assert_eq!(c.window(0, 2).packets(), 2);
            }
            t.release(0);
            assert_eq!(t.connections()[0].packets(), far + 2);
        }
        // FINs crossing past the 2^32-th packet: the server's reception of
        // the client's FIN waits, then takes effect two segments later,
        // still named by its own segment number.
        let mut t = Tracker::new();
        let (c, s) = (1000, 5000);
        let (syn, ack, fin) = (TcpFlags::SYN, TcpFlags::ACK, TcpFlags::FIN);
        t.ingest(segment(1, true, syn, c, 0, 0));
        t.ingest(segment(2, false, syn | ack, s, c + 1, 0));
        t.ingest(segment(3, true, ack, c + 1, s + 1, 0));
        // The server's own ACK confirms what it received: it holds nothing.
        t.ingest(segment(4, false, ack, s + 1, c + 1, 0));
        let far = u64::from(u32::MAX) + 9;
        t.conns[0].set_packets(far);
        t.ingest(segment(5, true, fin | ack, c + 1, s + 1, 0));
        t.ingest(segment(6, false, fin | ack, s + 1, c + 1, 0));
        t.ingest(segment(7, true, ack, c + 2, s + 2, 0));
        t.ingest(segment(8, false, ack, s + 2, c + 2, 0));
        let conn = &t.connections()[0];
        assert_eq!(conn.current(), [TimeWait, TimeWait]);
        let late = conn
            .transitions()
            .iter()
            .find(|t| t.endpoint == Side::Server && t.to == Closing)
            .unwrap();
        let far = far as usize;
        assert_eq!((late.segment, late.step), (far, far + 2));
    }

    #[test]
    fn nanos_fit_until_2554() {
        assert_eq!(
            nanos(Duration::new(1_700_000_000, 123_456_789)),
            Some(1_700_000_000_123_456_789)
        );
        assert_eq!(nanos(Duration::from_nanos(u64::MAX)), Some(u64::MAX));
        assert_eq!(
            nanos(Duration::from_nanos(u64::MAX) + Duration::from_nanos(1)),
            None
        );
        assert_eq!(nanos(Duration::MAX), None);
    }
}
