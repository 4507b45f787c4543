#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Frames that arrive for a call before pppd has bound it (the gap between
# a PPTP server's Outgoing-Call-Reply and its pppd's start, where a client's
# first LCP Configure-Request lands) are kept, up to 8, and reach pppd once
# it binds, instead of costing the peer its 3 s restart timer.  Shown: 3
# Configure-Requests sent before pppd starts all appear in pppd's log, none
# is counted as a drop; of 10 sent to a second call, 8 reach pppd and 2 are
# counted in rx_dropped; and frames kept for a call deleted before any
# bind are freed with it and counted in rx_flushed (test 51 checks that
# every packet lands in one counter).
#
#	n1 10.0.0.1 (gre-inject.py) ------------ n2 10.0.0.2 (call, then pppd)
. "$(dirname "$0")/lib.sh"

setup_veth_pair

early() {
	local id=$1 count=$2 tag=$3
	n2 "$CTL" call add id "$id" peer 10.0.0.1 peer-id "$id" >/dev/null
	n1 python3 "$INJECT" --dst 10.0.0.2 --call-id "$id" --lcp "$count" >/dev/null
	sleep 0.5	# the frames are in before pppd starts
	expect_eq "$(call_field n2 "$id" rx_packets)" 0 "call $id: nothing delivered before the bind"
	n2 pppd plugin "$PLUGIN" kpptp_call "$id" noauth nodetach noipdefault \
		debug logfile "$TMP/pppd-$tag.log" \
		>/dev/null 2>&1 &
}
received() { grep -c 'rcvd \[LCP ConfReq id=0x[0-9a-f]* <magic 0x4b505450>\]' "$TMP/pppd-$1.log" || :; }

early 200 3 three
wait_for "[ \"\$(received three)\" = 3 ]" 20 ||
	fail "pppd saw $(received three) of the 3 early Configure-Requests: $(cat "$TMP/pppd-three.log")"
expect_eq "$(call_field n2 200 rx_packets)" 3 "call 200 rx_packets"
expect_eq "$(call_field n2 200 rx_dropped)" 0 "call 200 rx_dropped"
pass "3 frames before pppd's bind: all 3 reach pppd, none dropped"

early 201 10 ten
wait_for "[ \"\$(received ten)\" = 8 ]" 20 ||
	fail "pppd saw $(received ten) of the 10 early Configure-Requests, expected 8"
expect_eq "$(call_field n2 201 rx_dropped)" 2 "call 201 rx_dropped"
pass "10 frames before the bind: 8 kept for pppd, 2 counted as dropped"

# kept, then the call goes without ever being bound
n2 "$CTL" call add id 202 peer 10.0.0.1 peer-id 202 >/dev/null
n1 python3 "$INJECT" --dst 10.0.0.2 --call-id 202 --lcp 5 >/dev/null
sleep 0.5
n2 "$CTL" call del id 202
pkill -x pppd || :
wait_for "! pgrep -x pppd" 10
no_calls_left n2
pass "frames kept for a call deleted unbound go with it"
