#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kpptpctl against kpptp.ko: call add (fixed and random ID), show as a table,
# as JSON and with counters, set (one flag must not reset another), del,
# stats, monitor's events in text and JSON, every error path a user can
# reach with its exit status (1: usage, 2: the kernel said no), and that
# without CAP_NET_ADMIN even reading is refused.
. "$(dirname "$0")/lib.sh"
setup_veth_pair

# expect STATUS PATTERN CMD...: CMD exits STATUS, prints nothing on stdout,
# and its stderr matches PATTERN (grep -E).
expect() {
	local want=$1 pat=$2 rc=0
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = "$want" ] ||
		fail "'$*' exited $rc, not $want: $(cat "$TMP/out" "$TMP/err")"
	[ ! -s "$TMP/out" ] || fail "'$*' printed on stdout: $(cat "$TMP/out")"
	grep -qE -- "$pat" "$TMP/err" || fail "'$*' said: $(cat "$TMP/err")"
}

# json CMD...: CMD's stdout must be JSON (one document, or one per line)
# whose keys are all snake_case; prints each document on a line.
json() {
	"$@" | python3 -c '
import json, re, sys
def check(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", k):
                sys.exit("not snake_case: %r" % k)
            check(x)
    elif isinstance(v, list):
        for x in v:
            check(x)
text = sys.stdin.read()
try:
    docs = [json.loads(text)]
except ValueError:
    docs = [json.loads(l) for l in text.splitlines() if l.strip()]
for d in docs:
    check(d)
    print(json.dumps(d))'
}

# ------------------------------------------------------------ monitor
n1 "$CTL" monitor >"$TMP/events" 2>&1 &
mon_text=$!
n1 "$CTL" -j monitor >"$TMP/events.json" 2>&1 &
mon_json=$!
# The monitors are listening once they see a call come and go; until then
# (they may not have subscribed yet) make it come and go again.
canary() {
	n1 "$CTL" call add id 1 peer 10.0.0.2 peer-id 1 >/dev/null
	n1 "$CTL" call del id 1
	sleep 0.2
	grep -q '^\[DEL\] call 1 ' "$TMP/events" &&
		grep -q '"event":"del","id":1,' "$TMP/events.json"
}
wait_for canary 20 ||
	fail "monitors saw nothing: $(cat "$TMP/events" "$TMP/events.json"; pgrep -af 'kpptpctl.*monitor')"
pass "monitors listening"

# ------------------------------------------------------------ add
out=$(n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 200 window 32)
echo "$out" | grep -qE '^ID +PEER-ID +PEER +LOCAL +OWNER +ATTACHED +CHANNEL +IFNAME +AGE$' ||
	fail "call add: no table header: $out"
echo "$out" | grep -qE '^100 +200 +10\.0\.0\.2 +- +netlink +no +- +- +[0-9.]+s$' ||
	fail "call add printed: $out"
rid=$(json n1 "$CTL" -j call add peer 10.0.0.2 peer-id 201 |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
if ! [ "$rid" -ge 1 ] || ! [ "$rid" -le 65535 ] || [ "$rid" = 100 ]; then
	fail "random call ID $rid"
fi
pass "call add: call 100 and random call $rid"

# ------------------------------------------------------------ show
for cmd in "call show" "show" "call list" ""; do
	# shellcheck disable=SC2086
	n1 "$CTL" $cmd | grep -qE '^100 +200 +10\.0\.0\.2 ' || fail "'kpptpctl $cmd'"
done
[ "$(n1 "$CTL" show | grep -cE '^[0-9]+ ')" = 2 ] || fail "show lists $(n1 "$CTL" show)"
[ "$(json n1 "$CTL" -j show | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
	fail "JSON show does not list 2 calls"
[ "$(json n1 "$CTL" -j -p -s show | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = 2 ] ||
	fail "pretty JSON show does not list 2 calls"
expect_eq "$(call_field n1 100 recv_window)" 32 "recv_window"
expect_eq "$(call_field n1 100 peer)" 10.0.0.2 "peer"
expect_eq "$(call_field n1 100 local)" "" "local (null: from the route)"
expect_eq "$(call_field n1 100 owner)" netlink "owner"
expect_eq "$(call_field n1 100 attached)" False "attached"
expect_eq "$(call_field n1 100 ifname)" "" "ifname (null: no unit)"
expect_eq "$(call_field n1 100 tx_window)" False "tx_window default"
expect_eq "$(call_field n1 100 reorder)" True "reorder default"
expect_eq "$(call_field n1 100 rx_packets)" 0 "rx_packets"
expect_eq "$(call_field n1 100 channel)" "" "channel (none until a socket owns the call)"
[ "$(json n1 "$CTL" -j show | python3 -c 'import json, sys; print("stats" in json.load(sys.stdin)[0])')" = False ] ||
	fail "JSON without -s has stats"
out=$(n1 "$CTL" -s call show id 100)
echo "$out" | grep -qE '^    rx_packets 0 rx_bytes 0 tx_packets [0-9]+ tx_bytes [0-9]+$' ||
	fail "-s: $out"
echo "$out" | grep -q 'rx_invalid 0' || fail "-s: no rx_invalid: $out"
echo "$out" | grep -q 'tx_dropped' && fail "-s shows -s -s counters: $out"
out=$(n1 "$CTL" -s -s call show id 100)
echo "$out" | grep -q 'tx_dropped 0' || fail "-s -s: $out"
echo "$out" | grep -qE '^    window 32 peer-window [0-9]+ .*reorder on ' || fail "-s -s settings: $out"
pass "show: table, JSON, -s, -s -s"

# ------------------------------------------------------------ set
n1 "$CTL" call set id 100 peer-id 300 peer-window 8 ack-delay 0 reorder-timeout 50 reorder-depth 10
expect_eq "$(call_field n1 100 peer_id)" 300 "set peer-id"
expect_eq "$(call_field n1 100 peer_recv_window)" 8 "set peer-window"
expect_eq "$(call_field n1 100 ack_delay_ms)" 0 "set ack-delay"
expect_eq "$(call_field n1 100 reorder_timeout_ms)" 50 "set reorder-timeout"
expect_eq "$(call_field n1 100 reorder_depth)" 10 "set reorder-depth"
expect_eq "$(call_field n1 100 recv_window)" 32 "window kept"
# Flags change one at a time (KPPTP_A_FLAGS_MASK); the transmit window is
# chosen when the call is created (it decides whether the ppp unit queues).
n1 "$CTL" call set id 100 reorder off
expect_eq "$(call_field n1 100 reorder)" False "set reorder off"
expect_eq "$(call_field n1 100 tx_window)" False "reorder off kept tx-window"
if n1 "$CTL" call set id 100 tx-window on 2>"$TMP/err"; then
	fail "tx-window changed on an existing call"
fi
grep -q "transmit window is chosen when the call is created" "$TMP/err" ||
	fail "tx-window on: $(cat "$TMP/err")"
n1 "$CTL" call set id 100 reorder on
expect_eq "$(call_field n1 100 reorder)" True "set reorder on"
expect_eq "$(call_field n1 100 tx_window)" False "reorder on kept tx-window"
pass "set"

# ------------------------------------------------------------ stats, netns
[ "$(n1 "$CTL" stats | sed -n 's/^calls //p')" = 2 ] || fail "stats: $(n1 "$CTL" stats)"
n1 "$CTL" stats | grep -qE '^rx_malformed [0-9]+$' || fail "stats: no rx_malformed"
expect_eq "$(net_field n1 calls)" 2 "stats -j calls"
expect_eq "$(net_field n1 rx_unknown_call)" 0 "stats -j rx_unknown_call"
json n1 "$CTL" -j stats >/dev/null
expect_eq "$(n2 "$CTL" -j show)" "[]" "n2 sees n1's calls"
n2 "$CTL" call add id 100 peer 10.0.0.1 peer-id 100 >/dev/null
pass "stats; one call table per namespace"

# ------------------------------------------------------------ errors
# the kernel refuses: exit 2, its reason, the input it refused
expect 2 'call add: call ID in use' n1 "$CTL" call add id 100 peer 10.0.0.2 peer-id 999
expect 2 'call add: a call to that peer call ID exists' n1 "$CTL" call add peer 10.0.0.2 peer-id 201
# a call cannot move onto a peer call another call has; the old one stays its own
expect 2 'call set: .*a call to that peer call ID exists' n1 "$CTL" call set id 100 peer-id 201
expect_eq "$(call_field n1 100 peer_id)" 300 "peer-id after a refused move"
expect 2 'call add: a call to that peer call ID exists' n1 "$CTL" call add peer 10.0.0.2 peer-id 300
n1 "$CTL" call set id 100 peer-id 301
n1 "$CTL" call add id 150 peer 10.0.0.2 peer-id 300 >/dev/null	# 300 is free again
n1 "$CTL" call del id 150
n1 "$CTL" call set id 100 peer-id 300
expect 2 'call add: peer "224\.0\.0\.1": peer must be a unicast address' \
	n1 "$CTL" call add peer 224.0.0.1 peer-id 5
expect 2 'call add: no route to the peer' n1 "$CTL" call add peer 172.31.99.1 peer-id 5
expect 2 'call add: window "9000": .*must be 1-[0-9]+' \
	n1 "$CTL" call add peer 10.0.0.2 peer-id 6 window 9000
expect 2 'call set: window "0": .*must be 1-[0-9]+' n1 "$CTL" call set id 100 window 0
expect 2 'call del: id "4242": no such call \(No such file or directory\)' \
	n1 "$CTL" call del id 4242
expect 2 'call set: id "4242": no such call' n1 "$CTL" call set id 4242 window 4
expect 2 'call set: id "4242": no such call' n1 "$CTL" call set id 4242 reorder off
expect 2 'call show: id "4242": no such call' n1 "$CTL" call show id 4242
expect 2 'call show: id "4242": no such call' n1 "$CTL" -j call show id 4242
# usage errors: exit 1, before the kernel is asked
expect 1 'call add: missing "peer ADDR"' n1 "$CTL" call add peer-id 5
expect 1 'usage: kpptpctl call add peer ADDR' n1 "$CTL" call add peer-id 5
expect 1 'invalid peer address "10\.0\.0"' n1 "$CTL" call add peer 10.0.0 peer-id 5
expect 1 'invalid call ID "65536": must be 1-65535' \
	n1 "$CTL" call add id 65536 peer 10.0.0.2 peer-id 5
expect 1 'unknown key "colour"' n1 "$CTL" call set id 100 colour red
expect 1 '"peer" cannot be given to call set' n1 "$CTL" call set id 100 peer 10.0.0.3
expect 1 'call del: expected "id ID"' n1 "$CTL" call del 100
expect 1 'unknown command "frobnicate"' n1 "$CTL" frobnicate
expect 1 'unknown option "-x"' n1 "$CTL" -x show
pass "errors: kernel (2) and usage (1)"

# ------------------------------------------------------------ privilege
# Without CAP_NET_ADMIN over the namespace the kernel neither changes nor
# tells anything: calls name their clients' addresses and call IDs.
# nobody WRAPPER CMD...: CMD in that namespace as nobody, no capabilities.
nobody() {
	local ns=$1
	shift
	"$ns" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}
# denied CMD...: CMD exits 2, says EPERM and lists no call (a JSON dump
# may print its empty brackets).
denied() {
	local rc=0
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = 2 ] || fail "'$*' exited $rc, not 2: $(cat "$TMP/out" "$TMP/err")"
	grep -q 'Operation not permitted.*CAP_NET_ADMIN' "$TMP/err" ||
		fail "'$*' said: $(cat "$TMP/err")"
	! grep -q '[0-9]' "$TMP/out" || fail "'$*' printed: $(cat "$TMP/out")"
}
denied nobody n1 "$CTL" call del id 100
denied nobody n1 "$CTL" call show id 100
denied nobody n1 "$CTL" show
denied nobody n1 "$CTL" -j show
denied nobody n1 "$CTL" stats
denied nobody n1 timeout 10 "$CTL" monitor
# Attaching to a call another socket owns answers EPERM, not EBUSY: an
# unprivileged user cannot tell which call IDs exist.
n2 "$STATIC" --peer 10.0.0.1 --local-id 100 --peer-id 100 >"$TMP/owner" &
wait_for "grep -q unit $TMP/owner"
expect_eq "$(call_field n2 100 attached)" True "n2's call 100 attached"
expect 1 'bind: Operation not permitted' \
	nobody n2 "$STATIC" --peer 10.0.0.1 --local-id 100 --peer-id 100
# ... while the owner of a user namespace may manage its own netns's calls
unshare -Urn "$CTL" stats | grep -q '^calls 0$' || fail "stats in an own netns"
pass "no CAP_NET_ADMIN: EPERM for get, dump, stats, monitor, attach, del"

# ------------------------------------------------------------ del, events
n1 "$CTL" call del id 100
n1 "$CTL" call del id "$rid"
n2 "$CTL" call del id 100
expect_eq "$(n1 "$CTL" -j show)" "[]" "calls left after del"
wait_for "grep -q '^\[DEL\] call $rid ' $TMP/events"
# the JSON monitor is a process of its own: wait for it too
wait_for "grep -q '\"event\":\"del\",\"id\":$rid,' $TMP/events.json"
kill "$mon_text" "$mon_json"
wait "$mon_text" "$mon_json" 2>/dev/null || true
ev=$TMP/events
grep -qE '^\[NEW\] call 100 peer 10\.0\.0\.2 peer-id 200 local - owner netlink attached no channel - ifname - age [0-9.]+s$' "$ev" ||
	fail "no NEW event for 100: $(cat "$ev")"
grep -qE '^\[SET\] call 100 peer 10\.0\.0\.2 peer-id 300 ' "$ev" || fail "no SET event: $(cat "$ev")"
grep -qE '^\[DEL\] call 100 reason netlink peer 10\.0\.0\.2 peer-id 300 .* rx_packets 0 rx_bytes 0 tx_packets [0-9]+ ' "$ev" ||
	fail "no DEL event for 100: $(cat "$ev")"
# n1 made 100, a random ID and 150
[ "$(grep '^\[NEW\]' "$ev" | grep -vc '^\[NEW\] call 1 ')" = 3 ] ||
	fail "n2's events leaked into n1: $(cat "$ev")"
grep -vqE '^\[(NEW|SET|DEL)\] call [0-9]+ ' "$ev" && fail "stray monitor output: $(cat "$ev")"
json cat "$TMP/events.json" >"$TMP/events.lines"
python3 - "$TMP/events.lines" <<'PY' || fail "JSON events: $(cat "$TMP/events.json")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [(e["event"], e["id"]) for e in ev]
assert ("new", 100) in kinds and ("set", 100) in kinds and ("del", 100) in kinds, kinds
d = [e for e in ev if e["event"] == "del" and e["id"] == 100][0]
assert d["reason"] == "netlink" and "stats" in d and d["peer"] == "10.0.0.2", d
assert list(ev[0])[0] == "event", ev[0]
PY
pass "monitor: [NEW] [SET] [DEL], text and JSON"
no_calls_left n1 n2
