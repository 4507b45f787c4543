#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# kpptp at namespace exit: only namespaces that had calls wait for grace
# periods there; and a namespace deleted while GRE floods into it, round
# after round, keeps kpptp's state until nothing can deliver to it.
#
#	$NS1 (stays)                          victim namespace (one per round)
#	+------------------------+            +----------------------------+
#	| gre-inject.py --flood  |            | call 100 from 10.1.0.1     |
#	|   va 10.1.0.1/24 ======= veth =====  vb 10.1.0.2/24              |
#	+------------------------+            +----------------------------+
#
# The flood is what the victim's call expects (its peer address and call ID,
# rising sequence numbers) mixed with acks, packets for unknown calls and
# malformed ones, so it reaches both the call's and the namespace's
# counters.  Each round deletes the victim mid-flood.  The namespace's kpptp
# state (and its per-CPU counters) must outlive every interface that can
# still deliver GRE there: kpptp.ko used to free it at pernet device exit,
# before the namespace's veth was gone, and the flood then wrote into freed
# per-CPU memory.
#
# KASAN does not see per-CPU memory, so the use after free went unnoticed
# on any kernel (a reused area just got someone else's counters bumped),
# and this test works by construction.  The function tracer shows the order
# at namespace exit: kpptp_net_exit(), which frees the state, must come
# after the namespace's devices are unregistered.  The flood keeps the path
# exercised; the runner fails the test on any oops, warning or lockdep
# report (ppp_generic warns if a channel outlives its namespace); and
# canary namespaces, created all along and never sent a packet, must keep
# every kpptp counter at 0 (a freed per-CPU area reused for theirs would
# not).
. "$(dirname "$0")/lib.sh"
setup_ns n1
# 15 rounds in make check (~10 s each under TCG), 200 in make soak
ROUNDS=${KPPTP_NETNS_ROUNDS:-15}

# The function tracer shows what namespace exit does, and in which order.
T=/sys/kernel/tracing
[ -e $T/trace ] || mount -t tracefs tracefs $T
on_cleanup "echo nop >$T/current_tracer; echo 0 >$T/options/func_stack_trace; echo >$T/set_ftrace_filter; echo 1 >$T/tracing_on"
# trace_start FUNCTIONS [1]: record calls of FUNCTIONS (with their stacks if
# 1) in $T/trace, from an empty buffer.  trace_stop keeps what it has (a
# change of tracer would empty it).
trace_start() {
	echo nop >$T/current_tracer
	echo "$1" >$T/set_ftrace_filter
	echo "${2:-0}" >$T/options/func_stack_trace
	echo >$T/trace
	echo 1 >$T/tracing_on
	echo function >$T/current_tracer
}
trace_stop() { echo 0 >$T/tracing_on; }

# kpptp frees a namespace's state (kpptp_net_exit()) only after the
# namespace's interfaces are unregistered (unregister_netdevice_queue(),
# here for a veth and the loopback device).
v=$NS_PREFIX-v0
ip netns add "$v"
on_cleanup "ip netns del $v 2>/dev/null || true"
ip link add vx netns "$NS1" type veth peer name vy netns "$v"
trace_start kpptp_net_exit
echo unregister_netdevice_queue >>$T/set_ftrace_filter
ip netns del "$v"
wait_for "grep -q unregister_netdevice_queue $T/trace && grep -q kpptp_net_exit $T/trace" 30 || true
sleep 1
trace_stop
if ! grep -q unregister_netdevice_queue $T/trace; then
	echo "skip: unregister_netdevice_queue() not traced: $(grep -v '^#' $T/trace)"
else
	# a kpptp_net_exit() after the last unregister_netdevice_queue()
	awk '/unregister_netdevice_queue/ { v = NR } /kpptp_net_exit/ { k = NR }
	     END { exit !(k > v) }' $T/trace ||
		fail "kpptp freed the namespace's state while it had devices: $(grep -v '^#' $T/trace)"
fi
pass "namespace state freed after the namespace's devices"

# The waits at namespace exit (rcu_barrier() and more) are only for
# namespaces that had calls: every other namespace teardown on the machine
# must not pay them.  rcu_barrier() is traced with its caller and stack;
# kpptp's calls are those with a kpptp_ function on them.
# kpptp_barriers CMD: how many rcu_barrier() calls kpptp made while the
# namespaces CMD created went away (waited for with one more namespace:
# namespaces are cleaned up in order).
kpptp_barriers() {
	trace_start rcu_barrier 1
	eval "$1"
	unshare -n true
	wait_for "grep -q 'cleanup_net' $T/trace" 20 || true
	sleep 1
	trace_stop
	grep -c 'kpptp_' $T/trace || true
}
n=$(kpptp_barriers 'for i in 1 2 3; do unshare -n true; done')
[ "$n" = 0 ] || fail "namespaces that never had a call: kpptp waited $n times: $(cat $T/trace)"
n=$(kpptp_barriers "unshare -n sh -c 'ip link add d0 type dummy && ip link set d0 up &&
	ip addr add 10.9.0.1/24 dev d0 && $CTL call add peer 10.9.0.2 >/dev/null'")
[ "$n" -gt 0 ] || fail "a namespace with a call: no rcu_barrier() from kpptp seen: $(cat $T/trace)"
pass "namespace exit waits only where there were calls"

# canaries: until $TMP/stop, a namespace with nothing in it lives 0.5 s, then
# prints its kpptp counters, which must all be 0.
canaries() {
	while [ ! -e "$TMP/stop" ]; do
		unshare -n sh -c "sleep 0.5; $CTL stats" >>"$TMP/canary" 2>&1 ||
			echo "canary failed" >>"$TMP/canary"
	done
}
canaries &
canary_pid=$!

for ((i = 1; i <= ROUNDS; i++)); do
	v=$NS_PREFIX-v$i
	ip netns add "$v"
	on_cleanup "ip netns del $v 2>/dev/null || true"
	ip -n "$v" link set lo up
	ip link add va netns "$NS1" type veth peer name vb netns "$v"
	ip -n "$NS1" addr add 10.1.0.1/24 dev va
	ip -n "$v" addr add 10.1.0.2/24 dev vb
	ip -n "$NS1" link set va up
	ip -n "$v" link set vb up
	# A call deleted just before: its end is still queued at exit.  Call
	# 100 has no peer call ID (so no ppp channel, whose namespace
	# reference would keep the victim alive): it still takes acks from
	# its peer, and counts the data it drops.
	ip netns exec "$v" "$CTL" call add id 99 peer 10.1.0.1 peer-id 199 >/dev/null
	ip netns exec "$v" "$CTL" call add id 100 peer 10.1.0.1 >/dev/null

	# (routing picks 10.1.0.1 as the source: binding it raced the address)
	n1 python3 "$INJECT" --dst 10.1.0.2 --call-id 100 --flood 60 >/dev/null &
	flood=$!
	wait_for "[ \"\$(ip netns exec $v $CTL -s -s call show id 100 |
		grep -o 'rx_acks [0-9]*' | cut -d' ' -f2)\" -gt 0 ]" 20 ||
		fail "round $i: the flood does not reach call 100"
	[ "$(ip netns exec "$v" "$CTL" stats | sed -n 's/^rx_unknown_call //p')" -gt 0 ] ||
		fail "round $i: no packet for an unknown call counted"
	ip netns exec "$v" "$CTL" call del id 99
	ip netns del "$v"
	# The veth pair goes with the victim's devices, before kpptp's state.
	wait_for "! ip -n $NS1 link show va" 60 || fail "round $i: the victim never went"
	kill "$flood" 2>/dev/null || true
	wait "$flood" 2>/dev/null || true
done
pass "$ROUNDS namespaces deleted under a GRE flood"

touch "$TMP/stop"
wait "$canary_pid"
n=$(grep -c '^calls 0$' "$TMP/canary" || true)
[ "$n" -gt 0 ] || fail "no canary namespace ran: $(head -5 "$TMP/canary")"
bad=$(grep -vE '^(calls|rx_[a-z_]+) 0$|^max_calls [0-9]+$' "$TMP/canary" || true)
[ -z "$bad" ] || fail "a canary namespace counted packets it never got: $bad"
pass "$n canary namespaces counted nothing"
