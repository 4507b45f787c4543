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
#	+----------------------+      |   g6: also calls 8 and 9, each |
#	                              |   attached by a socket, then   |
#	                              |   closed                       |
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

# In g6 sockets take calls 8 and 9 over, with a PPP unit each, and close
# again.  A CALL_NEW refused in between registers no channel either: the
# channel indices of 8 and 9 are consecutive (checked at the end).
g6() { ip netns exec "$NS_PREFIX-g$N" "$@"; }
g6 "$CTL" call add id 8 peer "10.9.$N.2" peer-id 8 >/dev/null
g6 "$CTL" call add id 8 peer "10.9.$N.2" peer-id 10 >/dev/null 2>&1 &&
	fail "call 8 made twice"
g6 "$CTL" call add id 9 peer "10.9.$N.2" peer-id 9 >/dev/null
for id in 8 9; do
	g6 "$STATIC" --peer "10.9.$N.2" --local-id $id --peer-id $id \
		>"$TMP/static$id" 2>&1 &
	wait_for "grep -q '^call $id unit' $TMP/static$id" ||
		fail "no socket attached to call $id: $(cat "$TMP/static$id")"
done
c8=$(call_field g6 8 channel)
c9=$(call_field g6 9 channel)
[ -n "$c8" ] && [ -n "$c9" ] || fail "no channels while attached: '$c8' '$c9'"
pkill -f "pptp-static --peer 10.9.$N.2 "
wait_for "! pgrep -f 'pptp-static --peer 10.9.$N.2 '"
wait_for "! g6 $CTL call show id 8 && ! g6 $CTL call show id 9" ||
	fail "calls 8, 9 outlived their sockets"
pass "sockets attached to calls in g$N and closed"

for i in $(seq 1 $N); do
	ip netns del "$NS_PREFIX-g$i"
done
# namespaces are freed by a work item, in batches: give it time
wait_for "[ -z \"\$(n1 ip -o link show type veth)\" ]" 30 || true
left=$(n1 ip -o link show type veth | grep -c ': kg' || true)
[ "$left" = 0 ] ||
	fail "$((N - left))/$N deleted namespaces freed; left: $(n1 ip -o link show type veth | cut -d: -f2 | tr '\n' ' ')"
pass "$N/$N deleted namespaces freed"
[ $((c9 - c8)) = 1 ] ||
	fail "channels $c8 and $c9: a refused CALL_NEW registered a channel"
pass "a refused CALL_NEW registers no channel"
