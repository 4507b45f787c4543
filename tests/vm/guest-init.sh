#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-init.sh: PID 1 of the kpptp test guest, started by the initramfs
# (see tests/vm/guest.sh) with the rootfs overlay at / and the repository at
# /src.  It reads its instructions from /src/build/vm/guest.env:
#
#   KPPTP_VM_MODE=run     run the tests named in KPPTP_VM_ARGS, one by one
#   KPPTP_VM_MODE=script  run the script KPPTP_VM_ARGS[0] on the console
#   KPPTP_VM_MODE=shell   a root shell on the console (KPPTP_VM_ARGS: rows cols)
#
# and reports on the second serial port (/dev/ttyS1), which the host reads
# even when the guest dies:
#
#   BOOT <uptime>            the guest is up
#   START <test>             a test begins
#   PASS <test> <secs>       it exited 0 and the kernel did not complain
#   SKIP <test> <secs> why   it exited 77 (lib.sh's skip: it does not apply
#                            here), and the kernel did not complain
#   FAIL <test> <secs> why   anything else
#   SCRIPT <path>            (script mode) then PASS/FAIL script <secs>
#   SCAN kmemleak            (kernels with kmemleak, run mode, after the
#                            tests) then PASS/FAIL kmemleak <secs> [why]
#   DONE                     all done; the guest powers off
#
# No "set -e" here: PID 1 must not exit (that panics the kernel).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=linux
VM=/src/build/vm

# Kernel messages that fail the test during which they appear.
KERNEL_TROUBLE='BUG:|WARNING:|Oops|general protection|refcount_t|UBSAN|list_(add|del) corruption|unreferenced object|Call Trace:|Kernel panic|blocked for more than|rcu: INFO|ODEBUG:|leaked [0-9]+ references'

report() { echo "$*" >/dev/ttyS1; }  # open and close: close waits for the UART

poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 30
	exit 1  # still here: panic, and panic=-1 with -no-reboot ends qemu too
}

# mounted DIR: is something mounted at DIR?  (Builtins only: under TCG each
# program started from the 9p root costs ~50-100 ms, and the initramfs has
# already made most of these mounts.)
mounted() {
	local dir _
	while read -r _ dir _; do
		[ "$dir" = "$1" ] && return 0
	done </proc/mounts
	return 1
}

setup_system() {
	local flags
	[ -e /proc/mounts ] || mount -t proc proc /proc
	mounted /sys || mount -t sysfs sysfs /sys
	mounted /dev || mount -t devtmpfs devtmpfs /dev
	mounted /dev/pts || { mkdir -p /dev/pts; mount -t devpts -o mode=620,ptmxmode=666 devpts /dev/pts; }
	mounted /dev/shm || { mkdir -p /dev/shm; mount -t tmpfs -o mode=1777 tmpfs /dev/shm; }
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	[ -e /dev/stdin ] || ln -s fd/0 /dev/stdin
	[ -e /dev/stdout ] || ln -s fd/1 /dev/stdout
	[ -e /dev/stderr ] || ln -s fd/2 /dev/stderr
	mounted /tmp || mount -t tmpfs -o mode=1777 tmpfs /tmp
	[ ! -d /sys/kernel/debug ] || mounted /sys/kernel/debug ||
		mount -t debugfs debugfs /sys/kernel/debug
	# A kernel not from the rootfs (the debug kernel) brings its modules in
	# the repository's build tree (guest.sh build_debug_module).
	local kver
	kver=$(</proc/sys/kernel/osrelease)
	if [ ! -d "/lib/modules/$kver" ] && [ -d "$VM/modules/$kver" ]; then
		ln -s "$VM/modules/$kver" "/lib/modules/$kver"
	fi
	mounted /run || mount -t tmpfs -o mode=0755 tmpfs /run
	mkdir -p /run/netns /run/lock
	echo kpptp-guest >/proc/sys/kernel/hostname
	read -r flags </sys/class/net/lo/flags
	(( flags & 1 )) || ip link set lo up
	# Console: warnings and worse (a WARN splat shows up next to the test
	# output); the full log is in dmesg.
	echo 5 >/proc/sys/kernel/printk
	# No udev here: load what devices and tests need.  virtio_rng feeds the
	# crng (iperf3 and friends block on getrandom() otherwise).
	modprobe -a virtio_rng ppp_generic pppox gre ||
		echo "guest-init: some modules did not load"
	[ -c /dev/ppp ] || mknod -m 600 /dev/ppp c 108 0
	pin_static_keys
	# As installed: keep the in-tree pptp.ko from claiming PX_PROTO_PPTP
	# through the shared socket alias.
	if [ -f /src/packaging/modprobe.d-kpptp.conf ]; then
		echo "$(</src/packaging/modprobe.d-kpptp.conf)" >/etc/modprobe.d/kpptp.conf
	fi
}

# pin_static_keys: under TCG with two vCPUs, a static branch the kernel
# patches (int3 first, then the new bytes) while the other vCPU runs
# through it has oopsed on a stale int3, twice in CI: netif_rx_internal
# when a ping turned the receive-timestamp key on or off, and an NF_HOOK
# site when a test's nftables chains came and went.  That is QEMU's
# cross-modifying code, not a kernel or kpptp bug; keeping those keys on
# for the whole boot means they are patched once, before any test: a
# socket with SO_TIMESTAMP held open, and an empty base chain on every
# IPv4 and IPv6 hook of the initial namespace (tests use their own).
pin_static_keys() {
	python3 -c 'import socket, signal
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)  # SO_TIMESTAMP, not in python3.13
signal.pause()' </dev/null >/dev/null 2>>/run/kpptp-pin.err &
	echo $! >/run/kpptp-pin.pid
	nft -f - <<-'NFT' || echo "guest-init: the nftables hooks were not pinned"
		table inet kpptp_pin {
			chain pin_pre { type filter hook prerouting priority 0; }
			chain pin_in { type filter hook input priority 0; }
			chain pin_fwd { type filter hook forward priority 0; }
			chain pin_out { type filter hook output priority 0; }
			chain pin_post { type filter hook postrouting priority 0; }
		}
	NFT
}

# The environment a test or script runs with.
test_env() {
	export KPPTP_SRC=/src KPPTP_BUILD=${KPPTP_BUILD:-/src/build/guest} \
		KPPTP_KO=${KPPTP_KO:-/src/kpptp.ko}
	cd /src || return 1
}

# load_kpptp: make sure kpptp.ko is loaded (tests may unload it), with its
# dependencies.  Prints why not on failure.
load_kpptp() {
	local deps name rest
	while read -r name rest; do
		[ "$name" = kpptp ] && return 0
	done </proc/modules
	if [ ! -f "$KPPTP_KO" ]; then
		echo "guest-init: $KPPTP_KO does not exist (not built?)"
		return 1
	fi
	deps=$(modinfo -F depends "$KPPTP_KO" 2>/dev/null | tr ',' ' ')
	[ -z "$deps" ] || modprobe -a $deps  # word splitting intended
	insmod "$KPPTP_KO" || { echo "guest-init: insmod $KPPTP_KO failed"; return 1; }
}

# kernel_log_since MARKER: the kernel log after the last line with MARKER
# (all of it if the ring buffer has dropped the marker).
kernel_log_since() {
	dmesg | awk -v m="$1" 'index($0, m) { out = ""; next } { out = out $0 "\n" } END { printf "%s", out }'
}

# since EPOCHREALTIME: seconds since then, one decimal.
since() {
	local us=$(( ${EPOCHREALTIME/./} - ${1/./} ))
	printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

# A test may ask for a longer limit with a line "# timeout: SECONDS";
# KPPTP_TEST_TIMEOUT, when larger, wins (long fuzz and soak runs).
test_timeout() {
	local line t=$KPPTP_TEST_TIMEOUT
	while read -r line; do
		if [[ $line =~ ^#\ timeout:\ *([0-9]+)\ *$ ]]; then
			((BASH_REMATCH[1] > t)) && t=${BASH_REMATCH[1]}
			break
		fi
	done <"$1"
	echo $((t * ${KPPTP_TIMEOUT_SCALE:-1}))
}

# user_pids SELF: live user processes (no kernel threads, no zombies), less
# PID 1, SELF and SELF's children.
user_pids() {
	ps -e -o pid=,ppid=,stat= |
		awk -v self="$1" '$1 != 1 && $1 != 2 && $2 != 2 && $1 != self &&
			$2 != self && $3 !~ /^Z/ { print $1 }'
}

# kill_leftovers SELF BEFORE: kill the processes a test left behind (not in
# BEFORE: daemons, orphans), and delete leftover network namespaces.
kill_leftovers() {
	local self=$1 before=$2 after pids p
	after=$(user_pids "$self")
	pids=$(awk -v b="$before" 'BEGIN { n = split(b, a, "\n"); for (i = 1; i <= n; i++) old[a[i]] = 1 }
		!($1 in old)' <<<"$after")
	pids=$(for p in $pids; do [ -d "/proc/$p" ] && echo "$p"; done)
	if [ -n "$pids" ]; then
		echo "### killing processes the test left behind:"
		# shellcheck disable=SC2086
		ps -o pid=,args= -p "$(echo $pids | tr ' ' ,)" | sed 's/^/###   /'
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null
		sleep 0.2
	fi
	if [ -n "$(ip netns list)" ]; then
		echo "### deleting network namespaces the test left behind: $(ip netns list | cut -d' ' -f1 | tr '\n' ' ')"
		ip -all netns delete
	fi
}

run_test() {
	local name=$1 script=/src/tests/integration/$1.sh log=$VM/logs/$1.log
	local t0 limit why='' rc marker before tpid follow secs trouble skip self=$BASHPID

	report "START $name"
	RUNS=$((RUNS + 1))
	marker="kpptp-vm: test $name (#$RUNS) begins"
	echo "$marker" >/dev/kmsg
	limit=$(test_timeout "$script")
	before=$(user_pids "$self")
	t0=$EPOCHREALTIME
	{
		echo "### $name: $(date -u '+%F %T') on $(</proc/sys/kernel/osrelease), limit $limit s"
		if ! load_kpptp; then
			why="kpptp.ko did not load"
			echo "### FAIL: $why; running the test anyway, for its output"
		fi
	} >"$log" 2>&1
	# The test's output goes to its log file, and tail copies it to the
	# console until the test ends.  (A pipe through tee would also wait for
	# any daemon the test left holding the pipe.)
	timeout -k 10 "$limit" bash "$script" </dev/null >>"$log" 2>&1 &
	tpid=$!
	tail -n +1 -s 0.2 -f --pid="$tpid" "$log" &
	follow=$!
	wait "$tpid"
	rc=$?
	secs=$(since "$t0")
	wait "$follow"
	skip=
	# lib.sh's skip: exit 77 with its SKIP line (77 alone is a failure)
	[ $rc -ne 77 ] || skip=$(sed -n 's/^SKIP: [^:]*: //p' "$log" | tail -n 1)
	if [ -n "$skip" ] && [ -z "$why" ]; then
		:	# skipped, reported below
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		why="timed out after $limit s${why:+; $why}"
	elif [ $rc -ne 0 ]; then
		why="exit status $rc${why:+; $why}"
	fi
	# From here on, to the log and the console.
	{
		kill_leftovers "$self" "$before"
		trouble=$(kernel_log_since "$marker")
		if grep -Eq "$KERNEL_TROUBLE" <<<"$trouble"; then
			why="the kernel complained${why:+; $why}"
			echo "### the kernel complained during $name:"
			grep -E "$KERNEL_TROUBLE" <<<"$trouble"
			echo "### kernel log during $name:"
			echo "$trouble"
		elif [ -n "$why" ] && [ -n "$trouble" ]; then
			echo "### kernel log during $name:"
			echo "$trouble"
		fi
		if [ -z "$why" ] && [ -n "$skip" ]; then
			echo "### SKIP $name (${secs}s): $skip"
		elif [ -z "$why" ]; then
			echo "### PASS $name (${secs}s)"
		else
			echo "### FAIL $name (${secs}s): $why"
		fi
		echo "$why" >/run/kpptp-vm-why
	} 2>&1 | tee -a "$log"
	why=$(</run/kpptp-vm-why)
	echo "kpptp-vm: test $name ends" >/dev/kmsg
	if [ -z "$why" ] && [ -n "$skip" ]; then
		report "SKIP $name $secs $skip"
	elif [ -z "$why" ]; then
		report "PASS $name $secs"
	else
		report "FAIL $name $secs $why"
	fi
}

# kmemleak_scan: after the tests, on a kernel with kmemleak: any object
# leaked since the first test fails the run (the boot's own were cleared).
kmemleak_scan() {
	local f=/sys/kernel/debug/kmemleak log=$VM/logs/kmemleak.log t0 n secs
	[ -w "$f" ] || return 0
	report "SCAN kmemleak"
	t0=$EPOCHREALTIME
	# An object must be unreferenced in two scans; the second one also
	# sees objects younger than the first scan's 5 s grace.
	echo scan >"$f"
	sleep 6
	echo scan >"$f"
	cat "$f" >/run/kmemleak
	n=$(grep -c '^unreferenced object' /run/kmemleak)
	secs=$(since "$t0")
	# One file for every boot of the run: a later boot must not hide a leak.
	{ echo "### kmemleak after: ${KPPTP_VM_ARGS[*]}"; cat /run/kmemleak; } >>"$log"
	if [ "$n" -eq 0 ]; then
		echo "guest-init: kmemleak: nothing leaked"
		report "PASS kmemleak $secs"
	else
		echo "guest-init: kmemleak: $n unreferenced object(s):"
		head -n 60 /run/kmemleak
		report "FAIL kmemleak $secs $n unreferenced object(s), build/vm/logs/kmemleak.log"
	fi
}

# ---------------------------------------------------------------------------

setup_system
if ! . "$VM/guest.env"; then
	echo "guest-init: cannot read $VM/guest.env"
	poweroff_now
fi
: "${KPPTP_TEST_TIMEOUT:=300}"
RUNS=0
read -r uptime _ </proc/uptime
report "BOOT $uptime"
echo "guest-init: up after $uptime s; kernel $(</proc/sys/kernel/osrelease); mode $KPPTP_VM_MODE"

case "$KPPTP_VM_MODE" in
run)
	mkdir -p "$VM/logs"
	if [ -w /sys/kernel/debug/kmemleak ]; then
		# What boot leaked (or looks leaked) is not ours: scan, then mark it
		# all as reported, so that kmemleak_scan sees only the tests'.
		echo scan >/sys/kernel/debug/kmemleak
		echo clear >/sys/kernel/debug/kmemleak
	fi
	for name in "${KPPTP_VM_ARGS[@]}"; do
		(test_env && run_test "$name")
	done
	kmemleak_scan
	;;
script)
	report "SCRIPT ${KPPTP_VM_ARGS[0]}"
	t0=$EPOCHREALTIME
	(
		test_env || exit 1
		load_kpptp || echo "guest-init: continuing without kpptp.ko"
		timeout -k 10 "$(test_timeout "${KPPTP_VM_ARGS[0]}")" \
			bash "${KPPTP_VM_ARGS[0]}" </dev/null
	)
	rc=$?
	secs=$(since "$t0")
	if [ $rc -eq 0 ]; then report "PASS script $secs"; else report "FAIL script $secs exit status $rc"; fi
	;;
shell)
	(test_env; load_kpptp)
	echo "guest-init: root shell; the repository is /src; 'poweroff' (or exit) powers off"
	echo 'poweroff() { echo o >/proc/sysrq-trigger; }' >/run/kpptp-vm-shellrc
	read -r rows cols <<<"${KPPTP_VM_ARGS[0]:-24 80}"
	stty -F /dev/ttyS0 rows "$rows" cols "$cols" 2>/dev/null
	(test_env; setsid -c bash --rcfile /run/kpptp-vm-shellrc -i <>/dev/ttyS0 >&0 2>&1)
	;;
*)
	echo "guest-init: unknown mode '$KPPTP_VM_MODE'"
	;;
esac
report DONE
poweroff_now
