#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpctl talking to kpptpd over its control socket: conn show (text,
# -j, -s with the kernel's counters) names the connection and the call
# with the right peer, IDs, interface, user and addresses; daemon show;
# monitor sees kpptpd's events next to the kernel's; call disconnect and
# conn disconnect tear down cleanly; SIGHUP applies a new max-connections
# to new connections while the session stays up, and a broken file keeps
# the old configuration; a second kpptpd on the same socket is refused;
# hostile control clients (garbage, a huge request, a monitor that never
# reads, too many clients) do not hurt the daemon.
#
#	$NS1 (client)                        $NS2 (server)
#	pppd pty "pptp 10.0.0.2"   -- TCP 1723, GRE --   kpptpd -> kpptp.ko
#	name alice (CHAP)                              $TMP/kpptpd.sock
#	                                               kpptpctl -S ... conn show
# timeout: 500
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kpptpd-lib.sh"
setup_veth_pair

SOCK=$TMP/kpptpd.sock
kctl() { n2 "$CTL" -S "$SOCK" "$@"; }
# py EXPR: evaluate EXPR with d = the JSON document on stdin
py() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# server_conf [DIRECTIVE...]: kpptpd.conf on stdout; pppd logs to its
# stdout (kpptpd reads it): no logfile; CHAP so that a user name is known
server_conf() {
	kpptpd_conf "$@"
	cat >"$TMP/options.kpptpd" <<OPT
name kpptpd
auth
require-chap
nodefaultroute
noccp
novj
mtu 1400
mru 1400
lcp-echo-interval 0
OPT
}
server_conf >"$TMP/kpptpd.conf"
install -m 600 /dev/null /etc/ppp/chap-secrets
printf '%s\n' 'alice kpptpd "s3cret" *' >/etc/ppp/chap-secrets
start_kpptpd n2 "$TMP/kpptpd.conf"
kpid=$(cat "$TMP/kpptpd.pid")

# ------------------------------------------------------------ the socket
[ -S "$SOCK" ] || kpptpd_fail "no control socket $SOCK"
expect_eq "$(stat -c %a "$SOCK")" 600 "control socket mode"
n2 "$KPPTPD" -f -c "$TMP/kpptpd.conf" -S "$SOCK" 2>"$TMP/second.log" &&
	kpptpd_fail "a second kpptpd started on a live socket"
grep -q "another kpptpd is running" "$TMP/second.log" ||
	kpptpd_fail "second kpptpd: $(cat "$TMP/second.log")"
kill -0 "$kpid" || kpptpd_fail "the first kpptpd died"
[ -S "$SOCK" ] || kpptpd_fail "the second kpptpd removed the socket"
out=$(n2 "$CTL" -S "$TMP/nothing.sock" conn show 2>&1) && fail "conn show without kpptpd succeeded"
echo "$out" | grep -q "kpptpd is not running" || fail "no clear error: $out"
expect_eq "$(kctl -j conn show)" "[]" "conn show with no connection"
pass "socket 0600, a second kpptpd refused, a clear error without kpptpd"

kctl -j monitor >"$TMP/mon.json" 2>"$TMP/mon.err" &
mon=$!
on_cleanup "kill $mon 2>/dev/null"
kctl monitor >"$TMP/mon.txt" 2>&1 &
on_cleanup "kill $! 2>/dev/null"
wait_for "[ \$(grep -c 'monitor\$' '$TMP/kpptpd.log') -ge 2 ]" 10 ||
	kpptpd_fail "the monitors did not subscribe: $(cat "$TMP/mon.err")"

# ------------------------------------------------------------ show
start_pptp_client n1 10.0.0.2 a name alice remotename kpptpd
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "the client's link did not come up"
wait_for "kctl -j conn show | grep -q '\"ppp\":\"up\"'" 10 ||
	kpptpd_fail "ppp not up in conn show: $(kctl -j conn show)"

id=$(n2 "$CTL" -j call show | py 'd[0]["id"]')
kpeer=$(n2 "$CTL" -j call show | py 'd[0]["peer_id"]')
kif=$(n2 "$CTL" -j call show | py 'd[0]["ifname"]')
# the client's end of the TCP connection, as the server must name it
cport=$(n1 ss -Htn state established dst 10.0.0.2 dport = :1723 | awk '{print $3}' | sed 's/.*://')
[ -n "$cport" ] || kpptpd_fail "no client TCP connection"
kctl -j conn show >"$TMP/conn.json"
python3 - "$TMP/conn.json" "$id" "$kpeer" "$kif" "$cport" <<'PY' || kpptpd_fail "conn show -j: $(cat "$TMP/conn.json")"
import json, os, sys
d = json.load(open(sys.argv[1]))
kid, kpeer, kif, cport = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
def want(what, got, exp):
    if got != exp:
        sys.exit(f"{what}: {got!r}, expected {exp!r}")
want("connections", len(d), 1)
c = d[0]
want("peer", c["peer"], "10.0.0.1:" + cport)
want("local", c["local"], "10.0.0.2:1723")
want("role", c["role"], "server")
want("state", c["state"], "established")
want("peer_hostname", c["peer_hostname"], "local")
want("peer_vendor", c["peer_vendor"], "cananian")
want("calls", len(c["calls"]), 1)
k = c["calls"][0]
want("call id", k["id"], kid)
want("kernel_call_id", k["kernel_call_id"], kid)
want("peer_call_id", k["peer_call_id"], kpeer)
want("state", k["state"], "up")
want("ifname", k["ifname"], kif)
want("user", k["user"], "alice")
want("local_ip", k["local_ip"], "192.168.200.1")
want("remote_ip", k["remote_ip"], "192.168.200.10")
want("ppp", k["ppp"], "up")
cmd = open(f"/proc/{k['pppd_pid']}/cmdline").read().split("\0")
want("pppd of the call", cmd[cmd.index("kpptp_call") + 1], str(kid))
PY
kctl conn show >"$TMP/conn.txt"
grep -qE "^conn [0-9]+ peer 10\.0\.0\.1:$cport local 10\.0\.0\.2:1723 server established age " "$TMP/conn.txt" &&
	grep -qE "^    call $id peer-call-id $kpeer state up kernel-call $id ifname $kif user alice$" "$TMP/conn.txt" &&
	grep -qE "^        local 192\.168\.200\.1 remote 192\.168\.200\.10 pppd [0-9]+ ppp up age " "$TMP/conn.txt" ||
	kpptpd_fail "conn show text: $(cat "$TMP/conn.txt")"
pass "conn show: peer 10.0.0.1:$cport, call $id / peer $kpeer, $kif, user alice, 192.168.200.1 -> .10"

kctl -j daemon show >"$TMP/daemon.json"
expect_eq "$(py 'd["pid"], d["role"], d["listen"], d["connections"], d["calls"], d["conns_accepted"], d["calls_accepted"]' <"$TMP/daemon.json")" \
	"$kpid server 10.0.0.2:1723 1 1 1 1" "daemon show"
# the limits, at their defaults (kpptpd.conf(5))
expect_eq "$(py 'd["max_calls_per_connection"], d["max_call_rate"], d["max_calls_per_source"], d["max_invalid_messages"], d["idle_timeout_ms"]' <"$TMP/daemon.json")" \
	"4 5 10 20 60000" "daemon show limits"
kctl daemon show | grep -qx "config $TMP/kpptpd.conf" || kpptpd_fail "daemon show text"
pass "daemon show: pid $kpid, 1 connection, 1 call"

rx0=$(kctl -j -s conn show | py 'd[0]["calls"][0]["stats"]["rx_packets"]')
n1 ping -q -c 20 -i 0.05 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "ping"
rx1=$(kctl -j -s conn show | py 'd[0]["calls"][0]["stats"]["rx_packets"]')
[ "$((rx1 - rx0))" -ge 20 ] || kpptpd_fail "rx_packets $rx0 -> $rx1 after 20 pings"
# more may arrive meanwhile (IPv6 router solicitations): at least rx1
rx2=$(kctl -s conn show | sed -nE 's/^        rx_packets ([0-9]+) .*/\1/p')
[ -n "$rx2" ] && [ "$rx2" -ge "$rx1" ] || kpptpd_fail "conn show -s text: $(kctl -s conn show)"
pass "conn show -s: the kernel's rx_packets $rx0 -> $rx1 with 20 pings"

# ------------------------------------------------------------ disconnect
out=$(kctl call disconnect id 9 2>&1) && fail "disconnect of no call succeeded"
echo "$out" | grep -q "call disconnect: no call 9" || fail "disconnect error: $out"
kctl call disconnect id "$id"
wait_for "! pgrep -f 'pppd pty pptp 10.0.0.2 .*ipparam a'" 30 ||
	kpptpd_fail "client pppd still running after call disconnect"
wait_for "! n2 $CTL call show id $id" 10 || kpptpd_fail "call $id left in the kernel"
wait_for "! pgrep -f 'kpptp_call $id '" 20 || kpptpd_fail "server pppd left"
grep -q "call $id: disconnect asked for by kpptpctl" "$TMP/kpptpd.log" || kpptpd_fail "no log line"
no_calls_left n2
pass "call disconnect: CDN, both pppd gone, kernel call gone"

start_pptp_client n1 10.0.0.2 b name alice remotename kpptpd
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "second session"
wait_for "[ \"\$(kctl -j conn show | py 'len(d)')\" = 1 ]" 20 || kpptpd_fail "old connection still listed"
cid=$(kctl -j conn show | py 'd[0]["id"]')
id=$(kctl -j conn show | py 'd[0]["calls"][0]["id"]')
kctl conn disconnect "$cid"
wait_for "! pgrep -f 'pppd pty pptp 10.0.0.2 .*ipparam b'" 30 ||
	kpptpd_fail "client pppd still running after conn disconnect"
wait_for "[ \"\$(kctl -j conn show)\" = '[]' ]" 20 || kpptpd_fail "connection $cid still there"
wait_for "! n2 $CTL call show id $id" 10 || kpptpd_fail "call $id left in the kernel"
no_calls_left n2
pass "conn disconnect $cid: calls cleared, StopCCRQ, client gone"

# ------------------------------------------------------------ monitor
wait_for "grep -q '\"event\":\"conn_closed\",\"source\":\"kpptpd\".*\"conn\":$cid' '$TMP/mon.json'" 10 ||
	kpptpd_fail "no conn_closed event: $(cat "$TMP/mon.json")"
# the server's pppd is reaped after its ip-down script, maybe after all that
wait_for "[ \"\$(grep -c '\"event\":\"pppd_exit\"' '$TMP/mon.json')\" -ge 2 ]" 20 ||
	kpptpd_fail "no pppd_exit event for the second session: $(cat "$TMP/mon.json")"
python3 - "$TMP/mon.json" "$id" "$cid" <<'PY' || kpptpd_fail "monitor: $(cat "$TMP/mon.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kid, cid = int(sys.argv[2]), int(sys.argv[3])
d = [e for e in ev if e.get("source") == "kpptpd"]
k = [e for e in ev if e.get("source") is None]
names = [e["event"] for e in d]
for n in ("conn_accepted", "call_up", "ppp_up", "call_down", "pppd_exit", "conn_closed"):
    if names.count(n) < 2:
        sys.exit(f"{n}: {names.count(n)} times in {names}")
up = [e for e in d if e["event"] == "ppp_up" and e["call"] == kid][0]
assert up["user"] == "alice" and up["remote_ip"] == "192.168.200.10", up
acc = [e for e in d if e["event"] == "conn_accepted" and e["conn"] == cid][0]
assert acc["peer"].startswith("10.0.0.1:"), acc
# the kernel's events of the same calls, in the same stream
assert [e for e in k if e["event"] == "new" and e["id"] == kid], k
assert [e for e in k if e["event"] == "del" and e["id"] == kid], k
PY
grep -qE "^\[CALL-UP\] conn $cid call $id peer-call-id [0-9]+ peer 10\.0\.0\.1:[0-9]+ local 192\.168\.200\.1 remote 192\.168\.200\.10 pppd [0-9]+$" "$TMP/mon.txt" &&
	grep -qE "^\[NEW\] call $id " "$TMP/mon.txt" ||
	kpptpd_fail "monitor text: $(cat "$TMP/mon.txt")"
pass "monitor: kpptpd's events (accepted, call up, ppp up, down, pppd exit, closed) and the kernel's"

# ------------------------------------------------------------ reload
start_pptp_client n1 10.0.0.2 c name alice remotename kpptpd
wait_link n1 ppp0 192.168.200.1 60 || kpptpd_fail "third session"
server_conf "connections 1" "idle-timeout 90" "max-call-rate 7" >"$TMP/kpptpd.conf"
kill -HUP "$kpid"
wait_for "grep -q 'reloaded $TMP/kpptpd.conf: max 1 connections' '$TMP/kpptpd.log'" 10 ||
	kpptpd_fail "no reload line"
expect_eq "$(kctl -j daemon show | py 'd["max_connections"], d["reloads"], d["idle_timeout_ms"], d["max_call_rate"]')" \
	"1 1 90000 7" "after SIGHUP"
kctl daemon show | grep -qx "idle_timeout 1m30s" || kpptpd_fail "daemon show text: $(kctl daemon show)"
# (a second pptp-linux would share the connection: its call manager
# multiplexes calls to one server) a new TCP connection, closed at once
n1 python3 -c '
import socket
s = socket.create_connection(("10.0.0.2", 1723), timeout=10)
assert s.recv(100) == b""' || kpptpd_fail "a new connection was served"
grep -q "refused: limit of 1 control connections reached" "$TMP/kpptpd.log" ||
	kpptpd_fail "no refusal line"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "the session broke on reload"
wait_for "grep -q '\"event\":\"conn_refused\".*limit of 1 control connections' '$TMP/mon.json'" 10 ||
	kpptpd_fail "no conn_refused event"
pass "SIGHUP: connections 1 refuses a new client, the session stays up"

echo "frobnicate 1" >>"$TMP/kpptpd.conf"
kill -HUP "$kpid"
wait_for "grep -q 'reload failed, keeping the configuration in use: .*unknown directive \"frobnicate\"' '$TMP/kpptpd.log'" 10 ||
	kpptpd_fail "no reload failure line"
expect_eq "$(kctl -j daemon show | py 'd["max_connections"], d["reloads"], d["reloads_failed"]')" "1 1 1" "after a bad SIGHUP"
out=$(kctl daemon reload 2>&1) && fail "daemon reload of a broken file succeeded"
echo "$out" | grep -q 'unknown directive "frobnicate"' || fail "daemon reload error: $out"
wait_for "grep -q '\"event\":\"reload\".*\"result\":\"failed\"' '$TMP/mon.json'" 10 || kpptpd_fail "no reload failed event"
server_conf >"$TMP/kpptpd.conf"
kctl daemon reload
expect_eq "$(kctl -j daemon show | py 'd["max_connections"]')" 100 "after daemon reload"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "the session broke"
pass "a broken file keeps the old configuration (SIGHUP and daemon reload), a good one applies"

# a new port is bound before the old listener goes; an address that
# cannot be bound keeps the listener there is
server_conf "port 1724" >"$TMP/kpptpd.conf"
kctl daemon reload
# info lines are written at the end of kpptpd's loop turn, after the reply
wait_for "grep -q 'reload: listening on 10.0.0.2 port 1724 now' '$TMP/kpptpd.log'" 10 ||
	kpptpd_fail "no rebind line"
expect_eq "$(kctl -j daemon show | py 'd["listen"]')" 10.0.0.2:1724 "listen after the reload"
n1 python3 -c '
import socket
socket.create_connection(("10.0.0.2", 1724), timeout=10).close()
try:
    socket.create_connection(("10.0.0.2", 1723), timeout=10)
except ConnectionRefusedError:
    pass
else:
    raise SystemExit("port 1723 still answers")' || kpptpd_fail "ports after the rebind"
server_conf "port 1723" "listen 10.0.0.99" >"$TMP/kpptpd.conf"
out=$(kctl daemon reload 2>&1) && fail "reload to an address not ours succeeded"
echo "$out" | grep -q "cannot listen on 10.0.0.99 port 1723" || fail "rebind error: $out"
expect_eq "$(kctl -j daemon show | py 'd["listen"]')" 10.0.0.2:1724 "listen after a failed rebind"
server_conf >"$TMP/kpptpd.conf"
kctl daemon reload
expect_eq "$(kctl -j daemon show | py 'd["listen"]')" 10.0.0.2:1723 "listen back"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "the session broke on a rebind"
pass "reload moves the listener (1723 -> 1724 -> 1723), an address not ours keeps it, the session stays"

# ------------------------------------------------------------ hostile
python3 - "$SOCK" <<'PY' || kpptpd_fail "hostile clients"
import socket, sys, time
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
def reply(s):
    buf = b""
    while not buf.endswith(b"\n\n"):
        b = s.recv(65536)
        if not b:
            break
        buf += b
    return buf.decode()
# garbage, an unknown key
s = conn(); s.sendall(b"hello\n\n"); r = reply(s)
assert "errno=22\n" in r, r
s.sendall(b"set=1\nfrob=2\n\n"); r = reply(s)
assert "errno=22\n" in r and "unknown key frob" in r, r
s.sendall(b"get=1\n\n"); r = reply(s)          # still served
assert r.startswith("pid=") and r.endswith("errno=0\n\n"), r
s.close()
# a request longer than the limit: refused, closed
s = conn(); s.sendall(b"x" * 20000)
r = reply(s)
assert "errno=90\n" in r, r
try:
    assert s.recv(10) == b""
except ConnectionResetError:
    pass    # closed with our bytes unread: also closed
s.close()
# a monitor that never reads, then thousands of events
lazy = conn(); lazy.sendall(b"monitor=1\n\n")
s = conn()
for i in range(6000):
    s.sendall(b"set=1\nreload=1\n\n"); r = reply(s)
    assert r == "errno=0\n\n", r
s.close()
# more clients than served at once
many = [conn() for i in range(80)]
time.sleep(0.5)
for m in many:
    m.close()
lazy.close()
s = conn(); s.sendall(b"get=1\n\n"); r = reply(s)
assert "errno=0\n" in r, r
PY
grep -q "does not read its events (.* bytes queued): closed" "$TMP/kpptpd.log" ||
	kpptpd_fail "the lazy monitor was not dropped"
grep -q "request longer than 4096 bytes: closed" "$TMP/kpptpd.log" || kpptpd_fail "no long request line"
grep -q "control client [0-9]*: line without '=': EINVAL" "$TMP/kpptpd.log" &&
	grep -q "control client [0-9]*: unknown key frob in a set request: EINVAL" "$TMP/kpptpd.log" ||
	kpptpd_fail "no EINVAL log lines"
grep -q "control socket: refused a client: 64 connected already" "$TMP/kpptpd.log" ||
	kpptpd_fail "no client limit"
kill -0 "$kpid" || kpptpd_fail "kpptpd died"
kill -0 "$mon" || kpptpd_fail "the reading monitor was dropped"
n1 ping -q -c 3 -i 0.2 -W 2 192.168.200.1 >/dev/null || kpptpd_fail "the session broke"
expect_eq "$(kctl -j conn show | py 'len(d), d[0]["calls"][0]["ppp"]')" "1 up" "after the hostile clients"
pass "garbage, a huge request, a monitor that never reads, 80 clients: refused, dropped, daemon fine"

# ------------------------------------------------------------ shutdown
kill -TERM "$kpid"
wait_for "! kill -0 $kpid" 20 || kpptpd_fail "kpptpd did not stop"
[ ! -e "$SOCK" ] || kpptpd_fail "control socket left behind"
wait_for "grep -q 'kpptpd closed its control socket: kernel events only' '$TMP/mon.err'" 10 ||
	kpptpd_fail "the monitor did not notice: $(cat "$TMP/mon.err")"
kill -0 "$mon" || kpptpd_fail "the monitor stopped with kpptpd"
wait_for "! pgrep -f 'kpptp_call '" 20 || kpptpd_fail "server pppd left"
no_calls_left n2
pass "shutdown: the control socket removed, monitor goes on with kernel events"
