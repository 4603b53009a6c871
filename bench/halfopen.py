#!/usr/bin/env python3
"""Writes a capture of N half-open TLS connections (issue 13 §4): each a SYN and a ClientHello
from its own 4-tuple, never answered. The two packets are the client's SYN and ClientHello of
captures/rule-no-sni.pcap (a real JSSE call); only the client's address (127.1.x.y) and port
change per connection (checksums are not recomputed: neither tlsdiag nor tshark checks them).
Not committed: bench/halfopen.sh makes it in a temporary directory.

Usage: halfopen.py N OUT.pcap"""
import os
import struct
import sys

n, out = int(sys.argv[1]), sys.argv[2]
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "captures", "rule-no-sni.pcap")
data = open(src, "rb").read()
assert data[:4] == b"\xd4\xc3\xb2\xa1" and struct.unpack("<I", data[20:24])[0] == 1
pos, frames = 24, []
while pos + 16 <= len(data):
    ts, tu, incl, orig = struct.unpack("<IIII", data[pos:pos + 16])
    frames.append(data[pos + 16:pos + 16 + incl])
    pos += 16 + incl
syn, hello = frames[0], frames[3]
assert syn[14 + 20 + 13] & 0x12 == 0x02 and hello[14 + 20 + 20 + 12] == 0x16


def moved(frame, i):
    f = bytearray(frame)
    f[26:30] = bytes([127, 1 + i // (250 * 250), 1 + (i // 250) % 250, 1 + i % 250])
    f[34:36] = struct.pack(">H", 20000 + i % 40000)
    return bytes(f)


with open(out, "wb") as w:
    w.write(data[:24])
    t0 = 1_780_000_000 * 1_000_000
    for i in range(n):
        t = t0 + i * 50  # one new connection every 50 µs
        for k, fr in enumerate((syn, hello)):
            ts = t + k * 20
            f = moved(fr, i)
            w.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(f), len(f)))
            w.write(f)
