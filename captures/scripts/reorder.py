#!/usr/bin/env python3
"""Rewrites a real pcap with TCP segments reordered and duplicated (deterministically): swaps
every 3rd data frame with the next one and repeats every 4th. Pure stdlib; pcap (µs, LE/BE)."""
import struct, sys

src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
magic = data[:4]
end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
header, pos, recs = data[:24], 24, []
while pos + 16 <= len(data):
    ts, tu, incl, orig = struct.unpack(end + "IIII", data[pos:pos + 16])
    recs.append(data[pos:pos + 16 + incl])
    pos += 16 + incl
out, i, n = [], 0, 0
while i < len(recs):
    r = recs[i]
    big = len(r) > 16 + 66  # carries TCP payload
    if big:
        n += 1
    if big and n % 3 == 0 and i + 1 < len(recs):
        out += [recs[i + 1], r]
        i += 2
        continue
    out.append(r)
    if big and n % 4 == 0:
        out.append(r)
    i += 1
open(dst, "wb").write(header + b"".join(out))
