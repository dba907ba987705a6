//! How a packet reached the capture point, when not plainly: the tunnels it
//! travelled in (outermost first) and the IP fragments it was reassembled
//! from. Shown in the details panel, the ladder and the JSON export.
//!
//! Plain data: no files, sockets, terminal or clock.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

/// Tunnels and reassembly of one packet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Carried {
    /// Tunnels, outermost first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tunnels: Vec<Tunnel>,
    /// Frames whose IP fragments made this packet, in the order they were
    /// captured (the last one completed it); empty when not fragmented.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reassembled_from: Vec<u64>,
}

/// One tunnel: what it is and the outer addresses it ran between.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tunnel {
    /// The encapsulation.
    #[serde(flatten)]
    pub kind: TunnelKind,
    /// Outer source address.
    pub src: IpAddr,
    /// Outer destination address.
    pub dst: IpAddr,
}

/// An encapsulation that carries IP inside IP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "tunnel", rename_all = "snake_case")]
pub enum TunnelKind {
    /// VXLAN (RFC 7348), UDP port 4789.
    Vxlan {
        /// VXLAN network identifier.
        vni: u32,
    },
    /// Geneve (RFC 8926), UDP port 6081.
    Geneve {
        /// Virtual network identifier.
        vni: u32,
    },
    /// GRE (RFC 2784, RFC 2890; version 1 is PPTP's, RFC 2637).
    Gre {
        /// Key field, when present.
        key: Option<u32>,
        /// Sequence number, when present.
        seq: Option<u32>,
    },
    /// ERSPAN mirrored traffic inside GRE.
    Erspan {
        /// ERSPAN type: 1, 2 or 3.
        version: u8,
        /// Session id (types 2 and 3).
        session: Option<u16>,
    },
    /// WCCP redirection inside GRE (protocol 0x883e).
    Wccp,
    /// GTP-U (3GPP TS 29.281), UDP port 2152.
    GtpU {
        /// Tunnel endpoint identifier.
        teid: u32,
    },
    /// IP directly in IP: IPIP (protocol 4) or 6in4/IPv6 (protocol 41).
    Ip {
        /// Version of the inner packet.
        inner: u8,
    },
}

impl fmt::Display for Tunnel {
    /// `VXLAN VNI 42, 192.0.2.1 → 192.0.2.2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TunnelKind::Vxlan { vni } => write!(f, "VXLAN VNI {vni}")?,
            TunnelKind::Geneve { vni } => write!(f, "Geneve VNI {vni}")?,
            TunnelKind::Gre { key: Some(k), .. } => write!(f, "GRE key {k}")?,
            TunnelKind::Gre { key: None, .. } => f.write_str("GRE")?,
            TunnelKind::Erspan {
                version,
                session: Some(s),
            } => write!(f, "ERSPAN type {version} session {s}")?,
            TunnelKind::Erspan { version, .. } => write!(f, "ERSPAN type {version}")?,
            TunnelKind::Wccp => f.write_str("GRE (WCCP redirect)")?,
            TunnelKind::GtpU { teid } => write!(f, "GTP-U TEID {teid:#x}")?,
            TunnelKind::Ip { inner } => {
                let outer = if self.src.is_ipv4() { 4 } else { 6 };
                write!(f, "IPv{inner}-in-IPv{outer}")?;
            }
        }
        write!(f, ", {} → {}", self.src, self.dst)
    }
}

impl Carried {
    /// True when there is nothing to say.
    pub fn is_empty(&self) -> bool {
        self.tunnels.is_empty() && self.reassembled_from.is_empty()
    }

    /// `inside VXLAN VNI 42, 192.0.2.1 → 192.0.2.2`, one clause per tunnel
    /// (outermost first, joined by "; "); `None` without tunnels.
    pub fn tunnel_note(&self) -> Option<String> {
        if self.tunnels.is_empty() {
            return None;
        }
        let parts: Vec<String> = self.tunnels.iter().map(|t| format!("inside {t}")).collect();
        Some(parts.join("; "))
    }

    /// `reassembled from frames 3, 4, 5`; `None` when not reassembled.
    pub fn reassembly_note(&self) -> Option<String> {
        if self.reassembled_from.is_empty() {
            return None;
        }
        let frames: Vec<String> = self.reassembled_from.iter().map(u64::to_string).collect();
        Some(format!("reassembled from frames {}", frames.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes() {
        let c = Carried {
            tunnels: vec![
                Tunnel {
                    kind: TunnelKind::Vxlan { vni: 42 },
                    src: "10.0.0.1".parse().unwrap(),
                    dst: "10.0.0.2".parse().unwrap(),
                },
                Tunnel {
                    kind: TunnelKind::Ip { inner: 6 },
                    src: "10.1.0.1".parse().unwrap(),
                    dst: "10.1.0.2".parse().unwrap(),
                },
            ],
            reassembled_from: vec![3, 4, 5],
        };
        assert_eq!(
            c.tunnel_note().unwrap(),
            "inside VXLAN VNI 42, 10.0.0.1 → 10.0.0.2; inside IPv6-in-IPv4, 10.1.0.1 → 10.1.0.2"
        );
        assert_eq!(
            c.reassembly_note().unwrap(),
            "reassembled from frames 3, 4, 5"
        );
        assert!(Carried::default().is_empty());
        assert_eq!(Carried::default().tunnel_note(), None);
        let json = serde_json::to_value(&c.tunnels[0]).unwrap();
        assert_eq!(json["tunnel"], "vxlan");
        assert_eq!(json["vni"], 42);
    }
}
