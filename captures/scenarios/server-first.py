#!/usr/bin/env python3
"""server-first: client sends "hello", server replies and closes first; client closes after EOF.
usage: server-first.py server | server-first.py client [client_port]"""
import socket, sys, time

SERVER = ("10.99.0.2", 5002)
CLIENT_PORT = 6002

def server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    conn.recv(1024)
    conn.sendall(b"world")
    time.sleep(0.2)
    conn.close()                       # active close on the server side
    srv.close()

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    s.sendall(b"hello")
    while True:
        data = s.recv(1024)
        if not data:                   # server's FIN -> CLOSE_WAIT
            break
        print("client got", data)
    time.sleep(0.3)
    s.close()                          # CLOSE_WAIT -> LAST_ACK

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else CLIENT_PORT)
