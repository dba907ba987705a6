#!/usr/bin/env bash
# Writes the tunnel, IP fragment and ICMP error fixtures of tests/data/ from
# real traffic between network namespaces this script creates (and deletes):
#
#   sa (10.1.0.1, fd01::1) ── va|vra ── sr (router) ── vrb|vb ── sb (10.2.0.1, fd02::1)
#
# VXLAN devices on sa and sb, over IPv4 or IPv6, carry inner traffic; MTU
# changes make real fragments and ICMP errors; nftables on the router
# rejects one port with ICMP. tcpdump writes every file. Then tshark's view
# of each (F.tshark.tsv, F.streams.tsv) for the integration tests.
# Run by hand as root; CI only reads the files. Needs: iproute2 (vxlan),
# nftables, tcpdump, tshark, python3.
set -euo pipefail
cd "$(dirname "$0")"
PEER="python3 $PWD/peer.py"
NS=(sa sr sb)

cleanup() { for n in "${NS[@]}"; do ip netns del "$n" 2>/dev/null || true; done; }
trap cleanup EXIT

topology() {
    cleanup
    for n in "${NS[@]}"; do ip netns add "$n"; ip -n "$n" link set lo up; done
    ip link add va netns sa type veth peer name vra netns sr
    ip link add vb netns sb type veth peer name vrb netns sr
    ip -n sa addr add 10.1.0.1/24 dev va; ip -n sa addr add fd01::1/64 dev va nodad
    ip -n sr addr add 10.1.0.254/24 dev vra; ip -n sr addr add fd01::fe/64 dev vra nodad
    ip -n sr addr add 10.2.0.254/24 dev vrb; ip -n sr addr add fd02::fe/64 dev vrb nodad
    ip -n sb addr add 10.2.0.1/24 dev vb; ip -n sb addr add fd02::1/64 dev vb nodad
    for l in "sa va" "sr vra" "sr vrb" "sb vb"; do set -- $l; ip -n "$1" link set "$2" up; done
    ip -n sa route add default via 10.1.0.254; ip -n sa -6 route add default via fd01::fe
    ip -n sb route add default via 10.2.0.254; ip -n sb -6 route add default via fd02::fe
    ip netns exec sr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    # No offloads: the capture sees the packets as they are on the wire.
    for l in "sa va" "sr vra" "sr vrb" "sb vb"; do
        set -- $l; ip netns exec "$1" ethtool -K "$2" tso off gso off gro off 2>/dev/null || true
    done
}

# vxlan NS LOCAL REMOTE INNER4 INNER6 MTU: a VXLAN device (VNI 42, port 4789).
vxlan() {
    ip -n "$1" link add vx0 type vxlan id 42 local "$2" remote "$3" dstport 4789
    ip -n "$1" link set vx0 mtu "$6" up
    ip -n "$1" addr add "$4"/24 dev vx0
    ip -n "$1" addr add "$5"/64 dev vx0 nodad
}

# capture OUT NS IFACE FILTER -- COMMANDS...: tcpdump around the commands
# (started when it says it is listening, at most 10 s; the machine is busy).
capture() {
    local out=$1 ns=$2 iface=$3 filter=$4 log
    shift 5
    log=$(mktemp)
    ip netns exec "$ns" tcpdump -i "$iface" -U -w "$out" "$filter" 2>"$log" &
    local pid=$!
    for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
    "$@"
    sleep 1
    kill -INT "$pid"
    wait "$pid" || true
    rm -f "$log"
}

# exchange SERVER_HOST PORT BYTES [CLIENT_NS]: server in sb, client in sa.
exchange() {
    ip netns exec sb $PEER serve "$1" "$2" &
    local srv=$!
    sleep 0.3
    ip netns exec sa $PEER send "$1" "$2" "$3"
    wait "$srv"
}

two_exchanges() { exchange 10.8.0.2 47201 300; exchange fd08::2 47202 300; }
big_exchange4() { exchange 10.8.0.2 47203 3000; }
big_exchange6() { exchange fd08::2 47204 3000; }

# 1. VXLAN over IPv4, inner IPv4 and IPv6 (no fragments: inner MTU 1400).
topology
vxlan sa 10.1.0.1 10.2.0.1 10.8.0.1 fd08::1 1400
vxlan sb 10.2.0.1 10.1.0.1 10.8.0.2 fd08::2 1400
capture vxlan.pcap sb vb 'udp port 4789' -- two_exchanges
# 2. Same, inner MTU 1500: the 1550-byte outer packets are fragmented by
#    the sending host (VXLAN leaves DF clear) → IPv4 reassembly, then VXLAN.
ip -n sa link set vx0 mtu 1500; ip -n sb link set vx0 mtu 1500
capture vxlan-frag4.pcap sb vb 'udp port 4789 or (ip[6:2] & 0x1fff != 0)' -- big_exchange4

# 3. VXLAN over IPv6 with inner MTU 1500. Linux does not fragment the
#    outer IPv6 packets: the first 1550-byte ones are dropped and TCP's path
#    MTU shrinks the inner segments (the capture shows the retransmissions).
#    IPv6 fragments come from frag6.pcap (encap.py) instead.
topology
vxlan sa fd01::1 fd02::1 10.8.0.1 fd08::1 1500
vxlan sb fd02::1 fd01::1 10.8.0.2 fd08::2 1500
capture vxlan6.pcap sb vb 'ip6' -- big_exchange6

# 4. Plain TCP fragmented by the router: the client does no path MTU
#    discovery (DF clear) and the router's link to sb has MTU 576.
topology
ip netns exec sa sysctl -qw net.ipv4.ip_no_pmtu_disc=1
ip -n sr link set vrb mtu 576
frag4() { exchange 10.2.0.1 47205 3000; }
capture frag4.pcap sb vb 'tcp port 47205 or (ip[6:2] & 0x1fff != 0)' -- frag4

# 5. Path MTU discovery: the router answers the client's 1500-byte DF
#    segments with ICMP "fragmentation needed, MTU 576" (and ICMPv6 "packet
#    too big, MTU 1280" for IPv6), the client sends smaller ones.
topology
ip -n sr link set vrb mtu 576
pmtu4() { exchange 10.2.0.1 47206 3000; }
capture icmp-fragneeded.pcap sa va 'tcp port 47206 or icmp' -- pmtu4
# (An MTU below 1280 removed IPv6 from vrb: a fresh topology.)
topology
ip -n sr link set vrb mtu 1280
pmtu6() { exchange fd02::1 47207 3000; }
capture icmp6-toobig.pcap sa va 'tcp port 47207 or icmp6[0] == 2' -- pmtu6

# 6. Errors quoting a SYN: the router rejects port 47208 with ICMP host
#    unreachable (nftables), and a SYN sent with TTL 1 dies at the router
#    (time exceeded).
topology
ip netns exec sr nft -f - <<'NFT'
table inet f {
    chain forwarded {
        type filter hook forward priority 0;
        tcp dport 47208 reject with icmp type host-unreachable
        tcp dport 47208 reject with icmpv6 type addr-unreachable
    }
}
NFT
rejected() {
    ip netns exec sa $PEER syn 10.2.0.1 47208
    ip netns exec sa $PEER syn fd02::1 47208
    ip netns exec sa $PEER syn 10.2.0.1 47209 1
}
capture icmp-unreach.pcap sa va 'tcp or (icmp and icmp[0] != 8) or (icmp6 and icmp6[0] < 128)' -- rejected

# 7. Encapsulations this kernel has no device for (ip link add ... type
#    gre/geneve/ipip/sit fail with "Unknown device type" here), IPv6
#    fragments (Linux TCP never fragments over IPv6) and overlapping
#    fragments: encap.py wraps the real lo captures with scapy.
python3 encap.py

# What tshark sees (segments, and the tcp.stream of every TCP frame that
# is not an ICMP quote).
for f in vxlan.pcap vxlan-frag4.pcap vxlan6.pcap frag4.pcap \
        icmp-fragneeded.pcap icmp6-toobig.pcap icmp-unreach.pcap \
        gre.pcap erspan2.pcap erspan1.pcap wccp.pcap geneve.pcap gtpu.pcap \
        ipip.pcap sit.pcap ip4in6.pcap pppoe.pcap mpls.pcap etag.pcap \
        nested.pcap frag6.pcap frag-overlap.pcap; do
    tshark -r "$f" -Y 'tcp && !icmp && !icmpv6' -T fields -E separator=/t \
        -e frame.number -e frame.time_epoch \
        -e _ws.col.Source -e _ws.col.Source -e tcp.srcport \
        -e _ws.col.Destination -e _ws.col.Destination -e tcp.dstport \
        -e tcp.seq_raw -e tcp.ack_raw -e tcp.len -e tcp.flags -e vlan.id \
        > "$f.tshark.tsv" 2>/dev/null
    tshark -r "$f" -Y 'tcp && !icmp && !icmpv6' -T fields -E separator=/t \
        -e frame.number -e tcp.stream > "$f.streams.tsv" 2>/dev/null
done
ls -l vxlan*.pcap frag4.pcap icmp*.pcap
