//! Which captured frames to keep: the port/host [`Filter`] the sniffer
//! applies in user space (and [`super::bpf`] compiles for the kernel), and
//! the header peeks it rests on (IPv4/IPv6 over Ethernet, TCP and UDP
//! ports, the UDP datagram an ICMP error quotes).
//!
//! It reads frames it is given and nothing else: no socket, no thread, no
//! decoding beyond those peeks (the decoder proper is [`crate::decode`]).

use std::net::IpAddr;

/// Which frames to keep: TCP segments with a source or destination port in
/// `ports` and an address in `hosts` (IPv4 or IPv6 over Ethernet). An empty
/// list does not restrict: an empty filter keeps every TCP frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Ports of the exchange (the server's port is enough).
    pub ports: Vec<u16>,
    /// Also keep UDP datagrams on those ports and the ICMP errors quoting
    /// them (the UDP scenario).
    pub datagrams: bool,
    /// Addresses of either endpoint.
    pub hosts: Vec<IpAddr>,
    /// A tcpdump expression frames must pass as well (`synack watch
    /// EXPRESSION`; `crate::filter`).
    pub expression: Option<crate::filter::OnEthernet>,
}

impl Filter {
    /// Keeps TCP with one of `ports` at either end.
    pub fn ports(ports: Vec<u16>) -> Filter {
        Filter {
            ports,
            ..Filter::default()
        }
    }

    /// Whether an Ethernet frame carries TCP to or from one of the ports
    /// (and one of the hosts).
    pub fn matches(&self, frame: &[u8]) -> bool {
        if self.expression.as_ref().is_some_and(|e| !e.matches(frame)) {
            return false;
        }
        let ports = match tcp_ports(frame) {
            None if self.datagrams => datagram_ports(frame),
            other => other,
        };
        let Some((s, d)) = ports else {
            return false;
        };
        let port_ok = self.ports.is_empty() || self.ports.contains(&s) || self.ports.contains(&d);
        port_ok
            && (self.hosts.is_empty()
                || ip_addrs(frame)
                    .is_some_and(|(a, b)| self.hosts.contains(&a) || self.hosts.contains(&b)))
    }
}

impl std::fmt::Display for Filter {
    /// `port 8090, host 10.0.0.1` (or `all TCP`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = self.ports.iter().map(|p| format!("port {p}")).collect();
        parts.extend(self.hosts.iter().map(|h| format!("host {h}")));
        parts.extend(
            self.expression
                .iter()
                .map(|e| format!("\"{}\"", e.expression())),
        );
        if parts.is_empty() {
            f.write_str("all TCP")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Source and destination addresses of an IPv4/IPv6 packet in an Ethernet
/// frame.
pub fn ip_addrs(frame: &[u8]) -> Option<(IpAddr, IpAddr)> {
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let ip = frame.get(14..)?;
    match ethertype {
        0x0800 => {
            let s: [u8; 4] = ip.get(12..16)?.try_into().ok()?;
            let d: [u8; 4] = ip.get(16..20)?.try_into().ok()?;
            Some((IpAddr::from(s), IpAddr::from(d)))
        }
        0x86dd => {
            let s: [u8; 16] = ip.get(8..24)?.try_into().ok()?;
            let d: [u8; 16] = ip.get(24..40)?.try_into().ok()?;
            Some((IpAddr::from(s), IpAddr::from(d)))
        }
        _ => None,
    }
}

/// Source and destination ports of a TCP segment in an Ethernet frame.
pub fn tcp_ports(frame: &[u8]) -> Option<(u16, u16)> {
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let ip = frame.get(14..)?;
    let tcp = match ethertype {
        0x0800 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let frag = u16::from_be_bytes([*ip.get(6)?, *ip.get(7)?]) & 0x1fff;
            if ip.first()? >> 4 != 4 || ihl < 20 || *ip.get(9)? != 6 || frag != 0 {
                return None;
            }
            ip.get(ihl..)?
        }
        0x86dd => {
            if ip.first()? >> 4 != 6 {
                return None;
            }
            // Walk the common extension headers (hop-by-hop, routing, dest opts).
            let mut next = *ip.get(6)?;
            let mut off = 40;
            for _ in 0..8 {
                match next {
                    6 => break,
                    0 | 43 | 60 => {
                        next = *ip.get(off)?;
                        off += (usize::from(*ip.get(off + 1)?) + 1) * 8;
                    }
                    _ => return None,
                }
            }
            if next != 6 {
                return None;
            }
            ip.get(off..)?
        }
        _ => return None,
    };
    let s = u16::from_be_bytes([*tcp.first()?, *tcp.get(1)?]);
    let d = u16::from_be_bytes([*tcp.get(2)?, *tcp.get(3)?]);
    Some((s, d))
}

/// Source and destination ports of a UDP datagram in an Ethernet frame, or
/// of the UDP datagram an ICMP error quotes (IPv4 without options or
/// fragments, IPv6 without extension headers: what loopback carries).
pub fn datagram_ports(frame: &[u8]) -> Option<(u16, u16)> {
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let ip = frame.get(14..)?;
    // (protocol, transport bytes) of an IP packet.
    let inner = |ip: &[u8]| -> Option<(u8, usize)> {
        match ip.first()? >> 4 {
            4 => Some((*ip.get(9)?, usize::from(ip.first()? & 0x0f) * 4)),
            6 => Some((*ip.get(6)?, 40)),
            _ => None,
        }
    };
    let (proto, off) = inner(ip)?;
    let (proto, off) = match (ethertype, proto) {
        (0x0800 | 0x86dd, 17) => (17, off),
        // ICMP destination unreachable / ICMPv6 1: 8 bytes, then the quote.
        (0x0800, 1) | (0x86dd, 58) => {
            let quote = ip.get(off + 8..)?;
            let (p, o) = inner(quote)?;
            (p, off + 8 + o)
        }
        _ => return None,
    };
    if proto != 17 {
        return None;
    }
    let udp = ip.get(off..off + 4)?;
    Some((
        u16::from_be_bytes([udp[0], udp[1]]),
        u16::from_be_bytes([udp[2], udp[3]]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_peeks_ports() {
        let mut f = vec![0u8; 14 + 20 + 20];
        f[12] = 0x08;
        f[14] = 0x45;
        f[14 + 9] = 6;
        f[34..36].copy_from_slice(&4242u16.to_be_bytes());
        f[36..38].copy_from_slice(&80u16.to_be_bytes());
        assert_eq!(tcp_ports(&f), Some((4242, 80)));
        assert!(
            Filter {
                ports: vec![80],
                ..Filter::default()
            }
            .matches(&f)
        );
        assert!(
            !Filter {
                ports: vec![81],
                ..Filter::default()
            }
            .matches(&f)
        );
        f[14 + 9] = 17;
        assert_eq!(tcp_ports(&f), None);
        assert_eq!(tcp_ports(&f[..20]), None);
    }
}
