#!/usr/bin/env python3
"""A second capture generator for benchmarks, written apart from
examples/gencap.rs so that synack is not only measured on the shape its own
generator makes (plain Python, classic pcap, Ethernet/IPv4/TCP).

  genpcap.py issue OUT [CONNS] [SEED]  # CONNS (100,000) connections, random ISNs,
                                       # packets from a random one of 64-200 live
                                       # connections, 200/800-byte payloads, 3% RSTs
  genpcap.py syn   OUT [N]             # N (1,000,000) SYNs to distinct ports, unanswered
  genpcap.py seg   OUT [N]             # one connection of N (10,000,000) one-byte
                                       # segments, then the FIN teardown
  genpcap.py zeros OUT [BYTES]         # a pcap header, then BYTES (2 GB) of zeros
"""
import random
import struct
import sys

def header(out):
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))


def csum(b):
    s = sum(struct.unpack("!10H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


PAY = {}


def frame(out, ts_us, src, dst, sport, dport, seq, ack, flags, plen, win=502):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, win, 0, 0)
    tot = 20 + 20 + plen
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, 0, 0x4000, 64, 6, 0, src, dst))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    pay = PAY.get(plen)
    if pay is None:
        pay = PAY[plen] = bytes((i * 7) & 0xFF for i in range(plen))
    eth = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
    body = eth + bytes(ip) + tcp + pay
    out.write(struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, len(body), len(body)))
    out.write(body)


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def conn_script(rng):
    """Packets of one connection as (from_client, flags, payload_len)."""
    pk = [(True, SYN, 0), (False, SYN | ACK, 0), (True, ACK, 0)]
    n = rng.randint(1, 4)
    for _ in range(n):
        c = rng.random() < 0.5
        pk.append((c, PSH | ACK, rng.choice((200, 800))))
        pk.append((not c, ACK, 0))
    if rng.random() < 0.03:
        pk.append((rng.random() < 0.5, RST | ACK, 0))
        return pk
    first = rng.random() < 0.7  # who closes first
    pk += [(first, FIN | ACK, 0), (not first, ACK, 0), (not first, FIN | ACK, 0), (first, ACK, 0)]
    return pk


def issue(path, conns=100000, seed=11):
    rng = random.Random(seed)
    with open(path, "wb", buffering=1 << 20) as out:
        header(out)
        live = []
        started = 0
        target = 100
        ts = 1_700_000_000_000_000
        packets = 0
        while started < conns or live:
            if rng.random() < 0.001:
                target = rng.randint(64, 200)
            while started < conns and len(live) < target:
                cip = bytes([10, rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)])
                sip = bytes([172, 16, rng.randint(0, 255), rng.randint(1, 254)])
                live.append({
                    "c": (cip, rng.randint(1024, 65535)), "s": (sip, rng.choice((80, 443, 8080, 5432))),
                    "isn": [rng.getrandbits(32), rng.getrandbits(32)], "sent": [0, 0],
                    "script": conn_script(rng), "i": 0,
                })
                started += 1
            k = rng.randrange(len(live))
            c = live[k]
            fc, flags, plen = c["script"][c["i"]]
            c["i"] += 1
            x, y = (0, 1) if fc else (1, 0)
            a, b = (c["c"], c["s"]) if fc else (c["s"], c["c"])
            seq = c["isn"][x] + c["sent"][x]
            ack = c["isn"][y] + c["sent"][y] if flags & ACK else 0
            ts += rng.randint(1, 200)
            frame(out, ts, a[0], b[0], a[1], b[1], seq, ack, flags, plen)
            packets += 1
            c["sent"][x] += plen + (1 if flags & (SYN | FIN) else 0)
            if c["i"] == len(c["script"]):
                live[k] = live[-1]
                live.pop()
    print(f"{path}: {packets} packets, {conns} connections")


def syn(path, n=1000000):
    rng = random.Random(7)
    with open(path, "wb", buffering=1 << 20) as out:
        header(out)
        ts = 1_700_000_000_000_000
        src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        for i in range(n):
            # distinct (sport, dport) pairs: sport cycles, dport advances
            sport = 1024 + i % 60000
            dport = 1 + i // 60000
            ts += 3
            frame(out, ts, src, dst, sport, dport, rng.getrandbits(32), 0, SYN, 0)
    print(f"{path}: {n} SYNs")


def seg(path, n=10000000):
    with open(path, "wb", buffering=1 << 22) as out:
        header(out)
        ts = 1_700_000_000_000_000
        c, s = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        cp, sp = 40000, 5000
        ci, si = 123456789, 987654321
        frame(out, ts, c, s, cp, sp, ci, 0, SYN, 0)
        frame(out, ts + 10, s, c, sp, cp, si, ci + 1, SYN | ACK, 0)
        frame(out, ts + 20, c, s, cp, sp, ci + 1, si + 1, ACK, 0)
        t = ts + 20
        for i in range(n):
            t += 1
            frame(out, t, c, s, cp, sp, ci + 1 + i, si + 1, PSH | ACK, 1)
        e = ci + 1 + n
        frame(out, t + 1, s, c, sp, cp, si + 1, e, ACK, 0)
        frame(out, t + 2, c, s, cp, sp, e, si + 1, FIN | ACK, 0)
        frame(out, t + 3, s, c, sp, cp, si + 1, e + 1, ACK, 0)
        frame(out, t + 4, s, c, sp, cp, si + 1, e + 1, FIN | ACK, 0)
        frame(out, t + 5, c, s, cp, sp, e + 1, si + 2, ACK, 0)
    print(f"{path}: one connection, {n} one-byte segments")


def zeros(path, n=2_000_000_000):
    with open(path, "wb") as out:
        header(out)
        block = bytes(1 << 20)
        for _ in range(n >> 20):
            out.write(block)
        out.write(bytes(n & ((1 << 20) - 1)))
    print(f"{path}: a pcap header and {n} bytes of zeros")


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    rest = [int(a) for a in sys.argv[3:]]
    {"issue": issue, "syn": syn, "seg": seg, "zeros": zeros}[kind](out, *rest)
