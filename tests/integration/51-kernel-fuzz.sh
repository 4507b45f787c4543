#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# Kernel fuzzing (tests/tools/kpptp-kfuzz.py), three things at once:
#   - n1: random sequences of every netlink command with random attributes,
#     and the socket ABI (bind, connect, PPPIOCGCHAN, /dev/ppp attach,
#     close) on call IDs 1-32, most calls with n2 (10.0.0.2) as their peer;
#   - n2: enhanced-GRE packets to those call IDs from the right peer
#     address, following each call's sequence (in order, reordered, lost,
#     duplicated, far off, acks, malformed, long), so that they get past the
#     peer check into the window code;
#   - namespaces created and deleted with live calls while GRE floods them.
# Then every GRE packet n2 sent must be in exactly one counter: the
# namespace's drops or the per-call receive counters (live calls, and the
# final counters of deleted calls from CALL_DEL events), less what the
# backlog, IPv4 reassembly or the GRE demultiplexer (a packet under 12
# bytes) dropped before kpptp saw it.  The kernel must log no warning.
#
# Sizes: KPPTP_KFUZZ_SECONDS (default 60) and KPPTP_KFUZZ_PACKETS (default
# 20000) here; "make fuzz-kernel" runs 1800 s and 10^6 packets.
. "$(dirname "$0")/lib.sh"
KFUZZ=$KPPTP_SRC/tests/tools/kpptp-kfuzz.py
SECONDS_=${KPPTP_KFUZZ_SECONDS:-60}
PACKETS=${KPPTP_KFUZZ_PACKETS:-20000}
RATE=$((PACKETS / SECONDS_ + 1))
SEED=${KPPTP_KFUZZ_SEED:-$RANDOM}
echo "# seed $SEED, $SECONDS_ s, $PACKETS packets"
setup_veth_pair
dmesg_mark=$(dmesg | wc -l)

n1 "$CTL" -j -s monitor >"$TMP/events" 2>"$TMP/monitor.err" &
monitor=$!
# It listens once it sees a call come and go (call 999: no packet goes to
# it, its CALL_DEL counts nothing); until then the call comes and goes again.
canary() {
	n1 "$CTL" call add id 999 peer 10.0.0.2 peer-id 999 >/dev/null
	n1 "$CTL" call del id 999
	sleep 0.2
	grep -qE '"event":"del".*"id":999[,}]' "$TMP/events"
}
wait_for canary 20 || fail "the monitor saw nothing: $(cat "$TMP/events" "$TMP/monitor.err")"

# Namespace churn: a namespace with live calls, flooded with GRE by a
# second one, deleted mid-flood.  Paced, like the main sender, so that the
# backlog drops nothing that the count below could not attribute.
churn() {
	local i a b end=$((SECONDS + SECONDS_))
	for ((i = 0; SECONDS < end; i++)); do
		a=$NS_PREFIX-c$i-a
		b=$NS_PREFIX-c$i-b
		ip netns add "$a"
		ip netns add "$b"
		ip link add vc1 netns "$a" type veth peer name vc2 netns "$b"
		ip -n "$a" addr add 10.9.0.1/24 dev vc1
		ip -n "$b" addr add 10.9.0.2/24 dev vc2
		ip -n "$a" link set vc1 up
		ip -n "$b" link set vc2 up
		ip netns exec "$a" "$CTL" call add id 1 peer 10.9.0.2 peer-id 1 >/dev/null
		ip netns exec "$a" "$CTL" call add id 2 peer 10.9.0.2 peer-id 2 >/dev/null
		ip netns exec "$b" python3 "$KFUZZ" gre --dst 10.9.0.1 --src 10.9.0.2 \
			--ids 1-2 --count 100000 --rate 2000 --seed "$i" >/dev/null 2>&1 &
		sleep 0.$((RANDOM % 5 + 1))
		ip netns del "$a"
		kill $! 2>/dev/null || true
		wait $! 2>/dev/null || true
		ip netns del "$b"
	done
	echo "churn: $i namespaces deleted with live calls under a GRE flood"
}

softnet_drops() { # the second column of every CPU's line, summed (hex)
	local s=0 _ dropped _rest
	while read -r _ dropped _rest; do s=$((s + 16#$dropped)); done </proc/net/softnet_stat
	echo "$s"
}
# IPv4 reassembly failures in n1 (the long packets travel as fragments)
reasm_fails() {
	n1 awk '$1 == "Ip:" { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 }
		else print $col["ReasmFails"] }' /proc/net/snmp
}
drops_before=$(softnet_drops)
reasm_before=$(reasm_fails)

churn >"$TMP/churn" 2>&1 &
churn_pid=$!
n1 python3 "$KFUZZ" genl --seconds "$SECONDS_" --seed "$SEED" --ids 1-32 \
	--peer 10.0.0.2 >"$TMP/genl" 2>&1 &
genl_pid=$!
n2 python3 "$KFUZZ" gre --dst 10.0.0.1 --src 10.0.0.2 --ids 1-32 \
	--count "$PACKETS" --rate "$RATE" --seed "$SEED" >"$TMP/gre" 2>&1 ||
	{ cat "$TMP/gre"; fail "GRE sender failed"; }
wait "$genl_pid" || { cat "$TMP/genl"; fail "netlink fuzzer failed"; }
wait "$churn_pid" || { cat "$TMP/churn"; fail "namespace churn failed"; }
cat "$TMP/genl" "$TMP/churn" "$TMP/gre"

# Reorder queues give up within 2 s (the largest reorder timeout).
sleep 3
# A call no socket has bound keeps up to 8 frames for its channel, in no
# counter yet: delete every call, so that those land in rx_flushed of its
# CALL_DEL event (the rest of the counters go with it the same way).
dels() { grep -c '"event":"del"' "$TMP/events" || :; }
ndel=$(dels)
for id in $(n1 "$CTL" -j call show | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("calls", []) if isinstance(d, dict) else d
print(" ".join(str(c["id"]) for c in d))'); do
	if n1 "$CTL" call del id "$id" 2>/dev/null; then
		ndel=$((ndel + 1))
	fi
done
# CALL_DEL comes a grace period later, then the monitor writes it
wait_for "[ \$(dels) -ge $ndel ]" 10 ||
	fail "the monitor has $(dels) CALL_DEL events, not $ndel"
n1 "$CTL" -j -s call show >"$TMP/calls"
n1 "$CTL" -j stats >"$TMP/net"
kill "$monitor"
wait "$monitor" 2>/dev/null || true
[ -s "$TMP/monitor.err" ] && { cat "$TMP/monitor.err"; fail "monitor reported an error"; }
reasm=$(( $(reasm_fails) - reasm_before ))
drops=$(( $(softnet_drops) - drops_before + reasm ))
echo "backlog drops $(( drops - reasm )), IPv4 reassembly failures $reasm"

sent=$(sed -n 's/^sent //p' "$TMP/gre")
short=$(sed -n 's/^short //p' "$TMP/gre")
python3 - "$TMP/events" "$TMP/calls" "$TMP/net" "$sent" "$drops" "$short" <<'PY' ||
import json, sys
events, calls, net, sent, drops, short = sys.argv[1:4] + [int(a) for a in sys.argv[4:7]]
# A received packet ends in exactly one of these; rx_reordered counts
# packets also in rx_packets, rx_lost sequence numbers, not packets.
PER_CALL = ["rx_packets", "rx_invalid", "rx_dropped", "rx_duplicate",
            "rx_acks", "rx_out_of_range", "rx_flushed", "rx_too_long"]
PER_NET = ["rx_malformed", "rx_unknown_call", "rx_wrong_peer"]

def counters(obj):
    """The dict holding a call's counters, wherever the printer nests it."""
    if isinstance(obj, dict):
        if "rx_packets" in obj:
            return obj
        for v in obj.values():
            c = counters(v)
            if c is not None:
                return c
    return None

def total(c, keys):
    return sum(int(c.get(k, 0)) for k in keys)

deleted = live = 0
ndel = 0
for line in open(events):
    e = json.loads(line)
    if e.get("event") == "del":
        c = counters(e)
        if c is None:
            sys.exit(f"CALL_DEL event without counters: {line}")
        deleted += total(c, PER_CALL)
        ndel += 1
d = json.load(open(calls))
d = d.get("calls", []) if isinstance(d, dict) else d
for call in d:
    live += total(counters(call) or {}, PER_CALL)
n = json.load(open(net))
netdrops = total(counters(n) or n.get("stats", n), PER_NET) if "rx_malformed" not in n else total(n, PER_NET)
counted = deleted + live + netdrops
print(f"sent {sent}: deleted calls ({ndel}) {deleted}, live calls ({len(d)}) {live}, "
      f"namespace drops {netdrops}, backlog drops {drops}, "
      f"under 12 bytes (dropped by gre_demux) {short}; counted {counted}")
if counted > sent - short:
    sys.exit(f"{counted - sent + short} packets counted more than once")
# the backlog count is for the whole guest (the churn's floods too)
missing = sent - short - drops - counted
if missing > 0:
    sys.exit(f"{missing} of {sent} packets are in no counter")
PY
	fail "packets missing from the counters"
pass "every fuzzed GRE packet counted"

if dmesg | tail -n +"$((dmesg_mark + 1))" | grep -E 'WARNING|BUG|Oops|KASAN|UBSAN|refcount|leak' ; then
	fail "kernel reports during the fuzz run"
fi
pass "no kernel report"
