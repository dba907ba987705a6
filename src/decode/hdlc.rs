//! Cisco HDLC (LINKTYPE_C_HDLC 104, and LINKTYPE_C_HDLC_WITH_DIR 205): an
//! address byte (0x0f unicast, 0x8f broadcast), a control byte, then an
//! EtherType.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, by_ethertype};

/// Length of the header.
const HEADER_LEN: usize = 4;

/// Finds the network packet after a Cisco HDLC header; `None` when short.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let rest = data.get(HEADER_LEN..)?;
    let ethertype = u16::from_be_bytes([data[2], data[3]]);
    Some(Link::plain(by_ethertype(ethertype, rest)))
}

/// LINKTYPE_C_HDLC_WITH_DIR: one direction byte, then Cisco HDLC.
pub(crate) fn parse_with_dir(data: &[u8]) -> Option<Link<'_>> {
    parse(data.get(1..)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Network;

    #[test]
    fn ethertype_after_address_and_control() {
        assert_eq!(
            parse(&[0x0f, 0, 0x86, 0xdd, 6]),
            Some(Link::plain(Network::Ipv6(&[6])))
        );
        assert_eq!(
            parse_with_dir(&[0, 0x8f, 0, 0x08, 0x00, 4]),
            Some(Link::plain(Network::Ipv4(&[4])))
        );
        assert_eq!(
            parse(&[0x8f, 0, 0x80, 0x35]),
            Some(Link::plain(Network::Other))
        );
        assert_eq!(parse(&[0x0f, 0, 0x08]), None);
    }
}
