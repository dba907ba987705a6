//! IEEE 802.11 (LINKTYPE_IEEE802_11, 105): data frames whose body is an
//! LLC/SNAP header (RFC 1042: AA AA 03, OUI, EtherType). Management and
//! control frames, null-data frames, protected (encrypted) bodies and
//! A-MSDUs carry no IP that can be read and are "other".
//!
//! The MAC header is 24 bytes, plus a fourth address when both To DS and
//! From DS are set, plus QoS Control for QoS data subtypes, plus HT Control
//! when a QoS frame has the +HTC/Order bit.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network, by_ethertype};

/// Frame type 2: data.
const TYPE_DATA: u8 = 2;
/// Flags: To DS and From DS.
const DS_BOTH: u8 = 0x03;
/// Flags: the body is encrypted.
const PROTECTED: u8 = 0x40;
/// Flags: +HTC/Order.
const ORDER: u8 = 0x80;
/// LLC/SNAP for an EtherType (RFC 1042 OUI 00-00-00, or 802.1H 00-00-F8).
const SNAP: [u8; 3] = [0xaa, 0xaa, 0x03];

/// Finds the network packet in an 802.11 frame; `None` when the frame is
/// shorter than its header.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let fc = *data.first()?;
    let flags = *data.get(1)?;
    let (kind, subtype) = ((fc >> 2) & 3, fc >> 4);
    if kind != TYPE_DATA || subtype & 0x4 != 0 || flags & PROTECTED != 0 {
        return Some(Link::plain(Network::Other));
    }
    let qos = subtype & 0x8 != 0;
    let mut header = 24;
    if flags & DS_BOTH == DS_BOTH {
        header += 6;
    }
    if qos {
        // A-MSDU present: bit 7 of QoS Control's first byte.
        if data.get(header)? & 0x80 != 0 {
            return Some(Link::plain(Network::Other));
        }
        header += 2;
        if flags & ORDER != 0 {
            header += 4;
        }
    }
    let body = data.get(header..)?;
    Some(Link::plain(llc_snap(body)))
}

/// The packet after an LLC/SNAP header.
fn llc_snap(body: &[u8]) -> Network<'_> {
    match body.get(..8) {
        Some(h) if h[..3] == SNAP && matches!(h[3..6], [0, 0, 0] | [0, 0, 0xf8]) => {
            by_ethertype(u16::from_be_bytes([h[6], h[7]]), &body[8..])
        }
        _ => Network::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(fc: u8, flags: u8, extra: usize, body: &[u8]) -> Vec<u8> {
        let mut f = vec![fc, flags];
        f.resize(24 + extra, 0);
        f.extend_from_slice(body);
        f
    }
    const SNAP_IP: [u8; 9] = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, 0x45];

    #[test]
    fn data_frames() {
        let ip = Some(Link::plain(Network::Ipv4(&[0x45])));
        assert_eq!(parse(&frame(0x08, 0x01, 0, &SNAP_IP)), ip);
        // QoS data: 2 more bytes.
        assert_eq!(parse(&frame(0x88, 0x02, 2, &SNAP_IP)), ip);
        // WDS (4 addresses) QoS data with HT Control.
        assert_eq!(parse(&frame(0x88, 0x83, 12, &SNAP_IP)), ip);
        let other = Some(Link::plain(Network::Other));
        // Beacon, null data, protected body.
        assert_eq!(parse(&frame(0x80, 0, 0, &SNAP_IP)), other);
        assert_eq!(parse(&frame(0x48, 0x01, 0, b"")), other);
        assert_eq!(parse(&frame(0x08, 0x41, 0, &SNAP_IP)), other);
        // No SNAP header.
        assert_eq!(parse(&frame(0x08, 0x01, 0, &[0xf0, 0xf0, 3, 0])), other);
        assert_eq!(parse(&frame(0x08, 0x01, 0, b"")[..20]), None);
    }
}
