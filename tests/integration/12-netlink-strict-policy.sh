#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kpptp family's strict policy, with a raw request kpptpctl would never
# send: CALL_NEW carrying an output-only attribute (KPPTP_A_CHANNEL) is
# refused with EINVAL, and no call is made.  (Moved out of
# 10-kpptpctl-basic, which is about the CLI.)
. "$(dirname "$0")/lib.sh"
setup_ns n1

# a raw request the CLI would never send: output-only attribute refused
n1 python3 - <<'PY' || fail "kernel accepted an output-only attribute"
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
def msg(typ, cmd, attrs, flags=5):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    return struct.pack("IHHII", 16 + len(body), typ, flags, 1, 0) + body
def attr(t, data):
    pad = (4 - len(data) % 4) % 4
    return struct.pack("HH", 4 + len(data), t) + data + b"\0" * pad
name = b"kpptp\0"
s.send(msg(16, 3, attr(2, name), flags=1))  # CTRL_CMD_GETFAMILY, no ACK
r = s.recv(65536)
fam = None
off = 20
while off < len(r):
    l, t = struct.unpack_from("HH", r, off)
    if t == 1: fam = struct.unpack_from("H", r, off + 4)[0]
    off += (l + 3) & ~3
# CALL_NEW with KPPTP_A_CHANNEL (output only, attr 15)
s.send(msg(fam, 1, attr(3, struct.pack("H", 7)) + attr(5, socket.inet_aton("10.0.0.2")) + attr(15, struct.pack("I", 1))))
r = s.recv(65536)
typ = struct.unpack_from("H", r, 4)[0]
err = struct.unpack_from("i", r, 16)[0] if typ == 2 else None
print("family", fam, "reply type", typ, "error", err)
sys.exit(0 if err == -22 else 1)
PY
pass "strict policy"
no_calls_left n1
