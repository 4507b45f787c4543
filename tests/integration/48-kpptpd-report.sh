#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpd learns who is on a call, its addresses and its PPP state from
# kpptp.so's reports (kpptp_report 3), not from pppd's log: the server's
# pppd runs Debian's own /etc/ppp/pptpd-options, which says nologfd (pppd
# logs nothing on its standard output), and kpptpd delegates the addresses
# to pppd (chap-secrets gives the client's), so kpptpd has nothing else to
# learn them from.  The client authenticates (MS-CHAPv2, MPPE-128) as
# "admin authenticated with CHAP": kpptpctl shows that whole name, the
# addresses and ppp up, and the ppp_up event says the same.  A client
# failing with that name (pppd would log "Peer admin authenticated with CHAP
# failed CHAP authentication") names no user.  pppd's scripts do not
# inherit the report socket.
#
#	$NS1 (client)                          $NS2 (server)
#	pppd pty "pptp 10.0.0.2"  -- TCP 1723, GRE --  kpptpd (delegate)
#	ppp0 192.168.201.7                             pppd + kpptp.so, nologfd
#	                                               ppp0 192.168.201.1
# timeout: 300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair
modprobe ppp_mppe || fail "no ppp_mppe module"

SOCK=$TMP/kpptpd.sock
kctl() { n2 "$CTL" -S "$SOCK" "$@"; }
py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
USER_NAME="admin authenticated with CHAP"

grep -qx nologfd /etc/ppp/pptpd-options || fail "Debian's pptpd-options has no nologfd"
# Debian's options as they are, the server's address, and a script that
# lists what pppd's children inherit
cat >"$TMP/ip-up" <<EOF
#!/bin/sh
for f in /proc/\$\$/fd/*; do readlink "\$f"; done >"$TMP/ip-up.fds"
EOF
chmod 755 "$TMP/ip-up"
{
	cat /etc/ppp/pptpd-options
	echo "192.168.201.1:"
	echo "ip-up-script $TMP/ip-up"
} >"$TMP/options.kpptpd"
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' '# client server secret addresses' \
	"\"$USER_NAME\" pptpd \"s3cret-Pa55\" 192.168.201.7" >/etc/ppp/chap-secrets
cat >"$TMP/kpptpd.conf" <<CONF
# written by $TEST_NAME
listen 10.0.0.2
delegate
option $TMP/options.kpptpd
plugin $PLUGIN
state-file $TMP/kpptpd.calls
CONF
start_kpptpd n2 "$TMP/kpptpd.conf"
kctl -j monitor >"$TMP/mon.json" 2>"$TMP/mon.err" &
on_cleanup "kill $! 2>/dev/null"
wait_for "grep -q 'monitor\$' '$TMP/kpptpd.log'" 10 ||
	kpptpd_fail "the monitor did not subscribe: $(cat "$TMP/mon.err")"

client() {
	local tag=$1
	shift
	n1 pppd pty "pptp 10.0.0.2 --nolaunchpppd --loglevel 1" \
		remotename pptpd require-mppe-128 refuse-eap refuse-pap \
		refuse-chap refuse-mschap noauth nodetach nodefaultroute \
		noipdefault novj mtu 1400 mru 1400 lcp-echo-interval 0 \
		ipparam "$tag" logfile "$TMP/client-$tag.log" debug "$@" \
		>/dev/null 2>&1 &
}

# ------------------------------------------------------------ reported
client ok name "$USER_NAME"
wait_link n1 ppp0 192.168.201.1 90 || kpptpd_fail "the client's link did not come up"
n1 ip -4 addr show dev ppp0 | grep -q "inet 192.168.201.7 peer 192.168.201.1" ||
	kpptpd_fail "not chap-secrets' address: $(n1 ip -4 addr show dev ppp0)"
wait_for "kctl -j conn show | grep -q '\"ppp\":\"up\"'" 10 ||
	kpptpd_fail "ppp not up in conn show: $(kctl -j conn show)"
kctl -j conn show >"$TMP/conn.json"
python3 - "$TMP/conn.json" "$USER_NAME" <<'PY' || kpptpd_fail "conn show -j: $(cat "$TMP/conn.json")"
import json, sys
d = json.load(open(sys.argv[1]))
k = d[0]["calls"][0]
for key, want in (("user", sys.argv[2]), ("local_ip", "192.168.201.1"),
                  ("remote_ip", "192.168.201.7"), ("ppp", "up")):
    if k.get(key) != want:
        sys.exit(f"{key}: {k.get(key)!r}, expected {want!r}")
PY
spid=$(kctl -j conn show | py 'd[0]["calls"][0]["pppd_pid"]')
id=$(kctl -j conn show | py 'd[0]["calls"][0]["id"]')
# the good call's field @1, wherever the failing client's connection is
good() { kctl -j conn show | py "[k['$1'] for c in d for k in c['calls'] if k['id'] == $id][0]"; }
tr '\0' ' ' <"/proc/$spid/cmdline" | grep -q "kpptp_call [0-9]* kpptp_report 3 " ||
	kpptpd_fail "pppd $spid not asked to report: $(tr '\0' ' ' <"/proc/$spid/cmdline")"
# pppd's standard output said nothing after its options (nologfd): what
# kpptpd knows was reported
! grep -q "pppd: .*IP address\|pppd: Peer \|pppd: .*authentication" "$TMP/kpptpd.log" ||
	kpptpd_fail "pppd logged to kpptpd despite nologfd"
grep -q "the peer authenticated as \"$USER_NAME\"" "$TMP/kpptpd.log" ||
	kpptpd_fail "kpptpd did not log the reported user"
kctl conn show | grep -qE "user $USER_NAME$" || kpptpd_fail "conn show text: $(kctl conn show)"
pass "nologfd: user \"$USER_NAME\", 192.168.201.1 -> .7 (chap-secrets), ppp up, all from kpptp.so's reports"

wait_for "grep -q '\"event\":\"ppp_up\"' '$TMP/mon.json'" 10 || kpptpd_fail "no ppp_up event: $(cat "$TMP/mon.json")"
python3 - "$TMP/mon.json" "$USER_NAME" <<'PY' || kpptpd_fail "monitor: $(cat "$TMP/mon.json")"
import json, sys
up = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "ppp_up"]
assert len(up) == 1 and up[0]["user"] == sys.argv[2], up
assert up[0]["local_ip"] == "192.168.201.1" and up[0]["remote_ip"] == "192.168.201.7", up
PY
pass "the ppp_up event names the user and the addresses"

# pppd's ip-up script ran without kpptpd's report socket
wait_for "[ -s '$TMP/ip-up.fds' ]" 10 || kpptpd_fail "the server's ip-up script did not run"
rpipe=$(readlink "/proc/$spid/fd/3")
case $rpipe in socket:*) ;; *) kpptpd_fail "pppd's descriptor 3 is $rpipe, not the report socket" ;; esac
! grep -qxF "$rpipe" "$TMP/ip-up.fds" ||
	kpptpd_fail "the ip-up script inherited the report socket $rpipe: $(cat "$TMP/ip-up.fds")"
pass "pppd's ip-up script does not inherit the report socket ($rpipe)"

# ------------------------------------------------------------ failing
client bad name "$USER_NAME" password wrong
wait_for "! pgrep -f 'ipparam bad'" 60 || kpptpd_fail "the bad client's pppd is still running"
grep -q "CHAP authentication failed\|failed CHAP authentication" "$TMP/client-bad.log" ||
	kpptpd_fail "no authentication failure on the client"
wait_for "[ \$(grep -c '\"event\":\"pppd_exit\"' '$TMP/mon.json') -ge 1 ]" 30 ||
	kpptpd_fail "the failed call's pppd did not exit: $(cat "$TMP/mon.json")"
python3 - "$TMP/mon.json" <<'PY' || kpptpd_fail "monitor: $(cat "$TMP/mon.json")"
import json, sys
ex = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "pppd_exit"]
assert len(ex) == 1 and "user" not in ex[0], ex
PY
[ "$(grep -c "the peer authenticated as" "$TMP/kpptpd.log")" = 1 ] ||
	kpptpd_fail "a user for the failed call: $(grep "authenticated as" "$TMP/kpptpd.log")"
[ "$(good user)" = "$USER_NAME" ] ||
	kpptpd_fail "the good call's user changed: $(kctl -j conn show)"
pass "a failed login as \"$USER_NAME\" names no user; the good call keeps its own"

# the good call's pppd_exit event names its user
kctl call disconnect id "$id"
wait_for "[ \$(grep -c '\"event\":\"pppd_exit\"' '$TMP/mon.json') -ge 2 ]" 30 ||
	kpptpd_fail "the good call's pppd did not exit: $(cat "$TMP/mon.json")"
python3 - "$TMP/mon.json" "$USER_NAME" <<'PY' || kpptpd_fail "monitor: $(cat "$TMP/mon.json")"
import json, sys
ex = [e for e in map(json.loads, open(sys.argv[1])) if e["event"] == "pppd_exit"]
assert ex[1].get("user") == sys.argv[2], ex
PY
pass "the call's pppd_exit event names its user"

kill -TERM "$(cat "$TMP/kpptpd.pid")"
wait_for "! pgrep -f 'kpptp_call '" 20 || kpptpd_fail "server pppd left"
no_calls_left n2
pass "clean shutdown"
