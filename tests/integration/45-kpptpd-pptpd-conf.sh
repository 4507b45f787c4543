#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An existing pptpd installation moved to kpptpd as it is: Debian's own
# /etc/pptpd.conf and /etc/ppp/pptpd-options (package pptpd, unchanged:
# "option /etc/ppp/pptpd-options", "logwtmp", localip/remoteip commented
# out), "kpptpd -c /etc/pptpd.conf" and nothing else.  A pptp-linux client
# authenticates with MS-CHAPv2 + MPPE-128 and gets pptpd's default pool
# (192.168.0.1 / 192.168.1.1); pppd runs pptpd's wtmp plugin with the
# client's address, and the login is in wtmp.  Then pptpd's other
# directives: pidfile, ppp, speed, a range in the third octet, a host
# name; bcrelay refused with what to do.
#
#	$NS1 (client)                          $NS2 (server)
#	pppd pty "pptp 10.0.0.2"  -- TCP 1723, GRE --  kpptpd -c /etc/pptpd.conf
#	ppp0 192.168.1.1                               ppp0 192.168.0.1
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

[ -f /etc/pptpd.conf ] && [ -f /etc/ppp/pptpd-options ] || fail "no Debian pptpd files in the guest"
sed 's/^/    /' /etc/pptpd.conf | grep -v '^    #' | grep -v '^ *$'
grep -q '^#localip' /etc/pptpd.conf || fail "this pptpd.conf is not Debian's own"
# what "make install" does: kpptp.so in pppd's plugin directory (the
# guest's root is a throwaway overlay)
plugindir=$(dirname "$(ls /usr/lib/pppd/*/pppoe.so)")
install -m 644 "$PLUGIN" "$plugindir/kpptp.so"
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' '# client server secret addresses' 'alice pptpd "s3cret-Pa55" *' >/etc/ppp/chap-secrets
: >/var/log/wtmp

n2 "$KPPTPD" -t -c /etc/pptpd.conf >"$TMP/check.out" 2>&1 || kpptpd_fail "kpptpd -t: $(cat "$TMP/check.out")"
grep -q "no localip: 192.168.0.1-100, pptpd's default" "$TMP/check.out" ||
	kpptpd_fail "kpptpd -t does not say which pool: $(cat "$TMP/check.out")"
pass "kpptpd -t accepts Debian's pptpd.conf: $(tr '\n' ' ' <"$TMP/check.out")"

n2 sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/kpptpd.pid" \
	"$KPPTPD" -d -c /etc/pptpd.conf -S "$TMP/kpptpd.sock" 2>>"$TMP/kpptpd.log" &
on_cleanup 'rm -f /run/kpptpd.calls'
wait_for "grep -q 'listening on' '$TMP/kpptpd.log'" 10 || kpptpd_fail "kpptpd did not start"
grep -q "no remoteip: 192.168.1.1-100, pptpd's default" "$TMP/kpptpd.log" ||
	kpptpd_fail "kpptpd did not log the default pool"

n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1" \
	name alice remotename pptpd require-mppe-128 refuse-eap refuse-pap \
	refuse-chap refuse-mschap noauth nodetach nodefaultroute noipdefault \
	novj mtu 1400 mru 1400 lcp-echo-interval 0 ipparam debian \
	logfile "$TMP/client-debian.log" debug >/dev/null 2>&1 &
wait_ppp_up n1 ppp0 192.168.0.1 90 || kpptpd_fail "the client's link did not come up"
n1 ip -4 addr show dev ppp0 | grep -q "inet 192.168.1.1 peer 192.168.0.1" ||
	kpptpd_fail "not pptpd's default pair: $(n1 ip -4 addr show dev ppp0)"
grep -q "MPPE 128-bit stateless compression enabled" "$TMP/client-debian.log" ||
	kpptpd_fail "client log: MPPE-128 not enabled"
n1 ping -q -c 5 -i 0.2 -W 2 192.168.0.1 >/dev/null || kpptpd_fail "ping"
pass "pptp-linux client up through kpptpd on Debian's pptpd files: 192.168.1.1 <-> 192.168.0.1, MS-CHAPv2, MPPE-128"

# logwtmp: pptpd's plugin with the client's address, and a wtmp record
spid=""
for p in $(ip netns pids "$NS2"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = pppd ] && spid=$p
done
[ -n "$spid" ] || kpptpd_fail "no server pppd"
cmd=$(tr '\0' ' ' <"/proc/$spid/cmdline")
echo "    server pppd: $cmd"
case "$cmd" in
*"plugin /usr/lib/pptpd/pptpd-logwtmp.so "*) ;;
*) kpptpd_fail "logwtmp: pptpd's wtmp plugin not loaded: $cmd" ;;
esac
case "$cmd" in
*"pptpd-original-ip 10.0.0.1"*) ;;
*) kpptpd_fail "logwtmp: no pptpd-original-ip 10.0.0.1: $cmd" ;;
esac
wait_for "grep -qa alice /var/log/wtmp" 10 || kpptpd_fail "logwtmp: alice not in wtmp"
grep -qa "10.0.0.1" /var/log/wtmp || kpptpd_fail "logwtmp: the client's address not in wtmp"
pass "logwtmp: pptpd-logwtmp.so ran, wtmp has alice from 10.0.0.1"
# "lock" in Debian's pptpd-options: a tty option, accepted by kpptp.so
grep -qx lock /etc/ppp/pptpd-options || echo "    (this pptpd-options has no lock)"

kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd.pid") 2>/dev/null" 20 || kpptpd_fail "kpptpd did not stop"
wait_for "! pgrep -f 'ipparam debian'" 60 || kpptpd_fail "the client's pppd did not end"
no_calls_left n2

# pptpd's other directives, on top of Debian's file
cp /etc/pptpd.conf "$TMP/pptpd.conf"
cat >>"$TMP/pptpd.conf" <<CONF
pidfile $TMP/pptpd.pid
ppp /usr/sbin/pppd
speed 115200
connections 10
stimeout 10
listen localhost
localip 192.168.50-59.1
remoteip 192.168.50-59.2
CONF
n2 ip link set lo up
n2 "$KPPTPD" -t -c "$TMP/pptpd.conf" >"$TMP/check2.out" 2>&1 || kpptpd_fail "kpptpd -t: $(cat "$TMP/check2.out")"
grep -q "speed 115200 ignored: pppd has no tty with kpptp.so" "$TMP/check2.out" ||
	kpptpd_fail "speed not noted: $(cat "$TMP/check2.out")"
n2 sh -c 'echo $$ >"$0"; exec "$@"' "$TMP/kpptpd2.pid" \
	"$KPPTPD" -d -c "$TMP/pptpd.conf" -S "$TMP/kpptpd.sock" 2>>"$TMP/kpptpd2.log" &
wait_for "grep -q 'listening on' '$TMP/kpptpd2.log'" 10 || kpptpd_fail "kpptpd did not start: $(cat "$TMP/kpptpd2.log")"
grep -q "listening on 127.0.0.1 port 1723" "$TMP/kpptpd2.log" || kpptpd_fail "listen localhost: $(grep listening "$TMP/kpptpd2.log")"
expect_eq "$(cat "$TMP/pptpd.pid")" "$(cat "$TMP/kpptpd2.pid")" "pidfile"
kill -TERM "$(cat "$TMP/kpptpd2.pid")"
wait_for "! kill -0 $(cat "$TMP/kpptpd2.pid") 2>/dev/null" 20 || kpptpd_fail "kpptpd did not stop"
[ ! -e "$TMP/pptpd.pid" ] || kpptpd_fail "pidfile left behind"
pass "pidfile written and removed, listen localhost resolved, speed noted"

echo "bcrelay eth1" >>"$TMP/pptpd.conf"
n2 "$KPPTPD" -t -c "$TMP/pptpd.conf" >"$TMP/check3.out" 2>&1 && kpptpd_fail "bcrelay accepted"
grep -q "bcrelay: kpptpd does not start bcrelay: run \"bcrelay -i eth1" "$TMP/check3.out" ||
	kpptpd_fail "bcrelay: $(cat "$TMP/check3.out")"
pass "bcrelay refused: $(cat "$TMP/check3.out")"
