#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 3000
#
# relay.sh: the relay benchmark (issue 11), run in the test guest by "make
# bench-relay" (tests/vm/guest.sh bench-relay), all in one boot.  A client
# (pptp-linux + pppd) reaches a kpptpd server through 1, 2 and 4 gateways
# (setup_relay_chain: every link its own veth subnet), MS-CHAPv2 and
# MPPE-128 between the client and whoever terminates its PPP, three ways:
#   routed       the gateways are plain IP routers whose firewalls pass
#                TCP 1723 and GRE; the client dials the server itself
#   transparent  each gateway splices the call to the next (relay default)
#   terminating  each gateway logs the user in and on (relay-list)
# For each: the login time (pppd started to the client's IPCP up: the
# moment pppd gives ppp0 its address, stamped by "ip -ts monitor address";
# the link is then checked with wait_link's ping, whose polling is not
# timed), TCP 1 stream (iperf3, BENCH_T s) to a host behind the
# server with its mean round trip (the sender's, as iperf3 reports it) and
# the busiest vCPU's load, the busiest thread's CPU and TCP's
# retransmissions meanwhile, on a clean chain and with
# netem "delay 1ms reorder 5%" on the middle link (both ends).  The runs
# are interleaved: ROUNDS times, every hop count and mode in turn, so drift
# hits them alike; the report takes medians and spreads.
# KPPTP_BENCH_T (3), KPPTP_BENCH_ROUNDS (5), KPPTP_BENCH_HOPS ("1 2 4")
# and KPPTP_BENCH_CONDS ("clean reorder") reach the guest from the host.
# Results: tests/bench/results/relay.csv (mode,hops,condition,metric,
# value,unit); on the host, relay_report.py makes relay.md and relay.png
# of it and puts the table in README.md.
. "${KPPTP_SRC:-/src}/tests/integration/lib.sh"
. "$KPPTP_SRC/tests/integration/kpptpd-lib.sh"
. "$KPPTP_SRC/tests/integration/relay-lib.sh"

T=${KPPTP_BENCH_T:-3}
ROUNDS=${KPPTP_BENCH_ROUNDS:-5}
HOPS=${KPPTP_BENCH_HOPS:-1 2 4}
CONDS=${KPPTP_BENCH_CONDS:-clean reorder}
MODES="routed transparent terminating"
RES=$KPPTP_SRC/tests/bench/results
# written as it goes: a guest that dies (the rare TCG oops) keeps the rows
CSV=$RES/relay.csv
START=$SECONDS
mkdir -p "$RES"
echo "mode,hops,condition,metric,value,unit" >"$CSV"
modprobe ppp_mppe || fail "no ppp_mppe module"
blog() { echo "relay-bench: $*" >&2; }

DEFAULTS="defaults require-mppe-128 refuse-eap refuse-pap refuse-chap refuse-mschap novj mtu 1400 mru 1400 lcp-echo-interval 0"

# chain MODE K: the chain up with its daemons; the client dials $DIAL as
# $CUSER to $REMOTE.
chain() {
	local mode=$1 k=$2 i last=$(($2 + 2)) srv
	srv=10.0.$((k)).$last
	setup_relay_chain "$k"
	install -m 600 /dev/null /etc/ppp/chap-secrets
	echo "alice srv \"at-server\" *" >>/etc/ppp/chap-secrets
	relay_kpptpd_server "n$last" "$srv"
	case $mode in
	routed)
		relay_chain_routed "$k"
		DIAL=$srv CUSER=alice REMOTE=srv
		;;
	transparent)
		for ((i = k + 1; i >= 2; i--)); do
			relay_gateway "n$i" "gw$i" "10.0.$((i - 2)).$i" \
				"relay default to 10.0.$((i - 1)).$((i + 1))"
		done
		DIAL=10.0.0.2 CUSER=alice REMOTE=srv
		;;
	terminating)
		# gw i logs alice@r(i) in and logs in at the next as
		# alice@r(i+1), the last one as alice
		for ((i = k + 1; i >= 2; i--)); do
			local next=alice@r$((i + 1)) list=$TMP/gw$i.list
			[ "$i" -lt $((k + 1)) ] || next=alice
			echo "\"alice@r$i\" gw$i \"secret-$i\" *" >>/etc/ppp/chap-secrets
			install -m 600 /dev/null "$list"
			printf '%s\n' "$DEFAULTS" \
				"alice@r$i 10.0.$((i - 1)).$((i + 1)) $next $( [ "$next" = alice ] && echo at-server || echo "secret-$((i + 1))")" >"$list"
			relay_gateway "n$i" "gw$i" "10.0.$((i - 2)).$i" "relay-list $list"
		done
		DIAL=10.0.0.2 CUSER=alice@r2 REMOTE=gw2
		;;
	esac
}

# underlay COND K: netem on the middle link of a K-gateway chain
underlay() {
	local link=$(( ($2 + 2) / 2 ))	# link i joins n(i) and n(i+1)
	[ "$1" = reorder ] || return 0
	"n$link" tc qdisc add dev right root netem delay 1ms reorder 5%
	"n$((link + 1))" tc qdisc add dev left root netem delay 1ms reorder 5%
}

row() { echo "$1,$2,$3,$4,$5,$6" | tee -a "$CSV" >&2; }

# busiest_cpu BEFORE AFTER: the busiest vCPU's share of the time between two
# snapshots of /proc/stat's cpuN lines, in percent.  Every hop of the chain
# runs in this one guest: a flow's packets cross the gateways in softirq on
# one vCPU, so when that vCPU is full, every hop's work adds up on it.
busiest_cpu() {
	paste -d' ' "$1" "$2" | awk '{
		n = NF / 2
		b0 = $2 + $3 + $4 + $7 + $8 + $9; i0 = $5 + $6
		b1 = $(n + 2) + $(n + 3) + $(n + 4) + $(n + 7) + $(n + 8) + $(n + 9)
		i1 = $(n + 5) + $(n + 6)
		t = (b1 - b0) + (i1 - i0)
		if (t > 0 && 100 * (b1 - b0) / t > max) max = 100 * (b1 - b0) / t
	} END { printf "%.0f\n", max }'
}

# thread_ticks: "TID TICKS NAME" for every thread in the guest, TICKS its
# user + system time so far (clock ticks), white space in NAME as "_";
# bash builtins only, so that taking it costs next to nothing.
thread_ticks() {
	local t l r
	for t in /proc/[0-9]*/task/[0-9]*; do
		# a thread may end between the glob and the read
		{ read -r l <"$t/stat"; } 2>/dev/null || continue
		r=${l##*) }	# the fields after "(comm)", which may hold spaces
		set -- $r
		# utime and stime; anything else is a name we could not split
		[ $# -ge 13 ] || continue
		case ${12}${13} in *[!0-9]*) continue ;; esac
		l=${l#*(}
		l=${l%)*}
		echo "${t##*/} $((${12} + ${13})) ${l//[[:space:]]/_}"
	done
}

# busiest_thread STAT0 STAT1 THREADS0 THREADS1: "PERCENT NAME" of the
# thread that used the most CPU between two thread_ticks snapshots, as a
# percentage of the time between the /proc/stat snapshots STAT0 and STAT1
# (taken inside the thread snapshots).  Only threads alive at both
# snapshots count: not iperf3's client, which starts and ends between
# them.  A run bound by one thread shows it near 100% even when no vCPU
# is full (the scheduler moves the thread between them).
busiest_thread() {
	local wall
	wall=$(paste -d' ' "$1" "$2" | awk '{
		n = NF / 2; t = 0
		for (i = 2; i <= n; i++) t += $(n + i) - $i
		s += t; c++
	} END { print (c ? s / c : 0) }')
	sort -k1,1 "$3" >"$TMP/threads0.s"
	sort -k1,1 "$4" >"$TMP/threads1.s"
	join "$TMP/threads0.s" "$TMP/threads1.s" | awk -v wall="$wall" '
		wall > 0 { d = $4 - $2; if (d > max) { max = d; name = $3 } }
		END { printf "%.0f %s\n", 100 * max / (wall > 0 ? wall : 1), name }'
}

# login_ms MONLOG T0: milliseconds from T0 (date +%s%N) to the first IPv4
# address on ppp0 in MONLOG ("ip -ts -o monitor address": pppd sets it when
# IPCP is up, before its ip-pre-up script); fails if there is none.
login_ms() {
	local ts
	ts=$(sed -n 's/^\[\([^]]*\)\] [0-9]*: ppp0 *inet .*/\1/p' "$1" | head -n 1)
	[ -n "$ts" ] || return 1
	ts=$(date -d "$ts" +%s%N) || return 1
	echo $(((ts - $2) / 1000000))
}

one() {
	local mode=$1 k=$2 cond=$3 t0 ms mbps rtt retr thr thr_name mon
	chain "$mode" "$k"
	underlay "$cond" "$k"
	n1 ip -ts -o monitor address >"$TMP/addr.mon" 2>&1 &
	mon=$!
	# subscribed once it shows an address added after it started
	wait_for "n1 ip addr del 127.0.0.9/32 dev lo; n1 ip addr add 127.0.0.9/32 dev lo; grep -q 127.0.0.9 $TMP/addr.mon" 10 ||
		blog "ip monitor shows nothing"
	t0=$(date +%s%N)
	relay_client bench "$CUSER" "$DIAL" "$REMOTE"
	if ! wait_link n1 ppp0 192.168.30.1 120 ||
	   ! ms=$(login_ms "$TMP/addr.mon" "$t0"); then
		kill "$mon" 2>/dev/null
		row "$mode" "$k" "$cond" login_ms NaN ms
		row "$mode" "$k" "$cond" tcp NaN Mbit/s
		relay_chain_down
		return
	fi
	kill "$mon" 2>/dev/null
	n1 ip route add 10.9.9.9/32 dev ppp0
	mbps=NaN rtt=NaN retr=NaN
	thread_ticks >"$TMP/threads0"
	grep '^cpu[0-9]' /proc/stat >"$TMP/stat0"
	if n1 iperf3 -c 10.9.9.9 -p 5239 -t "$T" -J --connect-timeout 5000 >"$TMP/iperf.json"; then
		read -r mbps rtt retr < <(python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["end"]; print(round(e["sum_received"]["bits_per_second"] / 1e6, 2), round(e["streams"][0]["sender"]["mean_rtt"] / 1000, 1), e["sum_sent"].get("retransmits", "nan"))' "$TMP/iperf.json") || :
		: "${mbps:=NaN}" "${rtt:=NaN}" "${retr:=NaN}"
	fi
	grep '^cpu[0-9]' /proc/stat >"$TMP/stat1"
	thread_ticks >"$TMP/threads1"
	thr=NaN thr_name=?
	read -r thr thr_name < <(busiest_thread "$TMP/stat0" "$TMP/stat1" "$TMP/threads0" "$TMP/threads1") || :
	blog "$mode $k $cond: busiest thread $thr_name at $thr% of a CPU"
	row "$mode" "$k" "$cond" login_ms "$ms" ms
	row "$mode" "$k" "$cond" tcp "$mbps" Mbit/s
	row "$mode" "$k" "$cond" tcp_rtt "$rtt" ms
	row "$mode" "$k" "$cond" tcp_retr "$retr" segments
	row "$mode" "$k" "$cond" cpu_max "$(busiest_cpu "$TMP/stat0" "$TMP/stat1")" %
	row "$mode" "$k" "$cond" cpu_thread "$thr" %
	relay_chain_down
}

blog "rounds $ROUNDS, hops $HOPS, conditions $CONDS, iperf3 $T s"
for ((r = 1; r <= ROUNDS; r++)); do
	for cond in $CONDS; do
		for k in $HOPS; do
			for mode in $MODES; do
				one "$mode" "$k" "$cond"
			done
		done
	done
	blog "round $r done after $((SECONDS - START)) s"
done
blog "done in $((SECONDS - START)) s; results in tests/bench/results/relay.csv"
