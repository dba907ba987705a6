#!/usr/bin/env python3
"""TCP peers for the tunnel, fragment and ICMP fixtures (run inside the
network namespaces make-encap-fixtures.sh creates).

usage:
  peer.py serve HOST PORT           accept one connection, read to EOF, answer "ok\\n"
  peer.py send HOST PORT BYTES      connect, send BYTES bytes, shut down, read the answer
  peer.py syn HOST PORT [TTL]       connect once (1.5 s), with an IP TTL/hop limit if given;
                                    the connect is expected to fail

Every socket call has a timeout, so nothing hangs.
"""
import socket
import sys
import time

TIMEOUT = 5.0


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def serve(host, port):
    with socket.socket(family(host), socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(TIMEOUT * 2)
        s.bind((host, port))
        s.listen(1)
        conn, _ = s.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            while conn.recv(65536):
                pass
            conn.sendall(b"ok\n")


def send(host, port, size):
    for _ in range(50):  # bounded retry while the server starts
        c = socket.socket(family(host), socket.SOCK_STREAM)
        c.settimeout(TIMEOUT)
        try:
            c.connect((host, port))
            break
        except OSError:
            c.close()
            time.sleep(0.1)
    else:
        raise SystemExit(f"could not connect to {host} port {port}")
    with c:
        c.sendall(b"x" * size)
        c.shutdown(socket.SHUT_WR)
        c.recv(100)


def syn(host, port, ttl):
    fam = family(host)
    with socket.socket(fam, socket.SOCK_STREAM) as c:
        c.settimeout(1.5)
        if ttl:
            if fam == socket.AF_INET:
                c.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
            else:
                c.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
        try:
            c.connect((host, port))
        except OSError as e:
            print(f"connect: {e}", file=sys.stderr)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "serve":
        serve(host, port)
    elif mode == "send":
        send(host, port, int(sys.argv[4]))
    elif mode == "syn":
        syn(host, port, int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
