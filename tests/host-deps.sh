#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host-deps.sh: the Debian packages the host needs for "make check",
# "make demo", "make bench" and the kernel code checks, in one list.
#
# Missing packages are installed with apt-get (as root, or through sudo);
# nothing is printed when every package is present, so this runs first in
# every entry point.  Without root and sudo, or with KPPTP_NO_INSTALL=1, it
# stops with one line naming the missing packages and the command that
# installs them.
#
# usage: tests/host-deps.sh [check|demo|debug|bench|intree|all]   (default: all)
#   check  unit tests, fuzz briefs, the UML KUnit build, the qemu guest
#   demo   the qemu guest only
#   debug  the qemu guest and its debug kernel (make check-debug)
#   bench  the qemu guest and the report's plot (Debian's python3-matplotlib)
#   intree kbuild of a whole x86 kernel tree (make intree): KUNIT's and
#          DEBUG's host tools
set -euo pipefail

# The userspace tools and their unit tests (kpptp.so needs ppp-dev; the fuzz
# harnesses clang with libFuzzer; the netlink spec check python3-yaml).
UNIT=(build-essential pkg-config libnl-3-dev libnl-genl-3-dev ppp-dev libssl-dev
	clang libclang-rt-14-dev python3 python3-yaml)
# The UML kernel for KUnit: kbuild's host tools and trixie's linux-source
# fetched with a private apt configuration; UML boots the host's / and
# loads the test module with its insmod (kmod).
KUNIT=(build-essential flex bison bc perl xz-utils dpkg debian-archive-keyring
	apt coreutils util-linux kmod)
# The qemu guest: its rootfs (debootstrap), its initramfs (static busybox,
# cpio) and qemu itself.
GUEST=(qemu-system-x86 debootstrap busybox-static cpio xz-utils zstd gzip
	util-linux coreutils mawk ca-certificates debian-archive-keyring)
# The debug guest kernel (tests/vm/debug-kernel.sh): kbuild for x86 also
# needs libelf (objtool) and OpenSSL (the kernel's trusted keyring tools).
DEBUG=(libelf-dev libssl-dev)
# make bench's report and plot, with Debian's own python3.
BENCH=(python3 python3-matplotlib)

case "${1:-all}" in
check) want=("${UNIT[@]}" "${KUNIT[@]}" "${GUEST[@]}") ;;
demo) want=("${GUEST[@]}") ;;
debug) want=("${GUEST[@]}" "${KUNIT[@]}" "${DEBUG[@]}") ;;
bench) want=("${GUEST[@]}" "${BENCH[@]}") ;;
intree) want=("${KUNIT[@]}" "${DEBUG[@]}") ;;
all) want=("${UNIT[@]}" "${KUNIT[@]}" "${GUEST[@]}" "${BENCH[@]}" "${DEBUG[@]}") ;;
*) echo "usage: $0 [check|demo|debug|bench|intree|all]" >&2; exit 2 ;;
esac

missing=()
for pkg in $(printf '%s\n' "${want[@]}" | sort -u); do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	[[ $status == ii* ]] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ "${KPPTP_NO_INSTALL:-0}" = 1 ] ||
	{ [ -n "$SUDO" ] && ! sudo -n true 2>/dev/null; }; then
	echo "host-deps: missing Debian packages: ${missing[*]}" \
		"(as root: apt-get install ${missing[*]})" >&2
	exit 1
fi

echo "host-deps: installing ${missing[*]}" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# apt_get: run apt-get quietly; on failure show its last lines and stop.
apt_get() {
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q "$@" >"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; echo "host-deps: apt-get $* failed" >&2; exit 1; }
}
# Refresh the package lists only when they were never fetched or are a day
# old: a fresh machine has none, and a second run must not pay for it.
if ! find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mtime -1 |
	grep -q .; then
	apt_get update
fi
apt_get install -y --no-install-recommends "${missing[@]}"
echo "host-deps: installed ${missing[*]}" >&2
