#!/usr/bin/env python3
"""Rewrites capture files into shapes no installed tool writes.

usage:
  pcaptool.py swap IN.pcap OUT.pcap           big-endian copy of a little-endian pcap
  pcaptool.py relink IN.pcap OUT.pcap null|loop  strip Ethernet, add a BSD loopback header
  pcaptool.py vlan IN.pcap OUT.pcap TPID:VID[,TPID:VID]  insert VLAN tags after the MACs
  pcaptool.py tsresol IN.pcap OUT.pcapng RESOL OFFSET
        pcapng with one interface whose if_tsresol byte is RESOL (e.g. 0x94
        = 2^-20 s) and whose if_tsoffset is OFFSET seconds
"""
import struct
import sys


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), "expects a little-endian pcap"
    hdr = struct.unpack("<IHHiIII", data[:24])
    pkts, at = [], 24
    while at + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack("<IIII", data[at:at + 16])
        pkts.append((sec, frac, orig, data[at + 16:at + 16 + incl]))
        at += 16 + incl
    return hdr, pkts


def swap(src, dst):
    hdr, pkts = read_pcap(src)
    out = [struct.pack(">IHHiIII", *hdr)]
    for sec, frac, orig, d in pkts:
        out.append(struct.pack(">IIII", sec, frac, len(d), orig) + d)
    open(dst, "wb").write(b"".join(out))


def relink(src, dst, kind):
    hdr, pkts = read_pcap(src)
    assert hdr[6] == 1, "expects Ethernet"
    link = 0 if kind == "null" else 108
    out = [struct.pack("<IHHiIII", *hdr[:6], link)]
    for sec, frac, orig, d in pkts:
        ethertype = struct.unpack(">H", d[12:14])[0]
        af = 2 if ethertype == 0x0800 else (24 if kind == "null" else 30)
        # NULL is host order (little-endian here); LOOP is network order.
        head = struct.pack("<I" if kind == "null" else ">I", af)
        body = head + d[14:]
        out.append(struct.pack("<IIII", sec, frac, len(body), orig - 14 + 4) + body)
    open(dst, "wb").write(b"".join(out))


def vlan(src, dst, tags):
    hdr, pkts = read_pcap(src)
    assert hdr[6] == 1, "expects Ethernet"
    tag = b"".join(struct.pack(">HH", int(t, 0), int(v, 0)) for t, v in
                   (x.split(":") for x in tags.split(",")))
    out = [struct.pack("<IHHiIII", *hdr)]
    for sec, frac, orig, d in pkts:
        body = d[:12] + tag + d[12:]
        out.append(struct.pack("<IIII", sec, frac, len(body), orig + len(tag)) + body)
    open(dst, "wb").write(b"".join(out))


def block(kind, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


def tsresol(src, dst, resol, offset):
    hdr, pkts = read_pcap(src)
    nano = hdr[0] == 0xA1B23C4D
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    opts = struct.pack("<HHB3x", 9, 1, resol) + struct.pack("<HHq", 14, 8, offset) + b"\0" * 4
    idb = block(1, struct.pack("<HHI", hdr[6], 0, 0) + opts)
    out = [shb, idb]
    for sec, frac, orig, d in pkts:
        ns = (sec - offset) * 10**9 + (frac if nano else frac * 1000)
        if resol & 0x80:
            ticks = (ns << (resol & 0x7F)) // 10**9
        elif resol <= 9:
            ticks = ns // 10 ** (9 - resol)
        else:
            ticks = ns * 10 ** (resol - 9)
        body = struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(d), orig) + d
        out.append(block(6, body))
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "swap":
        swap(sys.argv[2], sys.argv[3])
    elif cmd == "relink":
        relink(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "vlan":
        vlan(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "tsresol":
        tsresol(sys.argv[2], sys.argv[3], int(sys.argv[4], 0), int(sys.argv[5]))
