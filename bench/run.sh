#!/usr/bin/env bash
# Benchmark of `synack replay --list` (and `--conn 0`) on two shapes of
# generated capture, beside tcpdump's plain read and tshark's conversation
# table of the same file, measured in the same run: ratios are what to
# compare (absolute times on a shared machine are noise).
#
#   bench/run.sh [--file F]... [PACKETS] [LOCKSTEP_CONCURRENT] [RANDOM_LIVE] [RUNS]
#
# Each `--file F` (repeatable) adds an existing capture to measure the same
# way after the two generated shapes (e.g. one written by another
# generator, or a million SYNs to distinct ports).
#
# Shapes (examples/gencap.rs):
#   lockstep: rounds of LOCKSTEP_CONCURRENT connections advancing together,
#             sequence numbers from fixed values;
#   random:   random ISNs, each packet from a random one of RANDOM_LIVE live
#             connections, 200/800-byte payloads, retransmissions, RSTs,
#             a quarter IPv6 and a third VLAN-tagged.
# Each command runs RUNS times (page cache warm); prints the median wall
# time, the median CPU time (user + system: synack's --list reads and
# decodes on a thread of its own), the median peak RSS (GNU time) and the
# ratios of the medians.
set -euo pipefail
files=()
args=()
while (($#)); do
  case $1 in
    --file) files+=("$(realpath "${2:?--file needs a capture}")"); shift 2 ;;
    --file=*) files+=("$(realpath "${1#--file=}")"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"
for f in "${files[@]+"${files[@]}"}"; do
  [[ -r $f ]] || { echo "bench/run.sh: --file $f: not a readable file" >&2; exit 2; }
done
cd "$(dirname "$0")/.."
packets=${1:-1100000}
lockstep=${2:-1000}
live=${3:-128}
runs=${4:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cargo build --release --quiet --example gencap
cargo build --release --quiet --bin synack
target/release/examples/gencap "$dir/lockstep.pcap" "$packets" "$lockstep"
target/release/examples/gencap "$dir/random.pcap" "$packets" "$live" --random --ipv6 --vlan

# median of RUNS runs: prints "WALL_S PEAK_MIB CPU_S"
measure() {
  local i mid=$(((runs + 1) / 2))
  : >"$dir/runs"
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%e %M %U %S" -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err" || {
      echo "failed: $* : $(head -c 300 "$dir/err")" >&2; echo "nan nan nan"; return; }
    cat "$dir/time" >>"$dir/runs"
  done
  local wall kib cpu
  wall=$(sort -n -k1,1 "$dir/runs" | awk -v m="$mid" 'NR == m { print $1 }')
  kib=$(sort -n -k2,2 "$dir/runs" | awk -v m="$mid" 'NR == m { print $2 }')
  cpu=$(awk '{ print $3 + $4 }' "$dir/runs" | sort -n | awk -v m="$mid" 'NR == m { print $1 }')
  awk -v w="$wall" -v k="$kib" -v c="$cpu" 'BEGIN { printf "%s %.1f %s\n", w, k / 1024, c }'
}

have() { command -v "$1" >/dev/null; }

for cap in "$dir/lockstep.pcap" "$dir/random.pcap" "${files[@]+"${files[@]}"}"; do
  cat "$cap" >/dev/null # warm the page cache
  size=$(stat -c %s "$cap")
  frames=$(target/release/synack replay "$cap" --list | tail -n 1)
  p=$(echo "$frames" | grep -o '[0-9]* frames' | grep -o '[0-9]*' || echo "$packets")
  echo
  echo "== $(basename "$cap"): $((size / 1000000)) MB, $frames"
  read -r l_s l_m l_c < <(measure target/release/synack replay "$cap" --list)
  read -r c_s c_m c_c < <(measure target/release/synack replay "$cap" --conn 0 --print)
  t_s=nan; t_m=nan; t_c=nan; s_s=nan; s_m=nan; s_c=nan
  if have tcpdump; then read -r t_s t_m t_c < <(measure tcpdump -r "$cap" -w /dev/null); fi
  if have tshark; then read -r s_s s_m s_c < <(measure tshark -r "$cap" -q -z conv,tcp); fi
  awk -v ls="$l_s" -v lm="$l_m" -v lc="$l_c" -v cs="$c_s" -v cm="$c_m" -v cc="$c_c" \
      -v ts="$t_s" -v tm="$t_m" -v tc="$t_c" -v ss="$s_s" -v sm="$s_m" -v sc="$s_c" \
      -v p="$p" 'BEGIN {
    f = "%-38s %7.2f s  CPU %7.2f s  %9.0f packets/s  peak RSS %7.1f MiB\n"
    printf f, "synack replay F --list", ls, lc, p / ls, lm
    printf f, "synack replay F --conn 0 --print", cs, cc, p / cs, cm
    if (ts != "nan") printf f, "tcpdump -r F -w /dev/null", ts, tc, p / ts, tm
    if (ss != "nan") printf f, "tshark -r F -q -z conv,tcp", ss, sc, p / ss, sm
    if (ts != "nan") printf "--list / tcpdump: %.2fx wall (goal <= 2), %.2fx CPU\n", ls / ts, (tc > 0 ? lc / tc : 0)
    if (ss != "nan") printf "tshark / --list:  %.1fx (goal >= 20)\n", ss / ls
    printf "--conn 0 / --list: %.2fx (goal <= 2)\n", cs / ls
  }'
done
