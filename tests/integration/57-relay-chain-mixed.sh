#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Four gateways, the modes mixed (issue 11): gw2 splices, gw3 logs the
# client in as alice@r3 and logs in onwards as alice@r5, gw4 splices that,
# gw5 logs it in and logs in at the kpptpd server as alice.  MS-CHAPv2 and
# MPPE-128 on every login; the client is pppd with kpptp.so (pptp_server).
# Shown: the server's pair, ping and iperf3 behind the server, and a
# hang-up at the server clearing all five hops (the time is reported).
#
#	n1 --- n2 (transparent) --- n3 (terminating) --- n4 (transparent)
#	   --- n5 (terminating) --- n6 kpptpd server
#	link i: 10.0.(i-1).0/24; the server is 10.0.4.6
# timeout: 500
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/relay-lib.sh"
modprobe ppp_mppe || fail "no ppp_mppe module"

setup_relay_chain 4
install -m 600 /dev/null /etc/ppp/chap-secrets
cat >/etc/ppp/chap-secrets <<SECRETS
"alice@r3" gw3 "at-three" *
"alice@r5" gw5 "at-five" *
alice srv "at-server" *
SECRETS
defaults="defaults require-mppe-128 refuse-eap refuse-pap refuse-chap refuse-mschap novj mtu 1400 mru 1400 lcp-echo-interval 0"
for gw in gw3 gw5; do install -m 600 /dev/null "$TMP/$gw.list"; done
printf '%s\n' "$defaults" 'alice@r3 10.0.2.4 alice@r5 at-five' >"$TMP/gw3.list"
printf '%s\n' "$defaults" 'alice@r5 10.0.4.6 alice at-server' >"$TMP/gw5.list"

relay_kpptpd_server n6 10.0.4.6
relay_gateway n5 gw5 10.0.3.5 "relay-list $TMP/gw5.list"
relay_gateway n4 gw4 10.0.2.4 "relay default to 10.0.3.5"
relay_gateway n3 gw3 10.0.1.3 "relay-list $TMP/gw3.list"
relay_gateway n2 gw2 10.0.0.2 "relay default to 10.0.1.3"

t0=$(date +%s%N)
relay_plugin_client ok alice@r3 10.0.0.2 gw3
wait_link n1 ppp0 192.168.30.1 150 || kpptpd_fail "no link through four gateways"
login_ms=$((($(date +%s%N) - t0) / 1000000))
relay_check_link
pass "four gateways, modes mixed: the server's pair, ping and iperf3 $RELAY_MBPS Mbit/s (link up after $login_ms ms)"

t0=$(date +%s%N)
for pid in $(ns_pids "$NS6"); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ] || kill "$pid"
done
wait_for "relay_chain_clear n2 n3 n4 n5 n6 && ! pgrep -f 'ipparam ok' >/dev/null" 20 ||
	kpptpd_fail "left: $(relay_chain_state n2 n3 n4 n5 n6)"
pass "the server ends the call: all five hops cleared (seen after $((($(date +%s%N) - t0) / 1000000)) ms)"
