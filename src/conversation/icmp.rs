//! ICMP errors attached to the connection they quote: an event beside the
//! segment that caused it (e.g. "ICMP: fragmentation needed, MTU 1400"),
//! not a segment of the connection, so the endpoint machines and the
//! labels never see it.
//!
//! Pure data: no files, sockets, terminal or clock.

use serde::Serialize;

use super::{Connection, Tracker};
use crate::segment::IcmpError;

/// An ICMP error about one connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IcmpEvent {
    /// The error itself.
    #[serde(flatten)]
    pub error: IcmpError,
    /// Segments of the connection captured before it: the event sits after
    /// step `after - 1` in the timeline.
    pub after: usize,
    /// The step whose segment it quotes (same sender and sequence number,
    /// the latest before the error), when the timeline is kept.
    pub quotes: Option<usize>,
}

impl Connection {
    /// The ICMP events that sit right after step `step`.
    pub fn icmp_after(&self, step: usize) -> impl Iterator<Item = &IcmpEvent> {
        self.icmp().iter().filter(move |e| e.after == step + 1)
    }
}

impl Tracker {
    /// Attaches an ICMP error to the connection it quotes. Returns that
    /// connection's index, or `None` (counted as not TCP) when no captured
    /// connection has the quoted addresses and ports.
    pub fn ingest_icmp(&mut self, error: IcmpError) -> Option<usize> {
        let Some(index) = self.latest_on(error.quoted_src, error.quoted_dst) else {
            self.skipped.not_tcp += 1;
            return None;
        };
        let conn = &mut self.conns[index];
        let quotes = conn
            .steps()
            .iter()
            .rposition(|s| s.segment.src == error.quoted_src && s.segment.seq == error.quoted_seq)
            .map(|k| conn.drained() + k);
        let after = conn.packets() as usize;
        // A summary keeps its ICMP events too: its cold part is made for
        // them (without steps or labels).
        let timeline = conn.timeline.get_or_insert_with(Box::default);
        timeline.icmp.push(IcmpEvent {
            after,
            quotes,
            error,
        });
        Some(index)
    }
}
