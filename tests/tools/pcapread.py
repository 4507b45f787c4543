# SPDX-License-Identifier: GPL-2.0
"""The packets of a classic pcap file and the PPP frames in them, for the
capture checks."""
import struct
import sys


def packets(path):
    """Yield (frame, IP packet) for each packet of the pcap file at path:
    link type 1 is Ethernet, any other is taken as raw IP.  Exits if the
    file is not a classic pcap."""
    data = open(path, "rb").read()
    if struct.unpack_from("<I", data)[0] != 0xA1B2C3D4:
        sys.exit("%s: not a pcap file" % path)
    link = struct.unpack_from("<I", data, 20)[0]
    off = 24
    while off < len(data):
        _, _, caplen, _ = struct.unpack_from("<IIII", data, off)
        p = data[off + 16: off + 16 + caplen]
        off += 16 + caplen
        yield p, (p[14:] if link == 1 else p)


def ppp_protocol(ppp):
    """The protocol of PPP frame ppp (address and control, FF 03, may be
    there or not; the protocol field may be compressed to one byte)."""
    if ppp[:2] == b"\xff\x03":
        ppp = ppp[2:]
    return ppp[0] if ppp[0] & 1 else ppp[0] << 8 | ppp[1]


def check_encrypted(protos, n, frames):
    """Exit unless at least three quarters of frames data frames were seen
    (n; a loaded guest's tcpdump may miss some) and protos, a count per PPP
    protocol, holds MPPE's 0x00FD alone."""
    if n < frames * 3 // 4:
        sys.exit("only %d of %d data frames captured" % (n, frames))
    if set(protos) != {0xFD}:
        sys.exit("PPP protocols on the wire: %s" %
                 {hex(k): v for k, v in protos.items()})
