#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptp.so as a PPTP client ("pptp_server HOST", as with pptp.so) against
# pptpd (PoPToP), the reference server: MS-CHAPv2 with MPPE-128 required
# on both ends, ping and iperf3; the link ended by the client, by the
# server's pppd dying (pptpd's Call-Disconnect-Notify) and by the server's
# control process dying (TCP lost).  Each time pppd exits and no kernel
# call is left.
#
#	$NS1 10.0.0.1                         $NS2 10.0.0.2
#	pppd plugin kpptp.so            TCP   pptpd -> pptpctrl -> pppd
#	     pptp_server 10.0.0.2   <-------> (userspace GRE)
#	ppp0 over kpptp.ko              GRE
# timeout: 500
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

mppe_server_options pptpd pptpd >"$TMP/options.pptpd"
cat >"$TMP/pptpd.conf" <<CONF
option $TMP/options.pptpd
localip 192.168.201.1
remoteip 192.168.201.10-20
listen 10.0.0.2
CONF
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' '# client server secret addresses' 'alice pptpd "s3cret-Pa55" *' \
	>/etc/ppp/chap-secrets
n2 pptpd -f -c "$TMP/pptpd.conf" -p "$TMP/pptpd.pid" >"$TMP/pptpd.log" 2>&1 &
wait_for "n2 ss -ltn | grep -q ':1723 '" 10 || kpptpd_fail "pptpd did not listen"

client() { plugin_client "$1" pptpd "${@:2}"; }

# server_proc NAME: pids of NAME (pppd, pptpctrl) in $NS2
server_proc() {
	local p
	for p in $(ip netns pids "$NS2"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && echo "$p"
	done
	return 0
}

# ---- A: up, MPPE, data, teardown from the client
client a
wait_link n1 ppp0 192.168.201.1 90 || kpptpd_fail "the kpptp.so client did not come up"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-a.log" ||
	kpptpd_fail "client log: MPPE-128 not enabled"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-pptpd.log" ||
	kpptpd_fail "pptpd's pppd: MPPE-128 not enabled"
pppd_authenticated "$TMP/pppd-pptpd.log" alice ||
	kpptpd_fail "pptpd's pppd: alice not authenticated"
grep -q "kpptp: control connection to 10.0.0.2 up" "$TMP/client-a.log" ||
	kpptpd_fail "client log: no control connection line"
pass "kpptp.so pptp_server -> pptpd: MS-CHAPv2, MPPE-128 on both ends"

cid=$(n1 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
expect_eq "$(call_field n1 "$cid" peer)" 10.0.0.2 "call's peer"
expect_eq "$(call_field n1 "$cid" local)" 10.0.0.1 "call's local address (the TCP source)"
expect_eq "$(call_field n1 "$cid" attached)" True "call attached to pppd"
n1 ping -q -c 10 -i 0.1 -W 2 192.168.201.1 >/dev/null || kpptpd_fail "ping"
n2 iperf3 -s -D -1 -B 192.168.201.1 -p 5236
wait_listen n2 tcp 5236
n1 iperf3 -c 192.168.201.1 -p 5236 -t 5 -J --connect-timeout 5000 >"$TMP/iperf.json" ||
	kpptpd_fail "iperf3"
mbps=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' "$TMP/iperf.json")
pass "call $cid: ping and iperf3 $mbps Mbit/s through pptpd with MPPE-128"

kill -TERM "$(cat "$TMP/client-a.pid")"
client_ended a 5 "client-side teardown"
grep -q "kpptp: call $cid cleared, control connection closed" "$TMP/client-a.log" ||
	kpptpd_fail "client log: call not cleared"
no_calls_left n1
wait_for "[ -z \"\$(server_proc pppd)\" ]" 20 || kpptpd_fail "pptpd's pppd still runs"
wait_for "[ -z \"\$(server_proc pptpctrl)\" ]" 20 || kpptpd_fail "pptpctrl still runs"
pass "client teardown: pppd exit 5, pptpd's session ended, no call left"

# ---- B: pptpd's pppd dies: pptpctrl clears the call, our pppd hangs up
client b
wait_link n1 ppp0 192.168.201.1 90 || kpptpd_fail "client b did not come up"
kill -KILL "$(server_proc pppd)"
client_ended b 16 "server pppd killed"
grep -q "Modem hangup" "$TMP/client-b.log" || kpptpd_fail "client log: no hangup"
why=$(grep -o "kpptp: .*: hanging up call [0-9]*" "$TMP/client-b.log" | head -n 1)
[ -n "$why" ] || kpptpd_fail "client log: no reason for the hang-up"
no_calls_left n1
wait_for "[ -z \"\$(server_proc pptpctrl)\" ]" 20 || kpptpd_fail "pptpctrl still runs"
pass "server pppd killed: pppd exit 16 ($why), no call left"

# ---- C: pptpd's control process dies: TCP lost, our pppd hangs up
client c
wait_link n1 ppp0 192.168.201.1 90 || kpptpd_fail "client c did not come up"
kill -KILL "$(server_proc pptpctrl)"
client_ended c 16 "pptpctrl killed"
grep -q "kpptp: the server closed the control connection (TCP): hanging up" "$TMP/client-c.log" ||
	kpptpd_fail "client log: TCP loss not reported"
no_calls_left n1
pass "server control process killed: TCP loss seen, pppd exit 16, no call left"
for p in $(server_proc pppd); do kill -TERM "$p"; done
