//! Ethernet II (LINKTYPE_ETHERNET, 1), including 802.1Q and 802.1ad
//! (QinQ) VLAN tags and 802.1BR E-tags (EtherType 0x893f, 6 bytes of
//! E-TCI before the next EtherType).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use pnet::packet::ethernet::{EtherTypes, EthernetPacket};
use pnet::packet::vlan::VlanPacket;

use super::{Link, Network, by_ethertype};

/// Most VLAN tags we unwrap before giving up (QinQ uses two).
const MAX_TAGS: usize = 4;
/// 802.1BR E-tag EtherType.
const ETAG: u16 = 0x893f;
/// E-TCI length (the tag is 8 bytes with its EtherType).
const ETCI_LEN: usize = 6;

/// Finds the network packet in an Ethernet frame; `None` when the frame is
/// too short for its headers.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let eth = EthernetPacket::new(data)?;
    let mut ethertype = eth.get_ethertype();
    let mut rest = &data[EthernetPacket::minimum_packet_size()..];
    let mut vlan = None;
    for _ in 0..MAX_TAGS {
        if ethertype.0 == ETAG {
            let next = rest.get(ETCI_LEN..ETCI_LEN + 2)?;
            ethertype = pnet::packet::ethernet::EtherType(u16::from_be_bytes([next[0], next[1]]));
            rest = &rest[ETCI_LEN + 2..];
            continue;
        }
        if ![EtherTypes::Vlan, EtherTypes::PBridge, EtherTypes::QinQ].contains(&ethertype) {
            break;
        }
        let tag = VlanPacket::new(rest)?;
        // Keep the innermost tag: the customer 802.1Q VLAN of a QinQ frame,
        // which is what Wireshark shows as `vlan.id`.
        vlan = Some(tag.get_vlan_identifier());
        ethertype = tag.get_ethertype();
        rest = &rest[VlanPacket::minimum_packet_size()..];
    }
    let network = match ethertype {
        EtherTypes::Vlan | EtherTypes::PBridge | EtherTypes::QinQ => Network::Other,
        t if t.0 == ETAG => Network::Other,
        _ => by_ethertype(ethertype.0, rest),
    };
    Some(Link { network, vlan })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(tags: &[(u16, u16)], ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        for (tpid, vid) in tags {
            f.extend_from_slice(&tpid.to_be_bytes());
            f.extend_from_slice(&vid.to_be_bytes());
        }
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn untagged_and_tagged() {
        let f = frame(&[], 0x0800, b"ip");
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv4(b"ip"))));
        let f = frame(&[(0x8100, 0x2000 | 10)], 0x86dd, b"ip6");
        assert_eq!(
            parse(&f),
            Some(Link {
                network: Network::Ipv6(b"ip6"),
                vlan: Some(10)
            })
        );
        let f = frame(&[(0x88a8, 100), (0x8100, 200)], 0x0800, b"x");
        assert_eq!(
            parse(&f),
            Some(Link {
                network: Network::Ipv4(b"x"),
                vlan: Some(200)
            })
        );
        let f = frame(&[], 0x0806, b"arp");
        assert_eq!(parse(&f), Some(Link::plain(Network::Other)));
    }

    #[test]
    fn etag_then_vlan() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x89, 0x3f, 0, 0, 0, 5, 0, 0]);
        f.extend_from_slice(&[0x81, 0x00, 0, 30, 0x08, 0x00, b'x']);
        assert_eq!(
            parse(&f),
            Some(Link {
                network: Network::Ipv4(b"x"),
                vlan: Some(30)
            })
        );
        assert_eq!(parse(&f[..19]), None);
    }

    #[test]
    fn short_frames() {
        let f = frame(&[(0x8100, 10)], 0x0800, b"");
        for cut in 0..f.len() {
            let r = parse(&f[..cut]);
            assert!(r.is_none() || cut >= 14, "{cut}");
        }
        assert_eq!(parse(&f[..16]), None);
        let deep = frame(&[(0x8100, 1); 6], 0x0800, b"");
        assert_eq!(parse(&deep).map(|l| l.network), Some(Network::Other));
    }
}
