#!/usr/bin/env python3
"""syn-synack-retransmit: a normal exchange; the driver's nftables rules drop the first SYN (in the
server netns) and the first SYN-ACK (in the client netns), so both get retransmitted.
usage: syn-synack-retransmit.py server | syn-synack-retransmit.py client [client_port]"""
import socket, sys, time

SERVER = ("10.99.0.2", 5012)
CLIENT_PORT = 6012

def server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    conn.recv(1024)
    conn.sendall(b"world")
    while conn.recv(1024):
        pass
    time.sleep(0.3)
    conn.close()
    srv.close()

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)                  # takes ~3 s because of the drops
    s.sendall(b"hello")
    print("client got", s.recv(1024))
    time.sleep(0.2)
    s.close()

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else CLIENT_PORT)
