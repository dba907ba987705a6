//! Writes a large synthetic capture for benchmarks: many interleaved TCP
//! connections on Ethernet/IPv4, each a full handshake, data both ways and
//! a FIN teardown.
//!
//! `cargo run --release --example gencap -- OUT.pcap [PACKETS] [CONNECTIONS_AT_ONCE]`
//!
//! With `CONNECTIONS_AT_ONCE` = 0 it writes ONE connection of `PACKETS`
//! segments instead (handshake, data, teardown), for the UI benchmark.

use std::fs::File;
use std::io::BufWriter;
use std::net::Ipv4Addr;
use std::time::Duration;

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pnet::packet::ethernet::{EtherTypes, MutableEthernetPacket};
use pnet::packet::ip::IpNextHeaderProtocols;
use pnet::packet::ipv4::{self, MutableIpv4Packet};
use pnet::packet::tcp::{self, MutableTcpPacket, TcpFlags};

const SYN: u8 = TcpFlags::SYN;
const ACK: u8 = TcpFlags::ACK;
const FIN: u8 = TcpFlags::FIN;
const PSH: u8 = TcpFlags::PSH;

/// Builds one Ethernet/IPv4/TCP frame with valid checksums.
fn frame(
    src: (Ipv4Addr, u16),
    dst: (Ipv4Addr, u16),
    seq: u32,
    ack: u32,
    flags: u8,
    len: usize,
) -> Vec<u8> {
    let mut buf = vec![0u8; 14 + 20 + 20 + len];
    {
        let mut eth = MutableEthernetPacket::new(&mut buf).expect("sized");
        eth.set_ethertype(EtherTypes::Ipv4);
    }
    {
        let mut ip = MutableIpv4Packet::new(&mut buf[14..]).expect("sized");
        ip.set_version(4);
        ip.set_header_length(5);
        ip.set_total_length((40 + len) as u16);
        ip.set_ttl(64);
        ip.set_flags(ipv4::Ipv4Flags::DontFragment);
        ip.set_next_level_protocol(IpNextHeaderProtocols::Tcp);
        ip.set_source(src.0);
        ip.set_destination(dst.0);
        let sum = ipv4::checksum(&ip.to_immutable());
        ip.set_checksum(sum);
    }
    {
        let mut t = MutableTcpPacket::new(&mut buf[34..]).expect("sized");
        t.set_source(src.1);
        t.set_destination(dst.1);
        t.set_sequence(seq);
        t.set_acknowledgement(ack);
        t.set_data_offset(5);
        t.set_flags(flags);
        t.set_window(65535);
        let sum = tcp::ipv4_checksum(&t.to_immutable(), &src.0, &dst.0);
        t.set_checksum(sum);
    }
    buf
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
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .ok_or("usage: gencap OUT.pcap [PACKETS] [CONCURRENT]")?;
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
