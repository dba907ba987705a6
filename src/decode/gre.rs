//! GRE (RFC 2784 with the key and sequence number of RFC 2890; version 1 is
//! PPTP's enhanced GRE, RFC 2637) and what it carries: IP, Ethernet
//! (transparent bridging, 0x6558), PPP, MPLS, ERSPAN types I/II (0x88be)
//! and III (0x22eb), and WCCP redirection (0x883e).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Network, by_ethertype};
use crate::segment::TunnelKind;

const CHECKSUM: u16 = 0x8000;
const ROUTING: u16 = 0x4000;
const KEY: u16 = 0x2000;
const SEQUENCE: u16 = 0x1000;
/// Version 1 only: an acknowledgment number follows.
const ACK: u16 = 0x0080;

/// Opens a GRE packet (the bytes after the IP header): the tunnel's note
/// and the packet inside; `None` when short, routed (RFC 1701 source
/// routes) or of an unknown version.
pub(crate) fn parse(data: &[u8]) -> Option<(TunnelKind, Network<'_>)> {
    let h = data.get(..4)?;
    let flags = u16::from_be_bytes([h[0], h[1]]);
    let protocol = u16::from_be_bytes([h[2], h[3]]);
    let version = flags & 0x7;
    if flags & ROUTING != 0 || version > 1 {
        return None;
    }
    let mut at = 4;
    let mut word = || -> Option<u32> {
        let w = data.get(at..at + 4)?;
        at += 4;
        Some(u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
    };
    if flags & CHECKSUM != 0 {
        word()?;
    }
    let key = if flags & KEY != 0 {
        Some(word()?)
    } else {
        None
    };
    let seq = if flags & SEQUENCE != 0 {
        Some(word()?)
    } else {
        None
    };
    if version == 1 && flags & ACK != 0 {
        word()?;
    }
    let rest = &data[at..];
    let gre = TunnelKind::Gre { key, seq };
    Some(match protocol {
        // ERSPAN: type I has no header of its own (and no sequence
        // number); type II an 8-byte one (version 1 in its top nibble).
        0x88be if seq.is_none() => (
            TunnelKind::Erspan {
                version: 1,
                session: None,
            },
            Network::Ethernet(rest),
        ),
        0x88be => {
            let e = rest.get(..8)?;
            (
                TunnelKind::Erspan {
                    version: 2,
                    session: Some(u16::from_be_bytes([e[2], e[3]]) & 0x3ff),
                },
                Network::Ethernet(&rest[8..]),
            )
        }
        // ERSPAN type III: 12 bytes, plus an 8-byte platform sub-header
        // when the O bit (lowest of byte 11) is set.
        0x22eb => {
            let e = rest.get(..12)?;
            let len = if e[11] & 1 != 0 { 20 } else { 12 };
            (
                TunnelKind::Erspan {
                    version: 3,
                    session: Some(u16::from_be_bytes([e[2], e[3]]) & 0x3ff),
                },
                Network::Ethernet(rest.get(len..)?),
            )
        }
        // WCCP: a 4-byte redirect header, unless the IP header follows
        // directly (as Wireshark guesses: a first byte of 0x45).
        0x883e => {
            let inner = if rest.first()? >> 4 == 4 && rest[0] & 0x0f >= 5 {
                rest
            } else {
                rest.get(4..)?
            };
            (TunnelKind::Wccp, Network::Ipv4(inner))
        }
        p => (gre, by_ethertype(p, rest)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sequence_and_payloads() {
        // Key 5 and sequence 9, IPv4 inside.
        let d = [0x30, 0, 0x08, 0, 0, 0, 0, 5, 0, 0, 0, 9, 0x45];
        assert_eq!(
            parse(&d),
            Some((
                TunnelKind::Gre {
                    key: Some(5),
                    seq: Some(9)
                },
                Network::Ipv4(&[0x45])
            ))
        );
        // Checksum present, bridged Ethernet.
        let d = [0x80, 0, 0x65, 0x58, 0, 0, 0, 0, 0xee];
        assert_eq!(
            parse(&d),
            Some((
                TunnelKind::Gre {
                    key: None,
                    seq: None
                },
                Network::Ethernet(&[0xee])
            ))
        );
        // PPTP (version 1): key, sequence, ack; PPP then IPv4.
        let d = [
            0x30, 0x81, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0x03, 0x00, 0x21,
            0x45,
        ];
        assert_eq!(parse(&d).unwrap().1, Network::Ipv4(&[0x45]));
        let d = [
            0x30, 0x81, 0x88, 0x0b, 0, 4, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0x00, 0x21, 0x45,
        ];
        assert_eq!(parse(&d).unwrap().1, Network::Ipv4(&[0x45]));
        // Routing present, version 2, short: not opened.
        assert_eq!(parse(&[0x40, 0, 0x08, 0]), None);
        assert_eq!(parse(&[0, 2, 0x08, 0]), None);
        assert_eq!(parse(&[0x20, 0, 0x08, 0, 0, 0]), None);
    }

    #[test]
    fn erspan_and_wccp() {
        let d = [0, 0, 0x88, 0xbe, 0xee];
        assert_eq!(
            parse(&d),
            Some((
                TunnelKind::Erspan {
                    version: 1,
                    session: None
                },
                Network::Ethernet(&[0xee])
            ))
        );
        let d = [
            0x10, 0, 0x88, 0xbe, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x0c, 0, 0, 0, 0, 0xee,
        ];
        assert_eq!(
            parse(&d),
            Some((
                TunnelKind::Erspan {
                    version: 2,
                    session: Some(12)
                },
                Network::Ethernet(&[0xee])
            ))
        );
        let d = [0, 0, 0x88, 0x3e, 0, 0, 0, 0, 0x45];
        assert_eq!(parse(&d), Some((TunnelKind::Wccp, Network::Ipv4(&[0x45]))));
        let d = [0, 0, 0x88, 0x3e, 0x45, 0];
        assert_eq!(
            parse(&d),
            Some((TunnelKind::Wccp, Network::Ipv4(&[0x45, 0])))
        );
    }
}
