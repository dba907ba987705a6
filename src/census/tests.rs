//! The census of a TCP-less capture, on decoded values (no files).

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use super::*;
use crate::decode::Datagram;

fn frame(link: LinkType, data: &[u8]) -> Frame<'_> {
    Frame {
        number: 1,
        ts: Duration::ZERO,
        link,
        data,
        wire_len: data.len() as u32,
    }
}

fn udp(sport: u16, dport: u16) -> Decoded {
    Decoded::Datagram(Datagram {
        protocol: 17,
        src: IpAddr::V4(Ipv4Addr::LOCALHOST),
        dst: IpAddr::V4(Ipv4Addr::LOCALHOST),
        ports: Some((sport, dport)),
        icmp: None,
        len: 8,
        ts: Duration::ZERO,
        frame: crate::segment::FrameRef::default(),
    })
}

/// An Ethernet frame with one 802.1Q tag announcing `ethertype`.
fn tagged(ethertype: u16) -> Vec<u8> {
    let mut f = vec![0u8; 12];
    f.extend_from_slice(&[0x81, 0x00, 0, 10]);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(&[0; 28]);
    f
}

#[test]
fn names_the_most_common_kinds_with_counts() {
    let mut c = Census::default();
    let eth = frame(LinkType::Ethernet, &[]);
    for _ in 0..5 {
        c.add(&eth, &udp(40000, 53));
        c.add(&eth, &udp(53, 40000));
    }
    let arp = tagged(0x0806);
    c.add(&frame(LinkType::Ethernet, &arp), &Decoded::NotTcp);
    c.add(&eth, &Decoded::Malformed);
    c.add(&eth, &udp(40001, 47999));
    c.add(&eth, &udp(50000, 50001));
    assert_eq!(
        c.summary(),
        "10 are UDP port 53 (DNS), 1 is ARP (EtherType 0x0806), 1 is malformed (too short or \
         inconsistent to decode), 2 other"
    );
}

#[test]
fn service_port_is_the_well_known_then_the_non_ephemeral_then_the_destination() {
    assert_eq!(service_port(53, 40000), 53);
    assert_eq!(service_port(40000, 4789), 4789);
    assert_eq!(service_port(7000, 40000), 7000);
    assert_eq!(service_port(40000, 47999), 47999);
    assert_eq!(service_port(1000, 2000), 2000);
}

#[test]
fn hints_for_tunnels_links_and_fragments() {
    let eth = frame(LinkType::Ethernet, &[]);
    let mut c = Census::default();
    c.add(&eth, &udp(33000, 8472));
    assert_eq!(
        c.summary(),
        "1 is UDP port 8472 (VXLAN on Linux's old port) — if that is VXLAN (Linux's default \
         before port 4789), add --tunnel-port vxlan:8472"
    );
    let mut c = Census::default();
    let user0 = frame(LinkType::Other(147), &[1, 2, 3]);
    c.add(&user0, &Decoded::UnsupportedLink);
    c.add(&eth, &Decoded::Fragment);
    c.add(&user0, &Decoded::UnsupportedLink);
    let s = c.summary();
    assert!(
        s.starts_with(
            "2 are of link type 147 (LINKTYPE_USER0), which synack cannot decode, 1 is IP \
             fragments whose other parts were not captured — synack reads Ethernet"
        ),
        "{s}"
    );
}

#[test]
fn non_ip_on_cooked_and_other_links() {
    let mut c = Census::default();
    let mut sll2 = vec![0x88, 0xcc];
    sll2.extend_from_slice(&[0; 18]);
    c.add(&frame(LinkType::LinuxSll2, &sll2), &Decoded::NotTcp);
    c.add(&frame(LinkType::Raw, &[0x10]), &Decoded::NotTcp);
    let short = [0u8; 5];
    c.add(&frame(LinkType::Ethernet, &short), &Decoded::NotTcp);
    assert_eq!(c.summary(), "2 are not IP, 1 is LLDP (EtherType 0x88cc)");
}
