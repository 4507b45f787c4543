#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd as a transparent relay (issue 11): the gateway passes a client's
# call on to a kpptpd server and splices the two calls in the kernel (test
# 52's data path, set up by kpptpd now).  LCP, MS-CHAPv2 and MPPE-128 run
# between the stock pptp-linux client and the server's pppd.  Shown: the
# client gets the server's addresses and pings through; the gateway runs
# no pppd and has no ppp interface; kpptpctl on the gateway shows the pair
# and its counters move; only PPP 0x00FD frames cross the gateway; a
# client hang-up clears everything on the gateway and the server within
# 5 s, and so does the server ending the call; a call whose rule names a
# next hop that refuses TCP is refused, the gateway's log naming the hop
# and why, nothing left behind.
#
#	n1 (client)            n2 (gateway)                  n3 (server)
#	pptp-linux+pppd  ---- kpptpd, no pppd ---------------- kpptpd + pppd
#	10.0.0.1        10.0.0.2 | 10.0.1.2                    10.0.1.3
#	--phone 5551234   relay phone 5551234 to 10.0.1.3      pool 192.168.30.x
#	(no phone)        relay default to 10.0.1.3:1724 (nobody listens)
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
modprobe ppp_mppe || fail "no ppp_mppe module"

setup_gateway_chain	# no forwarding on n2: only the relay can carry PPP

# the server: a kpptpd that terminates calls, MS-CHAPv2 and MPPE-128
mppe_server_options srv server >"$TMP/options.srv"
cat >"$TMP/srv.conf" <<CONF
listen 10.0.1.3
localip 192.168.30.1
remoteip 192.168.30.10-20
option $TMP/options.srv
plugin $PLUGIN
state-file $TMP/srv.calls
CONF
# the gateway: its rules pass every call on, it terminates none
cat >"$TMP/gw.conf" <<CONF
listen 10.0.0.2
plugin $PLUGIN
state-file $TMP/gw.calls
connect-timeout 3
relay phone 5551234 to 10.0.1.3
relay default to 10.0.1.3:1724
CONF
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' 'alice srv "r3lay-S3cret" *' >/etc/ppp/chap-secrets
start_kpptpd n3 "$TMP/srv.conf" kpptpd-srv
start_kpptpd n2 "$TMP/gw.conf" kpptpd-gw
gw() { n2 "$CTL" -S "$TMP/kpptpd-gw.sock" "$@"; }
srv() { n3 "$CTL" -S "$TMP/kpptpd-srv.sock" "$@"; }

# start_pptp_client passes noccp; MPPE needs CCP: run pppd here
pptp_client() {
	local tag=$1 pptp_opts=$2
	shift 2
	n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1 $pptp_opts" \
		name alice remotename srv require-mppe-128 refuse-eap \
		refuse-pap refuse-chap refuse-mschap noauth nodetach \
		nodefaultroute noipdefault novj mtu 1400 mru 1400 \
		lcp-echo-interval 0 ipparam "$tag" \
		logfile "$TMP/client-$tag.log" debug "$@" >/dev/null 2>&1 &
}

pptp_client ok "--phone 5551234"
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "no link through the relay"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-ok.log" ||
	kpptpd_fail "client: no MPPE-128"
pppd_authenticated "$TMP/pppd-server.log" alice ||
	kpptpd_fail "server: alice not authenticated"
expect_eq "$(n1 ip -4 -o addr show dev ppp0 | awk '{ print $4, $6 }')" \
	"192.168.30.10 192.168.30.1/32" "client's addresses"
grep -q "relayed to 10.0.1.3:1723 (relay rule at line 5)" "$TMP/kpptpd-gw.log" ||
	kpptpd_fail "the gateway did not log the phone rule"
pass "MS-CHAPv2 and MPPE-128 end to end through the relay; the server's addresses"

for pid in $(ns_pids "$NS2"); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ] ||
		kpptpd_fail "pppd runs on the gateway"
done
[ -z "$(n2 ip -o link show type ppp)" ] || kpptpd_fail "a ppp interface on the gateway"
pass "no pppd and no ppp interface on the gateway"

# the pair as kpptpctl shows it: the client's call and ours at the server
gw -j conn show >"$TMP/gw-conns.json"
pair=$(python3 - "$TMP/gw-conns.json" <<'PY'
import json, sys
conns = json.load(open(sys.argv[1]))
assert len(conns) == 2, "%d connections" % len(conns)
by_role = {c["role"]: c for c in conns}
s, c = by_role["server"], by_role["client"]
assert c["peer"] == "10.0.1.3:1723", c["peer"]
a, b = s["calls"][0], c["calls"][0]
assert a["relay"] == b["relay"] == "10.0.1.3:1723", (a, b)
assert a["ppp"] == b["ppp"] == "relayed", (a, b)
assert a["relay_call_id"] == b["kernel_call_id"], (a, b)
assert b["relay_call_id"] == a["kernel_call_id"], (a, b)
assert "pppd_pid" not in a or a["pppd_pid"] is None, a
print(a["kernel_call_id"], b["kernel_call_id"])
PY
) || kpptpd_fail "conn show on the gateway: $(cat "$TMP/gw-conns.json")"
read -r cin cout <<<"$pair"
text=$(gw conn show)
grep -q "ppp relayed .* relay 10.0.1.3:1723 relay-mode transparent relay-call $cout" <<<"$text" ||
	kpptpd_fail "conn show text: $text"
pass "kpptpctl on the gateway: call $cin relayed to 10.0.1.3:1723, spliced to call $cout"

rx_in=$(call_field n2 "$cin" rx_packets)
tx_out=$(call_field n2 "$cout" tx_packets)
capture_start n2 veth3 "$TMP/cap.pcap" 'ip proto 47'
# a payload pattern that would show in cleartext
n1 ping -q -c 40 -i 0.02 -W 2 -p 5a5a1234cafe 192.168.30.1 >/dev/null ||
	kpptpd_fail "ping through the relay"
capture_stop "$TMP/cap.pcap" 80	# 40 frames each way
[ "$(call_field n2 "$cin" rx_packets)" -ge $((rx_in + 40)) ] &&
	[ "$(call_field n2 "$cout" tx_packets)" -ge $((tx_out + 40)) ] ||
	kpptpd_fail "gateway counters: call $cin rx $rx_in -> $(call_field n2 "$cin" rx_packets), call $cout tx $tx_out -> $(call_field n2 "$cout" tx_packets)"
pass "ping through the relay; the gateway's calls count it"

# every data frame PPP 0x00FD, no cleartext payload
python3 "$KPPTP_SRC/tests/tools/gre-ppp-check.py" "$TMP/cap.pcap" --gateway 10.0.1.2 \
	--frames 80 --pattern 5a5a1234cafe || kpptpd_fail "capture on the gateway"
pass "only encrypted frames (0x00FD) cross the gateway"

# Teardown times come from the daemons' own log lines: polling with
# kpptpctl and python3 under TCG takes a second or more a round.
# mark: note the time and where both logs end; teardown_ms: from then to
# the last line either kpptpd logged since (control clients aside).
mark() {
	t_mark=$(date +%T.%N)
	gwl=$(wc -l <"$TMP/kpptpd-gw.log")
	srvl=$(wc -l <"$TMP/kpptpd-srv.log")
}
teardown_ms() {
	{ tail -n +$((gwl + 1)) "$TMP/kpptpd-gw.log"
	  tail -n +$((srvl + 1)) "$TMP/kpptpd-srv.log"; } |
		grep -v 'control client' | python3 -c '
import sys
def ms(t):
    h, m, s = t.split(":")
    return (int(h) * 3600 + int(m) * 60 + float(s)) * 1000
t0 = ms(sys.argv[1])
print(int(max([ms(l.split()[0]) for l in sys.stdin if l[:2].isdigit()] + [t0]) - t0))' "$t_mark"
}

# the client hangs up: everything on the gateway and the server goes
gone() {
	[ "$(calls_in n2)" = 0 ] && [ "$(calls_in n3)" = 0 ] &&
		[ "$(gw -j conn show)" = "[]" ] && [ "$(srv -j conn show)" = "[]" ] &&
		! pgrep -f 'kpptp_call ' >/dev/null && ! pgrep -f 'ipparam ok' >/dev/null
}
mark
pkill -f "ipparam ok"
wait_for gone 15 ||
	kpptpd_fail "left 15 s after the hang-up: gateway calls $(calls_in n2) conns $(gw -j conn show), server calls $(calls_in n3) conns $(srv -j conn show), pppd $(pgrep -af 'kpptp_call |ipparam ok' || :)"
t=$(teardown_ms)
# 5 s, times the debug kernel's slowness
t_max=$((5000 * ${KPPTP_TIMEOUT_SCALE:-1}))
[ "$t" -lt "$t_max" ] || kpptpd_fail "client hang-up: the last teardown step on gateway or server came after $t ms"
pass "client hang-up: no call, pppd or connection left on gateway and server, the last step logged after $t ms"

# again, and this time the server ends the call: its pppd goes, its kpptpd
# sends a CDN to the gateway, the gateway one to the client
pptp_client again "--phone 5551234"
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "no link through the relay (again)"
# both hops within 5 s; the client's pppd, having acked the server's LCP
# Terminate-Request, waits a restart time (3 s, RFC 1661) on top, and
# pptp-linux keeps its control connection until pppd has gone
hops_clear() {
	[ "$(calls_in n2)" = 0 ] && [ "$(calls_in n3)" = 0 ] &&
		[ "$(srv -j conn show)" = "[]" ] &&
		gw -j conn show | python3 -c '
import json, sys
sys.exit(any(c["role"] == "client" or c.get("calls") for c in json.load(sys.stdin)))' &&
		! pgrep -f 'kpptp_call ' >/dev/null
}
mark
pkill -f 'kpptp_call '
wait_for hops_clear 15 ||
	kpptpd_fail "left 15 s after the server's pppd ended: gateway calls $(calls_in n2) conns $(gw -j conn show), server calls $(calls_in n3) conns $(srv -j conn show), pppd $(pgrep -af 'kpptp_call ' || :)"
t=$(teardown_ms)
wait_for "! pgrep -f 'ipparam again' && [ \"\$(gw -j conn show)\" = '[]' ]" 10 ||
	kpptpd_fail "the client's pppd or its connection outlived the call"
[ "$t" -lt "$t_max" ] || kpptpd_fail "server ending: the last teardown step on the hops came after $t ms"
# The server's pppd sends LCP Terminate-Request end to end as it goes, so
# the client may hang up (CCRQ) before the server's kpptpd has reaped that
# pppd and sent its CDN (on a debug kernel it does): the gateway then
# clears the next hop's call for the client's instead.  Either way one
# side's end cleared the other, which hops_clear showed.
tail -n +$((gwl + 1)) "$TMP/kpptpd-gw.log" >"$TMP/gw-since.log"
grep -qE "its pair [0-9]* at 10.0.1.3:1723 ended: clearing it|10.0.1.3:1723: call [0-9]*: the client's call [0-9]* ended: clearing it" \
	"$TMP/gw-since.log" || kpptpd_fail "the gateway cleared neither call for the other"
pass "server ends the call: the client's call cleared, nothing left on either hop, the last step logged after $t ms"

# no phone number: the default rule's next hop refuses TCP
pptp_client nohop ""
wait_for "grep -q 'relay to 10.0.1.3:1724: connect: Connection refused' '$TMP/kpptpd-gw.log'" 30 ||
	kpptpd_fail "the gateway's log does not name the hop and the reason"
wait_for "! pgrep -f 'ipparam nohop'" 30 || kpptpd_fail "the client's pppd still runs"
wait_for "[ \"\$(gw -j conn show)\" = '[]' ]" 10 ||
	kpptpd_fail "connections left on the gateway: $(gw -j conn show)"
no_calls_left n2 n3
grep -m 1 "relay to 10.0.1.3:1724" "$TMP/kpptpd-gw.log" | sed 's/^/# /'
pass "next hop refusing TCP: the client's call refused, the hop and reason logged, nothing left"

kill -TERM "$(cat "$TMP/kpptpd-gw.pid")" "$(cat "$TMP/kpptpd-srv.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd-gw.pid") 2>/dev/null" 20
no_calls_left n2 n3
