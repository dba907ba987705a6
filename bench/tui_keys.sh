#!/bin/sh
# How long a key takes while the TUI reads a connection again: runs
# `synack replay FILE` in a 160x48 tmux pane (a private tmux server), waits
# for the "reading connection" line (a file of one connection is walked
# when loaded), sends KEY and prints the time until the screen matches the
# extended regex WANT (polled every 20 ms, at most 10 minutes).
#
#   bench/tui_keys.sh FILE BINARY KEY WANT
#   bench/tui_keys.sh big.pcap target/release/synack q 'EXITED='
#   bench/tui_keys.sh big.pcap target/release/synack Escape 'final states|EXITED='
set -eu
file=$1 bin=$2 key=$3 want=$4
sock=synack-keys-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null' EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
screen() { tmux -L "$sock" capture-pane -p -t k 2>/dev/null || true; }
tmux -L "$sock" new-session -d -s k -x 160 -y 48 "$bin replay $file; echo EXITED=\$?; sleep 600"
start=$(now)
until screen | grep -q 'reading connection'; do
    if [ "$(ms "$start" "$(now)")" -gt 600000 ]; then echo "timed out" >&2; exit 1; fi
    sleep 0.02
done
sent=$(now)
tmux -L "$sock" send-keys -t k "$key"
until screen | grep -qE "$want"; do
    if [ "$(ms "$sent" "$(now)")" -gt 600000 ]; then echo "timed out" >&2; exit 1; fi
    sleep 0.02
done
echo "$key -> '$want': $(ms "$sent" "$(now)") ms (the reading line at $(ms "$start" "$sent") ms)"
screen | grep -E 'EXITED=|final states' | head -1
