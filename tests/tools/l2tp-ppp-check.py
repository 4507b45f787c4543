#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check what a relay gateway sent to a static L2TPv3 next hop, from a
tcpdump capture of the link's UDP (encap udp, no cookie, no L2-specific
sublayer: the kernel's defaults for a PPP session made by a socket).

usage: l2tp-ppp-check.py PCAP --session ID --peer-session PEER --frames N
                         --pattern HEX

Every L2TPv3 data packet of session ID (towards the far end) and PEER
(back from it) must carry PPP protocol 0x00FD (MPPE), and no packet at all
may contain the bytes PATTERN (a ping payload that would show in
cleartext).  N is how many data packets of the pair crossed; a loaded
guest's tcpdump may miss some, so at least three quarters must be there.
Other sessions' packets may be in the capture too (a far pppd's LCP
Configure-Requests to a session nobody uses yet, say).  Prints one summary line; exits 1
with the reason when a check fails.
"""
import argparse
import struct
import sys

from pcapread import check_encrypted, packets, ppp_protocol


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("--session", type=int, required=True)
    ap.add_argument("--peer-session", type=int, required=True)
    ap.add_argument("--frames", type=int, required=True)
    ap.add_argument("--pattern", required=True)
    args = ap.parse_args()
    pattern = bytes.fromhex(args.pattern)

    protos, sessions, n = {}, {}, 0
    for raw, ip in packets(args.pcap):
        if pattern in raw:
            sys.exit("cleartext payload %s on the wire" % args.pattern)
        if ip[9] != 17:
            continue
        udp = ip[(ip[0] & 15) * 4:]
        l2tp = udp[8:]
        flags = struct.unpack_from("!H", l2tp)[0]
        if flags & 0x8000 or flags & 15 != 3:
            continue                    # control (none in a static tunnel)
        sid = struct.unpack_from("!I", l2tp, 4)[0]
        sessions[sid] = sessions.get(sid, 0) + 1
        if sid not in (args.session, args.peer_session):
            continue                    # another pair (its LCP, say)
        proto = ppp_protocol(l2tp[8:])
        protos[proto] = protos.get(proto, 0) + 1
        n += 1
    check_encrypted(protos, n, args.frames)
    if not sessions.get(args.session) or not sessions.get(args.peer_session):
        sys.exit("L2TP sessions on the wire: %s" % sessions)
    print("%d frames in sessions %s, all PPP 0x00FD" %
          (n, sorted(sessions)))


if __name__ == "__main__":
    main()
