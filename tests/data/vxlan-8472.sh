#!/usr/bin/env bash
# VXLAN on Linux's old port 8472 between two namespaces; one TCP exchange
# inside (connect, "hello\n" echoed, close), captured on the underlay veth
# with the namespaces' own IPv6 chatter. Run as root:
#   ./vxlan-8472.sh vxlan-8472.pcap
set -euo pipefail
out=$1
a=cfz-a; b=cfz-b
cleanup() { ip netns del $a 2>/dev/null || true; ip netns del $b 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $a; ip netns add $b
ip link add va type veth peer name vb
ip link set va netns $a; ip link set vb netns $b
ip -n $a addr add 192.168.77.1/24 dev va; ip -n $b addr add 192.168.77.2/24 dev vb
ip -n $a link set va up; ip -n $b link set vb up; ip -n $a link set lo up; ip -n $b link set lo up
ip -n $a link add vx0 type vxlan id 42 dstport 8472 local 192.168.77.1 remote 192.168.77.2 dev va
ip -n $b link add vx0 type vxlan id 42 dstport 8472 local 192.168.77.2 remote 192.168.77.1 dev vb
ip -n $a addr add 10.42.0.1/24 dev vx0; ip -n $b addr add 10.42.0.2/24 dev vx0
ip -n $a link set vx0 up; ip -n $b link set vx0 up
ip netns exec $a tcpdump -i va -U -w "$out" 'udp port 8472' 2>/dev/null &
dump=$!
# tcpdump writes the file header once it listens.
for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.1; done
ip netns exec $b python3 -c '
import socket
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("10.42.0.2", 8080)); s.listen(1)
c,_=s.accept(); d=c.recv(100); c.sendall(d); c.close()' &
srv=$!
for _ in $(seq 50); do ip netns exec $b ss -ltn | grep -q 8080 && break; sleep 0.1; done
sleep 0.5
ip netns exec $a python3 -c '
import socket
s=socket.create_connection(("10.42.0.2", 8080), timeout=5); s.sendall(b"hello\n"); print(s.recv(100)); s.close()'
wait $srv
sleep 0.5
kill $dump; wait $dump || true
