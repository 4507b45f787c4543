#!/bin/bash
# Hostile enhanced GRE: every malformed packet is dropped and counted by
# exactly the counter that names its fault, a fuzzed burst is fully
# accounted for, and the link keeps working.
. "$(dirname "$0")/lib.sh"
setup_veth_pair
n2 ip addr add 10.0.0.3/24 dev veth2	# a stranger next to the peer

static_pair --local 10.0.0.2
n1 ping -q -c 3 -W 2 192.168.100.2 >/dev/null || fail "ping before"

counter() { # counter NAME: the namespace or call 100 counter in n1
	case $1 in
	rx_malformed|rx_unknown_call|rx_wrong_peer)
		n1 "$CTL" stats | sed -n "s/^$1 //p" ;;
	*)	n1 "$CTL" -s -s call show id 100 | grep -o "$1 [0-9]*" | cut -d' ' -f2 ;;
	esac
}

cases=$(python3 "$INJECT" --list --call-id 100)
for c in $(echo "$cases" | cut -d' ' -f1); do
	name=$(echo "$cases" | grep "^$c " | cut -d' ' -f2)
	before=$(counter "$name")
	n2 python3 "$INJECT" --dst 10.0.0.1 --src 10.0.0.2 --call-id 100 "$c" >/dev/null
	wait_for "[ \$(counter $name) -eq $((before + 1)) ]" 5 ||
		fail "$c did not move $name"
	pass "$c -> $name"
done

# from a stranger: a well-formed packet is counted as the wrong peer
before=$(counter rx_wrong_peer)
n2 python3 "$INJECT" --dst 10.0.0.1 --src 10.0.0.3 --call-id 100 ack-only >/dev/null
wait_for "[ \$(counter rx_wrong_peer) -eq $((before + 1)) ]" 5
pass "wrong source -> rx_wrong_peer"

# a fuzzed burst from the stranger: every packet lands in some counter
sum() { echo $(( $(counter rx_malformed) + $(counter rx_unknown_call) + $(counter rx_wrong_peer) )); }
before=$(sum)
n2 python3 "$INJECT" --dst 10.0.0.1 --src 10.0.0.3 --call-id 100 --fuzz 5000 --seed 7
wait_for "[ \$(sum) -eq $((before + 5000)) ]" 20 || fail "burst: $(( $(sum) - before )) of 5000 counted"
pass "5000 fuzzed packets, 5000 counted drops"

n1 ping -q -c 5 -i 0.1 -W 2 192.168.100.2 >/dev/null || fail "ping after"
pass "link still up"
