#!/bin/bash
# What kpptp.ko puts on the wire, read back from a tcpdump capture of the
# underlay: RFC 2637 4.1 enhanced GRE, peer call IDs, consecutive sequence
# numbers, and acks that never run ahead of what was received.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

static_pair

capture_start n2 veth2 "$TMP/cap.pcap" 'ip proto 47'
n1 ping -q -c 30 -i 0.02 -W 2 192.168.100.2 >/dev/null || fail "ping"
capture_stop "$TMP/cap.pcap" 60	# 30 data packets each way

python3 - "$TMP/cap.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
assert struct.unpack_from("<I", data)[0] == 0xA1B2C3D4, "not a pcap"
link = struct.unpack_from("<I", data, 20)[0]
off, pkts = 24, []
while off < len(data):
    _, _, caplen, _ = struct.unpack_from("<IIII", data, off)
    pkts.append(data[off + 16: off + 16 + caplen])
    off += 16 + caplen
seen = {"10.0.0.1": [], "10.0.0.2": []}
for p in pkts:
    ip = p[14:] if link == 1 else p
    ihl = (ip[0] & 15) * 4
    assert ip[9] == 47
    src = ".".join(map(str, ip[12:16]))
    g = ip[ihl:]
    flags, proto, plen, call = struct.unpack_from("!HHHH", g)
    assert flags & 0x0007 == 1, "version %d" % (flags & 7)
    assert flags & 0x2000, "K flag clear"
    assert flags & 0xC000 == 0 and flags & 0x0800 == 0, "C/R/s set"
    assert flags & 0x0700 == 0 and flags & 0x0078 == 0, "recur/flags set"
    assert proto == 0x880B, "protocol %#x" % proto
    has_s, has_a = bool(flags & 0x1000), bool(flags & 0x0080)
    assert has_s or has_a
    want = 200 if src == "10.0.0.1" else 100
    assert call == want, "call id %d from %s, want %d" % (call, src, want)
    o = 8
    seq = ack = None
    if has_s:
        seq = struct.unpack_from("!I", g, o)[0]; o += 4
        assert plen > 0
    else:
        assert plen == 0, "ack-only packet with payload length %d" % plen
    if has_a:
        ack = struct.unpack_from("!I", g, o)[0]; o += 4
    seen[src].append((seq, ack))
for src, lst in seen.items():
    seqs = [s for s, _ in lst if s is not None]
    # tcpdump may miss a packet at the edges of the capture; the sender
    # must still count up by one
    assert len(seqs) >= 25, "%s sent %d data packets" % (src, len(seqs))
    assert all(b > a for a, b in zip(seqs, seqs[1:])), "not increasing in %s: %s" % (src, seqs)
    assert seqs[-1] - seqs[0] + 1 - len(seqs) <= 2, "gaps in %s: %s" % (src, seqs)
    other = "10.0.0.2" if src == "10.0.0.1" else "10.0.0.1"
    peer_max = max(s for s, _ in seen[other] if s is not None)
    acks = [a for _, a in lst if a is not None]
    assert acks, "%s never acked" % src
    assert all(a <= peer_max for a in acks), "ack beyond received"
print("checked %d GRE packets" % len(pkts))
PY
pass "GRE v1 headers, call IDs, sequence and acks"
