#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a pcap file written by "kpptpctl call capture ... write FILE".

usage: ppp-capture-check.py PCAP [--in N] [--out N] [--has DIR:PROTO[:CODE]]...
                                 [--max-caplen N] [--cut]

The file must be a classic pcap of link type 204 (PPP_WITH_DIR: a
direction byte, 0 received, 1 sent, then the frame with its address 0xff)
or 166 (PPP_PPPD: the direction byte in the address field's place) whose
records each hold a PPP frame in HDLC-like framing, the control field
0x03 and a 2-byte protocol field, with time stamps that never go
backwards.  --in / --out: exactly that many
frames in each direction.  --has in:lcp:configure-request (or out:...,
any:..., CODE optional): such a frame is there.  --max-caplen: no record
is longer than N bytes; --cut: some record was cut short
(its frame longer than what it kept).  Prints one summary line; exits 1
with the reason when a check fails.
"""
import argparse
import struct
import sys

PROTOS = {0x0021: "ip", 0x0057: "ipv6", 0x00FD: "compressed", 0x8021: "ipcp",
          0x8057: "ipv6cp", 0x80FD: "ccp", 0xC021: "lcp", 0xC023: "pap",
          0xC223: "chap"}
# link type: bytes before the control field (direction; direction, 0xff)
LINK_HDR = {166: 2, 204: 3}
CP_CODES = [None, "configure-request", "configure-ack", "configure-nak",
            "configure-reject", "terminate-request", "terminate-ack",
            "code-reject", "protocol-reject", "echo-request", "echo-reply",
            "discard-request", "identification", "time-remaining",
            "reset-request", "reset-ack"]
CODES = {"lcp": CP_CODES, "ipcp": CP_CODES, "ipv6cp": CP_CODES, "ccp": CP_CODES,
         "chap": [None, "challenge", "response", "success", "failure"],
         "pap": [None, "authenticate-request", "authenticate-ack",
                 "authenticate-nak"]}


def records(path):
    data = open(path, "rb").read()
    if len(data) < 24:
        sys.exit("%s: no pcap header" % path)
    magic, major, minor, _, _, snaplen, link = struct.unpack_from("<IHHiIII", data)
    if magic != 0xA1B2C3D4 or (major, minor) != (2, 4) or link not in LINK_HDR:
        sys.exit("%s: not a PPP_WITH_DIR or PPP_PPPD pcap (magic %#x version %d.%d link %d)"
                 % (path, magic, major, minor, link))
    hdr = LINK_HDR[link]
    off, last = 24, 0
    while off < len(data):
        if off + 16 > len(data):
            sys.exit("%s: record header cut short at %d" % (path, off))
        sec, usec, caplen, length = struct.unpack_from("<IIII", data, off)
        rec = data[off + 16: off + 16 + caplen]
        if (len(rec) != caplen or caplen < hdr + 2 or caplen > length
                or caplen > snaplen or rec[hdr - 1] != 0x03
                or (hdr == 3 and rec[1] != 0xFF)):
            sys.exit("%s: bad record at %d (caplen %d len %d snaplen %d)"
                     % (path, off, caplen, length, snaplen))
        t = sec * 1000000 + usec
        if t < last:
            sys.exit("%s: time goes backwards at %d" % (path, off))
        last = t
        off += 16 + caplen
        yield rec[0], rec, length, hdr


def decode(rec, hdr):
    proto, frame = rec[hdr] << 8 | rec[hdr + 1], rec[hdr + 2:]
    name = PROTOS.get(proto, "%#06x" % proto)
    codes = CODES.get(name)
    code = None
    if codes and frame and frame[0] < len(codes):
        code = codes[frame[0]]
    return name, code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--in", dest="n_in", type=int)
    ap.add_argument("--out", dest="n_out", type=int)
    ap.add_argument("--has", action="append", default=[])
    ap.add_argument("--max-caplen", type=int)
    ap.add_argument("--cut", action="store_true")
    a = ap.parse_args()

    n = {"in": 0, "out": 0}
    seen = set()
    max_caplen, cut = 0, False
    for direction, frame, length, hdr in records(a.pcap):
        if direction not in (0, 1):
            sys.exit("direction byte %d" % direction)
        d = "out" if direction else "in"
        n[d] += 1
        max_caplen = max(max_caplen, len(frame))
        cut |= len(frame) < length
        proto, code = decode(frame, hdr)
        seen.add((d, proto, None))
        seen.add((d, proto, code))
    problems = []
    if a.n_in is not None and n["in"] != a.n_in:
        problems.append("%d frames in, expected %d" % (n["in"], a.n_in))
    if a.n_out is not None and n["out"] != a.n_out:
        problems.append("%d frames out, expected %d" % (n["out"], a.n_out))
    for want in a.has:
        parts = want.split(":") + [None]
        d, proto, code = parts[0], parts[1], parts[2]
        dirs = ("in", "out") if d == "any" else (d,)
        if not any((x, proto, code) in seen for x in dirs):
            problems.append("no %s frame" % want)
    if a.max_caplen is not None and max_caplen > a.max_caplen:
        problems.append("a record keeps %d bytes, more than %d"
                        % (max_caplen, a.max_caplen))
    if a.cut and not cut:
        problems.append("no record was cut short")
    kinds = sorted("%s:%s%s" % (d, p, ":" + c if c else "")
                   for d, p, c in seen if c or not any(
                       s[0] == d and s[1] == p and s[2] for s in seen))
    print("%s: %d in, %d out; %s" % (a.pcap, n["in"], n["out"], " ".join(kinds)))
    if problems:
        print("capture check failed: " + "; ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
