#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 5400
#
# bench.sh: the kpptp benchmark, run in the test guest by "make bench"
# (tests/vm/guest.sh bench), all in one boot:
#   1. rounds: the compared datapaths (veth, veth without offloads at MTU
#      1400, pptp.ko, kpptp) interleaved, A B C D then D C B A, ROUNDS
#      times; in each, TCP 1 stream under clean, reorder and loss (see
#      lib.sh), then the CPU cost per packet of 1300-byte UDP at a fixed
#      3000 pkt/s (cpu_cost).  The report takes medians and spreads;
#   2. matrix: one run of every other figure, for each underlay (clean,
#      delay, reorder, loss) and datapath (veth, pptp.ko, kpptp,
#      userspace, back to back): iperf3 TCP 4 streams, UDP 64-byte
#      datagrams received per second, ping average and 99th percentile,
#      and TCP 1 stream where the rounds do not measure it;
#   3. a perf profile of a pptp.ko and a kpptp TCP run;
#   4. aggregate TCP over 1, 16 and 64 concurrent calls (pptp.ko, kpptp);
#   5. control plane: call setups per second and kernel memory per call
#      through kpptpctl; kpptpd's call setups per second ("pppd none"),
#      and its RSS with 10,000 idle control connections (load.sh).
#   6. scale: one link's receive rate and CPU cost per packet with 60,000
#      other calls in the namespace against alone, interleaved; kernel
#      memory per call; the slab after deleting them (scale()).
#   7. sessions: real pppd on both ends of SESSIONS (1000) MS-CHAPv2 +
#      MPPE-128 sessions through kpptpd, as many as the guest's memory
#      holds: setups per second, traffic on all, memory per session split
#      into pppd, kpptpd and kernel, teardown (sessions.sh).
# Results go to tests/bench/results/ in the repository (the /src share):
# bench.csv (datapath,condition,metric,value,unit), bench.json,
# perf-*.txt; tests/bench/report.py turns them into the table and plot.
#
# BENCH_T (seconds per iperf3 run, default 3), BENCH_CALLS (default
# "1 16 64") and BENCH_CP_CALLS (default 300) are passed from the host as
# KPPTP_BENCH_T, KPPTP_BENCH_CALLS, KPPTP_BENCH_CP_CALLS; the rounds take
# KPPTP_BENCH_ROUNDS (6), KPPTP_BENCH_COST_PPS (3000),
# KPPTP_BENCH_COST_T (5 s measured per cost figure),
# KPPTP_BENCH_ROUND_DPS (the datapaths, "veth veth-no-offload pptp.ko
# kpptp") and KPPTP_BENCH_ROUND_CONDS ("clean reorder loss"); kpptpd's figures
# take KPPTP_BENCH_CP_CONNS (8 connections placing calls), KPPTP_BENCH_CP_T
# (5 s per setups run), KPPTP_BENCH_CP_RUNS (5 runs) and KPPTP_BENCH_IDLE
# (10000 idle connections).
# KPPTP_BENCH_SCALE_CALLS (60000) and KPPTP_BENCH_SCALE_ROUNDS (5) size the
# scale part.
# KPPTP_BENCH_SESSIONS (1000), KPPTP_BENCH_SESS_INFLIGHT (8 starts at once),
# KPPTP_BENCH_SESS_MEM_FLOOR (12: stop starting under 12% MemAvailable) and
# KPPTP_BENCH_SESS_T (10 s of traffic) size the sessions part.
# KPPTP_BENCH_CAPTURE_ROUNDS (5) sizes the capture part.
# KPPTP_BENCH_CP_SHARDS (2) kpptpd processes side by side, and one kpptpd
# on that many times KPPTP_BENCH_CP_CONNS connections, are measured in turn
# with the setups runs (kpptpd_figures).
# KPPTP_BENCH_CP_HELD (20000) calls are held beside a setups run
# (setups_held).
# KPPTP_BENCH_CP_BASE (a path under the source tree, e.g. build/base/kpptpd)
# adds to the control part KPPTP_BENCH_CP_AB_ROUNDS (5) interleaved rounds
# of that kpptpd against this tree's (setups_ab), each with setups_held.
# KPPTP_BENCH_PARTS (default "rounds matrix profiles calls control scale
# sessions capture") runs some
# parts only; their results go to results/partial.csv and partial.json, not
# to bench.csv and bench.json.
. "$(dirname "$0")/lib.sh"
. "$KPPTP_SRC/tests/integration/kpptpd-lib.sh"
. "$(dirname "$0")/load.sh"
. "$(dirname "$0")/sessions.sh"

BENCH_T=${KPPTP_BENCH_T:-$BENCH_T}
CALLS=${KPPTP_BENCH_CALLS:-1 16 64}
CP_CALLS=${KPPTP_BENCH_CP_CALLS:-300}
CP_CONNS=${KPPTP_BENCH_CP_CONNS:-8}
CP_SHARDS=${KPPTP_BENCH_CP_SHARDS:-2}
CP_T=${KPPTP_BENCH_CP_T:-5}
CP_RUNS=${KPPTP_BENCH_CP_RUNS:-5}
IDLE=${KPPTP_BENCH_IDLE:-10000}
ROUNDS=${KPPTP_BENCH_ROUNDS:-6}
COST_PPS=${KPPTP_BENCH_COST_PPS:-3000}
COST_T=${KPPTP_BENCH_COST_T:-5}
SCALE_CALLS=${KPPTP_BENCH_SCALE_CALLS:-60000}
SCALE_ROUNDS=${KPPTP_BENCH_SCALE_ROUNDS:-5}
CAPTURE_ROUNDS=${KPPTP_BENCH_CAPTURE_ROUNDS:-5}
CP_BASE=${KPPTP_BENCH_CP_BASE:+$KPPTP_SRC/${KPPTP_BENCH_CP_BASE#/src/}}
CP_AB_ROUNDS=${KPPTP_BENCH_CP_AB_ROUNDS:-5}
CP_HELD=${KPPTP_BENCH_CP_HELD:-20000}
ROUND_DPS=${KPPTP_BENCH_ROUND_DPS:-veth veth-no-offload pptp.ko kpptp}
ROUND_CONDS=${KPPTP_BENCH_ROUND_CONDS:-clean reorder loss}
ALL_PARTS="rounds matrix profiles calls control scale sessions capture"
PARTS=${KPPTP_BENCH_PARTS:-$ALL_PARTS}
OUT=bench
[ "$PARTS" = "$ALL_PARTS" ] || OUT=partial
RES=$KPPTP_SRC/tests/bench/results
BENCH_CSV=$TMP/bench.csv
START=$SECONDS
mkdir -p "$RES"
echo "datapath,condition,metric,value,unit" >"$BENCH_CSV"

# The guest, in words, for the report.
describe_guest() {
	local cpu mem
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	mem=$(awk '/^MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)
	echo "Debian $(cat /etc/debian_version), kernel $(uname -r), $(nproc) vCPU ($cpu), $mem, qemu TCG"
}

# profile NAME: perf over the whole system while one 5 s TCP run goes over
# the current datapath (perf starts iperf3's client itself, so the profile
# covers exactly the run).
profile() {
	local data=$TMP/perf-$1.data out=$RES/perf-$1.txt mbps addr=${DP_ADDR[0]}
	if ! command -v perf >/dev/null; then
		echo "perf is not installed in the guest" >"$out"
		return
	fi
	iperf_server "$addr" 5203
	if ! n1 perf record -q -a -g -e cpu-clock -o "$data" -- \
		iperf3 -c "$addr" -p 5203 -t 5 -J --connect-timeout 5000 \
		>"$TMP/perf-iperf.json" 2>"$TMP/perf.err"; then
		{ echo "perf record or iperf3 failed:"; cat "$TMP/perf.err"; } >"$out"
		return
	fi
	mbps=$(json_get "$TMP/perf-iperf.json" 'round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1)')
	{
		echo "# $1: perf record -a -g -e cpu-clock during iperf3 TCP 1 stream, clean underlay ($mbps Mbit/s while profiled)"
		echo "# $(describe_guest)"
		echo "# flat profile: perf report --no-children --sort comm,dso,symbol -g none --percent-limit 0.3"
		perf report -i "$data" --stdio --no-children --sort comm,dso,symbol -g none \
			--percent-limit 0.3 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 || true
		echo
		echo "# call graphs of the top symbols: perf report --no-children -g caller,0.5,callee --percent-limit 2"
		perf report -i "$data" --stdio --no-children --sort symbol -g caller,0.5,callee,function,percent \
			--percent-limit 2 2>/dev/null | grep -v '^$' | head -200 || true
	} >"$out"
	blog "profile $1 written to tests/bench/results/perf-$1.txt"
}

# profile_kpptpd OUT: where kpptpd's CPU goes while it sets calls up:
# perf on the whole guest, reported for kpptpd (user and kernel, DWARF
# call graphs), during a 5 s setups run apart from the measured one (perf
# slows what it watches), to results/perf-kpptpd-setups.txt.  perf takes
# many seconds to start under TCG: it starts disabled and the run begins
# once perf acknowledges "enable" on its control FIFO.
profile_kpptpd() {
	local data=$TMP/perf-kpptpd.data out=$RES/perf-kpptpd-setups.txt ppid ack
	if ! command -v perf >/dev/null; then
		echo "perf is not installed in the guest" >"$out"
		return
	fi
	rm -f "$TMP/perf.ctl" "$TMP/perf.ack"
	mkfifo "$TMP/perf.ctl" "$TMP/perf.ack"
	# -a: in the guest a -p recording held no sample
	perf record -q -a -D -1 --control "fifo:$TMP/perf.ctl,$TMP/perf.ack" \
		-F 499 -e cpu-clock --call-graph dwarf,8192 -o "$data" \
		2>"$TMP/perf.err" &
	ppid=$!
	exec 7<>"$TMP/perf.ctl" 8<>"$TMP/perf.ack"
	echo enable >&7
	read -r -t 120 ack <&8 || fail "perf did not start: $(cat "$TMP/perf.err")"
	load_run "$1" setups --conns "$CP_CONNS" --seconds 5 --server-pid "$LOAD_PID"
	echo disable >&7
	read -r -t 30 ack <&8 || :
	kill -INT "$ppid"
	wait "$ppid" || :
	exec 7>&- 8>&-
	{
		echo "# kpptpd: perf record -a -F 499 -e cpu-clock --call-graph dwarf during a 5 s pptp-load setups run, $CP_CONNS connections ($(load_get "$1" 'j["setups_per_s"]') setups/s while profiled, kpptpd at $(load_get "$1" 'j["server_cpu"]') CPU)"
		echo "# $(describe_guest)"
		echo "# the guest's CPU by command: perf report --sort comm -g none"
		perf report -i "$data" --stdio --no-children --sort comm -g none \
			2>/dev/null | grep -v '^#' | grep -v '^$' | head -12 || true
		echo
		echo "# kpptpd, flat: perf report --comms kpptpd --no-children --sort dso,symbol -g none --percent-limit 0.3"
		perf report -i "$data" --stdio --comms kpptpd --no-children --sort dso,symbol -g none \
			--percent-limit 0.3 2>/dev/null | grep -v '^#' | grep -v '^$' | head -80 || true
		echo
		echo "# kpptpd, inclusive: perf report --comms kpptpd --children --sort symbol -g none --percent-limit 0.5"
		perf report -i "$data" --stdio --comms kpptpd --children --sort symbol -g none \
			--percent-limit 0.5 2>/dev/null | grep -v "^#" | grep -v "^$" | head -250 || true
	} >"$out"
	blog "kpptpd profile written to tests/bench/results/perf-kpptpd-setups.txt"
}

# setups_ab: a change to kpptpd measured against the kpptpd it changes:
# CP_BASE (KPPTP_BENCH_CP_BASE, a kpptpd built from the base commit for the
# guest, e.g. build/base/kpptpd) and this tree's, each running alone in
# turn, base then this tree then this tree then base..., CP_AB_ROUNDS (5)
# times: setups per second (CP_CONNS connections, 5 s each) and kpptpd's
# CPU per setup.  The calling kpptpd is stopped meanwhile and restarted.
setups_ab() {
	local r who order saved=$KPPTPD
	load_kpptpd_down
	for ((r = 1; r <= CP_AB_ROUNDS; r++)); do
		order="base this"
		[ $((r % 2)) = 1 ] || order="this base"
		for who in $order; do
			KPPTPD=$saved
			[ "$who" = this ] || KPPTPD=$CP_BASE
			load_kpptpd_up
			load_run "$TMP/ab.json" setups --conns "$CP_CONNS" --seconds 5 \
				--server-pid "$LOAD_PID"
			row "kpptpd-$who" control-ab call_setups \
				"$(load_get "$TMP/ab.json" 'j["setups_per_s"]')" setups/s
			row "kpptpd-$who" control-ab cpu_per_setup \
				"$(cpu_per_setup "$TMP/ab.json")" us
			load_kpptpd_down
			setups_held "$who"
		done
	done
	KPPTPD=$saved
	load_kpptpd_up
}

# setups_held WHO: kpptpd ($KPPTPD) placing calls on CP_CONNS connections
# for 5 s with no other call, then again while CP_HELD calls are up (held
# by CP_HELD / 100 idle connections of 100 calls each: pptp-load idle
# --calls), as on a concentrator with tens of thousands of sessions: what
# kpptpd does per setup must not grow with the calls it has.  Setups/s and
# kpptpd's CPU per setup for each (held_rows), and the rate at which this
# tree's kpptpd took the held calls.
setups_held() {
	local who=$1 hp j=$TMP/held conns=$(( (CP_HELD + 99) / 100 ))
	load_kpptpd_up delegate "max-calls $((CP_HELD + 1000))" \
		"max-calls-per-connection 100"
	load_run "$j-0.json" setups --conns "$CP_CONNS" --seconds 5 \
		--server-pid "$LOAD_PID"
	# held for the setups run and a margin, then stopped politely; from
	# an address of their own, as other clients (the kernel keys a call
	# by the client's address and call ID, and both generators count
	# their call IDs from 1)
	ip -n "$NS1" addr replace 10.0.0.3/24 dev veth1
	n1 "$LOAD" idle --server 10.0.0.2 --source 10.0.0.3 --conns "$conns" \
		--calls 100 --inflight 8 --hold 12 --server-pid "$LOAD_PID" \
		>"$j-idle.json" 2>"$j-idle.err" &
	hp=$!
	wait_for "grep -q 'connections open' '$j-idle.err'" 1200 ||
		kpptpd_fail "$CP_HELD calls not held: $(tail -3 "$j-idle.err")"
	load_run "$j-1.json" setups --conns "$CP_CONNS" --seconds 5 \
		--server-pid "$LOAD_PID"
	wait "$hp" || kpptpd_fail "holding $CP_HELD calls: $(cat "$j-idle.json" "$j-idle.err")"
	[ "$(load_get "$j-idle.json" 'j["calls_held"]')" = "$((conns * 100))" ] ||
		kpptpd_fail "$(load_get "$j-idle.json" 'j["calls_held"]') calls held, not $((conns * 100))"
	held_rows "$who" 0 "$j-0.json"
	held_rows "$who" "$((conns * 100))" "$j-1.json"
	[ "$who" != this ] ||
		row kpptpd control held_calls_per_s \
			"$(load_get "$j-idle.json" 'round(j["calls_held"] / j["open_s"])')" calls/s
	wait_for "[ \"\$(net_field n2 calls)\" = 0 ]" 600 ||
		kpptpd_fail "$(net_field n2 calls) calls left after the held ones"
	load_kpptpd_down
}

# cpu_per_setup JSON: kpptpd's CPU time per setup of a pptp-load run, in us
cpu_per_setup() {
	load_get "$1" 'round(j["server_cpu"] * 1e6 / j["setups_per_s"])'
}

# held_rows WHO HELD OUT: setups/s and CPU per setup of a setups_held run:
# this tree's in the control table (medians over the A/B rounds), and in
# an A/B run each kpptpd's as kpptpd-WHO, condition held-HELD.
held_rows() {
	local sps cpu
	sps=$(load_get "$3" 'j["setups_per_s"]')
	cpu=$(cpu_per_setup "$3")
	if [ "$1" = this ]; then
		row kpptpd control "call_setups_held_$2" "$sps" setups/s
		row kpptpd control "cpu_per_setup_held_$2" "$cpu" us
	fi
	if [ -n "$CP_BASE" ]; then
		row "kpptpd-$1" "held-$2" call_setups "$sps" setups/s
		row "kpptpd-$1" "held-$2" cpu_per_setup "$cpu" us
	fi
}

# memory_kb FIELD: a /proc/meminfo field in kB.
memory_kb() { awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo; }

# slab_growth BEFORE AFTER: caches whose active objects grew by 50 or more,
# "name +objects(x size)".
slab_growth() {
	awk 'NR == FNR { if (FNR > 2) a[$1] = $2; next }
	     FNR > 2 && $2 - a[$1] >= 50 { printf "%s +%d(x%d) ", $1, $2 - a[$1], $4 }' "$1" "$2"
}

# control_plane: calls made and deleted one kpptpctl process at a time
# (the stand-in for kpptpd until it exists), the unreclaimable slab they
# take, and kpptpd's own figures when it is built.
control_plane() {
	local n=$CP_CALLS t0 t1 s0 s1 s2 ctl=$TMP/kpptpctl
	use_module kpptp
	cp "$CTL" "$ctl"	# run it from tmpfs, not the 9p share
	row guest control exec_per_s "$(exec_per_s)" procs/s
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	s0=$(memory_kb SUnreclaim)
	cp /proc/slabinfo "$TMP/slab0"
	t0=$EPOCHREALTIME
	n1 bash -c 'for ((i = 1; i <= $1; i++)); do
		"$2" call add id $((10000 + i)) peer 10.0.0.2 peer-id "$i" >/dev/null || exit 1
	done' calls "$n" "$ctl" || fail "kpptpctl call add failed"
	t1=$EPOCHREALTIME
	[ "$(net_field n1 calls)" = "$n" ] || fail "$n calls expected, $(net_field n1 calls) there"
	sleep 1
	s1=$(memory_kb SUnreclaim)
	row kpptp control call_setups_kpptpctl \
		"$(python3 -c 'import sys; n, a, b = map(float, sys.argv[1:]); print(round(n / (b - a)))' "$n" "$t0" "$t1")" \
		calls/s
	row kpptp control kmem_per_call "$(( (s1 - s0) * 1024 / n ))" bytes
	blog "slab caches that grew with $n calls: $(slab_growth "$TMP/slab0" /proc/slabinfo)"
	n1 bash -c 'for ((i = 1; i <= $1; i++)); do
		"$2" call del id $((10000 + i)) || exit 1
	done' calls "$n" "$ctl" || fail "kpptpctl call del failed"
	no_calls_left n1
	sleep 1
	s2=$(memory_kb SUnreclaim)
	blog "SUnreclaim: $s0 kB, $s1 kB with $n calls, $s2 kB after deleting them"
	kpptpd_figures
}

# setups_one J R: the checked run on CP_CONNS connections (kpptpd_figures)
setups_one() {
	local j=$1
	load_run "$j-setups.json" setups --conns "$CP_CONNS" --seconds "$CP_T" \
		--server-pid "$LOAD_PID" --check-every 2 \
		--check-cmd "ip netns exec $NS2 $TMP/kpptpctl -j call show id {id}"
	row kpptpd control call_setups "$(load_get "$j-setups.json" 'j["setups_per_s"]')" setups/s
	row kpptpd control call_setup_p50 "$(load_get "$j-setups.json" 'j["setup_p50_ms"]')" ms
	row kpptpd control call_setup_p99 "$(load_get "$j-setups.json" 'j["setup_p99_ms"]')" ms
	row kpptpd control call_setup_failures "$(load_get "$j-setups.json" 'j["failures"]')" failures
	row kpptpd control call_setups_kpptpd_cpu "$(load_get "$j-setups.json" 'j["server_cpu"]')" CPU
	row kpptpd control call_setups_generator_cpu "$(load_get "$j-setups.json" 'j["generator_cpu"]')" CPU
	row kpptpd control cpu_per_setup "$(cpu_per_setup "$j-setups.json")" us
	row kpptpd control call_setups_kpptpd_blocked \
		"$(load_get "$j-setups.json" 'round(1 - sum(v for k, v in j["server_where"].items() if k in ("running", "do_epoll_wait")), 2)')" \
		"of the time"
	blog "kpptpd during setups run $2 of $CP_RUNS (sampled /proc/PID/wchan): $(load_get "$j-setups.json" 'j["server_where"]')"
}

# setups_many J R: the same kpptpd on CP_SHARDS x CP_CONNS connections
setups_many() {
	load_run "$1-many.json" setups --conns "$((CP_SHARDS * CP_CONNS))" \
		--seconds "$CP_T" --server-pid "$LOAD_PID"
	row kpptpd control call_setups_many "$(load_get "$1-many.json" 'j["setups_per_s"]')" setups/s
	row kpptpd control cpu_per_setup_many "$(cpu_per_setup "$1-many.json")" us
}

# shards_up / shards_down: CP_SHARDS - 1 more kpptpd processes in n2 beside
# the bench's, each alone on a port of its own (1724, ...) with its own
# pool, state file and control socket: the connections of a concentrator
# spread over processes (a layout kpptpd does not offer by itself: each
# would keep its own limits and pool).  Their generators connect from
# 10.0.0.(4 + i): the kernel keys a call by the client's address and call
# ID, and every generator counts its IDs from 1.
SHARD_PIDS=()
shards_up() {
	local i
	SHARD_PIDS=()
	for ((i = 1; i < CP_SHARDS; i++)); do
		ip -n "$NS1" addr replace "10.0.0.$((4 + i))/24" dev veth1
		load_kpptpd_conf "localip 192.168.$((200 + i)).1" \
			"remoteip 192.168.$((200 + i)).10-250" "port $((1723 + i))" \
			"state-file $TMP/shard$i.calls" >"$TMP/shard$i.conf"
		local pid=$LOAD_PID
		: >"$TMP/kpptpd-shard$i.log"	# kpptpd_fail shows $TMP/kpptpd*.log
		load_kpptpd_start "$TMP/shard$i.conf" "$TMP/kpptpd-shard$i.log" "-n 131072" \
			-S "$TMP/shard$i.sock"
		SHARD_PIDS[i]=$LOAD_PID
		LOAD_PID=$pid
	done
}
shards_down() {
	local i
	for ((i = 1; i < CP_SHARDS; i++)); do
		kill -TERM "${SHARD_PIDS[i]}"
		wait_for "! kill -0 ${SHARD_PIDS[i]}" 30 || kpptpd_fail "kpptpd shard $i did not stop"
		if grep -E 'kpptpd\[(warning|error|crit|alert|emerg)\]' \
			"$TMP/kpptpd-shard$i.log" >"$TMP/bad.log"; then
			head -5 "$TMP/bad.log" >&2
			kpptpd_fail "kpptpd shard $i logged $(wc -l <"$TMP/bad.log") warnings or errors under load"
		fi
	done
	no_calls_left n2
}

# setups_shards J R: the bench's kpptpd and the shards at once, CP_CONNS
# connections each: their setups summed, and their CPU per setup
setups_shards() {
	local i pids=() figs
	for ((i = 1; i < CP_SHARDS; i++)); do
		n1 "$LOAD" setups --server 10.0.0.2 --port "$((1723 + i))" \
			--source "10.0.0.$((4 + i))" --conns "$CP_CONNS" --seconds "$CP_T" \
			--server-pid "${SHARD_PIDS[i]}" >"$1-shard$i.json" 2>"$1-shard$i.err" &
		pids[i]=$!
	done
	load_run "$1-shard0.json" setups --conns "$CP_CONNS" --seconds "$CP_T" \
		--server-pid "$LOAD_PID"
	for ((i = 1; i < CP_SHARDS; i++)); do
		wait "${pids[i]}" || {
			cat "$1-shard$i.json" "$1-shard$i.err" >&2
			kpptpd_fail "pptp-load against kpptpd shard $i failed"
		}
	done
	# each run's setups/s, then the sums and the CPU per setup, in one read
	read -r -a figs <<<"$(python3 -c 'import json, sys
runs = [json.load(open(f)) for f in sys.argv[1:]]
sps = [r["setups_per_s"] for r in runs]
cpu = sum(r["server_cpu"] for r in runs)
print(*sps, round(sum(sps), 1), round(cpu, 2), round(cpu * 1e6 / sum(sps)))' "$1"-shard*.json)"
	row kpptpd control call_setups_shards "${figs[-3]}" setups/s
	row kpptpd control call_setups_shards_kpptpd_cpu "${figs[-2]}" CPU
	row kpptpd control cpu_per_setup_shards "${figs[-1]}" us
	blog "shards: ${figs[*]:0:CP_SHARDS} setups/s"
}

# kpptpd_figures: kpptpd's own control plane (tests/bench/load.sh,
# tests/tools/pptp-load.c), "pppd none" so that no pppd runs: call setups per second
# on CP_CONNS control connections, CP_RUNS runs of CP_T seconds one after
# the other (OCRQ/OCRP/CCRQ/CDN cycles, every reply checked, a kernel call
# looked at with kpptpctl every 2 s while up; the report takes the median
# and the spread), the same with a whole connection per call, then
# IDLE idle control connections and kpptpd's RSS with them.  Fails on any
# failed setup, a kernel call left behind or a warning in kpptpd's log.
# Each run is one of three in turn (the order reversed every other
# round): CP_CONNS connections, CP_SHARDS x CP_CONNS connections, and
# CP_SHARDS kpptpd processes side by side with CP_CONNS each (setups_shards):
# what more concurrency, and what spreading it over processes, buys.  Only
# the first has kpptpctl look at a call every 2 s (one process start per
# 2 s beside it: the other two are, if anything, a little favoured).
kpptpd_figures() {
	local j=$TMP/load r how order
	use_module kpptp
	load_kpptpd_up
	shards_up
	row kpptpd control setup_conns "$CP_CONNS" connections
	row kpptpd control setup_conns_many "$((CP_SHARDS * CP_CONNS))" connections
	row kpptpd control shards "$CP_SHARDS" processes
	for ((r = 1; r <= CP_RUNS; r++)); do
		order="one many shards"
		[ $((r % 2)) = 1 ] || order="shards many one"
		for how in $order; do
			"setups_$how" "$j" "$r"
			no_calls_left n2
		done
	done
	shards_down
	profile_kpptpd "$j-prof.json"
	no_calls_left n2
	[ -z "$CP_BASE" ] || setups_ab
	load_run "$j-conn.json" setups --per-conn --conns "$CP_CONNS" --seconds 5 \
		--server-pid "$LOAD_PID"
	row kpptpd control conn_call_cycles "$(load_get "$j-conn.json" 'j["setups_per_s"]')" cycles/s
	no_calls_left n2
	load_run "$j-idle.json" idle --conns "$IDLE" --server-pid "$LOAD_PID" --hold 2
	row kpptpd control idle_conns "$(load_get "$j-idle.json" 'j["conns"]')" connections
	row kpptpd control idle_open_time "$(load_get "$j-idle.json" 'j["open_s"]')" s
	row kpptpd control idle_open_kpptpd_cpu "$(load_get "$j-idle.json" 'j["open_server_cpu"]')" CPU
	row kpptpd control kpptpd_rss_0 "$(load_get "$j-idle.json" 'round(j["rss0_kb"] / 1024, 1)')" MiB
	row kpptpd control kpptpd_rss_idle "$(load_get "$j-idle.json" 'round(j["rss_kb"] / 1024, 1)')" MiB
	row kpptpd control kpptpd_hwm_idle "$(load_get "$j-idle.json" 'round(j["hwm_kb"] / 1024, 1)')" MiB
	row kpptpd control rss_per_conn "$(load_get "$j-idle.json" 'j["rss_per_conn_bytes"]')" bytes
	row kpptpd control slab_per_conn "$(load_get "$j-idle.json" 'j["slab_per_conn_bytes"]')" bytes
	blog "idle: $(load_get "$j-idle.json" 'j["echoes_answered"]') Echo-Requests answered, closed in $(load_get "$j-idle.json" 'j["close_s"]') s; kpptpd's namespace: $(load_get "$j-idle.json" 'j["server_sockstat"]')"
	wait_for "grep -q 'control connection closed (0 open)' '$TMP/kpptpd.log'" 60 ||
		kpptpd_fail "kpptpd still has connections"
	load_kpptpd_down
	[ -n "$CP_BASE" ] || setups_held this
}

# scale: receiving on one kpptp link while SCALE_CALLS (60,000) other calls
# sit in the receiver's namespace, against the same link alone, in turn
# (alone, with, alone, with...) SCALE_ROUNDS (5) times: 64-byte UDP
# datagrams received per second and the CPU cost per packet (cpu_cost).
# The calls are made and deleted by one kpptpctl -b each time (calls/s),
# idle ones with peers in 10.9.0.0/16 that send nothing.  Also the kernel
# memory per call (SUnreclaim), and SUnreclaim after deleting them all
# against before.
scale() {
	local n=$SCALE_CALLS r t0 t1 s0 s1 s2 cost pps lost host
	local add=$TMP/scale-add del=$TMP/scale-del ctl=$TMP/kpptpctl
	cp "$CTL" "$ctl"
	python3 - "$n" "$add" "$del" <<-'EOF'
		import sys
		n = int(sys.argv[1])
		with open(sys.argv[2], "w") as a, open(sys.argv[3], "w") as d:
		    for i in range(n):
		        cid = 3000 + i
		        a.write("call add id %d peer 10.9.%d.%d peer-id %d\n"
		                % (cid, i // 250 % 250, i % 250 + 1, i // 62500 + 1))
		        d.write("call del id %d\n" % cid)
	EOF
	dp_up kpptp
	# a call needs a route to its peer; nothing is sent on these
	ip -n "$NS2" route replace 10.9.0.0/16 dev veth2
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	s0=$(memory_kb SUnreclaim)
	cp /proc/slabinfo "$TMP/slab0"
	for ((r = 1; r <= SCALE_ROUNDS; r++)); do
		row kpptp scale-1 udp64_rx "$(udp_pps)" pkt/s
		read -r cost pps lost host <<<"$(cpu_cost "$COST_PPS" "$COST_T")"
		row kpptp scale-1 cpu_per_pkt "$cost" us
		row kpptp scale-1 host_cpu_per_pkt "$host" us
		t0=$EPOCHREALTIME
		n2 "$ctl" -b "$add" >/dev/null || fail "kpptpctl -b: adding $n calls"
		t1=$EPOCHREALTIME
		[ "$(net_field n2 calls)" = $((n + 1)) ] ||
			fail "$((n + 1)) calls expected in n2, $(net_field n2 calls) there"
		row kpptp scale call_adds_batch \
			"$(python3 -c 'import sys; n, a, b = map(float, sys.argv[1:]); print(round(n / (b - a)))' "$n" "$t0" "$t1")" \
			calls/s
		s1=$(memory_kb SUnreclaim)
		row kpptp scale kmem_per_call "$(( (s1 - s0) * 1024 / n ))" bytes
		row kpptp "scale-$n" udp64_rx "$(udp_pps)" pkt/s
		read -r cost pps lost host <<<"$(cpu_cost "$COST_PPS" "$COST_T")"
		row kpptp "scale-$n" cpu_per_pkt "$cost" us
		row kpptp "scale-$n" host_cpu_per_pkt "$host" us
		t0=$EPOCHREALTIME
		n2 "$ctl" -b "$del" >/dev/null || fail "kpptpctl -b: deleting $n calls"
		t1=$EPOCHREALTIME
		[ "$(net_field n2 calls)" = 1 ] || fail "$(net_field n2 calls) calls left in n2"
		row kpptp scale call_dels_batch \
			"$(python3 -c 'import sys; n, a, b = map(float, sys.argv[1:]); print(round(n / (b - a)))' "$n" "$t0" "$t1")" \
			calls/s
	done
	dp_down
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2
	s2=$(memory_kb SUnreclaim)
	row kpptp scale sunreclaim_after_delete "$((s2 - s0))" kB
	blog "SUnreclaim: $s0 kB before, $s1 kB with $n calls, $s2 kB after deleting them; slab caches grown since: $(slab_growth "$TMP/slab0" /proc/slabinfo)"
}

# capture_cost: what "kpptpctl call capture" costs the data path.  One
# kpptp link and an idle call 3000 beside it in n2; CPU per packet
# received by n2's call 2000 (cpu_cost) with no capture anywhere ("off"),
# with call 3000 captured ("other": the static branch on, call 2000's own
# test of its capture pointer), and with call 2000 itself captured to a
# pcap file ("this": every frame copied to kpptpctl's socket), in
# CAPTURE_ROUNDS rounds, the order reversed every other round.
capture_cost() {
	local r mode modes cid cpid cost pps lost host frames
	dp_up kpptp
	ip -n "$NS2" route replace 10.9.0.0/16 dev veth2
	n2 "$CTL" call add id 3000 peer 10.9.0.1 peer-id 1 ||
		fail "capture: the idle call"
	for ((r = 1; r <= CAPTURE_ROUNDS; r++)); do
		modes="off other this"
		((r % 2)) || modes="this other off"
		for mode in $modes; do
			cpid=
			case $mode in
			other) cid=3000 ;;
			this) cid=2000 ;;
			*) cid= ;;
			esac
			if [ -n "$cid" ]; then
				ip netns exec "$NS2" "$CTL" call capture id "$cid" \
					write "$TMP/cap-$mode.pcap" 2>>"$TMP/cap.err" &
				cpid=$!
				wait_for "[ -n \"\$(call_field n2 $cid capture_portid)\" ]" 10 ||
					fail "capture of call $cid did not start: $(cat "$TMP/cap.err")"
			fi
			read -r cost pps lost host <<<"$(cpu_cost "$COST_PPS" "$COST_T")"
			row kpptp "capture-$mode" cpu_per_pkt "$cost" us
			row kpptp "capture-$mode" host_cpu_per_pkt "$host" us
			row kpptp "capture-$mode" cost_pps "$pps" pkt/s
			if [ -n "$cpid" ]; then
				kill -INT "$cpid"
				wait "$cpid" || fail "capture ($mode): $(cat "$TMP/cap.err")"
			fi
		done
	done
	# the "this" captures saw the load: at least COST_T seconds' worth each
	frames=$(grep -o 'call 2000: [0-9]* frames captured' "$TMP/cap.err" |
		awk '{ n += $3 } END { print n + 0 }' || :)
	row kpptp capture-this frames_captured "$frames" frames
	[ "$frames" -ge $((CAPTURE_ROUNDS * COST_PPS * COST_T)) ] ||
		fail "capture of call 2000: $frames frames in $CAPTURE_ROUNDS rounds"
	n2 "$CTL" call del id 3000
	dp_down
}

# rounds: ROUNDS rounds over the compared datapaths, A B C D in odd
# rounds and D C B A in even ones, so that each sees the host's drift
# alike; in each, TCP 1 stream under every condition of ROUND_CONDS, then
# the CPU cost per packet on the clean underlay.  One CSV row per run:
# the report takes the median and the spread.
rounds() {
	local r dp cond dps cost pps lost host
	for ((r = 1; r <= ROUNDS; r++)); do
		dps=$ROUND_DPS
		# shellcheck disable=SC2086
		[ $((r % 2)) = 1 ] || dps=$(printf '%s\n' $ROUND_DPS | tac | tr '\n' ' ')
		for dp in $dps; do
			dp_up "$dp"
			for cond in $ROUND_CONDS; do
				underlay "$cond"
				row "$dp" "$cond" tcp_1 "$(tcp_mbps 1)" Mbit/s
			done
			underlay clean
			read -r cost pps lost host <<<"$(cpu_cost "$COST_PPS" "$COST_T")"
			row "$dp" clean cpu_per_pkt "$cost" us/pkt
			[ "$host" = 0.00 ] || row "$dp" clean host_cpu_per_pkt "$host" us/pkt
			row "$dp" clean cost_rx_pps "$pps" pkt/s
			python3 -c 'import sys; sys.exit(float(sys.argv[1]) > 0.01)' "$lost" ||
				blog "$dp: $lost of the UDP datagrams at $COST_PPS pkt/s lost: saturated, the cost figure is not below saturation"
			[ "$dp" != kpptp ] ||
				blog "round $r kpptp receiver: $(call_stats n2 2000); sender: $(call_stats n1 1000)"
			dp_down
		done
		blog "round $r of $ROUNDS done ($dps)"
	done
}

# matrix: one run of the other figures per underlay and datapath, back to
# back within an underlay; TCP 1 stream only where the rounds do not
# measure it.
matrix() {
	local cond dp
	for cond in clean delay reorder loss; do
		for dp in veth pptp.ko kpptp userspace; do
			dp_up "$dp"
			underlay "$cond"
			blog "$dp $cond"
			if ! part rounds || [[ " $ROUND_DPS " != *" $dp "* ]] ||
				[[ " $ROUND_CONDS " != *" $cond "* ]]; then
				row "$dp" "$cond" tcp_1 "$(tcp_mbps 1)" Mbit/s
			fi
			measure_all "$cond"
			[ "$dp" != kpptp ] ||
				blog "kpptp $cond receiver: $(call_stats n2 2000); sender: $(call_stats n1 1000)"
			underlay clean
			dp_down
		done
	done
}

blog "$(describe_guest); iperf3 runs of $BENCH_T s"
setup_veth_pair

# part NAME: true if NAME is in PARTS
part() { [[ " $PARTS " == *" $1 "* ]]; }

part rounds && rounds
part matrix && matrix

part profiles && for dp in pptp.ko kpptp; do
	dp_up "$dp"
	profile "$dp"
	dp_down
done

part calls && for dp in pptp.ko kpptp; do
	for n in $CALLS; do
		dp_up "$dp" "$n"
		row "$dp" clean "tcp_calls_$n" "$(multi_mbps)" Mbit/s
		dp_down
	done
done

part control && control_plane
part scale && scale
part sessions && sessions
part capture && capture_cost
use_module kpptp

secs=$((SECONDS - START))
blog "done in $secs s"
cp "$BENCH_CSV" "$RES/$OUT.csv"
python3 - "$BENCH_CSV" "$RES/$OUT.json" "$(describe_guest)" "$secs" "$BENCH_T" "$ROUNDS" <<'EOF'
import csv, json, sys, time
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    try:
        r["value"] = float(r["value"])
    except ValueError:
        pass
json.dump({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "guest": sys.argv[3], "seconds": int(sys.argv[4]),
           "iperf3_seconds": int(sys.argv[5]), "rounds": int(sys.argv[6]), "rows": rows},
          open(sys.argv[2], "w"), indent=1)
EOF
echo "bench: results in tests/bench/results/$OUT.csv and $OUT.json"
