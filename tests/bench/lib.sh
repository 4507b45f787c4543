# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# tests/bench/lib.sh: datapaths and measurements for the kpptp benchmark,
# sourced in the guest on top of tests/integration/lib.sh (errexit, the
# cleanup trap, setup_veth_pair, n1/n2, $STATIC...).  Used by
# tests/bench/bench.sh (make bench) and tests/integration/27-*.sh.
#
#	      $NS1 ("n1", iperf3/ping client)        $NS2 ("n2", servers)
#	   veth1 10.0.0.1 --- netem ---+--- netem --- veth2 10.0.0.2
#	   pppI  172.16.I.1  <- one PPP link per call I (0..N-1) ->  172.16.I.2
#	   ppp7  192.168.50.2 <- pptp-linux client     pptpd -> 192.168.50.1
#
# Datapaths (dp_up NAME [CALLS], dp_down):
#   veth       no tunnel: the underlay itself, MTU 1500 (the limit)
#   veth-no-offload  the same at MTU 1400 without any offload a PPP device
#              lacks (TSO/GSO/GRO, checksum, scatter-gather): the
#              per-packet ceiling (every 1400-byte packet crosses the
#              tunnel alone, its checksum computed and checked in software)
#   veth-no-seg  at MTU 1400 without TSO/GSO/GRO only: the reference until
#              2026-12-05 (checksums still skipped between the veth ends)
#   pptp.ko    in-tree driver, kpptp.ko unloaded; static PPP links made by
#              pptp-static through the PX_PROTO_PPTP socket ABI, MTU 1400
#   kpptp      kpptp.ko, pptp.ko unloaded; the very same static links
#   userspace  pptpd (PoPToP) in n2, pppd + pptp-linux client in n1 (GRE in
#              userspace, PPP over a pty), both kernel modules unloaded
# No PPP compression, no VJ, no encryption anywhere.
#
# Underlay conditions (underlay COND): netem as the root qdisc of BOTH veth
# ends, so each direction sees it (data and acks alike):
#   clean      no qdisc
#   delay      delay 1ms
#   reorder    delay 1ms reorder 5% (5% go out at once, jumping the others)
#   loss       loss 1%
#
# Measurements print CSV rows "datapath,condition,metric,value,unit" on
# stdout (and append them to $BENCH_CSV if set); everything else goes to
# stderr.  BENCH_T (default 3) is the length of one iperf3 run in seconds.

if ! declare -F setup_veth_pair >/dev/null; then
	# shellcheck source=../integration/lib.sh
	. "${KPPTP_SRC:-/src}/tests/integration/lib.sh"
fi

BENCH_T=${BENCH_T:-3}
DP=none		# the datapath that is up
DP_ADDR=()	# per call: the far (n2) address iperf3 and ping aim at
DP_PIDS=()	# the shells running the datapath's pptp-static processes

blog() { echo "bench: $*" >&2; }

# row DATAPATH CONDITION METRIC VALUE UNIT
row() {
	local r="$1,$2,$3,$4,$5"
	echo "$r"
	[ -z "${BENCH_CSV:-}" ] || echo "$r" >>"$BENCH_CSV"
}

# ------------------------------------------------------------- modules

loaded() { grep -q "^$1 " /proc/modules; }

# unload MODULE: rmmod, retried while its last sockets close.
unload() {
	local i
	loaded "$1" || return 0
	for ((i = 0; i < 50; i++)); do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "cannot unload $1: $(grep "^$1 " /proc/modules)"
}

# use_module kpptp|pptp|none: exactly that GRE version 1 handler loaded.
use_module() {
	case "$1" in
	kpptp)
		unload pptp
		if ! loaded kpptp; then
			# shellcheck disable=SC2046
			modprobe -a $(modinfo -F depends "$KPPTP_KO" | tr ',' ' ')
			insmod "$KPPTP_KO" || fail "insmod $KPPTP_KO"
		fi
		;;
	pptp)
		unload kpptp
		modprobe pptp || fail "modprobe pptp"
		;;
	none) unload kpptp; unload pptp ;;
	*) fail "use_module: unknown module '$1'" ;;
	esac
}

# ------------------------------------------------------------- underlay

# underlay clean|delay|reorder|loss: netem on both veth ends.
underlay() {
	local args
	case "$1" in
	clean) args= ;;
	delay) args="delay 1ms" ;;
	reorder) args="delay 1ms reorder 5%" ;;
	loss) args="loss 1%" ;;
	*) fail "underlay: unknown condition '$1'" ;;
	esac
	tc -n "$NS1" qdisc del dev veth1 root 2>/dev/null || true
	tc -n "$NS2" qdisc del dev veth2 root 2>/dev/null || true
	[ -n "$args" ] || return 0
	# shellcheck disable=SC2086
	tc -n "$NS1" qdisc add dev veth1 root netem $args limit 10000
	# shellcheck disable=SC2086
	tc -n "$NS2" qdisc add dev veth2 root netem $args limit 10000
}

# ------------------------------------------------------------- datapaths

# has_unit FILE: pptp-static reported its link up in FILE (no process:
# every exec costs a TCG guest a good fraction of a millisecond... or 100).
has_unit() { [ -s "$1" ] && [[ $(<"$1") == *unit* ]]; }

# static_links N: N PPP links made by pptp-static pairs (call I: n1 binds
# 1000+I, n2 2000+I, unit pppI on both sides).  Addresses are set with
# one "ip -batch" per side; the first and the last link are pinged (multi
# checks that every link carried traffic).
static_links() {
	local n=$1 i deadline=$((SECONDS + 30 + $1))
	rm -f "$TMP"/st1-* "$TMP"/st2-*	# a previous datapath's reports
	# one shell per side starts them all (an "ip netns exec" each is slow)
	# (killed by dp_down: "|| true" keeps the ERR trap quiet, and bash's
	# "Terminated" goes to links.err with pptp-static's own errors)
	{ n1 bash -c 'for ((i = 0; i < $1; i++)); do
		"$2" --peer 10.0.0.2 --local-id $((1000 + i)) --peer-id $((2000 + i)) \
			--unit "$i" >"$3/st1-$i" &
	done
	wait' n1-links "$n" "$STATIC" "$TMP" || true; } 2>>"$TMP/links.err" &
	DP_PIDS+=($!)
	{ n2 bash -c 'for ((i = 0; i < $1; i++)); do
		"$2" --peer 10.0.0.1 --local-id $((2000 + i)) --peer-id $((1000 + i)) \
			--unit "$i" >"$3/st2-$i" &
	done
	wait' n2-links "$n" "$STATIC" "$TMP" || true; } 2>>"$TMP/links.err" &
	DP_PIDS+=($!)
	for ((i = 0; i < n; i++)); do
		until has_unit "$TMP/st1-$i" && has_unit "$TMP/st2-$i"; do
			[ "$SECONDS" -lt "$deadline" ] ||
				fail "static link $i did not come up: $(tail -5 "$TMP/links.err")"
			sleep 0.1
		done
		DP_ADDR+=("172.16.$i.2")
	done
	for ((i = 0; i < n; i++)); do
		echo "addr add 172.16.$i.1 peer 172.16.$i.2 dev ppp$i"
		echo "link set ppp$i up mtu 1400"
	done | ip -n "$NS1" -batch -
	for ((i = 0; i < n; i++)); do
		echo "addr add 172.16.$i.2 peer 172.16.$i.1 dev ppp$i"
		echo "link set ppp$i up mtu 1400"
	done | ip -n "$NS2" -batch -
	wait_link n1 ppp0 172.16.0.2 20 || fail "static link 0 is not up"
	wait_link n1 "ppp$((n - 1))" "172.16.$((n - 1)).2" 20 || fail "static link $((n - 1)) is not up"
}

# userspace_link: pptpd in n2, pppd + pptp-linux in n1.
userspace_link() {
	local d=$TMP/pptpd
	mkdir -p "$d"
	cat >"$d/pptpd.conf" <<-EOF
		option $d/options
		localip 192.168.50.1
		remoteip 192.168.50.2-20
	EOF
	cat >"$d/options" <<-EOF
		noauth
		nodefaultroute
		noccp
		novj
		nobsdcomp
		nodeflate
		mtu 1400
		mru 1400
		lcp-echo-interval 0
	EOF
	{ n2 pptpd -f -c "$d/pptpd.conf" -p "$d/pptpd.pid" >"$d/pptpd.log" 2>&1 || true; } 2>/dev/null &
	wait_for "n2 ss -ltn | grep -q ':1723 '" 10 || fail "pptpd does not listen: $(cat "$d/pptpd.log")"
	{ n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd" unit 7 noauth nodetach \
		nodefaultroute noipdefault noccp novj nobsdcomp nodeflate \
		mtu 1400 mru 1400 lcp-echo-interval 0 logfile "$d/pppd.log" \
		>/dev/null 2>&1 || true; } 2>/dev/null &
	wait_link n1 ppp7 192.168.50.1 30 ||
		fail "userspace PPTP link not up: $(tail -5 "$d/pppd.log")"
	DP_ADDR=(192.168.50.1)
}

# veth_offloads on|off|seg: the veth pair with every offload at MTU 1500
# (on), or at the PPP links' MTU 1400 without any offload a PPP device
# lacks (off: no TSO/GSO/GRO, no checksum offload, no scatter-gather, so
# the checksum is computed on send and checked on receive as over PPP), or
# without the segmentation offloads only (seg: TSO/GSO/GRO; checksums are
# still skipped between the two veth ends).
veth_offloads() {
	local nsdev ns dev mtu=1400 feat="tso off gso off gro off"
	case $1 in
	on) mtu=1500 feat="tso on gso on gro on tx on rx on sg on" ;;
	off) feat="$feat tx off rx off sg off" ;;
	esac
	for nsdev in "$NS1:veth1" "$NS2:veth2"; do
		dev=${nsdev#*:} ns=${nsdev%%:*}
		# shellcheck disable=SC2086
		ip netns exec "$ns" ethtool -K "$dev" $feat >/dev/null 2>&1 ||
			blog "ethtool -K $dev $feat failed"
		ip -n "$ns" link set "$dev" mtu "$mtu"
	done
	blog "veth offloads $1:$(ip netns exec "$NS1" ethtool -k veth1 |
		sed -nE 's/^(rx-checksumming|tx-checksumming|scatter-gather|tcp-segmentation-offload|generic-[a-z]*-offload): (on|off)$/ \1 \2/p' |
		tr -d '\n')"
}

# dp_up veth|veth-no-offload|pptp.ko|kpptp|userspace [CALLS]
dp_up() {
	[ "$DP" = none ] || dp_down
	DP_ADDR=()
	DP_PIDS=()
	case "$1" in
	veth) DP_ADDR=(10.0.0.2) ;;
	veth-no-offload) veth_offloads off; DP_ADDR=(10.0.0.2) ;;
	veth-no-seg) veth_offloads seg; DP_ADDR=(10.0.0.2) ;;
	pptp.ko) use_module pptp; static_links "${2:-1}" ;;
	kpptp) use_module kpptp; static_links "${2:-1}" ;;
	userspace) use_module none; userspace_link ;;
	*) fail "dp_up: unknown datapath '$1'" ;;
	esac
	DP=$1
	blog "datapath $DP up (${#DP_ADDR[@]} link(s))"
}

# kill_ns_procs: every process in n1 and n2 (servers, pppd, pptpd...).
kill_ns_procs() {
	local ns pid i left
	for ns in "$NS1" "$NS2"; do
		for pid in $(ns_pids "$ns"); do kill "$pid" 2>/dev/null || true; done
	done
	for ((i = 0; i < 50; i++)); do
		left=$(ns_pids "$NS1")$(ns_pids "$NS2")
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $left 2>/dev/null || true
	sleep 0.2
}

dp_down() {
	kill_ns_procs
	[[ "$DP" != veth-no-* ]] || veth_offloads on
	wait "${DP_PIDS[@]}" 2>/dev/null || true
	DP_PIDS=()
	DP_ADDR=()
	DP=none
}

# ------------------------------------------------------------- measuring

# iperf_server ADDR PORT: a one-shot iperf3 server in n2.
iperf_server() {
	# the last run's one-shot server may still be on its way out
	wait_for "[ -z \"\$(n2 ss -Hltn 'sport = :$2')\" ]" 10 || fail "port $2 still taken in n2"
	n2 iperf3 -s -D -1 -B "$1" -p "$2"
	wait_listen n2 tcp "$2" || fail "iperf3 server on $1:$2"
}

# iperf_json OUT ADDR PORT ARGS...: one iperf3 client run n1 -> n2.
iperf_json() {
	local out=$1 addr=$2 port=$3
	shift 3
	iperf_server "$addr" "$port"
	if ! n1 iperf3 -c "$addr" -p "$port" --connect-timeout 5000 -J "$@" >"$out"; then
		blog "iperf3 $* to $addr failed: $(grep -o '"error":.*' "$out" || true)"
		return 1
	fi
}

# json_get FILE EXPR: a python expression over the parsed iperf3 JSON "j".
json_get() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# tcp_mbps [STREAMS]: TCP goodput n1 -> n2 over the first link, Mbit/s
# (receiver side), on stdout; 0 if the run failed.
tcp_mbps() {
	local out=$TMP/iperf-tcp.json
	if iperf_json "$out" "${DP_ADDR[0]}" 5201 -t "$BENCH_T" -P "${1:-1}"; then
		json_get "$out" 'round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1)'
	else
		echo 0
	fi
}

# udp_pps: 64-byte UDP datagrams as fast as the sender goes; datagrams
# received per second on stdout.
udp_pps() {
	local out=$TMP/iperf-udp.json
	if iperf_json "$out" "${DP_ADDR[0]}" 5202 -u -l 64 -b 0 -t "$BENCH_T"; then
		json_get "$out" 'round((lambda s: (s["packets"] - s["lost_packets"]) / s["seconds"])(j["end"].get("sum_received") or j["end"]["sum"]))'
	else
		echo 0
	fi
}

# busy_ticks: the guest's busy CPU time so far, every CPU, in USER_HZ ticks
# (/proc/stat's "cpu" line: user + nice + system + irq + softirq).
# exec_per_s: processes started (/bin/true) per second, what starting a
# process costs in this guest, for scale
exec_per_s() {
	local i t0=$EPOCHREALTIME
	for ((i = 0; i < 100; i++)); do /bin/true; done
	python3 -c 'import sys; a, b = map(float, sys.argv[1:]); print(round(100 / (b - a)))' \
		"$t0" "$EPOCHREALTIME"
}

busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
# qemu's own CPU time, sampled on the host every 0.2 s (guest.sh): "TIME
# TICKS HZ", or nothing when the host does not provide it
qemu_cpu() { cat "${KPPTP_SRC:-/src}/build/vm/qemu-cpu" 2>/dev/null || echo "0 0 0"; }

# cpu_cost [PPS] [SECONDS]: what the datapath costs per packet at a fixed
# offered load below saturation: 1300-byte UDP datagrams n1 -> n2 at PPS
# (3000) for SECONDS (5) plus 2 s (1 s each side unmeasured), against the
# same guest idle for SECONDS with the server waiting just before.  Prints
# "COST PPS LOST": CPU microseconds per datagram received, summed over
# every CPU (both ends and both namespaces share them, so both sides
# together), the datagrams per second the server received and the
# fraction lost (above about 0.01 the load was not below saturation),
# then "HOST-COST": the same from the host's side, the CPU time the qemu
# process spent (0 when guest.sh provides no samples).  The guest's
# figure counts wall time and so grows when the host is busy; the host's
# counts the emulation's work only.
cpu_cost() {
	local pps=${1:-3000} secs=${2:-5} addr=${DP_ADDR[0]} out=$TMP/iperf-cost.json
	local hz b0 b1 t0 t1 i0 i1 s0 s1 pid q0 q1 p0 p1
	hz=$(getconf CLK_TCK)
	iperf_server "$addr" 5204
	i0=$(busy_ticks) s0=$EPOCHREALTIME q0=$(qemu_cpu)
	sleep "$secs"
	i1=$(busy_ticks) s1=$EPOCHREALTIME q1=$(qemu_cpu)
	n1 iperf3 -c "$addr" -p 5204 --connect-timeout 5000 -J -u -l 1300 \
		-b $((pps * 1300 * 8)) -t $((secs + 2)) >"$out" &
	pid=$!
	sleep 1
	b0=$(busy_ticks) t0=$EPOCHREALTIME p0=$(qemu_cpu)
	sleep "$secs"
	b1=$(busy_ticks) t1=$EPOCHREALTIME p1=$(qemu_cpu)
	if ! wait "$pid"; then
		blog "iperf3 UDP at $pps pkt/s to $addr failed: $(grep -o '"error":.*' "$out" || true)"
		echo "0 0 1 0"
		return
	fi
	# shellcheck disable=SC2086
	python3 - "$out" "$hz" "$i0" "$i1" "$s0" "$s1" "$b0" "$b1" "$t0" "$t1" \
		$q0 $q1 $p0 $p1 <<-'EOF'
		import json, sys
		j = json.load(open(sys.argv[1]))
		hz = float(sys.argv[2])
		i0, i1, s0, s1, b0, b1, t0, t1 = map(float, sys.argv[3:11])
		# host samples: (time, ticks, hz) idle start/end, flow start/end
		q = [tuple(map(float, sys.argv[i:i + 3])) for i in range(11, 23, 3)]
		s = j["end"].get("sum_received") or j["end"]["sum"]
		got = s["packets"] - s["lost_packets"]
		pps = got / s["seconds"]
		idle = (i1 - i0) / hz / (s1 - s0)	# busy CPU seconds per second, idle
		busy = (b1 - b0) / hz - idle * (t1 - t0)
		cost = busy / (pps * (t1 - t0)) * 1e6 if pps else 0
		def rate(a, b):	# qemu's CPU seconds per second between two samples
		    return (b[1] - a[1]) / a[2] / (b[0] - a[0]) if b[0] > a[0] and a[2] else None
		idle_h, busy_h = rate(q[0], q[1]), rate(q[2], q[3])
		host = (busy_h - idle_h) / pps * 1e6 if pps and idle_h is not None and busy_h is not None else 0
		print("%.2f %d %.4f %.2f" % (cost, round(pps), s["lost_packets"] / max(s["packets"], 1), host))
	EOF
}

# ping_ms: 200 pings at 10 ms intervals; "AVG P99 LOST" in ms on stdout.
ping_ms() {
	n1 ping -n -c 200 -i 0.01 -W 1 "${DP_ADDR[0]}" >"$TMP/ping" 2>&1 || true
	python3 -c 'import re, sys
t = sorted(float(x) for x in re.findall(r"time=([0-9.]+)", open(sys.argv[1]).read()))
if not t:
    print("0 0 200"); sys.exit()
p99 = t[min(len(t) - 1, int(round(0.99 * (len(t) - 1))))]
print("%.3f %.3f %d" % (sum(t) / len(t), p99, 200 - len(t)))' "$TMP/ping"
}

# measure_all CONDITION: the single-link figures but TCP 1 stream (which
# bench.sh measures in rounds) as CSV rows.
measure_all() {
	local c=$1 avg p99 lost
	row "$DP" "$c" tcp_4 "$(tcp_mbps 4)" Mbit/s
	row "$DP" "$c" udp64_rx "$(udp_pps)" pkt/s
	read -r avg p99 lost <<<"$(ping_ms)"
	row "$DP" "$c" ping_avg "$avg" ms
	row "$DP" "$c" ping_p99 "$p99" ms
	[ "$lost" = 0 ] || blog "$DP $c: $lost of 200 pings lost"
}

# multi_mbps: one TCP stream per link, all at once; the aggregate in
# Mbit/s (IP bytes received on n2's ppp interfaces over a window of 4 s in
# which every stream runs) on stdout.  Servers and clients are started by
# one shell per namespace (an "ip netns exec" per process would take
# seconds with 64 links).
multi_mbps() {
	local n=${#DP_ADDR[@]} b0 b1 t0 t1 idle
	n2 bash -c 'for ((i = 0; i < $1; i++)); do
		iperf3 -s -D -1 -B "172.16.$i.2" -p $((6000 + i))
	done' servers "$n"
	wait_for "[ \$(n2 ss -ltn | grep -c ':6[0-9][0-9][0-9] ') -ge $n ]" 30 ||
		fail "only $(n2 ss -ltn | grep -c ':6[0-9][0-9][0-9] ') of $n iperf3 servers listen"
	{ n1 bash -c 'for ((i = 0; i < $1; i++)); do
		iperf3 -c "172.16.$i.2" -p $((6000 + i)) -t 60 --connect-timeout 20000 \
			>"$2/multi-$i" 2>&1 &
	done
	wait' clients "$n" "$TMP" || true; } 2>/dev/null &
	# every client connected (a control and a data connection each), then
	# 2 s for the streams to ramp up
	wait_for "[ \$(streams) -ge $((2 * n)) ]" 90 ||
		blog "only $(streams) of $((2 * n)) iperf3 connections up; measuring anyway"
	sleep 2
	t0=$EPOCHREALTIME b0=$(rx_bytes)
	sleep 4
	t1=$EPOCHREALTIME b1=$(rx_bytes)
	idle=$(n2 sh -c 'cat /sys/class/net/ppp*/statistics/rx_bytes' | awk '$1 < 100000' | wc -l)
	[ "$idle" -eq 0 ] || blog "$idle of $n links carried (almost) no traffic"
	pkill -x iperf3 || true	# only the benchmark's run in the guest
	wait_for "! pgrep -x iperf3" 10 || true
	python3 -c 'import sys; b0, b1, t0, t1 = map(float, sys.argv[1:]); print(round((b1 - b0) * 8 / (t1 - t0) / 1e6, 1))' \
		"$b0" "$b1" "$t0" "$t1"
}

# streams: established TCP connections from n1 to the multi servers.
streams() {
	n1 ss -tnH state established | awk '$NF ~ /:6[0-9][0-9][0-9]$/' | wc -l
}

# rx_bytes: sum of the IP bytes received on n2's ppp interfaces.
rx_bytes() {
	n2 sh -c 'cat /sys/class/net/ppp*/statistics/rx_bytes' | awk '{ s += $1 } END { printf "%d\n", s }'
}

# ratio A B: A/B with two decimals ("inf" if B is 0).
ratio() {
	python3 -c 'import sys; a, b = map(float, sys.argv[1:]); print("inf" if b == 0 else "%.2f" % (a / b))' "$1" "$2"
}

# at_least A B FACTOR: true if A >= FACTOR * B.
at_least() {
	python3 -c 'import sys; a, b, f = map(float, sys.argv[1:]); sys.exit(not a >= f * b)' "$1" "$2" "$3"
}

# call_stats WRAPPER ID: "key=value ..." of a kpptp call's receive and
# send counters (what explains a throughput figure), one line.
call_stats() {
	"$1" "$CTL" -j -s call show id "$2" 2>/dev/null | python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
s = c.get("stats", {})
keys = ("rx_packets", "rx_reordered", "rx_lost", "rx_duplicate", "rx_dropped",
        "tx_packets", "tx_dropped", "tx_acks", "window_stalls", "ack_timeouts")
print(" ".join("%s=%s" % (k, s[k]) for k in keys if k in s))' || true
}
