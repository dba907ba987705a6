#!/usr/bin/env bash
# Writes the capture fixtures in tests/data/ with real tools, and the
# tshark field dump (F.tshark.tsv) each integration test compares against.
# Run by hand as root (tcpdump, dumpcap, ip netns); CI only reads the files.
# Traffic stays on loopback and in two network namespaces this script
# creates and deletes. Needs: tcpdump, dumpcap, tshark, editcap, mergecap,
# python3, iproute2.
set -euo pipefail
cd "$(dirname "$0")"
PY="python3 ./exchange.py"

# cap OUT IFACE FILTER [NETNS] -- TCPDUMP_ARGS... ; then runs "$EXCHANGE".
# Starts tcpdump, waits for it, runs the exchange, stops tcpdump by its pid.
cap() {
    local out=$1 iface=$2 filter=$3 ns=$4
    shift 4
    local run=()
    [ -n "$ns" ] && run=(ip netns exec "$ns")
    "${run[@]}" tcpdump -i "$iface" -U -w "$out" "$@" "$filter" 2>/dev/null &
    local pid=$!
    sleep 1.5
    eval "$EXCHANGE"
    sleep 0.5
    kill -INT "$pid"
    wait "$pid" || true
}

# 1. IPv4 on lo, Ethernet link type (Linux lo is DLT_EN10MB), µs pcap.
EXCHANGE="$PY both 127.0.0.1 47001"
cap lo-ipv4.pcap lo 'tcp port 47001' ''
# 2. Same with nanosecond timestamps (magic a1b23c4d).
EXCHANGE="$PY both 127.0.0.1 47002"
cap lo-nano.pcap lo 'tcp port 47002' '' --time-stamp-precision=nano
# 3. IPv6 on ::1.
EXCHANGE="$PY both ::1 47003"
cap lo-ipv6.pcap lo 'tcp port 47003' ''
# 4./5. Linux cooked v1 and v2 on the "any" pseudo-interface.
EXCHANGE="$PY both 127.0.0.1 47004"
cap any-sll.pcap any 'tcp port 47004' '' -y LINUX_SLL
EXCHANGE="$PY both ::1 47005"
cap any-sll2.pcap any 'tcp port 47005' '' -y LINUX_SLL2
# 6. pcapng from dumpcap (writes if_tsresol=9: nanoseconds).
$PY serve 127.0.0.1 47006 &
srv=$!
dumpcap -q -i lo -f 'tcp port 47006' -w dumpcap-lo.pcapng 2>/dev/null &
dpid=$!
sleep 2
$PY connect 127.0.0.1 47006
wait "$srv"
sleep 0.5
kill -INT "$dpid"
wait "$dpid" || true

# 7. 802.1Q and 802.1ad (QinQ) tags. This container's kernel has no 8021q
# module ("ip link add ... type vlan" fails with "Unknown device type"), so
# pcaptool.py inserts the tags into the frames of a real lo capture.
# (On a machine with 8021q: a veth pair between two namespaces with
# "ip link add link veth0 name veth0.10 type vlan id 10" does the same live.)
# Conversions with editcap / mergecap.
editcap -F pcapng lo-nano.pcap lo-nano.pcapng            # pcapng, if_tsresol=9
editcap -F pcap -C 14 -T rawip lo-ipv4.pcap rawip.pcap    # LINKTYPE_RAW (101)
editcap -F pcap -C 14 -T rawip6 lo-ipv6.pcap rawip6.pcap  # LINKTYPE_IPV6 (229)
editcap -F pcap -C 14 -T rawip4 lo-ipv4.pcap rawip4.pcap  # LINKTYPE_IPV4 (228)
mergecap -F pcapng -w merged.pcapng lo-ipv4.pcap any-sll2.pcap  # 2 interfaces
# Shapes no tool writes here: built from the real captures by pcaptool.py.
python3 pcaptool.py swap lo-ipv4.pcap big-endian.pcap
python3 pcaptool.py swap lo-nano.pcap big-endian-nano.pcap
python3 pcaptool.py relink lo-ipv4.pcap null.pcap null
python3 pcaptool.py relink lo-ipv6.pcap loop.pcap loop
python3 pcaptool.py vlan lo-ipv4.pcap vlan.pcap 0x8100:10
python3 pcaptool.py vlan lo-ipv6.pcap qinq.pcap 0x88a8:100,0x8100:20
python3 pcaptool.py tsresol lo-nano.pcap tsresol-bin20.pcapng 0x94 3600
python3 ext-chain.py 16 | text2pcap -q -F pcap -l 229 - ipv6-ext16.pcap  # 16 IPv6 ext headers
python3 pcaptool.py tsresol lo-nano.pcap tsresol-bin30.pcapng 0x9e 0   # 2^-30 s
python3 pcaptool.py tsresol lo-nano.pcap tsresol-ps12.pcapng 0x0c 1795600000  # ps

# Link types no interface here has: the same real packets under another
# link-layer header. linkhdr.py prints text2pcap input (the header bytes of
# that link type before each IP packet, and its timestamp); text2pcap sets
# the link type. One pcapng then mixes three of them, one per interface.
for spec in "ppp lo-ipv4 9" "ppp-hdlc lo-ipv6 50" "chdlc lo-ipv4 104" \
        "wlan lo-ipv4 105" "radiotap lo-ipv6 127" "arcnet lo-ipv4 129" \
        "juniper lo-ipv6 178" "ipoib lo-ipv4 242"; do
    set -- $spec
    python3 linkhdr.py "$2.pcap" "$1" |
        TZ=UTC text2pcap -q -F pcap -l "$3" -t '%Y-%m-%d %H:%M:%S.%f' - "link-$1.pcap"
done
# Wiretap writes 50 as 9 (one encapsulation for both): set the file
# header's link type (byte 20, little-endian) back to LINKTYPE_PPP_HDLC.
printf '\x32' | dd of=link-ppp-hdlc.pcap bs=1 seek=20 conv=notrunc status=none
mergecap -F pcapng -w link-mixed.pcapng link-ppp.pcap link-ipoib.pcap lo-ipv6.pcap

# Error fixtures.
printf 'these are my notes, not a capture\n' > not-a-capture.txt
: > empty.pcap
head -c 10 lo-ipv4.pcap > truncated-header.pcap
size=$(stat -c %s lo-ipv4.pcap)
head -c $((size - 7)) lo-ipv4.pcap > truncated-last-packet.pcap
editcap -F pcap -T user0 lo-ipv4.pcap user0.pcap                 # LINKTYPE_USER0 (147)
# Impossible TCP data offsets (3 and 15 words) in one connection.
python3 bad-offset.py 3 15 | text2pcap -q -F pcap -l 101 - bad-offset.pcap
tshark -r bad-offset.pcap -T fields -e frame.number -e tcp.stream -e tcp.hdr_len \
    -e _ws.malformed -e _ws.expert.message > bad-offset.pcap.tshark-stream.tsv
# Damage in the middle: record 6's captured length (offset 456 + 8) set to
# 1 MiB - 1; the 4th EPB's total length (offset 456 + 4) set to 5.
cp lo-ipv4.pcap damaged-middle.pcap
printf '\xff\xff\x0f\x00' | dd of=damaged-middle.pcap bs=1 seek=464 conv=notrunc status=none
cp lo-nano.pcapng damaged-middle.pcapng
printf '\x05\x00\x00\x00' | dd of=damaged-middle.pcapng bs=1 seek=460 conv=notrunc status=none

# VXLAN on port 8472 between two namespaces (needs the vxlan module).
./vxlan-8472.sh vxlan-8472.pcap

# Compressed captures (gzip and zstd, recognised by content), one cut short,
# and a compressed file that is not a capture.
gzip -9 -n -c lo-ipv4.pcap > lo-ipv4.pcap.gz
zstd -q -19 -c lo-nano.pcapng > lo-nano.pcapng.zst
size=$(stat -c %s lo-ipv4.pcap.gz)
head -c $((size * 2 / 3)) lo-ipv4.pcap.gz > cut-short.pcap.gz
gzip -n -c not-a-capture.txt > notes.txt.gz

# What tshark sees, for the integration test.
for f in *.pcap *.pcapng *.pcap.gz *.pcapng.zst; do
    case $f in empty.pcap|truncated-header.pcap|user0.pcap) continue ;; esac
    tshark -r "$f" -Y tcp -T fields -E separator=/t \
        -e frame.number -e frame.time_epoch \
        -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
        -e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e tcp.flags -e vlan.id \
        > "$f.tshark.tsv" 2>/dev/null || true
done
ls -l
