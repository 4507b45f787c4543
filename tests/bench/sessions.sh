# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/bench/sessions.sh: live PPP sessions with real pppd on both ends,
# the "sessions" part of tests/bench/bench.sh (sourced after lib.sh and
# kpptpd-lib.sh).
#
#	$NS1: SESSIONS clients, each            $NS2: kpptpd, server role,
#	pppd + kpptp.so pptp_server 10.0.0.2    one pppd + kpptp.so per call,
#	(its own control connection and call)   MS-CHAPv2 + MPPE-128 required
#	cgroup kpptp-sessions/client            cgroup kpptp-sessions/server
#
# sessions: clients are started SESS_INFLIGHT at a time ("pppd updetach":
# each start returns when its link is up), until SESSIONS are up or the
# guest's MemAvailable falls under SESS_MEM_FLOOR percent of its memory;
# every start must succeed.  Setups per second, each setup's time (client
# pppd started to link up), and the CPU time per setup of each side's
# cgroup (pppd, the scripts it runs, kpptpd) and of kpptpd alone; both
# sides share the guest's 2 vCPUs, so the rate is that of the pair.
# Then SESS_T seconds of ICMP echo on every
# link at once (tests/tools/ppp-ping-all.py): every session must answer.
# Memory is read in the middle of that traffic and before the first
# session, and the difference divided by the sessions up:
#   pppd      the server-side pppds' proportional set size (shared pages
#             split between them) and their private pages;
#   kpptpd    its resident set;
#   kernel    what the kernel charged to the server's memory cgroup
#             (memory.stat "kernel" + "sock": slab, stacks, page tables,
#             the ppp units, kpptp's calls, socket buffers), the part
#             of it that is pppd's processes (kernel stacks, page
#             tables), and, for both ends together, Slab + KernelStack +
#             PageTables + Percpu;
#   guest     MemAvailable's fall, both ends and everything else.
# From the server side's figures it estimates the sessions a 64 GiB
# concentrator holds (56 GiB for sessions, 8 GiB kept for the system).
# Then every client is hung up at once (SIGTERM): the time until kpptpd
# has no call and no pppd left, and the kernel memory still charged to the
# server's cgroup after it (the sessions' memory must come back).

SESSIONS=${KPPTP_BENCH_SESSIONS:-1000}
SESS_INFLIGHT=${KPPTP_BENCH_SESS_INFLIGHT:-8}
SESS_MEM_FLOOR=${KPPTP_BENCH_SESS_MEM_FLOOR:-12}
SESS_T=${KPPTP_BENCH_SESS_T:-10}
SESS_CG=/sys/fs/cgroup/kpptp-sessions

# sess_cgroups: kpptp-sessions/{server,client} with the memory controller
sess_cgroups() {
	grep -q "^cgroup2 /sys/fs/cgroup " /proc/mounts ||
		mount -t cgroup2 none /sys/fs/cgroup
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control ||
		echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p "$SESS_CG"
	echo +memory >"$SESS_CG/cgroup.subtree_control"
	mkdir -p "$SESS_CG/server" "$SESS_CG/client"
}

# sess_conf: kpptpd.conf for SESSIONS calls from one address; remoteip
# in blocks of 250 (a range runs in one octet), one localip for all
sess_conf() {
	local b pools=''
	for ((b = 0; b * 250 < SESSIONS; b++)); do
		pools+=${pools:+,}10.64.$b.1-250
	done
	cat <<-CONF
		# written by bench.sh sessions
		listen 10.0.0.2
		localip 192.168.200.1
		remoteip $pools
		option $TMP/sess-options
		plugin $TMP/kpptp.so
		connections $((SESSIONS + 100))
		max-per-source $((SESSIONS + 100))
		max-calls $((SESSIONS + 100))
		max-call-rate 0
		max-calls-per-source 0
		idle-timeout 0
		ipv6 off
	CONF
}

# sess_client I: one client; returns when its link is up (0) or pppd gave up
sess_client() {
	timeout 300 ip netns exec "$NS1" pppd plugin "$TMP/kpptp.so" \
		pptp_server 10.0.0.2 name alice remotename kpptpd \
		require-mppe-128 refuse-eap refuse-pap refuse-chap refuse-mschap \
		noauth nodefaultroute noipdefault noipv6 novj mtu 1400 mru 1400 \
		lcp-echo-interval 0 updetach linkname "s$1" ipparam "s$1" \
		logfile "$TMP/sess-clients.log" >/dev/null 2>&1
}

# sess_worker W: sessions W, W + SESS_INFLIGHT, ... one after another,
# from the client cgroup; stops all workers on a failure or low memory
sess_worker() {
	local i avail total t0
	echo "$BASHPID" >"$SESS_CG/client/cgroup.procs"
	total=$(memory_kb MemTotal)
	for ((i = $1; i <= SESSIONS; i += SESS_INFLIGHT)); do
		[ ! -e "$TMP/sess-stop" ] || return 0
		avail=$(memory_kb MemAvailable)
		if ((avail * 100 < total * SESS_MEM_FLOOR)); then
			echo "memory: MemAvailable $avail kB of $total kB" >>"$TMP/sess-stop"
			return 0
		fi
		t0=$EPOCHREALTIME
		if ! sess_client "$i"; then
			echo "session $i: pppd did not come up" >>"$TMP/sess-stop"
			echo failed >"$TMP/sess-failed"
			return 0
		fi
		echo "$t0 $EPOCHREALTIME" >>"$TMP/sess-times"
	done
}

# sess_snapshot OUT KPPTPD_PID: the memory figures above, as JSON
sess_snapshot() {
	python3 - "$1" "$2" "$SESS_CG" <<-'EOF'
		import json, os, sys
		out, kpptpd, cg = sys.argv[1], sys.argv[2], sys.argv[3]

		def fields(path):
		    d = {}
		    for line in open(path):
		        p = line.replace(":", " ").split()
		        if len(p) >= 2 and p[1].isdigit():
		            d[p[0]] = int(p[1])
		    return d

		pppd = {"n": 0, "pss": 0, "private": 0, "rss": 0}
		for pid in open(cg + "/server/cgroup.procs").read().split():
		    try:
		        if open("/proc/%s/comm" % pid).read().strip() != "pppd":
		            continue
		        r = fields("/proc/%s/smaps_rollup" % pid)
		    except OSError:
		        continue
		    pppd["n"] += 1
		    pppd["pss"] += r["Pss"]
		    pppd["rss"] += r["Rss"]
		    pppd["private"] += r["Private_Clean"] + r["Private_Dirty"]
		m = fields("/proc/meminfo")
		snap = {
		    "pppd_kb": pppd,
		    "kpptpd_rss_kb": fields("/proc/%s/status" % kpptpd)["VmRSS"],
		    "server_cg": fields(cg + "/server/memory.stat"),
		    "client_cg": fields(cg + "/client/memory.stat"),
		    "meminfo_kb": m,
		}
		json.dump(snap, open(out, "w"))
	EOF
}

# sess_figure BEFORE DURING N EXPR: EXPR over b (before), d (during), n
# and: kern(s) the kernel's own memory (/proc/meminfo, both ends),
# kcg(s) the kernel memory charged to the server's cgroup, kproc(s) its
# processes' kernel stacks and page tables, server() the
# server side's bytes per session (pppd PSS + kpptpd + kernel)
sess_figure() {
	python3 -c '
import json, sys
b, d = (json.load(open(f)) for f in sys.argv[1:3])
n = int(sys.argv[3])
def kern(s):
    m = s["meminfo_kb"]
    return (m["Slab"] + m["KernelStack"] + m["PageTables"] + m["Percpu"]) * 1024
def kcg(s):
    c = s["server_cg"]
    k = c.get("kernel", c["kernel_stack"] + c["pagetables"] + c["percpu"] + c["slab"])
    return k + c["sock"]
def kproc(s):
    c = s["server_cg"]
    return c["kernel_stack"] + c["pagetables"]
def server():
    return (d["pppd_kb"]["pss"] * 1024 +
            (d["kpptpd_rss_kb"] - b["kpptpd_rss_kb"]) * 1024 + kcg(d) - kcg(b)) / n
print(eval(sys.argv[4]))' "$@"
}

# sess_latency P: the P-th percentile of the sessions' setup times, in
# ms (client pppd started to its link up)
sess_latency() {
	python3 -c '
import sys
t = sorted(float(b) - float(a) for a, b in (l.split() for l in open(sys.argv[1])))
print(round(1000 * t[min(len(t) - 1, int(len(t) * int(sys.argv[2]) / 100))]))' \
		"$TMP/sess-times" "$1"
}

# proc_cpu_ticks PID: the user and system CPU time PID has used, in ticks
proc_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# cg_cpu_us server|client: CPU time used in that cgroup so far (us),
# every process of it, exited ones too
cg_cpu_us() { awk '$1 == "usage_usec" { print $2 }' "$SESS_CG/$1/cpu.stat"; }

# sess_server_pppds: how many pppd the server's cgroup holds
sess_server_pppds() {
	local p c=0
	while read -r p; do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" != pppd ] || c=$((c + 1))
	done <"$SESS_CG/server/cgroup.procs"
	echo "$c"
}

sessions() {
	local pid up t0 t1 cpu0 cpu1 srv0 srv1 cli0 cli1 w ping n f workers b=$TMP/sess-before.json d=$TMP/sess-during.json
	use_module kpptp
	modprobe ppp_mppe || fail "no ppp_mppe module"
	cp "$PLUGIN" "$TMP/kpptp.so"	# from tmpfs, not the 9p share
	cp "$KPPTPD" "$TMP/kpptpd"
	sess_cgroups
	mppe_server_options kpptpd server | grep -v '^debug$' >"$TMP/sess-options"
	install -m 600 /dev/null /etc/ppp/chap-secrets
	echo 'alice kpptpd "s3cret-Pa55" *' >/etc/ppp/chap-secrets
	sess_conf >"$TMP/sess.conf"
	rm -f "$TMP/sess-stop" "$TMP/sess-failed" "$TMP/sess-times"
	# the cgroup is joined before "ip netns exec", whose own /sys has no
	# cgroup2 mount
	# shellcheck disable=SC2016 # for the inner shell
	bash -c 'echo $$ >"$0/cgroup.procs" && echo $$ >"$1" && ulimit -n 65536 &&
		exec ip netns exec "$2" "${@:3}"' "$SESS_CG/server" "$TMP/sess-kpptpd.pid" \
		"$NS2" "$TMP/kpptpd" -c "$TMP/sess.conf" 2>>"$TMP/kpptpd.log" &
	wait_for "grep -q 'listening on' '$TMP/kpptpd.log'" 10 ||
		kpptpd_fail "kpptpd did not start"
	pid=$(cat "$TMP/sess-kpptpd.pid")
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	sess_snapshot "$b" "$pid"

	row guest sessions exec_per_s "$(exec_per_s)" procs/s
	cpu0=$(proc_cpu_ticks "$pid")
	srv0=$(cg_cpu_us server)
	cli0=$(cg_cpu_us client)
	t0=$EPOCHREALTIME
	workers=()
	for ((w = 1; w <= SESS_INFLIGHT; w++)); do
		sess_worker "$w" &
		workers+=($!)
	done
	wait "${workers[@]}"
	t1=$EPOCHREALTIME
	cpu1=$(proc_cpu_ticks "$pid")
	srv1=$(cg_cpu_us server)
	cli1=$(cg_cpu_us client)
	up=$(ip -n "$NS1" -o -4 addr show | grep -c ' ppp' || true)
	n=$(ip -n "$NS2" -o -4 addr show | grep -c ' ppp' || true)
	blog "sessions: $up up in n1, $n in n2; stopped by: $(cat "$TMP/sess-stop" 2>/dev/null || echo "the $SESSIONS asked")"
	[ ! -e "$TMP/sess-failed" ] || kpptpd_fail "a session did not come up: $(cat "$TMP/sess-stop")"
	[ "$up" = "$n" ] || kpptpd_fail "$up client links against $n server links"
	row kpptpd sessions sessions_wanted "$SESSIONS" sessions
	row kpptpd sessions sessions_up "$up" sessions
	row kpptpd sessions sessions_stopped_by_memory "$(grep -c '^memory' "$TMP/sess-stop" 2>/dev/null || echo 0)" workers
	row kpptpd sessions session_setups \
		"$(python3 -c 'import sys; n, a, b = map(float, sys.argv[1:]); print(round(n / (b - a), 1))' "$up" "$t0" "$t1")" \
		sessions/s
	row kpptpd sessions session_setup_p50 "$(sess_latency 50)" ms
	row kpptpd sessions session_setup_p99 "$(sess_latency 99)" ms
	row kpptpd sessions kpptpd_cpu_per_setup \
		"$(python3 -c 'import os, sys; a, b, n = map(int, sys.argv[1:]); print(round((b - a) * 1000 / os.sysconf("SC_CLK_TCK") / n, 2))' "$cpu0" "$cpu1" "$up")" \
		ms
	row kpptpd sessions server_cpu_per_setup "$(((srv1 - srv0) / 1000 / up))" ms
	row kpptpd sessions client_cpu_per_setup "$(((cli1 - cli0) / 1000 / up))" ms

	ping=$TMP/sess-ping.json
	n1 python3 "$KPPTP_SRC/tests/tools/ppp-ping-all.py" 192.168.200.1 \
		--seconds "$SESS_T" >"$ping" 2>"$TMP/sess-ping.err" &
	f=$!
	sleep $((SESS_T / 2))
	sess_snapshot "$d" "$pid"
	wait "$f" || { cat "$ping" "$TMP/sess-ping.err" >&2; kpptpd_fail "a session did not answer"; }
	blog "traffic: $(cat "$ping")"
	row kpptpd sessions links_answered "$(load_get "$ping" 'j["links_answered"]')" sessions
	row kpptpd sessions echo_loss "$(load_get "$ping" 'round(100 * j["loss"], 2)')" %
	[ "$(sess_figure "$b" "$d" "$up" 'd["pppd_kb"]["n"]')" = "$up" ] ||
		kpptpd_fail "not one server pppd per session"
	row kpptpd sessions pppd_pss "$(sess_figure "$b" "$d" "$up" 'round(d["pppd_kb"]["pss"] * 1024 / n)')" bytes
	row kpptpd sessions pppd_private "$(sess_figure "$b" "$d" "$up" 'round(d["pppd_kb"]["private"] * 1024 / n)')" bytes
	row kpptpd sessions pppd_rss "$(sess_figure "$b" "$d" "$up" 'round(d["pppd_kb"]["rss"] * 1024 / n)')" bytes
	row kpptpd sessions kpptpd_rss "$(sess_figure "$b" "$d" "$up" 'round((d["kpptpd_rss_kb"] - b["kpptpd_rss_kb"]) * 1024 / n)')" bytes
	row kpptpd sessions kernel_server \
		"$(sess_figure "$b" "$d" "$up" 'round((kcg(d) - kcg(b)) / n)')" \
		bytes
	row kpptpd sessions kernel_server_processes "$(sess_figure "$b" "$d" "$up" 'round((kproc(d) - kproc(b)) / n)')" bytes
	row kpptpd sessions kernel_both_ends "$(sess_figure "$b" "$d" "$up" 'round((kern(d) - kern(b)) / n)')" bytes
	row kpptpd sessions guest_per_pair \
		"$(sess_figure "$b" "$d" "$up" 'round((b["meminfo_kb"]["MemAvailable"] - d["meminfo_kb"]["MemAvailable"]) * 1024 / n)')" \
		bytes
	row kpptpd sessions server_per_session \
		"$(sess_figure "$b" "$d" "$up" 'round(server())')" \
		bytes
	row kpptpd sessions sessions_in_64g \
		"$(sess_figure "$b" "$d" "$up" 'int(56 * 2**30 / server())')" \
		sessions

	# every client hangs up at once
	t0=$EPOCHREALTIME
	for f in /run/ppp-s*.pid; do
		if [ -e "$f" ]; then kill -TERM "$(head -n 1 "$f")" 2>/dev/null || true; fi
	done
	# shellcheck disable=SC2016 # wait_for evaluates it
	wait_for '[ "$(net_field n2 calls)" = 0 ] && [ "$(sess_server_pppds)" = 0 ]' 900 ||
		kpptpd_fail "calls or server pppds left after the clients hung up"
	t1=$EPOCHREALTIME
	row kpptpd sessions teardown_all \
		"$(python3 -c 'import sys; a, b = map(float, sys.argv[1:]); print(round(b - a, 1))' "$t0" "$t1")" s
	no_calls_left n1
	sleep 2
	sess_snapshot "$d" "$pid"
	row kpptpd sessions kernel_server_left \
		"$(sess_figure "$b" "$d" "$up" 'round((kcg(d) - kcg(b)) / 1024)')" \
		kB
	kill -TERM "$pid"
	wait_for "! kill -0 $pid" 30 || kpptpd_fail "kpptpd did not stop"
	rm -f /etc/ppp/chap-secrets
}
