#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two pptp-linux clients behind one NAT reach kpptpd at once: both control
# connections come from the NAT's address (the kernel's PPTP conntrack/NAT
# helper rewrites their call IDs), kpptpd gives each its own kernel call
# and pool address, and both links pass traffic at the same time.
#
#	$NS1 (clients)              $NS3 (NAT)                 $NS2 (server)
#	10.1.0.2, 10.1.0.3 -- 10.1.0.1 | masquerade, | 10.0.0.1 -- 10.0.0.2
#	ppp0, ppp1                     | pptp helper |            kpptpd
# timeout: 400
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_ns n1 n2 n3
veth_link "$NS1" lan1 10.1.0.2/24 "$NS3" lan3 10.1.0.1/24
ip -n "$NS1" addr add 10.1.0.3/24 dev lan1
veth_link "$NS3" wan3 10.0.0.1/24 "$NS2" veth2 10.0.0.2/24
ip -n "$NS1" route add default via 10.1.0.1
n3 sysctl -qw net.ipv4.ip_forward=1
modprobe nf_conntrack_pptp && modprobe nf_nat_pptp || fail "no PPTP conntrack/NAT helper"
n3 nft -f - <<'NFT'
table ip nat {
	ct helper pptp {
		type "pptp" protocol tcp
	}
	chain pre {
		type filter hook prerouting priority filter;
		tcp dport 1723 ct helper set "pptp"
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "wan3" masquerade
	}
}
NFT
wait_for "n1 ping -c 1 -W 1 10.0.0.2" 10 || fail "no route through the NAT"
pass "NAT in place"

kpptpd_conf >"$TMP/kpptpd.conf"
sed -i 's/^listen .*/listen 10.0.0.2/' "$TMP/kpptpd.conf"
start_kpptpd n2 "$TMP/kpptpd.conf"

# pptp-linux shares one control connection per server and local address:
# two local addresses make two clients
start_pptp_client n1 "10.0.0.2 --localbind 10.1.0.2" one unit 0
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "first client"
start_pptp_client n1 "10.0.0.2 --localbind 10.1.0.3" two unit 1
wait_link n1 ppp1 192.168.200.1 60 || kpptpd_fail "second client"
pass "both clients up"

calls=$(n2 "$CTL" -j call show)
python3 - "$calls" <<'PY' || kpptpd_fail "calls: $calls"
import json, sys
c = json.loads(sys.argv[1])
assert len(c) == 2, "two calls"
assert all(k["peer"] == "10.0.0.1" for k in c), "both from the NAT"
assert c[0]["id"] != c[1]["id"], "distinct IDs"
PY
[ "$(grep -c 'control connection up' "$TMP/kpptpd.log")" = 2 ] ||
	kpptpd_fail "expected two control connections"
pass "two control connections and kernel calls, both from 10.0.0.1"

a=$(n1 ip -4 -o addr show dev ppp0 | awk '{print $4}')
b=$(n1 ip -4 -o addr show dev ppp1 | awk '{print $4}')
[ "$a" != "$b" ] || kpptpd_fail "same pool address twice: $a"
n1 ping -q -c 10 -i 0.1 -W 2 -I ppp0 192.168.200.1 >/dev/null || kpptpd_fail "ping via ppp0"
n1 ping -q -c 10 -i 0.1 -W 2 -I ppp1 192.168.200.1 >/dev/null || kpptpd_fail "ping via ppp1"
pass "ping over both links ($a, $b)"

# both at once
n1 ping -q -c 30 -i 0.05 -W 2 -I ppp0 192.168.200.1 >"$TMP/p0" 2>&1 &
p0=$!
n1 ping -q -c 30 -i 0.05 -W 2 -I ppp1 192.168.200.1 >"$TMP/p1" 2>&1 &
p1=$!
wait "$p0" || kpptpd_fail "concurrent ping ppp0: $(cat "$TMP/p0")"
wait "$p1" || kpptpd_fail "concurrent ping ppp1: $(cat "$TMP/p1")"
pass "both links pass traffic at the same time"

pkill -TERM -f 'ipparam one' || true
wait_for "[ \$(n2 $CTL -j call show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') = 1 ]" 30 ||
	kpptpd_fail "first call not removed"
n1 ping -q -c 3 -i 0.2 -W 2 -I ppp1 192.168.200.1 >/dev/null || kpptpd_fail "second link broken by the first's end"
pass "one client leaves, the other stays up"
kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! pgrep -f 'kpptp_call '" 20
no_calls_left n2
