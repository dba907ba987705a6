//! Linux "cooked" capture v1 (LINKTYPE_LINUX_SLL, 113): the 16-byte header
//! `tcpdump -i any` writes (packet type, ARPHRD type, address, protocol).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use pnet::packet::sll::SLLPacket;

use super::{Link, by_ethertype};

/// Length of the header.
const HEADER_LEN: usize = 16;

/// Finds the network packet after a Linux cooked v1 header; `None` when the
/// frame is shorter than the header.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    // pnet's `SLLPacket::minimum_packet_size()` leaves out the 8-byte address
    // field (it is declared as a `Vec`), so `new` accepts frames too short
    // for the protocol field: check the real header length first.
    let rest = data.get(HEADER_LEN..)?;
    let sll = SLLPacket::new(data)?;
    Some(Link::plain(by_ethertype(sll.get_protocol().0, rest)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Network;

    #[test]
    fn finds_ip_after_the_header() {
        let mut f = vec![0, 0, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
        f.extend_from_slice(b"ip");
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv4(b"ip"))));
        f[14..16].copy_from_slice(&[0x86, 0xdd]);
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv6(b"ip"))));
        f[14..16].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(parse(&f), Some(Link::plain(Network::Other)));
        for cut in 0..16 {
            assert_eq!(parse(&f[..cut]), None);
        }
    }
}
