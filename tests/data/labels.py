# Keep-alive, zero window and window update on loopback (for synack's label test).
import socket, time, threading
PORT = 47555
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
srv.bind(('127.0.0.1', PORT)); srv.listen(1)
c = socket.socket()
c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
c.connect(('127.0.0.1', PORT))
conn, _ = srv.accept()
c.sendall(b'hello')
conn.recv(100)
time.sleep(2.5)            # idle: keep-alive probes from the client
c.setblocking(False)
sent = 0
try:
    for _ in range(12):
        sent += c.send(b'x' * 4096)
except BlockingIOError:
    pass
time.sleep(0.5)            # the server does not read: its window goes to zero
got = 0
conn.settimeout(1)
while got < sent:
    got += len(conn.recv(65536))   # reading opens the window again
c.setblocking(True)
c.close(); conn.close(); srv.close()
print('sent', sent)
