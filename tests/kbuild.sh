#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild.sh: "make kernels".  Compiles kpptp.ko against the headers of
# several Debian kernels, each with W=1 (no warning allowed) and with sparse
# (C=2, no report allowed):
#
#	6.1     bookworm's                 linux-headers-6.1.*-amd64
#	6.12    trixie's (the test guest)  linux-headers-6.12.*-amd64
#	newest  the newest Debian offers: trixie-backports, then sid
#
# usage: tests/kbuild.sh [6.1|6.12|newest...]   (default: all three)
#
# The header packages come with a private apt configuration (its own
# sources.list and state under $KPPTP_KBUILD_CACHE, default
# /var/cache/kpptp-kbuild; the host's apt is untouched), are unpacked under
# build/kheaders/ and compiled in a test guest's rootfs (tests/vm/guest.sh:
# bookworm's, gcc 12, for 6.1; trixie's, gcc 14, for the others; sparse in
# both) from a copy of the module's sources, so the tree's own kpptp.ko is
# left alone.  Prints "ok - NAME (VERSION)" or "not ok" per kernel, then
# "N passed, N failed".
set -euo pipefail
shopt -s inherit_errexit

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${KPPTP_KBUILD_CACHE:-/var/cache/kpptp-kbuild}
MIRROR=${KPPTP_VM_MIRROR:-http://deb.debian.org/debian}
HDR=$SRC/build/kheaders
VM=$SRC/tests/vm/guest.sh

log() { printf 'kbuild.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

apt_private() {
	local d=$CACHE/apt cmd=$1 s

	shift
	mkdir -p "$d/etc/apt.conf.d" "$d/etc/preferences.d" "$d/etc/sources.list.d" \
		"$d/etc/trusted.gpg.d" "$d/state/lists/partial" "$d/cache/archives/partial"
	touch "$d/state/status"
	for s in bookworm trixie trixie-backports sid; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $s main"
	done >"$d/etc/sources.list"
	"$cmd" -q -o Dir::Etc="$d/etc" -o Dir::State="$d/state" \
		-o Dir::Cache="$d/cache" -o Dir::State::status="$d/state/status" \
		-o APT::Architecture=amd64 -o Debug::NoLocking=1 \
		-o APT::Sandbox::User=root "$@"
}

# header_pkg NAME: the linux-headers-*-amd64 package of that kernel
header_pkg() {
	local re
	case $1 in
	6.1) re='^linux-headers-6\.1\.[0-9-]*-amd64$' ;;
	6.12) re='^linux-headers-6\.12\.[0-9.]*\+deb13-amd64$' ;;
	newest) re='^linux-headers-[0-9][0-9.]*\+deb1[34]-amd64$' ;;
	*) die "unknown kernel $1 (6.1, 6.12, newest)" ;;
	esac
	apt_private apt-cache pkgnames linux-headers- | grep -E "$re" | sort -V | tail -1
}

# unpack NAME: the headers, common headers and kbuild of that kernel under
# $HDR/NAME, their Makefile pointed there as /src sees it; prints the
# kernel tree's path as the rootfs sees it
unpack() {
	local name=$1 pkg dir deps f
	pkg=$(header_pkg "$name")
	[ -n "$pkg" ] || die "no headers package for $name"
	dir=$CACHE/dl/$pkg
	if [ ! -d "$dir" ]; then
		mkdir -p "$dir.tmp"
		deps=$(apt_private apt-cache depends "$pkg" |
			sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[^ ]*\).*/\1/p')
		[ -n "$deps" ] || die "no common headers or kbuild package for $pkg"
		# shellcheck disable=SC2086
		(cd "$dir.tmp" && apt_private apt-get download "$pkg" $deps) >&2 ||
			die "downloading $pkg failed"
		mv -T "$dir.tmp" "$dir"
	fi
	rm -rf "${HDR:?}/$name"
	mkdir -p "$HDR/$name"
	for f in "$dir"/*.deb; do dpkg-deb -x "$f" "$HDR/$name"; done
	sed -i "s#/usr/src/#/src/build/kheaders/$name/usr/src/#g" \
		"$HDR/$name/usr/src/$pkg/Makefile"
	echo "/src/build/kheaders/$name/usr/src/$pkg"
}

[ "$(id -u)" -eq 0 ] || die "must run as root (the rootfs chroot)"
mkdir -p "$CACHE"
apt_private apt-get update >"$CACHE/apt.log" 2>&1 || die "apt-get update failed, see $CACHE/apt.log"

names=("$@")
[ $# -gt 0 ] || names=(6.1 6.12 newest)
passed=0 failed=0
for name in "${names[@]}"; do
	kdir=$(unpack "$name")
	copy=$SRC/build/kcopy-$name
	rm -rf "$copy"
	mkdir -p "$copy"
	cp -r "$SRC/Kbuild" "$SRC/kernel" "$SRC/include" "$copy/"
	rm -f "$copy"/kernel/*_test.c "$copy"/kernel/*.o
	ver=$(basename "$kdir")
	ver=${ver#linux-headers-}
	out=$SRC/build/kbuild-$name.log
	# in the root of its release: its compiler (6.1's wants gcc-12)
	guest=trixie
	[ "$name" != 6.1 ] || guest=bookworm
	# W=1 (warnings are errors here), then sparse over the same objects
	if KPPTP_GUEST=$guest "$VM" chroot "make -C $kdir M=/src/build/kcopy-$name W=1 modules 2>&1 &&
			make -C $kdir M=/src/build/kcopy-$name C=2 modules 2>&1" >"$out" 2>&1 &&
		! grep -E 'warning:|error:' "$out" >/dev/null; then
		echo "ok - $name ($ver)"
		passed=$((passed + 1))
	else
		echo "not ok - $name ($ver): see ${out#"$SRC"/}"
		{ grep -E 'warning:|error:' "$out" | head -5 | sed 's/^/#   /'; } || :
		failed=$((failed + 1))
	fi
	rm -rf "$copy"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
