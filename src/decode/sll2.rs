//! Linux "cooked" capture v2 (LINKTYPE_LINUX_SLL2, 276): the 20-byte header
//! with protocol first and the interface index.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use pnet::packet::sll2::SLL2Packet;

use super::{Link, by_ethertype};

/// Length of the header.
const HEADER_LEN: usize = 20;

/// Finds the network packet after a Linux cooked v2 header; `None` when the
/// frame is shorter than the header.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    // pnet's `SLL2Packet::minimum_packet_size()` leaves out the 8-byte address
    // field (it is declared as a `Vec`), so `new` accepts frames too short
    // for the protocol field: check the real header length first.
    let rest = data.get(HEADER_LEN..)?;
    let sll = SLL2Packet::new(data)?;
    Some(Link::plain(by_ethertype(sll.get_protocol_type().0, rest)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Network;

    #[test]
    fn finds_ip_after_the_header() {
        let mut f = vec![
            0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        f.extend_from_slice(b"ip6");
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv6(b"ip6"))));
        f[0..2].copy_from_slice(&[0x08, 0x00]);
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv4(b"ip6"))));
        for cut in 0..20 {
            assert_eq!(parse(&f[..cut]), None);
        }
    }
}
