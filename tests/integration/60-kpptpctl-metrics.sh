#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpctl metrics: the Prometheus text an operator's monitoring scrapes,
# checked by tests/tools/prom-check.py, against what happened: call setups
# accepted (tests/tools/pptp-load.c), calls refused by the kernel's call
# limit and connections refused by max-per-source (each refusal the peer
# saw counted once, under its reason), GRE packets for no call and
# malformed ones (gre-inject.py) under kpptp.ko's drop reasons; without a
# kpptpd, kpptpd_up 0 and the kernel's metrics still.
#
#	$NS1: pptp-load, gre-inject.py  -->  $NS2: kpptpd (pppd none)
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/../bench/load.sh"
CHECK=$KPPTP_SRC/tests/tools/prom-check.py
setup_veth_pair

load_kpptpd_up

# metric NAME[{LABELS}]: its value in the last scrape, $TMP/m.txt
metric() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { exit !found }' "$TMP/m.txt" ||
		kpptpd_fail "no $1 in the metrics"
}
scrape() {
	n2 "$CTL" metrics >"$TMP/m.prom" || kpptpd_fail "kpptpctl metrics failed"
	python3 "$CHECK" "$TMP/m.prom" >"$TMP/m.txt" || kpptpd_fail "not valid exposition text"
}

scrape
expect_eq "$(metric kpptpd_up)" 1 "kpptpd_up"
expect_eq "$(metric kpptp_calls)" 0 "kpptp_calls"
expect_eq "$(metric kpptpd_calls_accepted_total)" 0 "setups before any"
grep -q '^# TYPE kpptpd_calls_refused_total counter$' "$TMP/m.prom" ||
	kpptpd_fail "no counter type for kpptpd_calls_refused_total"
pass "valid Prometheus text, $(wc -l <"$TMP/m.txt") samples, kpptpd_up 1"

# ---- accepted setups
load_run "$TMP/setups.json" setups --conns 2 --seconds 2
cycles=$(load_get "$TMP/setups.json" 'j["cycles"]')
scrape
acc=$(metric kpptpd_calls_accepted_total)
[ "$acc" -ge "$cycles" ] && [ "$cycles" -gt 0 ] ||
	kpptpd_fail "kpptpd_calls_accepted_total $acc, pptp-load completed $cycles"
expect_eq "$(metric 'kpptpd_calls_refused_total{reason="kernel"}')" 0 "kernel refusals"
pass "kpptpd_calls_accepted_total $acc for $cycles completed setups"

# ---- calls refused by the kernel's limit: each one the peer saw, counted
n2 "$CTL" net set max-calls 0
n1 "$LOAD" setups --conns 1 --seconds 1 --server 10.0.0.2 \
	>"$TMP/refused.json" 2>/dev/null || :
failed=$(load_get "$TMP/refused.json" 'j["failures"]')
n2 "$CTL" net set max-calls 65535
[ "$failed" -gt 0 ] || kpptpd_fail "no setup was refused with max-calls 0"
scrape
expect_eq "$(metric 'kpptpd_calls_refused_total{reason="kernel"}')" "$failed" \
	"kernel refusals (pptp-load saw $failed)"
expect_eq "$(metric 'kpptpd_calls_refused_total{reason="max_calls"}')" 0 "max_calls refusals"
expect_eq "$(metric kpptpd_calls_accepted_total)" "$acc" "accepted while the kernel refused"
total=$(n2 "$CTL" -j daemon show | python3 -c 'import json,sys; print(json.load(sys.stdin)["calls_refused"])')
expect_eq "$total" "$failed" "daemon show's calls_refused"
pass "$failed setups refused by the kernel's max-calls 0: counted under reason=\"kernel\", as daemon show's total"

# ---- connections refused by max-per-source, after a reload sets it
echo "max-per-source 2" >>"$TMP/kpptpd-load.conf"
n2 "$CTL" daemon reload >/dev/null || kpptpd_fail "reload"
conns() { n2 "$CTL" -j daemon show | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"])'; }
wait_for "[ \$(conns) = 0 ]" 10 || kpptpd_fail "connections left: $(conns)"
n1 "$LOAD" idle --conns 3 --hold 0.5 --server 10.0.0.2 \
	>"$TMP/idle3.json" 2>/dev/null || :
expect_eq "$(load_get "$TMP/idle3.json" 'j["failures"]')" 1 "connections refused to pptp-load"
scrape
expect_eq "$(metric 'kpptpd_connections_refused_total{reason="max_per_source"}')" 1 "max_per_source refusals"
expect_eq "$(metric 'kpptpd_connections_refused_total{reason="connections"}')" 0 "connections refusals"
expect_eq "$(metric kpptpd_reloads_total)" 1 "reloads"
pass "after a reload with max-per-source 2, the third connection from one source refused and counted under reason=\"max_per_source\""

# ---- kpptp.ko's drops
n1 python3 "$KPPTP_SRC/tests/tools/gre-inject.py" --dst 10.0.0.2 --call-id 4321 \
	unknown-call bad-protocol short-header >/dev/null
wait_for "[ \"\$(n2 \"$CTL\" -j stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"stats\"][\"rx_malformed\"])')\" = 2 ]" 5 ||
	kpptpd_fail "stats: $(n2 "$CTL" stats | tr '\n' ' ')"
scrape
expect_eq "$(metric 'kpptp_dropped_packets_total{reason="rx_unknown_call"}')" 1 "rx_unknown_call"
expect_eq "$(metric 'kpptp_dropped_packets_total{reason="rx_malformed"}')" 2 "rx_malformed"
pass "kpptp_dropped_packets_total: 1 for no call, 2 malformed, as sent"

# ---- without kpptpd (load_kpptpd_down would take the refusals' warnings
# for trouble)
kill -TERM "$LOAD_PID"
wait_for "! kill -0 $LOAD_PID" 30 || kpptpd_fail "kpptpd did not stop"
no_calls_left n2
scrape
expect_eq "$(metric kpptpd_up)" 0 "kpptpd_up without kpptpd"
! grep -q '^kpptpd_calls' "$TMP/m.txt" || kpptpd_fail "daemon metrics without a daemon"
expect_eq "$(metric 'kpptp_dropped_packets_total{reason="rx_malformed"}')" 2 "kernel metrics without kpptpd"
rc=0
n2 "$CTL" -j metrics >/dev/null 2>"$TMP/j.err" || rc=$?
expect_eq "$rc" 1 "kpptpctl -j metrics: exit status"
grep -q "Prometheus text only" "$TMP/j.err" || kpptpd_fail "kpptpctl -j metrics: $(cat "$TMP/j.err")"
pass "without kpptpd: kpptpd_up 0, the kernel's metrics, exit 0; -j refused"
