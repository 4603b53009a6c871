#!/usr/bin/env python3
"""Rewrites real captures (never invents TLS bytes) into the link-layer and file-format variants
Linux tcpdump does not produce here:
  null      BSD loopback (LINKTYPE_NULL, 4-byte host-order family)      -> derived-seed-null.pcap
  raw       raw IP (LINKTYPE_RAW)                                        -> derived-seed-raw.pcap
  qinq      Ethernet with 802.1ad + 802.1Q tags                          -> derived-seed-qinq.pcap
  bigendian the pcap written big-endian                                  -> derived-seed-bigendian.pcap
  reuse     the seed call and the mTLS call on the same 4-tuple, one after the other
                                                                         -> derived-port-reuse.pcap
Usage: relink.py CAPTURES_DIR"""
import struct, sys, os

d = sys.argv[1]

def read(path):
    data = open(path, "rb").read()
    assert data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"), "little-endian pcap expected"
    hdr, pos, recs = data[:24], 24, []
    while pos + 16 <= len(data):
        ts, tu, incl, orig = struct.unpack("<IIII", data[pos:pos + 16])
        recs.append([ts, tu, data[pos + 16:pos + 16 + incl], orig])
        pos += 16 + incl
    return hdr, recs

def write(path, linktype, recs, endian="<", magic=0xa1b2c3d4):
    out = [struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype)]
    for ts, tu, frame, orig in recs:
        out.append(struct.pack(endian + "IIII", ts, tu, len(frame), len(frame)))
        out.append(frame)
    open(path, "wb").write(b"".join(out))

seed_hdr, seed = read(os.path.join(d, "seed-jsse-empty-cert.pcap"))
assert struct.unpack("<I", seed_hdr[20:24])[0] == 1, "Ethernet source expected"

# NULL: family 2 (AF_INET) in little-endian host order, then the IP packet.
write(os.path.join(d, "derived-seed-null.pcap"), 0, [[t, u, struct.pack("<I", 2) + f[14:], o - 10] for t, u, f, o in seed])
# RAW: the IP packet alone.
write(os.path.join(d, "derived-seed-raw.pcap"), 101, [[t, u, f[14:], o - 14] for t, u, f, o in seed])
# QinQ: outer 802.1ad tag (VID 100), inner 802.1Q tag (VID 10), then the original ethertype.
def qinq(f):
    return f[:12] + b"\x88\xa8\x00\x64" + b"\x81\x00\x00\x0a" + f[12:]
write(os.path.join(d, "derived-seed-qinq.pcap"), 1, [[t, u, qinq(f), o + 8] for t, u, f, o in seed])
# Big-endian file, same packets.
write(os.path.join(d, "derived-seed-bigendian.pcap"), 1, seed, endian=">")

# Port reuse: the mTLS call's packets moved onto the seed call's 4-tuple, two seconds later.
_, ok = read(os.path.join(d, "jsse-mtls-ok.pcap"))
def ports(f):
    ihl = (f[14] & 0x0F) * 4
    return struct.unpack(">HH", f[14 + ihl:14 + ihl + 4])
seed_client, seed_server = None, None
for t, u, f, o in seed:
    flags = f[14 + (f[14] & 0x0F) * 4 + 13]
    if flags & 0x02 and not flags & 0x10:
        seed_client, seed_server = ports(f)
        break
ok_client = None
for t, u, f, o in ok:
    flags = f[14 + (f[14] & 0x0F) * 4 + 13]
    if flags & 0x02 and not flags & 0x10:
        ok_client = ports(f)[0]
        break
def move(f):
    ihl = (f[14] & 0x0F) * 4
    s, dport = ports(f)
    s2 = seed_client if s == ok_client else seed_server
    d2 = seed_client if dport == ok_client else seed_server
    return f[:14 + ihl] + struct.pack(">HH", s2, d2) + f[14 + ihl + 4:]
last = seed[-1][0]
shift = last + 2 - ok[0][0]
write(os.path.join(d, "derived-port-reuse.pcap"), 1, seed + [[t + shift, u, move(f), o] for t, u, f, o in ok])
