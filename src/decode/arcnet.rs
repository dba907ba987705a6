//! ARCNET with Linux's header (LINKTYPE_ARCNET_LINUX, 129): source and
//! destination (1 byte each), a 2-byte offset, then the ARCNET protocol id.
//! RFC 1201 ids are followed by a split flag (with 4 more bytes on an
//! exception packet) and a 2-byte sequence number; RFC 1051 ids by nothing.
//!
//! Packets split into several ARCNET fragments (split flag not 0) are not
//! reassembled: their IP is set aside as "other".
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network};

/// IPv4, RFC 1201.
const IP_RFC1201: u8 = 0xd4;
/// IPv6, RFC 2497.
const IPV6: u8 = 0xc4;
/// IPv4, RFC 1051 (no split flag or sequence number).
const IP_RFC1051: u8 = 0xf0;
/// ARP, RFC 1051.
const ARP_RFC1051: u8 = 0xf1;

/// Finds the network packet after the Linux ARCNET header; `None` when
/// short.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let protocol = *data.get(4)?;
    let mut at = 5;
    if !matches!(protocol, IP_RFC1051 | ARP_RFC1051) {
        let mut split = *data.get(at)?;
        at += 1;
        if split == 0xff {
            // Exception packet: padding, then the protocol id and split
            // flag again.
            split = *data.get(at + 3)?;
            at += 4;
        }
        at += 2; // sequence number
        if split != 0 {
            return Some(Link::plain(Network::Other));
        }
    }
    let rest = data.get(at..)?;
    let network = match protocol {
        IP_RFC1201 | IP_RFC1051 => Network::Ipv4(rest),
        IPV6 => Network::Ipv6(rest),
        _ => Network::Other,
    };
    Some(Link::plain(network))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1201_and_rfc1051() {
        let f = [1, 2, 0, 0, IP_RFC1201, 0, 0, 7, 0x45];
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv4(&[0x45]))));
        let f = [1, 2, 0, 0, IPV6, 0, 0, 7, 0x60];
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv6(&[0x60]))));
        let f = [1, 2, 0, 0, IP_RFC1051, 0x45];
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv4(&[0x45]))));
        let exception = [
            1, 2, 0, 0, IP_RFC1201, 0xff, 0xff, 0xff, IP_RFC1201, 0, 0, 7, 0x45,
        ];
        assert_eq!(parse(&exception), Some(Link::plain(Network::Ipv4(&[0x45]))));
        let split = [1, 2, 0, 0, IP_RFC1201, 1, 0, 7, 0x45];
        assert_eq!(parse(&split), Some(Link::plain(Network::Other)));
        assert_eq!(parse(&[1, 2, 0, 0, IP_RFC1201, 0, 0]), None);
        assert_eq!(parse(&[1, 2, 0, 0]), None);
    }
}
