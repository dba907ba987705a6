#!/usr/bin/env python3
"""A capture that makes `--print`/`--json` spool: connection 0 stays open
from the first packet to the last (one-byte segments, answered), while
CONNS short connections (bench/genpcap.py's script) open and close beside
it. Every short connection is finished long before connection 0, so its
text must wait (in memory up to a limit, then in a temporary file).

  genlong.py OUT [CONNS] [LONG_EVERY] [SEED]
      CONNS (200,000) short connections; a segment of connection 0 after
      every LONG_EVERY (4) packets of the others.
"""
import random
import sys

from genpcap import ACK, FIN, PSH, SYN, conn_script, frame, header


def longfirst(path, conns=200000, every=4, seed=5):
    rng = random.Random(seed)
    with open(path, "wb", buffering=1 << 20) as out:
        header(out)
        ts = 1_700_000_000_000_000
        c, s = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
        cp, sp, ci, si = 40000, 5000, 123456789, 987654321
        frame(out, ts, c, s, cp, sp, ci, 0, SYN, 0)
        frame(out, ts + 1, s, c, sp, cp, si, ci + 1, SYN | ACK, 0)
        frame(out, ts + 2, c, s, cp, sp, ci + 1, si + 1, ACK, 0)
        ts += 3
        sent, packets, n = 0, 3, 0
        for k in range(conns):
            cip = bytes([10, 1 + (k >> 16) % 250, (k >> 8) & 255, 1 + k % 250])
            sip = bytes([172, 16, 0, 1])
            cport = 1024 + k % 60000
            isn = [rng.getrandbits(32), rng.getrandbits(32)]
            done = [0, 0]
            for fc, flags, plen in conn_script(rng):
                x, y = (0, 1) if fc else (1, 0)
                a, b = ((cip, cport), (sip, 80)) if fc else ((sip, 80), (cip, cport))
                seq = isn[x] + done[x]
                ack = isn[y] + done[y] if flags & ACK else 0
                ts += 1
                frame(out, ts, a[0], b[0], a[1], b[1], seq, ack, flags, plen)
                done[x] += plen + (1 if flags & (SYN | FIN) else 0)
                packets += 1
                n += 1
                if n % every == 0:
                    # connection 0: a byte from the client, then the ACK
                    ts += 1
                    frame(out, ts, c, s, cp, sp, ci + 1 + sent, si + 1, PSH | ACK, 1)
                    sent += 1
                    ts += 1
                    frame(out, ts, s, c, sp, cp, si + 1, ci + 1 + sent, ACK, 0)
                    packets += 2
        e = ci + 1 + sent
        frame(out, ts + 1, c, s, cp, sp, e, si + 1, FIN | ACK, 0)
        frame(out, ts + 2, s, c, sp, cp, si + 1, e + 1, FIN | ACK, 0)
        frame(out, ts + 3, c, s, cp, sp, e + 1, si + 2, ACK, 0)
        packets += 3
    print(f"{path}: {packets} packets, connection 0 open throughout, {conns} short ones beside it")


if __name__ == "__main__":
    out = sys.argv[1]
    rest = [int(a) for a in sys.argv[2:]]
    longfirst(out, *rest)
