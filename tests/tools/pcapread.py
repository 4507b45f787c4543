# SPDX-License-Identifier: GPL-2.0
"""The packets of a classic pcap file, for the capture checks."""
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
