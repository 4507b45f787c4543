#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one RADIUS Disconnect-Request (RFC 5176), well-formed or broken on
purpose, and print the answer; for the cases radclient cannot make.

    radius-dm.py [options] HOST[:PORT] SECRET [TYPE=VALUE...]

TYPE is an attribute number; VALUE is text, or 0x... for raw bytes, or
ip:A.B.C.D, or int:N.  Options:
    --code N        the packet's code (default 40, Disconnect-Request)
    --id N          its Identifier (default random)
    --ma            add a Message-Authenticator
    --bad-length N  write N in the Length field (after signing)
    --raw HEX       send these bytes as they are, nothing else
    --twice         send the same packet twice (a retransmission)
    --source ADDR   bind to this source address first
    --timeout S     wait this long for each answer (default 3)

Prints one line per answer: "CODE ID Error-Cause=N" (Error-Cause only if
present) and "VALID" or "BAD-AUTHENTICATOR" as checked against SECRET and
the request; "TIMEOUT" when nothing came.  The authenticators are made and
checked here with hashlib and hmac, independently of kpptpd's C code.
"""
import argparse
import hashlib
import hmac
import os
import socket
import struct
import sys


def value(v):
    if v.startswith("0x"):
        return bytes.fromhex(v[2:])
    if v.startswith("ip:"):
        return socket.inet_aton(v[3:])
    if v.startswith("int:"):
        return struct.pack(">I", int(v[4:]))
    return v.encode()


def attrs_of(pairs):
    out = b""
    for p in pairs:
        t, v = p.split("=", 1)
        v = value(v)
        out += bytes([int(t), len(v) + 2]) + v
    return out


def request(code, ident, attrs, secret, ma):
    if ma:
        attrs += bytes([80, 18]) + bytes(16)
    length = 20 + len(attrs)
    pkt = bytes([code, ident]) + struct.pack(">H", length) + bytes(16) + attrs
    if ma:  # over the packet with a zero Request Authenticator
        pkt = pkt[:-16] + hmac.new(secret, pkt, hashlib.md5).digest()
    auth = hashlib.md5(pkt + secret).digest()
    return pkt[:4] + auth + pkt[20:]


def check(ans, req, secret):
    if len(ans) < 20:
        return "SHORT"
    length = struct.unpack(">H", ans[2:4])[0]
    body = ans[:4] + req[4:20] + ans[20:length]
    if hashlib.md5(body + secret).digest() != ans[4:20]:
        return "BAD-AUTHENTICATOR"
    return "VALID"


def describe(ans):
    code, ident = ans[0], ans[1]
    length = struct.unpack(">H", ans[2:4])[0]
    out = f"{code} {ident}"
    off = 20
    while off + 2 <= length:
        t, n = ans[off], ans[off + 1]
        if n < 2:
            break
        if t == 101 and n == 6:
            out += f" Error-Cause={struct.unpack('>I', ans[off + 2:off + 6])[0]}"
        elif t == 33:
            out += f" Proxy-State={ans[off + 2:off + n].decode(errors='replace')}"
        off += n
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--code", type=int, default=40)
    ap.add_argument("--id", type=int, default=None)
    ap.add_argument("--ma", action="store_true")
    ap.add_argument("--bad-length", type=int, default=None)
    ap.add_argument("--raw", default=None)
    ap.add_argument("--twice", action="store_true")
    ap.add_argument("--source", default=None)
    ap.add_argument("--timeout", type=float, default=3)
    ap.add_argument("server")
    ap.add_argument("secret")
    ap.add_argument("attrs", nargs="*")
    a = ap.parse_intermixed_args()
    host, _, port = a.server.partition(":")
    secret = a.secret.encode()
    ident = a.id if a.id is not None else os.urandom(1)[0]
    if a.raw:
        pkt = bytes.fromhex(a.raw)
    else:
        pkt = request(a.code, ident, attrs_of(a.attrs), secret, a.ma)
        if a.bad_length is not None:
            pkt = pkt[:2] + struct.pack(">H", a.bad_length) + pkt[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if a.source:
        s.bind((a.source, 0))
    s.settimeout(a.timeout)
    for _ in range(2 if a.twice else 1):
        s.sendto(pkt, (host, int(port or 3799)))
        try:
            ans = s.recv(4096)
        except socket.timeout:
            print("TIMEOUT")
            continue
        print(describe(ans), check(ans, pkt, secret))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
