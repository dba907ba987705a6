#!/usr/bin/env bash
# Peak memory of every replay output mode on hostile captures (issue 11):
# `--list`, `--print`, `--json` and `--svg` of the same file, one run each,
# output counted and thrown away (never stored: it runs to gigabytes).
#
#   bench/stream.sh [SYNS] [SEGMENTS] [ISSUE_CONNS] [LONG_SHORT_CONNS]
#
# Captures (bench/genpcap.py, bench/genlong.py; about 1.3 GB on disk for
# the defaults, in a temporary directory removed at the end):
#   syn:   SYNS (1,000,000) SYNs to distinct ports, unanswered;
#   seg:   one connection of SEGMENTS (10,000,000) one-byte segments;
#   issue: ISSUE_CONNS (100,000) connections, random ISNs, interleaved;
#   long:  connection 0 open from first packet to last beside
#          LONG_SHORT_CONNS (100,000) short ones (their text is spooled).
# Prints, per capture and mode: wall seconds, peak RSS (GNU time) and the
# ratio of the peak to `--list`'s. The `pipe` rows give the capture through
# a pipe (`cat F | synack replay /dev/stdin MODE`: copied to a temporary
# file in TMPDIR, then read twice); their time and peak are synack's.
set -euo pipefail
cd "$(dirname "$0")/.."
syns=${1:-1000000}
segs=${2:-10000000}
conns=${3:-100000}
short=${4:-100000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo build --release --quiet --bin synack
bin=target/release/synack
python3 bench/genpcap.py syn "$dir/syn.pcap" "$syns" >/dev/null
python3 bench/genpcap.py seg "$dir/seg.pcap" "$segs" >/dev/null
python3 bench/genpcap.py issue "$dir/issue.pcap" "$conns" >/dev/null
python3 bench/genlong.py "$dir/long.pcap" "$short" >/dev/null

printf '%-10s %-13s %9s %12s %8s %14s\n' capture mode wall_s peak_MiB vs_list output_bytes
for cap in syn seg issue long; do
  list_kib=
  for mode in --list --print --json --svg "pipe --print" "pipe --json"; do
    if [ "${mode% *}" = pipe ]; then
      bytes=$(cat "$dir/$cap.pcap" | { /usr/bin/time -f "%e %M" -o "$dir/time" "$bin" replay /dev/stdin \
        "${mode#pipe }" 2>"$dir/err"; } | wc -c)
    else
      bytes=$( { /usr/bin/time -f "%e %M" -o "$dir/time" "$bin" replay "$dir/$cap.pcap" "$mode" \
        2>"$dir/err"; } | wc -c)
    fi
    read -r wall kib <"$dir/time"
    [ -z "$list_kib" ] && list_kib=$kib
    awk -v c="$cap" -v m="$mode" -v w="$wall" -v k="$kib" -v l="$list_kib" -v b="$bytes" \
      'BEGIN { printf "%-10s %-13s %9s %12.1f %7.2fx %14s\n", c, m, w, k / 1024, k / l, b }'
  done
done
