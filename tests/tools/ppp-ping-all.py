#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ppp-ping-all: ICMP echo over every PPP link of this network namespace.

usage: ppp-ping-all.py DEST [--seconds T] [--interval S] [--prefix ppp]

For T seconds, every S seconds, one echo request to DEST leaves on each
interface whose name starts with the prefix and that has an IPv4 address
(one raw socket per interface, bound to it with SO_BINDTODEVICE, so that
every link carries its own traffic even though DEST is the same address
behind all of them).  Replies are counted per interface.

Prints one JSON object: links, requests, replies, links answered (at
least one reply), links never answered (their names, at most 10), and the
share of requests lost.  Exit status 1 if a link was never answered or
there was no link, 2 on bad usage.

One process and a poll loop rather than a ping per link: a thousand ping
processes would take more memory than the sessions being measured.
"""
import argparse
import json
import select
import socket
import struct
import subprocess
import sys
import time

SO_BINDTODEVICE = 25
ECHO_REQUEST, ECHO_REPLY = 8, 0


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo(ident, seq):
    payload = b"kpptp-bench" + bytes(21)
    head = struct.pack("!BBHHH", ECHO_REQUEST, 0, 0, ident, seq)
    return struct.pack("!BBHHH", ECHO_REQUEST, 0,
                       checksum(head + payload), ident, seq) + payload


def links(prefix):
    out = subprocess.run(["ip", "-j", "-4", "addr", "show"], check=True,
                         capture_output=True, text=True).stdout
    return sorted(i["ifname"] for i in json.loads(out)
                  if i["ifname"].startswith(prefix) and i.get("addr_info"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dest")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--interval", type=float, default=1)
    ap.add_argument("--prefix", default="ppp")
    a = ap.parse_args()

    names = links(a.prefix)
    socks = {}
    for ident, name in enumerate(names, 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, name.encode())
        s.setblocking(False)
        socks[s.fileno()] = (s, name, ident & 0xFFFF)
    replies = dict.fromkeys(names, 0)
    requests = 0
    poll = select.poll()
    for fd in socks:
        poll.register(fd, select.POLLIN)

    def drain(timeout_s):
        for fd, _ in poll.poll(max(0, timeout_s) * 1000):
            s, name, ident = socks[fd]
            while True:
                try:
                    pkt = s.recv(2048)
                except BlockingIOError:
                    break
                ihl = (pkt[0] & 0x0F) * 4
                typ, _, _, rid, _ = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
                if typ == ECHO_REPLY and rid == ident:
                    replies[name] += 1

    start = time.monotonic()
    seq = 0
    while time.monotonic() - start < a.seconds:
        seq += 1
        for s, name, ident in socks.values():
            try:
                s.sendto(echo(ident, seq), (a.dest, 0))
                requests += 1
            except OSError as e:
                print("ppp-ping-all: %s: %s" % (name, e), file=sys.stderr)
        until = start + seq * a.interval
        while time.monotonic() < until:
            drain(until - time.monotonic())
    # the last replies
    until = time.monotonic() + 2
    while time.monotonic() < until and sum(replies.values()) < requests:
        drain(until - time.monotonic())

    silent = [n for n in names if not replies[n]]
    got = sum(replies.values())
    print(json.dumps({
        "links": len(names), "requests": requests, "replies": got,
        "links_answered": len(names) - len(silent),
        "links_silent": silent[:10],
        "loss": round(1 - got / requests, 4) if requests else None,
    }))
    return 1 if silent or not names else 0


if __name__ == "__main__":
    sys.exit(main())
