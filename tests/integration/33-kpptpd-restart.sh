#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd killed (SIGKILL) under a live session.  Its pppd notices on its
# own (kpptp.so watches kpptpd's report socket) and hangs up, which deletes
# the kernel call.  A pppd that cannot notice (stopped, here) leaves the
# call behind: the next kpptpd finds it in its state file and deletes it
# (the pppd, let go, sees the hangup and exits), leaves a call made by
# someone else alone, and serves the client when it comes back.
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

# a pppd that cannot notice kpptpd's end: its call stays
pppd_pid=$(pgrep -of "kpptp_call $id ")
kill -STOP "$pppd_pid"
on_cleanup "kill -CONT $pppd_pid 2>/dev/null"
kill -KILL "$(cat "$TMP/kpptpd.pid")"
sleep 1
n2 "$CTL" call show id "$id" >/dev/null || kpptpd_fail "call $id went away with kpptpd"
kill -0 "$pppd_pid" || kpptpd_fail "pppd of call $id went away with kpptpd"
pass "after SIGKILL, its pppd stopped: call $id and the pppd are left over"

mv "$TMP/kpptpd.log" "$TMP/kpptpd-before.log"
start_kpptpd n2 "$TMP/kpptpd.conf"
grep -q "removed call $id left by an earlier kpptpd" "$TMP/kpptpd.log" ||
	kpptpd_fail "no sweep line"
n2 "$CTL" call show id "$id" >/dev/null 2>&1 && kpptpd_fail "stale call $id still there"
kill -CONT "$pppd_pid"
wait_for "! kill -0 $pppd_pid 2>/dev/null" 30 || kpptpd_fail "stale pppd still running"
n2 "$CTL" call show id 7 >/dev/null || kpptpd_fail "the restart deleted a call it did not make"
pass "restart removed stale call $id, its pppd exited once let go, call 7 untouched"

n2 "$CTL" call del id 7
wait_for "! pgrep -f 'ipparam first'" 60 || pkill -f 'ipparam first' || true
start_pptp_client n1 10.0.0.2 second
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "no session after the restart"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping"
pass "a client is served after the restart"

# kpptpd killed again, its pppd free to notice: the pppd hangs up by
# itself and its call goes with it, no kpptpd needed
id=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
logl=$(wc -l <"$TMP/pppd-server.log")
kill -KILL "$(cat "$TMP/kpptpd.pid")"
wait_for "! n2 $CTL call show id $id >/dev/null 2>&1" 30 ||
	kpptpd_fail "call $id outlived kpptpd with its pppd running"
wait_for "! pgrep -f 'kpptp_call $id '" 30 || kpptpd_fail "pppd of call $id outlived kpptpd"
tail -n +$((logl + 1)) "$TMP/pppd-server.log" >"$TMP/pppd-since.log"
grep -q "kpptpd closed the report socket: hanging up" "$TMP/pppd-since.log" ||
	kpptpd_fail "pppd did not say why it hung up"
no_calls_left n2
pass "kpptpd killed with its pppd running: the pppd hung up, call $id gone with it"
