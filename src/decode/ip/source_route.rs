//! IPv4 source routes (RFC 791 §3.1, options 131 "loose source and record
//! route" and 137 "strict source and record route"): a source-routed
//! datagram carries the next hop in its destination field and the rest of
//! the route, ending with the final destination, in the option. A
//! connection is between the two ends, so its destination is the route's
//! last address, as Wireshark shows it (`ip.dst`).
//!
//! Pure function over the option bytes: no files, terminal, clock or network.

use std::net::Ipv4Addr;

/// Option type: loose source and record route.
const LSRR: u8 = 131;
/// Option type: strict source and record route.
const SSRR: u8 = 137;
/// Option type: end of option list.
const END: u8 = 0;
/// Option type: no operation (one byte, no length).
const NOP: u8 = 1;

/// The final destination of a source-routed datagram: the last address of
/// its LSRR or SSRR option, or `None` when `options` (the bytes after the
/// fixed 20-byte header) hold no such route. A malformed option list ends
/// the search without a route.
pub(crate) fn final_hop(options: &[u8]) -> Option<Ipv4Addr> {
    let mut at = 0;
    while at < options.len() {
        match options[at] {
            END => return None,
            NOP => at += 1,
            kind => {
                let len = usize::from(*options.get(at + 1)?);
                let opt = options.get(at..at + len).filter(|_| len >= 2)?;
                // type, length, pointer, then the route's addresses.
                if (kind == LSRR || kind == SSRR) && len >= 7 {
                    let hops = (len - 3) / 4;
                    let last = 3 + (hops - 1) * 4;
                    let a: [u8; 4] = opt[last..last + 4].try_into().ok()?;
                    return Some(Ipv4Addr::from(a));
                }
                at += len;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsrr_final_hop_is_the_last_route_address() {
        // NOP, LSRR len 11 ptr 4: 192.0.2.1, 10.0.0.2; END.
        let opts = [1, 131, 11, 4, 192, 0, 2, 1, 10, 0, 0, 2, 0];
        assert_eq!(final_hop(&opts), Some(Ipv4Addr::new(10, 0, 0, 2)));
    }

    #[test]
    fn ssrr_with_one_hop() {
        let opts = [137, 7, 4, 10, 0, 0, 9, 0];
        assert_eq!(final_hop(&opts), Some(Ipv4Addr::new(10, 0, 0, 9)));
    }

    #[test]
    fn no_route_other_options_or_damage() {
        // Record route (7) is not a source route.
        assert_eq!(final_hop(&[7, 7, 4, 10, 0, 0, 9, 0]), None);
        assert_eq!(final_hop(&[]), None);
        // Length running past the end, length 0, empty route.
        assert_eq!(final_hop(&[131, 40, 4, 10, 0, 0, 9]), None);
        assert_eq!(final_hop(&[131, 0, 4]), None);
        assert_eq!(final_hop(&[131, 3, 4, 0]), None);
    }
}
