#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A transparent relay that lets only some users through (issue 11): the
# gateway's rule says "allow alice,ops-*"; kpptpd passes LCP and CHAP
# between the two calls itself, reads the name in the client's CHAP
# Response, and bridges the calls in the kernel once the server's Success
# passes.  Shown: alice gets through with MPPE-128 end to end, the gateway
# logs her name and the splice and runs no pppd; mallory is hung up at
# the gateway with the reason logged, the server never sees her Response,
# and nothing is left on either side.
#
#	n1 client --------- n2 gateway (relay default ... allow) --- n3 kpptpd
#	10.0.0.1       10.0.0.2 | 10.0.1.2                          10.0.1.3
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/relay-lib.sh"
modprobe ppp_mppe || fail "no ppp_mppe module"

setup_relay_chain 1
install -m 600 /dev/null /etc/ppp/chap-secrets
cat >/etc/ppp/chap-secrets <<SECRETS
alice srv "alice-S3cret" *
mallory srv "mallory-S3cret" *
SECRETS
relay_kpptpd_server n3 10.0.1.3
relay_gateway n2 gw 10.0.0.2 "relay default to 10.0.1.3 allow alice,ops-*"

relay_client ok alice 10.0.0.2 srv
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "alice: no link through the gateway"
grep -q 'CHAP name "alice" allowed: passed to 10.0.1.3:1723' "$TMP/kpptpd-gw.log" ||
	kpptpd_fail "the gateway did not log alice's name"
grep -q '"alice" authenticated at 10.0.1.3:1723: spliced to call' "$TMP/kpptpd-gw.log" ||
	kpptpd_fail "the gateway did not splice after the Success"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-srv.log" ||
	kpptpd_fail "no MPPE-128 at the server"
relay_check_link
for pid in $(ns_pids "$NS2"); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ] || kpptpd_fail "pppd runs on the gateway"
done
pass "alice allowed: her name read at the gateway, then spliced; MPPE-128 end to end, iperf3 $RELAY_MBPS Mbit/s"

pkill -f "ipparam ok"
wait_for "relay_chain_clear n2 n3" 15 || kpptpd_fail "left after alice: $(relay_chain_state n2 n3)"

relay_client bad mallory 10.0.0.2 srv
line='relay of user "mallory" to 10.0.1.3:1723 failed: the name is not allowed through this gateway (allow alice,ops-*): hanging up'
wait_for "grep -qF '$line' '$TMP/kpptpd-gw.log'" 60 || kpptpd_fail "no refusal line for mallory"
wait_for "! pgrep -f 'ipparam bad'" 30 || kpptpd_fail "mallory's pppd still runs"
wait_for "relay_chain_clear n2 n3 && [ \"\$(relay_ctl gw -j conn show)\" = '[]' ]" 15 ||
	kpptpd_fail "left after mallory: $(relay_chain_state n2 n3)"
! grep -q 'name = "mallory"' "$TMP/pppd-srv.log" ||
	kpptpd_fail "the server saw mallory's Response"
! grep -q "local  IP address" "$TMP/client-bad.log" || kpptpd_fail "mallory got addresses"
pass "mallory refused at the gateway: logged, the server never saw her Response, nothing left"
