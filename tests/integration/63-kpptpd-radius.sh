#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RADIUS: kpptpd with "radius-config" runs its pppd with Debian's radius.so,
# and FreeRADIUS (Debian's, radius-lib.sh) is the only source of users.
# pppd + pptp-linux clients, MS-CHAPv2 + MPPE-128, show:
#  - alice logs in: her address is RADIUS's Framed-IP-Address, the link
#    encrypts with the MPPE keys RADIUS sent (the server has no secrets of
#    its own), the server's interface is named after the call (ppp<ID>) so
#    NAS-Port is the call; accounting Start carries NAS-Port, NAS-IP-Address,
#    Calling-Station-Id (the client's address) and an Acct-Session-Id no
#    other session has; an Interim-Update follows (radius.so's minimum
#    interval, 60 s); she hangs up: Stop, User-Request, and its octet and
#    packet counts match what kpptp.ko counted for the call (see "counts").
#  - alice with a wrong password and mallory (in chap-secrets, unknown to
#    RADIUS) are refused: no address, no call left.
#  - bob (Session-Timeout 20), carol (Idle-Timeout 15, silent) and dave
#    (kpptpctl call disconnect): each one's Stop has the cause that ended it.
# With pppd 2.4 (Debian 12) two things are radius.so's own (radius-lib.sh):
# the administrator's disconnect is User-Request, and Acct-Session-Id holds
# only the time, so it is not checked for uniqueness.
#
#	$NS1 10.0.0.1                 $NS2 10.0.0.2
#	pppd + pptp-linux clients --> kpptpd, radius-config; FreeRADIUS on lo
# timeout: 600
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
. "$(dirname "$0")/radius-lib.sh"
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

radius_setup
radius_users <<'EOF'
alice	Cleartext-Password := "s3cret-Pa55"
	Framed-IP-Address = 192.168.200.77,
	Acct-Interim-Interval = 60
bob	Cleartext-Password := "b0b-Pa55"
	Framed-IP-Address = 192.168.200.78,
	Session-Timeout = 20
carol	Cleartext-Password := "car0l-Pa55"
	Framed-IP-Address = 192.168.200.79,
	Idle-Timeout = 15
dave	Cleartext-Password := "dav3-Pa55"
	Framed-IP-Address = 192.168.200.80
EOF
radius_start n2
radius_client_conf >"$TMP/radiusclient.conf"

# kpptpd_conf's pools: remoteip is dropped (RADIUS assigns), localip kept
kpptpd_conf "radius-config $TMP/radiusclient.conf" "ipv6 off" >"$TMP/kpptpd.conf"
mppe_server_options kpptpd server >"$TMP/options.kpptpd"
# mallory would get in on this file's word: RADIUS must be the one asked
install -m 600 /dev/null /etc/ppp/chap-secrets
echo 'mallory kpptpd "m4llory-Pa55" *' >/etc/ppp/chap-secrets
start_kpptpd n2 "$TMP/kpptpd.conf"
grep -q "remoteip ignored, RADIUS assigns" "$TMP/kpptpd.log" || kpptpd_fail "no note about remoteip"

# ---- refused: alice's wrong password, mallory unknown to RADIUS
client bad alice wrong-Pa55
client mal mallory m4llory-Pa55
wait_for "grep -q 'MS-CHAP authentication failed' '$TMP/client-bad.log' && grep -q 'MS-CHAP authentication failed' '$TMP/client-mal.log'" 60 ||
	kpptpd_fail "wrong password and unknown user: no MS-CHAP failure"
wait_for "[ -z \"\$(client_pid bad)\$(client_pid mal)\" ]" 30 || kpptpd_fail "refused clients still running"
v=$(radius_verdicts | sort | tr '\n' ' ')
expect_eq "$v" "alice Access-Reject mallory Access-Reject " "FreeRADIUS's answers"
wait_for "[ \"\$(n2 $CTL -j call show)\" = '[]' ]" 20 || kpptpd_fail "refused calls left: $(n2 "$CTL" call show)"
pass "refused by RADIUS: a wrong password, a user only chap-secrets knows"

# ---- alice: address, keys, NAS attributes from RADIUS
client a alice s3cret-Pa55
up a 192.168.200.77
a_sif=$sif a_sid=$sid
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-a.log" || kpptpd_fail "alice: no MPPE-128"
n1 ping -q -c 5 -i 0.1 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "alice: ping over MPPE"
pass "alice: Framed-IP-Address 192.168.200.77 from RADIUS, MPPE-128 with RADIUS's keys, server interface $a_sif"

wait_for "[ \"\$(acct_count User-Name=alice Acct-Status-Type=Start)\" = 1 ]" 30 || kpptpd_fail "no accounting Start for alice"
# radius.so's NAS-IP-Address: the address of the host's name
nas_ip=$(python3 -c 'import socket; print(socket.gethostbyname(socket.gethostname()))')
expect_eq "$(acct_get NAS-Port User-Name=alice Acct-Status-Type=Start) $(acct_get Calling-Station-Id User-Name=alice Acct-Status-Type=Start) $(acct_get Framed-IP-Address User-Name=alice Acct-Status-Type=Start) $(acct_get NAS-IP-Address User-Name=alice Acct-Status-Type=Start)" \
	"$a_sid 10.0.0.1 192.168.200.77 $nas_ip" "alice's Start: NAS-Port, Calling-Station-Id, Framed-IP-Address, NAS-IP-Address"
a_acct=$(acct_get Acct-Session-Id User-Name=alice Acct-Status-Type=Start)
[ -n "$a_acct" ] || kpptpd_fail "no Acct-Session-Id"
pass "accounting Start: NAS-Port $a_sid (the call), Calling-Station-Id 10.0.0.1, NAS-IP-Address $nas_ip, Acct-Session-Id $a_acct"

# ---- bob, carol, dave: how a session ends
client b bob b0b-Pa55
up b 192.168.200.78
b_sid=$sid
client c carol car0l-Pa55
up c 192.168.200.79
c_sid=$sid
client d dave dav3-Pa55
up d 192.168.200.80
d_sid=$sid
kctl call disconnect id "$d_sid"
wait_for "[ -z \"\$(client_pid d)\" ]" 30 || kpptpd_fail "dave's client still up after call disconnect"
admin=Admin-Reset
[ -z "$PPPD24" ] || admin="User-Request"	# pppd 2.4's radius.so
wait_for "[ \"\$(acct_get Acct-Terminate-Cause User-Name=dave Acct-Status-Type=Stop)\" = $admin ]" 30 ||
	kpptpd_fail "dave: Stop $(acct User-Name=dave Acct-Status-Type=Stop)"
pass "call disconnect (call $d_sid): Stop, $admin"

# alice talks while bob's and carol's timers run
n1 ping -q -c 200 -i 0.02 -s 1000 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "alice: ping -s 1000"
n2 ping -q -c 100 -i 0.02 -s 300 -W 2 192.168.200.77 >/dev/null || kpptpd_fail "server -> alice: ping"
wait_for "[ \"\$(acct_get Acct-Terminate-Cause User-Name=bob Acct-Status-Type=Stop)\" = Session-Timeout ]" 60 ||
	kpptpd_fail "bob: Stop $(acct User-Name=bob Acct-Status-Type=Stop)"
t=$(acct_get Acct-Session-Time User-Name=bob Acct-Status-Type=Stop)
[ "$t" -ge 19 ] && [ "$t" -le 40 ] || kpptpd_fail "bob: Acct-Session-Time $t for Session-Timeout 20"
pass "Session-Timeout 20: Stop after $t s, Session-Timeout"
wait_for "[ \"\$(acct_get Acct-Terminate-Cause User-Name=carol Acct-Status-Type=Stop)\" = Idle-Timeout ]" 60 ||
	kpptpd_fail "carol: Stop $(acct User-Name=carol Acct-Status-Type=Stop)"
t=$(acct_get Acct-Session-Time User-Name=carol Acct-Status-Type=Stop)
pass "Idle-Timeout 15: Stop after $t s, Idle-Timeout"
for s in "$b_sid" "$c_sid" "$d_sid"; do
	wait_for "! n2 $CTL call show id $s" 20 || kpptpd_fail "call $s left after its session ended"
done

# ---- alice: Interim-Update, then her hang-up and the counts
wait_for "[ \"\$(acct_count User-Name=alice Acct-Status-Type=Interim-Update)\" -ge 1 ]" 90 ||
	kpptpd_fail "no Interim-Update for alice within 90 s"
expect_eq "$(acct_get Acct-Session-Id User-Name=alice Acct-Status-Type=Interim-Update)" "$a_acct" "Interim-Update's session"
pass "Interim-Update for alice's session"

# counts: the kernel call counts every PPP frame, pppd's interface counts
# only the network protocols' (radius.so reports those); the frames in
# between are PPP's own: LCP, CHAP, CCP, IPCP from setup and the LCP
# Terminate at hang-up, a few dozen at most
declare -A k
for f in rx_packets rx_bytes tx_packets tx_bytes; do
	k[$f]=$(call_field n2 "$a_sid" "$f")
done
kill "$(client_pid a)"
wait_for "[ \"\$(acct_count User-Name=alice Acct-Status-Type=Stop)\" = 1 ]" 30 || kpptpd_fail "no Stop for alice"
acct User-Name=alice Acct-Status-Type=Stop
expect_eq "$(acct_get Acct-Terminate-Cause User-Name=alice Acct-Status-Type=Stop) $(acct_get Acct-Session-Id User-Name=alice Acct-Status-Type=Stop)" \
	"User-Request $a_acct" "alice's Stop: cause, session"
in_p=$(acct_get Acct-Input-Packets User-Name=alice Acct-Status-Type=Stop)
out_p=$(acct_get Acct-Output-Packets User-Name=alice Acct-Status-Type=Stop)
in_b=$(acct_get Acct-Input-Octets User-Name=alice Acct-Status-Type=Stop)
out_b=$(acct_get Acct-Output-Octets User-Name=alice Acct-Status-Type=Stop)
echo "# kernel rx ${k[rx_packets]} pkts ${k[rx_bytes]} B, tx ${k[tx_packets]} pkts ${k[tx_bytes]} B"
echo "# RADIUS in $in_p pkts $in_b B, out $out_p pkts $out_b B"
# close: PPP's own frames (<= 40 each way) and per frame the header bytes
# the two count differently (<= 4)
close() {
	local kp=$1 kb=$2 rp=$3 rb=$4 d
	[ "$rp" -ge 300 ] || return 1
	d=$((kp - rp))
	[ "$d" -ge 0 ] && [ "$d" -le 40 ] || return 1
	d=$((kb - rb))
	[ "${d#-}" -le $((kp * 4 + 40 * 120)) ]
}
close "${k[rx_packets]}" "${k[rx_bytes]}" "$in_p" "$in_b" ||
	kpptpd_fail "input: kernel ${k[rx_packets]} pkts ${k[rx_bytes]} B, RADIUS $in_p pkts $in_b B"
close "${k[tx_packets]}" "${k[tx_bytes]}" "$out_p" "$out_b" ||
	kpptpd_fail "output: kernel ${k[tx_packets]} pkts ${k[tx_bytes]} B, RADIUS $out_p pkts $out_b B"
pass "alice hangs up: Stop, User-Request; in $in_p pkts $in_b B / kernel ${k[rx_packets]} ${k[rx_bytes]}, out $out_p pkts $out_b B / kernel ${k[tx_packets]} ${k[tx_bytes]}"

# (pppd 2.4's hold only the second the session came up in)
ids=$(acct Acct-Status-Type=Start | python3 -c 'import json,sys; r = json.load(sys.stdin); print(len(r), len({x["Acct-Session-Id"] for x in r}))')
[ -n "$PPPD24" ] || expect_eq "$ids" "4 4" "Acct-Session-Id unique per session"
wait_for "[ \"\$(n2 $CTL -j call show)\" = '[]' ]" 20 || kpptpd_fail "calls left: $(n2 "$CTL" call show)"
no_calls_left n2
pass "4 sessions, 4 Acct-Session-Ids; no call left"
