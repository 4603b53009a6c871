#!/usr/bin/env python3
"""A user-space IP-in-IPv4 tunnel end, for kernels without the ipip/sit modules (the capture
machine's kernel has neither, so `ip tunnel add … mode ipip|sit` fails with "No such device").

  tunnel.py TUN_NAME PROTO LOCAL_V4 REMOTE_V4 SECONDS

Creates the TUN device TUN_NAME (the caller addresses it and brings it up) and carries every
packet the kernel routes into it to REMOTE_V4 inside an IPv4 header of protocol PROTO (4: IPv4 in
IPv4, RFC 2003, what `mode ipip` sends; 41: IPv6 in IPv4, RFC 4213, what `mode sit` sends),
through a raw socket: the kernel writes the outer header, as its own tunnel driver would. Packets
of that protocol from REMOTE_V4 are unwrapped and handed back to the TUN device. Runs for at most
SECONDS. What is on the wire is what a kernel tunnel puts there: an outer IPv4 header, then the
inner packet unchanged."""
import fcntl
import os
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def main():
    name, proto, local, remote, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    raw.bind((local, 0))
    print("ready", flush=True)
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([tun, raw], [], [], 0.2)
        if tun in r:
            pkt = os.read(tun, 65535)
            # Only what the tunnel mode carries: IPv4 for protocol 4, IPv6 for protocol 41.
            if pkt and (pkt[0] >> 4) == (4 if proto == 4 else 6):
                raw.sendto(pkt, (remote, 0))
        if raw in r:
            data, (src, _) = raw.recvfrom(65535)
            if src != remote or len(data) < 20:
                continue
            ihl = (data[0] & 0x0F) * 4
            if data[9] != proto:
                continue
            try:
                os.write(tun, data[ihl:])
            except OSError:
                pass  # the device is not up yet


if __name__ == "__main__":
    main()
