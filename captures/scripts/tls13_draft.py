#!/usr/bin/env python3
"""A TLS 1.3 *draft* handshake between two real implementations: tlslite-ng 0.8.0-alpha10 (PyPI),
whose TLS 1.3 is draft-ietf-tls-tls13-26 (version 0x7f1a on the wire). Run with that version
installed (wild.sh makes a venv): tls13_draft.py server|client HOST PORT CERT KEY [KEYLOG] (the client writes KEYLOG).

The client sends one request, reads the answer and closes (close_notify); the server closes too. Python's time.clock, which the package's own tls.py script needs, is gone
since 3.8, hence this small driver over the library API."""
import socket
import sys

from tlslite.api import HandshakeSettings, TLSConnection, X509, X509CertChain, parsePEMKey
from tlslite.recordlayer import RecordLayer

# tlslite-ng writes no key log: record the traffic secrets where the record layer receives them
# (first call: handshake secrets, second: application secrets; the labels are RFC 8446's already
# in draft 26) and write them in the NSS key log format beside the capture.
SECRETS = []
_pending = RecordLayer.calcTLS1_3PendingState


def _recording(self, suite, cl, sr, impl):
    SECRETS.append((bytes(cl), bytes(sr)))
    return _pending(self, suite, cl, sr, impl)


RecordLayer.calcTLS1_3PendingState = _recording


def chain(path):
    text = open(path).read()
    pems = ["-----BEGIN CERTIFICATE-----" + p for p in text.split("-----BEGIN CERTIFICATE-----")[1:]]
    certs = []
    for p in pems:
        c = X509()
        c.parse(p)
        certs.append(c)
    return X509CertChain(certs)


def main():
    role, host, port, cert, key = sys.argv[1:6]
    port = int(port)
    key = parsePEMKey(open(key).read(), private=True)
    certs = chain(cert)
    settings = HandshakeSettings()
    if role == "server":
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((host, port))
        ls.listen(1)
        ls.settimeout(10)
        s, _ = ls.accept()
        s.settimeout(5)
        c = TLSConnection(s)
        c.handshakeServer(certChain=certs, privateKey=key, settings=settings)
        c.read()
        c.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        c.close()
        ls.close()
    else:
        s = socket.create_connection((host, port), timeout=5)
        c = TLSConnection(s)
        c.handshakeClientCert(certs, key, settings=settings, serverName="partner.test")
        print("negotiated", c.version, c.getCipherName())
        if len(sys.argv) > 6 and len(SECRETS) >= 2:
            cr = bytes(c._clientRandom).hex()
            labels = [("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET"),
                      ("CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0")]
            with open(sys.argv[6], "w") as f:
                for (lc, ls), (cl, sr) in zip(labels, SECRETS):
                    f.write(f"{ls} {cr} {sr.hex()}\n{lc} {cr} {cl.hex()}\n")
        c.write(b"POST /orders HTTP/1.1\r\nHost: partner.test\r\nContent-Length: 0\r\n\r\n")
        print(c.read()[:15])
        c.close()


if __name__ == "__main__":
    main()
