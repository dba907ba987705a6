//! BSD loopback link types: LINKTYPE_NULL (0), whose 4-byte address family
//! is in the *capturing host's* byte order (so both orders are accepted),
//! and LINKTYPE_LOOP (108), where it is in network byte order.
//!
//! Address families: AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD,
//! OpenBSD), 28 (FreeBSD) or 30 (macOS). Linux's 10 never appears here.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network};

const AF_INET: u32 = 2;
const AF_INET6: [u32; 3] = [24, 28, 30];

fn by_family(family: u32, rest: &[u8]) -> Network<'_> {
    if family == AF_INET {
        Network::Ipv4(rest)
    } else if AF_INET6.contains(&family) {
        Network::Ipv6(rest)
    } else {
        Network::Other
    }
}

/// LINKTYPE_NULL: family in either byte order; `None` when shorter than 4
/// bytes.
pub(crate) fn parse_null(data: &[u8]) -> Option<Link<'_>> {
    let (head, rest) = data.split_first_chunk::<4>()?;
    let le = u32::from_le_bytes(*head);
    let be = u32::from_be_bytes(*head);
    // Small values only make sense in one order; pick the one that does.
    let family = if le < 256 { le } else { be };
    Some(Link::plain(by_family(family, rest)))
}

/// LINKTYPE_LOOP: family in network byte order; `None` when shorter than 4
/// bytes.
pub(crate) fn parse_loop(data: &[u8]) -> Option<Link<'_>> {
    let (head, rest) = data.split_first_chunk::<4>()?;
    Some(Link::plain(by_family(u32::from_be_bytes(*head), rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_byte_orders() {
        assert_eq!(
            parse_null(&[2, 0, 0, 0, 9]),
            Some(Link::plain(Network::Ipv4(&[9])))
        );
        assert_eq!(
            parse_null(&[0, 0, 0, 2, 9]),
            Some(Link::plain(Network::Ipv4(&[9])))
        );
        for af in [24u32, 28, 30] {
            let mut f = af.to_le_bytes().to_vec();
            f.push(7);
            assert_eq!(parse_null(&f), Some(Link::plain(Network::Ipv6(&[7]))));
            let mut f = af.to_be_bytes().to_vec();
            f.push(7);
            assert_eq!(parse_null(&f), Some(Link::plain(Network::Ipv6(&[7]))));
            assert_eq!(parse_loop(&f), Some(Link::plain(Network::Ipv6(&[7]))));
        }
        assert_eq!(parse_null(&[7, 0, 0, 0]), Some(Link::plain(Network::Other)));
        assert_eq!(parse_loop(&[2, 0, 0, 0]), Some(Link::plain(Network::Other)));
        assert_eq!(parse_null(&[2, 0, 0]), None);
        assert_eq!(parse_loop(&[]), None);
    }
}
