#!/usr/bin/env python3
"""normal: client sends "hello", server replies, client closes first, then the server.
usage: normal.py server | normal.py client [client_port]"""
import socket, sys, time

SERVER = ("10.99.0.2", 5001)
CLIENT_PORT = 6001

def server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    data = conn.recv(1024)             # b"hello"
    conn.sendall(b"world")
    while conn.recv(1024):             # wait for the client's FIN (recv() == b"")
        pass
    time.sleep(0.3)                    # let our ACK of the FIN go out on its own
    conn.close()                       # CLOSE_WAIT -> LAST_ACK
    srv.close()

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    s.sendall(b"hello")
    print("client got", s.recv(1024))
    time.sleep(0.2)
    s.close()                          # active close -> FIN_WAIT1 ... TIME_WAIT

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else CLIENT_PORT)
