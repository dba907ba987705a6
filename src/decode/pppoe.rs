//! PPPoE sessions (RFC 2516 §5.2): EtherType 0x8864 and LINKTYPE_PPP_ETHER
//! (51). A 6-byte header (version/type, code 0 for session data, session
//! id, length), then the PPP protocol field. Discovery packets (0x8863) and
//! non-session codes carry no IP.
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::{Link, Network, ppp};

/// Length of the PPPoE header.
const HEADER_LEN: usize = 6;

/// The packet inside a PPPoE session frame (the bytes after the
/// EtherType); `Other` when short or not session data.
pub(crate) fn session(data: &[u8]) -> Network<'_> {
    match data.get(..HEADER_LEN) {
        // Version 1, type 1, code 0 (session data).
        Some(h) if h[0] == 0x11 && h[1] == 0 => {
            let len = usize::from(u16::from_be_bytes([h[4], h[5]]));
            let end = (HEADER_LEN + len).min(data.len());
            ppp::protocol_field(&data[HEADER_LEN..end]).unwrap_or(Network::Other)
        }
        _ => Network::Other,
    }
}

/// LINKTYPE_PPP_ETHER: the frame starts with the PPPoE header.
pub(crate) fn parse(data: &[u8]) -> Option<Link<'_>> {
    if data.len() < HEADER_LEN {
        return None;
    }
    Some(Link::plain(session(data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_data() {
        let f = [0x11, 0, 0x12, 0x34, 0, 4, 0x00, 0x21, b'i', b'p', 0xee];
        // The PPPoE length (4) ends the packet before the trailing byte.
        assert_eq!(session(&f), Network::Ipv4(b"ip"));
        assert_eq!(parse(&f), Some(Link::plain(Network::Ipv4(b"ip"))));
        let discovery = [0x11, 0x09, 0, 0, 0, 0];
        assert_eq!(session(&discovery), Network::Other);
        assert_eq!(session(&f[..5]), Network::Other);
        assert_eq!(parse(&f[..5]), None);
    }
}
