#!/usr/bin/env python3
"""bulk: the client sends a block of data in small segments (TCP_MAXSEG), shuts down its
sending side, reads the server's "got N" and closes; the server reads everything, answers,
then closes 0.3 s later. fast-retransmit.py, zero-window.py and lossy.py are links to this
file: the name it is called by picks the scenario (the drops are the driver's nftables rules).
  fast-retransmit  port 5015: 8000 bytes, MSS 200 (188-byte segments with timestamps)
  zero-window      port 5016: 12000 bytes, MSS 200; the server's SO_RCVBUF is 2048 and it
                   reads nothing for 1.5 s (window full, zero window, probes, window update)
  lossy            port 5017: 61440 bytes, MSS 500
usage: NAME.py server | NAME.py client [client_port]"""
import os, socket, sys, time

COUNTING = bytes(range(256))
SCENARIOS = {  # name: (server port, data, MSS, server SO_RCVBUF or None, server pause s)
    "fast-retransmit": (5015, COUNTING * 31 + bytes(64), 200, None, 0),
    "zero-window": (5016, bytes(12000), 200, 2048, 1.5),
    "lossy": (5017, COUNTING * 240, 500, None, 0),
}
NAME = os.path.basename(sys.argv[0]).removesuffix(".py")
PORT, DATA, MSS, RCVBUF, PAUSE = SCENARIOS[NAME]
SERVER = ("10.99.0.2", PORT)

def server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if RCVBUF:
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)   # inherited by accept()
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    time.sleep(PAUSE)
    got = 0
    while True:
        b = conn.recv(65536)
        if not b:
            break
        got += len(b)
    conn.sendall(b"got %d" % got)
    time.sleep(0.3)
    conn.close()
    srv.close()

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    s.sendall(DATA)
    s.shutdown(socket.SHUT_WR)
    print("client got", s.recv(1024))
    time.sleep(0.2)
    s.close()

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else PORT + 1000)
