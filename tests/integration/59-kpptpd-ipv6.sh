#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv6 inside the tunnel: kpptpd with "ipv6 on" runs its pppd with +ipv6
# and interface identifiers made of the call's IPv4 pair, so both ends'
# link-local addresses are known (fe80::c0a8:c801 is 192.168.200.1's).
# A pppd + pptp-linux client and a pppd + kpptp.so client (both +ipv6,
# MS-CHAPv2 + MPPE-128) get IPV6CP; ping6 over link-local addresses both
# ways, then ping6 and iperf3 over global addresses, counted by the
# server's kernel call.  After a reload with "ipv6 off", a new call has
# IPv4 only: the server's pppd, given noipv6, rejects IPV6CP.
#
#	$NS1 10.0.0.1                          $NS2 10.0.0.2
#	ppp0: pppd + pptp-linux  +ipv6   TCP   kpptpd, ipv6 on
#	ppp1: pppd + kpptp.so    +ipv6  <----> pppd +ipv6 per call
#	                                  GRE
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"
# no duplicate address detection on the links to come: an address is
# usable as soon as IPV6CP has set it
for w in n1 n2; do
	"$w" sysctl -qw net.ipv6.conf.default.accept_dad=0
done

kpptpd_conf "ipv6 on" >"$TMP/kpptpd.conf"
mppe_server_options kpptpd server >"$TMP/options.kpptpd"
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' '# client server secret addresses' 'alice kpptpd "s3cret-Pa55" *' \
	>/etc/ppp/chap-secrets
start_kpptpd n2 "$TMP/kpptpd.conf"

mppe_client=(name alice remotename kpptpd require-mppe-128 refuse-eap
	refuse-pap refuse-chap refuse-mschap)
pptp_client() { start_mppe_client n1 10.0.0.2 "$@"; }

# server_if REMOTE: the server's ppp interface whose peer is REMOTE
server_if() {
	n2 ip -4 -o addr show | awk -v p="peer $1/32" '$0 ~ p { print $2; exit }'
}

# has_ll WRAPPER IF ADDR: IF has the link-local address ADDR, usable
has_ll() {
	local a
	a=$("$1" ip -6 -o addr show dev "$2" scope link 2>/dev/null) &&
		[[ $a == *"inet6 $3"[/\ ]* && $a != *tentative* ]]
}

# ---- A: pppd + pptp-linux, +ipv6
pptp_client a "${mppe_client[@]}" +ipv6
wait_link n1 ppp0 192.168.200.1 90 || kpptpd_fail "client a did not come up"
sa=$(server_if 192.168.200.10)
[ -n "$sa" ] || kpptpd_fail "no server interface for 192.168.200.10"
wait_for "has_ll n1 ppp0 fe80::c0a8:c80a && has_ll n2 $sa fe80::c0a8:c801" 30 ||
	kpptpd_fail "IPV6CP: link-local addresses: client $(n1 ip -6 -o addr show dev ppp0 | tr '\n' ' '), server $(n2 ip -6 -o addr show dev "$sa" | tr '\n' ' ')"
n2 ip -6 -o addr show dev "$sa" scope link	# for the log
pass "IPV6CP up: client fe80::c0a8:c80a, server fe80::c0a8:c801 (from 192.168.200.10 / .1)"

n1 ping -6 -q -c 5 -i 0.1 -W 2 fe80::c0a8:c801%ppp0 >/dev/null || kpptpd_fail "ping6 client -> server (link-local)"
n2 ping -6 -q -c 5 -i 0.1 -W 2 "fe80::c0a8:c80a%$sa" >/dev/null || kpptpd_fail "ping6 server -> client (link-local)"
pass "ping6 over link-local addresses, both ways"

# global addresses, as an operator's ipv6-up script would set them
n2 ip -6 addr add 2001:db8:200::1 peer 2001:db8:200::10 dev "$sa"
n1 ip -6 addr add 2001:db8:200::10 peer 2001:db8:200::1 dev ppp0
wait_for "n1 ping -6 -c 1 -W 1 2001:db8:200::1" 10 || kpptpd_fail "ping6 to the server's global address"
sid=$(n2 "$CTL" -j call show | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
rx0=$(call_field n2 "$sid" rx_packets)
if0=$(n2 cat "/sys/class/net/$sa/statistics/rx_packets")
n2 iperf3 -s -D -1 -B 2001:db8:200::1 -p 5259
wait_listen n2 tcp 5259
n1 iperf3 -6 -c 2001:db8:200::1 -p 5259 -t 3 -J --connect-timeout 5000 >"$TMP/iperf.json" ||
	kpptpd_fail "iperf3 over IPv6"
mbps=$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' "$TMP/iperf.json")
drx=$(($(call_field n2 "$sid" rx_packets) - rx0))
dif=$(($(n2 cat "/sys/class/net/$sa/statistics/rx_packets") - if0))
# the two are read one after the other, and the call also counts PPP's
# own frames: the same to within 1%, over at least 200 packets (a debug
# kernel sends a few hundred in the 3 s)
[ "$dif" -ge 200 ] && [ $((drx * 100)) -ge $((dif * 99)) ] ||
	kpptpd_fail "the server's call $sid counted $drx packets, its $sa $dif"
pass "ping6 and iperf3 -6 over global addresses: $mbps Mbit/s with MPPE-128; call $sid counted $drx packets for $sa's $dif"

# ---- B: pppd + kpptp.so, +ipv6: the second pair, .11
plugin_client b kpptpd +ipv6
wait_link n1 ppp1 192.168.200.1 90 || kpptpd_fail "client b did not come up"
sb=$(server_if 192.168.200.11)
wait_for "has_ll n1 ppp1 fe80::c0a8:c80b && has_ll n2 $sb fe80::c0a8:c801" 30 ||
	kpptpd_fail "client b: link-local addresses: $(n1 ip -6 -o addr show dev ppp1 | tr '\n' ' ')"
n1 ping -6 -q -c 5 -i 0.1 -W 2 fe80::c0a8:c801%ppp1 >/dev/null || kpptpd_fail "ping6 b -> server"
n2 ping -6 -q -c 5 -i 0.1 -W 2 "fe80::c0a8:c80b%$sb" >/dev/null || kpptpd_fail "ping6 server -> b"
n1 ping -6 -q -c 3 -i 0.2 -W 2 2001:db8:200::1 >/dev/null || kpptpd_fail "client a broken by client b"
pass "kpptp.so client: IPV6CP up as fe80::c0a8:c80b, ping6 both ways; client a still up"

# ---- C: reload with ipv6 off: the next call has IPv4 only
kpptpd_conf "ipv6 off" >"$TMP/kpptpd.conf"
mppe_server_options kpptpd server >"$TMP/options.kpptpd"	# kpptpd_conf wrote its own
kill -HUP "$(cat "$TMP/kpptpd.pid")"
wait_for "grep -q 'reloaded' '$TMP/kpptpd.log'" 10 || kpptpd_fail "no reload"
pptp_client c "${mppe_client[@]}" +ipv6
wait_link n1 ppp2 192.168.200.1 90 || kpptpd_fail "client c did not come up"
wait_for "grep -q 'rcvd \\[LCP ProtRej id=0x[0-9a-f]* 80 57' '$TMP/client-c.log'" 20 ||
	kpptpd_fail "client c: IPV6CP was not rejected"
! n1 ip -6 -o addr show dev ppp2 | grep -q fe80:: ||
	kpptpd_fail "client c: a link-local address with ipv6 off"
n1 ping -6 -q -c 2 -i 0.2 -W 2 fe80::c0a8:c801%ppp1 >/dev/null || kpptpd_fail "client b broken by the reload"
pass "after a reload with ipv6 off: the new call is IPv4 only, the others keep IPv6"

kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! pgrep -f 'kpptp_call '" 20 || kpptpd_fail "pppd left"
no_calls_left n2
pass "clean shutdown"
