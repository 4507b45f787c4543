#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A network namespace deleted while it holds calls is freed.  A netlink call
# with no socket must hold no reference on its namespace (the ppp channel,
# which would, comes only with an owning socket): otherwise the namespace's
# exit, which is what deletes its calls, never runs, and any user who may
# create user namespaces leaks namespaces.  Test 24 only sees "ip netns del"
# return, which it does either way.
#
#	      $NS1 ("n1")                kt$$-gN, N = 1..6 (deleted)
#	+----------------------+      +--------------------------------+
#	| kgN  (no address) ---+------+-- veth0  10.9.N.1/24           |
#	|                      |      |   call 7 -> 10.9.N.2 peer-id 7 |
#	+----------------------+      |   g6: also call 8, attached by |
#	                              |   a socket, then closed        |
#	                              +--------------------------------+
#
# kgN, the end of each veth pair left in n1, goes only when gN's exit runs
# (it deletes gN's veth0, and a veth pair goes as one): counting the kgN
# left counts the namespaces that were never freed.
. "$(dirname "$0")/lib.sh"
setup_ns n1

N=6
for i in $(seq 1 $N); do
	ns=$NS_PREFIX-g$i
	ip netns add "$ns"
	on_cleanup "ip netns del $ns 2>/dev/null || true"
	ip link add "kg$i" netns "$NS1" type veth peer name veth0 netns "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "10.9.$i.1/24" dev veth0
	ip -n "$ns" link set veth0 up
	ip netns exec "$ns" "$CTL" call add id 7 peer "10.9.$i.2" peer-id 7 >/dev/null
done
pass "$N namespaces with a live netlink call each"

# In g6 a socket takes call 8 over, with a PPP unit, and closes again.
g6() { ip netns exec "$NS_PREFIX-g$N" "$@"; }
g6 "$CTL" call add id 8 peer "10.9.$N.2" peer-id 8 >/dev/null
g6 "$STATIC" --peer "10.9.$N.2" --local-id 8 --peer-id 8 \
	>"$TMP/static" 2>&1 &
static=$!
wait_for "grep -q '^call 8 unit' $TMP/static" ||
	fail "no socket attached to call 8: $(cat "$TMP/static")"
[ -n "$(call_field g6 8 channel)" ] || fail "call 8 has no channel while attached"
kill "$static"
wait "$static" || true
wait_for "! g6 $CTL call show id 8" ||
	fail "call 8 outlived its socket"
pass "a socket attached to a call in g$N and closed"

for i in $(seq 1 $N); do
	ip netns del "$NS_PREFIX-g$i"
done
# namespaces are freed by a work item, in batches: give it time
wait_for "[ -z \"\$(n1 ip -o link show type veth)\" ]" 30 || true
left=$(n1 ip -o link show type veth | grep -c ': kg' || true)
[ "$left" = 0 ] ||
	fail "$((N - left))/$N deleted namespaces freed; left: $(n1 ip -o link show type veth | cut -d: -f2 | tr '\n' ' ')"
pass "$N/$N deleted namespaces freed"
