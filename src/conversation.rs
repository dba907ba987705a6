//! The conversation model: segments grouped into connections, each with two
//! endpoint state machines, and the timeline of steps a UI or export walks.
//!
//! Fed one [`Segment`] at a time by [`Tracker::ingest`], from a file replay or
//! a live capture alike; everything here is pure data (no files, sockets,
//! terminal or clock).

mod analysis;
mod endpoint;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;

use crate::segment::Segment;
use crate::state::TcpState;

pub use analysis::{Label, Role};
pub use endpoint::Cause;

/// Which end of a connection: the client sent the first SYN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The endpoint that sent the first SYN (active opener), or, for a
    /// connection caught mid-stream, the source of the first segment seen.
    Client,
    /// The other endpoint.
    Server,
}

impl Side {
    /// The other endpoint.
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
    /// 0 for the client, 1 for the server: index into per-side arrays.
    pub fn idx(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }
    /// `"client"` or `"server"`.
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// Whether an endpoint changed state by sending or by receiving a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// The endpoint sent the segment (e.g. FIN on close()).
    Send,
    /// The endpoint received the segment (e.g. the peer's SYN-ACK).
    Receive,
}

/// One state change of one endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// Which endpoint changed state.
    pub endpoint: Side,
    /// State before.
    pub from: TcpState,
    /// State after.
    pub to: TcpState,
    /// Index (within the connection) of the segment that caused it.
    pub segment: usize,
    /// Index of the step after which the new state holds. Equals `segment`
    /// except when the endpoint processed the segment later than it was seen
    /// on the wire (crossing FINs or SYNs).
    pub step: usize,
    /// Caused by sending or by receiving `segment`.
    pub event: Event,
    /// The RFC 9293 event, for explanations.
    pub cause: Cause,
}

/// One segment of a connection with what the model made of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The segment itself.
    pub segment: Segment,
    /// Which endpoint sent it.
    pub from: Side,
    /// Sequence number relative to the sender's ISN (ISN = 0).
    pub rel_seq: u32,
    /// Acknowledgment number relative to the receiver's ISN (0 when ACK is
    /// not set or the ISN is unknown).
    pub rel_ack: u32,
    /// Its role in the connection's lifecycle.
    pub role: Role,
    /// Expert-info style labels.
    pub labels: Vec<Label>,
    /// Both endpoints' states after this step, indexed by [`Side::idx`].
    pub states: [TcpState; 2],
}

impl Step {
    /// State of one endpoint after this step.
    pub fn state(&self, side: Side) -> TcpState {
        self.states[side.idx()]
    }
}

/// What was seen of a connection, for `--list`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Seen {
    /// The client's SYN.
    pub syn: bool,
    /// The server's SYN-ACK.
    pub syn_ack: bool,
    /// Both SYNs acknowledged: the three-way handshake completed.
    pub handshake: bool,
    /// Payload bytes from the client.
    pub data_from_client: u64,
    /// Payload bytes from the server.
    pub data_from_server: u64,
    /// A FIN from the client.
    pub fin_from_client: bool,
    /// A FIN from the server.
    pub fin_from_server: bool,
    /// A RST from either side.
    pub rst: bool,
}

/// One TCP connection: a 4-tuple from its SYN (or first segment) until it is
/// closed and a new SYN starts another (like Wireshark's `tcp.stream`).
#[derive(Clone, Debug)]
pub struct Connection {
    /// 0-based index in capture order (Wireshark's `tcp.stream`).
    pub index: usize,
    /// Address of the client (sender of the first SYN).
    pub client: SocketAddr,
    /// Address of the server.
    pub server: SocketAddr,
    /// Both endpoints' states before the first segment.
    pub initial: [TcpState; 2],
    /// True when the capture begins after the handshake.
    pub mid_stream: bool,
    /// The timeline (empty when the tracker keeps summaries only).
    pub steps: Vec<Step>,
    /// Every state change, in the order they happened.
    pub transitions: Vec<Transition>,
    /// Packets in this connection.
    pub packets: u64,
    /// Bytes on the wire (IP total length) of those packets.
    pub bytes: u64,
    /// Timestamp of the first segment.
    pub first_ts: Duration,
    /// Timestamp of the last segment.
    pub last_ts: Duration,
    /// Summary of what was seen.
    pub seen: Seen,
    /// Each side's current state.
    pub current: [TcpState; 2],
    machine: endpoint::Pair,
}
