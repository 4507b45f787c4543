#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A PPTP client (PNS) that behaves as Windows' PPTP stack is documented
and seen to behave, to test kpptpd and kpptp.ko against it.  pppd runs it
the way it runs pptp-linux:

    pppd pty "pptp-winpeer.py SERVER --log FILE [--reorder-every N]" ...

It speaks async HDLC with pppd on its standard input and output, PPTP
control on TCP 1723 and enhanced GRE on a raw socket.  What it does the
Windows way, and where that comes from:

- Start-Control-Connection-Request with framing capabilities 1, bearer
  capabilities 1, 0 channels, firmware revision 2600, no host name and
  vendor "Microsoft Windows NT": the fields a Windows client sends, as a
  RouterOS server logs them.
- Outgoing-Call-Request with a random call ID and serial number, 300 to
  100000000 bit/s, bearer 3, framing 3, window 64, no processing delay.
- Set-Link-Info (ACCMs 0xffffffff) as soon as the call is up: RFC 2637
  2.15, which Windows sends once LCP has settled the ACCM.
- Echo-Request on the control connection answered with Echo-Reply.
- The peer's receive window is ignored: every frame from pppd goes out at
  once; and a standalone ack only after 100 ms without a data packet to
  carry it ("Windows (MS-PTPT) ignores windows and adaptive timeouts,
  sends a standalone ack after ~100 ms idle": ../shared/README.md).
- Under load it reorders what it sends: when pppd hands over two or more
  frames in one read, every Nth pair (--reorder-every, 8) goes out with
  the later sequence number first.  Received packets are passed on in the
  order they arrive, none dropped for being late.

Teardown: when pppd closes the pty it sends Call-Clear-Request, waits for
Call-Disconnect-Notify and stops the control connection; a
Call-Disconnect-Notify from the server, or the connection closing, ends
it (pppd sees a hangup).  At exit a summary goes to --log as
"winpeer: KEY=VALUE ..." (frames each way, standalone acks, swapped
pairs, echo replies, ...).  Test scaffolding, not a client to use.
"""
import argparse
import binascii
import os
import random
import re
import selectors
import socket
import struct
import sys
import time

MAGIC = 0x1A2B3C4D
SCCRQ, SCCRP, STOPCCRQ, STOPCCRP, ECHORQ, ECHORP = 1, 2, 3, 4, 5, 6
OCRQ, OCRP, CCRQ, CDN, SLI = 7, 8, 12, 13, 15
GRE_PPP = 0x880B
ACK_DELAY = 0.1
# reversing the bits of each byte turns binascii.crc_hqx (CRC-CCITT, MSB
# first) into PPP's FCS-16 (RFC 1662, LSB first) at C speed
REV = bytes(int("{:08b}".format(i)[::-1], 2) for i in range(256))


def rev16(v):
    return int("{:016b}".format(v)[::-1], 2)


def fcs16(data):
    return rev16(binascii.crc_hqx(data.translate(REV), 0xFFFF)) ^ 0xFFFF


# flag, escape and every control character: until LCP settles an ACCM,
# pppd's async line discipline drops control characters that arrive
# unescaped (RFC 1662 7.1)
ESCAPE = re.compile(rb"[\x00-\x1f\x7d\x7e]")


def hdlc_encode(frame):
    f = frame + struct.pack("<H", fcs16(frame))
    return b"\x7e" + ESCAPE.sub(lambda m: bytes([0x7D, m.group()[0] ^ 0x20]), f) + b"\x7e"


def hdlc_unescape(data):
    parts = data.split(b"\x7d")
    out = [parts[0]]
    for p in parts[1:]:
        if p:
            out.append(bytes([p[0] ^ 0x20]) + p[1:])
    return b"".join(out)


def ctl_msg(ctype, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, MAGIC, ctype, 0) + body


class Peer:
    def __init__(self, args):
        self.args = args
        self.log = open(args.log, "a") if args.log else sys.stderr
        self.stats = dict(frames_out=0, frames_in=0, acks_alone=0, acks_in_data=0,
                          swapped=0, echo_replies=0, late_in=0, sli_sent=0)
        self.call_id = random.randint(1, 0xFFFF)
        self.peer_call_id = None
        self.seq = 0                # next sequence number to send
        self.rx_seq = None          # highest received
        self.acked = None           # last acknowledged
        self.ack_due = None         # time a standalone ack is due
        self.hdlc = b""
        self.pairs = 0
        self.ctl_buf = b""
        self.sel = selectors.DefaultSelector()

    def say(self, text):
        print("winpeer: " + text, file=self.log, flush=True)

    # ---------------------------------------------------------- control
    def send_ctl(self, ctype, body):
        self.ctl.sendall(ctl_msg(ctype, body))

    def read_ctl(self, timeout=None):
        """One control message (type, body), or (None, None) on EOF."""
        self.ctl.settimeout(timeout)
        while True:
            if len(self.ctl_buf) >= 12:
                length, mtype, magic, ctype, _ = struct.unpack_from("!HHIHH", self.ctl_buf)
                if mtype != 1 or magic != MAGIC or length < 12:
                    raise SystemExit("winpeer: bad control header %s" % self.ctl_buf[:12].hex())
                if len(self.ctl_buf) >= length:
                    body = self.ctl_buf[12:length]
                    self.ctl_buf = self.ctl_buf[length:]
                    return ctype, body
            chunk = self.ctl.recv(4096)
            if not chunk:
                return None, None
            self.ctl_buf += chunk

    def handshake(self):
        self.ctl = socket.create_connection((self.args.server, 1723), timeout=10)
        self.send_ctl(SCCRQ, struct.pack("!HHIIHH64s64s", 0x0100, 0, 1, 1, 0, 2600,
                                         b"", b"Microsoft Windows NT"))
        ctype, body = self.read_ctl(10)
        if ctype != SCCRP or body[2] != 1:
            raise SystemExit("winpeer: no SCCRP with result 1: %s %s" % (ctype, body and body[:4].hex()))
        self.send_ctl(OCRQ, struct.pack("!HHIIIIHHHH64s64s", self.call_id,
                                        random.randint(0, 0xFFFF), 300, 100000000,
                                        3, 3, 64, 0, 0, 0, b"", b""))
        while True:
            ctype, body = self.read_ctl(10)
            if ctype == ECHORQ:
                self.echo_reply(body)
                continue
            break
        if ctype != OCRP:
            raise SystemExit("winpeer: expected OCRP, got %s" % ctype)
        sid, peer, result, error = struct.unpack_from("!HHBB", body)
        if result != 1 or peer != self.call_id:
            raise SystemExit("winpeer: OCRP result %d error %d for call %d" % (result, error, peer))
        self.peer_call_id = sid
        self.peer_window = struct.unpack_from("!H", body, 12)[0]
        self.send_ctl(SLI, struct.pack("!HHII", sid, 0, 0xFFFFFFFF, 0xFFFFFFFF))
        self.stats["sli_sent"] += 1
        self.say("call %d up, server call %d, server window %d (ignored)"
                 % (self.call_id, sid, self.peer_window))

    def echo_reply(self, body):
        self.send_ctl(ECHORP, body[:4] + struct.pack("!BBH", 1, 0, 0))
        self.stats["echo_replies"] += 1

    # ---------------------------------------------------------- GRE
    def gre_send(self, payload, seq=None):
        flags = 0x2001      # K, version 1
        hdr = b""
        if payload:
            flags |= 0x1000
            hdr += struct.pack("!I", seq)
        if self.rx_seq is not None and self.rx_seq != self.acked:
            flags |= 0x0080
            hdr += struct.pack("!I", self.rx_seq)
            self.acked = self.rx_seq
            self.ack_due = None
            self.stats["acks_in_data" if payload else "acks_alone"] += 1
        if not payload and not flags & 0x0080:
            return
        pkt = struct.pack("!HHHH", flags, GRE_PPP, len(payload), self.peer_call_id) + hdr + payload
        self.gre.sendto(pkt, (self.args.server, 0))

    def gre_recv(self):
        data = self.gre.recv(65535)
        ihl = (data[0] & 15) * 4
        g = data[ihl:]
        if len(g) < 8:
            return
        flags, proto, plen, call = struct.unpack_from("!HHHH", g)
        if flags & 7 != 1 or proto != GRE_PPP or call != self.call_id:
            return
        off = 8
        seq = None
        if flags & 0x1000:
            seq = struct.unpack_from("!I", g, off)[0]
            off += 4
        if flags & 0x0080:
            off += 4        # the server's ack: nothing waits on it here
        if seq is None:
            return
        if self.rx_seq is None or ((seq - self.rx_seq) & 0xFFFFFFFF) < 0x80000000:
            self.rx_seq = seq
        else:
            self.stats["late_in"] += 1      # passed on all the same
        if self.ack_due is None and self.rx_seq != self.acked:
            self.ack_due = time.monotonic() + ACK_DELAY
        self.to_pppd(hdlc_encode(g[off:off + plen]))
        self.stats["frames_in"] += 1

    @staticmethod
    def to_pppd(data):
        # blocking, whole: pppd's line discipline takes what the pty holds
        while data:
            data = data[os.write(1, data):]

    def from_pppd(self, data):
        self.hdlc += data
        *frames, self.hdlc = self.hdlc.split(b"\x7e")
        out = []
        for f in frames:
            f = hdlc_unescape(f)
            if len(f) < 4 or fcs16(f[:-2]) != struct.unpack("<H", f[-2:])[0]:
                continue
            out.append(f[:-2])
        numbered = []
        for f in out:
            numbered.append((self.seq, f))
            self.seq = (self.seq + 1) & 0xFFFFFFFF
        # under load: every Nth pair the later one first
        i = 0
        while i + 1 < len(numbered):
            self.pairs += 1
            if self.pairs % self.args.reorder_every == 0:
                numbered[i], numbered[i + 1] = numbered[i + 1], numbered[i]
                self.stats["swapped"] += 1
            i += 2
        for seq, f in numbered:
            self.gre_send(f, seq)
            self.stats["frames_out"] += 1

    # ---------------------------------------------------------- teardown
    def clear(self):
        try:
            self.send_ctl(CCRQ, struct.pack("!HH", self.call_id, 0))
            end = time.monotonic() + 5
            while time.monotonic() < end:
                ctype, body = self.read_ctl(max(0.1, end - time.monotonic()))
                if ctype is None or ctype == CDN:
                    break
                if ctype == ECHORQ:
                    self.echo_reply(body)
            self.send_ctl(STOPCCRQ, struct.pack("!BBH", 1, 0, 0))
            self.read_ctl(5)
            self.say("cleared the call")
        except OSError as e:
            self.say("clearing: %s" % e)

    def run(self):
        self.handshake()
        self.gre = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
        # stdin stays blocking: it is the same open pty as stdout, which
        # must not cut frames short
        self.ctl.setblocking(False)
        self.sel.register(0, selectors.EVENT_READ, "pppd")
        self.sel.register(self.gre, selectors.EVENT_READ, "gre")
        self.sel.register(self.ctl, selectors.EVENT_READ, "ctl")
        how = None
        while how is None:
            timeout = None
            if self.ack_due is not None:
                timeout = max(0, self.ack_due - time.monotonic())
            for key, _ in self.sel.select(timeout):
                if key.data == "pppd":
                    try:
                        data = os.read(0, 65536)
                    except OSError:
                        data = b""
                    if not data:
                        how = "pppd closed the pty"
                        break
                    self.from_pppd(data)
                elif key.data == "gre":
                    self.gre_recv()
                else:
                    how = self.ctl_event()
                    if how:
                        break
            if self.ack_due is not None and time.monotonic() >= self.ack_due:
                self.ack_due = None
                self.gre_send(b"")
        self.say("ending: %s" % how)
        if how == "pppd closed the pty":
            self.sel.unregister(self.ctl)
            self.ctl.setblocking(True)
            self.clear()
        self.say(" ".join("%s=%d" % kv for kv in sorted(self.stats.items())))

    def ctl_event(self):
        try:
            chunk = self.ctl.recv(4096)
        except BlockingIOError:
            return None
        if not chunk:
            return "the server closed the control connection"
        self.ctl_buf += chunk
        while len(self.ctl_buf) >= 12:
            length = struct.unpack_from("!H", self.ctl_buf)[0]
            if length < 12 or len(self.ctl_buf) < length:
                break
            ctype = struct.unpack_from("!H", self.ctl_buf, 8)[0]
            body = self.ctl_buf[12:length]
            self.ctl_buf = self.ctl_buf[length:]
            if ctype == ECHORQ:
                self.echo_reply(body)
            elif ctype == CDN:
                return "Call-Disconnect-Notify from the server"
            elif ctype == STOPCCRQ:
                self.send_ctl(STOPCCRP, struct.pack("!BBH", 1, 0, 0))
                return "Stop-Control-Connection-Request from the server"
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--log")
    ap.add_argument("--reorder-every", type=int, default=8)
    Peer(ap.parse_args()).run()


if __name__ == "__main__":
    main()
