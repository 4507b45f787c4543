#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Capture the GRE packets an interface receives, as a packet socket sees them.

usage: gre-capture.py --dev DEV --ready FILE --go FILE [--timeout S]

Opens an AF_PACKET socket on DEV (a plain one: the kernel queues a clone of
each packet, sharing its data, and the bytes are read only later), creates
FILE --ready, waits until FILE --go exists, waits a little more so that the
stack has long finished with the packets, then prints the IP payload of
every unfragmented GRE packet received (not sent) on DEV as one hex line
per packet.

tcpdump cannot show a receive path that writes into shared packet data:
libpcap's memory-mapped ring copies each packet when it is captured, before
the protocol handlers run.  Reading clones late does show it.
"""
import argparse
import os
import socket
import struct
import time

ETH_P_IP = 0x0800
PACKET_HOST = 0
IPPROTO_GRE = 47


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                         socket.htons(ETH_P_IP))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((args.dev, ETH_P_IP))
    open(args.ready, "w").close()
    end = time.monotonic() + args.timeout
    while not os.path.exists(args.go):
        if time.monotonic() > end:
            raise SystemExit(f"gre-capture: {args.go} never appeared")
        time.sleep(0.05)
    time.sleep(0.5)
    while True:
        try:
            data, addr = sock.recvfrom(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            break
        if addr[2] != PACKET_HOST or len(data) < 20 or data[9] != IPPROTO_GRE:
            continue
        if struct.unpack("!H", data[6:8])[0] & 0x3FFF:
            continue        # a fragment: the payload is not one GRE packet
        ihl = (data[0] & 0x0F) * 4
        total = struct.unpack("!H", data[2:4])[0]
        print(data[ihl:total].hex())


if __name__ == "__main__":
    main()
