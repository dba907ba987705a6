//! MPLS label stacks (RFC 3032; EtherTypes 0x8847/0x8848, PPP 0x0281):
//! labels are skipped down to the bottom of the stack, then the payload is
//! guessed from its first nibble as Wireshark and tcpdump do: 4 is IPv4, 6
//! is IPv6, 0 is a pseudowire control word (RFC 4385) followed by an
//! Ethernet frame (RFC 4448).
//!
//! Pure functions over byte slices: no files, terminal, clock or network.

use super::Network;

/// Length of one label stack entry.
const ENTRY: usize = 4;

/// The packet under the label stack; `Other` when the stack runs off the
/// end or the payload is not recognised.
pub(crate) fn parse(data: &[u8]) -> Network<'_> {
    let mut at = 0;
    loop {
        let Some(entry) = data.get(at..at + ENTRY) else {
            return Network::Other;
        };
        at += ENTRY;
        if entry[2] & 1 == 1 {
            break; // bottom of stack
        }
    }
    let rest = &data[at..];
    match rest.first().map(|b| b >> 4) {
        Some(4) => Network::Ipv4(rest),
        Some(6) => Network::Ipv6(rest),
        Some(0) if rest.len() >= ENTRY => Network::Ethernet(&rest[ENTRY..]),
        _ => Network::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_then_nibble_guess() {
        // Two labels (16, 17), the second with the bottom-of-stack bit.
        let mut f = vec![0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40];
        f.push(0x45);
        assert_eq!(parse(&f), Network::Ipv4(&[0x45]));
        *f.last_mut().unwrap() = 0x60;
        assert_eq!(parse(&f), Network::Ipv6(&[0x60]));
        f.pop();
        f.extend_from_slice(&[0, 0, 0, 0, 0xaa]);
        assert_eq!(parse(&f), Network::Ethernet(&[0xaa]));
        // No bottom of stack: runs off the end.
        assert_eq!(parse(&[0, 1, 0, 0x40, 0, 1, 0, 0x40]), Network::Other);
        assert_eq!(parse(&[0, 1, 1, 0x40, 0x90]), Network::Other);
    }
}
