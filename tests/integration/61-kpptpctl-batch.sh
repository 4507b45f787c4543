#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpctl -b FILE: 5,000 calls made by one process, a link between two
# pptp-static ends carrying pings while they sit in the same namespace,
# a batch that stops at its first failing line (a duplicate ID) and names
# it, without running the lines after it, and the 5,000 deleted by one
# batch read from standard input.  (make bench's scale part does the same
# with 60,000 calls and measures.)
. "$(dirname "$0")/lib.sh"
setup_veth_pair
N=5000

static_pair

# idle calls in n2, each to its own peer (10.9.x.y: routed, silent)
n2 ip route add 10.9.0.0/16 dev veth2
python3 - "$N" "$TMP/add" "$TMP/del" <<'PY'
import sys
n = int(sys.argv[1])
with open(sys.argv[2], "w") as a, open(sys.argv[3], "w") as d:
    a.write("# %d calls\n\n" % n)
    for i in range(n):
        a.write("call add id %d peer 10.9.%d.%d peer-id 1  # idle\n"
                % (1000 + i, i // 250, i % 250 + 1))
        d.write("call del id %d\n" % (1000 + i))
PY
t0=$SECONDS
n2 "$CTL" -b "$TMP/add" >"$TMP/add.out" || fail "kpptpctl -b: adding $N calls"
expect_eq "$(net_field n2 calls)" $((N + 1)) "calls in n2"
# one table: the header once, then a row per call
expect_eq "$(grep -c '^ID ' "$TMP/add.out")" 1 "table headers printed by the batch"
expect_eq "$(grep -cE '^[0-9]+ ' "$TMP/add.out")" "$N" "rows printed by the batch"
pass "$N calls made by one kpptpctl -b in $((SECONDS - t0)) s"

n1 ping -q -c 20 -i 0.05 -W 2 192.168.100.2 >/dev/null || fail "ping with $N other calls"
rx=$(call_field n2 200 rx_packets)
[ "$rx" -ge 20 ] || fail "call 200 counted $rx packets"
pass "the link carries pings with $N other calls in the namespace (call 200: $rx packets)"

printf '%s\n' "call add id 7000 peer 10.9.99.1 peer-id 1" \
	"call add id 1000 peer 10.9.99.2 peer-id 1" \
	"call add id 7001 peer 10.9.99.3 peer-id 1" >"$TMP/bad"
rc=0
n2 "$CTL" -b "$TMP/bad" >/dev/null 2>"$TMP/bad.err" || rc=$?
expect_eq "$rc" 2 "a batch with a duplicate ID: exit status"
grep -q '/bad":2: stopped here' "$TMP/bad.err" || fail "no line named: $(cat "$TMP/bad.err")"
n2 "$CTL" call show id 7000 >/dev/null || fail "line 1 did not run"
! n2 "$CTL" call show id 7001 >/dev/null 2>&1 || fail "line 3 ran after the failure"
n2 "$CTL" call del id 7000
pass "a failing line stops the batch and is named: $(head -n 1 "$TMP/bad.err")"

n2 "$CTL" -b - <"$TMP/del" || fail "kpptpctl -b -: deleting $N calls"
expect_eq "$(net_field n2 calls)" 1 "calls in n2 after the deleting batch"
pass "$N calls deleted by one batch from standard input"
