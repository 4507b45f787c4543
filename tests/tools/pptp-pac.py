#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal PPTP PAC (RFC 2637 server side) for data-path interop tests.

usage: pptp-pac.py --listen ADDR --ctl KPPTPCTL --call-file FILE

Accepts one control connection on TCP 1723, answers
Start-Control-Connection-Request, Echo-Request, Outgoing-Call-Request,
Call-Clear-Request and Stop-Control-Connection-Request.  For the outgoing
call it creates a kpptp.ko call with kpptpctl (peer address, peer call ID,
window and processing delay from the request) and writes our call ID to
FILE, for the test to attach pppd.  Test scaffolding only: kpptpd is the
real control plane.
"""
import argparse
import json
import socket
import struct
import subprocess
import sys

MAGIC = 0x1A2B3C4D
SCCRQ, SCCRP, STOPCCRQ, STOPCCRP, ECHORQ, ECHORP = 1, 2, 3, 4, 5, 6
OCRQ, OCRP, CCRQ, CDN, SLI = 7, 8, 12, 13, 15
OUR_WINDOW = 64


def msg(ctype, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, MAGIC, ctype, 0) + body


def read_msg(conn):
    hdr = b""
    while len(hdr) < 12:
        chunk = conn.recv(12 - len(hdr))
        if not chunk:
            return None, None
        hdr += chunk
    length, mtype, magic, ctype, _ = struct.unpack("!HHIHH", hdr)
    if mtype != 1 or magic != MAGIC or length < 12:
        raise SystemExit(f"pptp-pac: bad header {hdr.hex()}")
    body = b""
    while len(body) < length - 12:
        chunk = conn.recv(length - 12 - len(body))
        if not chunk:
            return None, None
        body += chunk
    return ctype, body


def name64(s):
    return s.encode().ljust(64, b"\0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--call-file", required=True)
    args = ap.parse_args()

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.listen, 1723))
    srv.listen(1)
    print("listening", flush=True)
    conn, (peer, _) = srv.accept()
    calls = {}
    while True:
        ctype, body = read_msg(conn)
        if ctype is None:
            break
        print(f"message {ctype}", flush=True)
        if ctype == SCCRQ:
            conn.sendall(msg(SCCRP, struct.pack("!HBBIIHH", 0x0100, 1, 0, 1, 1, 1, 1)
                             + name64("kpptp-test") + name64("kpptp")))
        elif ctype == ECHORQ:
            conn.sendall(msg(ECHORP, body[:4] + struct.pack("!BBH", 1, 0, 0)))
        elif ctype == OCRQ:
            peer_call, _, _, _, _, _, window, ppd = struct.unpack("!HHIIIIHH", body[:24])
            out = subprocess.run([args.ctl, "-j", "call", "add", "peer", peer,
                                  "peer-id", str(peer_call), "window", str(OUR_WINDOW),
                                  "peer-window", str(max(1, window)), "peer-ppd", str(ppd)],
                                 check=True, capture_output=True, text=True).stdout
            c = json.loads(out)
            our = (c[0] if isinstance(c, list) else c)["id"]
            calls[our] = peer_call
            conn.sendall(msg(OCRP, struct.pack("!HHBBHIHHI", our, peer_call, 1, 0, 0,
                                               100000000, OUR_WINDOW, 0, 0)))
            with open(args.call_file, "w") as f:
                f.write(f"{our}\n")
            print(f"call {our} peer-call {peer_call} window {window} ppd {ppd}", flush=True)
        elif ctype == CCRQ:
            (peer_call,) = struct.unpack("!H", body[:2])
            for our, pc in list(calls.items()):
                if pc == peer_call:
                    conn.sendall(msg(CDN, struct.pack("!HBBHH", our, 1, 0, 0, 0) + b"\0" * 128))
                    del calls[our]
        elif ctype == STOPCCRQ:
            conn.sendall(msg(STOPCCRP, struct.pack("!BBH", 1, 0, 0)))
            break
        # Set-Link-Info and anything else: nothing to answer
    conn.close()


if __name__ == "__main__":
    sys.exit(main())
