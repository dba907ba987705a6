"""Prints, as a hex dump for text2pcap (LINKTYPE_RAW), one TCP connection
10.0.0.1:40000 -> 10.0.0.2:80 (handshake, data, FIN/FIN/ACK) in which the
data segments carry the data offsets given on the command line (in 32-bit
words; 5 is a plain header): 3 is below the 20-byte minimum, 15 runs past
the end of the packet.

  python3 bad-offset.py 3 15 | text2pcap -q -F pcap -l 101 - bad-offset.pcap
"""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def ip4(src, dst, payload, ident):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, 6, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack(">H", csum(h)) + h[12:] + payload


def tcp(sport, dport, seq, ack, flags, payload=b"", off=5):
    return struct.pack(">HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 65535, 0, 0) + payload


C, S = [10, 0, 0, 1], [10, 0, 0, 2]
offsets = [int(x) for x in sys.argv[1:]] or [3]
pkts = [
    ip4(C, S, tcp(40000, 80, 1000, 0, 0x02), 1),
    ip4(S, C, tcp(80, 40000, 5000, 1001, 0x12), 2),
    ip4(C, S, tcp(40000, 80, 1001, 5001, 0x10), 3),
]
seq = 1001
for i, off in enumerate(offsets):
    pkts.append(ip4(C, S, tcp(40000, 80, seq, 5001, 0x18, b"hello\n", off=off), 4 + i))
    seq += 6
pkts.append(ip4(C, S, tcp(40000, 80, seq, 5001, 0x11), 20))
pkts.append(ip4(S, C, tcp(80, 40000, 5001, seq + 1, 0x11), 21))
pkts.append(ip4(C, S, tcp(40000, 80, seq + 1, 5002, 0x10), 22))
for p in pkts:
    for i in range(0, len(p), 16):
        print("%06x %s" % (i, " ".join("%02x" % b for b in p[i:i + 16])))
