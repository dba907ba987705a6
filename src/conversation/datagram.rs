//! UDP flows: the connection-less side of a capture, kept beside the TCP
//! connections and never mixed with them. A flow is every datagram between
//! two sockets (either direction); it has no handshake, no teardown and no
//! state, which is the whole lesson when it sits beside a TCP connection.
//! ICMP errors quoting one of its datagrams (port unreachable, where TCP
//! would get a RST) are attached to it as events.
//!
//! Pure data: no files, sockets, terminal or clock.

use std::net::SocketAddr;
use std::time::Duration;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Side;
use crate::decode::Datagram;
use crate::segment::{FrameRef, IcmpError};

/// IP protocol number of UDP.
pub const UDP: u8 = 17;

/// Datagrams of one flow kept for walks and exports; beyond this only the
/// counts grow (memory stays bounded by flows, not packets).
pub const KEEP_DATAGRAMS_MAX: usize = 100_000;

/// One datagram of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DatagramStep {
    /// Position in the capture.
    pub frame: FrameRef,
    /// Capture timestamp, since the Unix epoch.
    pub ts: Duration,
    /// Who sent it: the `client` sent the flow's first datagram.
    pub from: Side,
    /// Payload bytes (the UDP length minus its 8-byte header).
    pub len: u32,
}

/// An ICMP error about one of the flow's datagrams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowIcmp {
    /// The error.
    pub error: IcmpError,
    /// Datagrams of the flow captured before it: the event sits after
    /// datagram `after - 1`.
    pub after: usize,
}

/// Every datagram between two UDP sockets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    /// Index among the capture's flows, in order of first datagram.
    pub index: usize,
    /// The socket that sent the first datagram.
    pub client: SocketAddr,
    /// The other socket.
    pub server: SocketAddr,
    /// Datagrams in capture order (up to [`KEEP_DATAGRAMS_MAX`], and only
    /// when steps are kept).
    pub datagrams: Vec<DatagramStep>,
    /// Datagrams seen, per side ([`Side::idx`]).
    pub count: [u64; 2],
    /// Payload bytes seen, per side.
    pub bytes: [u64; 2],
    /// Timestamps of the first and last datagram.
    pub first_ts: Duration,
    /// Timestamp of the last datagram.
    pub last_ts: Duration,
    /// ICMP errors quoting its datagrams.
    pub icmp: Vec<FlowIcmp>,
}

impl Flow {
    /// Datagrams in both directions.
    pub fn total(&self) -> u64 {
        self.count[0] + self.count[1]
    }

    /// The ICMP events right after datagram `i`.
    pub fn icmp_after(&self, i: usize) -> impl Iterator<Item = &FlowIcmp> {
        self.icmp.iter().filter(move |e| e.after == i + 1)
    }
}

/// The UDP flows of a capture, keyed by their two sockets.
#[derive(Clone, Debug, Default)]
pub struct Flows {
    flows: Vec<Flow>,
    by_pair: FxHashMap<(SocketAddr, SocketAddr), usize>,
}

fn pair(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

impl Flows {
    /// The flows, in order of their first datagram.
    pub fn all(&self) -> &[Flow] {
        &self.flows
    }

    /// Adds a UDP datagram (anything else is refused with `false`).
    /// `keep` keeps the datagram itself, not only the counts.
    pub fn ingest(&mut self, d: &Datagram, keep: bool) -> bool {
        let (UDP, Some((sp, dp))) = (d.protocol, d.ports) else {
            return false;
        };
        let (src, dst) = (SocketAddr::new(d.src, sp), SocketAddr::new(d.dst, dp));
        let index = *self.by_pair.entry(pair(src, dst)).or_insert_with(|| {
            self.flows.push(Flow {
                index: self.flows.len(),
                client: src,
                server: dst,
                datagrams: Vec::new(),
                count: [0; 2],
                bytes: [0; 2],
                first_ts: d.ts,
                last_ts: d.ts,
                icmp: Vec::new(),
            });
            self.flows.len() - 1
        });
        let flow = &mut self.flows[index];
        let from = if src == flow.client {
            Side::Client
        } else {
            Side::Server
        };
        let len = d.len.saturating_sub(8);
        flow.count[from.idx()] += 1;
        flow.bytes[from.idx()] += u64::from(len);
        flow.last_ts = d.ts;
        if keep && flow.datagrams.len() < KEEP_DATAGRAMS_MAX {
            flow.datagrams.push(DatagramStep {
                frame: d.frame,
                ts: d.ts,
                from,
                len,
            });
        }
        true
    }

    /// Attaches an ICMP error quoting a UDP datagram to its flow; `false`
    /// when no flow has those sockets.
    pub fn ingest_icmp(&mut self, error: IcmpError) -> bool {
        let Some(&index) = self.by_pair.get(&pair(error.quoted_src, error.quoted_dst)) else {
            return false;
        };
        let flow = &mut self.flows[index];
        flow.icmp.push(FlowIcmp {
            after: flow.total() as usize,
            error,
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::IcmpKind;
    use std::net::IpAddr;

    fn udp(src: &str, dst: &str, len: u32, n: u64) -> Datagram {
        let (s, d): (SocketAddr, SocketAddr) = (src.parse().unwrap(), dst.parse().unwrap());
        Datagram {
            protocol: UDP,
            src: s.ip(),
            dst: d.ip(),
            ports: Some((s.port(), d.port())),
            icmp: None,
            len: len + 8,
            ts: Duration::from_millis(n),
            frame: FrameRef {
                number: n,
                caplen: 0,
                wire_len: 0,
            },
        }
    }

    #[test]
    fn both_directions_are_one_flow_and_the_first_sender_is_the_client() {
        let mut f = Flows::default();
        assert!(f.ingest(&udp("127.0.0.2:5000", "127.0.0.1:53", 5, 1), true));
        assert!(f.ingest(&udp("127.0.0.1:53", "127.0.0.2:5000", 5, 2), true));
        assert!(f.ingest(&udp("127.0.0.2:5001", "127.0.0.1:53", 7, 3), true));
        let all = f.all();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].client, "127.0.0.2:5000".parse().unwrap());
        assert_eq!(all[0].count, [1, 1]);
        assert_eq!(all[0].bytes, [5, 5]);
        let from: Vec<Side> = all[0].datagrams.iter().map(|d| d.from).collect();
        assert_eq!(from, [Side::Client, Side::Server]);
        assert_eq!(all[1].datagrams[0].len, 7);
    }

    #[test]
    fn non_udp_is_refused_and_summaries_keep_no_datagrams() {
        let mut f = Flows::default();
        let mut icmp = udp("10.0.0.1:0", "10.0.0.2:0", 0, 1);
        icmp.protocol = 1;
        icmp.ports = None;
        assert!(!f.ingest(&icmp, true));
        assert!(f.ingest(&udp("10.0.0.1:1", "10.0.0.2:2", 3, 2), false));
        assert!(f.all()[0].datagrams.is_empty());
        assert_eq!(f.all()[0].total(), 1);
    }

    #[test]
    fn port_unreachable_attaches_after_the_datagram_it_answers() {
        let mut f = Flows::default();
        f.ingest(&udp("127.0.0.2:5000", "127.0.0.1:9", 13, 1), true);
        let err = IcmpError {
            ts: Duration::from_millis(2),
            frame: FrameRef {
                number: 2,
                caplen: 0,
                wire_len: 0,
            },
            reporter: IpAddr::from([127, 0, 0, 1]),
            kind: IcmpKind::Unreachable {
                version: 4,
                code: 3,
            },
            quoted_src: "127.0.0.2:5000".parse().unwrap(),
            quoted_dst: "127.0.0.1:9".parse().unwrap(),
            quoted_seq: 0,
            quoted_protocol: UDP,
            carried: None,
        };
        assert!(f.ingest_icmp(err.clone()));
        let flow = &f.all()[0];
        assert_eq!(flow.icmp_after(0).count(), 1);
        let mut other = err;
        other.quoted_dst = "127.0.0.1:10".parse().unwrap();
        assert!(!f.ingest_icmp(other));
    }
}
