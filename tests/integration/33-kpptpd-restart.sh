#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A kpptpd that dies (SIGKILL) leaves its kernel call and pppd behind; the
# next kpptpd finds the call in its state file, deletes it (pppd sees the
# hangup and exits), leaves a call made by someone else alone, and serves
# the client when it comes back.
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair

kpptpd_conf >"$TMP/kpptpd.conf"
start_kpptpd n2 "$TMP/kpptpd.conf"
start_pptp_client n1 10.0.0.2 first
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "session did not come up"
id=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
grep -q "^$id " "$TMP/kpptpd.calls" || kpptpd_fail "call $id not in the state file"
# someone else's call, which the restart must not touch
n2 "$CTL" call add id 7 peer 10.0.0.1 peer-id 7 >/dev/null
on_cleanup 'n2 "$CTL" call del id 7 2>/dev/null'
pass "call $id up and recorded"

kill -KILL "$(cat "$TMP/kpptpd.pid")"
sleep 1
n2 "$CTL" call show id "$id" >/dev/null || kpptpd_fail "call $id went away with kpptpd"
pgrep -f "kpptp_call $id " >/dev/null || kpptpd_fail "pppd of call $id went away with kpptpd"
pass "after SIGKILL: call $id and its pppd are left over"

mv "$TMP/kpptpd.log" "$TMP/kpptpd-before.log"
start_kpptpd n2 "$TMP/kpptpd.conf"
grep -q "removed call $id left by an earlier kpptpd" "$TMP/kpptpd.log" ||
	kpptpd_fail "no sweep line"
wait_for "! n2 $CTL call show id $id" 10 || kpptpd_fail "stale call $id still there"
wait_for "! pgrep -f 'kpptp_call $id '" 30 || kpptpd_fail "stale pppd still running"
n2 "$CTL" call show id 7 >/dev/null || kpptpd_fail "the restart deleted a call it did not make"
pass "restart removed stale call $id, its pppd exited, call 7 untouched"

n2 "$CTL" call del id 7
wait_for "! pgrep -f 'ipparam first'" 60 || pkill -f 'ipparam first' || true
start_pptp_client n1 10.0.0.2 second
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "no session after the restart"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping"
pass "a client is served after the restart"
kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! pgrep -f 'kpptp_call '" 20
no_calls_left n2
