#!/usr/bin/env python3
"""refused: connect to a port nobody listens on -> SYN answered by RST/ACK.
usage: refused.py client [client_port]   (there is no server role)"""
import socket, sys

SERVER = ("10.99.0.2", 5006)
CLIENT_PORT = 6006

def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("10.99.0.1", port))
    try:
        s.connect(SERVER)
    except ConnectionRefusedError as e:
        print("client:", e)
    s.close()

if __name__ == "__main__":
    if sys.argv[1] == "server":
        pass
    else:
        client(int(sys.argv[2]) if len(sys.argv) > 2 else CLIENT_PORT)
