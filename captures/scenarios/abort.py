#!/usr/bin/env python3
"""abort: client enables SO_LINGER with a zero timeout and closes -> RST from ESTABLISHED.
usage: abort.py server | abort.py client [client_port]"""
import socket, struct, sys, time

SERVER = ("10.99.0.2", 5005)
CLIENT_PORT = 6005

def server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(SERVER)
    srv.listen(1)
    conn, addr = srv.accept()
    conn.recv(1024)
    conn.sendall(b"world")
    try:
        print("server got", conn.recv(1024))
    except ConnectionResetError as e:  # the RST
        print("server:", e)
    conn.close()
    srv.close()

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    s.connect(SERVER)
    s.sendall(b"hello")
    print("client got", s.recv(1024))
    time.sleep(0.2)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()                          # abortive close: RST instead of FIN

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else CLIENT_PORT)
