#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh: the debug guest kernel (KASAN, KFENCE, kmemleak, lockdep,
# debugobjects, DEBUG_NET, refcount trackers, UBSAN) that "make check-debug"
# boots instead of Debian's.
#
# It is trixie's linux-source-6.12 (the source tests/kunit/run.sh fetches,
# the same version as the guest's Debian kernel), configured as
# x86_64_defconfig + kvm_guest.config + tests/vm/debug.config: a lean
# kernel with what the guest and the tests need built in, and PPP, GRE and
# the PPTP conntrack helpers as modules, as in Debian's kernel.  Debian's
# own configuration would build thousands of modules nobody loads here and
# take hours on two cores.
#
# The build is cached in $CACHE/debug-<hash> (hash of debug.config, the
# build recipe below and the host compiler): kernel and module tree in it,
# modules installed under root/.  The first build takes 30-60 minutes of
# both cores, after installing what it needs (tests/host-deps.sh debug:
# guest.sh runs with only the demo list when it boots this kernel).
#
# usage: tests/vm/debug-kernel.sh          build unless cached; print the dir
#
# Environment: KPPTP_VM_CACHE (default /var/cache/kpptp-vm), V=1 (show the
# build).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$SRC/tests/quiet.sh"
CACHE=${KPPTP_VM_CACHE:-/var/cache/kpptp-vm}
CONFIG=$SRC/tests/vm/debug.config
JOBS=$(nproc)

log() { printf 'debug-kernel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The cache key: what the kernel is built from (comments do not count).
key() {
	{ cat "$CONFIG"; declare -f build check_config; gcc --version | head -n 1; } |
		sha256sum | cut -c1-12
}

# check_config BUILD: every option of debug.config is in the .config (an
# option Kconfig dropped for an unmet dependency is a recipe error).
check_config() {
	local opt
	while read -r opt; do
		case $opt in
		CONFIG_*=n) ! grep -q "^${opt%=n}=" "$1/.config" ||
				die "$opt did not stick" ;;
		CONFIG_*) grep -qx "$opt" "$1/.config" || die "$opt did not stick" ;;
		esac
	done < <(grep -v '^#' "$CONFIG" | grep .)
}

build() {
	local build=$1 ksrc t0=$SECONDS

	ksrc=$("$SRC/tests/kunit/run.sh" source) || die "no kernel source"
	log "building $(basename "$ksrc") with debug.config: 30-60 min; log $build.log"
	rm -rf "$build" "$build.log"
	mkdir -p "$build"
	echo "$ksrc" >"$build/.kpptp-source"
	quiet "$build.log" make -C "$ksrc" O="$build" x86_64_defconfig kvm_guest.config ||
		die "defconfig failed, see $build.log"
	quiet "$build.log" "$ksrc/scripts/kconfig/merge_config.sh" -m -O "$build" \
		"$build/.config" "$CONFIG" || die "merging debug.config failed"
	quiet "$build.log" make -C "$ksrc" O="$build" olddefconfig ||
		die "olddefconfig failed, see $build.log"
	check_config "$build"
	quiet "$build.log" nice make -C "$ksrc" O="$build" -j"$JOBS" bzImage modules ||
		die "the build failed, see $build.log"
	quiet "$build.log" make -C "$ksrc" O="$build" INSTALL_MOD_PATH="$build/root" \
		INSTALL_MOD_STRIP=1 modules_install ||
		die "modules_install failed, see $build.log"
	log "built in $(( (SECONDS - t0) / 60 )) min"
	touch "$build/.kpptp-done"
}

main() {
	local build

	build=$CACHE/debug-$(key)
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.debug.lock"
	flock -n 9 || { log "waiting for another debug kernel build"; flock 9; }
	if [ ! -f "$build/.kpptp-done" ]; then
		# kbuild's host tools, libelf for objtool (quiet when present)
		bash "$SRC/tests/host-deps.sh" debug >&2 || die "host packages missing"
		build "$build"
	fi
	echo "$build"
}

main "$@"
