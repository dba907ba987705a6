#!/usr/bin/env bash
# Is `synack watch` lossless under load? The two loads of issue 8 on
# loopback, each captured at the same time by
#   synack watch --port P --json --connections 1 --save F
# and by
#   tcpdump -B 262144 -i lo -w T "tcp port P"
# (a) a 100 MB transfer, the client writing 64 KiB chunks at full speed;
# (b) 300,000 sends of 100 bytes with TCP_NODELAY.
# Prints, per load and tool: frames, client payload bytes on the wire, the
# client's stream bytes (each byte once: retransmissions aside) and drops.
# Run by hand as root (not by CI):  bench/watch_load.sh [SYNACK_BINARY]
# Needs python3, tcpdump and tshark.
set -euo pipefail
cd "$(dirname "$0")/.."
synack=${1:-target/release/synack}
[ -x "$synack" ] || cargo build --release --quiet --bin synack
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cat >"$dir/load.py" <<'EOF'
import socket, sys, threading
port, total, chunk, nodelay = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port)); srv.listen()
got = [0]
def sink():
    c, _ = srv.accept()
    while (d := c.recv(1 << 20)):
        got[0] += len(d)
    c.close()
t = threading.Thread(target=sink); t.start()
s = socket.create_connection(("127.0.0.1", port))
if nodelay:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b"x" * chunk
for _ in range(total // chunk):
    s.sendall(buf)
s.close(); t.join()
print(f"receiver got {got[0]} bytes")
EOF

run() { # name, port, total bytes, chunk, nodelay
  local name=$1 port=$2 total=$3 chunk=$4 nodelay=$5
  echo "== $name: $((total / chunk)) sends of $chunk bytes (TCP_NODELAY=$nodelay), port $port"
  tcpdump -B 262144 -i lo -w "$dir/$name.tcpdump.pcap" "tcp port $port" 2>"$dir/$name.tcpdump.err" &
  local td=$!
  "$synack" watch --port "$port" --json --connections 1 --save "$dir/$name.synack.pcap" \
    >"$dir/$name.json" 2>"$dir/$name.err" &
  local sy=$!
  # Both ready: synack says so on stderr, tcpdump too ("listening on").
  for _ in $(seq 100); do
    grep -q "capturing on" "$dir/$name.err" 2>/dev/null && grep -q "listening on" "$dir/$name.tcpdump.err" && break
    sleep 0.1
  done
  /usr/bin/time -f "load: %e s" python3 "$dir/load.py" "$port" "$total" "$chunk" "$nodelay"
  wait "$sy" || echo "synack exited with $?: $(tail -n 3 "$dir/$name.err")"
  sleep 0.5
  kill -INT "$td"; wait "$td" || true
  python3 - "$dir/$name.json" "$total" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); c = d["connections"][0]
print(f"synack : frames {d['capture']['frames']:>8}  client payload {c['payload_bytes']['client']:>11}  "
      f"stream bytes {c['stream_bytes']['client']:>11} (holes {c['stream_holes']['client']})  "
      f"dropped {d['capture']['dropped']}  complete {c['stream_bytes']['client'] == int(sys.argv[2])}")
EOF
  local frames payload dropped
  frames=$(tshark -r "$dir/$name.tcpdump.pcap" 2>/dev/null | wc -l)
  payload=$(tshark -r "$dir/$name.tcpdump.pcap" -Y "tcp.dstport == $port" -T fields -e tcp.len 2>/dev/null | awk '{s += $1} END {print s + 0}')
  dropped=$(grep -o "[0-9]* packets dropped by kernel" "$dir/$name.tcpdump.err" | cut -d' ' -f1 || true)
  printf 'tcpdump: frames %8d  client payload %11d  dropped %s (its own count)\n' "$frames" "$payload" "${dropped:-?}"
}

run bulk 23001 104857600 65536 0
run small 23002 30000000 100 1
