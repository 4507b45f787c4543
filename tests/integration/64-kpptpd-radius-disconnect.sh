#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RADIUS Disconnect-Messages (RFC 5176): kpptpd with radius-dm-listen and
# radius-dm-client, users from FreeRADIUS (radius-lib.sh), requests sent
# with FreeRADIUS's radclient and, for what radclient cannot send (broken
# packets, a chosen source address, a retransmission),
# tests/tools/radius-dm.py.
#  - kpptpd refuses a kpptpd.conf with DM secrets that others may read.
#  - Sessions found by Acct-Session-Id (alice), Framed-IP-Address (bob),
#    User-Name + Calling-Station-Id + NAS-Port + NAS-IP-Address (carol):
#    Disconnect-ACK,
#    the client's link goes down, accounting Stop with Admin-Reset
#    (User-Request with pppd 2.4, Debian 12: its radius.so says so).
#  - No such session: Disconnect-NAK, Error-Cause 503; an attribute we do
#    not know: 401; none that names a session: 402; another NAS's address:
#    403; a CoA-Request: CoA-NAK 406.  Each leaves the session up.
#  - Dropped, unanswered, logged and counted, the session up: a wrong
#    secret, an unknown client address, malformed packets, an
#    Event-Timestamp from long ago (a replay).  A retransmission gets the
#    first answer again.
#
#	$NS1 10.0.0.1                 $NS2 10.0.0.2
#	pppd + pptp-linux clients --> kpptpd, DM on 127.0.0.1:3799; FreeRADIUS
# timeout: 600
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/radius-lib.sh"
DM=$KPPTP_SRC/tests/tools/radius-dm.py
DM_SECRET=dm-S3cret-x9
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

radius_setup
radius_users <<'EOF'
alice	Cleartext-Password := "s3cret-Pa55"
	Framed-IP-Address = 192.168.200.77
bob	Cleartext-Password := "b0b-Pa55"
	Framed-IP-Address = 192.168.200.78
carol	Cleartext-Password := "car0l-Pa55"
	Framed-IP-Address = 192.168.200.79
EOF
radius_start n2
radius_client_conf >"$TMP/radiusclient.conf"

kpptpd_conf "radius-config $TMP/radiusclient.conf" "ipv6 off" \
	"radius-dm-listen 127.0.0.1" "radius-dm-client 127.0.0.1 $DM_SECRET" \
	>"$TMP/kpptpd.conf"
mppe_server_options kpptpd server >"$TMP/options.kpptpd"
install -m 600 /dev/null /etc/ppp/chap-secrets
chmod 644 "$TMP/kpptpd.conf"
out=$(n2 "$KPPTPD" -t -c "$TMP/kpptpd.conf" 2>&1) && fail "kpptpd took a world-readable file with secrets"
[[ $out == *"holds RADIUS secrets (radius-dm-client) but others may read it: chmod 600"* ]] ||
	fail "wrong message: $out"
chmod 600 "$TMP/kpptpd.conf"
start_kpptpd n2 "$TMP/kpptpd.conf"
grep -q "RADIUS Disconnect-Messages: listening on 127.0.0.1 UDP port 3799 (1 client)" "$TMP/kpptpd.log" ||
	kpptpd_fail "DM not listening"
pass "kpptpd.conf with DM secrets: refused at mode 644, listening at 600"

# expect_eq, with kpptpd's and pppd's logs when it fails
expect() { [ "$1" = "$2" ] || kpptpd_fail "$3: got '$1', expected '$2'"; }
# radclient CODE ATTRS...: its answer's lines ("Received ..." and the
# attributes); up to 3 more tries 5 s apart, a retransmission each
rc() {
	local code=$1
	shift
	printf '%s\n' "$@" | n2 radclient -x -r 3 -t 5 127.0.0.1:3799 "$code" "$DM_SECRET" 2>&1 || true
}
dm() { n2 python3 "$DM" 127.0.0.1:3799 "$DM_SECRET" "$@"; }
still_up() {
	local t
	for t in "$@"; do
		[ -n "$(client_pid "$t")" ] || kpptpd_fail "client $t went down"
	done
}
stat_of() { kctl -j daemon show | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

client a alice s3cret-Pa55
up a 192.168.200.77
a_sid=$sid
client b bob b0b-Pa55
up b 192.168.200.78
b_sid=$sid
client c carol car0l-Pa55
up c 192.168.200.79
c_sid=$sid
wait_for "[ \"\$(acct_count Acct-Status-Type=Start)\" = 3 ]" 30 || kpptpd_fail "no Start for the three"
a_acct=$(acct_get Acct-Session-Id User-Name=alice Acct-Status-Type=Start)

# ---- answered with a NAK, nothing disconnected
out=$(rc disconnect 'User-Name = "nobody"')
[[ $out == *"Received Disconnect-NAK"* && $out == *"Error-Cause = Session-Context-Not-Found"* ]] ||
	kpptpd_fail "unknown user: $out"
out=$(rc disconnect 'User-Name = "alice"' 'Framed-IP-Address = 192.168.200.78')
[[ $out == *"Error-Cause = Session-Context-Not-Found"* ]] ||
	kpptpd_fail "alice at bob's address: $out"
out=$(rc disconnect 'User-Name = "alice"' 'Filter-Id = "x"')
[[ $out == *"Error-Cause = Unsupported-Attribute"* ]] || kpptpd_fail "Filter-Id: $out"
out=$(rc disconnect 'Event-Timestamp = "'"$(date +%s)"'"')
[[ $out == *"Error-Cause = Missing-Attribute"* ]] || kpptpd_fail "no session attribute: $out"
out=$(rc disconnect 'User-Name = "alice"' 'NAS-IP-Address = 192.0.2.1')
[[ $out == *"Error-Cause = NAS-Identification-Mismatch"* ]] || kpptpd_fail "another NAS: $out"
out=$(rc coa 'User-Name = "alice"' 'Session-Timeout = 10')
[[ $out == *"Received CoA-NAK"* && $out == *"Error-Cause = Unsupported-Extension"* ]] ||
	kpptpd_fail "CoA: $out"
# Proxy-State comes back; an address is 4 bytes; a Message-Authenticator
# is checked
out=$(dm --ma --id 9 1=nobody 33=hop1 33=hop2)
expect "$out" "42 9 Error-Cause=503 Proxy-State=hop1 Proxy-State=hop2 VALID" "NAK with Proxy-States"
expect "$(dm --id 10 1=alice 8=0x0102)" "42 10 Error-Cause=407 VALID" "3-byte address"
still_up a b c
pass "NAK: no such session 503, unknown attribute 401, no session named 402, other NAS 403, bad value 407, CoA 406; Proxy-State echoed"

# ---- dropped: no answer, a log line, counted
d0=$(stat_of dm_dropped_bad_authenticator)
expect "$(n2 python3 "$DM" --timeout 1 127.0.0.1:3799 wrong-secret 1=alice)" TIMEOUT "wrong secret"
grep -q "dropped: from 127.0.0.1 ID [0-9]*: authenticator wrong" "$TMP/kpptpd.log" || kpptpd_fail "no log line for a wrong secret"
expect "$(stat_of dm_dropped_bad_authenticator)" $((d0 + 1)) "bad_authenticator count"
sleep 1.1	# one log line a second
expect "$(dm --timeout 1 --source 127.0.0.2 1=alice)" TIMEOUT "unknown client"
grep -q "dropped: from 127.0.0.2, not a radius-dm-client" "$TMP/kpptpd.log" || kpptpd_fail "no log line for an unknown client"
sleep 1.1
expect "$(dm --timeout 1 --bad-length 400 1=alice)" TIMEOUT "Length past the datagram"
grep -q "dropped: from 127.0.0.1: Length field out of range" "$TMP/kpptpd.log" || kpptpd_fail "no log line for a bad length"
expect "$(dm --timeout 1 --raw 28)" TIMEOUT "one byte"
expect "$(dm --timeout 1 --ma --raw 2801001800000000000000000000000000000000500400)" TIMEOUT "short Message-Authenticator"
expect "$(dm --timeout 1 --code 4 1=alice)" TIMEOUT "Accounting-Request"
sleep 1.1
expect "$(dm --timeout 1 1=alice "55=int:$(($(date +%s) - 3600))")" TIMEOUT "old Event-Timestamp"
grep -q "Event-Timestamp 3[0-9]* s off our clock (a replay?)" "$TMP/kpptpd.log" || kpptpd_fail "no log line for a replay"
expect "$(stat_of dm_dropped_malformed) $(stat_of dm_dropped_unknown_client) $(stat_of dm_dropped_stale_timestamp) $(stat_of dm_dropped_not_a_request)" \
	"3 1 1 1" "drop counters"
still_up a b c
pass "dropped and counted: wrong secret, unknown client, malformed (3), not a request, an hour-old Event-Timestamp"

# ---- disconnected: by Acct-Session-Id, Framed-IP-Address, the rest
# as a RADIUS server sends it, the user with the session (pppd 2.4's
# Acct-Session-Id is the time alone: see radius-lib.sh)
out=$(rc disconnect "Acct-Session-Id = \"$a_acct\"" 'User-Name = "bob"')
[[ $out == *"Error-Cause = Session-Context-Not-Found"* ]] || kpptpd_fail "alice's session, bob's name: $out"
out=$(rc disconnect "Acct-Session-Id = \"$a_acct\"" 'User-Name = "alice"' "Event-Timestamp = \"$(date +%s)\"")
[[ $out == *"Received Disconnect-ACK"* ]] || kpptpd_fail "alice by Acct-Session-Id: $out"
wait_for "[ -z \"\$(client_pid a)\" ]" 30 || kpptpd_fail "alice still up"
admin=Admin-Reset
[ -z "$PPPD24" ] || admin=User-Request
wait_for "[ \"\$(acct_get Acct-Terminate-Cause User-Name=alice Acct-Status-Type=Stop)\" = $admin ]" 30 ||
	kpptpd_fail "alice: Stop $(acct User-Name=alice Acct-Status-Type=Stop)"
grep -q "RADIUS Disconnect-Request from 127.0.0.1 ID [0-9]*: disconnecting call $a_sid: ACK" "$TMP/kpptpd.log" ||
	kpptpd_fail "no log line for alice's disconnect"
still_up b c
pass "Acct-Session-Id $a_acct (and User-Name): ACK, alice's call $a_sid gone, Stop $admin"

# a retransmission: the same answer, twice, one disconnect
out=$(dm --twice --ma --id 77 8=ip:192.168.200.78)
expect "$(echo "$out" | sort -u | wc -l) $(echo "$out" | head -n 1)" "1 41 77 VALID" "bob by Framed-IP-Address, sent twice"
grep -q "ID 77: a retransmission, answered as before" "$TMP/kpptpd.log" || kpptpd_fail "no log line for the retransmission"
wait_for "[ -z \"\$(client_pid b)\" ]" 30 || kpptpd_fail "bob still up"
wait_for "[ \"\$(acct_get Acct-Terminate-Cause User-Name=bob Acct-Status-Type=Stop)\" = $admin ]" 30 ||
	kpptpd_fail "bob: Stop $(acct User-Name=bob Acct-Status-Type=Stop)"
still_up c
pass "Framed-IP-Address: ACK; its retransmission answered the same, once disconnected"

# with the NAS-IP-Address radius.so sent: this NAS
nas_ip=$(acct_get NAS-IP-Address User-Name=carol Acct-Status-Type=Start)
out=$(rc disconnect 'User-Name = "carol"' 'Calling-Station-Id = "10.0.0.1"' "NAS-Port = $c_sid" "NAS-IP-Address = $nas_ip")
[[ $out == *"Received Disconnect-ACK"* ]] || kpptpd_fail "carol: $out"
wait_for "[ -z \"\$(client_pid c)\" ]" 30 || kpptpd_fail "carol still up"
wait_for "[ \"\$(acct_get Acct-Terminate-Cause User-Name=carol Acct-Status-Type=Stop)\" = $admin ]" 30 ||
	kpptpd_fail "carol: Stop"
wait_for "[ \"\$(n2 $CTL -j call show)\" = '[]' ]" 20 || kpptpd_fail "calls left: $(n2 "$CTL" call show)"
expect "$(stat_of dm_acks) $(stat_of dm_disconnected)" "3 3" "ACKs (a retransmission's not counted again) and sessions disconnected"
pass "User-Name + Calling-Station-Id + NAS-Port $c_sid + NAS-IP-Address $nas_ip: ACK, Stop $admin; no call left"

# the same counts for monitoring, in valid exposition text
kctl metrics >"$TMP/m.prom" || kpptpd_fail "kpptpctl metrics"
python3 "$KPPTP_SRC/tests/tools/prom-check.py" "$TMP/m.prom" >"$TMP/m.txt" || kpptpd_fail "metrics: not valid exposition text"
m() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/m.txt"; }
expect "$(m 'kpptpd_radius_dm_requests_total{result="ack"}') $(m 'kpptpd_radius_dm_requests_total{result="dropped_malformed"}') $(m kpptpd_radius_dm_disconnected_total)" \
	"3 3 3" "metrics: ACKs, malformed drops, sessions disconnected"
pass "kpptpctl metrics: kpptpd_radius_dm_requests_total by result, kpptpd_radius_dm_disconnected_total"
