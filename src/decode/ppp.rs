//! PPP (LINKTYPE_PPP 9, RFC 1661; LINKTYPE_PPP_HDLC 50, RFC 1662;
//! LINKTYPE_PPP_WITH_DIR 204) and the PPP protocol field shared with PPPoE
//! and GRE (PPTP).
//!
//! As Wireshark does for 9 and 50: a first byte 0x0f or 0x8f is Cisco HDLC
//! (RFC 1547 "Cisco PPP"), 0xff 0x03 is the HDLC-like address and control
//! of RFC 1662, and anything else starts with the PPP protocol field, which
//! is one byte long when its low bit is set (protocol-field compression,
//! RFC 1661 §6.5).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network, hdlc, mpls};

/// Maps a PPP protocol number to the packet it announces.
pub(crate) fn by_protocol(protocol: u16, rest: &[u8]) -> Network<'_> {
    match protocol {
        0x0021 => Network::Ipv4(rest),
        0x0057 => Network::Ipv6(rest),
        0x0281 | 0x0283 => mpls::parse(rest),
        _ => Network::Other,
    }
}

/// Reads the protocol field (1 or 2 bytes) and maps it; `None` when short.
pub(crate) fn protocol_field(data: &[u8]) -> Option<Network<'_>> {
    let first = *data.first()?;
    if first & 1 == 1 {
        // Compressed: a one-byte protocol (its high byte was 0x00).
        Some(by_protocol(u16::from(first), &data[1..]))
    } else {
        let p = data.get(..2)?;
        Some(by_protocol(u16::from_be_bytes([p[0], p[1]]), &data[2..]))
    }
}

/// LINKTYPE_PPP and LINKTYPE_PPP_HDLC; `None` when too short.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    match data.first()? {
        0x0f | 0x8f => hdlc::parse(data),
        0xff => {
            let rest = data.get(2..)?;
            Some(Link::plain(protocol_field(rest)?))
        }
        _ => Some(Link::plain(protocol_field(data)?)),
    }
}

/// LINKTYPE_PPP_WITH_DIR: one direction byte (0 received, 1 sent), then
/// PPP as [`parse`] reads it.
pub(crate) fn parse_with_dir(data: &[u8]) -> Option<Link<'_>> {
    parse(data.get(1..)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framings_and_compression() {
        let ip = Some(Link::plain(Network::Ipv4(b"ip")));
        assert_eq!(parse(&[0xff, 0x03, 0x00, 0x21, b'i', b'p']), ip);
        assert_eq!(parse(&[0x00, 0x21, b'i', b'p']), ip);
        assert_eq!(parse(&[0x21, b'i', b'p']), ip);
        assert_eq!(parse(&[0x0f, 0x00, 0x08, 0x00, b'i', b'p']), ip);
        assert_eq!(parse_with_dir(&[1, 0x00, 0x21, b'i', b'p']), ip);
        assert_eq!(
            parse(&[0xff, 0x03, 0x00, 0x57, 6]),
            Some(Link::plain(Network::Ipv6(&[6])))
        );
        // LCP is not IP.
        assert_eq!(
            parse(&[0xff, 0x03, 0xc0, 0x21, 1]),
            Some(Link::plain(Network::Other))
        );
        for short in [
            &[][..],
            &[0xff],
            &[0xff, 0x03],
            &[0xff, 0x03, 0x00],
            &[0x00],
        ] {
            assert_eq!(parse(short), None, "{short:?}");
        }
    }
}
