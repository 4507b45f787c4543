# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# lib.sh: helpers for the kpptp guest tests.  A test sources it first:
#
#	#!/bin/bash
#	# SPDX-License-Identifier: GPL-2.0
#	# What this test shows, in a sentence or two.
#	. "$(dirname "$0")/lib.sh"
#	setup_veth_pair
#	n1 ping -c 1 -W 2 10.0.0.2 || fail "no ping over the veth pair"
#	pass "veth ping"
#
# Topology of setup_veth_pair (setup_ns n3 adds a third, unconnected one):
#
#	      $NS1 ("n1")                            $NS2 ("n2")
#	+--------------------------+          +--------------------------+
#	| lo                       |          | lo                       |
#	| veth1  10.0.0.1/24  -----+----------+----- veth2  10.0.0.2/24  |
#	|   PPTP: TCP 1723, GRE    |          |   PPTP: TCP 1723, GRE    |
#	|   pppN over kpptp.ko     |          |   pppN over kpptp.ko     |
#	+--------------------------+          +--------------------------+
#
# The namespaces get names unique to this test run ($NS1, $NS2, $NS3, e.g.
# "kt1234-n1"); use them through the wrappers:
#	n1 CMD...       run CMD in $NS1 (ip netns exec); n2, n3 likewise
#	ip -n "$NS1" .. iproute2 can also address them directly
#
# Tests run as root in the guest, from /src, with bash's errexit, nounset
# and pipefail on: any failing command fails the test (its line is printed).
# On exit, for any reason, cleanup runs the on_cleanup hooks (last first),
# kills every process in the test's namespaces and the test's background
# jobs, deletes the namespaces and the scratch directory $TMP.
#
# Environment from the guest runner: KPPTP_SRC (/src), KPPTP_BUILD
# (/src/build/guest: kpptpctl, kpptp.so, test tools), KPPTP_KO (kpptp.ko,
# already loaded when the test starts).

set -eEuo pipefail

KPPTP_SRC=${KPPTP_SRC:-/src}
KPPTP_BUILD=${KPPTP_BUILD:-$KPPTP_SRC/build/guest}
KPPTP_KO=${KPPTP_KO:-$KPPTP_SRC/kpptp.ko}
CTL=$KPPTP_BUILD/kpptpctl
PLUGIN=$KPPTP_BUILD/kpptp.so
STATIC=$KPPTP_BUILD/pptp-static
INJECT=$KPPTP_SRC/tests/tools/gre-inject.py

TEST_NAME=$(basename "$0" .sh)
NS_PREFIX=kt$$
NS1=$NS_PREFIX-n1
NS2=$NS_PREFIX-n2
NS3=$NS_PREFIX-n3
NS4=$NS_PREFIX-n4	# n4-n6: relay chains (setup_relay_chain)
NS5=$NS_PREFIX-n5
NS6=$NS_PREFIX-n6
TMP=$(mktemp -d "/tmp/$TEST_NAME.XXXXXX")

_NAMESPACES=()
_CLEANUP_HOOKS=()

n1() { ip netns exec "$NS1" "$@"; }
n2() { ip netns exec "$NS2" "$@"; }
n3() { ip netns exec "$NS3" "$@"; }
n4() { ip netns exec "$NS4" "$@"; }
n5() { ip netns exec "$NS5" "$@"; }
n6() { ip netns exec "$NS6" "$@"; }

# fail MSG: fail the test now.
fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	exit 1
}

# pppd_authenticated LOG USER: pppd's debug log LOG shows USER logged in
# with CHAP: pppd 2.5 says so; 2.4 (the bookworm guest) only logs the
# Response with the name and the Success it sent.
pppd_authenticated() {
	grep -q "Peer $2 authenticated with CHAP" "$1" ||
		{ grep -q "rcvd \[CHAP Response id=.*name = \"$2\"\]" "$1" &&
			grep -q "sent \[CHAP Success id=" "$1"; }
}

# skip WHY: the test does not apply here (this kernel, this guest): it ends,
# and the runner counts and shows it as skipped, with WHY.
skip() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

# pass [MSG]: note a check that passed (the test passes when it exits 0).
pass() { echo "ok - ${*:-$TEST_NAME}"; }

# expect_eq ACTUAL EXPECTED WHAT: fail unless ACTUAL = EXPECTED.
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# mbit_floor N: N, the least Mbit/s a functional check accepts; 1 on a
# debug kernel (KPPTP_TIMEOUT_SCALE > 1): KASAN, lockdep and the rest make
# it 5-15x slower, and a floor there can only say that data flowed.
mbit_floor() {
	if [ "${KPPTP_TIMEOUT_SCALE:-1}" -gt 1 ]; then echo 1; else echo "$1"; fi
}

# wait_for "CMD" [SECONDS]: run CMD (a shell string) every 0.1 s until it
# succeeds; returns 1 (failing the test under set -e) after SECONDS (10),
# times KPPTP_TIMEOUT_SCALE (the debug kernel is several times slower).
wait_for() {
	local cmd=$1 limit=$(( ${2:-10} * ${KPPTP_TIMEOUT_SCALE:-1} )) start=$SECONDS
	until eval "$cmd" >/dev/null 2>&1; do
		if [ $((SECONDS - start)) -ge "$limit" ]; then
			echo "wait_for: still failing after $limit s: $cmd" >&2
			return 1
		fi
		sleep 0.1
	done
}

# log_lines FILE ERE: how many lines of FILE match ERE (0 without FILE).
# wait_log_lines FILE ERE N [SECONDS]: wait until that is more than N (a
# daemon restarted with its log appended to: N is what the log held
# before), at most SECONDS (10).
log_lines() {
	local n
	n=$(grep -cE "$2" "$1" 2>/dev/null || :)
	echo "${n:-0}"
}
wait_log_lines() {
	wait_for "[ \"\$(log_lines '$1' '$2')\" -gt ${3:-0} ]" "${4:-10}"
}

# wait_link WRAPPER IF PEER [SECONDS]: wait until the point-to-point link IF
# in WRAPPER's namespace (n1, n2...) carries traffic to PEER: IF up with
# LOWER_UP, PEER its peer address, the route to PEER through IF, and a ping
# to PEER through IF answered.  Returns 1 after SECONDS (30), saying what
# was still missing.  An address alone is not enough: pppd sets it before
# the interface is up, and the route comes with the interface.
wait_link() {
	local w=$1 ifname=$2 peer=$3 limit=$(( ${4:-30} * ${KPPTP_TIMEOUT_SCALE:-1} ))
	local start=$SECONDS missing
	until missing=$(link_missing "$w" "$ifname" "$peer"); do
		if [ $((SECONDS - start)) -ge "$limit" ]; then
			echo "wait_link: $w $ifname after $limit s: $missing" >&2
			return 1
		fi
		sleep 0.1
	done
}

# capture_start WRAPPER IF FILE [FILTER...]: tcpdump on IF in WRAPPER's
# namespace, writing FILE (headers: 256 bytes a packet); returns once it
# captures.  Immediate mode: otherwise libpcap hands packets over a ring
# block at a time (when full, or after 1 s), and a tcpdump stopped before
# the block is handed over loses its packets.
capture_start() {
	local w=$1 ifname=$2 file=$3
	shift 3
	"$w" tcpdump -i "$ifname" -w "$file" --immediate-mode -U -B 8192 -s 256 \
		"$@" 2>"$file.err" &
	CAPTURE_PID=$!
	wait_for "grep -q listening $file.err"
}

# pcap_count FILE: the number of packets FILE holds so far.
pcap_count() {
	python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off, n = 24, 0
while off + 16 <= len(data):
    off += 16 + struct.unpack_from("<I", data, off + 8)[0]
    n += off <= len(data)
print(n)
PY
}

# capture_stop FILE MIN: wait until FILE holds at least MIN packets (a busy
# guest's tcpdump runs behind the traffic), then stop tcpdump; fails if it
# never gets there or if the kernel dropped any packet for it.
capture_stop() {
	local file=$1 min=$2
	wait_for "[ \$(pcap_count $file) -ge $min ]" 20 ||
		fail "capture: $(pcap_count "$file") packets in $file, expected $min or more"
	pkill -TERM -f "tcpdump -i .* -w $file " || true
	wait "$CAPTURE_PID" || true
	grep -q "^0 packets dropped by kernel" "$file.err" ||
		fail "capture: $(tr '\n' ' ' <"$file.err")"
}

# link_missing WRAPPER IF PEER: what IF lacks before it carries traffic to
# PEER (see wait_link), on stdout, and false; true when nothing.
link_missing() {
	local w=$1 ifname=$2 peer=$3 flags
	if ! flags=$("$w" ip -o link show dev "$ifname" 2>/dev/null); then
		echo "no $ifname"
		return 1
	fi
	flags=${flags#*<} flags=",${flags%%>*},"
	[[ $flags == *,UP,* ]] || { echo "$ifname is not up"; return 1; }
	[[ $flags == *,LOWER_UP,* ]] || { echo "$ifname has no LOWER_UP"; return 1; }
	[[ $("$w" ip -4 -o addr show dev "$ifname" 2>/dev/null) == *" peer $peer/"* ]] ||
		{ echo "$ifname has no peer address $peer"; return 1; }
	# the peer's route on IF (not "ip route get": two links may share a peer)
	[[ $'\n'$("$w" ip -4 route show dev "$ifname" 2>/dev/null) == *$'\n'"$peer "* ]] ||
		{ echo "no route to $peer through $ifname"; return 1; }
	"$w" ping -n -c 1 -W 1 -I "$ifname" "$peer" >/dev/null 2>&1 ||
		{ echo "no ping answer from $peer through $ifname"; return 1; }
}

# wait_listen WRAPPER tcp|udp PORT [SECONDS]: wait until a socket listens
# on PORT in WRAPPER's namespace (a server started in the background is
# ready), at most SECONDS (10).
wait_listen() {
	local w=$1 proto=$2 port=$3
	case "$proto" in
	tcp) proto=t ;; udp) proto=u ;;
	*) fail "wait_listen: tcp or udp, not '$proto'" ;;
	esac
	wait_for "[ -n \"\$($w ss -Hln$proto 'sport = :$port')\" ]" "${4:-10}" ||
		{ echo "wait_listen: nothing listens on $2 port $port in $w" >&2; return 1; }
}

# on_cleanup "CMD": run CMD (a shell string) at exit, before the namespaces go.
on_cleanup() { _CLEANUP_HOOKS+=("$1"); }

# setup_ns n1|n2|n3...: create the test's namespaces, loopback up.
setup_ns() {
	local n ns
	for n in "$@"; do
		case "$n" in
		n1) ns=$NS1 ;; n2) ns=$NS2 ;; n3) ns=$NS3 ;;
		n4) ns=$NS4 ;; n5) ns=$NS5 ;; n6) ns=$NS6 ;;
		*) fail "setup_ns: unknown namespace '$n' (n1 to n6)" ;;
		esac
		ip netns add "$ns"
		_NAMESPACES+=("$ns")
		ip -n "$ns" link set lo up
	done
}

# veth_link NS-A IF-A ADDR-A/LEN NS-B IF-B ADDR-B/LEN: a veth pair between
# two namespaces, addressed and up at both ends.
veth_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# static_pair [N2-ARGS...]: pptp-static ends of one call over the veth
# pair, call 100 in $NS1 and 200 in $NS2 (N2-ARGS: more pptp-static
# options for $NS2's end), each ppp0 up with 192.168.100.1 and .2, waited
# for on both sides.  Their output in $TMP/s1 and $TMP/s2.
static_pair() {
	n1 "$STATIC" --peer 10.0.0.2 --local-id 100 --peer-id 200 >"$TMP/s1" &
	n2 "$STATIC" --peer 10.0.0.1 --local-id 200 --peer-id 100 "$@" >"$TMP/s2" &
	wait_for "grep -q unit $TMP/s1 && grep -q unit $TMP/s2"
	n1 ip addr add 192.168.100.1 peer 192.168.100.2 dev ppp0
	n2 ip addr add 192.168.100.2 peer 192.168.100.1 dev ppp0
	n1 ip link set ppp0 up
	n2 ip link set ppp0 up
	wait_link n1 ppp0 192.168.100.2
	wait_link n2 ppp0 192.168.100.1
}

# setup_veth_pair: $NS1 and $NS2 joined by veth1 (10.0.0.1/24) -- veth2
# (10.0.0.2/24), checked with a ping.
setup_veth_pair() {
	setup_ns n1 n2
	veth_link "$NS1" veth1 10.0.0.1/24 "$NS2" veth2 10.0.0.2/24
	wait_for "n1 ping -c 1 -W 1 10.0.0.2" 10 || fail "no ping over the new veth pair"
}

# setup_gateway_chain: $NS1 -- $NS2 -- $NS3 for a relay: veth1 10.0.0.1/24
# -- veth2 10.0.0.2/24 and veth3 10.0.1.2/24 -- veth4 10.0.1.3/24, with no
# IP forwarding on $NS2 (only what the gateway relays can cross it), both
# links checked with a ping.
setup_gateway_chain() {
	setup_ns n1 n2 n3
	veth_link "$NS1" veth1 10.0.0.1/24 "$NS2" veth2 10.0.0.2/24
	veth_link "$NS2" veth3 10.0.1.2/24 "$NS3" veth4 10.0.1.3/24
	n2 sysctl -qw net.ipv4.ip_forward=0
	wait_for "n1 ping -c 1 -W 1 10.0.0.2 && n3 ping -c 1 -W 1 10.0.1.2" 10 ||
		fail "no ping over the veth pairs"
}

# setup_relay_chain K: a client, K gateways (1-4) and a server in a row,
# n1 .. n(K+2).  Link i joins n(i) and n(i+1) over 10.0.(i-1).0/24: n(i)
# has 10.0.(i-1).i on its "right" veth, n(i+1) 10.0.(i-1).(i+1) on its
# "left" one (so the server of a 1-gateway chain is 10.0.1.3, as in
# setup_gateway_chain).  Every gateway forwards nothing and lets in only
# TCP to port 1723, replies to what it sent, GRE and ICMP from its two
# neighbours, so that nothing can cross a gateway but what it relays:
# between ppp interfaces only.  Each link is checked with a ping.
setup_relay_chain() {
	local k=$1 i last=$(($1 + 2)) nets=() pings=true
	for ((i = 1; i <= last; i++)); do nets+=("n$i"); done
	setup_ns "${nets[@]}"
	for ((i = 1; i < last; i++)); do
		veth_link "$(ns_of "n$i")" right "10.0.$((i - 1)).$i/24" \
			"$(ns_of "n$((i + 1))")" left "10.0.$((i - 1)).$((i + 1))/24"
		pings+=" && n$i ping -c 1 -W 1 10.0.$((i - 1)).$((i + 1))"
	done
	for ((i = 2; i <= k + 1; i++)); do
		"n$i" sysctl -qw net.ipv4.ip_forward=0
		"n$i" nft -f - <<NFT
table inet relay_fw {
	chain input {
		type filter hook input priority 0; policy drop;
		iif lo accept
		ct state established,related accept
		ip saddr { 10.0.$((i - 2)).$((i - 1)), 10.0.$((i - 1)).$((i + 1)) } tcp dport 1723 accept
		ip saddr { 10.0.$((i - 2)).$((i - 1)), 10.0.$((i - 1)).$((i + 1)) } ip protocol { gre, icmp } accept
	}
	chain forward {
		type filter hook forward priority 0; policy drop;
		iifname "ppp*" oifname "ppp*" accept
	}
}
NFT
	done
	wait_for "$pings" 10 || fail "no ping over the chain's links"
}

# ns_of nN: the namespace name of nN.
ns_of() { local v="NS${1#n}"; echo "${!v}"; }

# ns_pids NS: the processes in network namespace NS.
ns_pids() { ip netns pids "$1" 2>/dev/null || true; }

# ns_stop_all [WHO]: every process in the test's namespaces gets TERM, 2 s
# to go, then KILL (named on stderr as WHO's when WHO is given).
ns_stop_all() {
	local i ns pid left
	for ns in "${_NAMESPACES[@]}"; do
		for pid in $(ns_pids "$ns"); do kill "$pid" 2>/dev/null || :; done
	done
	for ((i = 0; i < 20; i++)); do
		left=
		for ns in "${_NAMESPACES[@]}"; do left+=$(ns_pids "$ns"); done
		[ -z "$left" ] && break
		sleep 0.1
	done
	for ns in "${_NAMESPACES[@]}"; do
		for pid in $(ns_pids "$ns"); do
			[ -z "${1:-}" ] ||
				echo "$1: killing $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null) ($pid) in $ns" >&2
			kill -KILL "$pid" 2>/dev/null || :
		done
	done
	return 0
}

cleanup() {
	local rc=$? i ns
	set +eE
	trap - ERR
	for ((i = ${#_CLEANUP_HOOKS[@]} - 1; i >= 0; i--)); do
		eval "${_CLEANUP_HOOKS[i]}" || echo "cleanup: '${_CLEANUP_HOOKS[i]}' failed" >&2
	done
	# Our background jobs, then whatever runs in our namespaces (daemons
	# such as pppd have left our process group): TERM, 2 s grace, KILL.
	# shellcheck disable=SC2046
	kill $(jobs -p) 2>/dev/null
	ns_stop_all cleanup
	wait 2>/dev/null
	for ns in "${_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null || echo "cleanup: cannot delete netns $ns" >&2
	done
	rm -rf "$TMP"
	if [ "$rc" -eq 0 ]; then
		echo "PASS: $TEST_NAME"
	elif [ "$rc" -eq 77 ]; then
		echo "SKIPPED: $TEST_NAME"
	else
		echo "FAIL: $TEST_NAME (exit status $rc)"
	fi
	exit "$rc"
}
trap cleanup EXIT
# on_err STATUS LINE COMMAND: say which command failed; only its first
# line, since a here-document would push the error it printed out of the
# log's tail
on_err() {
	echo "FAIL: $TEST_NAME: line $2: \"${3%%$'\n'*}\" returned $1" >&2
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR

# ------------------------------------------------------------------- kpptp
# Helpers around the project's tools (their output formats belong to them).

# call_field WRAPPER ID KEY: one field of one call from "kpptpctl -j -s call
# show id ID" in the namespace of WRAPPER (n1, n2...): a top-level key or
# one in "stats".
call_field() {
	"$1" "$CTL" -j -s call show id "$2" | python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
k = sys.argv[1]
v = c.get(k, c.get("stats", {}).get(k))
print("" if v is None else v)' "$3"
}

# net_field WRAPPER KEY: one namespace-wide counter from "kpptpctl -j stats".
net_field() {
	"$1" "$CTL" -j stats | python3 -c '
import json, sys
s = json.load(sys.stdin)
k = sys.argv[1]
print(s.get(k, s.get("stats", {}).get(k, "")))' "$2"
}

# own_call WRAPPER ID PEER PEER-ID: a socket takes call ID (made with
# "kpptpctl call add"), as pppd's would: a netlink call has no ppp channel,
# and so delivers nothing, until a socket owns it.  pptp-static binds and
# connects in the background and holds a ppp unit; the call ends when it
# is killed.  Returns once the unit exists.
own_call() {
	local w=$1 id=$2 out=$TMP/own-call-$1-$2
	"$w" "$STATIC" --peer "$3" --local-id "$id" --peer-id "$4" >"$out" 2>&1 &
	wait_for "grep -q unit $out" 10 || fail "own_call: $(cat "$out")"
}

# calls_in WRAPPER: how many kpptp calls the namespace has.
calls_in() {
	"$1" "$CTL" -j call show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

# no_calls_left WRAPPER...: fail if a namespace still has kpptp calls.
no_calls_left() {
	local w out
	for w in "$@"; do
		out=$("$w" "$CTL" -j call show)
		python3 -c '
import json, sys
d = json.loads(sys.argv[1] or "[]")
d = d.get("calls", []) if isinstance(d, dict) else d
sys.exit(len(d) != 0)' "$out" ||
			fail "calls left in $w: $out"
	done
}

# bridged_calls: on setup_gateway_chain's namespaces, kernel calls 100 (n1)
# to 10 (n2), 20 (n2) to 300 (n3), and calls 10 and 20 bridged on the
# gateway by tests/tools/pptp-bridge (ppp_generic's PPPIOCBRIDGECHAN), which
# runs in the background until killed ("pptp-bridge 10 20").  Loads
# ppp_mppe for the pppd that tests run at the ends.
bridged_calls() {
	local bridge=$KPPTP_BUILD/pptp-bridge
	modprobe ppp_mppe || fail "no ppp_mppe module"
	[ -x "$bridge" ] || fail "no $bridge (tests/tools not built?)"
	n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 10 >/dev/null
	n2 "$CTL" call add id 10 peer 10.0.0.1 peer-id 100 >/dev/null
	n2 "$CTL" call add id 20 peer 10.0.1.3 peer-id 300 >/dev/null
	n3 "$CTL" call add id 300 peer 10.0.1.2 peer-id 20 >/dev/null
	n2 "$bridge" 10 20 >"$TMP/bridge.out" 2>&1 &
	wait_for "grep -q bridged $TMP/bridge.out" 10 ||
		fail "pptp-bridge: $(cat "$TMP/bridge.out")"
}

# mschap_pppd_pair CLIENT-CALL SERVER-CALL SECRET: pppd attached with
# kpptp.so to kernel call CLIENT-CALL in n1 as "alice" and to SERVER-CALL
# in n3 as "srv", which asks for MS-CHAPv2 with SECRET and MPPE-128 and
# gives the pair 192.168.30.1:192.168.30.10; both in the background,
# logging to $TMP/pppd-client.log and pppd-server.log.  chap-secrets is
# put back at cleanup.
mschap_pppd_pair() {
	local common=(plugin "$PLUGIN" nodetach nodefaultroute novj mtu 1400
		mru 1400 lcp-echo-interval 0 debug refuse-eap refuse-pap
		refuse-chap refuse-mschap)
	cp -a /etc/ppp/chap-secrets "$TMP/chap-secrets.saved" 2>/dev/null || :
	on_cleanup "cp -a $TMP/chap-secrets.saved /etc/ppp/chap-secrets 2>/dev/null || :"
	install -m 600 /dev/null /etc/ppp/chap-secrets
	printf 'alice srv "%s" *\n' "$3" >/etc/ppp/chap-secrets
	n3 pppd "${common[@]}" kpptp_call "$2" name srv auth require-mschap-v2 \
		require-mppe-128 192.168.30.1:192.168.30.10 \
		logfile "$TMP/pppd-server.log" >/dev/null 2>&1 &
	n1 pppd "${common[@]}" kpptp_call "$1" name alice remotename srv \
		noauth noipdefault require-mppe-128 \
		logfile "$TMP/pppd-client.log" >/dev/null 2>&1 &
}

# start_pppd WRAPPER CALL-ID LOCAL:REMOTE [pppd options...]: pppd with
# kpptp.so attached to a kernel call, in the background, logging to
# $TMP/pppd-WRAPPER.log.
start_pppd() {
	local ns=$1 id=$2 ips=$3
	shift 3
	"$ns" pppd plugin "$PLUGIN" kpptp_call "$id" "$ips" noauth nodetach \
		nodefaultroute noipdefault noccp novj mtu 1400 mru 1400 \
		lcp-echo-interval 0 logfile "$TMP/pppd-$ns.log" debug "$@" \
		>/dev/null 2>&1 &
}
