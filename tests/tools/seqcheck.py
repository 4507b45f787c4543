#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Numbered UDP datagrams, to check what PPP delivers: never a duplicate,
never out of order.

  seqcheck.py recv PORT COUNT     prints "received N inversions N dups N"
  seqcheck.py send ADDR PORT COUNT
"""
import socket
import struct
import sys
import time


def recv(port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # a slow receiver must not lose datagrams in its own socket buffer
    so_rcvbufforce = 33  # not in Python's socket module
    try:
        s.setsockopt(socket.SOL_SOCKET, so_rcvbufforce, 8 << 20)
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("0.0.0.0", port))
    # the first datagram may take a while on a loaded emulated guest
    s.settimeout(15)
    last, got, inversions, dups, seen = -1, 0, 0, 0, set()
    try:
        while got < count:
            n = struct.unpack("!I", s.recv(2048)[:4])[0]
            s.settimeout(3)
            got += 1
            if n in seen:
                dups += 1
            elif n < last:
                inversions += 1
            seen.add(n)
            last = max(last, n)
    except socket.timeout:
        pass
    print(f"received {got} inversions {inversions} dups {dups}")


def send(addr, port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pad = b"x" * 200
    for n in range(count):
        s.sendto(struct.pack("!I", n) + pad, (addr, port))
        if n % 50 == 49:
            time.sleep(0.002)


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(int(sys.argv[2]), int(sys.argv[3]))
    else:
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
