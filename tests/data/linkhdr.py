#!/usr/bin/env python3
"""Prints the frames of an Ethernet pcap as text2pcap input, each with its
Ethernet header replaced by the header of another link type, and with its
timestamp (UTC, microseconds), so that

  python3 linkhdr.py IN.pcap KIND | TZ=UTC text2pcap -q -l LINKTYPE \
      -t '%Y-%m-%d %H:%M:%S.' - OUT.pcap

writes the same packets as that link type (text2pcap sets the link type and
timestamps; this script only says which bytes go before the IP packet).

KIND: ppp (9), ppp-hdlc (50), chdlc (104), wlan (105), radiotap (127),
arcnet (129), juniper (178), ipoib (242).
"""
import datetime
import struct
import sys

from pcaptool import read_pcap

MAC3 = bytes.fromhex("020000000001" "020000000002" "020000000003")
SNAP = bytes.fromhex("aaaa03000000")


def header(kind, eth):
    """Bytes before the IP packet for a frame whose Ethernet header is eth."""
    ethertype = eth[12:14]
    v6 = ethertype == b"\x86\xdd"
    if kind in ("ppp", "ppp-hdlc"):
        # HDLC-like address and control, then the PPP protocol number.
        return b"\xff\x03" + (b"\x00\x57" if v6 else b"\x00\x21")
    if kind == "chdlc":
        return b"\x0f\x00" + ethertype
    if kind == "wlan":
        # Data frame from the DS: frame control, duration, 3 addresses,
        # sequence control; then LLC/SNAP.
        return b"\x08\x02\x00\x00" + MAC3 + b"\x10\x00" + SNAP + ethertype
    if kind == "radiotap":
        # An 8-byte radiotap header with no fields, then a QoS data frame
        # to the DS (2 bytes of QoS control).
        rt = b"\x00\x00\x08\x00\x00\x00\x00\x00"
        return rt + b"\x88\x01\x00\x00" + MAC3 + b"\x10\x00" + b"\x00\x00" + SNAP + ethertype
    if kind == "arcnet":
        # Source, destination, offset, protocol id (0xd4 IPv4 / 0xc4 IPv6,
        # RFC 1201), split flag 0, sequence number.
        return b"\x01\x02\x00\x00" + (b"\xc4" if v6 else b"\xd4") + b"\x00\x00\x01"
    if kind == "juniper":
        # Magic "MGC", flags (0x01: inbound, layer 2 present), then the
        # whole Ethernet header.
        return b"MGC\x01" + eth
    if kind == "ipoib":
        # libpcap's 40-byte pseudo header (zeros: unicast, no GRH), then
        # the EtherType and 2 reserved bytes.
        return b"\x00" * 40 + ethertype + b"\x00\x00"
    raise SystemExit(f"unknown kind {kind}")


def main():
    hdr, pkts = read_pcap(sys.argv[1])
    kind = sys.argv[2]
    assert hdr[6] == 1, "expects Ethernet"
    nano = hdr[0] == 0xA1B23C4D
    for sec, frac, _orig, d in pkts:
        frame = header(kind, d[:14]) + d[14:]
        usec = frac // 1000 if nano else frac
        t = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
        print(t.strftime("%Y-%m-%d %H:%M:%S.") + f"{usec:06d}")
        for at in range(0, len(frame), 16):
            chunk = frame[at:at + 16]
            print(f"{at:06x} " + " ".join(f"{b:02x}" for b in chunk))
        print()


if __name__ == "__main__":
    main()
