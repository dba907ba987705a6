#!/usr/bin/env bash
# Benchmark of `synack replay --list` on a large generated capture, beside
# tshark's conversation table and tcpdump's plain read of the same file.
# Run by hand (not by CI):  bench/run.sh [PACKETS] [CONCURRENT_CONNECTIONS]
# Prints wall time, packets/s and peak RSS (GNU time) for each tool.
set -euo pipefail
cd "$(dirname "$0")/.."
packets=${1:-1000000}
concurrent=${2:-1000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cap="$dir/bench.pcap"

cargo build --release --quiet --example gencap
cargo build --release --quiet --bin synack
target/release/examples/gencap "$cap" "$packets" "$concurrent"
ls -l "$cap" | awk '{printf "capture: %s bytes\n", $5}'

measure() { # name, command...
  local name=$1; shift
  # Warm the page cache so every tool reads from memory.
  cat "$cap" >/dev/null
  /usr/bin/time -f "%e %M" -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err" || {
    echo "$name: failed: $(head -c 300 "$dir/err")"; return; }
  read -r secs kib <"$dir/time"
  awk -v n="$name" -v s="$secs" -v k="$kib" -v p="$packets" \
    'BEGIN { printf "%-34s %8.2f s  %12.0f packets/s  peak RSS %8.1f MiB\n", n, s, (s > 0 ? p / s : 0), k / 1024 }'
}

measure "synack replay --list" target/release/synack replay "$cap" --list
tail -n 1 "$dir/out"
if command -v tcpdump >/dev/null; then
  measure "tcpdump -r FILE -w /dev/null" tcpdump -r "$cap" -w /dev/null
fi
if command -v tshark >/dev/null; then
  measure "tshark -r FILE -q -z conv,tcp" tshark -r "$cap" -q -z conv,tcp
fi
