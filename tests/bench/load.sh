# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/bench/load.sh: kpptpd's control plane under load, sourced in the
# guest after tests/integration/lib.sh and kpptpd-lib.sh (used by
# tests/bench/bench.sh and tests/integration/39-kpptpd-load.sh).
# pptp-load (tests/tools/pptp-load.c) runs in n1 and speaks PPTP to 10.0.0.2 (n2).
#
#	load_kpptpd_conf [DIRECTIVE...]
#	          kpptpd.conf for load: "pppd none" (calls without PPP),
#	          limits high (20000 connections, 20000 per source, 1000
#	          calls, no call rate limits, no idle timeout), then the
#	          DIRECTIVEs (a later one replaces an earlier), on stdout
#	load_kpptpd_up [DIRECTIVE...]
#	          kpptpd in n2 with load_kpptpd_conf's configuration,
#	          RLIMIT_NOFILE 131072 (room for setups_held's max-calls), without -d (no line per message);
#	          log $TMP/kpptpd.log, pid in $LOAD_PID
#	load_kpptpd_start CONF LOG LIMITS [ARG...]
#	          kpptpd -c CONF [ARG...] in n2 under "ulimit LIMITS", its
#	          stderr appended to LOG; waits until it listens, pid in
#	          $LOAD_PID
#	load_kpptpd_down
#	          SIGTERM, wait, fail on a leaked kernel call or a log line
#	          at warning level or above
#	load_run OUT MODE ARGS...
#	          pptp-load MODE in n1 (JSON to OUT); fails on a failed
#	          setup or connection
#	load_get OUT EXPR
#	          a value from OUT, EXPR a python expression over "j"

LOAD=$KPPTP_BUILD/pptp-load
LOAD_PID=

load_kpptpd_conf() {
	kpptpd_conf "pppd none" "remoteip 192.168.200.10-250" \
		"connections 20000" "max-per-source 20000" "max-calls 1000" \
		"max-calls-per-connection 4" "max-call-rate 0" \
		"max-calls-per-source 0" "idle-timeout 0" "$@"
}

load_kpptpd_up() {
	load_kpptpd_conf "$@" >"$TMP/kpptpd-load.conf"
	load_kpptpd_start "$TMP/kpptpd-load.conf" "$TMP/kpptpd.log" "-n 131072"
}

load_kpptpd_start() {
	local conf=$1 log=$2 limits=$3 before
	shift 3
	# the log may hold an earlier kpptpd's lines: wait for one more
	before=$(log_lines "$log" 'listening on')
	n2 sh -c "ulimit $limits"' && echo $$ >"$0" && exec "$@"' "$TMP/kpptpd.pid" \
		"$KPPTPD" -c "$conf" "$@" 2>>"$log" &
	wait_log_lines "$log" 'listening on' "$before" ||
		kpptpd_fail "kpptpd did not start (ulimit $limits)"
	LOAD_PID=$(cat "$TMP/kpptpd.pid")
}

load_kpptpd_down() {
	no_calls_left n2
	kill -TERM "$LOAD_PID"
	wait_for "! kill -0 $LOAD_PID" 30 || kpptpd_fail "kpptpd did not stop"
	no_calls_left n2
	if grep -E 'kpptpd\[(warning|error|crit|alert|emerg)\]' "$TMP/kpptpd.log" >"$TMP/bad.log"; then
		head -5 "$TMP/bad.log" >&2
		kpptpd_fail "kpptpd logged $(wc -l <"$TMP/bad.log") warnings or errors under load"
	fi
	LOAD_PID=
}

load_run() {
	local out=$1
	shift
	if ! n1 "$LOAD" "$@" --server 10.0.0.2 >"$out" 2>"$out.err"; then
		cat "$out" "$out.err" >&2
		kpptpd_fail "pptp-load $1: $(load_get "$out" 'j["failures"]' 2>/dev/null || echo no result) failures"
	fi
	echo "load: $1: $(cat "$out")" >&2
}

load_get() {
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
