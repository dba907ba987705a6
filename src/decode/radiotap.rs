//! Radiotap (LINKTYPE_IEEE802_11_RADIOTAP, 127): a header whose length is
//! the little-endian 16-bit field at offset 2, then an 802.11 frame.
//!
//! A trailing frame check sequence (radiotap's "FCS at end" flag) needs no
//! handling: the TCP length comes from the IP header, so the 4 bytes after
//! the IP packet are never read as payload.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, ieee80211};

/// Skips the radiotap header; `None` when short or not version 0.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    let h = data.get(..4)?;
    if h[0] != 0 {
        return None;
    }
    let len = usize::from(u16::from_le_bytes([h[2], h[3]]));
    ieee80211::parse(data.get(len.max(4)..)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Network;

    #[test]
    fn skips_its_length() {
        let mut f = vec![0, 0, 8, 0, 0, 0, 0, 0, 0x08, 0x01];
        f.resize(8 + 24, 0);
        f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd, 0x60]);
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv6(&[0x60]))));
        assert_eq!(parse(&f[..7]), None);
        f[0] = 1;
        assert_eq!(parse(&f), None);
    }
}
