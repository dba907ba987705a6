#!/usr/bin/env python3
"""Convert the text of a tracefs `trace` file with sock:inet_sock_set_state events into
the X.kernel.tsv format used by the synack fixtures.

usage: trace2tsv.py TRACE_FILE PORT > X.kernel.tsv

Columns: time_s (trace clock "mono", seconds), side (client|server, decided by the local
address: client is 10.99.0.1 / fd00:99::1), local, remote (ip:port, IPv6 as [addr]:port),
oldstate, newstate (kernel names without TCP_), kind (listener if the remote port is 0,
else conn), epoch_s (time_s shifted to wall-clock time using the
"synack-caps realtime=..." trace_marker line; comparable to pcap timestamps to ~0.1 ms).
"""
import re, sys

CLIENT = {"10.99.0.1", "fd00:99::1"}
SERVER = {"10.99.0.2", "fd00:99::2"}
LINE = re.compile(r"\s(\d+\.\d+):\s+(\w+):\s+(.*)$")

def main():
    path, port = sys.argv[1], int(sys.argv[2])
    offset = None
    rows = []
    for line in open(path):
        m = LINE.search(line)
        if not m:
            continue
        ts, event, rest = float(m.group(1)), m.group(2), m.group(3)
        if event == "tracing_mark_write":
            mm = re.search(r"synack-caps realtime=(\d+\.\d+)", rest)
            if mm and offset is None:
                offset = float(mm.group(1)) - ts
            continue
        if event != "inet_sock_set_state":
            continue
        f = dict(kv.split("=", 1) for kv in rest.split())
        if f.get("protocol") != "IPPROTO_TCP":
            continue
        sport, dport = int(f["sport"]), int(f["dport"])
        if port not in (sport, dport):
            continue
        if f["family"] == "AF_INET6":
            sa, da = f["saddrv6"], f["daddrv6"]
            local, remote = "[%s]:%d" % (sa, sport), "[%s]:%d" % (da, dport)
        else:
            sa, da = f["saddr"], f["daddr"]
            local, remote = "%s:%d" % (sa, sport), "%s:%d" % (da, dport)
        if sa in CLIENT:
            side = "client"
        elif sa in SERVER:
            side = "server"
        elif sa in ("0.0.0.0", "::"):
            side = "server" if sport == port else "client"
        else:
            continue                      # somebody else's socket on the same port
        rows.append((ts, side, local, remote, f["oldstate"][4:], f["newstate"][4:],
                     "listener" if dport == 0 else "conn"))
    print("time_s\tside\tlocal\tremote\toldstate\tnewstate\tkind\tepoch_s")
    for ts, *rest in rows:
        epoch = "%.6f" % (ts + offset) if offset is not None else ""
        print("%.6f\t%s\t%s" % (ts, "\t".join(rest), epoch))

if __name__ == "__main__":
    main()
