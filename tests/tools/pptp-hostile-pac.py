#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A PPTP server (PAC) that misbehaves in one chosen way, for client tests.

usage: pptp-hostile-pac.py --listen ADDR --mode MODE

Accepts one control connection on TCP 1723 and plays MODE:

  refuse-conn   Start-Control-Connection-Reply with result 2 (general error)
  cookie        a Start-Control-Connection-Reply with a wrong magic cookie
  garbage       an HTTP error page instead of a reply
  close         closes the connection after the request
  silent        reads everything, answers nothing
  refuse-call   a good control connection, Outgoing-Call-Reply result 7
                (do not accept)
  garbage-later the call is accepted (our call ID 4321), 3 s later
                garbage arrives on the control connection

Prints "message N" per control message received, then "closed" when the
client closes.  Test scaffolding only.
"""
import argparse
import socket
import struct
import sys
import time

MAGIC = 0x1A2B3C4D
SCCRQ, SCCRP, ECHORQ, ECHORP, OCRQ, OCRP = 1, 2, 5, 6, 7, 8
GARBAGE = b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"


def msg(ctype, body, magic=MAGIC):
    return struct.pack("!HHIHH", 12 + len(body), 1, magic, ctype, 0) + body


def sccrp(result, magic=MAGIC):
    return msg(SCCRP, struct.pack("!HBBIIHH", 0x0100, result, 0, 3, 3, 1, 1)
               + b"hostile".ljust(64, b"\0") + b"test".ljust(64, b"\0"), magic)


def read_msg(conn):
    hdr = b""
    while len(hdr) < 12:
        chunk = conn.recv(12 - len(hdr))
        if not chunk:
            return None, None
        hdr += chunk
    length, _, _, ctype, _ = struct.unpack("!HHIHH", hdr)
    body = b""
    while len(body) < length - 12:
        chunk = conn.recv(length - 12 - len(body))
        if not chunk:
            return None, None
        body += chunk
    print(f"message {ctype}", flush=True)
    return ctype, body


def drain(conn):
    """Read (and name) whatever comes until the client closes."""
    while read_msg(conn)[0] is not None:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--mode", required=True,
                    choices=["refuse-conn", "cookie", "garbage", "close",
                             "silent", "refuse-call", "garbage-later"])
    args = ap.parse_args()

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.listen, 1723))
    srv.listen(1)
    print("listening", flush=True)
    conn, _ = srv.accept()
    srv.close()
    ctype, _ = read_msg(conn)
    if ctype != SCCRQ:
        sys.exit(f"expected SCCRQ, got {ctype}")
    mode = args.mode
    if mode == "refuse-conn":
        conn.sendall(sccrp(2))
    elif mode == "cookie":
        conn.sendall(sccrp(1, magic=0xDEADBEEF))
    elif mode == "garbage":
        conn.sendall(GARBAGE)
    elif mode == "close":
        conn.close()
        print("closed", flush=True)
        return 0
    elif mode in ("refuse-call", "garbage-later"):
        conn.sendall(sccrp(1))
        ctype, body = read_msg(conn)
        if ctype != OCRQ:
            sys.exit(f"expected OCRQ, got {ctype}")
        peer_call, _, _, _, _, _, window, _ = struct.unpack("!HHIIIIHH", body[:24])
        phone = body[28:92].rstrip(b"\0").decode(errors="replace")
        print(f"call request: call ID {peer_call} window {window} phone '{phone}'",
              flush=True)
        if mode == "refuse-call":
            conn.sendall(msg(OCRP, struct.pack("!HHBBHIHHI", 0, peer_call, 7, 0, 0,
                                               0, 0, 0, 0)))
        else:
            conn.sendall(msg(OCRP, struct.pack("!HHBBHIHHI", 4321, peer_call, 1, 0, 0,
                                               100000000, 16, 0, 0)))
            time.sleep(3)
            conn.sendall(GARBAGE)
    drain(conn)
    print("closed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
