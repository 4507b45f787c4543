#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A transparent relay whose next hop is a static L2TPv3 PPP session (issue
# 11's stretch): a stock PPTP client reaches a PPP server on an L2TPv3
# pseudowire through a kpptpd gateway.  The gateway's rule names an L2TPv3
# tunnel made with "ip l2tp" and a range of sessions; kpptpd takes a free
# session for each call (a PPPoL2TP socket, the kernel's pppol2tp channel)
# and bridges it to the client's kpptp call in ppp_generic, as it bridges
# two PPTP calls.  The server is pppd with Debian's pppol2tp.so on the same
# static sessions.  Shown: MS-CHAPv2 and MPPE-128 end to end, the server's
# addresses at the client, ping and iperf3 through; no pppd on the gateway;
# kpptpctl shows each call's session; two clients take two sessions and a
# third is refused when the range is used up; only 0x00FD frames in the
# L2TP packets; the client hanging up, the server ending and kpptpd killed
# (-9) each leave no call and no L2TP session on the gateway; a session
# used once serves the next call (the far end restarts its pppd); "allow"
# reads CHAP before it bridges to a session too; a rule naming a tunnel
# that does not exist refuses the call with the reason logged; another
# tunnel's Ethernet session with an ID of the range is skipped (L2TPv3
# session IDs are per namespace; needs l2tp_eth, which the debug kernel
# lacks).
#
#	n1 (client)        n2 (gateway)                         n3 (server)
#	pptp-linux+pppd -- kpptpd, no pppd ----- L2TPv3/UDP ---- pppd x3
#	10.0.0.1      10.0.0.2 | 10.0.1.2  tunnel 10 <-> 20     10.0.1.3
#	phone 5551234   sessions 100-101 <-> 200-201            pppol2tp.so
#	phone 888       session 102 <-> 202, allow alice
#	phone 777       tunnel 99 (none)
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/relay-lib.sh"
modprobe ppp_mppe || fail "no ppp_mppe module"
modprobe l2tp_ppp || fail "no l2tp_ppp module"
modprobe l2tp_netlink || fail "no l2tp_netlink module"

setup_relay_chain 1
# the gateway's firewall lets the tunnel's UDP in from the server only
n2 nft add rule inet relay_fw input ip saddr 10.0.1.3 udp dport 1701 accept
n2 ip l2tp add tunnel tunnel_id 10 peer_tunnel_id 20 encap udp \
	local 10.0.1.2 remote 10.0.1.3 udp_sport 1701 udp_dport 1701
n3 ip l2tp add tunnel tunnel_id 20 peer_tunnel_id 10 encap udp \
	local 10.0.1.3 remote 10.0.1.2 udp_sport 1701 udp_dport 1701
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' 'alice srv "l2tp-S3cret" *' >/etc/ppp/chap-secrets
_relay_behind n3	# 10.9.9.9 and iperf3 behind the server

# server SESSION PEER LOCAL:REMOTE: pppd on static session SESSION of
# tunnel 20; passive: it waits for the client's LCP however long it takes.
# Its socket, and so the session, goes when pppd exits: a far end that
# serves call after call on a session runs its PPP peer in a loop, as
# server 200 does here (respawn SESSION ...; stopped by the file
# $TMP/stop-sSESSION).
server() {
	mppe_server_options srv "s$1" >"$TMP/options.s$1"
	n3 "$KPPTP_BUILD/l2tp-ppp" 20 "$1" "$2" pppd plugin pppol2tp.so \
		pppol2tp 3 file "$TMP/options.s$1" passive nodetach "$3" \
		>>"$TMP/pppd-s$1.out" 2>&1 &
	wait_for "grep -q 'Using interface' '$TMP/pppd-s$1.log'" 10 ||
		kpptpd_fail "the server's pppd on session $1 did not start: $(cat "$TMP/pppd-s$1.out")"
}
respawn() {
	mppe_server_options srv "s$1" >"$TMP/options.s$1"
	on_cleanup "touch '$TMP/stop-s$1'"
	(
		trap - ERR
		set +e
		until [ -e "$TMP/stop-s$1" ]; do
			n3 "$KPPTP_BUILD/l2tp-ppp" 20 "$1" "$2" pppd plugin pppol2tp.so \
				pppol2tp 3 file "$TMP/options.s$1" passive nodetach "$3" \
				>>"$TMP/pppd-s$1.out" 2>&1
			sleep 0.2
		done
	) &
	wait_for "grep -q 'Using interface' '$TMP/pppd-s$1.log'" 10 ||
		kpptpd_fail "the server's pppd on session $1 did not start: $(cat "$TMP/pppd-s$1.out")"
}
respawn 200 100 192.168.30.1:192.168.30.10
server 201 101 192.168.30.2:192.168.30.11
server 202 102 192.168.30.3:192.168.30.12
server 401 301 192.168.30.4:192.168.30.13
relay_gateway n2 gw 10.0.0.2 \
	"relay phone 5551234 to l2tpv3 tunnel 10 session 100-101 peer-session 200" \
	"relay phone 888 to l2tpv3 tunnel 10 session 102 peer-session 202 allow alice" \
	"relay phone 777 to l2tpv3 tunnel 99 session 1 peer-session 1" \
	"relay phone 555 to l2tpv3 tunnel 10 session 300-301 peer-session 400"
gw() { relay_ctl gw "$@"; }
# at start, a rule whose tunnel does not exist is named; the others not
wait_for "grep -q 'relay to l2tpv3 tunnel 99: no such tunnel yet' '$TMP/kpptpd-gw.log'" 10 ||
	kpptpd_fail "kpptpd did not warn at start about tunnel 99: $(head -c 3000 "$TMP/kpptpd-gw.log")"
! grep -q 'relay to l2tpv3 tunnel 10:' "$TMP/kpptpd-gw.log" ||
	kpptpd_fail "kpptpd warned about tunnel 10, which exists: $(grep 'tunnel 10:' "$TMP/kpptpd-gw.log")"
pass "start: the rule naming a missing tunnel warned about, the others not"

# client TAG PHONE: pptp-linux + pppd in n1, alice to srv
client() {
	n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1 --phone $2" \
		name alice remotename srv require-mppe-128 refuse-eap refuse-pap \
		refuse-chap refuse-mschap noauth nodetach nodefaultroute \
		noipdefault novj mtu 1400 mru 1400 lcp-echo-interval 0 \
		ipparam "$1" logfile "$TMP/client-$1.log" debug >/dev/null 2>&1 &
}
sessions() { n2 ip l2tp show session | grep -c '^Session' || :; }
gw_clear() {
	[ "$(calls_in n2)" = 0 ] && [ "$(sessions)" = 0 ] &&
		[ -z "$(n2 ip -o link show type ppp)" ]
}

client one 5551234
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "no link through the gateway to session 200"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-s200.log" ||
	kpptpd_fail "no MPPE-128 at the server"
pppd_authenticated "$TMP/pppd-s200.log" alice || kpptpd_fail "server: alice not authenticated"
grep -q "spliced to session 100 of l2tpv3 tunnel 10 (peer session 200): answering" \
	"$TMP/kpptpd-gw.log" || kpptpd_fail "the gateway did not log the session"
relay_check_link
pass "MS-CHAPv2 and MPPE-128 end to end through the gateway to an L2TPv3 session; the server's addresses, ping, iperf3 $RELAY_MBPS Mbit/s"

for pid in $(ns_pids "$NS2"); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ] || kpptpd_fail "pppd runs on the gateway"
done
[ -z "$(n2 ip -o link show type ppp)" ] || kpptpd_fail "a ppp interface on the gateway"
gw -j conn show >"$TMP/gw.json"
cin=$(python3 - "$TMP/gw.json" <<'PY'
import json, sys
conns = json.load(open(sys.argv[1]))
assert len(conns) == 1 and conns[0]["role"] == "server", conns
k = conns[0]["calls"][0]
assert k["relay"] == "l2tpv3 tunnel 10" and k["relay_mode"] == "transparent", k
assert k["relay_l2tp_session"] == 100 and k["ppp"] == "relayed", k
print(k["kernel_call_id"])
PY
) || kpptpd_fail "conn show on the gateway: $(cat "$TMP/gw.json")"
gw conn show | grep -q "ppp relayed .* relay l2tpv3 tunnel 10 relay-mode transparent relay-session 100" ||
	kpptpd_fail "conn show text: $(gw conn show)"
pass "no pppd, no ppp interface and no connection to a next hop on the gateway; kpptpctl shows call $cin on session 100"

# a second client takes the next session; a third finds none free
client two 5551234
wait_link n1 ppp1 192.168.30.2 90 || kpptpd_fail "no link for the second client (session 201)"
n1 ping -q -c 3 -i 0.2 -W 3 -I ppp1 192.168.30.2 >/dev/null || kpptpd_fail "ping over the second session"
expect_eq "$(sessions)" 2 "L2TP sessions on the gateway"
client three 5551234
wait_for "grep -q 'relay to l2tpv3 tunnel 10: L2TP tunnel 10: sessions 100-101 all in use' '$TMP/kpptpd-gw.log'" 30 ||
	kpptpd_fail "a third client was not refused for want of a session"
wait_for "! pgrep -f 'ipparam three'" 30 || kpptpd_fail "the third client's pppd still runs"
expect_eq "$(calls_in n2)" 2 "kernel calls on the gateway (one per client: the next hop is a session)"
pass "two clients on sessions 100 and 101 at once; a third refused: sessions 100-101 all in use"

# what crosses to the server: L2TPv3 data, every frame encrypted
capture_start n2 right "$TMP/l2tp.pcap" 'udp port 1701'
n1 ping -q -c 40 -i 0.02 -W 2 -I ppp0 -p 5a5a1234cafe 192.168.30.1 >/dev/null ||
	kpptpd_fail "ping through the gateway"
capture_stop "$TMP/l2tp.pcap" 80
python3 "$KPPTP_SRC/tests/tools/l2tp-ppp-check.py" "$TMP/l2tp.pcap" --session 200 \
	--peer-session 100 --frames 80 --pattern 5a5a1234cafe | sed 's/^/# /' ||
	kpptpd_fail "capture on the gateway's L2TP side"
pass "only encrypted frames (0x00FD) in the L2TPv3 packets the gateway exchanges"

# the client hangs up: its call and session 100 go; the server's pppd
# ends on the client's LCP Terminate-Request, passed through
s200=$(pgrep -f 'options.s200 ')
pkill -f "ipparam one"
wait_for "[ \"\$(calls_in n2)\" = 1 ] && [ \"\$(sessions)\" = 1 ]" 15 ||
	kpptpd_fail "after the hang-up: calls $(calls_in n2), sessions $(n2 ip l2tp show session)"
n2 ip l2tp show session | grep -q "Session 101 in tunnel 10" ||
	kpptpd_fail "the wrong session went: $(n2 ip l2tp show session)"
wait_for "! kill -0 $s200" 15 || kpptpd_fail "the server's pppd on session 200 outlived the call"
pass "client hang-up: its call and session 100 gone from the gateway, the other pair untouched"

# the next client takes session 100 again, served by the far end's next pppd
client again 5551234
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "no link on session 100 the second time"
n1 ping -q -c 3 -i 0.2 -W 3 -I ppp0 192.168.30.1 >/dev/null || kpptpd_fail "ping over session 100 again"
[ "$(grep -c 'spliced to session 100 of l2tpv3 tunnel 10 (peer session 200)' "$TMP/kpptpd-gw.log")" = 2 ] ||
	kpptpd_fail "the second call did not get session 100"
pkill -f "ipparam again"
wait_for "[ \"\$(calls_in n2)\" = 1 ] && [ \"\$(sessions)\" = 1 ]" 15 ||
	kpptpd_fail "after the second hang-up: calls $(calls_in n2), sessions $(n2 ip l2tp show session)"
pass "a session used once serves the next call: session 100 again, to the far end's next pppd"

# the server ends the other: its LCP Terminate-Request reaches the client,
# which hangs up, and the gateway clears the rest
pkill -f "options.s201 "
wait_for gw_clear 20 ||
	kpptpd_fail "after the server ended: calls $(calls_in n2), sessions $(n2 ip l2tp show session)"
wait_for "! pgrep -f 'ipparam two'" 15 || kpptpd_fail "the client's pppd outlived the server's"
pass "server ending: the client hung up, no call and no L2TP session left on the gateway"

# "allow": CHAP read (alice allowed), then bridged to session 102
client allowed 888
wait_link n1 ppp0 192.168.30.3 90 || kpptpd_fail "no link through the allow rule"
grep -q 'CHAP name "alice" allowed: passed to l2tpv3 tunnel 10' "$TMP/kpptpd-gw.log" ||
	kpptpd_fail "the gateway did not read alice's name"
grep -q '"alice" authenticated at l2tpv3 tunnel 10: spliced to L2TP session 102' \
	"$TMP/kpptpd-gw.log" || kpptpd_fail "the gateway did not bridge after the Success"
n1 ping -q -c 3 -i 0.2 -W 3 192.168.30.3 >/dev/null || kpptpd_fail "ping over session 102"
pass "allow: alice's name read from CHAP, then bridged to session 102"

# kpptpd killed: its sockets close, and with them the calls and the session
kill -9 "$(cat "$TMP/kpptpd-gw.pid")"
wait_for gw_clear 15 ||
	kpptpd_fail "after kill -9: calls $(calls_in n2), sessions $(n2 ip l2tp show session)"
pass "kpptpd killed (-9): no call and no L2TP session left on the gateway"
touch "$TMP/stop-s200"
pkill -f "ipparam allowed" || :
pkill -f "options.s20[02] " || :
wait_for "! pgrep -f 'options.s20[0-2] |ipparam'" 20 || kpptpd_fail "pppd left: $(pgrep -af pppd)"

# a rule whose tunnel does not exist
start_kpptpd n2 "$TMP/gw.conf" kpptpd-gw
client notunnel 777
wait_for "grep -q 'relay to l2tpv3 tunnel 99: no L2TP tunnel 99 (ip l2tp add tunnel tunnel_id 99 ...)' '$TMP/kpptpd-gw.log'" 30 ||
	kpptpd_fail "the gateway did not log the missing tunnel"
wait_for "! pgrep -f 'ipparam notunnel'" 30 || kpptpd_fail "the client's pppd still runs"
wait_for gw_clear 10 || kpptpd_fail "left on the gateway: calls $(calls_in n2), sessions $(n2 ip l2tp show session)"
pass "no such tunnel: the client's call refused, the reason logged, nothing left"

# L2TPv3 session IDs are looked up per namespace: another tunnel's
# Ethernet session 300 is skipped, not fatal; the call gets 301
if modprobe l2tp_eth 2>/dev/null; then
	n2 ip l2tp add tunnel tunnel_id 30 peer_tunnel_id 30 encap udp \
		local 10.0.1.2 remote 10.0.1.3 udp_sport 1702 udp_dport 1702
	n2 ip l2tp add session tunnel_id 30 session_id 300 peer_session_id 300
	client other 555
	wait_link n1 ppp0 192.168.30.4 90 || kpptpd_fail "no link past another tunnel's session 300"
	grep -q "spliced to session 301 of l2tpv3 tunnel 10 (peer session 401)" "$TMP/kpptpd-gw.log" ||
		kpptpd_fail "the call did not get session 301"
	pkill -f "ipparam other"
	wait_for "[ \"\$(calls_in n2)\" = 0 ] && [ \"\$(sessions)\" = 1 ]" 15 ||
		kpptpd_fail "after the hang-up: calls $(calls_in n2), sessions $(n2 ip l2tp show session)"
	pass "another tunnel's Ethernet session 300 skipped: the call on session 301"
else
	echo "# no l2tp_eth module here: the case of another tunnel's session is not run"
fi

kill -TERM "$(cat "$TMP/kpptpd-gw.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd-gw.pid") 2>/dev/null" 20
no_calls_left n2
