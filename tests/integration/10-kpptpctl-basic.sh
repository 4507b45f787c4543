#!/bin/bash
# The netlink API through kpptpctl: create, show (text and JSON), set,
# delete, events, and every error path a user can reach.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

n1 "$CTL" monitor >"$TMP/events" 2>&1 &
monitor=$!
sleep 0.5

# create with a fixed and with a random ID
n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200 window 32 | grep -q '^100 '
out=$(n1 "$CTL" -j call add peer 10.0.0.2 peer-id 201)
rid=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
[ "$rid" -ge 1 ] && [ "$rid" -le 65535 ] || fail "random call ID $rid"
[ "$rid" != 100 ] || fail "random ID collided with 100"
pass "created calls 100 and $rid"

# show: text table, JSON list, one call, stats
n1 "$CTL" call show | grep -q '^100 *200 *10.0.0.2' || fail "text show"
[ "$(n1 "$CTL" -j show | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
	fail "JSON dump does not list 2 calls"
[ "$(call_field n1 100 recv_window)" = 32 ] || fail "window not 32"
[ "$(call_field n1 100 owner)" = netlink ] || fail "owner"
[ "$(call_field n1 100 attached)" = False ] || fail "attached"
[ -n "$(call_field n1 100 channel)" ] || fail "no channel index"
[ "$(call_field n1 100 rx_packets)" = 0 ] || fail "stats"
n1 "$CTL" -s -s call show id 100 | grep -q 'rx_invalid 0' || fail "-s -s"
pass "show"

# set
n1 "$CTL" call set id 100 peer-id 300 peer-window 8 tx-window on reorder off ack-delay 0
[ "$(call_field n1 100 peer_id)" = 300 ] || fail "set peer-id"
[ "$(call_field n1 100 peer_recv_window)" = 8 ] || fail "set peer-window"
[ "$(call_field n1 100 tx_window)" = True ] || fail "set tx-window"
[ "$(call_field n1 100 reorder)" = False ] || fail "set reorder"
pass "set"

# namespaces are separate
[ "$(n2 "$CTL" -j show)" = "[]" ] || fail "n2 sees n1's calls"
n2 "$CTL" call add id 100 peer 10.0.0.1 peer-id 100 >/dev/null
pass "per-namespace tables"

expect() { # expect EXIT-CODE MESSAGE-PATTERN CMD...
	local want=$1 pat=$2 rc=0
	shift 2
	"$@" >"$TMP/out" 2>&1 || rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, not $want: $(cat "$TMP/out")"
	grep -q -- "$pat" "$TMP/out" || fail "'$*' said: $(cat "$TMP/out")"
}
expect 2 "call ID in use" n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 999
expect 2 "a call to that peer call ID exists" n1 "$CTL" call add peer 10.0.0.2 peer-id 201
expect 2 "no such call" n1 "$CTL" call del id 4242
expect 2 "no such call" n1 "$CTL" call set id 4242 window 4
expect 2 "unicast" n1 "$CTL" call add peer 224.0.0.1 peer-id 5
expect 2 "No route\|route" n1 "$CTL" call add peer 172.31.99.1 peer-id 5
expect 1 "needs \"peer ADDR\"" n1 "$CTL" call add peer-id 5
expect 1 "invalid peer address \"10.0.0\"" n1 "$CTL" call add peer 10.0.0 peer-id 5
expect 1 "invalid call ID \"65536\"" n1 "$CTL" call add id 65536 peer 10.0.0.2 peer-id 5
expect 1 "unknown key \"colour\"" n1 "$CTL" call set id 100 colour red
expect 1 "must be 1-8192" n1 "$CTL" call set id 100 window 0
expect 1 "unknown command" n1 "$CTL" frobnicate
# Without CAP_NET_ADMIN: reading works, changing does not.
expect 2 "Operation not permitted" n1 setpriv --reuid=65534 --regid=65534 \
	--clear-groups --inh-caps=-all "$CTL" call del id 100
n1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$CTL" show | grep -q '^100 ' || fail "unprivileged show"
pass "errors"

# a raw request the CLI would never send: output-only attribute refused
python3 - <<'PY' || fail "kernel accepted an output-only attribute"
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
def msg(typ, cmd, attrs, flags=5):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    return struct.pack("IHHII", 16 + len(body), typ, flags, 1, 0) + body
def attr(t, data):
    pad = (4 - len(data) % 4) % 4
    return struct.pack("HH", 4 + len(data), t) + data + b"\0" * pad
name = b"kpptp\0"
s.send(msg(16, 3, attr(2, name), flags=1))  # CTRL_CMD_GETFAMILY, no ACK
r = s.recv(65536)
fam = None
off = 20
while off < len(r):
    l, t = struct.unpack_from("HH", r, off)
    if t == 1: fam = struct.unpack_from("H", r, off + 4)[0]
    off += (l + 3) & ~3
# CALL_NEW with KPPTP_A_CHANNEL (output only, attr 15)
s.send(msg(fam, 1, attr(3, struct.pack("H", 7)) + attr(5, socket.inet_aton("10.0.0.2")) + attr(15, struct.pack("I", 1))))
r = s.recv(65536)
typ = struct.unpack_from("H", r, 4)[0]
err = struct.unpack_from("i", r, 16)[0] if typ == 2 else None
print("family", fam, "reply type", typ, "error", err)
sys.exit(0 if err == -22 else 1)
PY
pass "strict policy"

n1 "$CTL" call del id 100
n1 "$CTL" call del id "$rid"
n2 "$CTL" call del id 100
sleep 0.5
kill "$monitor"
grep -q '^\[NEW\] *100 *200' "$TMP/events" || fail "no NEW event: $(cat "$TMP/events")"
grep -q '^\[SET\] *100 *300' "$TMP/events" || fail "no SET event"
grep -q '^\[DEL\] reason netlink: *100 ' "$TMP/events" || fail "no DEL event"
[ "$(grep -c '^\[NEW\]' "$TMP/events")" = 2 ] || fail "n2's events leaked into n1"
pass "events"
no_calls_left n1 n2
