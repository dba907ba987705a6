//! Per-Packet Information (LINKTYPE_PPI, 192): version, flags, a
//! little-endian 16-bit header length and 32-bit link type, then a frame of
//! that link type (802.11 or Ethernet here).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network, ieee80211};

/// Skips the PPI header; `None` when short.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let h = data.get(..8)?;
    let len = usize::from(u16::from_le_bytes([h[2], h[3]]));
    let rest = data.get(len.max(8)..)?;
    match u32::from_le_bytes([h[4], h[5], h[6], h[7]]) {
        105 => ieee80211::parse(rest),
        1 => Some(Link::plain(Network::Ethernet(rest))),
        _ => Some(Link::plain(Network::Other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_inner_link_type() {
        let f = [0, 0, 8, 0, 1, 0, 0, 0, 0xee];
        assert_eq!(parse(&f), Some(Link::plain(Network::Ethernet(&[0xee]))));
        let f = [0, 0, 8, 0, 147, 0, 0, 0, 0xee];
        assert_eq!(parse(&f), Some(Link::plain(Network::Other)));
        assert_eq!(parse(&f[..7]), None);
    }
}
