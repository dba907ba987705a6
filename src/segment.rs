//! The owned, decoded TCP segment: the one value that flows from the decoder
//! into the conversation model. Built from pcap files or live frames alike.
//!
//! This module holds plain data only: it must not touch files, sockets, the
//! terminal or the clock.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;

mod carried;
mod icmp;

pub use carried::{Carried, Tunnel, TunnelKind};
pub use icmp::{IcmpError, IcmpKind};

/// TCP header control bits (RFC 9293 §3.1), kept as the 8 low bits of the
/// flags byte plus NS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct TcpFlags(pub u16);

impl TcpFlags {
    /// No more data from sender (RFC 9293 §3.1).
    pub const FIN: u16 = 0x001;
    /// Synchronize sequence numbers.
    pub const SYN: u16 = 0x002;
    /// Reset the connection.
    pub const RST: u16 = 0x004;
    /// Push function.
    pub const PSH: u16 = 0x008;
    /// Acknowledgment field is significant.
    pub const ACK: u16 = 0x010;
    /// Urgent pointer field is significant.
    pub const URG: u16 = 0x020;
    /// ECN-Echo (RFC 3168).
    pub const ECE: u16 = 0x040;
    /// Congestion Window Reduced (RFC 3168).
    pub const CWR: u16 = 0x080;

    const NAMES: [(u16, &'static str); 8] = [
        (Self::SYN, "SYN"),
        (Self::FIN, "FIN"),
        (Self::RST, "RST"),
        (Self::PSH, "PSH"),
        (Self::ACK, "ACK"),
        (Self::URG, "URG"),
        (Self::ECE, "ECE"),
        (Self::CWR, "CWR"),
    ];

    /// True when every bit of `mask` is set.
    pub fn has(self, mask: u16) -> bool {
        self.0 & mask == mask
    }
    /// SYN bit set.
    pub fn syn(self) -> bool {
        self.has(Self::SYN)
    }
    /// FIN bit set.
    pub fn fin(self) -> bool {
        self.has(Self::FIN)
    }
    /// RST bit set.
    pub fn rst(self) -> bool {
        self.has(Self::RST)
    }
    /// ACK bit set.
    pub fn ack(self) -> bool {
        self.has(Self::ACK)
    }
    /// PSH bit set.
    pub fn psh(self) -> bool {
        self.has(Self::PSH)
    }

    /// The names of the set bits, in the order Wireshark prints them
    /// (SYN, FIN, RST, PSH, ACK, URG, ECE, CWR).
    pub fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|(bit, _)| self.0 & bit != 0)
            .map(|(_, name)| *name)
            .collect()
    }
}

impl fmt::Display for TcpFlags {
    /// `SYN`, `SYN-ACK`, `FIN-ACK`, `PSH-ACK`, `RST-ACK`, `ACK`: the way a
    /// textbook ladder labels arrows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.names();
        if names.is_empty() {
            return f.write_str("none");
        }
        f.write_str(&names.join("-"))
    }
}

/// TCP options decoded from the header (RFC 9293 §3.2, RFC 7323, RFC 2018).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TcpOptions {
    /// Maximum Segment Size (kind 2).
    pub mss: Option<u16>,
    /// Window scale shift count (kind 3).
    pub window_scale: Option<u8>,
    /// SACK permitted (kind 4).
    pub sack_permitted: bool,
    /// SACK blocks, absolute `(left, right)` edges (kind 5).
    pub sack: Vec<(u32, u32)>,
    /// Timestamps `(TSval, TSecr)` (kind 8).
    pub timestamps: Option<(u32, u32)>,
    /// Kinds of any other options present, in order.
    pub other: Vec<u8>,
}

/// IP-layer facts kept for the details panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IpInfo {
    /// 4 or 6.
    pub version: u8,
    /// IPv4 TTL or IPv6 hop limit.
    pub ttl: u8,
    /// IPv4 identification (0 for IPv6).
    pub id: u16,
    /// IPv4 total length or IPv6 payload length + 40.
    pub total_len: u32,
    /// IPv4 DF bit.
    pub dont_fragment: bool,
    /// 802.1Q VLAN id, when the frame had a tag.
    pub vlan: Option<u16>,
    /// Tunnels the packet travelled in and the fragments it was
    /// reassembled from; `None` for a plain packet (no allocation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried: Option<Box<Carried>>,
}

/// Why a TCP header could not be read whole although its first part (ports,
/// sequence and acknowledgment numbers, control bits, window) could: the
/// data offset (RFC 9293 §3.1) is impossible, or the capture cut the
/// header short. Wireshark keeps such a segment in its stream as
/// "Malformed" ("Bogus TCP header length") or "Packet size limited during
/// capture: TCP truncated"; so do we, with no options (and, for a bad data
/// offset, no payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Malformed {
    /// The data offset says fewer than the 20 bytes of the fixed header.
    HeaderTooShort {
        /// Header length the data offset claims, in bytes.
        header_len: u8,
        /// Bytes of TCP the IP header announces.
        available: u32,
    },
    /// The data offset runs past the end of the IP packet.
    HeaderPastEnd {
        /// Header length the data offset claims, in bytes.
        header_len: u8,
        /// Bytes of TCP the IP header announces.
        available: u32,
    },
    /// The capture holds fewer than the 20 bytes of the fixed header (a
    /// snap length cut it), though the IP packet carried them all: the
    /// checksum, urgent pointer and options are unknown; the payload
    /// length comes from the IP length.
    Truncated {
        /// Bytes of the TCP header the capture holds (16 to 19).
        captured: u8,
    },
    /// The first fragment of an IP datagram, read alone because the
    /// capture cut it short (so it was not reassembled): its header is
    /// whole, but the segment's payload length is unknown (taken as 0,
    /// and, as in Wireshark, not analysed).
    FirstFragment,
}

impl fmt::Display for Malformed {
    /// Wireshark's wording: "bogus TCP header length (12, must be at least 20)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HeaderTooShort { header_len, .. } => {
                write!(
                    f,
                    "bogus TCP header length ({header_len}, must be at least 20)"
                )
            }
            Self::HeaderPastEnd {
                header_len,
                available,
            } => write!(
                f,
                "bogus TCP header length ({header_len}, the IP packet holds only {available} bytes of TCP)"
            ),
            Self::Truncated { captured } => write!(
                f,
                "TCP header truncated by the capture ({captured} of its 20 fixed bytes captured)"
            ),
            Self::FirstFragment => f.write_str(
                "first IP fragment, read alone (the capture cut it short): payload length unknown",
            ),
        }
    }
}

/// Where a segment came from in its capture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FrameRef {
    /// 1-based packet number in the capture, as Wireshark numbers frames.
    pub number: u64,
    /// Bytes captured.
    pub caplen: u32,
    /// Bytes on the wire.
    pub wire_len: u32,
}

/// One decoded TCP segment with the facts the model and the UI need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Capture timestamp, since the Unix epoch.
    pub ts: Duration,
    /// Source address and port.
    pub src: SocketAddr,
    /// Destination address and port.
    pub dst: SocketAddr,
    /// Sequence number (absolute).
    pub seq: u32,
    /// Acknowledgment number (absolute; meaningful when ACK is set).
    pub ack: u32,
    /// Control bits.
    pub flags: TcpFlags,
    /// Raw (unscaled) window field.
    pub window: u16,
    /// Urgent pointer.
    pub urgent: u16,
    /// TCP header length in bytes.
    pub header_len: u8,
    /// Decoded options.
    pub options: TcpOptions,
    /// TCP payload length in bytes (from the IP length, so it is right even
    /// when the capture was truncated by a snap length).
    pub payload_len: u32,
    /// IP-layer facts.
    pub ip: IpInfo,
    /// Position in the capture.
    pub frame: FrameRef,
    /// Set when the header's data offset is impossible (the segment stays in
    /// its connection, as in Wireshark, with no options and no payload) or
    /// the capture cut the fixed header short (no options).
    pub malformed: Option<Malformed>,
}

impl Segment {
    /// Sequence space this segment occupies: payload plus one for SYN and one
    /// for FIN (RFC 9293 §3.4, SEG.LEN).
    pub fn seg_len(&self) -> u32 {
        self.payload_len + u32::from(self.flags.syn()) + u32::from(self.flags.fin())
    }

    /// First sequence number after this segment (SEG.SEQ + SEG.LEN).
    pub fn seq_end(&self) -> u32 {
        self.seq.wrapping_add(self.seg_len())
    }
}
