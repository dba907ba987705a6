#!/bin/sh
# The TUI on a big capture, as a user meets it: `synack replay FILE` in a
# 160x48 tmux pane (a private tmux server), polled every 20 ms.
# Prints the time to the first frame (anything drawn), to the first
# "reading connection" line (a file of one connection is walked when
# loaded: its steps are read again, a line drawn once that takes 200 ms),
# to the end of the load (every progress line gone: for a file of one
# connection, its walk drawn), then quits with q and prints the
# process's peak RSS (/usr/bin/time -v) and how long q took.
#
#   bench/tui_open.sh FILE [BINARY]
set -eu
file=$1
bin=${2:-target/release/synack}
sock=synack-bench-$$
out=$(mktemp)
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -f "$out"' EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
screen() { tmux -L "$sock" capture-pane -p -t b 2>/dev/null || true; }
start=$(now)
tmux -L "$sock" new-session -d -s b -x 160 -y 48 \
    "ulimit -v 4000000; /usr/bin/time -v $bin replay $file 2>$out; echo EXITED=\$?; sleep 600"
first=
conn=
loaded=
while :; do
    s=$(screen)
    t=$(now)
    if [ -z "$first" ] && printf '%s' "$s" | grep -q 'synack'; then first=$t; fi
    if [ -z "$conn" ] && printf '%s' "$s" | grep -q 'reading connection'; then conn=$t; fi
    if [ -n "$first" ] && ! printf '%s' "$s" | grep -q 'reading '; then loaded=$t; break; fi
    if printf '%s' "$s" | grep -q 'EXITED='; then break; fi
    if [ $(ms "$start" "$t") -gt 600000 ]; then echo "timed out" >&2; break; fi
    sleep 0.02
done
echo "first frame: ${first:+$(ms "$start" "$first") ms}"
echo "reading connection: ${conn:+$(ms "$start" "$conn") ms}"
echo "loaded:      ${loaded:+$(ms "$start" "$loaded") ms}"
q=$(now)
tmux -L "$sock" send-keys -t b q
while ! screen | grep -q 'EXITED='; do sleep 0.02; done
echo "quit took:   $(ms "$q" "$(now)") ms"
screen | grep -E 'synack:|EXITED' || true
grep -E "synack:|Maximum resident|Elapsed" "$out"
