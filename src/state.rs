//! The eleven TCP connection states of RFC 9293 §3.3.2, plus `Unknown` for an
//! endpoint whose state a capture has not shown yet (it started mid-stream).
//!
//! On screen and in JSON the states carry the names `ss` and netstat print
//! (`SYN_RECV`, `FIN_WAIT1` ...); the docs give the RFC names.

use std::fmt;

use serde::Serialize;

/// A TCP endpoint's connection state (RFC 9293 §3.3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TcpState {
    /// Not yet known: the capture began after this endpoint's last
    /// state-changing segment.
    Unknown,
    /// CLOSED: no connection state at all.
    Closed,
    /// LISTEN: waiting for a connection request from any remote TCP.
    Listen,
    /// SYN-SENT: waiting for a matching connection request after having sent one.
    SynSent,
    /// SYN-RECEIVED: waiting for a confirming ACK after having both received
    /// and sent a connection request.
    SynReceived,
    /// ESTABLISHED: an open connection, data can flow both ways.
    Established,
    /// FIN-WAIT-1: waiting for a FIN from the remote TCP, or an ACK of the FIN
    /// previously sent.
    FinWait1,
    /// FIN-WAIT-2: waiting for a FIN from the remote TCP.
    FinWait2,
    /// CLOSE-WAIT: waiting for the local user to close.
    CloseWait,
    /// CLOSING: waiting for the ACK of our FIN after having received the
    /// remote FIN (simultaneous close).
    Closing,
    /// LAST-ACK: waiting for the ACK of the FIN sent after the remote FIN.
    LastAck,
    /// TIME-WAIT: waiting 2 MSL so the remote TCP surely got the ACK of its FIN.
    TimeWait,
}

impl TcpState {
    /// Every state, in the order of RFC 9293's diagram (Unknown first).
    pub const ALL: [TcpState; 12] = [
        TcpState::Unknown,
        TcpState::Closed,
        TcpState::Listen,
        TcpState::SynSent,
        TcpState::SynReceived,
        TcpState::Established,
        TcpState::FinWait1,
        TcpState::FinWait2,
        TcpState::CloseWait,
        TcpState::Closing,
        TcpState::LastAck,
        TcpState::TimeWait,
    ];

    /// The name `ss` and netstat print (`SYN_RECV`, `FIN_WAIT1` ...).
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Unknown => "UNKNOWN",
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynReceived => "SYN_RECV",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST_ACK",
            TcpState::TimeWait => "TIME_WAIT",
        }
    }

    /// The name RFC 9293 uses (`SYN-RECEIVED`, `FIN-WAIT-1` ...).
    pub fn rfc_name(self) -> &'static str {
        match self {
            TcpState::Unknown => "UNKNOWN",
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynReceived => "SYN-RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::Closing => "CLOSING",
            TcpState::LastAck => "LAST-ACK",
            TcpState::TimeWait => "TIME-WAIT",
        }
    }

    /// Parses a netstat name or a Linux kernel name (`TCP_SYN_RECV`,
    /// `TCP_CLOSE`, `TCP_NEW_SYN_RECV` is taken as SYN_RECV).
    pub fn from_name(name: &str) -> Option<TcpState> {
        let n = name.trim().trim_start_matches("TCP_");
        Some(match n {
            "UNKNOWN" => TcpState::Unknown,
            "CLOSE" | "CLOSED" => TcpState::Closed,
            "LISTEN" => TcpState::Listen,
            "SYN_SENT" => TcpState::SynSent,
            "SYN_RECV" | "NEW_SYN_RECV" => TcpState::SynReceived,
            "ESTABLISHED" => TcpState::Established,
            "FIN_WAIT1" => TcpState::FinWait1,
            "FIN_WAIT2" => TcpState::FinWait2,
            "CLOSE_WAIT" => TcpState::CloseWait,
            "CLOSING" => TcpState::Closing,
            "LAST_ACK" => TcpState::LastAck,
            "TIME_WAIT" => TcpState::TimeWait,
            _ => return None,
        })
    }

    /// Whether data may still be sent by this endpoint's application.
    pub fn is_synchronized(self) -> bool {
        !matches!(
            self,
            TcpState::Unknown | TcpState::Closed | TcpState::Listen | TcpState::SynSent
        )
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl Serialize for TcpState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for st in TcpState::ALL {
            assert_eq!(TcpState::from_name(st.name()), Some(st));
        }
        assert_eq!(TcpState::from_name("TCP_CLOSE"), Some(TcpState::Closed));
        assert_eq!(TcpState::from_name("TCP_SYN_RECV"), Some(TcpState::SynReceived));
        assert_eq!(TcpState::from_name("bogus"), None);
    }
}
