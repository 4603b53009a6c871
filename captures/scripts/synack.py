#!/usr/bin/env python3
"""Derives derived-synack-isn.pcap from jsse-mtls-ok.pcap (a real JSSE mTLS call): the server's
SYN-ACK is preceded by two more SYN-ACKs with other initial sequence numbers, as a capture
shows when a server answers a retransmitted SYN with a new ISN (a SYN-cookie retry, a listener restarted, a load balancer's second answer). The client ACKs
the real one; every other byte is the original capture's. Only the copies' sequence number and
TCP checksum are changed (a kernel that would do it cannot be made to here: Linux answers a
retransmitted SYN with the same ISN, and its SYN cookies are the same for a minute).

Usage: synack.py CAPTURES_DIR"""
import os
import struct
import sys

d = sys.argv[1]
data = open(os.path.join(d, "jsse-mtls-ok.pcap"), "rb").read()
assert data[:4] == b"\xd4\xc3\xb2\xa1" and struct.unpack("<I", data[20:24])[0] == 1
hdr, pos, recs = data[:24], 24, []
while pos + 16 <= len(data):
    ts, tu, incl, orig = struct.unpack("<IIII", data[pos:pos + 16])
    recs.append([ts, tu, bytearray(data[pos + 16:pos + 16 + incl]), orig])
    pos += 16 + incl


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def with_isn(frame, delta):
    f = bytearray(frame)
    ihl = (f[14] & 0x0F) * 4
    tcp = 14 + ihl
    seq = struct.unpack(">I", f[tcp + 4:tcp + 8])[0]
    f[tcp + 4:tcp + 8] = struct.pack(">I", (seq + delta) & 0xFFFFFFFF)
    f[tcp + 16:tcp + 18] = b"\0\0"
    total = struct.unpack(">H", f[16:18])[0]
    seg = bytes(f[tcp:14 + total])
    pseudo = bytes(f[26:34]) + struct.pack(">BBH", 0, 6, len(seg))
    f[tcp + 16:tcp + 18] = struct.pack(">H", csum(pseudo + seg))
    return f


out = []
for i, (ts, tu, f, orig) in enumerate(recs):
    ihl = (f[14] & 0x0F) * 4
    flags = f[14 + ihl + 13]
    if flags & 0x12 == 0x12:  # the SYN-ACK
        out.append([ts, tu, with_isn(f, -0x2A000000), orig])
        out.append([ts, tu, with_isn(f, 0x13572468), orig])
        out.append([ts, tu, f, orig])
    else:
        out.append([ts, tu, f, orig])

res = [hdr]
for ts, tu, f, orig in out:
    res.append(struct.pack("<IIII", ts, tu, len(f), orig))
    res.append(bytes(f))
open(os.path.join(d, "derived-synack-isn.pcap"), "wb").write(b"".join(res))
