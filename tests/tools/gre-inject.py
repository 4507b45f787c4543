#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made enhanced-GRE packets to test kpptp's receive validation.

usage: gre-inject.py --dst ADDR [--src ADDR] --call-id N CASE [CASE...]
       gre-inject.py --list --call-id N
       gre-inject.py --dst ADDR --call-id N --fuzz COUNT [--seed S]
       gre-inject.py --dst ADDR [--src ADDR] --call-id N --flood SECONDS
       gre-inject.py --dst ADDR --call-id N --stream COUNT [--seq FIRST]
                     [--step N] [--size BYTES] [--pfc] [--acfc] [--hex]
       gre-inject.py --dst ADDR --call-id N --lcp COUNT [--seq FIRST]

Each CASE sends one packet and names the single counter it must move:
prints "CASE counter" lines so the test can check every packet was counted.
--fuzz sends COUNT random GRE version 1 headers (random flags, lengths and
call IDs around N) and prints how many were sent.
--flood sends, as fast as it can for SECONDS, data packets with rising
sequence numbers and acks to call N, and packets for unknown calls and
malformed ones; errors (the route or the interface went away) are ignored.
--stream sends COUNT data packets numbered from FIRST (default 1) in steps
of N (default 1: no gaps), each an
IPv4 PPP frame with BYTES bytes of information field (default 40): with the
address/control field unless --acfc, the protocol in one byte with --pfc.
It prints how many were sent, or with --hex each GRE packet as sent, one
hex line per packet.
--lcp sends COUNT LCP Configure-Requests numbered from FIRST, with ids 1
to COUNT and the magic number 0x4b505450 ("KPTP"), which pppd logs as
"rcvd [LCP ConfReq id=0x1 <magic 0x4b505450>]".
"""
import argparse
import random
import socket
import struct
import time

K, S, A, C, R, STRICT = 0x2000, 0x1000, 0x0080, 0x8000, 0x4000, 0x0800
VER1, PPP = 0x0001, 0x880B
LCP_ECHO = bytes([0xFF, 0x03, 0xC0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0])


def gre(flags, proto, length, call, seq=None, ack=None, payload=b""):
    hdr = struct.pack("!HHHH", flags, proto, length, call)
    if seq is not None:
        hdr += struct.pack("!I", seq)
    if ack is not None:
        hdr += struct.pack("!I", ack)
    return hdr + payload


def cases(call):
    p = LCP_ECHO
    n = len(p)
    return {
        # name: (packet, counter it must increase)
        "bad-protocol": (gre(K | S | VER1, 0x0800, n, call, 1, None, p), "rx_malformed"),
        "checksum-flag": (gre(K | S | C | VER1, PPP, n, call, 1, None, p), "rx_malformed"),
        "routing-flag": (gre(K | S | R | VER1, PPP, n, call, 1, None, p), "rx_malformed"),
        "strict-route-flag": (gre(K | S | STRICT | VER1, PPP, n, call, 1, None, p), "rx_malformed"),
        "recursion": (gre(K | S | 0x0300 | VER1, PPP, n, call, 1, None, p), "rx_malformed"),
        "no-key": (gre(S | VER1, PPP, n, 0, 1, None, p), "rx_malformed"),
        "no-seq-no-ack": (gre(K | VER1, PPP, 0, call) + b"\0" * 8, "rx_malformed"),
        "short-header": (gre(K | S | A | VER1, PPP, 0, call, 1), "rx_malformed"),
        "unknown-call": (gre(K | S | VER1, PPP, n, call ^ 0x5555, 1, None, p), "rx_unknown_call"),
        "truncated": (gre(K | S | VER1, PPP, n + 100, call, 1, None, p), "rx_invalid"),
        "seq-without-payload": (gre(K | S | VER1, PPP, 0, call, 1), "rx_invalid"),
        "ack-with-payload": (gre(K | A | VER1, PPP, n, call, None, 0, p), "rx_invalid"),
        "ack-only": (gre(K | A | VER1, PPP, 0, call, None, 0), "rx_acks"),
        # seq 0 went long ago: late; sequence numbers 2^30 away are not
        # believed alone (rx_out_of_range), but four in a row restart there
        "duplicate": (gre(K | S | VER1, PPP, n, call, 0, None, p), "rx_duplicate"),
        "far-seq": (gre(K | S | VER1, PPP, n, call, 0x40000000, None, p), "rx_out_of_range"),
        "far-seq-2": (gre(K | S | VER1, PPP, n, call, 0x40000001, None, p), "rx_out_of_range"),
        "far-seq-3": (gre(K | S | VER1, PPP, n, call, 0x40000002, None, p), "rx_out_of_range"),
        "far-seq-4": (gre(K | S | VER1, PPP, n, call, 0x40000003, None, p), "rx_packets"),
    }


def stream(call, count, first, step, size, pfc, acfc):
    for i in range(count):
        seq = (first + i * step) & 0xFFFFFFFF
        frame = b"" if acfc else bytes([0xFF, 0x03])
        frame += bytes([0x21]) if pfc else bytes([0x00, 0x21])
        frame += bytes((seq + j) & 0xFF for j in range(size))
        yield gre(K | S | VER1, PPP, len(frame), call, seq, None, frame)


def fuzz(call, count, seed):
    rnd = random.Random(seed)
    for _ in range(count):
        # gre_demux reads the version from the whole low 7 bits, so a
        # packet with the reserved Flags bits set never reaches a GRE v1
        # handler; keep them clear so every packet is ours to count.
        flags = (rnd.getrandbits(16) & ~0x007F) | VER1
        length = rnd.choice([0, 1, 12, 200, rnd.getrandbits(16)])
        cid = rnd.choice([call, call ^ 1, rnd.getrandbits(16)])
        body = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(4, 48)))
        yield struct.pack("!HHHH", flags, rnd.choice([PPP, PPP, rnd.getrandbits(16)]),
                          length, cid) + body


def lcp_confreqs(call, count, first):
    for i in range(count):
        lcp = bytes([0x01, i + 1, 0x00, 0x0A, 0x05, 0x06]) + b"KPTP"
        p = bytes([0xFF, 0x03, 0xC0, 0x21]) + lcp
        yield gre(K | S | VER1, PPP, len(p), call, first + i, None, p)


def flood(sock, dst, call, seconds):
    p = LCP_ECHO
    other = [gre(K | A | VER1, PPP, 0, call, None, 0),
             gre(K | S | VER1, PPP, len(p), call ^ 0x5555, 1, None, p),
             gre(K | S | VER1, 0x0800, len(p), call, 1, None, p)]
    end = time.monotonic() + seconds
    sent = seq = 0
    while time.monotonic() < end:
        for _ in range(64):
            seq += 1
            for pkt in [gre(K | S | A | VER1, PPP, len(p), call, seq, 0, p)] + other:
                try:
                    sock.sendto(pkt, (dst, 0))
                    sent += 1
                except OSError:
                    pass
    return sent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dst")
    ap.add_argument("--list", action="store_true",
                    help="print the cases and their counters, send nothing")
    ap.add_argument("--src")
    ap.add_argument("--call-id", type=int, required=True)
    ap.add_argument("--fuzz", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--flood", type=float)
    ap.add_argument("--stream", type=int)
    ap.add_argument("--lcp", type=int)
    ap.add_argument("--seq", type=int, default=1)
    ap.add_argument("--step", type=int, default=1)
    ap.add_argument("--size", type=int, default=40)
    ap.add_argument("--pfc", action="store_true")
    ap.add_argument("--acfc", action="store_true")
    ap.add_argument("--hex", action="store_true")
    ap.add_argument("case", nargs="*")
    args = ap.parse_args()

    if args.list:
        for name, (_, counter) in cases(args.call_id).items():
            print(f"{name} {counter}")
        return
    if not args.dst:
        raise SystemExit("gre-inject: --dst is required")
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    if args.src:
        sock.bind((args.src, 0))
    if args.flood:
        print(f"flood {flood(sock, args.dst, args.call_id, args.flood)}")
        return
    if args.fuzz:
        sent = 0
        for pkt in fuzz(args.call_id, args.fuzz, args.seed):
            sock.sendto(pkt, (args.dst, 0))
            sent += 1
        print(f"fuzz {sent}")
        return
    if args.stream:
        sent = 0
        for pkt in stream(args.call_id, args.stream, args.seq, args.step,
                          args.size, args.pfc, args.acfc):
            sock.sendto(pkt, (args.dst, 0))
            sent += 1
            if args.hex:
                print(pkt.hex())
        if not args.hex:
            print(f"stream {sent}")
        return
    if args.lcp:
        for pkt in lcp_confreqs(args.call_id, args.lcp, args.seq):
            sock.sendto(pkt, (args.dst, 0))
        print(f"lcp {args.lcp}")
        return
    table = cases(args.call_id)
    for name in args.case or table:
        if name not in table:
            raise SystemExit(f"gre-inject: unknown case \"{name}\"")
        pkt, counter = table[name]
        sock.sendto(pkt, (args.dst, 0))
        print(f"{name} {counter}")


if __name__ == "__main__":
    main()
