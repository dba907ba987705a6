#!/usr/bin/env python3
"""The tutorial's client: connects to 127.0.0.1:8090, sends "hello",
prints the echo and closes first (so it ends in TIME_WAIT).
usage: client.py [message]"""
import os, socket, sys

HOST, PORT = "127.0.0.1", int(os.environ.get("PORT", 8090))

def main():
    msg = (sys.argv[1] if len(sys.argv) > 1 else "hello").encode()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.connect((HOST, PORT))                   # SYN, SYN-ACK, ACK: ESTABLISHED
        s.sendall(msg)
        print("echo:", s.recv(1024).decode())
    # leaving `with` closes first: FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT

if __name__ == "__main__":
    main()
