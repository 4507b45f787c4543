#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A call made before the peer's call ID is known, as a PPTP client (PNS)
# does between its Outgoing-Call-Request and the reply: several may wait on
# one peer address, none has a channel (pppd cannot attach yet), CALL_SET
# of the peer ID completes one, a taken peer ID is refused with the call
# still waiting, and a completed call carries a PPP link.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

expect_fail() {
	local pat=$1 rc=0
	shift
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = 2 ] || fail "'$*' exited $rc, not 2: $(cat "$TMP/out" "$TMP/err")"
	grep -qE -- "$pat" "$TMP/err" || fail "'$*' said: $(cat "$TMP/err")"
}

# two calls waiting on the same peer
n1 "$CTL" call add id 100 peer 10.0.0.2 >/dev/null
n1 "$CTL" call add id 101 peer 10.0.0.2 >/dev/null
for id in 100 101; do
	[ "$(call_field n1 $id peer_id)" = "" ] || fail "call $id has a peer ID"
	[ "$(call_field n1 $id channel)" = "" ] || fail "call $id has a channel"
done
n1 "$CTL" call show | grep -qE '^100 +- +10\.0\.0\.2 ' ||
	fail "table: $(n1 "$CTL" call show)"
pass "two calls wait on one peer, no peer ID, no channel"

# A socket may own a waiting call (a dialer binds at once), but pppd gets
# no channel from it; pppd gives up, and its socket takes the call along.
n1 "$CTL" call add id 102 peer 10.0.0.2 >/dev/null
n1 pppd plugin "$PLUGIN" kpptp_call 102 noauth nodetach noipdefault \
	logfile "$TMP/pppd-early.log" >/dev/null 2>&1 &&
	fail "pppd ran on a call that waits for its peer ID"
grep -q "call 102 has no channel: .*its peer call ID is not set yet" \
	"$TMP/pppd-early.log" || fail "pppd's error: $(cat "$TMP/pppd-early.log")"
n1 "$CTL" call show id 102 >/dev/null 2>&1 &&
	fail "call 102 outlived the socket that owned it"
pass "pppd gets no channel from a waiting call"

# the replies come: 100 gets peer ID 200; 101 may not take it too
n1 "$CTL" call set id 100 peer-id 200
[ "$(call_field n1 100 peer_id)" = 200 ] || fail "peer ID not set"
[ "$(call_field n1 100 channel)" = "" ] || fail "a channel with no socket"
expect_fail "a call to that peer call ID exists" \
	n1 "$CTL" call set id 101 peer-id 200
[ "$(call_field n1 101 peer_id)" = "" ] || fail "101 changed by a refused set"
[ "$(call_field n1 101 channel)" = "" ] || fail "101 got a channel"
n1 "$CTL" call set id 101 peer-id 201
[ "$(call_field n1 101 peer_id)" = 201 ] || fail "101: peer ID not set"
pass "CALL_SET completes a waiting call; a taken peer ID is refused"

# a completed call carries PPP
n1 "$CTL" call del id 101
n2 "$CTL" call add id 200 peer 10.0.0.1 peer-id 100 >/dev/null
start_pppd n1 100 192.168.100.1:192.168.100.2
start_pppd n2 200 192.168.100.2:192.168.100.1
wait_link n1 ppp0 192.168.100.2 30 ||
	fail "link down: $(tail -n 20 "$TMP"/pppd-n1.log)"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.100.2 >/dev/null || fail "ping"
pass "a call completed later carries a PPP link"

pkill -TERM -f "kpptp_call (100|200) " || true
wait_for "! pgrep -f 'kpptp_call (100|200) '" 20
n1 "$CTL" call del id 100 2>/dev/null || true
n2 "$CTL" call del id 200 2>/dev/null || true
no_calls_left n1 n2
