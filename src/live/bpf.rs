//! The packet socket's kernel filter, attached with `SO_ATTACH_FILTER` (by
//! [`super::privileged::prepare_packet_socket`], before the socket is
//! bound) so the kernel drops unwatched traffic before it is queued (it
//! then takes no buffer space and no `recvfrom`): a tcpdump expression
//! compiled by libpcap's own compiler for Ethernet framing (`lo` and the
//! Ethernet interfaces the sniffer takes), as `tcpdump -dd` prints it.
//!
//! `--port` and `--host` are shorthands for an expression ([`expression`]):
//! `(EXPRESSION) and tcp and (port P or …) and (host H or …)`, where
//! EXPRESSION is what `synack watch EXPRESSION` was given. The program sees
//! each frame as the packet socket receives it: the Ethernet header (all
//! zero on `lo`), then IP; a VLAN tag the driver took out of the frame
//! (most do) is not in it. The user-space [`Filter::matches`] still runs
//! after it, on the same frames.

use super::frame_filter::Filter;
use crate::filter::{Expression, FilterError, OnEthernet};

/// Bytes of each accepted frame the kernel keeps (as tcpdump's snap
/// length): libpcap's programs return 65535, less than a loopback frame
/// may hold.
const SNAP: u32 = 262_144;

/// `BPF_RET | BPF_K`: return a constant.
const RET_K: u16 = 0x06;

/// The expression the kernel runs for `filter`: its own expression first
/// (so that a `vlan` or `mpls` in it moves the offsets of what follows, as
/// in `tcpdump 'vlan and tcp'`), then `tcp` and its ports and hosts as
/// `(port P or …) and (host H or …)`. `None` when the filter keeps datagrams too (the demo's UDP scenario,
/// with the ICMP errors quoting them): the user-space filter then does all
/// the work.
pub fn expression(filter: &Filter) -> Option<String> {
    if filter.datagrams {
        return None;
    }
    let any = |words: Vec<String>| format!("({})", words.join(" or "));
    let mut parts: Vec<String> = filter
        .expression
        .iter()
        .map(|e| format!("({})", e.expression()))
        .collect();
    parts.push("tcp".to_string());
    if !filter.ports.is_empty() {
        parts.push(any(filter
            .ports
            .iter()
            .map(|p| format!("port {p}"))
            .collect()));
    }
    if !filter.hosts.is_empty() {
        parts.push(any(filter
            .hosts
            .iter()
            .map(|h| format!("host {h}"))
            .collect()));
    }
    Some(parts.join(" and "))
}

/// [`expression`] compiled for Ethernet framing; `Ok(None)` when there is
/// none. When libpcap refuses it, the error names the user's expression
/// (what `synack watch EXPRESSION` was given) with libpcap's reason, and
/// the whole program text when the shorthands or `tcp` made the
/// difference (`udp` alone compiles, `(udp) and tcp` rejects every
/// packet).
pub fn compiled(filter: &Filter) -> Result<Option<OnEthernet>, FilterError> {
    let Some(text) = expression(filter) else {
        return Ok(None);
    };
    let ours = |e: FilterError| {
        let reason = match e {
            FilterError::Bad { reason, .. } | FilterError::Link { reason, .. } => reason,
        };
        match &filter.expression {
            Some(user) => FilterError::Bad {
                expr: user.expression().text().to_string(),
                reason: format!("{reason} (watch keeps TCP only: the kernel filter is \"{text}\")"),
            },
            None => FilterError::Bad {
                expr: text.clone(),
                reason,
            },
        }
    };
    let expr = Expression::new(&text).map_err(ours)?;
    OnEthernet::new(expr).map(Some).map_err(ours)
}

/// The program for `filter`, each accepting return raised to `SNAP`;
/// `Ok(None)` when there is none ([`expression`]: the user-space filter
/// then does all the work).
pub fn program(filter: &Filter) -> Result<Option<Vec<libc::sock_filter>>, FilterError> {
    let Some(compiled) = compiled(filter)? else {
        return Ok(None);
    };
    let mut insns = compiled.program().instructions().to_vec();
    for i in &mut insns {
        if i.code == RET_K && i.k != 0 {
            i.k = SNAP;
        }
    }
    Ok(Some(insns))
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    fn v4(src: [u8; 4], dst: [u8; 4], proto: u8, sp: u16, dp: u16) -> Vec<u8> {
        let mut f = vec![0u8; 14 + 24 + 20];
        f[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
        f[14] = 0x46; // IHL 6: an options word, so ports are at x + 14
        f[14 + 9] = proto;
        f[26..30].copy_from_slice(&src);
        f[30..34].copy_from_slice(&dst);
        f[38..40].copy_from_slice(&sp.to_be_bytes());
        f[40..42].copy_from_slice(&dp.to_be_bytes());
        f
    }

    fn v6(src: IpAddr, dst: IpAddr, sp: u16, dp: u16) -> Vec<u8> {
        let (IpAddr::V6(s), IpAddr::V6(d)) = (src, dst) else {
            unreachable!()
        };
        let mut f = vec![0u8; 14 + 40 + 20];
        f[12..14].copy_from_slice(&0x86ddu16.to_be_bytes());
        f[14] = 0x60;
        f[20] = 6;
        f[22..38].copy_from_slice(&s.octets());
        f[38..54].copy_from_slice(&d.octets());
        f[54..56].copy_from_slice(&sp.to_be_bytes());
        f[56..58].copy_from_slice(&dp.to_be_bytes());
        f
    }

    /// Whether the kernel's program for `filter` takes `frame` (run by
    /// libpcap's interpreter, as the kernel runs classic BPF).
    fn kernel(filter: &Filter, frame: &[u8]) -> bool {
        compiled(filter)
            .expect("compiles")
            .expect("a program")
            .matches(frame)
    }

    #[test]
    fn program_agrees_with_the_user_space_filter() {
        let h4: IpAddr = "10.0.0.1".parse().unwrap();
        let h6: IpAddr = "fd00::1".parse().unwrap();
        let o6: IpAddr = "fd00::2".parse().unwrap();
        let filters = [
            Filter::default(),
            Filter::ports(vec![8090]),
            Filter::ports(vec![8090, 9000]),
            Filter {
                hosts: vec![h4],
                ..Filter::default()
            },
            Filter {
                ports: vec![8090],
                hosts: vec![h4, h6],
                ..Filter::default()
            },
        ];
        let frames = [
            v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 8090),
            v4([10, 0, 0, 2], [10, 0, 0, 1], 6, 8090, 40000),
            v4([10, 0, 0, 3], [10, 0, 0, 2], 6, 40000, 8090),
            v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 9000),
            v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 22),
            v4([10, 0, 0, 1], [10, 0, 0, 2], 17, 40000, 8090),
            v6(h6, o6, 40000, 8090),
            v6(o6, h6, 8090, 40000),
            v6(o6, o6, 8090, 40000),
            v6(h6, o6, 1, 2),
        ];
        for filter in &filters {
            let prog = program(filter).expect("compiles").expect("a program");
            assert!(prog.iter().any(|i| i.code == RET_K && i.k == SNAP));
            assert!(
                prog.iter()
                    .all(|i| i.code != RET_K || i.k == 0 || i.k == SNAP)
            );
            for (i, f) in frames.iter().enumerate() {
                assert_eq!(
                    kernel(filter, f),
                    filter.matches(f),
                    "filter {filter}, frame {i}"
                );
            }
        }
        // A later IPv4 fragment never matches a port.
        let mut frag = frames[0].clone();
        frag[20] = 0x00;
        frag[21] = 0x10;
        assert!(!kernel(&filters[1], &frag));
    }

    #[test]
    fn an_expression_narrows_the_shorthands() {
        let expr = Expression::new("not src port 40000").unwrap();
        let filter = Filter {
            ports: vec![8090],
            expression: Some(OnEthernet::new(expr).unwrap()),
            ..Filter::default()
        };
        assert_eq!(
            expression(&filter).unwrap(),
            "(not src port 40000) and tcp and (port 8090)"
        );
        let to = v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 8090);
        let back = v4([10, 0, 0, 2], [10, 0, 0, 1], 6, 8090, 40000);
        assert!(!kernel(&filter, &to) && !filter.matches(&to));
        assert!(kernel(&filter, &back) && filter.matches(&back));
        assert_eq!(filter.to_string(), "port 8090, \"not src port 40000\"");
    }

    #[test]
    fn many_ports_still_compile_and_datagrams_leave_it_to_user_space() {
        let f = Filter::ports((1..100).collect());
        let prog = program(&f)
            .unwrap()
            .expect("libpcap takes any number of ports");
        assert!(prog.len() > 99);
        assert!(kernel(&f, &v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 99)));
        assert!(!kernel(
            &f,
            &v4([10, 0, 0, 1], [10, 0, 0, 2], 6, 40000, 100)
        ));
        let udp = Filter {
            datagrams: true,
            ..Filter::ports(vec![53])
        };
        assert!(expression(&udp).is_none() && program(&udp).unwrap().is_none());
    }
}
