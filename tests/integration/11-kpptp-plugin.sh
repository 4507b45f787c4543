#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kpptp.so pppd plugin's ways to get a call and its refusals: a static
# call through the in-tree socket ABI alone (kpptp_peer ...), attaching to a
# netlink call that does not exist, pptp.so's pptp_server with no server
# there (36 and 37 test it with servers), no call at all, bad option
# values; the channel gets
# the negotiated header compression, and the calls go with pppd.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

# pppd_fails WRAPPER PATTERN OPTIONS...: pppd with the plugin exits non-zero
# within 20 s and its stderr or log says PATTERN (grep -E).
pppd_fails() {
	local ns=$1 pat=$2 rc=0
	shift 2
	: >"$TMP/fail.log"
	"$ns" timeout 20 pppd plugin "$PLUGIN" "$@" nodetach noauth \
		logfile "$TMP/fail.log" >"$TMP/fail.out" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || fail "pppd $* succeeded"
	[ "$rc" -ne 124 ] || fail "pppd $* still ran after 20 s"
	grep -qE -- "$pat" "$TMP/fail.out" "$TMP/fail.log" ||
		fail "pppd $* said: $(cat "$TMP/fail.out" "$TMP/fail.log")"
}

pppd_fails n1 'kpptp: pptp_server 10\.0\.0\.2: TCP connection to 10\.0\.0\.2:1723: Connection refused' \
	pptp_server 10.0.0.2
pppd_fails n1 'pptp_window 9000: the sliding window, a number of packets from 1 to 8192 \(0: no window\)' \
	pptp_server 10.0.0.2 pptp_window 9000
pppd_fails n1 'kpptp_window 9000: a number of packets from 1 to 8192' \
	pptp_server 10.0.0.2 kpptp_window 9000
pppd_fails n1 'kpptp_reorder_ms 2001: milliseconds from 0 \(no reordering\) to 2000' \
	pptp_server 10.0.0.2 kpptp_reorder_ms 2001
pppd_fails n1 'pptp_timeout -5: milliseconds, 0 or more' \
	pptp_server 10.0.0.2 pptp_timeout -5
pppd_fails n1 'no call given: use pptp_server HOST, kpptp_call ID' debug
pppd_fails n1 'kpptp_call: invalid call ID "0": must be 1-65535' kpptp_call 0
pppd_fails n1 'kpptp_peer: invalid peer address "10\.0\.0"' kpptp_peer 10.0.0 kpptp_peer_id 1
pppd_fails n1 'kpptp_peer 10\.0\.0\.2 needs kpptp_peer_id' kpptp_peer 10.0.0.2
pppd_fails n1 'four ways to get a call' kpptp_call 5 kpptp_peer 10.0.0.2 kpptp_peer_id 1
pppd_fails n1 'call 555 has no channel: there is no such call in this network namespace' kpptp_call 555
# bind() made a call of its own for the free ID; closing deleted it again
no_calls_left n1
pass "option and attach errors"

# a netlink call another pppd holds cannot be taken
n1 "$CTL" call add id 300 peer 10.0.0.2 peer-id 400 >/dev/null
start_pppd n1 300 192.168.50.1:192.168.50.2
wait_for "[ \"\$(call_field n1 300 attached)\" = True ]"
pppd_fails n1 'call 300 is taken' kpptp_call 300
pkill -f "kpptp_call 300 " || true
wait_for "! n1 $CTL call show id 300"
pass "an attached call is not taken twice; it goes with its pppd"

# A static call on both ends: bind + connect, no netlink involved.
static_pppd() { # WRAPPER LOCAL-ID PEER PEER-ID IPS
	"$1" pppd plugin "$PLUGIN" kpptp_local_id "$2" kpptp_peer "$3" \
		kpptp_peer_id "$4" "$5" noauth nodetach nodefaultroute \
		noipdefault noccp novj lcp-echo-interval 0 debug \
		logfile "$TMP/static-$1.log" >/dev/null 2>&1 &
}
static_pppd n1 100 10.0.0.2 200 192.168.100.1:192.168.100.2
static_pppd n2 200 10.0.0.1 100 192.168.100.2:192.168.100.1
wait_link n1 ppp0 192.168.100.2 30 ||
	fail "no static link: $(cat "$TMP"/static-*.log)"
grep -qE 'kpptp: call 100 from 10\.0\.0\.1 to 10\.0\.0\.2 call 200 \(channel [0-9]+\)' \
	"$TMP/static-n1.log" || fail "plugin log: $(cat "$TMP/static-n1.log")"
expect_eq "$(call_field n1 100 owner)" socket "static call owner"
expect_eq "$(call_field n1 100 peer_id)" 200 "static call peer"
expect_eq "$(call_field n1 100 local)" 10.0.0.1 "local address from the route"
expect_eq "$(call_field n1 100 ifname)" ppp0 "static call unit"
# LCP is up: send_config told the channel which headers to send.  Neither
# side asks for ACFC/PFC (the plugin's default), so full headers.
wait_for "grep -q 'kpptp: channel [0-9]* sends the address/control, full protocol field' $TMP/static-n1.log" ||
	fail "no send_config: $(cat "$TMP/static-n1.log")"
grep -q 'PPPIOCSFLAGS\|sending full PPP headers' "$TMP/static-n1.log" &&
	fail "send_config failed: $(cat "$TMP/static-n1.log")"
n1 ping -q -c 5 -i 0.1 -W 2 192.168.100.2 >/dev/null || fail "ping over the static call"
pass "static call: kpptp_peer, kpptp_peer_id, kpptp_local_id"

# pppd going away closes the socket, which deletes the call; the peer's
# pppd then sees LCP terminate and its call goes too.
pkill -f "kpptp_local_id 100 " || true
wait_for "! n1 $CTL call show id 100" 20
wait_for "! n2 $CTL call show id 200" 30
pass "static calls deleted with pppd"
no_calls_left n1 n2
