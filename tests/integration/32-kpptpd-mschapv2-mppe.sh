#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MS-CHAPv2 and MPPE-128 through kpptpd: the server's pppd requires both,
# the pptp-linux client authenticates from chap-secrets; both logs show
# the authentication and 128-bit MPPE, ping and iperf3 pass; a wrong
# password is refused and leaves no call behind.
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

kpptpd_conf >"$TMP/kpptpd.conf"
mppe_server_options kpptpd server >"$TMP/options.kpptpd"
# the guest's /etc is a throwaway overlay
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' '# client server secret addresses' \
	'alice kpptpd "s3cret-Pa55" *' 'mallory kpptpd "other" *' >/etc/ppp/chap-secrets
start_kpptpd n2 "$TMP/kpptpd.conf"

client_opts=(name alice remotename kpptpd require-mppe-128 refuse-eap
	refuse-pap refuse-chap refuse-mschap)
pptp_client() { start_mppe_client n1 10.0.0.2 "$@"; }
pptp_client ok "${client_opts[@]}"
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "MS-CHAPv2 session did not come up"
grep -q "rcvd \[LCP ConfAck id=0x[0-9a-f]* .*<auth chap MS-v2>" "$TMP/pppd-server.log" ||
	kpptpd_fail "server log: MS-CHAPv2 not negotiated"
pppd_authenticated "$TMP/pppd-server.log" alice ||
	kpptpd_fail "server log: alice not authenticated"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-server.log" ||
	kpptpd_fail "server log: MPPE-128 not enabled"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-ok.log" ||
	kpptpd_fail "client log: MPPE-128 not enabled"
pass "MS-CHAPv2 authenticated, MPPE-128 on both ends"

n1 ping -q -c 10 -i 0.1 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping"
n2 iperf3 -s -D -1 -B 192.168.200.1 -p 5202
wait_listen n2 tcp 5202
n1 iperf3 -c 192.168.200.1 -p 5202 -t 5 -J --connect-timeout 5000 >"$TMP/iperf.json" ||
	kpptpd_fail "iperf3"
mbps=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' "$TMP/iperf.json")
pass "ping and iperf3 $mbps Mbit/s with MPPE-128"

# a wrong password: the server's pppd refuses, kpptpd clears the call
pptp_client bad name mallory password wrong remotename kpptpd \
	require-mppe-128 refuse-eap refuse-pap refuse-chap refuse-mschap
wait_for "! pgrep -f 'ipparam bad'" 60 || kpptpd_fail "the bad client's pppd is still running"
grep -q "CHAP authentication failed\|failed CHAP authentication" \
	"$TMP/pppd-server.log" "$TMP/client-bad.log" || kpptpd_fail "no authentication failure logged"
# the client's pppd may exit before the server's: kpptpd removes the
# call only once it has reaped the server's pppd
wait_for "[ \$(calls_in n2) = 1 ]" 20 ||
	kpptpd_fail "the refused call is still in the kernel"
pass "wrong password refused, its call removed, the good one stays"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "good session broken"

kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! pgrep -f 'kpptp_call '" 20
no_calls_left n2
pass "clean shutdown"
