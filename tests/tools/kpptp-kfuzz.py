#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz kpptp.ko from user space: netlink, the socket ABI and GRE.

usage: kpptp-kfuzz.py genl --seconds S [--seed N] [--ids A-B] [--peer ADDR]
       kpptp-kfuzz.py churn --cycles N [--batch B] [--first ID] [--peer ADDR]
       kpptp-kfuzz.py gre --dst ADDR --src ADDR --count N [--seed N]
                          [--ids A-B] [--rate PPS]

genl: for S seconds, random sequences of every kpptp command (CALL_NEW,
  CALL_DEL, CALL_SET, CALL_GET do and dump, NET_GET, unknown commands) with
  random attributes: the ones the spec defines with random values, in range
  and out, and random types and lengths; interleaved with the socket ABI
  (PX_PROTO_PPTP sockets: bind, connect, PPPIOCGCHAN, attaching /dev/ppp
  to the channel, close) on the same call IDs.  Calls are mostly created
  with --peer as their peer address and IDs from --ids, so that the gre
  side reaches them.  Prints one line of per-operation result counts.

gre: sends N enhanced-GRE packets from --src (bound raw socket) to --dst,
  aimed at the call IDs of --ids with sequence numbers that follow a per-call
  sequence: in order, reordered, duplicated, far ahead and far behind,
  ack-only, with piggybacked acks, malformed, long.  Paced to --rate so that
  the receiving backlog does not overflow.  Prints "sent N" and "short M":
  the packets under 12 bytes, which the GRE demultiplexer drops before it
  hands a packet to kpptp.

churn: creates --batch calls and deletes them, until --cycles calls have
  come and gone (50-churn-soak measures the slab around it).

Every packet the gre side sends must land in exactly one kpptp counter; the
test that runs this (51-kernel-fuzz) adds them up.
"""
import argparse
import ctypes
import errno
import fcntl
import os
import random
import socket
import struct
import sys
import time

# --------------------------------------------------------------- netlink

NETLINK_GENERIC = 16
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3

# include/uapi/linux/kpptp.h
CMD_NEW, CMD_DEL, CMD_SET, CMD_GET, CMD_NET_GET = 1, 2, 3, 4, 5
A_CALL_ID, A_PEER_CALL_ID, A_LOCAL_ADDR, A_PEER_ADDR = 2, 3, 4, 5
A_RECV_WINDOW, A_PEER_RECV_WINDOW, A_PEER_PPD, A_FLAGS = 6, 7, 8, 9
A_REORDER_TIMEOUT, A_REORDER_DEPTH, A_ACK_DELAY = 10, 11, 12
A_FLAGS_MASK = 22
A_LAST = 24     # a little beyond the last attribute the kernel knows

# attribute -> (size, interesting values)
ATTRS = {
    A_CALL_ID: (2, [0, 1, 0xFFFF]),
    A_PEER_CALL_ID: (2, [0, 1, 0xFFFF]),
    A_LOCAL_ADDR: (4, [0, 0xFFFFFFFF, 0x0100007F, 0x010000E0]),
    A_PEER_ADDR: (4, [0, 0xFFFFFFFF, 0x0100007F, 0x010000E0]),
    A_RECV_WINDOW: (2, [0, 1, 64, 8192, 8193, 0xFFFF]),
    A_PEER_RECV_WINDOW: (2, [0, 1, 64, 8192, 8193, 0xFFFF]),
    A_PEER_PPD: (2, [0, 1, 0xFFFF]),
    A_FLAGS: (4, [0, 1, 2, 3, 4, 0xFFFFFFFF]),
    A_FLAGS_MASK: (4, [0, 1, 2, 3, 4, 0xFFFFFFFF]),
    A_REORDER_TIMEOUT: (4, [0, 1, 100, 2000, 2001, 0xFFFFFFFF]),
    A_REORDER_DEPTH: (2, [0, 1, 64, 1024, 1025, 0xFFFF]),
    A_ACK_DELAY: (4, [0, 1, 5000, 5001, 0xFFFFFFFF]),
}


def nlattr(typ, data):
    pad = (4 - len(data) % 4) % 4
    return struct.pack("HH", 4 + len(data), typ) + data + b"\0" * pad


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.settimeout(5)
        self.seq = 0
        self.family = self.resolve(b"kpptp")

    def send(self, typ, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK):
        self.seq += 1
        body = struct.pack("BBH", cmd, 1, 0) + attrs
        self.sock.send(struct.pack("IHHII", 16 + len(body), typ, flags, self.seq, 0) + body)

    def replies(self):
        """Yield (type, payload) until the ACK or DONE of the last request."""
        while True:
            data = self.sock.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                length, typ, _, seq, _ = struct.unpack_from("IHHII", data, off)
                if length < 16:
                    return
                payload = data[off + 16:off + length]
                off += (length + 3) & ~3
                if seq != self.seq:
                    continue
                yield typ, payload
                if typ in (NLMSG_ERROR, NLMSG_DONE):
                    return

    def request(self, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK):
        """Send a request, read every reply; return the error code (0: ok)."""
        self.send(self.family, cmd, attrs, flags)
        err = 0
        for typ, payload in self.replies():
            if typ == NLMSG_ERROR:
                err = struct.unpack_from("i", payload)[0]
        return err

    def resolve(self, name):
        self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, nlattr(CTRL_ATTR_FAMILY_NAME, name + b"\0"))
        for typ, payload in self.replies():
            if typ == NLMSG_ERROR:
                err = struct.unpack_from("i", payload)[0]
                if err:
                    raise SystemExit(f"kfuzz: no genl family {name!r}: {os.strerror(-err)}")
                continue
            off = 4
            while off + 4 <= len(payload):
                length, t = struct.unpack_from("HH", payload, off)
                if t == CTRL_ATTR_FAMILY_ID:
                    return struct.unpack_from("H", payload, off + 4)[0]
                off += (length + 3) & ~3
        raise SystemExit("kfuzz: no family id")


# ------------------------------------------------------------ socket ABI

AF_PPPOX, PX_PROTO_PPTP = 24, 2
PPPIOCGCHAN = 0x80047437        # _IOR('t', 55, int)
PPPIOCATTCHAN = 0x40047438      # _IOW('t', 56, int)
libc = ctypes.CDLL(None, use_errno=True)


def pptp_sockaddr(call_id, addr):
    # struct sockaddr_pppox { sa_family_t; unsigned int sa_protocol; union
    # { pppoe_addr (24 bytes); struct pptp_addr { __u16 call_id; struct
    # in_addr sin_addr; } } } packed: 30 bytes
    return (struct.pack("=HIH", AF_PPPOX, PX_PROTO_PPTP, call_id) + addr).ljust(30, b"\0")


def sys_addr_call(fn, fd, sockaddr):
    buf = ctypes.create_string_buffer(sockaddr, len(sockaddr))
    if fn(fd, buf, len(sockaddr)) == 0:
        return 0
    return ctypes.get_errno()


# ----------------------------------------------------------------- genl

def run_genl(args):
    rnd = random.Random(args.seed)
    lo, hi = args.ids
    peer = socket.inet_aton(args.peer)
    nl = Genl()
    socks, ppp = [], []
    results = {}

    def note(op, err):
        key = f"{op}:{'ok' if err == 0 else errno.errorcode.get(abs(err), err)}"
        results[key] = results.get(key, 0) + 1

    def value(attr):
        size, special = ATTRS[attr]
        v = rnd.choice(special) if rnd.random() < 0.3 else rnd.getrandbits(8 * size)
        if attr in (A_CALL_ID, A_PEER_CALL_ID) and rnd.random() < 0.8:
            v = rnd.randint(lo, hi)
        if attr == A_PEER_ADDR and rnd.random() < 0.8:
            return nlattr(attr, peer)
        if attr in (A_RECV_WINDOW, A_PEER_RECV_WINDOW) and rnd.random() < 0.7:
            v = rnd.randint(1, 256)
        if attr == A_REORDER_TIMEOUT and rnd.random() < 0.7:
            v = rnd.randint(0, 200)
        if attr == A_REORDER_DEPTH and rnd.random() < 0.7:
            v = rnd.randint(0, 256)
        fmt = {2: "H", 4: "I"}[size]
        return nlattr(attr, struct.pack(fmt, v & ((1 << (8 * size)) - 1)))

    def random_attrs(wanted):
        out = b""
        for a in wanted:
            if rnd.random() < 0.9:
                out += value(a)
        if rnd.random() < 0.1:  # anything: unknown type, odd length
            out += nlattr(rnd.randrange(0, A_LAST + 4),
                          bytes(rnd.getrandbits(8) for _ in range(rnd.choice([0, 1, 2, 3, 4, 8, 17]))))
        if rnd.random() < 0.05:  # a truncated attribute header
            out += struct.pack("HH", rnd.choice([0, 2, 3, 200]), rnd.randrange(A_LAST))
        return out

    def bound_socket(op, cid):
        """A new PX_PROTO_PPTP socket bound to call ID cid, kept in socks."""
        try:
            s = socket.socket(AF_PPPOX, socket.SOCK_STREAM, PX_PROTO_PPTP)
        except OSError as e:
            note("socket", -e.errno)
            return
        socks.append(s)
        note(op, -sys_addr_call(libc.bind, s.fileno(), pptp_sockaddr(cid, b"\0" * 4)))

    def new_call():
        attrs = value(A_CALL_ID) + nlattr(A_PEER_ADDR, peer)
        if rnd.random() < 0.7:  # a valid call, for the GRE side to reach
            cid = rnd.randint(lo, hi)
            attrs = nlattr(A_CALL_ID, struct.pack("H", cid)) + \
                nlattr(A_PEER_ADDR, peer) + \
                nlattr(A_PEER_CALL_ID, struct.pack("H", rnd.getrandbits(16))) + \
                nlattr(A_REORDER_TIMEOUT, struct.pack("I", rnd.randint(0, 300))) + \
                nlattr(A_REORDER_DEPTH, struct.pack("H", rnd.randint(0, 128))) + \
                nlattr(A_FLAGS, struct.pack("I", rnd.getrandbits(2)))
            err = nl.request(CMD_NEW, attrs)
            note("new", err)
            # Most get a socket at once, as pppd's: a netlink call has no
            # ppp channel, so its data never reaches the window, until then.
            if err == 0 and rnd.random() < 0.8:
                bound_socket("attach", cid)
            return
        attrs += random_attrs([A_PEER_CALL_ID, A_RECV_WINDOW, A_PEER_RECV_WINDOW,
                               A_PEER_PPD, A_FLAGS, A_REORDER_TIMEOUT,
                               A_REORDER_DEPTH, A_ACK_DELAY])
        note("new", nl.request(CMD_NEW, attrs))

    def sock_op():
        op = rnd.random()
        if op < 0.3 or not socks:
            bound_socket("bind", rnd.choice([0, rnd.randint(lo, hi)]))
        elif op < 0.55:
            s = rnd.choice(socks)
            addr = peer if rnd.random() < 0.8 else struct.pack("I", rnd.getrandbits(32))
            note("connect", -sys_addr_call(libc.connect, s.fileno(),
                                           pptp_sockaddr(rnd.randint(0, 0xFFFF), addr)))
        elif op < 0.75:
            s = rnd.choice(socks)
            try:
                chan = struct.unpack("i", fcntl.ioctl(s.fileno(), PPPIOCGCHAN, b"\0" * 4))[0]
                note("gchan", 0)
            except OSError as e:
                note("gchan", -e.errno)
                return
            try:
                f = os.open("/dev/ppp", os.O_RDWR)
            except OSError as e:
                note("devppp", -e.errno)
                return
            try:
                fcntl.ioctl(f, PPPIOCATTCHAN, struct.pack("i", chan))
                note("attchan", 0)
                ppp.append(f)
            except OSError as e:
                note("attchan", -e.errno)
                os.close(f)
        else:
            s = socks.pop(rnd.randrange(len(socks)))
            s.close()
            note("close", 0)
            if ppp and rnd.random() < 0.5:
                os.close(ppp.pop(rnd.randrange(len(ppp))))

    end = time.monotonic() + args.seconds
    ops = 0
    while time.monotonic() < end:
        r = rnd.random()
        if r < 0.25:
            new_call()
        elif r < 0.35:
            note("del", nl.request(CMD_DEL, random_attrs([A_CALL_ID])))
        elif r < 0.55:
            note("set", nl.request(CMD_SET, random_attrs(
                [A_CALL_ID, A_PEER_CALL_ID, A_RECV_WINDOW, A_PEER_RECV_WINDOW,
                 A_PEER_PPD, A_FLAGS, A_FLAGS_MASK, A_REORDER_TIMEOUT,
                 A_REORDER_DEPTH, A_ACK_DELAY])))
        elif r < 0.62:
            note("get", nl.request(CMD_GET, random_attrs([A_CALL_ID])))
        elif r < 0.66:
            note("dump", nl.request(CMD_GET, b"", NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP))
        elif r < 0.69:
            note("netget", nl.request(CMD_NET_GET, random_attrs([])))
        elif r < 0.71:  # an unknown or reserved command
            note("badcmd", nl.request(rnd.choice([0, 6, 7, 99, 255]), random_attrs([A_CALL_ID])))
        else:
            sock_op()
        ops += 1
    for s in socks:
        s.close()
    for f in ppp:
        os.close(f)
    print(f"genl {ops} operations:", " ".join(f"{k}={v}" for k, v in sorted(results.items())))


# ------------------------------------------------------------------ GRE

K, S, A, VER1, PPP = 0x2000, 0x1000, 0x0080, 0x0001, 0x880B


def gre(flags, length, call, seq=None, ack=None, payload=b"", proto=PPP):
    hdr = struct.pack("!HHHH", flags, proto, length, call)
    if seq is not None:
        hdr += struct.pack("!I", seq & 0xFFFFFFFF)
    if ack is not None:
        hdr += struct.pack("!I", ack & 0xFFFFFFFF)
    return hdr + payload


def run_gre(args):
    rnd = random.Random(args.seed)
    lo, hi = args.ids
    seqs = {}
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    sock.bind((args.src, 0))
    # an LCP frame: PPP with no pppd attached is still delivered and counted
    lcp = bytes([0xFF, 0x03, 0xC0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0])
    held = []
    short = 0
    gap = 1.0 / args.rate if args.rate else 0
    t0 = time.monotonic()
    for i in range(args.count):
        call = rnd.randint(lo, hi) if rnd.random() < 0.97 else rnd.getrandbits(16)
        seq = seqs.get(call, rnd.getrandbits(32))
        r = rnd.random()
        payload = lcp
        if r < 0.02:
            payload = lcp + bytes(rnd.choice([1400, 3000, 9000, 60000]))
        if r < 0.55:            # next in order
            seqs[call] = seq + 1
            pkt = gre(K | S | VER1, len(payload), call, seq, None, payload)
        elif r < 0.65:          # in order with a piggybacked ack
            seqs[call] = seq + 1
            pkt = gre(K | S | A | VER1, len(payload), call, seq, rnd.getrandbits(32), payload)
        elif r < 0.72:          # skip ahead a little (reorder or loss)
            seqs[call] = seq + rnd.randint(2, 40)
            pkt = gre(K | S | VER1, len(payload), call, seq + rnd.randint(1, 40), None, payload)
        elif r < 0.78:          # behind: duplicate or late
            pkt = gre(K | S | VER1, len(payload), call, seq - rnd.randint(1, 300), None, payload)
        elif r < 0.80:          # far away in either direction
            pkt = gre(K | S | VER1, len(payload), call, seq + rnd.choice([1, -1]) * rnd.randint(300, 1 << 31),
                      None, payload)
        elif r < 0.90:          # ack only
            pkt = gre(K | A | VER1, 0, call, None, rnd.getrandbits(32))
        elif r < 0.95:          # malformed in some way
            pkt = gre((rnd.getrandbits(16) & ~0x007F) | VER1, rnd.getrandbits(16), call,
                      payload=bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 40))),
                      proto=rnd.choice([PPP, rnd.getrandbits(16)]))
        else:                   # held back, sent later: reordering
            seqs[call] = seq + 1
            held.append(gre(K | S | VER1, len(payload), call, seq, None, payload))
            if len(held) < 8:
                continue
            pkt = held.pop(rnd.randrange(len(held)))
        # gre_demux drops a GRE packet under 12 bytes before it looks at
        # the version: kpptp never sees it and cannot count it
        short += len(pkt) < 12
        sock.sendto(pkt, (args.dst, 0))
        if gap:
            delay = t0 + (i + 1) * gap - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    for pkt in held:
        sock.sendto(pkt, (args.dst, 0))
    print(f"sent {args.count}")
    print(f"short {short}")


# ---------------------------------------------------------------- churn

def run_churn(args):
    """Create and delete calls in batches; fail on any unexpected error."""
    nl = Genl()
    peer = nlattr(A_PEER_ADDR, socket.inet_aton(args.peer))
    done = 0
    while done < args.cycles:
        n = min(args.batch, args.cycles - done)
        ids = range(args.first, args.first + n)
        for i in ids:
            err = nl.request(CMD_NEW, nlattr(A_CALL_ID, struct.pack("H", i)) + peer +
                             nlattr(A_PEER_CALL_ID, struct.pack("H", i)))
            if err:
                raise SystemExit(f"churn: CALL_NEW {i}: {os.strerror(-err)}")
        for i in ids:
            err = nl.request(CMD_DEL, nlattr(A_CALL_ID, struct.pack("H", i)))
            if err:
                raise SystemExit(f"churn: CALL_DEL {i}: {os.strerror(-err)}")
        done += n
    print(f"churn {done} calls created and deleted")


def id_range(text):
    a, _, b = text.partition("-")
    return int(a), int(b or a)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    g = sub.add_parser("genl")
    g.add_argument("--seconds", type=float, required=True)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--ids", type=id_range, default=(1, 32))
    g.add_argument("--peer", default="10.0.0.2")
    p = sub.add_parser("gre")
    p.add_argument("--dst", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ids", type=id_range, default=(1, 32))
    p.add_argument("--rate", type=float, default=2000)
    c = sub.add_parser("churn")
    c.add_argument("--cycles", type=int, required=True)
    c.add_argument("--batch", type=int, default=100)
    c.add_argument("--first", type=int, default=1000)
    c.add_argument("--peer", default="10.0.0.2")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    {"genl": run_genl, "gre": run_gre, "churn": run_churn}[args.mode](args)


if __name__ == "__main__":
    main()
