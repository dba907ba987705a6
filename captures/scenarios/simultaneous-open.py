#!/usr/bin/env python3
"""simultaneous-open: two sockets bound to each other's address and port call connect() at
the same wall-clock instant (RFC 9293 §3.5 Figure 8). The driver drops each side's first
incoming SYN (after the capture point), so both SYNs are retransmitted ~1 s later by timers
armed in the same jiffy; pinned to one CPU they fire in one softirq run and cross.
The side named "client" (10.99.0.1) then sends "hello", the "server" (10.99.0.2) answers
"world", the client closes first.
usage: simultaneous-open.py server|client AT CLIENT_PORT   (AT: wall-clock time to connect)"""
import socket, sys, time

SERVER = ("10.99.0.2", 5014)

def run(role, at, cport):
    me, peer = (("10.99.0.1", cport), SERVER) if role == "client" else (SERVER, ("10.99.0.1", cport))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(me)
    s.settimeout(10)
    time.sleep(max(0.0, at - time.time()))
    s.connect(peer)
    if role == "client":
        s.sendall(b"hello")
        print("client got", s.recv(1024))
        time.sleep(0.2)
        s.close()
    else:
        s.recv(1024)
        s.sendall(b"world")
        while s.recv(1024):
            pass
        time.sleep(0.3)
        s.close()

if __name__ == "__main__":
    run(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
