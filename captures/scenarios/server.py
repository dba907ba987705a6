#!/usr/bin/env python3
"""The tutorial's echo server: listens on 127.0.0.1:8090, echoes what each
client sends, and closes when the client has closed.
usage: server.py [connections]   (default: serve forever; Ctrl-C stops it)
Watch it with:  sudo synack watch --port 8090"""
import os, socket, sys

HOST, PORT = "127.0.0.1", int(os.environ.get("PORT", 8090))

def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else None
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)   # CLOSED
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, PORT))
    srv.listen()                                              # LISTEN
    print(f"listening on {HOST}:{PORT}", flush=True)
    served = 0
    while count is None or served < count:
        conn, addr = srv.accept()                             # ESTABLISHED
        with conn:
            while data := conn.recv(1024):                    # b"" = the client's FIN
                conn.sendall(data)                            # echo
        # leaving `with` closes: CLOSE_WAIT -> LAST_ACK -> CLOSED
        served += 1
        print(f"served {addr[0]}:{addr[1]}", flush=True)
    srv.close()

if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
