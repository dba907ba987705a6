#!/usr/bin/env python3
"""Makes one short TCP conversation for the fixture captures.

usage: exchange.py serve|connect|both HOST PORT

The client connects, sends "hello\n", reads "world\n", shuts down its side
(FIN), and the server closes after it sees end-of-file. Every socket call
has a 5 s timeout so nothing can hang; traffic stays on the given address
(loopback or a namespace the fixture script created).
"""
import socket
import sys
import threading
import time

TIMEOUT = 5.0


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def serve(host, port, ready=None):
    with socket.socket(family(host), socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(TIMEOUT)
        s.bind((host, port))
        s.listen(1)
        if ready:
            ready.set()
        conn, _ = s.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            conn.recv(100)
            conn.sendall(b"world\n")
            while conn.recv(100):
                pass


def connect(host, port):
    with socket.socket(family(host), socket.SOCK_STREAM) as c:
        c.settimeout(TIMEOUT)
        for _ in range(50):  # bounded retry while the server starts
            try:
                c.connect((host, port))
                break
            except (ConnectionRefusedError, OSError):
                time.sleep(0.1)
        c.sendall(b"hello\n")
        c.recv(100)
        time.sleep(0.05)
        c.shutdown(socket.SHUT_WR)
        c.recv(100)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "serve":
        serve(host, port)
    elif mode == "connect":
        connect(host, port)
    else:
        ready = threading.Event()
        t = threading.Thread(target=serve, args=(host, port, ready))
        t.start()
        ready.wait(TIMEOUT)
        connect(host, port)
        t.join(TIMEOUT)


if __name__ == "__main__":
    main()
