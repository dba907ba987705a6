#!/usr/bin/env python3
"""Wraps the real TCP packets of lo-ipv4.pcap / lo-ipv6.pcap in the
encapsulations this machine's kernel has no device for (GRE, ERSPAN, WCCP,
Geneve, GTP-U, IPIP, 6in4, 4in6, PPPoE, MPLS, 802.1BR E-tag, VXLAN nested
in GRE), and fragments them over IPv6 or with overlaps, with scapy.
Timestamps and the inner packets are the captured ones.

usage: encap.py   (writes the files in the current directory)
"""
import struct

from scapy.all import (IP, PPP, UDP, Ether, IPv6, IPv6ExtHdrFragment, PPPoE,
                       Raw, fragment6, rdpcap, wrpcap)
from scapy.contrib.geneve import GENEVE
from scapy.contrib.gtp import GTP_U_Header
from scapy.contrib.mpls import MPLS
from scapy.layers.l2 import GRE
from scapy.layers.vxlan import VXLAN

V4 = rdpcap("lo-ipv4.pcap")
V6 = rdpcap("lo-ipv6.pcap")
MACS = dict(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


CLIENT = {"port": 0}


def client_to_server(ip):
    """Sent by the client: from the source port of the capture's SYN."""
    return ip.payload.sport == CLIENT["port"]


def outer4(ip):
    a, b = "192.0.2.1", "192.0.2.2"
    return IP(src=a, dst=b) if client_to_server(ip) else IP(src=b, dst=a)


def outer6(ip):
    a, b = "2001:db8::1", "2001:db8::2"
    return IPv6(src=a, dst=b) if client_to_server(ip) else IPv6(src=b, dst=a)


def write(name, base, wrap):
    out = []
    CLIENT["port"] = base[0][Ether].payload.payload.sport
    for n, pkt in enumerate(base):
        inner = pkt[Ether].payload
        new = wrap(inner, n)
        for p in new if isinstance(new, list) else [new]:
            p.time = pkt.time
            out.append(p)
    wrpcap(name, out)


def gre(inner, n):
    return Ether(**MACS) / outer4(inner) / GRE(key_present=1, key=5, seqnum_present=1, seqence_number=n) / inner


def erspan2(inner, n):
    # ERSPAN type II header: version 1, VLAN 0, COS/En/T, session id 12;
    # reserved and index.
    hdr = struct.pack(">HHI", 0x1000, 12, 0)
    frame = Ether(**MACS) / inner
    return Ether(**MACS) / outer4(inner) / GRE(proto=0x88BE, seqnum_present=1, seqence_number=n) / Raw(hdr) / frame


def erspan1(inner, n):
    return Ether(**MACS) / outer4(inner) / GRE(proto=0x88BE) / Ether(**MACS) / inner


def wccp(inner, n):
    # WCCP redirect header (4 bytes: type, dynamic service, service id,
    # alternate bucket, primary bucket), then the IPv4 packet.
    return Ether(**MACS) / outer4(inner) / GRE(proto=0x883E) / Raw(b"\x00\x00\x00\x00") / inner


def geneve(inner, n):
    return Ether(**MACS) / outer4(inner) / UDP(sport=40000 + n, dport=6081) / GENEVE(vni=7, proto=0x6558) / Ether(**MACS) / inner


def gtpu(inner, n):
    return Ether(**MACS) / outer4(inner) / UDP(sport=2152, dport=2152) / GTP_U_Header(teid=0x1234, gtp_type=255) / inner


def ipip(inner, n):
    return Ether(**MACS) / outer4(inner) / inner


def sit(inner, n):
    return Ether(**MACS) / outer4(inner) / inner


def ip4in6(inner, n):
    return Ether(**MACS) / outer6(inner) / inner


def pppoe(inner, n):
    ppp = 0x0021 if inner.version == 4 else 0x0057
    return Ether(**MACS, type=0x8864) / PPPoE(sessionid=0x11) / PPP(proto=ppp) / inner


def mpls(inner, n):
    return Ether(**MACS, type=0x8847) / MPLS(label=16, s=0, ttl=64) / MPLS(label=17, s=1, ttl=64) / inner


def etag(inner, n):
    # 802.1BR E-tag: TPID 0x893f and 6 bytes of E-TCI (E-CID 5), then the
    # EtherType.
    etype = 0x0800 if inner.version == 4 else 0x86DD
    head = Ether(**MACS, type=0x893F)
    return head / Raw(bytes.fromhex("000000050000") + struct.pack(">H", etype)) / inner


def nested(inner, n):
    # VXLAN (VNI 42) whose outer UDP/IP travels in GRE (key 9).
    vx = IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=50000, dport=4789) / VXLAN(vni=42) / Ether(**MACS) / inner
    return Ether(**MACS) / outer4(inner) / GRE(key_present=1, key=9) / vx


def frag6(inner, n):
    # Segments with data: three fragments each (8-byte multiples); the
    # others whole.
    if len(inner.payload.payload) == 0:
        return Ether(**MACS) / inner
    pkt = IPv6(src=inner.src, dst=inner.dst, hlim=inner.hlim) / IPv6ExtHdrFragment(id=0x100 + n) / inner.payload
    return [Ether(**MACS) / f for f in fragment6(pkt, 80)]


def frag_overlap(inner, n):
    """IPv4: the client's "hello" segment arrives as fragments whose second
    half overlaps the first (Linux discards the datagram); the server's
    "world" as fragments with one exact duplicate (dropped, the datagram
    kept)."""
    data = bytes(inner.payload)
    if len(inner.payload.payload) == 0:
        return Ether(**MACS) / inner
    base = dict(src=inner.src, dst=inner.dst, id=0x200 + n, proto=6, ttl=64)
    if client_to_server(inner):
        parts = [(0, data[:16], 1), (8, data[8:], 0)]  # overlap at 8..16
    else:
        parts = [(0, data[:16], 1), (0, data[:16], 1), (16, data[16:], 0)]
    return [Ether(**MACS) / IP(frag=off // 8, flags=mf, **base) / Raw(chunk) for off, chunk, mf in parts]


write("gre.pcap", V4, gre)
write("erspan2.pcap", V4, erspan2)
write("erspan1.pcap", V6, erspan1)
write("wccp.pcap", V4, wccp)
write("geneve.pcap", V4, geneve)
write("gtpu.pcap", V6, gtpu)
write("ipip.pcap", V4, ipip)
write("sit.pcap", V6, sit)
write("ip4in6.pcap", V4, ip4in6)
write("pppoe.pcap", V4, pppoe)
write("mpls.pcap", V6, mpls)
write("etag.pcap", V4, etag)
write("nested.pcap", V4, nested)
write("frag6.pcap", V6, frag6)
write("frag-overlap.pcap", V4, frag_overlap)
