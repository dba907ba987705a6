//! Juniper Ethernet (LINKTYPE_JUNIPER_ETHER, 178): the 3-byte magic "MGC",
//! a flags byte, optional TLV extensions (flag 0x80: a 2-byte length, then
//! the TLVs), then an Ethernet frame, or, when flag 0x02 says there is no
//! layer-2 header, a 4-byte host-order protocol number and the IP packet.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network, mpls};

const MAGIC: &[u8; 3] = b"MGC";
/// Extensions present.
const FLAG_EXT: u8 = 0x80;
/// No layer-2 header: a protocol number follows instead.
const FLAG_NO_L2: u8 = 0x02;

/// Finds the network packet after Juniper's header; `None` when short or
/// the magic is missing.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    if data.get(..3)? != MAGIC {
        return None;
    }
    let flags = *data.get(3)?;
    let header = if flags & FLAG_EXT != 0 {
        let len = data.get(4..6)?;
        6 + usize::from(u16::from_be_bytes([len[0], len[1]]))
    } else {
        4
    };
    if flags & FLAG_NO_L2 == 0 {
        return Some(Link::plain(Network::Ethernet(data.get(header..)?)));
    }
    let p = data.get(header..header + 4)?;
    let rest = &data[header + 4..];
    // Wireshark reads this field little-endian (the capturing host's order).
    let network = match u32::from_le_bytes([p[0], p[1], p[2], p[3]]) {
        2 | 3 => Network::Ipv4(rest),
        6 | 7 => Network::Ipv6(rest),
        4 | 5 | 8 => mpls::parse(rest),
        _ => Network::Other,
    };
    Some(Link::plain(network))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethernet_and_bare_ip() {
        assert_eq!(
            parse(b"MGC\x01eth"),
            Some(Link::plain(Network::Ethernet(b"eth")))
        );
        assert_eq!(
            parse(b"MGC\x81\x00\x02xxeth"),
            Some(Link::plain(Network::Ethernet(b"eth")))
        );
        assert_eq!(
            parse(b"MGC\x03\x02\x00\x00\x00ip"),
            Some(Link::plain(Network::Ipv4(b"ip")))
        );
        assert_eq!(parse(b"MGX\x01eth"), None);
        assert_eq!(parse(b"MGC\x81\x00\x09x"), None);
        assert_eq!(parse(b"MGC\x03\x02"), None);
    }
}
