#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptp.so as a PPTP client ("pptp_server HOST", no other program) against
# kpptpd: MS-CHAPv2 with MPPE-128, ping and iperf3, pptp_phone and
# pptp_window on the wire; the link ended by the client (Call-Clear-Request
# reaches kpptpd), by the server (its pppd killed: pppd hangs up), and
# redialled with persist.  Then misbehaving servers (refusals, a bad magic
# cookie, garbage, silence, a closed connection, garbage mid-call): pppd
# exits with a clear error and leaves no kernel call.
#
#	$NS1 10.0.0.1                         $NS2 10.0.0.2
#	pppd plugin kpptp.so            TCP   kpptpd (kpptp.ko), then
#	     pptp_server 10.0.0.2   <-------> pptp-hostile-pac.py
#	ppp0 over kpptp.ko              GRE   pppd + kpptp.so per call
# timeout: 600
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
HOSTILE=$KPPTP_SRC/tests/tools/pptp-hostile-pac.py
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

kpptpd_conf >"$TMP/kpptpd.conf"
mppe_server_options kpptpd server >"$TMP/options.kpptpd"
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' '# client server secret addresses' 'alice kpptpd "s3cret-Pa55" *' \
	>/etc/ppp/chap-secrets
start_kpptpd n2 "$TMP/kpptpd.conf"

client() { plugin_client "$1" kpptpd pptp_phone 5551234 pptp_window 32 "${@:2}"; }

# the pppd kpptpd runs for the call
server_pppd() {
	local p
	for p in $(ip netns pids "$NS2"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = pppd ] && echo "$p"
	done
	return 0
}


# ---- A: up with MS-CHAPv2 + MPPE-128, data, teardown from the client
t0=$(date +%s%N)
client a
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "the kpptp.so client did not come up"
t1=$(date +%s%N)
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-a.log" ||
	kpptpd_fail "client log: MPPE-128 not enabled"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-server.log" ||
	kpptpd_fail "server log: MPPE-128 not enabled"
pppd_authenticated "$TMP/pppd-server.log" alice ||
	kpptpd_fail "server log: alice not authenticated with MS-CHAPv2"
pass "kpptp.so pptp_server -> kpptpd: MS-CHAPv2, MPPE-128 on both ends, up in $(((t1 - t0) / 1000000)) ms"

cid=$(n1 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
sid=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
expect_eq "$(call_field n1 "$cid" peer_id)" "$sid" "client call's peer ID"
expect_eq "$(call_field n2 "$sid" peer_id)" "$cid" "server call's peer ID"
expect_eq "$(call_field n1 "$cid" recv_window)" 32 "client call's window (pptp_window)"
expect_eq "$(call_field n2 "$sid" peer_recv_window)" 32 "server call's peer window"
# pptp.so's pptp_window 32: a sliding window of 32 on what we send too,
# within kpptpd's 64
expect_eq "$(call_field n1 "$cid" tx_window)" True "client call's send window (pptp_window 32)"
expect_eq "$(call_field n1 "$cid" peer_recv_window)" 32 "client call's send window size"
grep -q "kpptp: call $cid to 10.0.0.2: server call ID $sid" "$TMP/client-a.log" ||
	kpptpd_fail "client log: no call line"
pass "kernel calls $cid <-> $sid, window 32 both ways (pptp.so's sliding window)"

n1 ping -q -c 10 -i 0.1 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping"
n2 iperf3 -s -D -1 -B 192.168.200.1 -p 5237
wait_listen n2 tcp 5237
n1 iperf3 -c 192.168.200.1 -p 5237 -t 5 -J --connect-timeout 5000 >"$TMP/iperf.json" ||
	kpptpd_fail "iperf3"
mbps=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' "$TMP/iperf.json")
pass "ping and iperf3 $mbps Mbit/s with MPPE-128"

kill -TERM "$(cat "$TMP/client-a.pid")"
client_ended a 5 "client-side teardown"
grep -q "kpptp: call $cid cleared, control connection closed" "$TMP/client-a.log" ||
	kpptpd_fail "client log: call not cleared"
wait_for "grep -q 'call $sid cleared by the peer (CCRQ)' '$TMP/kpptpd.log'" 10 ||
	kpptpd_fail "kpptpd did not see the Call-Clear-Request"
no_calls_left n1
wait_for "[ \$(calls_in n2) = 0 ]" 20 || kpptpd_fail "server call left"
wait_for "[ -z \"\$(server_pppd)\" ]" 20 || kpptpd_fail "server pppd left"
pass "client teardown: CCRQ seen by kpptpd, no call left on either end"
grep "kpptp:" "$TMP/client-a.log" | sed 's/^/    /'

# ---- B: the server ends the call (its pppd dies, kpptpd sends
# Call-Disconnect-Notify): our pppd hangs up, nothing left
client b
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "client b did not come up"
kill -KILL "$(server_pppd)"
client_ended b 16 "server-side teardown"
grep -q "kpptp: the server disconnected the call" "$TMP/client-b.log" ||
	kpptpd_fail "client log: no word of the server's Call-Disconnect-Notify"
grep -q "Modem hangup" "$TMP/client-b.log" || kpptpd_fail "client log: no hangup"
no_calls_left n1
wait_for "[ \$(calls_in n2) = 0 ]" 20 || kpptpd_fail "server call left"
pass "server teardown: pppd hung up (exit 16), no call left"

# ---- C: persist redials after the server hangs up
client c persist holdoff 1 maxfail 0
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "client c did not come up"
kill -KILL "$(server_pppd)"
wait_for "[ \$(grep -c 'kpptp: control connection to 10.0.0.2 up' '$TMP/client-c.log') -ge 2 ]" 60 ||
	kpptpd_fail "persist: no second control connection"
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "persist: the link did not come back"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping after redial"
expect_eq "$(calls_in n1)" 1 "calls after the redial"
kill -TERM "$(cat "$TMP/client-c.pid")"
client_ended c 5 "persist client stop"
no_calls_left n1
wait_for "[ \$(calls_in n2) = 0 ]" 20 || kpptpd_fail "server call left"
pass "persist: redialled after the server's hang-up, stopped cleanly"

# ---- D: two clients dialing at once (each kernel call waits for its
# server call ID under peer call ID 0 for a moment: one may have to wait)
client d1
client d2
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "two clients: ppp0 not up"
wait_link n1 ppp1 192.168.200.1 90 || kpptpd_fail "two clients: ppp1 not up"
expect_eq "$(calls_in n1)" 2 "client calls"
expect_eq "$(calls_in n2)" 2 "server calls"
n1 "$CTL" -j call show | python3 -c '
import json, sys
c = json.load(sys.stdin)
ids = {x["peer_id"] for x in c}
sys.exit(len(ids) != 2 or 0 in ids)' || kpptpd_fail "two clients: peer IDs $(n1 "$CTL" call show)"
kill -TERM "$(cat "$TMP/client-d1.pid")" "$(cat "$TMP/client-d2.pid")"
client_ended d1 5 "two clients, first"
client_ended d2 5 "two clients, second"
no_calls_left n1
wait_for "[ \$(calls_in n2) = 0 ]" 20 || kpptpd_fail "server calls left"
pass "two clients to one server at once: two calls, both cleared"

# ---- pppd killed outright: its socket owned the call, the kernel deletes
# it; the server sees the TCP connection close
client k
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "client k did not come up"
kill -KILL "$(cat "$TMP/client-k.pid")"
client_ended k 137 "pppd killed"
no_calls_left n1
wait_for "[ \$(calls_in n2) = 0 ]" 20 || kpptpd_fail "server call left after SIGKILL"
pass "pppd killed (SIGKILL): no call left on either end"

# ---- pptp.so's meanings: pptp_window 0 turns the window off, pptp_timeout
# is an ack timeout in ms (kpptp.ko adapts its own: said, not applied);
# kpptp's own meanings under their own names
plugin_client w kpptpd pptp_window 0 pptp_timeout 500 kpptp_window 16 kpptp_reorder_ms 0
wait_ppp_up n1 ppp0 192.168.200.1 90 || kpptpd_fail "client w did not come up"
wid=$(n1 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
expect_eq "$(call_field n1 "$wid" tx_window)" False "pptp_window 0: no send window"
expect_eq "$(call_field n1 "$wid" recv_window)" 16 "kpptp_window 16: the window announced"
expect_eq "$(call_field n1 "$wid" peer_recv_window)" 64 "pptp_window 0: kpptpd's window stands"
expect_eq "$(call_field n1 "$wid" reorder)" False "kpptp_reorder_ms 0: no reordering"
grep -q "kpptp: pptp_timeout 500 (pptp.so's ack timeout, ms) not applied" "$TMP/client-w.log" ||
	kpptpd_fail "client log: nothing said about pptp_timeout"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping, client w"
kill -TERM "$(cat "$TMP/client-w.pid")"
client_ended w 5 "client w stop"
no_calls_left n1
wait_for "[ \$(calls_in n2) = 0 ]" 20 || kpptpd_fail "server call left"
pass "pptp_window 0: window off; pptp_timeout: said not applied; kpptp_window 16, kpptp_reorder_ms 0"

kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd.pid")" 20 || kpptpd_fail "kpptpd did not stop"

# ---- E: misbehaving servers
# hostile MODE STATUS TEXT: pppd exits with STATUS, its log says TEXT
hostile() {
	local mode=$1 status=$2 text=$3
	n2 python3 "$HOSTILE" --listen 10.0.0.2 --mode "$mode" >"$TMP/hostile-$mode.log" 2>&1 &
	wait_for "grep -q listening '$TMP/hostile-$mode.log'" 10 || kpptpd_fail "$mode: server did not start"
	client "h-$mode"
	client_ended "h-$mode" "$status" "$mode"
	grep -q "$text" "$TMP/client-h-$mode.log" ||
		kpptpd_fail "$mode: the client's log does not say '$text'"
	no_calls_left n1
	wait_for "grep -q closed '$TMP/hostile-$mode.log'" 10 ||
		kpptpd_fail "$mode: the client did not close the control connection"
	[ -z "$(ip netns pids "$NS1")" ] || kpptpd_fail "$mode: processes left in $NS1"
	pass "$mode: pppd exit $status, \"$(grep -o "$text.*" "$TMP/client-h-$mode.log" | head -n 1)\""
}
hostile refuse-conn 8 "kpptp: pptp_server 10.0.0.2: the server refused the control connection: result 2 (general error)"
hostile cookie 8 "kpptp: pptp_server 10.0.0.2: malformed message from the server: magic cookie 0xdeadbeef"
hostile garbage 8 "kpptp: pptp_server 10.0.0.2: malformed message from the server"
hostile close 8 "kpptp: pptp_server 10.0.0.2: the server closed the control connection (TCP)"
hostile silent 8 "kpptp: pptp_server 10.0.0.2: no Start-Control-Connection-Reply from the server within 10000 ms"
hostile refuse-call 8 "kpptp: pptp_server 10.0.0.2: the server refused the call: result 7 (do not accept)"
grep -q "call request: call ID [0-9]* window 32 phone '5551234'" "$TMP/hostile-refuse-call.log" ||
	kpptpd_fail "pptp_window / pptp_phone not in the Outgoing-Call-Request"
pass "pptp_window 32 and pptp_phone 5551234 in the Outgoing-Call-Request"
hostile garbage-later 16 "kpptp: malformed message from the server"
grep -q "Modem hangup" "$TMP/client-h-garbage-later.log" ||
	kpptpd_fail "garbage mid-call: no hangup"
