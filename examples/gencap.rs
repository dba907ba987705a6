//! Writes a large synthetic capture for benchmarks, in one of two shapes.
//!
//! `cargo run --release --example gencap -- OUT.pcap [PACKETS] [CONNECTIONS_AT_ONCE] [--random] [--ipv6] [--vlan]`
//!
//! * lock-step (the default): rounds of `CONNECTIONS_AT_ONCE` connections on
//!   Ethernet/IPv4, segment k of every connection then segment k+1, each a
//!   full handshake, data both ways and a FIN teardown, sequence numbers
//!   counting from fixed values.
//! * `--random` (see `gencap/random.rs`): like traffic off a real link —
//!   random ISNs, each packet taken from a randomly chosen one of
//!   `CONNECTIONS_AT_ONCE` live connections, 200- and 800-byte payloads, a
//!   few retransmissions, a few connections reset instead of closed;
//!   `--ipv6` makes every fourth connection IPv6 and `--vlan` puts every
//!   third in an 802.1Q tag.
//!
//! With `CONNECTIONS_AT_ONCE` = 0 it writes ONE connection of `PACKETS`
//! segments instead (handshake, data, teardown), for the UI benchmark.

use std::fs::File;
use std::io::BufWriter;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pnet::packet::ethernet::{EtherTypes, MutableEthernetPacket};
use pnet::packet::ip::IpNextHeaderProtocols;
use pnet::packet::ipv4::{self, MutableIpv4Packet};
use pnet::packet::ipv6::MutableIpv6Packet;
use pnet::packet::tcp::{self, MutableTcpPacket, TcpFlags};

const SYN: u8 = TcpFlags::SYN;
const ACK: u8 = TcpFlags::ACK;
const FIN: u8 = TcpFlags::FIN;
const PSH: u8 = TcpFlags::PSH;
const RST: u8 = TcpFlags::RST;

/// Builds one Ethernet/IPv4/TCP frame with valid checksums.
fn frame(
    src: (Ipv4Addr, u16),
    dst: (Ipv4Addr, u16),
    seq: u32,
    ack: u32,
    flags: u8,
    len: usize,
) -> Vec<u8> {
    let mut buf = Vec::new();
    frame_into(
        &mut buf,
        (IpAddr::V4(src.0), src.1),
        (IpAddr::V4(dst.0), dst.1),
        Tcp {
            seq,
            ack,
            flags,
            len,
        },
        None,
    );
    buf
}

/// The TCP header fields a generated segment varies.
#[derive(Clone, Copy)]
struct Tcp {
    seq: u32,
    ack: u32,
    flags: u8,
    len: usize,
}

/// Writes one Ethernet (optionally 802.1Q-tagged) / IPv4 or IPv6 / TCP frame
/// with valid checksums into `buf`.
fn frame_into(
    buf: &mut Vec<u8>,
    src: (IpAddr, u16),
    dst: (IpAddr, u16),
    t: Tcp,
    vlan: Option<u16>,
) {
    let l2 = if vlan.is_some() { 18 } else { 14 };
    let l3 = if src.0.is_ipv4() { 20 } else { 40 };
    buf.clear();
    buf.resize(l2 + l3 + 20 + t.len, 0);
    {
        let mut eth = MutableEthernetPacket::new(buf).expect("sized");
        eth.set_ethertype(match vlan {
            Some(_) => EtherTypes::Vlan,
            None if l3 == 20 => EtherTypes::Ipv4,
            None => EtherTypes::Ipv6,
        });
    }
    if let Some(id) = vlan {
        buf[14..16].copy_from_slice(&id.to_be_bytes());
        let ethertype = if l3 == 20 { 0x0800u16 } else { 0x86dd };
        buf[16..18].copy_from_slice(&ethertype.to_be_bytes());
    }
    match (src.0, dst.0) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut ip = MutableIpv4Packet::new(&mut buf[l2..]).expect("sized");
            ip.set_version(4);
            ip.set_header_length(5);
            ip.set_total_length((40 + t.len) as u16);
            ip.set_ttl(64);
            ip.set_flags(ipv4::Ipv4Flags::DontFragment);
            ip.set_next_level_protocol(IpNextHeaderProtocols::Tcp);
            ip.set_source(s);
            ip.set_destination(d);
            let sum = ipv4::checksum(&ip.to_immutable());
            ip.set_checksum(sum);
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let mut ip = MutableIpv6Packet::new(&mut buf[l2..]).expect("sized");
            ip.set_version(6);
            ip.set_payload_length((20 + t.len) as u16);
            ip.set_next_header(IpNextHeaderProtocols::Tcp);
            ip.set_hop_limit(64);
            ip.set_source(s);
            ip.set_destination(d);
        }
        _ => unreachable!("both ends of a connection have one IP version"),
    }
    let mut p = MutableTcpPacket::new(&mut buf[l2 + l3..]).expect("sized");
    p.set_source(src.1);
    p.set_destination(dst.1);
    p.set_sequence(t.seq);
    p.set_acknowledgement(t.ack);
    p.set_data_offset(5);
    p.set_flags(t.flags);
    p.set_window(65535);
    let sum = match (src.0, dst.0) {
        (IpAddr::V4(s), IpAddr::V4(d)) => tcp::ipv4_checksum(&p.to_immutable(), &s, &d),
        (IpAddr::V6(s), IpAddr::V6(d)) => tcp::ipv6_checksum(&p.to_immutable(), &s, &d),
        _ => unreachable!("both ends of a connection have one IP version"),
    };
    p.set_checksum(sum);
}

/// The ten segments of one connection, as (from_client, seq offset, ack offset, flags, len).
const SCRIPT: [(bool, u32, u32, u8, usize); 10] = [
    (true, 0, 0, SYN, 0),
    (false, 0, 1, SYN | ACK, 0),
    (true, 1, 1, ACK, 0),
    (true, 1, 1, PSH | ACK, 100),
    (false, 1, 101, PSH | ACK, 200),
    (true, 101, 201, ACK, 0),
    (true, 101, 201, FIN | ACK, 0),
    (false, 201, 102, ACK, 0),
    (false, 201, 102, FIN | ACK, 0),
    (true, 102, 202, ACK, 0),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (flags, positional): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| a.starts_with("--"));
    let mut shape = Shape::default();
    for f in &flags {
        match f.as_str() {
            "--random" => shape.random = true,
            "--ipv6" => shape.ipv6 = true,
            "--vlan" => shape.vlan = true,
            _ => return Err(format!("gencap: unknown flag {f}").into()),
        }
    }
    let mut args = positional.into_iter();
    let out = args
        .next()
        .ok_or("usage: gencap OUT.pcap [PACKETS] [CONCURRENT] [--random] [--ipv6] [--vlan]")?;
    let packets: u64 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let concurrent: u32 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(BufWriter::new(File::create(&out)?), header)?;
    let server = (Ipv4Addr::new(10, 1, 0, 1), 80);
    if concurrent == 0 {
        return one_connection(&mut w, server, packets);
    }
    if shape.random {
        return random_shape(&mut w, packets, concurrent as usize, shape, &out);
    }
    let mut written = 0u64;
    let mut ts = Duration::from_secs(1_700_000_000);
    let mut round = 0u32;
    // Rounds of `concurrent` connections, their segments interleaved:
    // segment k of every connection, then segment k+1 ...
    while written < packets {
        for (from_client, so, ao, flags, len) in SCRIPT {
            for c in 0..concurrent {
                if written >= packets {
                    break;
                }
                let id = round * concurrent + c;
                let client = (
                    Ipv4Addr::new(10, 2, (id >> 16) as u8, (id >> 8) as u8),
                    1024 + (id % 60000) as u16,
                );
                let (cisn, sisn) = (id.wrapping_mul(7919), id.wrapping_mul(104729));
                let (src, dst, seq, ack) = if from_client {
                    (client, server, cisn.wrapping_add(so), sisn.wrapping_add(ao))
                } else {
                    (server, client, sisn.wrapping_add(so), cisn.wrapping_add(ao))
                };
                let ack = if flags & ACK != 0 { ack } else { 0 };
                let data = frame(src, dst, seq, ack, flags, len);
                ts += Duration::from_micros(3);
                w.write_packet(&PcapPacket::new(ts, data.len() as u32, &data)?)?;
                written += 1;
            }
        }
        round += 1;
    }
    eprintln!("wrote {written} packets in {round} rounds of {concurrent} connections to {out}");
    Ok(())
}

/// One long connection: handshake, `packets - 7` data segments from the
/// client acked by the server every other segment, then the teardown.
fn one_connection<W: std::io::Write>(
    w: &mut PcapWriter<W>,
    server: (Ipv4Addr, u16),
    packets: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = (Ipv4Addr::new(10, 2, 0, 1), 40000);
    let (c0, s0) = (1_000u32, 5_000u32);
    let mut ts = Duration::from_secs(1_700_000_000);
    let mut put = |from_client: bool, seq: u32, ack: u32, flags: u8, len: usize| {
        let (src, dst) = if from_client {
            (client, server)
        } else {
            (server, client)
        };
        let data = frame(src, dst, seq, ack, flags, len);
        ts += Duration::from_micros(3);
        w.write_packet(&PcapPacket::new(ts, data.len() as u32, &data)?)
            .map(|_| ())
            .map_err(Box::<dyn std::error::Error>::from)
    };
    put(true, c0, 0, SYN, 0)?;
    put(false, s0, c0 + 1, SYN | ACK, 0)?;
    put(true, c0 + 1, s0 + 1, ACK, 0)?;
    let mut seq = c0 + 1;
    let data = packets.saturating_sub(7);
    for i in 0..data {
        if i % 2 == 0 {
            put(true, seq, s0 + 1, PSH | ACK, 100)?;
            seq = seq.wrapping_add(100);
        } else {
            put(false, s0 + 1, seq, ACK, 0)?;
        }
    }
    put(true, seq, s0 + 1, FIN | ACK, 0)?;
    put(false, s0 + 1, seq + 1, ACK, 0)?;
    put(false, s0 + 1, seq + 1, FIN | ACK, 0)?;
    put(true, seq + 1, s0 + 2, ACK, 0)?;
    eprintln!("wrote one connection of {} packets", data + 7);
    Ok(())
}

/// Options of the `--random` shape.
#[derive(Clone, Copy, Default)]
struct Shape {
    random: bool,
    /// Every fourth connection over IPv6.
    ipv6: bool,
    /// Every third connection in an 802.1Q tag.
    vlan: bool,
}

/// One live connection of the random shape and the segments it has left.
struct Live {
    client: (IpAddr, u16),
    server: (IpAddr, u16),
    vlan: Option<u16>,
    /// (from_client, TCP fields), last first.
    script: Vec<(bool, Tcp)>,
}

/// The script of one random-shape connection: handshake, one to three
/// exchanges of a 200- or 800-byte segment (either way, acked), then a FIN
/// teardown, or (one in 30) a RST. About one data segment in 50 is sent
/// twice (a retransmission).
fn random_script(rng: &mut fastrand::Rng) -> Vec<(bool, Tcp)> {
    let (mut c, mut s) = (rng.u32(..), rng.u32(..));
    let seg = |seq, ack, flags, len| Tcp {
        seq,
        ack,
        flags,
        len,
    };
    let mut v = vec![
        (true, seg(c, 0, SYN, 0)),
        (false, seg(s, c.wrapping_add(1), SYN | ACK, 0)),
    ];
    c = c.wrapping_add(1);
    s = s.wrapping_add(1);
    v.push((true, seg(c, s, ACK, 0)));
    for _ in 0..rng.u32(1..=3) {
        let len = if rng.bool() { 200 } else { 800 };
        let from_client = rng.u8(..3) != 0;
        let (me, peer) = if from_client {
            (&mut c, &mut s)
        } else {
            (&mut s, &mut c)
        };
        let data = seg(*me, *peer, PSH | ACK, len);
        v.push((from_client, data));
        if rng.u8(..50) == 0 {
            v.push((from_client, data));
        }
        *me = me.wrapping_add(len as u32);
        v.push((!from_client, seg(*peer, *me, ACK, 0)));
    }
    if rng.u8(..30) == 0 {
        v.push((false, seg(s, c, RST | ACK, 0)));
    } else {
        v.push((true, seg(c, s, FIN | ACK, 0)));
        v.push((false, seg(s, c.wrapping_add(1), ACK, 0)));
        v.push((false, seg(s, c.wrapping_add(1), FIN | ACK, 0)));
        v.push((true, seg(c.wrapping_add(1), s.wrapping_add(1), ACK, 0)));
    }
    v.reverse();
    v
}

/// The random shape: `concurrent` live connections, each packet from a
/// randomly chosen one; a finished connection is replaced by a new one.
fn random_shape<W: std::io::Write>(
    w: &mut PcapWriter<W>,
    packets: u64,
    concurrent: usize,
    shape: Shape,
    out: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = fastrand::Rng::with_seed(0x5eed_cafe);
    let mut next_id = 0u32;
    let mut new_conn = |rng: &mut fastrand::Rng| {
        let id = next_id;
        next_id += 1;
        let port = 1024 + (id % 60_000) as u16;
        let hi = id / 60_000;
        let (client, server) = if shape.ipv6 && id % 4 == 3 {
            let c = Ipv6Addr::new(0xfd00, 2, 0, 0, 0, 0, (hi >> 16) as u16, hi as u16);
            let s = Ipv6Addr::new(0xfd00, 1, 0, 0, 0, 0, 0, 1);
            (IpAddr::V6(c), IpAddr::V6(s))
        } else {
            let c = Ipv4Addr::new(10, 2, (hi >> 8) as u8, hi as u8);
            (IpAddr::V4(c), IpAddr::V4(Ipv4Addr::new(10, 1, 0, 1)))
        };
        let server_port = if id.is_multiple_of(2) { 443 } else { 80 };
        Live {
            client: (client, port),
            server: (server, server_port),
            vlan: (shape.vlan && id.is_multiple_of(3)).then_some(100 + (id % 7) as u16),
            script: random_script(rng),
        }
    };
    let mut live: Vec<Live> = (0..concurrent).map(|_| new_conn(&mut rng)).collect();
    let mut ts = Duration::from_secs(1_700_000_000);
    let mut buf = Vec::with_capacity(2048);
    for _ in 0..packets {
        let i = rng.usize(..live.len());
        let conn = &mut live[i];
        let (from_client, t) = conn.script.pop().expect("scripts are never empty");
        let (src, dst) = if from_client {
            (conn.client, conn.server)
        } else {
            (conn.server, conn.client)
        };
        frame_into(&mut buf, src, dst, t, conn.vlan);
        ts += Duration::from_micros(rng.u64(1..20));
        w.write_packet(&PcapPacket::new(ts, buf.len() as u32, &buf)?)?;
        if conn.script.is_empty() {
            live[i] = new_conn(&mut rng);
        }
    }
    eprintln!(
        "wrote {packets} packets of about {next_id} connections ({concurrent} live at once, random order) to {out}"
    );
    Ok(())
}
