//! An ICMP or ICMPv6 error that quotes a TCP segment (RFC 792, RFC 4443,
//! RFC 1191 for "fragmentation needed"): not a segment of the connection,
//! but an event beside the segment it quotes.
//!
//! Plain data: no files, sockets, terminal or clock.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use super::{Carried, FrameRef};

/// What the error says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IcmpKind {
    /// ICMP type 3 code 4 (RFC 1191): the packet was too big for a link and
    /// had DF set.
    FragmentationNeeded {
        /// Next-hop MTU (0 when the router did not say).
        mtu: u32,
    },
    /// ICMPv6 type 2 (RFC 4443 §3.2).
    PacketTooBig {
        /// MTU of the next-hop link.
        mtu: u32,
    },
    /// ICMP type 3 / ICMPv6 type 1, with its code.
    Unreachable {
        /// 4 or 6.
        version: u8,
        /// The code (port, host, network, prohibited ...).
        code: u8,
    },
    /// ICMP type 11 / ICMPv6 type 3.
    TimeExceeded {
        /// 4 or 6.
        version: u8,
        /// 0: in transit (TTL/hop limit); 1: fragment reassembly.
        code: u8,
    },
    /// ICMP type 12 / ICMPv6 type 4.
    ParameterProblem {
        /// 4 or 6.
        version: u8,
    },
    /// ICMP type 4 (deprecated by RFC 6633).
    SourceQuench,
}

impl IcmpKind {
    fn proto(version: u8) -> &'static str {
        if version == 6 { "ICMPv6" } else { "ICMP" }
    }
}

impl fmt::Display for IcmpKind {
    /// `ICMP: fragmentation needed, MTU 1400`, `ICMPv6: port unreachable`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IcmpKind::FragmentationNeeded { mtu } => {
                write!(f, "ICMP: fragmentation needed, MTU {mtu}")
            }
            IcmpKind::PacketTooBig { mtu } => write!(f, "ICMPv6: packet too big, MTU {mtu}"),
            IcmpKind::Unreachable { version: 4, code } => {
                let what = match code {
                    0 => "network unreachable",
                    1 => "host unreachable",
                    2 => "protocol unreachable",
                    3 => "port unreachable",
                    5 => "source route failed",
                    6 => "destination network unknown",
                    7 => "destination host unknown",
                    9 | 10 | 13 => "communication administratively prohibited",
                    _ => "destination unreachable",
                };
                write!(f, "ICMP: {what}")
            }
            IcmpKind::Unreachable { code, .. } => {
                let what = match code {
                    0 => "no route to destination",
                    1 => "communication administratively prohibited",
                    3 => "address unreachable",
                    4 => "port unreachable",
                    5 => "source address failed ingress/egress policy",
                    6 => "reject route to destination",
                    _ => "destination unreachable",
                };
                write!(f, "ICMPv6: {what}")
            }
            IcmpKind::TimeExceeded { version, code } => {
                let what = match (version, code) {
                    (_, 1) => "fragment reassembly time exceeded",
                    (6, _) => "hop limit exceeded in transit",
                    _ => "TTL exceeded in transit",
                };
                write!(f, "{}: {what}", Self::proto(version))
            }
            IcmpKind::ParameterProblem { version } => {
                write!(f, "{}: parameter problem", Self::proto(version))
            }
            IcmpKind::SourceQuench => f.write_str("ICMP: source quench"),
        }
    }
}

/// An ICMP error quoting the start of a TCP segment or UDP datagram.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IcmpError {
    /// Capture timestamp, since the Unix epoch.
    pub ts: Duration,
    /// Position in the capture.
    pub frame: FrameRef,
    /// Who sent the error (a router, or the destination host).
    pub reporter: IpAddr,
    /// What it says.
    #[serde(flatten)]
    pub kind: IcmpKind,
    /// Source of the quoted segment.
    pub quoted_src: SocketAddr,
    /// Destination of the quoted segment.
    pub quoted_dst: SocketAddr,
    /// Sequence number of the quoted segment (0 for UDP).
    pub quoted_seq: u32,
    /// IP protocol of the quoted packet: 6 (TCP) or 17 (UDP).
    #[serde(skip)]
    pub quoted_protocol: u8,
    /// Tunnels the error travelled in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carried: Option<Box<Carried>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(
            IcmpKind::FragmentationNeeded { mtu: 1400 }.to_string(),
            "ICMP: fragmentation needed, MTU 1400"
        );
        assert_eq!(
            IcmpKind::PacketTooBig { mtu: 1280 }.to_string(),
            "ICMPv6: packet too big, MTU 1280"
        );
        assert_eq!(
            IcmpKind::Unreachable {
                version: 4,
                code: 3
            }
            .to_string(),
            "ICMP: port unreachable"
        );
        assert_eq!(
            IcmpKind::Unreachable {
                version: 6,
                code: 4
            }
            .to_string(),
            "ICMPv6: port unreachable"
        );
        assert_eq!(
            IcmpKind::TimeExceeded {
                version: 6,
                code: 0
            }
            .to_string(),
            "ICMPv6: hop limit exceeded in transit"
        );
    }
}
