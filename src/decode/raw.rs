//! Raw IP link types: LINKTYPE_RAW (101, and DLT_RAW 12/14), where the
//! version nibble of the first byte says IPv4 or IPv6. (LINKTYPE_IPV4 228
//! and LINKTYPE_IPV6 229 need no parsing and are handled in the caller.)
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network};

/// Picks IPv4 or IPv6 from the version nibble; `None` for an empty frame or
/// any other version.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let network = match data.first()? >> 4 {
        4 => Network::Ipv4(data),
        6 => Network::Ipv6(data),
        _ => return None,
    };
    Some(Link::plain(network))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_nibble() {
        assert_eq!(
            parse(&[0x45, 0]),
            Some(Link::plain(Network::Ipv4(&[0x45, 0])))
        );
        assert_eq!(parse(&[0x60]), Some(Link::plain(Network::Ipv6(&[0x60]))));
        assert_eq!(parse(&[0x50]), None);
        assert_eq!(parse(&[]), None);
    }
}
