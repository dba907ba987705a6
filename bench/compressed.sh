#!/usr/bin/env bash
# Benchmark of `synack replay --list` on the same generated capture plain,
# gzip-compressed and zstd-compressed (the target: compressed within 2x of
# plain). Run by hand (not by CI):  bench/compressed.sh [PACKETS] [CONCURRENT]
# Prints, per file, its size and the best wall time of 5 runs (GNU time).
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
gzip -6 -c "$cap" >"$cap.gz"
zstd -q -3 -c "$cap" >"$cap.zst"

for f in "$cap" "$cap.gz" "$cap.zst"; do
  cat "$f" >/dev/null # page cache
  best=
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e %M" -o "$dir/time" target/release/synack replay "$f" --list >"$dir/out"
    read -r secs kib <"$dir/time"
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; rss=$kib; fi
  done
  tail -1 "$dir/out" | grep -q "connections, $packets frames" || { echo "$f: wrong count"; tail -1 "$dir/out"; }
  printf '%-12s %12d bytes  best of 5: %6.2f s  peak RSS %6.1f MiB\n' \
    "${f##*/}" "$(stat -c %s "$f")" "$best" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
done
