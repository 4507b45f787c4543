#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: kpptp's KUnit suites (kernel/*_test.c) on User-Mode Linux.
#
# The guest kernel (trixie 6.12) has no CONFIG_KUNIT, so the suites run on a
# UML kernel built from trixie's linux-source-6.12 with tests/kunit/uml.config
# merged into the UML defconfig:
#
#   1. fetch linux-source-6.12 with a private apt configuration (its own
#      sources.list and state under the cache; the host's apt is untouched),
#   2. build UML once per configuration: /var/cache/kpptp-uml/uml-<hash>,
#      <hash> covering uml.config and the host compiler,
#   3. build the test module out of tree against it (make -C BUILD M=DIR
#      ARCH=um) from the sources tests/kunit/Kbuild lists.  A module keeps the
#      cached kernel untouched: a change to a test rebuilds two objects, not
#      vmlinux, and several worktrees can share one kernel,
#   4. boot UML with the host's / as a read-only hostfs root and
#      tests/kunit/uml-init.sh as init, which loads the module (KUnit runs a
#      module's suites when it is loaded) and powers off,
#   5. parse the KTAP on the console: one "ok SUITE.CASE" / "FAIL SUITE.CASE"
#      line per test case, then "N passed, N failed".
#
# Counting: one per KUnit test case, and for a parameterised case one per
# parameter ("ok SUITE.CASE.PARAM": a table row is a test of its own).  A
# skipped case prints "SKIP" and is not counted.  Also
# failures: a kernel warning, BUG, lockdep or debugobjects report on the
# console (one failure), a suite or run that does not complete (crash or
# timeout: one failure), and no suite at all.
#
# usage: tests/kunit/run.sh          run the suites
#        tests/kunit/run.sh source   fetch the kernel source if needed and
#                                    print its directory (debug-kernel.sh)
#
# Environment:
#   KPPTP_UML_CACHE        cache directory (default /var/cache/kpptp-uml)
#   KPPTP_VM_MIRROR        Debian mirror (default http://deb.debian.org/debian)
#   KPPTP_KUNIT_TIMEOUT    limit for the UML run in seconds (default 300)
#   KPPTP_KUNIT_OPTIONAL=1 if this host cannot build UML, say why and exit 0
#   V=1                    show the build and the UML console
#
# Files: build/kunit/module (test module build), build/kunit/console.log.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$SRC/tests/quiet.sh"
CACHE=${KPPTP_UML_CACHE:-/var/cache/kpptp-uml}
MIRROR=${KPPTP_VM_MIRROR:-http://deb.debian.org/debian}
TIMEOUT=${KPPTP_KUNIT_TIMEOUT:-300}
CONFIG=$SRC/tests/kunit/uml.config
OUT=$SRC/build/kunit
PKG=linux-source-6.12
SUITE=trixie
JOBS=$(nproc)

log() { printf 'kunit: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The host cannot build or run UML: not a test failure if that is allowed.
cannot() {
	if [ "${KPPTP_KUNIT_OPTIONAL:-0}" = 1 ]; then
		echo "SKIP kunit: $*"
		echo "0 passed, 0 failed"
		exit 0
	fi
	die "cannot run the KUnit suites: $* (KPPTP_KUNIT_OPTIONAL=1 makes this a skip)"
}


check_host() {
	local tool missing=()

	[ "$(uname -m)" = x86_64 ] || cannot "UML is built for x86_64 hosts only, this is $(uname -m)"
	for tool in gcc make flex bison bc perl xz dpkg-deb apt-get sha256sum flock timeout; do
		command -v "$tool" >/dev/null || missing+=("$tool")
	done
	# UML's init (uml-init.sh) runs the host's insmod
	[ -x /usr/sbin/insmod ] || [ -x /sbin/insmod ] || missing+=(insmod)
	[ ${#missing[@]} -eq 0 ] || cannot "missing host tools: ${missing[*]}"
	[ -w "$(dirname "$CACHE")" ] || [ -w "$CACHE" ] || cannot "cache $CACHE is not writable"
}

# Private apt: trixie's index in $CACHE/apt, never the host's sources.
apt_private() {
	local d=$CACHE/apt cmd=$1

	shift
	mkdir -p "$d/etc/apt.conf.d" "$d/etc/preferences.d" "$d/etc/sources.list.d" \
		"$d/etc/trusted.gpg.d" "$d/state/lists/partial" "$d/cache/archives/partial"
	touch "$d/state/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" \
		>"$d/etc/sources.list"
	"$cmd" -q -o Dir::Etc="$d/etc" -o Dir::State="$d/state" \
		-o Dir::Cache="$d/cache" -o Dir::State::status="$d/state/status" \
		-o APT::Architecture=amd64 -o Debug::NoLocking=1 \
		-o APT::Sandbox::User=root "$@"
}

# KSRC: the newest linux-source-6.12, extracted in the cache.
fetch_source() {
	local ver dir deb tarball

	[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		cannot "no /usr/share/keyrings/debian-archive-keyring.gpg (apt-get install debian-archive-keyring)"
	apt_private apt-get update >"$CACHE/apt.log" 2>&1 ||
		cannot "apt-get update for $SUITE failed (network?), see $CACHE/apt.log"
	ver=$(apt_private apt-cache show "$PKG" 2>/dev/null |
	      sed -n 's/^Version: //p' | sort -V | tail -n 1)
	[ -n "$ver" ] || cannot "$PKG is not in $SUITE"
	dir=$CACHE/src-$ver
	if [ ! -f "$dir/.kpptp-done" ]; then
		log "fetching $PKG $ver"
		rm -rf "$dir" "$CACHE/dl"
		mkdir -p "$CACHE/dl" "$dir"
		(cd "$CACHE/dl" && apt_private apt-get download "$PKG=$ver") \
			>>"$CACHE/apt.log" 2>&1 || cannot "apt-get download $PKG=$ver failed, see $CACHE/apt.log"
		deb=$(ls "$CACHE"/dl/"$PKG"_*.deb)
		tarball=usr/src/$PKG.tar.xz
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$tarball" |
			nice xz -dc | tar -x -C "$dir" --strip-components=1
		rm -rf "$CACHE/dl"
		[ -f "$dir/Makefile" ] || die "$PKG $ver: no kernel tree in $tarball"
		touch "$dir/.kpptp-done"
	fi
	KSRC=$dir
}

# BUILD: UML for this configuration, built unless it is cached.  Only the
# first run builds; concurrent runs wait on the lock.
prepare_uml() {
	local key build ksrc opt

	key=$( { cat "$CONFIG"; gcc --version | head -n 1; } | sha256sum | cut -c1-12)
	build=$CACHE/uml-$key
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock"
	if ! flock -n 9; then
		log "waiting for another kunit run to finish building UML"
		flock 9
	fi
	if [ ! -f "$build/.kpptp-done" ]; then
		fetch_source
		ksrc=$KSRC
		log "building UML ($(basename "$ksrc"), config $key): a few minutes, log in $build.log"
		rm -rf "$build" "$build.log"
		mkdir -p "$build"
		echo "$ksrc" >"$build/.kpptp-source"
		quiet "$build.log" nice make -C "$ksrc" O="$build" ARCH=um defconfig ||
			cannot "UML defconfig failed, see $build.log"
		quiet "$build.log" "$ksrc/scripts/kconfig/merge_config.sh" -m \
			-O "$build" "$build/.config" "$CONFIG" || die "merging $CONFIG failed"
		quiet "$build.log" nice make -C "$ksrc" O="$build" ARCH=um olddefconfig ||
			die "UML olddefconfig failed, see $build.log"
		# an option Kconfig dropped (unmet dependency) is a recipe error
		while read -r opt; do
			case $opt in
			CONFIG_*=n) ! grep -q "^${opt%=n}=" "$build/.config" ||
					die "$opt did not stick in the UML .config" ;;
			CONFIG_*) grep -qx "$opt" "$build/.config" ||
					die "$opt did not stick in the UML .config" ;;
			esac
		done < <(grep -v '^#' "$CONFIG" | grep .)
		SECONDS=0
		quiet "$build.log" nice make -C "$ksrc" O="$build" ARCH=um -j"$JOBS" \
			linux modules || cannot "the UML build failed, see $build.log"
		log "UML built in ${SECONDS}s"
		touch "$build/.kpptp-done"
	fi
	flock -u 9
	exec 9>&-
	BUILD=$build
}

# The test module: tests/kunit/Kbuild lists its objects; the kernel sources
# and tests are linked into one flat directory next to it.
build_module() {
	local build=$1 dir=$OUT/module f

	# kept between runs, so make rebuilds only what changed; a module
	# built against another UML build is thrown away
	if [ "$(cat "$dir/.kpptp-uml" 2>/dev/null)" != "$build" ]; then
		rm -rf "$dir"
	fi
	mkdir -p "$dir"
	echo "$build" >"$dir/.kpptp-uml"
	find "$dir" -maxdepth 1 -type l -delete
	ln -s "$SRC/tests/kunit/Kbuild" "$dir/Kbuild"
	for f in "$SRC"/kernel/*.[ch]; do
		ln -s "$f" "$dir/$(basename "$f")"
	done
	: >"$OUT/module.log"
	quiet "$OUT/module.log" make -C "$build" ARCH=um M="$dir" W=1 modules ||
		die "test module build failed, see $OUT/module.log"
	if grep -q 'warning:' "$OUT/module.log"; then
		grep 'warning:' "$OUT/module.log" >&2
		die "test module build has warnings"
	fi
	ls "$dir"/*.ko >/dev/null 2>&1 || die "no test module in $dir"
}

# Boot UML: the host's / read-only over hostfs, uml-init.sh loads the modules.
boot() {
	local build=$1 rc=0

	# UML's memory file goes to TMPDIR; the braces keep bash's "Aborted"
	# (UML's exit on a panic) off the terminal: ktap.awk reports it
	mkdir -p "$OUT/tmp"
	{ TMPDIR=$OUT/tmp timeout --kill-after=10 "$TIMEOUT" \
		"$build/linux" mem=256M root=/dev/root rootfstype=hostfs rootflags=/ ro \
		con=null con0=null,fd:1 ssl=null printk.time=0 loglevel=7 \
		init="$SRC/tests/kunit/uml-init.sh" KPPTP_KUNIT_DIR="$OUT/module" \
		</dev/null >"$OUT/console.log" 2>&1; } 2>/dev/null || rc=$?
	if [ "${V:-0}" = 1 ]; then
		cat "$OUT/console.log"
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		log "UML timed out after ${TIMEOUT}s"
	elif [ "$rc" -ne 0 ]; then
		log "UML exited with status $rc"
	fi
	return 0
}

main() {
	if [ "${1:-}" = source ]; then
		mkdir -p "$CACHE"
		fetch_source
		echo "$KSRC"
		return
	fi
	check_host
	mkdir -p "$OUT"
	prepare_uml
	SECONDS=0
	build_module "$BUILD"
	log "test module built in ${SECONDS}s"
	SECONDS=0
	boot "$BUILD"
	log "UML ran ${SECONDS}s"
	awk -f "$SRC/tests/kunit/ktap.awk" "$OUT/console.log"
}

main "$@"
