#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
# What a call allocates (the call, its per-CPU counters, its table slot) is
# charged to the memory cgroup of whoever made it, and a namespace holds at
# most max-calls calls: 65535 by default, 1024 in a namespace of a user
# namespace, which may lower its limit but not raise it past that.
#
#	cgroup v2 kpptp41-PID (memory)      user namespace (unshare -Urn)
#	  kpptpctl call add x N  -> $NS1      its own netns, max-calls 1024
#	$NS2: max-calls 3
. "$(dirname "$0")/lib.sh"
setup_ns n1 n2

N=500
CGROOT=/sys/fs/cgroup
if ! grep -q "^cgroup2 $CGROOT " /proc/mounts; then
	mount -t cgroup2 none "$CGROOT"
	on_cleanup "umount $CGROOT"
fi
grep -qw memory "$CGROOT/cgroup.controllers" || fail "no memory controller"
grep -qw memory "$CGROOT/cgroup.subtree_control" ||
	echo +memory >"$CGROOT/cgroup.subtree_control"
CG=$CGROOT/kpptp41-$$
mkdir "$CG"
on_cleanup "rmdir $CG"

# in_cg CMD...: run CMD inside the cgroup
in_cg() { bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"; }
# kmem KEY: a memory.stat figure of the cgroup, bytes
kmem() { awk -v k="$1" '$1 == k { print $2 }' "$CG/memory.stat"; }
add_calls() {
	in_cg ip netns exec "$NS1" bash -c \
		'for i in $(seq 1 "$1"); do "$0" call add peer 10.0.0.2 >/dev/null || exit 1; done' \
		"$CTL" "$1"
}

add_calls 5	# warm up: the cgroup's first charges are not ours
n1 "$CTL" -j call show | python3 -c 'import json, sys; [print(c["id"]) for c in json.load(sys.stdin)]' |
	while read -r id; do n1 "$CTL" call del id "$id"; done
slab0=$(kmem slab_unreclaimable)
pcpu0=$(kmem percpu)
add_calls $N
[ "$(net_field n1 calls)" = $N ] || fail "$N calls expected, $(net_field n1 calls)"
slab1=$(kmem slab_unreclaimable)
pcpu1=$(kmem percpu)
echo "slab_unreclaimable $slab0 -> $slab1, percpu $pcpu0 -> $pcpu1 for $N calls"
# a call is well over 256 bytes, its counters 120 bytes per possible CPU
[ $((slab1 - slab0)) -ge $((N * 256)) ] ||
	fail "slab grew by $((slab1 - slab0)) bytes for $N calls: not charged"
[ $((pcpu1 - pcpu0)) -ge $((N * 100)) ] ||
	fail "percpu grew by $((pcpu1 - pcpu0)) bytes for $N calls: not charged"
pass "$N calls charged to their creator's memory cgroup ($(((slab1 - slab0) / N)) + $(((pcpu1 - pcpu0) / N)) bytes each)"

n1 "$CTL" -j call show | python3 -c 'import json, sys; [print(c["id"]) for c in json.load(sys.stdin)]' |
	while read -r id; do n1 "$CTL" call del id "$id"; done
# deletes finish a grace period later
wait_for "[ \$(kmem slab_unreclaimable) -lt $((slab0 + (slab1 - slab0) / 4)) ]" 20 ||
	fail "slab not uncharged after the deletes: $slab0 -> $(kmem slab_unreclaimable)"
pass "uncharged when the calls go"

# ------------------------------------------------------------ the limit
expect_eq "$(net_field n2 max_calls)" 65535 "default max_calls, initial user namespace"
n2 "$CTL" net show | grep -qx 'max_calls 65535' || fail "net show: $(n2 "$CTL" net show)"
n2 "$CTL" net set max-calls 3
expect_eq "$(net_field n2 max_calls)" 3 "max_calls after net set"
for i in 1 2 3; do n2 "$CTL" call add id $i peer 10.0.0.1 >/dev/null; done
rc=0
n2 "$CTL" call add id 4 peer 10.0.0.1 >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] || fail "call 4 beyond max-calls 3: exit $rc"
grep -q "call limit of the namespace reached" "$TMP/err" || fail "error: $(cat "$TMP/err")"
if n2 "$STATIC" --peer 10.0.0.1 --local 10.0.0.2 --peer-id 9 >"$TMP/static" 2>&1; then
	fail "a socket made a call beyond max-calls"
fi
grep -q "bind: Disk quota exceeded" "$TMP/static" || fail "bind: $(cat "$TMP/static")"
n2 "$CTL" call del id 3
n2 "$CTL" call add id 4 peer 10.0.0.1 >/dev/null || fail "no room after a delete"
n2 "$CTL" net set max-calls 1
expect_eq "$(net_field n2 calls)" 3 "calls above a lowered limit stay"
pass "max-calls refuses call N+1 (netlink and socket), keeps what exists"

# A namespace made with a user namespace: 1024, may lower, not raise.
unshare -U -r -n bash -c '
	set -e
	[ "$("$0" net show | sed -n "s/^max_calls //p")" = 1024 ]
	"$0" net set max-calls 2000 2>"$1/uerr" && exit 10
	grep -q "above the default needs CAP_NET_ADMIN in the initial user namespace" "$1/uerr" || exit 11
	"$0" net set max-calls 2
	"$0" call add peer 10.0.0.1 >/dev/null
	"$0" call add peer 10.0.0.1 >/dev/null
	"$0" call add peer 10.0.0.1 >/dev/null 2>"$1/uerr" && exit 12
	grep -q "call limit of the namespace reached" "$1/uerr" || exit 13
	"$0" net set max-calls 1024
' "$CTL" "$TMP" || fail "user namespace limits (step $?): $(cat "$TMP/uerr" 2>/dev/null)"
pass "max-calls in a user namespace: 1024, lowered, not raised"
