#!/usr/bin/env bash
# Writes tests/tshark-expert.tsv: Wireshark's TCP analysis of every capture in the repository,
# for tests/tshark_labels.rs. For each capture (captures/ and tests/, extensions .pcap .pcapng
# .cap and their .gz/.zst forms) one line "file<TAB>PATH<TAB>SIZE", then the output of
#   tshark -r PATH -T fields -e frame.number -e _ws.expert.message -Y tcp.analysis.flags
# The test runs tshark itself on a capture missing here (or whose size changed), so this file
# only saves time; rerun it after adding captures:  tests/tshark-expert.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/tshark-expert.tsv
{
    echo "# $(tshark --version 2>/dev/null | head -1)"
    find captures tests -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \
        -o -name '*.pcap.gz' -o -name '*.pcapng.gz' -o -name '*.pcap.zst' -o -name '*.pcapng.zst' \) |
        LC_ALL=C sort | while read -r f; do
            printf 'file\t%s\t%s\n' "$f" "$(stat -c %s "$f")"
            tshark -r "$f" -T fields -e frame.number -e _ws.expert.message -Y tcp.analysis.flags 2>/dev/null || true
        done
} > "$out"
echo "wrote $out ($(grep -c '^file' "$out") captures)"
