#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kpptp family's strict per-command policies, with raw requests kpptpctl
# would never send: each command refuses with EINVAL any attribute that its
# request in Documentation/netlink/specs/kpptp.yaml does not list (an
# output-only one, or one that belongs to another command), and no call is
# made or changed.  (Moved out of
# 10-kpptpctl-basic, which is about the CLI.)
. "$(dirname "$0")/lib.sh"
setup_ns n1

# a raw request the CLI would never send: output-only attribute refused
n1 python3 - <<'PY' || fail "kernel accepted an attribute outside the command's policy"
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
def request(cmd, attrs):
    """Send a kpptp request with NLM_F_ACK, return the ACK's error code."""
    s.send(msg(fam, cmd, attrs))
    while True:
        r = s.recv(65536)
        off = 0
        while off < len(r):
            l, typ = struct.unpack_from("IH", r, off)
            if typ == 2:
                return struct.unpack_from("i", r, off + 16)[0]
            off += (l + 3) & ~3
u16 = lambda v: struct.pack("H", v)
u32 = lambda v: struct.pack("I", v)
peer = attr(5, socket.inet_aton("10.0.0.2"))
NEW, DEL, SET, GET, NET_GET = 1, 2, 3, 4, 5
CALL_ID, PEER_CALL_ID, PEER_ADDR, CHANNEL, FLAGS_MASK = 2, 3, 5, 15, 22
# Each command accepts only the attributes of its request in the spec.
cases = [
    ("CALL_NEW with output-only CHANNEL", NEW,
     attr(PEER_CALL_ID, u16(7)) + peer + attr(CHANNEL, u32(1)), -22),
    ("CALL_NEW with FLAGS_MASK (CALL_SET only)", NEW,
     attr(CALL_ID, u16(41)) + peer + attr(FLAGS_MASK, u32(1)), -22),
    ("CALL_NEW", NEW, attr(CALL_ID, u16(42)) + peer, 0),
    ("CALL_SET changing the peer address", SET,
     attr(CALL_ID, u16(42)) + attr(PEER_ADDR, socket.inet_aton("10.0.0.3")), -22),
    ("CALL_DEL with a peer call ID", DEL,
     attr(CALL_ID, u16(42)) + attr(PEER_CALL_ID, u16(1)), -22),
    ("CALL_GET with a peer address", GET, attr(CALL_ID, u16(42)) + peer, -22),
    ("NET_GET with a call ID", NET_GET, attr(CALL_ID, u16(42)), -22),
    ("CALL_DEL", DEL, attr(CALL_ID, u16(42)), 0),
]
bad = 0
for name, cmd, attrs, want in cases:
    got = request(cmd, attrs)
    print(f"{name}: error {got}, want {want}")
    bad += got != want
sys.exit(1 if bad else 0)
PY
pass "strict policy"
no_calls_left n1
