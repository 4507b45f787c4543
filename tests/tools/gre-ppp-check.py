#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check what a relay gateway forwarded, from a tcpdump capture of its GRE.

usage: gre-ppp-check.py PCAP --gateway ADDR --frames N --pattern HEX

Every enhanced-GRE data packet in PCAP must carry PPP protocol 0x00FD
(MPPE: encrypted and compressed), no packet may contain the bytes PATTERN
(a ping payload that would show in cleartext), and the data packets the
gateway sent (source ADDR) must carry rising sequence numbers, numbered one
by one: a gap is allowed only for a packet the capture missed.  N is how
many data packets crossed; a loaded guest's tcpdump may miss some, so at
least three quarters of them must be there.  Prints one summary line;
exits 1 with the reason when a check fails.
"""
import argparse
import ipaddress
import struct
import sys

from pcapread import check_encrypted, packets, ppp_protocol


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--frames", type=int, required=True)
    ap.add_argument("--pattern", required=True)
    args = ap.parse_args()
    gateway = ipaddress.IPv4Address(args.gateway).packed
    pattern = bytes.fromhex(args.pattern)

    protos, seqs, n = {}, [], 0
    for raw, ip in packets(args.pcap):
        if pattern in raw:
            sys.exit("cleartext payload %s on the wire" % args.pattern)
        g = ip[(ip[0] & 15) * 4:]
        flags, _, plen, _ = struct.unpack_from("!HHHH", g)
        if not flags & 0x1000:
            continue                    # an ack without data
        if ip[12:16] == gateway:
            seqs.append(struct.unpack_from("!I", g, 8)[0])
        o = 12 + (4 if flags & 0x0080 else 0)
        proto = ppp_protocol(g[o:o + plen])
        protos[proto] = protos.get(proto, 0) + 1
        n += 1
    check_encrypted(protos, n, args.frames)
    if len(seqs) < args.frames * 3 // 8 or \
            any(b <= a for a, b in zip(seqs, seqs[1:])):
        sys.exit("the gateway's sequence numbers: %s" % seqs)
    if seqs[-1] - seqs[0] + 1 - len(seqs) > args.frames - n + 2:
        sys.exit("gaps in the gateway's sequence numbers: %s" % seqs)
    print("%d frames, all PPP 0x00FD; gateway seq %d..%d" %
          (n, seqs[0], seqs[-1]))


if __name__ == "__main__":
    main()
