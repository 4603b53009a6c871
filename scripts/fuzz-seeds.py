#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (docs/fuzzing.md) in fuzz/corpus/<target>/ from
the committed captures, key logs and keystores; nothing here is committed but this script.

    python3 scripts/fuzz-seeds.py            # from the repository root; needs tshark, gzip, zstd, xz

capture        every committed capture (pcap, pcapng, Java javax.net.debug log) and three
               compressed copies (.gz, .zst, .xz) of a small one
tls_conn       the TCP streams of the captures, as tshark's "follow,tcp,raw" gives them (the
               reference decoder's reassembly), written as the tls_conn target's step script:
               op (bit 0: 0 client, 1 server), length u16 big-endian, bytes
keylog         the committed key logs
identity       every keystore and key/certificate file, prefixed with the password byte
               (0 none, 1 "changeit")
http           each side of every captured TCP stream that starts with an HTTP head (a response
               "HTTP/", a request line), and captures/scripts/http-200.txt
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX_STREAMS = 6  # TCP streams taken per capture (many-connections.pcap has hundreds)
MAX_SEED = 256 * 1024


def put(target, data, name=None):
    if not data or len(data) > MAX_SEED:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def captures():
    pats = ["captures/*.pcap", "captures/*.pcapng", "captures/*/*.pcap", "captures/*/*.pcapng"]
    out = []
    for p in pats:
        out += glob.glob(os.path.join(ROOT, p))
    return sorted(set(out))


def follow(pcap):
    """The first MAX_STREAMS TCP streams of a capture: lists of (side, bytes)."""
    ids = subprocess.run(
        ["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.stream"],
        capture_output=True, text=True, check=False,
    ).stdout.split()
    streams = sorted({int(i) for i in ids if i.isdigit()})[:MAX_STREAMS]
    if not streams:
        return []
    cmd = ["tshark", "-r", pcap, "-q"]
    for s in streams:
        cmd += ["-z", f"follow,tcp,raw,{s}"]
    text = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    out = []
    for block in text.split("===================================================================\nFollow: tcp,raw")[1:]:
        chunks = []
        for line in block.splitlines():
            m = re.fullmatch(r"(\t?)([0-9a-f]+)", line)
            if m:
                chunks.append((1 if m.group(1) else 0, bytes.fromhex(m.group(2))))
        if chunks:
            out.append(chunks)
    return out


def script(chunks):
    b = bytearray()
    for side, data in chunks:
        while data:
            part, data = data[:0xFFFF], data[0xFFFF:]
            b += bytes([side]) + len(part).to_bytes(2, "big") + part
    b += bytes([0 | (7 << 1)]) + (0).to_bytes(2, "big")  # client closes
    b += bytes([1 | (7 << 1)]) + (0).to_bytes(2, "big")  # server closes
    return bytes(b)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    pcaps = captures()
    for p in pcaps:
        put("capture", read(p), os.path.basename(p))
    for p in glob.glob(os.path.join(ROOT, "captures/jsselog/*.log")):
        put("capture", read(p), os.path.basename(p))
    small = os.path.join(ROOT, "captures/tls13-client-cert.pcap")
    for tool, ext in (("gzip", "gz"), ("zstd", "zst"), ("xz", "xz")):
        z = subprocess.run([tool, "-c", small], capture_output=True, check=True).stdout
        put("capture", z, f"tls13-client-cert.pcap.{ext}")

    for p in pcaps:
        for i, chunks in enumerate(follow(p)):
            put("tls_conn", script(chunks), f"{os.path.basename(p)}.{i}")
            for side in (0, 1):
                data = b"".join(d for s, d in chunks if s == side)
                if re.match(rb"(HTTP/1\.[01] [0-9]{3}|[A-Z]+ \S+ HTTP/1\.[01]\r\n)", data):
                    put("http", data[:65536], f"{os.path.basename(p)}.{i}.{side}")
    put("http", read(os.path.join(ROOT, "captures/scripts/http-200.txt")), "http-200.txt")

    for p in glob.glob(os.path.join(ROOT, "captures/*.keylog")):
        put("keylog", read(p), os.path.basename(p))

    ids = []
    for pat in ("captures/keystores/*.jks", "captures/keystores/*.p12", "captures/pki/*.pem",
                "captures/pki/*.key", "tests/data/identity/*.pem", "tests/data/identity/*.key",
                "tests/data/identity/*.der", "tests/data/identity/*.p12",
                "tests/data/identity/*.jks", "tests/data/identity/*.jceks"):
        ids += glob.glob(os.path.join(ROOT, pat))
    for p in sorted(ids):
        put("identity", b"\x01" + read(p), os.path.basename(p))
    for d in sorted(os.listdir(OUT)):
        n = len(os.listdir(os.path.join(OUT, d)))
        size = sum(os.path.getsize(os.path.join(OUT, d, f)) for f in os.listdir(os.path.join(OUT, d)))
        print(f"{d}: {n} seeds, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
