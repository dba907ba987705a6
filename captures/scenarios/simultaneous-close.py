#!/usr/bin/env python3
"""simultaneous-close: after exchanging one message both sides sleep until the same
wall-clock instant (CLOSE_AT, epoch seconds) and call close() together.  The driver
script drops FIN segments on input in both namespaces meanwhile, so both FINs are sent
before either is received.
usage: simultaneous-close.py server CLOSE_AT | simultaneous-close.py client CLOSE_AT [client_port]"""
import socket, sys, time

SERVER = ("10.99.0.2", 5004)
CLIENT_PORT = 6004

def sleep_until(t):
    while True:
        left = t - time.time()
        if left <= 0:
            return
        time.sleep(min(left, 0.5))

def server(close_at):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    conn.recv(1024)
    conn.sendall(b"world")
    srv.close()
    sleep_until(close_at)
    conn.close()
    time.sleep(1.0)

def client(close_at, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    s.sendall(b"hello")
    print("client got", s.recv(1024))
    sleep_until(close_at)
    s.close()
    time.sleep(1.0)

if __name__ == "__main__":
    close_at = float(sys.argv[2])
    if sys.argv[1] == "server":
        server(close_at)
    else:
        client(close_at, int(sys.argv[3]) if len(sys.argv) > 3 else CLIENT_PORT)
