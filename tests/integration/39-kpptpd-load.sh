#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd with "pppd none" under tests/tools/pptp-load.c, briefly (make
# bench measures the same for longer): 8 control connections placing and
# clearing calls for 5 s, every reply's result code checked, the kernel
# call of a sample of them seen with kpptpctl while up, none left after,
# a loose floor on the rate; then 200 idle control connections opened,
# held and stopped.  kpptpd must log no warning or error.  Then file
# descriptors: started with a soft limit of 128 it raises it to the hard
# one and holds 300 connections; started with 100 and no room to raise
# it, it warns at start, refuses the connections it has no descriptor
# for (counted, the peer sees the close) and does not spin on its listen
# queue meanwhile.
#
#	$NS1: pptp-load (PNS)  -- TCP 1723 -->  $NS2: kpptpd -> kpptp.ko
# timeout: 400
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

# fd_kpptpd_up LIMITS: kpptpd (pppd none, 500 connections, 100 calls:
# up to 964 descriptors) under "ulimit LIMITS"
fd_kpptpd_up() {
	kpptpd_conf "pppd none" "connections 500" "max-per-source 500" \
		"max-calls 100" "idle-timeout 0" >"$TMP/kpptpd-fd.conf"
	: >"$TMP/kpptpd-fd.log"
	load_kpptpd_start "$TMP/kpptpd-fd.conf" "$TMP/kpptpd-fd.log" "$1" \
		-S "$TMP/fd.sock"
}
fd_kpptpd_down() {
	kill -TERM "$LOAD_PID"
	wait_for "! kill -0 $LOAD_PID" 30 || kpptpd_fail "kpptpd did not stop"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

fd_kpptpd_up "-Hn 4096 && ulimit -Sn 128"
[ "$(awk '/^Max open files/ { print $4 }' "/proc/$LOAD_PID/limits")" = 4096 ] ||
	kpptpd_fail "kpptpd did not raise its soft limit of 128 to 4096"
load_run "$TMP/fd1.json" idle --conns 300 --server-pid "$LOAD_PID" --hold 1
[ "$(load_get "$TMP/fd1.json" 'j["conns"]')" = 300 ] || kpptpd_fail "not 300 connections"
! grep -q 'file descriptors' "$TMP/kpptpd-fd.log" || kpptpd_fail "a file descriptor warning with room"
fd_kpptpd_down
pass "started with a soft limit of 128: raised to 4096, 300 connections held"

fd_kpptpd_up "-n 100"
grep -q 'file descriptors: connections 500 and max-calls 100 need up to 964, the limit is 100' \
	"$TMP/kpptpd-fd.log" || kpptpd_fail "no warning of the file limit at start"
n1 "$LOAD" idle --conns 150 --server 10.0.0.2 --hold 6 \
	>"$TMP/fd2.json" 2>"$TMP/fd2.err" &
lpid=$!
wait_for "grep -q 'connections open' '$TMP/fd2.err'" 60 ||
	kpptpd_fail "pptp-load did not finish opening"
# the connections held, the others refused: an idle kpptpd, not one
# woken again and again by a queued connection it cannot take
c0=$(cpu_ticks "$LOAD_PID")
sleep 3
c1=$(cpu_ticks "$LOAD_PID")
wait "$lpid" || :
refused=$(n2 "$CTL" -S "$TMP/fd.sock" metrics |
	awk '$1 == "kpptpd_connections_refused_total{reason=\"fd_limit\"}" { print $2 }')
held=$(load_get "$TMP/fd2.json" 'j["conns"]')
echo "fd limit 100: $held held, $refused refused, kpptpd $((c1 - c0)) ticks in 3 s" >&2
[ "$((c1 - c0))" -lt "$(($(getconf CLK_TCK) * 3 / 2))" ] ||
	kpptpd_fail "kpptpd used $((c1 - c0)) ticks in 3 s while out of descriptors"
[ "${refused:-0}" -ge 1 ] && [ "$held" -ge 50 ] || kpptpd_fail "$held held, $refused refused"
[ "$((held + refused))" = 150 ] || kpptpd_fail "$held held + $refused refused is not 150"
grep -q 'refused: out of file descriptors (limit 100' "$TMP/kpptpd-fd.log" ||
	kpptpd_fail "no refusal line"
fd_kpptpd_down
pass "limit 100: warned at start, $held connections held, $refused refused and counted, kpptpd idle meanwhile"
