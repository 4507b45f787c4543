#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd's state file belongs to one kpptpd: a second kpptpd given the same
# state file (its own control socket and port) refuses to start, saying
# so, and the first one's call stays up.  After the first dies (SIGKILL;
# its pppd stopped, so that the call stays), the next kpptpd's sweep
# deletes the call it left, but not calls whose ID
# is in the file with another peer address or peer call ID (someone
# else's calls since).
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair

kpptpd_conf >"$TMP/kpptpd.conf"
start_kpptpd n2 "$TMP/kpptpd.conf"
start_pptp_client n1 10.0.0.2 a
wait_ppp_up n1 ppp0 192.168.200.1 60 || kpptpd_fail "session did not come up"
id=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
peer_id=$(call_field n2 "$id" peer_id)
grep -qx "$id 10.0.0.1 $peer_id *" "$TMP/kpptpd.calls" ||
	kpptpd_fail "call $id with peer 10.0.0.1 call ID $peer_id not in the state file: $(cat "$TMP/kpptpd.calls")"
expect_eq "$(stat -c %a "$TMP/kpptpd.calls")" 600 "state file mode"
pass "call $id recorded with its peer 10.0.0.1 / $peer_id"

# ------------------------------------------- a second kpptpd, same file
kpptpd_conf "port 1724" >"$TMP/second.conf"
if n2 "$KPPTPD" -f -c "$TMP/second.conf" -S "$TMP/second.sock" 2>"$TMP/second.log"; then
	kpptpd_fail "a second kpptpd started with the same state file"
fi
grep -q "state file $TMP/kpptpd.calls is locked: another kpptpd is running with it" "$TMP/second.log" ||
	kpptpd_fail "no clear refusal: $(cat "$TMP/second.log")"
n2 "$CTL" call show id "$id" >/dev/null || kpptpd_fail "the second kpptpd deleted call $id"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping after the second kpptpd"
[ ! -e "$TMP/second.sock" ] || kpptpd_fail "the refused kpptpd left its socket"
pass "a second kpptpd with the same state file refused: $(grep -o 'state file .*' "$TMP/second.log")"

# ------------------------------------------- the sweep checks the peer
# pppd stopped: left running, it hangs up by itself when kpptpd dies
# (test 33) and the call would be gone before the sweep
pppd_pid=$(pgrep -of "kpptp_call $id ")
kill -STOP "$pppd_pid"
on_cleanup "kill -CONT $pppd_pid 2>/dev/null"
kill -KILL "$(cat "$TMP/kpptpd.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd.pid") 2>/dev/null" 5
# calls made by someone else since, whose IDs are in the file with
# another peer address (4000) or another peer call ID (4001)
n2 "$CTL" call add id 4000 peer 10.0.0.9 peer-id 5 >/dev/null
n2 "$CTL" call add id 4001 peer 10.0.0.1 peer-id 99 >/dev/null
on_cleanup 'n2 "$CTL" call del id 4000 2>/dev/null; n2 "$CTL" call del id 4001 2>/dev/null'
# (and a free slot, a line of spaces, as kpptpd leaves them)
printf '%s\n' "4000 10.0.0.1 5" "$(printf '%31s' '')" "4001 10.0.0.1 6" >>"$TMP/kpptpd.calls"
mv "$TMP/kpptpd.log" "$TMP/kpptpd-first.log"
start_kpptpd n2 "$TMP/kpptpd.conf"
grep -q "removed call $id left by an earlier kpptpd" "$TMP/kpptpd.log" ||
	kpptpd_fail "call $id not swept"
grep -q "call 4000 is not the one an earlier kpptpd left (peer 10.0.0.9 call ID 5 now): left alone" "$TMP/kpptpd.log" ||
	kpptpd_fail "no line for call 4000"
grep -q "call 4001 is not the one an earlier kpptpd left (peer 10.0.0.1 call ID 99 now): left alone" "$TMP/kpptpd.log" ||
	kpptpd_fail "no line for call 4001"
grep -q "names no call" "$TMP/kpptpd.log" &&
	kpptpd_fail "a free slot taken for a bad line: $(grep 'names no call' "$TMP/kpptpd.log")"
wait_for "! n2 $CTL call show id $id" 10 || kpptpd_fail "stale call $id still there"
kill -CONT "$pppd_pid"
n2 "$CTL" call show id 4000 >/dev/null || kpptpd_fail "the sweep deleted call 4000 (another peer address)"
n2 "$CTL" call show id 4001 >/dev/null || kpptpd_fail "the sweep deleted call 4001 (another peer call ID)"
grep -q "^400[01] " "$TMP/kpptpd.calls" && kpptpd_fail "calls 4000/4001 still in the state file"
pass "the sweep removed call $id and left 4000 and 4001 (other peers) alone"

n2 "$CTL" call del id 4000
n2 "$CTL" call del id 4001
kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd.pid") 2>/dev/null" 20 || kpptpd_fail "kpptpd did not stop"
wait_for "! pgrep -f 'kpptp_call '" 30 || kpptpd_fail "pppd left running"
no_calls_left n2
