#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh: "make deb".  Builds the Debian packages (debian/) with
# dpkg-buildpackage -us -uc in a clean chroot of each release named, and
# checks them with that release's lintian (no error, no warning):
#
#	packaging/deb.sh [SUITE...]	(default: trixie bookworm)
#
# The .debs, .changes and lintian's report go to build/deb/SUITE/.  Each
# chroot (debootstrap minbase, then the package's Build-Depends and
# lintian) is cached in $KPPTP_DEB_CACHE (default /var/cache/kpptp-deb),
# named by a hash of what made it, and used from a copy for every build, so
# a build never sees what an earlier one installed.  The source is the
# files git tracks, as they are in the working tree.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${KPPTP_DEB_CACHE:-/var/cache/kpptp-deb}
MIRROR=${KPPTP_VM_MIRROR:-http://deb.debian.org/debian}
OUT=$SRC/build/deb

log() { printf 'deb.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot)"
command -v debootstrap >/dev/null || die "no debootstrap (tests/host-deps.sh demo installs it)"

# in_root ROOT CMD: CMD (bash -c) chrooted in ROOT, /proc and /dev mounted
# in a private mount namespace that dies with it.
in_root() {
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		mount -t proc proc "$1/proc"
		mount --rbind /dev "$1/dev"
		exec chroot "$1" /usr/bin/env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive /bin/bash -c "$2"' \
		in_root "$1" "$2"
}

# The build dependencies, as debian/control says, and the recipe below.
chroot_hash() {
	{
		echo "$1"
		sed -n '/^Build-Depends:/,/^[A-Z]/p' "$SRC/debian/control"
		declare -f make_chroot
	} | sha256sum | cut -c1-12
}

make_chroot() {
	local suite=$1 dir=$2
	debootstrap --variant=minbase --components=main "$suite" "$dir" "$MIRROR"
	printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	printf 'APT::Install-Recommends "0";\nAPT::Install-Suggests "0";\n' \
		>"$dir/etc/apt/apt.conf.d/90kpptp-deb"
	mkdir -p "$dir/build/ctl/debian"
	cp "$SRC/debian/control" "$dir/build/ctl/debian/"
	in_root "$dir" 'apt-get install -y -q build-essential fakeroot lintian &&
		apt-get build-dep -y -q /build/ctl && apt-get clean &&
		rm -rf /build/ctl'
}

ensure_chroot() {
	local suite=$1 dir
	dir=$CACHE/$suite-$(chroot_hash "$suite")
	if [ ! -d "$dir" ]; then
		log "building the $suite chroot $(basename "$dir") (log: $dir.log)"
		rm -rf "$dir.tmp"
		mkdir -p "$CACHE"
		make_chroot "$suite" "$dir.tmp" >"$dir.log" 2>&1 ||
			die "building the $suite chroot failed; see $dir.log"
		mv -T "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

build() {
	local suite=$1 base root ver rc=0
	base=$(ensure_chroot "$suite")
	root=$CACHE/work-$suite
	rm -rf "$root"
	cp -a "$base" "$root"
	ver=$(cd "$SRC" && dpkg-parsechangelog -SVersion 2>/dev/null ||
		sed -n '1s/.*(\(.*\)).*/\1/p' debian/changelog)
	mkdir -p "$root/build/kpptp-$ver"
	(cd "$SRC" && git ls-files -z | tar --null -T - -cf -) |
		tar -xf - -C "$root/build/kpptp-$ver"
	log "$suite: dpkg-buildpackage"
	in_root "$root" "cd /build/kpptp-$ver && dpkg-buildpackage -us -uc" \
		>"$OUT/$suite/build.log" 2>&1 ||
		{ tail -30 "$OUT/$suite/build.log" >&2; die "$suite: dpkg-buildpackage failed; see $OUT/$suite/build.log"; }
	cp "$root"/build/*.deb "$root"/build/*.changes "$root"/build/*.dsc \
		"$root"/build/*.tar.* "$OUT/$suite/"
	log "$suite: lintian"
	in_root "$root" "cd /build && lintian --fail-on error,warning --display-info kpptp_*.changes" \
		>"$OUT/$suite/lintian.txt" 2>&1 || rc=1
	cat "$OUT/$suite/lintian.txt" >&2
	rm -rf "$root"
	[ "$rc" = 0 ] || die "$suite: lintian reported errors or warnings"
	log "$suite: ok: $(cd "$OUT/$suite" && ls ./*.deb | tr '\n' ' ')"
}

suites=("$@")
[ $# -gt 0 ] || suites=(trixie bookworm)
for s in "${suites[@]}"; do
	rm -rf "${OUT:?}/$s"
	mkdir -p "$OUT/$s"
	build "$s"
done
