#!/usr/bin/env bash
# Regenerate the synack TCP capture fixtures together with the kernel's own record of the
# TCP state transitions (tracepoint sock:inet_sock_set_state).
#
#   sudo captures/make-captures.sh            # all scenarios
#   sudo captures/make-captures.sh normal abort   # only some
#
# Run by hand as root (needs CAP_NET_ADMIN/CAP_NET_RAW and tracefs); NOT run by CI.
# Creates netns synack-c (10.99.0.1, fd00:99::1) and synack-s (10.99.0.2, fd00:99::2)
# joined by veth-c <-> veth-s, captures on veth-c inside synack-c, and removes the
# namespaces, nftables tables and the tracefs instance again on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SC="$HERE/scenarios"
NS_C=synack-c
NS_S=synack-s
C4=10.99.0.1 S4=10.99.0.2 C6=fd00:99::1 S6=fd00:99::2
TR=/sys/kernel/tracing
INST="$TR/instances/synack-caps"
EV="$INST/events/sock/inet_sock_set_state"
TMP=$(mktemp -d /tmp/synack-caps.XXXXXX)
PIDS=()

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- cleanup
cleanup() {
    set +e
    local p
    for p in "${PIDS[@]}"; do
        kill -INT "$p" 2>/dev/null
    done
    sleep 0.3
    for p in "${PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
    if [ -d "$INST" ]; then
        echo 0 > "$EV/enable" 2>/dev/null
        echo 0 > "$INST/tracing_on" 2>/dev/null
        echo 0 > "$EV/filter" 2>/dev/null
        rmdir "$INST" 2>/dev/null || log "could not rmdir $INST"
    fi
    for ns in $NS_C $NS_S; do
        if ip netns list | grep -qw "$ns"; then
            ip netns exec "$ns" nft delete table inet synack_caps 2>/dev/null
            ip netns del "$ns"
        fi
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "run as root"
for t in ip nft tcpdump dumpcap tshark python3 ss taskset timeout; do
    command -v $t >/dev/null || die "missing $t (apt-get install -y tcpdump tshark nftables iproute2 util-linux)"
done

# bounded wait: wait_for SECONDS CMD... (polls every 50 ms)
wait_for() {
    local secs=$1; shift
    local n=$((secs * 20)) i
    for ((i = 0; i < n; i++)); do
        if "$@"; then return 0; fi
        sleep 0.05
    done
    return 1
}

# wait for a background pid, at most SECONDS, then kill it
wait_pid() {
    local pid=$1 secs=$2 i p keep=()
    for ((i = 0; i < secs * 20; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid still running after ${secs}s, killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

# ---------------------------------------------------------------- network
setup_net() {
    local ns
    for ns in $NS_C $NS_S; do
        ip netns list | grep -qw "$ns" && ip netns del "$ns"
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    ip link add veth-c netns $NS_C type veth peer name veth-s netns $NS_S
    ip -n $NS_C addr add $C4/24 dev veth-c
    ip -n $NS_S addr add $S4/24 dev veth-s
    ip -n $NS_C addr add $C6/64 dev veth-c nodad
    ip -n $NS_S addr add $S6/64 dev veth-s nodad
    ip -n $NS_C link set veth-c up
    ip -n $NS_S link set veth-s up
    # no checksum/segmentation offload: the captured outgoing segments then carry real
    # checksums and every segment on the wire is one skb
    if command -v ethtool >/dev/null; then
        ip netns exec $NS_C ethtool -K veth-c tx off tso off gso off gro off >/dev/null 2>&1 || true
        ip netns exec $NS_S ethtool -K veth-s tx off tso off gso off gro off >/dev/null 2>&1 || true
    else
        log "ethtool missing: outgoing segments in the capture will have partial checksums"
    fi
    wait_for 5 sh -c "ip -n $NS_C link show veth-c | grep -q LOWER_UP" || die "veth-c not up"
    wait_for 5 sh -c "ip -n $NS_S link show veth-s | grep -q LOWER_UP" || die "veth-s not up"
    wait_for 5 sh -c "! ip -n $NS_C -6 addr show tentative | grep -q ." || die "IPv6 address still tentative"
}

nft_in() {   # nft_in NS <<< ruleset ; (re)loads table inet synack_caps in NS
    ip netns exec "$1" nft delete table inet synack_caps 2>/dev/null || true
    ip netns exec "$1" nft -f -
}
nft_clear() {
    local ns
    for ns in $NS_C $NS_S; do
        ip netns exec $ns nft delete table inet synack_caps 2>/dev/null || true
    done
}

# ---------------------------------------------------------------- tracing
setup_trace() {
    [ -d "$TR/events" ] || mount -t tracefs nodev "$TR" || die "cannot mount tracefs"
    if [ -d "$INST" ]; then
        echo 0 > "$EV/enable"; rmdir "$INST"
    fi
    mkdir "$INST"
    echo mono > "$INST/trace_clock"
    echo 1024 > "$INST/buffer_size_kb"
    echo 0 > "$INST/tracing_on"
}
trace_begin() {  # trace_begin PORT
    echo 0 > "$INST/tracing_on"
    : > "$INST/trace"
    echo "sport == $1 || dport == $1" > "$EV/filter"
    echo 1 > "$EV/enable"
    echo 1 > "$INST/tracing_on"
    python3 -c 'import time,sys; f=open(sys.argv[1],"w"); f.write("synack-caps realtime=%.6f\n" % time.time()); f.close()' \
        "$INST/trace_marker"
}
trace_end() {    # trace_end OUTFILE
    echo 0 > "$INST/tracing_on"
    echo 0 > "$EV/enable"
    cat "$INST/trace" > "$1"
}

# ---------------------------------------------------------------- capture
CAP_PIDS=()
CAP_FILES=()
# cap_start KIND FILE PORT ; KIND: pcap | pcap-ns | pcapng | sll | sll2
cap_start() {
    local kind=$1 file=$2 port=$3 filt="tcp port $3" err="$TMP/$(basename "$2").err" pid
    case $kind in
        pcap)    ip netns exec $NS_C tcpdump -Z root -U --immediate-mode -i veth-c -w "$file" "$filt" 2>"$err" & pid=$! ;;
        pcap-ns) ip netns exec $NS_C tcpdump -Z root -U --immediate-mode -i veth-c --time-stamp-precision=nano -w "$file" "$filt" 2>"$err" & pid=$! ;;
        sll)     ip netns exec $NS_C tcpdump -Z root -U --immediate-mode -i any -y LINUX_SLL -w "$file" "$filt" 2>"$err" & pid=$! ;;
        sll2)    ip netns exec $NS_C tcpdump -Z root -U --immediate-mode -i any -y LINUX_SLL2 -w "$file" "$filt" 2>"$err" & pid=$! ;;
        pcapng)  ip netns exec $NS_C dumpcap -q -i veth-c -f "$filt" -w "$file" 2>"$err" & pid=$! ;;
        *) die "bad capture kind $kind" ;;
    esac
    PIDS+=("$pid"); CAP_PIDS+=("$pid"); CAP_FILES+=("$file")
    wait_for 5 grep -sqE 'listening on|Capturing on' "$err" || { cat "$err" >&2; die "capture $kind did not start"; }
}
cap_stop_all() {
    local p
    sleep 0.3
    for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
    for p in "${CAP_PIDS[@]}"; do wait_pid "$p" 5; done
    CAP_PIDS=(); CAP_FILES=()
}

tshark_txt() {   # tshark_txt CAPTURE OUT
    tshark -r "$1" -T fields -E header=y -E separator=/t \
        -e frame.number -e frame.time_relative -e ip.src -e ipv6.src -e tcp.srcport \
        -e tcp.dstport -e tcp.flags.str -e tcp.seq -e tcp.ack -e tcp.len -e _ws.expert.message \
        > "$2" 2>/dev/null
}

# ---------------------------------------------------------------- scenario runner
SERVER_PID=""
CPORT=""   # client port of the current scenario attempt
start_server() {  # start_server SCRIPT PORT ARGS...
    local script=$1 port=$2; shift 2
    ip netns exec $NS_S ${PIN:-} python3 "$SC/$script" server "$@" > "$TMP/server.out" 2>&1 &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    wait_for 5 sh -c "ip netns exec $NS_S ss -Htln 'sport = :$port' | grep -q ." || die "server on $port not listening"
}
run_client() {    # run_client SCRIPT ARGS...
    local script=$1; shift
    timeout 30 ip netns exec $NS_C ${PIN:-} python3 "$SC/$script" client "$@" > "$TMP/client.out" 2>&1 \
        || log "client exited with $? ($(tr '\n' ' ' < "$TMP/client.out"))"
}
finish_scenario() {  # finish_scenario NAME PORT  -> writes NAME.kernel.tsv, NAME.timewait.txt
    local name=$1 port=$2
    [ -n "$SERVER_PID" ] && wait_pid "$SERVER_PID" 20
    SERVER_PID=""
    sleep 0.2
    {
        echo "# ss -tano state time-wait, taken right after both programs exited"
        echo "# netns $NS_C (client, $C4 / $C6)"
        ip netns exec $NS_C ss -Htano state time-wait "( sport = :$CPORT and dport = :$port )"
        echo "# netns $NS_S (server, $S4 / $S6)"
        ip netns exec $NS_S ss -Htano state time-wait "( sport = :$port and dport = :$CPORT )"
    } > "$TMP/$name.timewait.txt"
    cap_stop_all
    trace_end "$TMP/$name.trace"
    python3 "$HERE/trace2tsv.py" "$TMP/$name.trace" "$port" > "$TMP/$name.kernel.tsv"
    nft_clear
}
publish() {  # publish NAME CAPTUREFILE...   copy results into captures/
    local name=$1 f; shift
    cp "$TMP/$name.kernel.tsv" "$TMP/$name.timewait.txt" "$HERE/"
    # the raw tracepoint lines (event lines of this scenario only; comm-pid, CPU, flags, time)
    grep -E 'inet_sock_set_state|synack-caps realtime' "$TMP/$name.trace" > "$HERE/$name.trace.txt" || true
    for f in "$@"; do
        cp "$TMP/$f" "$HERE/$f"
        chmod 644 "$HERE/$f"
        local stem=${f%.*}
        # a pcapng sibling of a pcap with the same stem gets its own tshark file name
        if [ "$f" != "$stem.pcap" ] && [ -e "$TMP/$stem.pcap" ]; then
            tshark_txt "$HERE/$f" "$HERE/$f.tshark.txt"
        else
            tshark_txt "$HERE/$f" "$HERE/$stem.tshark.txt"
            [ "$stem" = "$name" ] || cp "$TMP/$name.kernel.tsv" "$HERE/$stem.kernel.tsv"
            [ "$stem" = "$name" ] || cp "$TMP/$name.timewait.txt" "$HERE/$stem.timewait.txt"
        fi
    done
    log "$name: $(awk -F'\t' 'NR>1{printf "%s:%s->%s ", $2, $5, $6}' "$TMP/$name.kernel.tsv")"
}

# simple scenario: NAME PORT SCRIPT [capture kinds:file ...]
simple() {
    local name=$1 port=$2 script=$3; shift 3
    local caps=("$@") c files=()
    [ ${#caps[@]} -gt 0 ] || caps=("pcap:$name.pcap")
    log "scenario $name (port $port)"
    trace_begin "$port"
    for c in "${caps[@]}"; do cap_start "${c%%:*}" "$TMP/${c#*:}" "$port"; files+=("${c#*:}"); done
    [ "$name" = refused ] || start_server "$script" "$port"
    [ -n "${PRE_CLIENT:-}" ] && $PRE_CLIENT
    CPORT=$((port + 1000))
    run_client "$script" "$CPORT"
    finish_scenario "$name" "$port"
    publish "$name" "${files[@]}"
}

# ---------------------------------------------------------------- scenarios
sc_normal() {
    simple normal 5001 normal.py pcap:normal.pcap pcap-ns:normal-ns.pcap pcapng:normal.pcapng \
        sll:normal-sll.pcap sll2:normal-sll2.pcap
}
sc_server_first() { simple server-first 5002 server-first.py; }
sc_half_close()   { simple half-close 5003 half-close.py; }
sc_abort()        { simple abort 5005 abort.py; }
sc_refused()      { simple refused 5006 refused.py; }
sc_data_on_fin()  { simple data-on-fin 5009 data-on-fin.py; }
sc_ipv6()         { simple ipv6 5010 ipv6.py pcapng:ipv6.pcapng pcap:ipv6.pcap; }

# syn-retransmit: the server netns drops the client's first SYN (input hook, i.e. after the
# capture point: the original SYN is in the capture); the client retransmits it after ~1 s.
sc_syn_retransmit() {
    nft_in $NS_S <<'NFT'
table inet synack_caps {
    set seen { type inet_service; flags dynamic; }
    chain input {
        type filter hook input priority -300; policy accept;
        tcp dport 5007 tcp flags & (syn|ack) == syn tcp sport @seen accept
        tcp dport 5007 tcp flags & (syn|ack) == syn add @seen { tcp sport } counter drop
    }
}
NFT
    simple syn-retransmit 5007 syn-retransmit.py
}

# synack-retransmit: the client netns drops the first SYN-ACK and the server netns drops
# the client's retransmitted SYN (so that it cannot trigger an early SYN-ACK): the server's
# SYN-ACK retransmission timer (~1 s) completes the handshake.
sc_synack_retransmit() {
    nft_in $NS_S <<'NFT'
table inet synack_caps {
    set seen { type inet_service; flags dynamic; }
    chain input {
        type filter hook input priority -300; policy accept;
        tcp dport 5011 tcp flags & (syn|ack) == syn tcp sport @seen counter drop
        tcp dport 5011 tcp flags & (syn|ack) == syn add @seen { tcp sport } accept
    }
}
NFT
    nft_in $NS_C <<'NFT'
table inet synack_caps {
    set seen { type inet_service; flags dynamic; }
    chain input {
        type filter hook input priority -300; policy accept;
        tcp sport 5011 tcp flags & (syn|ack) == syn|ack tcp dport @seen accept
        tcp sport 5011 tcp flags & (syn|ack) == syn|ack add @seen { tcp dport } counter drop
    }
}
NFT
    simple synack-retransmit 5011 synack-retransmit.py
}

# syn-synack-retransmit: the server netns drops the first SYN and the client netns drops
# the first SYN-ACK.  The client's second SYN retransmission and the server's SYN-ACK
# retransmission timer then fire at about the same time (both 1 s timers,
# net.ipv4.tcp_syn_linear_timeouts), so two SYN-ACKs and two ACKs can cross; the kernel
# may then create two child sockets for the one connection (one dies SYN_RECV -> CLOSE).
# Recorded as it happens (not deterministic).
sc_syn_synack_retransmit() {
    nft_in $NS_S <<'NFT'
table inet synack_caps {
    set seen { type inet_service; flags dynamic; }
    chain input {
        type filter hook input priority -300; policy accept;
        tcp dport 5012 tcp flags & (syn|ack) == syn tcp sport @seen accept
        tcp dport 5012 tcp flags & (syn|ack) == syn add @seen { tcp sport } counter drop
    }
}
NFT
    nft_in $NS_C <<'NFT'
table inet synack_caps {
    set seen { type inet_service; flags dynamic; }
    chain input {
        type filter hook input priority -300; policy accept;
        tcp sport 5012 tcp flags & (syn|ack) == syn|ack tcp dport @seen accept
        tcp sport 5012 tcp flags & (syn|ack) == syn|ack add @seen { tcp dport } counter drop
    }
}
NFT
    simple syn-synack-retransmit 5012 syn-synack-retransmit.py
}

# fin-retransmit: server netns drops the client's first data segment and its first FIN.
sc_fin_retransmit() {
    nft_in $NS_S <<'NFT'
table inet synack_caps {
    set seen_data { type inet_service; flags dynamic; }
    set seen_fin { type inet_service; flags dynamic; }
    chain input {
        type filter hook input priority -300; policy accept;
        tcp dport 5008 tcp flags & (syn|fin|rst) == 0 ip length > 52 tcp sport @seen_data accept
        tcp dport 5008 tcp flags & (syn|fin|rst) == 0 ip length > 52 add @seen_data { tcp sport } counter drop
        tcp dport 5008 tcp flags & fin == fin tcp sport @seen_fin accept
        tcp dport 5008 tcp flags & fin == fin add @seen_fin { tcp sport } counter drop
    }
}
NFT
    simple fin-retransmit 5008 fin-retransmit.py
}

# simultaneous-close: both programs close() at the same wall-clock instant (both pinned to
# CPU 0).  Both netns drop incoming FINs on input (after the capture point, so both
# original FINs are in the capture and cross: neither acks the other's FIN).  ~150 ms
# later the rules go away; the RTO retransmissions of both FINs, armed in the same jiffy
# on the same CPU, fire in the same timer softirq and cross again, so each side receives
# a FIN that does not ack its own FIN: FIN_WAIT1 -> CLOSING on both sides.
# Retried (new client port) until the kernel trace shows CLOSING for both sides.
sc_simultaneous_close() {
    local name=simultaneous-close port=5004 attempt ok=0 close_at
    for attempt in 0 1 2 3 4 5; do
        log "scenario $name (port $port) attempt $attempt"
        nft_clear
        local ns dir
        for ns in $NS_C $NS_S; do
            [ $ns = $NS_C ] && dir=sport || dir=dport
            nft_in $ns <<NFT
table inet synack_caps {
    chain input {
        type filter hook input priority -300; policy accept;
        tcp $dir $port tcp flags & fin == fin counter drop
    }
}
NFT
        done
        trace_begin "$port"
        cap_start pcap "$TMP/$name.pcap" "$port"
        close_at=$(python3 -c 'import time; print("%.3f" % (time.time() + 1.5))')
        PIN="taskset -c 0" start_server simultaneous-close.py "$port" "$close_at"
        CPORT=$((port + 1000 + 100 * attempt))
        PIN="taskset -c 0" run_client simultaneous-close.py "$close_at" "$CPORT" &
        local cpid=$!; PIDS+=("$cpid")
        python3 -c 'import time,sys; t=float(sys.argv[1])+0.15; time.sleep(max(0, t-time.time()))' "$close_at"
        nft_clear
        wait_pid "$cpid" 20
        finish_scenario "$name" "$port"
        if grep -qP '\tclient\t.*\tFIN_WAIT1\tCLOSING\t' "$TMP/$name.kernel.tsv" &&
           grep -qP '\tserver\t.*\tFIN_WAIT1\tCLOSING\t' "$TMP/$name.kernel.tsv"; then
            ok=1; break
        fi
        log "attempt $attempt: not both sides went through CLOSING: $(awk -F'\t' 'NR>1{printf "%s:%s->%s ", $2, $5, $6}' "$TMP/$name.kernel.tsv")"
        sleep 0.5
    done
    [ $ok = 1 ] || log "WARNING: simultaneous-close never showed CLOSING on both sides; keeping last attempt"
    publish "$name" "$name.pcap"
}

# refused-retry: the client's first connect() is refused (nobody listens yet); once the
# driver has started the server, the client connects again from the same port: two
# connections on one 4-tuple, the second with a normal handshake.
sc_refused_retry() {
    local name=refused-retry port=5013 sig="$TMP/refused-retry.sig"
    log "scenario $name (port $port)"
    rm -rf "$sig"; mkdir -p "$sig"
    trace_begin "$port"
    cap_start pcap "$TMP/$name.pcap" "$port"
    CPORT=$((port + 1000))
    timeout 30 ip netns exec $NS_C python3 "$SC/refused-retry.py" client "$CPORT" "$sig" > "$TMP/client.out" 2>&1 &
    local cpid=$!; PIDS+=("$cpid")
    wait_for 10 test -e "$sig/refused" || die "$name: the first connect() was not refused"
    start_server refused-retry.py "$port"
    touch "$sig/listening"
    wait_pid "$cpid" 20
    finish_scenario "$name" "$port"
    publish "$name" "$name.pcap"
}

# simultaneous-open: both sides connect() to each other at one wall-clock instant, pinned to
# CPU 0. Each netns drops the first SYN it receives (input hook: after the capture point), so
# both SYNs are retransmitted by timers armed in the same jiffy, which fire in one softirq run:
# the retransmitted SYNs cross and both sides go SYN_SENT -> SYN_RECV -> ESTABLISHED.
# Retried (new client port) until the kernel trace shows SYN_RECV on both sides.
sc_simultaneous_open() {
    local name=simultaneous-open port=5014 attempt ok=0 at ns mine
    for attempt in 0 1 2 3 4 5; do
        log "scenario $name (port $port) attempt $attempt"
        CPORT=$((port + 1000 + 100 * attempt))
        nft_clear
        for ns in $NS_C $NS_S; do
            [ $ns = $NS_C ] && mine=$CPORT || mine=$port
            nft_in $ns <<NFT
table inet synack_caps {
    set seen { type inet_service; flags dynamic; }
    chain input {
        type filter hook input priority -300; policy accept;
        tcp dport $mine tcp flags & (syn|ack) == syn tcp sport @seen accept
        tcp dport $mine tcp flags & (syn|ack) == syn add @seen { tcp sport } counter drop
    }
}
NFT
        done
        trace_begin "$port"
        cap_start pcap "$TMP/$name.pcap" "$port"
        at=$(python3 -c 'import time; print("%.3f" % (time.time() + 1.0))')
        timeout 30 ip netns exec $NS_S taskset -c 0 python3 "$SC/simultaneous-open.py" server "$at" "$CPORT" > "$TMP/server.out" 2>&1 &
        local spid=$!; PIDS+=("$spid")
        timeout 30 ip netns exec $NS_C taskset -c 0 python3 "$SC/simultaneous-open.py" client "$at" "$CPORT" > "$TMP/client.out" 2>&1 &
        local cpid=$!; PIDS+=("$cpid")
        wait_pid "$cpid" 20
        wait_pid "$spid" 20
        finish_scenario "$name" "$port"
        if kern_tmp "$name" client SYN_SENT SYN_RECV && kern_tmp "$name" server SYN_SENT SYN_RECV; then
            ok=1; break
        fi
        log "attempt $attempt: the SYNs did not cross: $(awk -F'\t' 'NR>1{printf "%s:%s->%s ", $2, $5, $6}' "$TMP/$name.kernel.tsv")"
        sleep 0.5
    done
    [ $ok = 1 ] || log "WARNING: simultaneous-open never showed SYN_RECV on both sides; keeping last attempt"
    publish "$name" "$name.pcap"
}
kern_tmp() { grep -qP "\t$2\t.*\t$3\t$4\t" "$TMP/$1.kernel.tsv"; }  # kern_tmp NAME SIDE OLD NEW

# fast-retransmit: the server netns drops, on input (after the capture point: the original
# and its retransmission are both captured), the 30th packet of the connection (conntrack's
# packet count; one wire segment, GRO is off). The server's duplicate ACKs (with SACK) make
# the client retransmit it at once. (A drop in the client's own stack cannot make a gap in the
# capture: TCP sees the local failure and sends the data again; fast-retransmit-gap.pcap makes
# the gap with editcap instead, see derive_edited.)
sc_fast_retransmit() {
    ip netns exec $NS_S sysctl -qw net.netfilter.nf_conntrack_acct=1
    nft_in $NS_S <<'NFT'
table inet synack_caps {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 5015 ct original packets 30 counter drop
    }
}
NFT
    simple fast-retransmit 5015 fast-retransmit.py
}

# lossy: one packet in ten dropped at random in each netns on input (after the capture point),
# handshake and FINs spared; recorded as it happened (not deterministic).
sc_lossy() {
    local ns
    for ns in $NS_C $NS_S; do
        nft_in $ns <<'NFT'
table inet synack_caps {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp sport 5017 tcp flags & (syn|fin|rst) == 0 numgen random mod 10 == 0 counter drop
        tcp dport 5017 tcp flags & (syn|fin|rst) == 0 numgen random mod 10 == 0 counter drop
    }
}
NFT
    done
    simple lossy 5017 lossy.py
}

# zero-window: a server with a 2 KB receive buffer that reads nothing for 1.5 s.
sc_zero_window() { simple zero-window 5016 zero-window.py; }

# ---------------------------------------------------------------- edited captures
# Two captures are derived from real ones with editcap/mergecap, for the analysis labels a
# two-namespace capture cannot show; they are the same connections, so they share the
# kernel record of their source.
#  fast-retransmit-gap.pcap: fast-retransmit.pcap without the original of the segment that was
#    fast-retransmitted: a gap ("previous segment not captured"), duplicate ACKs, then the
#    retransmission fills the gap.
#  reordered.pcap: fast-retransmit.pcap with the 6th client data segment moved after the 8th
#    (its timestamp shifted 1 us past the 8th's): out-of-order at the capture point.
derive() {  # derive NAME SOURCE   (NAME.pcap already written to $TMP)
    cp "$TMP/$1.pcap" "$HERE/$1.pcap"; chmod 644 "$HERE/$1.pcap"
    cp "$HERE/$2.kernel.tsv" "$HERE/$1.kernel.tsv"
    cp "$HERE/$2.timewait.txt" "$HERE/$1.timewait.txt"
    tshark_txt "$HERE/$1.pcap" "$HERE/$1.tshark.txt"
    log "$1: derived from $2"
}
derive_edited() {
    local src="$HERE/fast-retransmit.pcap" fr seq orig
    fr=$(tshark -r "$src" -Y tcp.analysis.fast_retransmission -T fields -e frame.number -e tcp.seq_raw 2>/dev/null | head -1)
    seq=${fr#*$'\t'}
    orig=$(tshark -r "$src" -Y "tcp.seq_raw == $seq && tcp.len > 0 && frame.number < ${fr%%$'\t'*}" -T fields -e frame.number 2>/dev/null | head -1)
    [ -n "$orig" ] || die "fast-retransmit.pcap: no original for the fast retransmission ($fr)"
    editcap "$src" "$TMP/fast-retransmit-gap.pcap" "$orig"
    derive fast-retransmit-gap fast-retransmit

    local frames n6 n8 t6 t8 shift
    frames=$(tshark -r "$src" -Y 'tcp.srcport == 6015 && tcp.len > 0' -T fields -e frame.number -e frame.time_epoch 2>/dev/null)
    read -r n6 t6 <<< "$(sed -n 6p <<< "$frames")"
    read -r n8 t8 <<< "$(sed -n 8p <<< "$frames")"
    shift=$(python3 -c "print('%.6f' % ($t8 - $t6 + 0.000001))")
    editcap -r "$src" "$TMP/moved.pcap" "$n6"
    editcap -t "$shift" "$TMP/moved.pcap" "$TMP/moved-later.pcap"
    editcap "$src" "$TMP/without.pcap" "$n6"
    mergecap -F pcap -w "$TMP/reordered.pcap" "$TMP/without.pcap" "$TMP/moved-later.pcap"
    derive reordered fast-retransmit
}

# ---------------------------------------------------------------- verification
# count FILE DISPLAYFILTER -> number of matching frames
count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }
FAILS=()
expect() {  # expect NAME DESCRIPTION TEST...
    local name=$1 what=$2; shift 2
    if "$@"; then log "verify $name: ok: $what"; else log "verify $name: FAIL: $what"; FAILS+=("$name: $what"); fi
}
ge() { [ "$1" -ge "$2" ]; }
kern() { grep -qP "\t$2\t.*\t$3\t$4\t" "$HERE/$1.kernel.tsv"; }  # kern NAME SIDE OLD NEW
verify() {
    local name=$1 f="$HERE/$1.pcap"
    [ -e "$f" ] || f="$HERE/$1.pcapng"
    expect "$name" "capture readable and non-empty" ge "$(count "$f" tcp)" 1
    case $name in
        normal|ipv6|server-first|half-close|syn-retransmit|synack-retransmit|syn-synack-retransmit|fin-retransmit|data-on-fin|simultaneous-open|fast-retransmit|zero-window|lossy)
            expect "$name" "two FINs, no RST" test "$(count "$f" 'tcp.flags.fin==1 && !tcp.analysis.retransmission'):$(count "$f" tcp.flags.reset==1)" = 2:0 ;;
    esac
    case $name in
        normal)
            local g; for g in normal-ns.pcap normal.pcapng normal-sll.pcap normal-sll2.pcap; do
                expect "$name" "$g has the same 11 frames" test "$(count "$HERE/$g" tcp)" = "$(count "$f" tcp)"; done
            expect "$name" "client ends in TIME_WAIT (ss)" grep -q '10.99.0.1:6001 *10.99.0.2:5001 *timer:(timewait' "$HERE/$name.timewait.txt" ;;
        server-first)
            expect "$name" "first FIN from the server" test "$(tshark -r "$f" -Y tcp.flags.fin==1 -T fields -e tcp.srcport 2>/dev/null | head -1)" = 5002
            expect "$name" "server ends in TIME_WAIT (ss)" grep -q '10.99.0.2:5002 *10.99.0.1:6002 *timer:(timewait' "$HERE/$name.timewait.txt" ;;
        half-close)
            local fin; fin=$(tshark -r "$f" -Y 'tcp.flags.fin==1 && tcp.srcport==6003' -T fields -e frame.number 2>/dev/null | head -1)
            expect "$name" "server data after the client's FIN" ge "$(count "$f" "frame.number > $fin && tcp.srcport==5003 && tcp.len>0")" 1 ;;
        simultaneous-close)
            local fins; fins=$(tshark -r "$f" -Y 'tcp.flags.fin==1' -T fields -e tcp.srcport -e tcp.seq -e tcp.ack 2>/dev/null | head -2 | tr '\n\t' '  ')
            # first two FINs: one per side, each one's ack <= the other's seq (does not cover it)
            expect "$name" "the first FINs cross (ack does not cover the peer FIN): $fins" \
                awk -v l="$fins" 'BEGIN{split(l,a," "); exit !(a[1]!=a[4] && a[3]<=a[5] && a[6]<=a[2])}'
            expect "$name" "kernel: client FIN_WAIT1->CLOSING" kern "$name" client FIN_WAIT1 CLOSING
            expect "$name" "kernel: server FIN_WAIT1->CLOSING" kern "$name" server FIN_WAIT1 CLOSING ;;
        abort)
            expect "$name" "RST from the client, no FIN" test "$(count "$f" 'tcp.flags.reset==1 && tcp.srcport==6005'):$(count "$f" tcp.flags.fin==1)" = 1:0
            expect "$name" "kernel: client ESTABLISHED->CLOSE" kern "$name" client ESTABLISHED CLOSE ;;
        refused)
            expect "$name" "SYN answered by RST/ACK" test "$(count "$f" 'tcp.flags.syn==1'):$(count "$f" 'tcp.flags.reset==1 && tcp.flags.ack==1 && tcp.srcport==5006')" = 1:1 ;;
        syn-retransmit)
            expect "$name" "SYN retransmitted" ge "$(count "$f" 'tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.analysis.retransmission')" 1 ;;
        synack-retransmit)
            expect "$name" "SYN-ACK retransmitted" ge "$(count "$f" 'tcp.flags.syn==1 && tcp.flags.ack==1 && tcp.analysis.retransmission')" 1 ;;
        syn-synack-retransmit)
            expect "$name" "SYN retransmitted" ge "$(count "$f" 'tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.analysis.retransmission')" 1
            expect "$name" "SYN-ACK retransmitted" ge "$(count "$f" 'tcp.flags.syn==1 && tcp.flags.ack==1 && tcp.analysis.retransmission')" 1 ;;
        fin-retransmit)
            expect "$name" "data segment retransmitted" ge "$(count "$f" 'tcp.len>0 && tcp.analysis.retransmission')" 1
            expect "$name" "FIN retransmitted" ge "$(count "$f" 'tcp.flags.fin==1 && tcp.analysis.retransmission')" 1 ;;
        data-on-fin)
            expect "$name" "both FINs carry payload" test "$(count "$f" 'tcp.flags.fin==1 && tcp.len>0')" = 2 ;;
        refused-retry)
            expect "$name" "two SYNs, one RST" test "$(count "$f" 'tcp.flags.syn==1 && tcp.flags.ack==0'):$(count "$f" tcp.flags.reset==1)" = 2:1
            expect "$name" "tshark: two streams" test "$(tshark -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)" = 2
            expect "$name" "kernel: client SYN_SENT->CLOSE" kern "$name" client SYN_SENT CLOSE
            expect "$name" "kernel: client SYN_SENT->ESTABLISHED" kern "$name" client SYN_SENT ESTABLISHED ;;
        simultaneous-open)
            expect "$name" "tshark: one stream" test "$(tshark -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)" = 1
            expect "$name" "kernel: client SYN_SENT->SYN_RECV" kern "$name" client SYN_SENT SYN_RECV
            expect "$name" "kernel: server SYN_SENT->SYN_RECV" kern "$name" server SYN_SENT SYN_RECV ;;
        fast-retransmit)
            expect "fast-retransmit-gap" "a segment not captured" ge "$(count "$HERE/fast-retransmit-gap.pcap" tcp.analysis.lost_segment)" 1
            expect "reordered" "out-of-order" ge "$(count "$HERE/reordered.pcap" tcp.analysis.out_of_order)" 1
            expect "$name" "a fast retransmission" ge "$(count "$f" tcp.analysis.fast_retransmission)" 1 ;;
        lossy)
            expect "$name" "retransmissions" ge "$(count "$f" tcp.analysis.retransmission)" 3 ;;
        zero-window)
            expect "$name" "zero window" ge "$(count "$f" tcp.analysis.zero_window)" 1
            expect "$name" "window full" ge "$(count "$f" tcp.analysis.window_full)" 1
            # Linux probes a zero window with an empty segment one byte back: a keep-alive to tshark
            expect "$name" "zero window probed" ge "$(count "$f" tcp.analysis.keep_alive)" 1 ;;
    esac
    local limit=10k
    case $name in fast-retransmit|zero-window) limit=64k ;; lossy) limit=160k ;; esac
    local big; big=$(find "$HERE" -maxdepth 1 -name "$name*.pcap*" -size +$limit | tr '\n' ' ')
    expect "$name" "captures < $limit" test -z "$big"
}

ALL="normal server-first half-close simultaneous-close abort refused syn-retransmit synack-retransmit syn-synack-retransmit fin-retransmit data-on-fin ipv6 refused-retry simultaneous-open fast-retransmit zero-window lossy"
WANT=${*:-$ALL}

setup_net
setup_trace
for s in $WANT; do
    "sc_${s//-/_}"
    [ "$s" != fast-retransmit ] || derive_edited
    verify "$s"
done
if [ ${#FAILS[@]} -gt 0 ]; then
    log "verification failures:"; printf '  %s\n' "${FAILS[@]}" >&2
    exit 1
fi
log "done, all checks passed; files in $HERE"
