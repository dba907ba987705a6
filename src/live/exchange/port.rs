//! Choosing the demo server's port: free, and outside the kernel's
//! ephemeral range so no other program's `connect()` can be given it.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};

/// Lowest port [`free_port`] hands out.
const FIRST_PORT: u16 = 10_000;

/// A free TCP port on `ip` (bound once, then released), chosen BELOW the
/// kernel's ephemeral range (`net.ipv4.ip_local_port_range`): between this
/// probe and the server's `bind()`, a `connect()` anywhere on the machine
/// could otherwise be handed the same port, and that foreign connection
/// would pass the capture's port filter.
pub(super) fn free_port(ip: IpAddr) -> io::Result<u16> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32_768);
    let span = u32::from(low.saturating_sub(FIRST_PORT));
    if span >= 100 {
        // Spread concurrent sessions (and processes) over the range.
        let start = std::process::id()
            .wrapping_mul(7_919)
            .wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed).wrapping_mul(104_729));
        for i in 0..span.min(4_000) {
            let port = FIRST_PORT + ((start.wrapping_add(i)) % span) as u16;
            if std::net::TcpListener::bind(SocketAddr::new(ip, port)).is_ok() {
                return Ok(port);
            }
        }
    }
    let l = std::net::TcpListener::bind(SocketAddr::new(ip, 0))?;
    Ok(l.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn free_ports_come_from_below_the_ephemeral_range() {
        let low: u16 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        for _ in 0..20 {
            let p = free_port(Ipv4Addr::LOCALHOST.into()).unwrap();
            assert!((FIRST_PORT..low).contains(&p), "{p} (ephemeral from {low})");
        }
    }
}
