//! IP over InfiniBand (LINKTYPE_IPOIB, 242; RFC 4391): a 40-byte pseudo
//! header (the destination address, or the Global Route Header of a
//! multicast packet) that libpcap prepends, then the 4-byte IPoIB header
//! (EtherType, reserved).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, by_ethertype};

/// Offset of the EtherType.
const TYPE_AT: usize = 40;
/// Length of both headers.
const HEADER_LEN: usize = 44;

/// Finds the network packet after the IPoIB headers; `None` when short.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let rest = data.get(HEADER_LEN..)?;
    let ethertype = u16::from_be_bytes([data[TYPE_AT], data[TYPE_AT + 1]]);
    Some(Link::plain(by_ethertype(ethertype, rest)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Network;

    #[test]
    fn ethertype_after_the_pseudo_header() {
        let mut f = vec![0u8; 40];
        f.extend_from_slice(&[0x08, 0x00, 0, 0, 0x45]);
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv4(&[0x45]))));
        assert_eq!(parse(&f[..43]), None);
    }
}
