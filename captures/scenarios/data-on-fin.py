#!/usr/bin/env python3
"""data-on-fin: with TCP_CORK set, sendall(b"bye") followed by shutdown(SHUT_WR)/close() lets the kernel put
the FIN on the still-unsent data segment (tcp_send_fin marks the queued tail skb).  The
server answers the same way, so both FINs carry payload.
usage: data-on-fin.py server | data-on-fin.py client [client_port]"""
import socket, sys, time

SERVER = ("10.99.0.2", 5009)
CLIENT_PORT = 6009

def server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    while True:
        data = conn.recv(1024)
        if not data:
            break
        print("server got", data)
    time.sleep(0.2)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
    conn.sendall(b"see you")
    conn.close()                       # FIN rides on the "see you" segment
    srv.close()

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    s.sendall(b"hello")
    time.sleep(0.2)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
    s.sendall(b"bye")
    s.shutdown(socket.SHUT_WR)         # FIN rides on the "bye" segment
    while True:                        # (a full close() here would answer the server's
        data = s.recv(1024)            #  data with RST: data for a closed socket)
        if not data:
            break
        print("client got", data)
    s.close()

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else CLIENT_PORT)
