#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd and kpptp.ko against a client that behaves like Windows' PPTP
# stack (tests/tools/pptp-winpeer.py, whose header lists each behaviour
# and its source): a random call ID, its own capability values,
# Set-Link-Info once up, Echo-Replies, the receive window ignored,
# standalone acks only after 100 ms, and pairs of packets sent in reverse
# order under load.  With the server's send window off and then on
# (tx-window): MS-CHAPv2 + MPPE-128 up, bulk TCP both ways with no second
# of the transfer empty, the server's call counting the reordered and the
# standalone acks it got, echo answered; torn down from the client
# (Call-Clear-Request), then from the server (Call-Disconnect-Notify).
#
#	$NS1 10.0.0.1                              $NS2 10.0.0.2
#	pppd pty pptp-winpeer.py  -- TCP, GRE -->  kpptpd, pppd per call
# timeout: 500
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
WIN=$KPPTP_SRC/tests/tools/pptp-winpeer.py
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' '# client server secret addresses' 'alice kpptpd "s3cret-Pa55" *' \
	>/etc/ppp/chap-secrets

# winpeer TAG: pppd with the Windows-like peer as its pty program
winpeer() {
	(
		trap - ERR
		set +e
		n1 sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/client-$1.pid" \
			pppd pty "python3 $WIN 10.0.0.2 --log $TMP/client-$1-win.log" \
			name alice remotename kpptpd require-mppe-128 refuse-eap \
			refuse-pap refuse-chap refuse-mschap noauth nodetach \
			nodefaultroute noipdefault novj mtu 1400 mru 1400 \
			lcp-echo-interval 0 ipparam "win-$1" \
			logfile "$TMP/client-$1.log" debug >/dev/null 2>&1
		echo $? >"$TMP/client-$1.rc"
	) &
}

# no_empty_second FILE: an iperf3 -J result whose every 1 s interval
# moved data (no stall), and its rate in Mbit/s on stdout.  The intervals
# are the sender's writes: 16 KB each (-l 16K), so that a slow kernel
# (debug) writing its default 128 KB under once a second is not a stall
no_empty_second() {
	python3 - "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
iv = [i["sum"]["bytes"] for i in j["intervals"]]
if not iv or min(iv) == 0:
    sys.exit("an empty second: %s" % iv)
print(round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1))
PY
}

for mode in off on; do
	kpptpd_conf "tx-window $mode" "echo-interval 2" >"$TMP/kpptpd-$mode.conf"
	mppe_server_options kpptpd server >"$TMP/options.kpptpd"	# after kpptpd_conf's
	start_kpptpd n2 "$TMP/kpptpd-$mode.conf" "kpptpd-$mode"
	ctl() { n2 "$CTL" -S "$TMP/kpptpd-$mode.sock" "$@"; }
	winpeer "$mode"
	wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "tx-window $mode: the link did not come up"
	grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-$mode.log" ||
		kpptpd_fail "client log: MPPE-128 not enabled"
	grep -q "winpeer: call [0-9]* up, server call [0-9]*, server window 64 (ignored)" "$TMP/client-$mode-win.log" ||
		kpptpd_fail "the peer's log: $(cat "$TMP/client-$mode-win.log")"
	sid=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	want=False
	[ "$mode" = off ] || want=True
	expect_eq "$(call_field n2 "$sid" tx_window)" "$want" "tx-window $mode: the call's send window"
	pass "tx-window $mode: MS-CHAPv2 + MPPE-128 up with the Windows-like peer, kernel call $sid"

	n2 iperf3 -s -D -1 -B 192.168.200.1 -p 5262
	wait_listen n2 tcp 5262
	n1 iperf3 -c 192.168.200.1 -p 5262 -t 5 -i 1 -l 16K -J --connect-timeout 5000 >"$TMP/up.json" ||
		kpptpd_fail "iperf3 to the server"
	up=$(no_empty_second "$TMP/up.json") || kpptpd_fail "tx-window $mode: a stall towards the server"
	n2 iperf3 -s -D -1 -B 192.168.200.1 -p 5263
	wait_listen n2 tcp 5263
	n1 iperf3 -c 192.168.200.1 -p 5263 -t 5 -i 1 -l 16K -R -J --connect-timeout 5000 >"$TMP/down.json" ||
		kpptpd_fail "iperf3 from the server"
	down=$(no_empty_second "$TMP/down.json") || kpptpd_fail "tx-window $mode: a stall towards the client"
	reord=$(call_field n2 "$sid" rx_reordered)
	acks=$(call_field n2 "$sid" rx_acks)
	dup=$(call_field n2 "$sid" rx_duplicate)
	[ "$reord" -gt 0 ] || kpptpd_fail "the server's call put no packet back in order"
	[ "$acks" -gt 0 ] || kpptpd_fail "the server's call got no standalone ack"
	expect_eq "$dup" 0 "duplicates counted by the server's call"
	pass "tx-window $mode: $up Mbit/s up, $down down, no empty second; the server reordered $reord packets, got $acks standalone acks"

	wait_for "[ \"\$(ctl -j conn show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0][\"echo\"][\"replies\"])')\" -ge 1 ]" 20 ||
		kpptpd_fail "no Echo-Reply from the peer"
	pass "tx-window $mode: Echo-Request answered"

	if [ "$mode" = off ]; then
		kill -TERM "$(cat "$TMP/client-$mode.pid")"
		wait_for "[ -s '$TMP/client-$mode.rc' ]" 30 || kpptpd_fail "pppd did not exit"
		wait_for "grep -q 'winpeer: cleared the call' '$TMP/client-$mode-win.log'" 10 ||
			kpptpd_fail "the peer did not clear: $(tail -3 "$TMP/client-$mode-win.log")"
		# the server's pppd, having acked the LCP Terminate-Request,
		# ends on its own 3 s timer: on a slow guest it may go first,
		# and kpptpd then sends its Call-Disconnect-Notify instead
		wait_for "grep -qE 'call $sid( cleared by the peer \(CCRQ\)|: pppd [0-9]+ exited)' '$TMP/kpptpd-$mode.log'" 10 ||
			kpptpd_fail "kpptpd saw neither the Call-Clear-Request nor its pppd's end"
		how="from the client (Call-Clear-Request)"
		grep -q "call $sid cleared by the peer (CCRQ)" "$TMP/kpptpd-$mode.log" ||
			how="from the client (its LCP Terminate-Request; the server's pppd ended first)"
	else
		ctl call disconnect id "$sid" >/dev/null
		wait_for "[ -s '$TMP/client-$mode.rc' ]" 30 || kpptpd_fail "pppd did not exit"
		# the Call-Disconnect-Notify comes once the server's pppd is
		# reaped; the client's pppd, which acked its LCP
		# Terminate-Request, may end on its own 3 s timer before that
		if grep -q "winpeer: ending: Call-Disconnect-Notify from the server" "$TMP/client-$mode-win.log"; then
			expect_eq "$(cat "$TMP/client-$mode.rc")" 16 "pppd's exit status (hangup)"
			how="from the server (Call-Disconnect-Notify, pppd hung up)"
		else
			grep -q "winpeer: ending: pppd closed the pty" "$TMP/client-$mode-win.log" ||
				kpptpd_fail "the peer saw neither the Call-Disconnect-Notify nor pppd's end"
			how="from the server (LCP Terminate-Request; the client's pppd ended first)"
		fi
	fi
	wait_for "[ \$(calls_in n2) = 0 ]" 20 || kpptpd_fail "server call left"
	no_calls_left n1
	grep "winpeer: .*=" "$TMP/client-$mode-win.log" | sed 's/^/    /'
	pass "tx-window $mode: torn down $how, no call left"
	kill -TERM "$(cat "$TMP/kpptpd-$mode.pid")"
	wait_for "! kill -0 $(cat "$TMP/kpptpd-$mode.pid")" 20 || kpptpd_fail "kpptpd did not stop"
done
