# SPDX-License-Identifier: GPL-2.0
# Helpers for the relay chain tests (55-57): servers, gateways and the
# client of a setup_relay_chain, every login MS-CHAPv2 with MPPE-128.
# Source after lib.sh and kpptpd-lib.sh.
#
#	relay_kpptpd_server nN ADDR  kpptpd at ADDR, pool 192.168.30.1 /
#	                             .10-20, 10.9.9.9 on a dummy behind it and
#	                             iperf3 listening there; control: srv
#	relay_pptpd_server nN ADDR   pptpd (PoPToP) the same way
#	relay_gateway nN NAME ADDR [LINE...]
#	                             kpptpd "kpptpd-NAME" listening at ADDR,
#	                             its own pool, pppd options with name NAME,
#	                             LINEs added to its kpptpd.conf
#	relay_ctl NAME ARGS...       kpptpctl for kpptpd-NAME
#	relay_client TAG USER GW REMOTENAME
#	                             pptp-linux + pppd in n1, to GW, logging in
#	                             as USER to REMOTENAME
#	relay_plugin_client ...      the same with pppd + kpptp.so pptp_server
#	relay_chain_clear nN...      true when those namespaces hold no
#	                             kernel call, policy rule or route of a
#	                             relay, or pppd, and no kpptpd a
#	                             connection

declare -A _RELAY_NS=()

_relay_behind() {
	"$1" ip link add dummy9 type dummy
	"$1" ip addr add 10.9.9.9/32 dev dummy9
	"$1" ip link set dummy9 up
	"$1" iperf3 -s -D -B 10.9.9.9 -p 5239
}

relay_kpptpd_server() {
	local ns=$1 addr=$2
	mppe_server_options srv >"$TMP/options.srv"
	cat >"$TMP/srv.conf" <<CONF
listen $addr
localip 192.168.30.1
remoteip 192.168.30.10-20
option $TMP/options.srv
plugin $PLUGIN
state-file $TMP/srv.calls
CONF
	_relay_behind "$ns"
	start_kpptpd "$ns" "$TMP/srv.conf" kpptpd-srv
	_RELAY_NS[srv]=$ns
}

relay_pptpd_server() {
	local ns=$1 addr=$2
	mppe_server_options srv >"$TMP/options.srv"
	cat >"$TMP/pptpd.conf" <<CONF
option $TMP/options.srv
localip 192.168.30.1
remoteip 192.168.30.10-20
listen $addr
CONF
	_relay_behind "$ns"
	"$ns" pptpd -f -c "$TMP/pptpd.conf" -p "$TMP/pptpd.pid" >"$TMP/pptpd.log" 2>&1 &
	wait_for "$ns ss -ltn | grep -q '$addr:1723 '" 10 || kpptpd_fail "pptpd did not listen"
}

relay_gateway() {
	local ns=$1 name=$2 addr=$3
	shift 3
	mppe_server_options "$name" >"$TMP/options.$name"
	{
		echo "listen $addr"
		echo "localip 172.31.0.1"
		echo "remoteip 172.31.0.10-20"
		echo "option $TMP/options.$name"
		echo "plugin $PLUGIN"
		echo "state-file $TMP/$name.calls"
		echo "connect-timeout 3"
		# the debug kernel is several times slower: so are logins
		echo "relay-login-timeout $((30 * ${KPPTP_TIMEOUT_SCALE:-1}))"
		printf '%s\n' "$@"
	} >"$TMP/$name.conf"
	start_kpptpd "$ns" "$TMP/$name.conf" "kpptpd-$name"
	_RELAY_NS[$name]=$ns
}

relay_ctl() {
	local name=$1
	shift
	"${_RELAY_NS[$name]}" "$CTL" -S "$TMP/kpptpd-$name.sock" "$@"
}

relay_client() {
	local tag=$1 user=$2 gw=$3 remotename=$4
	n1 pppd pty "pptp $gw --nolaunchpppd --loglevel 1" \
		name "$user" remotename "$remotename" require-mppe-128 \
		refuse-eap refuse-pap refuse-chap refuse-mschap noauth nodetach \
		nodefaultroute noipdefault novj mtu 1400 mru 1400 \
		lcp-echo-interval 0 ipparam "$tag" \
		logfile "$TMP/client-$tag.log" debug >/dev/null 2>&1 &
}

# relay_plugin_client TAG USER GW REMOTENAME: the same with kpptp.so's
# pptp_server instead of pptp-linux
relay_plugin_client() {
	local tag=$1 user=$2 gw=$3 remotename=$4
	n1 pppd plugin "$PLUGIN" pptp_server "$gw" \
		name "$user" remotename "$remotename" require-mppe-128 \
		refuse-eap refuse-pap refuse-chap refuse-mschap noauth nodetach \
		nodefaultroute noipdefault novj mtu 1400 mru 1400 \
		lcp-echo-interval 0 ipparam "$tag" \
		logfile "$TMP/client-$tag.log" debug >/dev/null 2>&1 &
}

# the rules and routes a terminating pair has (userspace/lib/relayroute.h):
# "lookup" a table from 65536 up, and routes in those tables
_relay_rules() { "$1" ip rule show | grep -c 'lookup [0-9]\{5,\}' || :; }
_relay_routes() { "$1" ip -4 route show table all | grep -c 'table [0-9]\{5,\}' || :; }

relay_chain_clear() {
	local ns
	for ns in "$@"; do
		[ "$(calls_in "$ns")" = 0 ] && [ "$(_relay_rules "$ns")" = 0 ] &&
			[ "$(_relay_routes "$ns")" = 0 ] || return 1
	done
	! pgrep -x pppd >/dev/null
}

# relay_chain_state nN...: what relay_chain_clear looks at, for messages
relay_chain_state() {
	local ns
	for ns in "$@"; do
		printf '%s: calls %s rules %s routes %s; ' "$ns" "$(calls_in "$ns")" \
			"$(_relay_rules "$ns")" "$(_relay_routes "$ns")"
	done
	printf 'pppd: %s' "$(pgrep -af pppd | tr '\n' ';' || :)"
}

# relay_check_link: n1's ppp0 has the server's pair, pings the server's
# address and 10.9.9.9 behind it, and moves iperf3 there for 3 s; the rate
# in RELAY_MBPS.
relay_check_link() {
	expect_eq "$(n1 ip -4 -o addr show dev ppp0 | awk '{ print $4, $6 }')" \
		"192.168.30.10 192.168.30.1/32" "client's addresses"
	n1 ip route add 10.9.9.9/32 dev ppp0
	n1 ping -q -c 5 -i 0.2 -W 3 192.168.30.1 >/dev/null || kpptpd_fail "ping the server"
	n1 ping -q -c 5 -i 0.2 -W 3 10.9.9.9 >/dev/null || kpptpd_fail "ping behind the server"
	n1 iperf3 -c 10.9.9.9 -p 5239 -t 3 -J --connect-timeout 5000 >"$TMP/iperf.json" ||
		kpptpd_fail "iperf3 through the chain"
	RELAY_MBPS=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' "$TMP/iperf.json")
}

# relay_chain_down: every process in the chain's namespaces stopped, the
# namespaces deleted, /etc/ppp/chap-secrets emptied: setup_relay_chain can
# run again (the benchmark builds one chain after another).
relay_chain_down() {
	local ns
	ns_stop_all
	sleep 0.2
	for ns in "${_NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || :; done
	_NAMESPACES=()
	_RELAY_NS=()
	: >/etc/ppp/chap-secrets
}

# relay_chain_routed K: after setup_relay_chain K, the gateways become
# plain IP routers whose firewalls forward TCP 1723 and GRE (the paper's
# "let PPTP through the firewalls"): routes along the chain both ways.
relay_chain_routed() {
	local k=$1 i j last=$(($1 + 2))
	for ((i = 1; i <= last; i++)); do
		for ((j = 1; j < last; j++)); do
			# link j is 10.0.(j-1).0/24 between n(j) and n(j+1)
			if ((j > i)); then
				"n$i" ip route add "10.0.$((j - 1)).0/24" via "10.0.$((i - 1)).$((i + 1))"
			elif ((j < i - 1)); then
				"n$i" ip route add "10.0.$((j - 1)).0/24" via "10.0.$((i - 2)).$((i - 1))"
			fi
		done
	done
	for ((i = 2; i <= k + 1; i++)); do
		"n$i" sysctl -qw net.ipv4.ip_forward=1
		"n$i" nft add rule inet relay_fw forward tcp dport 1723 accept
		"n$i" nft add rule inet relay_fw forward tcp sport 1723 accept
		"n$i" nft add rule inet relay_fw forward ip protocol gre accept
	done
}
