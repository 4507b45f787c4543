#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd with "pppd none" under tests/tools/pptp-load.c, briefly (make
# bench measures the same for longer): 8 control connections placing and
# clearing calls for 5 s, every reply's result code checked, the kernel
# call of a sample of them seen with kpptpctl while up, none left after,
# a loose floor on the rate; then 200 idle control connections opened,
# held and stopped.  kpptpd must log no warning or error.
#
#	$NS1: pptp-load (PNS)  -- TCP 1723 -->  $NS2: kpptpd -> kpptp.ko
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/../bench/load.sh"
FLOOR=${KPPTP_LOAD_FLOOR:-5}	# setups/s; the guest reached 14-50 (host load)
setup_veth_pair

load_kpptpd_up
pass "kpptpd up with pppd none"

load_run "$TMP/setups.json" setups --conns 8 --seconds 5 \
	--server-pid "$LOAD_PID" --check-every 0.5 \
	--check-cmd "ip netns exec $NS2 $CTL -j call show id {id}"
rate=$(load_get "$TMP/setups.json" 'j["setups_per_s"]')
checked=$(load_get "$TMP/setups.json" 'j["kernel_calls_checked"]')
[ "$checked" -ge 2 ] || kpptpd_fail "only $checked kernel calls checked while up"
[ "$(load_get "$TMP/setups.json" "j['setups_per_s'] >= $FLOOR")" = True ] || kpptpd_fail "$rate setups/s, below the floor of $FLOOR"
no_calls_left n2
grep -q "up without pppd with 192.168.200.1:192.168.200" "$TMP/kpptpd.log" ||
	kpptpd_fail "no 'up without pppd' line"
[ "$(grep -c 'cleared by the peer (CCRQ)' "$TMP/kpptpd.log")" -ge "$(load_get "$TMP/setups.json" 'j["cycles"]')" ] ||
	kpptpd_fail "fewer CCRQ lines than cycles"
pass "$rate setups/s on 8 connections, p99 $(load_get "$TMP/setups.json" 'j["setup_p99_ms"]') ms, $checked kernel calls seen while up, none left"

load_run "$TMP/idle.json" idle --conns 200 --server-pid "$LOAD_PID" --hold 1
[ "$(load_get "$TMP/idle.json" 'j["conns"]')" = 200 ] || kpptpd_fail "not 200 idle connections"
wait_for "grep -q 'control connection closed (0 open)' '$TMP/kpptpd.log'" 20 ||
	kpptpd_fail "kpptpd still has connections"
pass "200 idle connections opened in $(load_get "$TMP/idle.json" 'j["open_s"]') s, RSS +$(load_get "$TMP/idle.json" 'j["rss_per_conn_bytes"]') bytes each"

load_kpptpd_down
pass "no kernel call left, no warning or error in kpptpd's log"
