#!/usr/bin/env python3
"""refused-retry: connect() to a port nobody listens on (SYN answered by RST/ACK), then, once
the driver has started the server, a second connect() from the same address and port: a new
connection on the same 4-tuple, with a normal exchange and close.
usage: refused-retry.py server | refused-retry.py client CLIENT_PORT SIGNAL_DIR
The client writes SIGNAL_DIR/refused after the refusal and waits (bounded) for
SIGNAL_DIR/listening, which the driver creates once the server listens."""
import os, socket, sys, time

SERVER = ("10.99.0.2", 5013)

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

def attempt(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    return s

def client(port, sig):
    try:
        attempt(port).close()
        sys.exit("client: first connect() was not refused")
    except ConnectionRefusedError as e:
        print("client: first attempt:", e)
    open(os.path.join(sig, "refused"), "w").close()
    for _ in range(200):                       # at most 10 s
        if os.path.exists(os.path.join(sig, "listening")):
            break
        time.sleep(0.05)
    else:
        sys.exit("client: server never listened")
    s = attempt(port)
    s.sendall(b"hello")
    print("client got", s.recv(1024))
    time.sleep(0.2)
    s.close()

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]), sys.argv[3])
