"""Prints, as a hex dump for text2pcap, a TCP handshake + one data segment
between 2001:db8::1 and 2001:db8::2 whose IPv6 packets each carry a chain of
N destination-options extension headers (N from argv, default 16).

  python3 ext-chain.py 16 | text2pcap -l 229 - ipv6-ext16.pcap
"""
import struct
import sys

A = b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x01"
B = b"\x20\x01\x0d\xb8" + b"\0" * 11 + b"\x02"


def tcp(sport, dport, seq, ack, flags, payload=b""):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload


def packet(src, dst, n, seg):
    chain = b"".join(bytes([6 if i + 1 == n else 60, 0, 1, 4, 0, 0, 0, 0]) for i in range(n))
    body = chain + seg
    return struct.pack(">IHBB", 0x60000000, len(body), 60, 64) + src + dst + body


n = int(sys.argv[1]) if len(sys.argv) > 1 else 16
for p in [
    packet(A, B, n, tcp(40000, 80, 1000, 0, 0x02)),
    packet(B, A, n, tcp(80, 40000, 5000, 1001, 0x12)),
    packet(A, B, n, tcp(40000, 80, 1001, 5001, 0x10)),
    packet(A, B, n, tcp(40000, 80, 1001, 5001, 0x18, b"hello\n")),
]:
    for i in range(0, len(p), 16):
        print("%06x %s" % (i, " ".join("%02x" % b for b in p[i : i + 16])))
