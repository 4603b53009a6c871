#!/usr/bin/env python3
"""A one-connection TCP relay on loopback that holds every chunk from the client for DELAY
seconds before passing it on (the server's answers pass at once): it makes a real TLS handshake
between an unmodified client and server last seconds, as a slow client or proxy does.
Usage: slow-relay.py LISTEN_PORT SERVER_PORT DELAY   (127.0.0.1 only; exits after one connection
or 20 s)."""
import socket
import sys
import threading
import time

listen_port, server_port, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", listen_port))
ls.listen(1)
ls.settimeout(20)
client, _ = ls.accept()
server = socket.create_connection(("127.0.0.1", server_port), timeout=20)
for s in (client, server):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.settimeout(20)


def pump(src, dst, hold):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if hold:
                time.sleep(hold)
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


threads = [
    threading.Thread(target=pump, args=(client, server, delay)),
    threading.Thread(target=pump, args=(server, client, 0)),
]
for t in threads:
    t.start()
for t in threads:
    t.join(20)
client.close()
server.close()
