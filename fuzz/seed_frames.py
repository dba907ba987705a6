"""Writes every Ethernet frame of the repository's classic pcap captures
(captures/*.pcap, tests/data/*.pcap) as one file each into
fuzz/corpus/live_frame/: the seed corpus of the live_frame target.

  python3 fuzz/seed_frames.py
"""
import glob
import os
import struct

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = os.path.join(root, "fuzz", "corpus", "live_frame")
os.makedirs(out, exist_ok=True)
n = 0
for path in sorted(glob.glob(os.path.join(root, "captures", "*.pcap"))
                   + glob.glob(os.path.join(root, "tests", "data", "*.pcap"))):
    data = open(path, "rb").read()
    if len(data) < 24:
        continue
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        continue
    if struct.unpack(end + "I", data[20:24])[0] & 0xFFFF != 1:
        continue  # Ethernet only, as the live socket on lo delivers
    at = 24
    while at + 16 <= len(data):
        incl = struct.unpack(end + "I", data[at + 8:at + 12])[0]
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        with open(os.path.join(out, "%05d" % n), "wb") as f:
            f.write(frame)
        n += 1
print("wrote %d frames to %s" % (n, out))
