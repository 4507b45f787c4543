#!/bin/bash
# The PX_PROTO_PPTP socket ABI used exactly as the in-tree driver's users do:
# socket, bind (call ID 0 = kernel picks), connect, PPPIOCGCHAN, /dev/ppp.
# Also: attach-by-bind to a netlink call, and the ABI's error answers.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

# n1 lets the kernel pick its call ID; n2 binds 300 and learns n1's.
n1 "$STATIC" --peer 10.0.0.2 --peer-id 300 --id-file "$TMP/id1" >"$TMP/s1" &
n2 "$STATIC" --peer 10.0.0.1 --local-id 300 --peer-id-file "$TMP/id1" >"$TMP/s2" &
wait_for "grep -q unit $TMP/s1 && grep -q unit $TMP/s2"
id1=$(cat "$TMP/id1")
[ "$id1" -ge 1 ] || fail "kernel-picked call ID $id1"
[ "$(call_field n1 "$id1" owner)" = socket ] || fail "owner"
[ "$(call_field n2 300 peer_id)" = "$id1" ] || fail "peer id"
pass "bind 0 picked call $id1"

n1 ip addr add 192.168.200.1 peer 192.168.200.2 dev ppp0
n2 ip addr add 192.168.200.2 peer 192.168.200.1 dev ppp0
n1 ip link set ppp0 up mtu 1400
n2 ip link set ppp0 up mtu 1400
n1 ping -q -c 10 -i 0.05 -W 2 192.168.200.2 >/dev/null || fail "ping"
n2 iperf3 -s -D -1
wait_listen n2 tcp 5201
n1 iperf3 -c 192.168.200.2 -t 3 --connect-timeout 5000 >/dev/null || fail "iperf3"
pass "traffic over the socket ABI"

# The same ID cannot be bound twice; connect to a peer already in use fails.
if n2 "$STATIC" --peer 10.0.0.1 --local-id 300 --peer-id 1 2>"$TMP/err"; then
	fail "second bind to call 300 succeeded"
fi
grep -q "bind: Device or resource busy" "$TMP/err" || fail "$(cat "$TMP/err")"
if n2 "$STATIC" --peer 10.0.0.1 --peer-id "$id1" 2>"$TMP/err"; then
	fail "second call to the same peer call succeeded"
fi
grep -q "connect: Operation already in progress" "$TMP/err" || fail "$(cat "$TMP/err")"
pass "EBUSY and EALREADY as in-tree"

# Closing the socket deletes its call.
pkill -f "pptp-static --peer 10.0.0.2"
wait_for "! n1 $CTL call show id $id1"
pass "close deletes the call"

# Attach to a call made over netlink: bind() takes it over, connect() must
# agree with the peer netlink gave.
n1 "$CTL" call add id 500 peer 10.0.0.2 peer-id 300 >/dev/null
if n1 "$STATIC" --peer 10.0.0.2 --local-id 500 --peer-id 301 2>"$TMP/err"; then
	fail "connect to another peer than netlink's succeeded"
fi
grep -q "connect: Transport endpoint is already connected" "$TMP/err" || fail "$(cat "$TMP/err")"
# that failed attempt closed its socket, which deleted the call
wait_for "! n1 $CTL call show id 500"
n1 "$CTL" call add id 500 peer 10.0.0.2 peer-id 300 >/dev/null
n1 "$STATIC" --peer 10.0.0.2 --local-id 500 --peer-id 300 >"$TMP/s3" &
wait_for "grep -q unit $TMP/s3"
[ "$(call_field n1 500 attached)" = True ] || fail "not attached"
[ "$(call_field n1 500 owner)" = netlink ] || fail "owner"
n1 ip addr add 192.168.201.1 peer 192.168.201.2 dev ppp1 2>/dev/null ||
	n1 ip addr add 192.168.201.1 peer 192.168.201.2 dev ppp0
pass "bind attaches to a netlink call"

# Deleting the call over netlink while a socket holds it: the link goes.
n1 "$CTL" call del id 500
[ -z "$(n1 "$CTL" call show | grep '^500 ' || true)" ] || fail "500 still listed"
pass "netlink delete of an attached call"

# Unprivileged (no CAP_NET_ADMIN over the namespace): bind() would claim a
# call ID (or take over a netlink call), connect() a peer call; both EPERM.
n1 "$CTL" call add id 600 peer 10.0.0.2 peer-id 600 >/dev/null
for id in 0 601 600; do
	if n1 "$STATIC" --peer 10.0.0.2 --local-id "$id" --peer-id 602 \
		--drop-before bind 2>"$TMP/err"; then
		fail "unprivileged bind to call $id succeeded"
	fi
	grep -q "bind: Operation not permitted" "$TMP/err" ||
		fail "unprivileged bind to call $id: $(cat "$TMP/err")"
done
[ "$(call_field n1 600 attached)" = False ] || fail "call 600 attached"
if n1 "$STATIC" --peer 10.0.0.2 --local-id 601 --peer-id 602 \
	--drop-before connect 2>"$TMP/err"; then
	fail "unprivileged connect succeeded"
fi
grep -q "connect: Operation not permitted" "$TMP/err" || fail "$(cat "$TMP/err")"
n1 "$CTL" call del id 600
wait_for "! n1 $CTL call show id 601"
# ... while CAP_NET_ADMIN over a namespace of one's own user namespace is enough
unshare -Urn bash -c "ip link add d0 type dummy && ip link set d0 up &&
	ip addr add 10.9.0.1/24 dev d0 &&
	exec $STATIC --peer 10.9.0.2 --peer-id 7 >$TMP/s4" 2>"$TMP/err" &
wait_for "grep -q unit $TMP/s4" || fail "in a user namespace: $(cat "$TMP/err")"
kill $!
pass "bind and connect need CAP_NET_ADMIN over the namespace"

# connect() takes the peers CALL_NEW takes: unicast (these would route).
n1 ip route add 224.0.0.0/4 dev veth1
for peer in 224.0.0.1 255.255.255.255; do
	if n1 timeout 10 "$STATIC" --peer "$peer" --local 10.0.0.1 --peer-id 7 \
		2>"$TMP/err"; then
		fail "connect to $peer succeeded"
	fi
	grep -q "connect: Invalid argument" "$TMP/err" ||
		fail "connect to $peer: $(cat "$TMP/err")"
done
n1 ip route del 224.0.0.0/4 dev veth1
pass "connect refuses multicast and broadcast peers"
