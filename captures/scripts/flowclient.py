#!/usr/bin/env python3
"""Real clients for the flow-level captures (captures/scripts/flows.sh). TLS comes from Python's
ssl module (OpenSSL); TCP is the Linux kernel's. Every wait is bounded.

  rst HOST PORT            TLS 1.2 ClientHello, wait for the server's first bytes, then close with
                           SO_LINGER 0 (a RST) while the rest of the server's flight is still queued
  tfo HOST PORT N KEYLOG   N HTTPS GETs with TCP_FASTOPEN_CONNECT: once the kernel holds a cookie,
                           the ClientHello travels in the SYN; the key log goes to KEYLOG
  tiny HOST PORT DATA_HEX N SECONDS   a plain TCP client that sends DATA N times, SECONDS apart
                           (keep-alive-sized payloads, no TLS)
  listen PORT...           plain TCP servers that accept and read (answer nothing) for 20 s
"""
import select
import socket
import ssl
import struct
import sys
import threading
import time

TCP_FASTOPEN_CONNECT = 30  # linux/tcp.h


def ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    return c


def rst(host, port):
    c = ctx()
    c.maximum_version = ssl.TLSVersion.TLSv1_2
    s = socket.create_connection((host, port), timeout=5)
    s.setblocking(False)
    t = c.wrap_socket(s, server_hostname="partner.test", do_handshake_on_connect=False)
    try:
        t.do_handshake()  # writes the ClientHello, then wants the server's answer
    except ssl.SSLWantReadError:
        pass
    # wrap_socket took over the descriptor: wait for the server's first bytes (not read), then
    # reset at once.
    select.select([t], [], [], 5)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    t.close()


def tfo(host, port, n, keylog):
    """The TLS engine runs over memory BIOs so that its first flight can be handed to the kernel
    with sendto(MSG_FASTOPEN): the kernel then puts it in the SYN (with the cookie once it has
    one; the first connection asks for the cookie and sends the data after the handshake)."""
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        inc, outg = ssl.MemoryBIO(), ssl.MemoryBIO()
        c = ctx()
        c.keylog_filename = keylog
        t = c.wrap_bio(inc, outg, server_hostname="partner.test")
        try:
            t.do_handshake()
        except ssl.SSLWantReadError:
            pass
        # Blocking: without a cookie yet, the kernel connects first and then sends the data.
        s.sendto(outg.read(), socket.MSG_FASTOPEN, (host, port))
        s.settimeout(5)
        sent_request = False
        end = time.time() + 5
        while time.time() < end:
            try:
                data = s.recv(65536)
            except OSError:
                break
            if not data:
                break
            inc.write(data)
            try:
                got = 0
                t.do_handshake()
                if not sent_request:
                    t.write(b"GET / HTTP/1.0\r\nHost: partner.test\r\n\r\n")
                    sent_request = True
                got = 0
                while True:
                    chunk = t.read(65536)
                    if not chunk:
                        break
                    got += len(chunk)
            except ssl.SSLWantReadError:
                pass
            except (ssl.SSLZeroReturnError, ssl.SSLError):
                break
            pending = outg.read()
            if pending:
                s.sendall(pending)
            if sent_request and got:
                break  # the answer came: close_notify, then FIN
        try:
            t.unwrap()
        except ssl.SSLError:
            pass
        tail = outg.read()
        if tail:
            s.sendall(tail)
        s.close()
        time.sleep(0.3)


def tiny(host, port, data, n, gap):
    s = socket.create_connection((host, port), timeout=5)
    time.sleep(1.0)  # the capture starts after the handshake (a long-lived connection)
    for _ in range(n):
        s.sendall(data)
        time.sleep(gap)
    s.close()


def listen(ports):
    def serve(p):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("0.0.0.0", p))
        ls.listen(4)
        ls.settimeout(20)
        try:
            conn, _ = ls.accept()
        except OSError:
            return
        conn.settimeout(20)
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass
        conn.close()

    ts = [threading.Thread(target=serve, args=(p,), daemon=True) for p in ports]
    for t in ts:
        t.start()
    for t in ts:
        t.join(22)


def main():
    mode = sys.argv[1]
    if mode == "rst":
        rst(sys.argv[2], int(sys.argv[3]))
    elif mode == "tfo":
        tfo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif mode == "tiny":
        tiny(sys.argv[2], int(sys.argv[3]), bytes.fromhex(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
    elif mode == "listen":
        listen([int(p) for p in sys.argv[2:]])
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
