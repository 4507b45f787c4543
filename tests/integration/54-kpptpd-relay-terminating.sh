#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd as a terminating relay (issue 11, part 1): the gateway's pppd
# authenticates the client (MS-CHAPv2, MPPE-128), kpptpd looks the name up
# in its relay list and logs in at the next hop as the entry says (a pppd
# of its own, the secret through passwordfd.so from a pipe), the client's
# IPCP waits (kpptp_hold_ipcp) and then gets the addresses the final
# server gave, and policy routing joins the two ppp interfaces.  All with
# stock Debian pppd.  Shown: the client has the server's pair and pings the
# server and a host behind it; the gateway holds none of those addresses,
# only its two rules and tables; the secret is on no command line;
# kpptpctl shows the pair; hang-up at the client and at the server clears
# both hops and the routing (the time is reported); an unknown realm, a refused
# next-hop login and an unreachable next hop each fail the client's login
# with a log line naming the hop and the reason, nothing left behind; so
# does a next hop that takes the connection and never answers, after
# relay-login-timeout (set to 3 s by a reload).  The client's IPCP starts
# as soon as the next hop's is Opened, while the gateway's pppd still runs
# its ip-pre-up script, and meanwhile its packets go nowhere.
#
#	n1 (client)           n2 (gateway)                   n3 (server)
#	pptp-linux+pppd ---- kpptpd + pppd x2 ----------------- kpptpd + pppd
#	10.0.0.1       10.0.0.2 | 10.0.1.2                      10.0.1.3
#	alice@dept        relay-list: alice@dept -> alice        pool 192.168.30.x
#	                  at 10.0.1.3                            dummy 10.9.9.9
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/relay-lib.sh"
modprobe ppp_mppe || fail "no ppp_mppe module"

setup_gateway_chain	# no forwarding on n2 but what the relay switches on
n3 ip link add dummy9 type dummy
n3 ip addr add 10.9.9.9/32 dev dummy9
n3 ip link set dummy9 up

mppe_server_options srv >"$TMP/options.srv"
mppe_server_options gw >"$TMP/options.gw"
cat >"$TMP/srv.conf" <<CONF
listen 10.0.1.3
localip 192.168.30.1
remoteip 192.168.30.10-20
option $TMP/options.srv
plugin $PLUGIN
state-file $TMP/srv.calls
CONF
# the gateway's own pool is for users it serves itself: a relayed user
# gets the server's pair instead
cat >"$TMP/gw.conf" <<CONF
listen 10.0.0.2
localip 172.31.0.1
remoteip 172.31.0.10-20
option $TMP/options.gw
plugin $PLUGIN
state-file $TMP/gw.calls
connect-timeout 3
relay-list $TMP/relay-list
CONF
install -m 600 /dev/null "$TMP/relay-list"
cat >"$TMP/relay-list" <<LIST
# name@realm    next hop        name there  secret there
defaults require-mppe-128 refuse-eap refuse-pap refuse-chap refuse-mschap novj mtu 1400 mru 1400 lcp-echo-interval 0 debug logfile $TMP/pppd-gw-out.log
alice@dept      10.0.1.3        alice       "srv S3cret"
carol@dept      10.0.1.3        carol       wrong-secret
dave@dead       10.0.1.3:1724   dave        x
LIST
install -m 600 /dev/null /etc/ppp/chap-secrets
cat >/etc/ppp/chap-secrets <<SECRETS
"alice@dept" gw "gw-S3cret" *
"bob@nowhere" gw "bob" *
"carol@dept" gw "carol" *
"dave@dead" gw "dave" *
alice srv "srv S3cret" *
carol srv "carol-at-srv" *
SECRETS
start_kpptpd n3 "$TMP/srv.conf" kpptpd-srv
start_kpptpd n2 "$TMP/gw.conf" kpptpd-gw
gw() { n2 "$CTL" -S "$TMP/kpptpd-gw.sock" "$@"; }
srv() { n3 "$CTL" -S "$TMP/kpptpd-srv.sock" "$@"; }

client() {
	local tag=$1 user=$2
	n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1" \
		name "$user" remotename gw require-mppe-128 refuse-eap \
		refuse-pap refuse-chap refuse-mschap noauth nodetach \
		nodefaultroute noipdefault novj mtu 1400 mru 1400 \
		lcp-echo-interval 0 ipparam "$tag" \
		logfile "$TMP/client-$tag.log" debug >/dev/null 2>&1 &
}
# the rules of route.c: tables from 65536 up
gw_rules() { n2 ip rule show | grep -c 'lookup [0-9]\{5,\}' || :; }
nothing_left() {
	[ "$(calls_in n2)" = 0 ] && [ "$(calls_in n3)" = 0 ] &&
		[ "$(gw -j conn show)" = "[]" ] && [ "$(srv -j conn show)" = "[]" ] &&
		[ "$(gw_rules)" = 0 ] && ! pgrep -x pppd >/dev/null
}

client ok alice@dept
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "no link through the relay"
expect_eq "$(n1 ip -4 -o addr show dev ppp0 | awk '{ print $4, $6 }')" \
	"192.168.30.10 192.168.30.1/32" "client's addresses"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-ok.log" ||
	kpptpd_fail "client: no MPPE-128 with the gateway"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/pppd-gw-out.log" ||
	kpptpd_fail "gateway: no MPPE-128 with the server"
pppd_authenticated "$TMP/pppd-srv.log" alice ||
	kpptpd_fail "server: alice not authenticated"
grep -q 'user "alice@dept": relayed to 10.0.1.3:1723 as "alice" (relay-list line 3)' \
	"$TMP/kpptpd-gw.log" || kpptpd_fail "the gateway did not log the relay"
pass "alice@dept logs in at the gateway, the gateway as alice at the server; the client has the server's addresses"

n1 ip route add 10.9.9.9/32 dev ppp0
n1 ping -q -c 5 -i 0.2 -W 3 192.168.30.1 >/dev/null || kpptpd_fail "ping the server's address"
n1 ping -q -c 5 -i 0.2 -W 3 10.9.9.9 >/dev/null || kpptpd_fail "ping a host behind the server"
[ -z "$(n2 ip -4 -o addr show | grep 192.168.30)" ] ||
	kpptpd_fail "the gateway holds the relayed addresses: $(n2 ip -4 -o addr show)"
expect_eq "$(gw_rules)" 2 "policy rules on the gateway"
! pgrep -af pppd | grep -q "S3cret" || kpptpd_fail "a secret on a command line"
pass "ping the server and a host behind it; the gateway holds none of the addresses, 2 rules"

gw -j conn show >"$TMP/gw-conns.json"
python3 - "$TMP/gw-conns.json" <<'PY' || kpptpd_fail "conn show on the gateway: $(cat "$TMP/gw-conns.json")"
import json, sys
conns = json.load(open(sys.argv[1]))
by_role = {c["role"]: c for c in conns}
a, b = by_role["server"]["calls"][0], by_role["client"]["calls"][0]
assert a["relay_mode"] == b["relay_mode"] == "terminating", (a, b)
assert a["relay_user"] == "alice" and a["user"] == "alice@dept", a
assert a["ppp"] == b["ppp"] == "up", (a, b)
assert a["relay_call_id"] == b["kernel_call_id"], (a, b)
assert a["ifname"] != b["ifname"], (a, b)
PY
pass "kpptpctl on the gateway shows the pair"

mark() { t_mark=$(date +%s%N); }
since_ms() { echo $((($(date +%s%N) - t_mark) / 1000000)); }
mark
pkill -f "ipparam ok"
wait_for nothing_left 15 ||
	kpptpd_fail "left after the client's hang-up: gateway calls $(calls_in n2) conns $(gw -j conn show), server calls $(calls_in n3), rules $(gw_rules), pppd $(pgrep -af pppd || :)"
t=$(since_ms)
pass "client hang-up: both hops and the routing cleared (seen after $t ms)"

client again alice@dept
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "no link through the relay (again)"
wait_for "[ \"\$(gw_rules)\" = 2 ]" 10 || kpptpd_fail "no rules the second time"
mark
for pid in $(ns_pids "$NS3"); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != pppd ] || kill "$pid"
done
wait_for nothing_left 15 ||
	kpptpd_fail "left after the server's pppd ended: gateway calls $(calls_in n2), server calls $(calls_in n3), rules $(gw_rules), pppd $(pgrep -af pppd || :)"
t=$(since_ms)
pass "server ends the call: the gateway's pair and the client cleared (seen after $t ms)"

# failures: the client's login fails, the gateway says why, nothing stays
refused() {
	local tag=$1 user=$2 line=$3
	client "$tag" "$user"
	wait_for "grep -qF '$line' '$TMP/kpptpd-gw.log'" 60 ||
		kpptpd_fail "$tag: the gateway's log lacks: $line"
	wait_for "! pgrep -f 'ipparam $tag'" 30 || kpptpd_fail "$tag: the client's pppd still runs"
	wait_for nothing_left 15 ||
		kpptpd_fail "$tag: left behind: gateway calls $(calls_in n2), server calls $(calls_in n3), rules $(gw_rules), pppd $(pgrep -af pppd || :)"
	! grep -q "local  IP address" "$TMP/client-$tag.log" ||
		kpptpd_fail "$tag: the client got addresses"
	grep -F "$line" "$TMP/kpptpd-gw.log" | head -1 | sed 's/^/# /'
}
refused realm bob@nowhere 'user "bob@nowhere": no relay-list entry for its realm'
pass "unknown realm: refused, logged, nothing left"
refused login carol@dept 'relay of user "carol@dept" to 10.0.1.3:1723 failed: the next hop refused the login of "carol"'
pass "next hop refuses the login: the client's fails, logged, nothing left"
refused dead dave@dead 'relay of user "dave@dead" to 10.0.1.3:1724 failed: connect: Connection refused'
pass "next hop unreachable: the client's login fails, logged, nothing left"

# reload: a broken list keeps the one in use, a new one leaves the live
# pair alone and applies to the next login
client live alice@dept
wait_link n1 ppp0 192.168.30.1 90 || kpptpd_fail "no link for the reload"
chmod 644 "$TMP/relay-list"
! gw daemon reload 2>"$TMP/reload.err" || kpptpd_fail "a world-readable relay list was taken"
grep -q "holds secrets but its mode is 0644: chmod 600 it" "$TMP/reload.err" ||
	kpptpd_fail "reload error: $(cat "$TMP/reload.err")"
install -m 600 /dev/null "$TMP/relay-list"
echo 'carol@lab 10.0.1.3 carol x' >"$TMP/relay-list"
gw daemon reload || kpptpd_fail "reload with a good list"
n1 ping -q -c 3 -i 0.2 -W 3 192.168.30.1 >/dev/null || kpptpd_fail "the live pair broke on reload"
expect_eq "$(gw_rules)" 2 "policy rules after the reload"
pkill -f "ipparam live"
wait_for nothing_left 15 || kpptpd_fail "left after the reload test's hang-up"
refused gone alice@dept 'user "alice@dept": no relay-list entry for its realm'
pass "reload: a bad list refused, the live pair untouched, the new list used for the next login"

# a next hop that takes the TCP connection and says nothing: the login
# fails after relay-login-timeout (the control connection's own handshake
# timeout, 10 s, would come later)
n3 python3 -c 'import socket, time
s = socket.create_server(("10.0.1.3", 1725))
time.sleep(600)' &
wait_for "n3 ss -ltn | grep -q '10.0.1.3:1725 '" 10 || kpptpd_fail "no silent listener"
echo "relay-login-timeout 3" >>"$TMP/gw.conf"
echo '"erin@mute" gw "erin" *' >>/etc/ppp/chap-secrets
echo 'erin@mute 10.0.1.3:1725 erin x' >"$TMP/relay-list"
gw daemon reload || kpptpd_fail "reload with relay-login-timeout 3"
refused mute erin@mute 'relay of user "erin@mute" to 10.0.1.3:1725 failed: the link through the next hop was not up within 3 s (relay-login-timeout)'
pass "a silent next hop: the client's login fails after relay-login-timeout (3 s), logged, nothing left"

# The client's IPCP starts when the next hop's reaches Opened (kpptp.so's
# ipcp_up report), not after the gateway's pppd has run its ip-pre-up
# script: with that script held on the gateway's link to the server until
# the test releases it, the client has its addresses and its link up
# meanwhile, and its packets go nowhere (not to the gateway, which pppd
# gave the server's address) until the pair is routed.
slow=/etc/ppp/ip-pre-up.d/kpptp-test-slow-hop
on_cleanup "rm -f $slow"
cat >"$slow" <<SLOW
#!/bin/sh
[ "\$6" = slowhop ] || exit 0
echo start >>$TMP/slow-hop
i=0
while [ ! -e $TMP/slow-hop-go ] && [ \$i -lt 600 ]; do
	sleep 0.1
	i=\$((i + 1))
done
echo end >>$TMP/slow-hop
SLOW
chmod 755 "$slow"
install -m 600 /dev/null "$TMP/relay-list"
cat >"$TMP/relay-list" <<LIST
defaults require-mppe-128 refuse-eap refuse-pap refuse-chap refuse-mschap novj mtu 1400 mru 1400 lcp-echo-interval 0 ipparam slowhop
alice@dept      10.0.1.3        alice       "srv S3cret"
LIST
sed -i "s/^relay-login-timeout 3\$/relay-login-timeout $((120 * ${KPPTP_TIMEOUT_SCALE:-1}))/" "$TMP/gw.conf"
gw daemon reload || kpptpd_fail "reload with the slow hop's list"
client early alice@dept
wait_for "[ -s $TMP/slow-hop ]" 60 || kpptpd_fail "the gateway's ip-pre-up did not run"
# up: pppd set the address, ran the client's own ip-pre-up, set ppp0 up
wait_for "n1 ip -o link show dev ppp0 | grep -q LOWER_UP && n1 ip -4 route show dev ppp0 | grep -q '^192.168.30.1 '" 30 ||
	kpptpd_fail "the client's IPCP waited for the gateway's ip-pre-up script"
# the gateway's side of the client is up once its own pppd's ip-pre-up
# (not held) has run: one rule, to nowhere
wait_for "[ \"\$(gw_rules)\" = 1 ]" 10 ||
	kpptpd_fail "policy rules while the next hop's side is not up: $(gw_rules), not 1"
! n1 ping -c 1 -W 1 -I ppp0 192.168.30.1 >/dev/null 2>&1 ||
	kpptpd_fail "a ping from the client was answered while the pair was not routed"
# (the next hop's side has the client's address until it is up, as
# before: pppd sets it before the script)
! n2 ip -4 -o addr show | grep -q 'inet 192.168.30.1 ' ||
	kpptpd_fail "the gateway holds the server's address while the pair waits: $(n2 ip -4 -o addr show)"
! grep -q end "$TMP/slow-hop" ||
	kpptpd_fail "the held ip-pre-up script ended before these checks (60 s cap)"
pass "the client's IPCP is up while the gateway's ip-pre-up script runs; its packets go nowhere meanwhile"
touch "$TMP/slow-hop-go"
wait_for "grep -q end $TMP/slow-hop" 20 || kpptpd_fail "the held script did not end"
wait_for "[ \"\$(gw_rules)\" = 2 ]" 10 || kpptpd_fail "the pair was not routed after the script"
n1 ping -q -c 3 -i 0.2 -W 3 192.168.30.1 >/dev/null || kpptpd_fail "ping the server once the pair is routed"
pkill -f "ipparam early"
wait_for nothing_left 15 || kpptpd_fail "left after the slow hop's hang-up: rules $(gw_rules), pppd $(pgrep -af pppd || :)"
pass "then the pair is routed and carries pings; the hang-up clears it"

kill -TERM "$(cat "$TMP/kpptpd-gw.pid")" "$(cat "$TMP/kpptpd-srv.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd-gw.pid") 2>/dev/null" 20
no_calls_left n2 n3
