#!/usr/bin/env python3
"""half-close: client sends a request and shutdown(SHUT_WR); the server keeps sending
data afterwards (client in FIN_WAIT2 still receives), then the server closes.
usage: half-close.py server | half-close.py client [client_port]"""
import socket, sys, time

SERVER = ("10.99.0.2", 5003)
CLIENT_PORT = 6003

def server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    request = b""
    while True:
        data = conn.recv(1024)
        if not data:                   # client's FIN: we are in CLOSE_WAIT now
            break
        request += data
    for i in range(3):                 # still allowed to send in CLOSE_WAIT
        time.sleep(0.1)
        conn.sendall(b"reply part %d to %s\n" % (i, request))
    time.sleep(0.1)
    conn.close()
    srv.close()

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    s.sendall(b"hello")
    s.shutdown(socket.SHUT_WR)         # FIN now, but keep reading
    while True:
        data = s.recv(1024)
        if not data:
            break
        print("client got", data)
    s.close()

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else CLIENT_PORT)
