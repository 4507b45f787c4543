#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh: the kpptp test guest.  The host kernel cannot load modules, so
# kpptp.ko only ever runs in a Debian trixie guest (kernel 6.12) booted under
# qemu TCG.  The guest's root file system is a cached directory on the host,
# shared read-only over 9p and made writable in the guest by a tmpfs overlay
# (every boot starts clean); the repository is a second 9p share at /src.
#
# usage: tests/vm/guest.sh COMMAND
#   host-deps         install the host packages this script needs
#   rootfs            build the guest rootfs if its recipe changed; print it
#   chroot "CMD"      run CMD in the rootfs (bash -c), repository at /src
#   build             kpptp.ko, userspace tools and test tools for the guest
#   run [TEST...]     build, boot, run tests/integration/[0-9]*.sh (or the
#                     named ones), print "ok"/"not ok" lines and a summary
#   demo              build, boot, run tests/integration/demo.sh
#   bench             build, boot, run tests/bench/bench.sh
#   bench-relay       build, boot, run tests/bench/relay.sh (relay chains)
#   shell             build, boot to a root shell on the console (Ctrl-A x quits)
#   deaths LOG        how each boot in console log LOG died: "boot N:
#                     emulator|guest: SUMMARY", one line per boot that
#                     ended in a kernel report (tests/vm/deaths-test.sh)
#   prune             delete cached rootfs and initramfs builds other than the
#                     current ones (and those a running guest uses)
#
# Environment:
#   KPPTP_VM_CACHE      cache directory (default /var/cache/kpptp-vm)
#   KPPTP_VM_MIRROR     Debian mirror (default http://deb.debian.org/debian)
#   KPPTP_GUEST         trixie (default: kernel 6.12, pppd 2.5.2) or bookworm
#                       (kernel 6.1, pppd 2.4.9; its builds in
#                       build/guest-bookworm, the tree's kpptp.ko untouched)
#   KPPTP_TEST_TIMEOUT  per-test limit in seconds (default 300; a test can
#                       ask for more with a "# timeout: N" line)
#   KPPTP_VM_NOBUILD=1  boot with the artifacts already in the tree
#   KPPTP_VM_APPEND     more kernel command line (e.g. loglevel=7)
#   KPPTP_GUEST_KERNEL  debian (default): the rootfs's own kernel; debug: the
#                       debug kernel of tests/vm/debug-kernel.sh (KASAN,
#                       kmemleak, lockdep...; built and cached on first use),
#                       test limits x4, and a kmemleak scan after the tests
#   V=1                 show the guest console while tests run
#   KPPTP_*             all other KPPTP_ variables are passed to the guest
#
# Files: build/vm/console.log (guest console, every boot of the last run),
# build/vm/logs/NAME.log (one per test), build/vm/results (serial report).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${KPPTP_VM_CACHE:-/var/cache/kpptp-vm}
MIRROR=${KPPTP_VM_MIRROR:-http://deb.debian.org/debian}
TEST_TIMEOUT=${KPPTP_TEST_TIMEOUT:-300}
GUEST_KERNEL=${KPPTP_GUEST_KERNEL:-debian}
OUT=$SRC/build/vm

# Guest packages.  Changing this list (or a recipe_* function below) builds a
# new rootfs next to the old one; "guest.sh prune" removes old ones.
GUEST_PACKAGES=(
	linux-image-amd64 linux-headers-amd64 gcc make libc6-dev pkg-config
	libnl-3-dev libnl-genl-3-dev sparse perl
	ppp ppp-dev pptp-linux pptpd dkms systemd
	kmod procps psmisc util-linux iproute2 iputils-ping ethtool
	iperf3 tcpdump tshark python3 strace nftables linux-perf
	freeradius freeradius-utils libssl-dev
)

# qemu: 9p mount tags and options (the read-only root can be cached freely,
# the repository not), and the kernel command line (printk.devkmsg=on: the
# runner writes markers to /dev/kmsg).
ROOT_TAG=rootfs
ROOT_OPTS=trans=virtio,version=9p2000.L,msize=512000,cache=loose
SRC_TAG=kpptp-src
SRC_OPTS=trans=virtio,version=9p2000.L,msize=512000
KERNEL_ARGS="console=ttyS0 quiet panic=-1 printk.devkmsg=on mitigations=off ${KPPTP_VM_APPEND:-}"

log() { printf 'guest.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The guest: trixie (kernel 6.12, pppd 2.5.2) or bookworm (6.1, pppd 2.4.9).
# The bookworm guest's builds go beside the trixie guest's, which keeps the
# tree's own kpptp.ko and build/guest; the two never run at once (build/vm).
GUEST=${KPPTP_GUEST:-trixie}
case $GUEST in
trixie) SUITE=trixie ;;
bookworm)
	SUITE=bookworm
	KPPTP_BUILD=/src/build/guest-bookworm
	KPPTP_KO=$KPPTP_BUILD/module/kpptp.ko
	;;
*) die "KPPTP_GUEST=$GUEST: expected trixie or bookworm" ;;
esac

# Background processes (qemu...) to stop if we are interrupted: in a
# non-interactive shell they ignore the terminal's Ctrl-C.
BACKGROUND=()
QEMU_END="not started"	# how the last boot ended (guest_death)
stop_background() {
	local pid
	for pid in "${BACKGROUND[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
}
trap stop_background EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need_root() {
	[ "$(id -u)" -eq 0 ] && return
	command -v sudo >/dev/null || die "must run as root (debootstrap, chroot, mounts)"
	log "re-running as root with sudo"
	exec sudo --preserve-env "$0" "$@"
}

# ---------------------------------------------------------------- host-deps

static_busybox() {
	local bb out
	bb=$(command -v busybox) || return 1
	out=$(LC_ALL=C ldd "$bb" 2>&1) || true
	[[ $out == *"not a dynamic executable"* ]] || return 1
	echo "$bb"
}

# The host packages the guest needs: one list, in tests/host-deps.sh.
host_deps() {
	bash "$SRC/tests/host-deps.sh" demo
}

# ------------------------------------------------------------------- rootfs
#
# The recipe_* functions run on the host with the new rootfs as $1.  Their
# text (as bash prints it: comments do not count) and GUEST_PACKAGES make the
# recipe hash that names the cached rootfs.

recipe_debootstrap() {
	debootstrap --variant=minbase --components=main "$SUITE" "$1" "$MIRROR"
}

recipe_configure() {
	local root=$1
	# No service may start in the chroot (pptpd's postinst would try).
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	# Lean: no recommends, no documentation, no translations.
	printf 'APT::Install-Recommends "0";\nAPT::Install-Suggests "0";\n' \
		>"$root/etc/apt/apt.conf.d/90kpptp-vm"
	cat >"$root/etc/dpkg/dpkg.cfg.d/90kpptp-vm" <<-'EOF'
	path-exclude=/usr/share/doc/*
	path-exclude=/usr/share/man/*
	path-exclude=/usr/share/info/*
	path-exclude=/usr/share/locale/*
	EOF
	# The guest boots from our own initramfs, so the kernel package need not
	# spend ~30 s generating Debian's.
	in_root "$root" "" 'dpkg-divert --local --rename --add /usr/sbin/update-initramfs &&
		ln -s /bin/true /usr/sbin/update-initramfs'
}

recipe_packages() {
	in_root "$1" "" "DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends ${GUEST_PACKAGES[*]}"
}

recipe_finish() {
	local root=$1
	echo kpptp-guest >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tkpptp-guest\n::1\tlocalhost\n' \
		>"$root/etc/hosts"
	: >"$root/etc/fstab"
	mkdir -p "$root/src"
	# Nothing in the guest starts daemons: /sbin/init is never run (the
	# guest's PID 1 is tests/vm/guest-init.sh), and pptpd stays off.
	in_root "$root" "" 'apt-get clean && rm -rf /var/lib/apt/lists/*'
}

recipe_hash() {
	{
		echo "$SUITE ${GUEST_PACKAGES[*]}"
		declare -f recipe_debootstrap recipe_configure recipe_packages recipe_finish
	} | sha256sum | cut -c1-12
}

# in_root ROOT SRC CMD: run CMD (bash -c) chrooted in ROOT with /proc, /sys
# and /dev mounted and, if SRC is not empty, SRC bind-mounted at /src.  The
# mounts live in a private mount namespace that dies with the command, so
# nothing stays mounted on the host however the command ends (even kill -9),
# and deleting a rootfs can never reach into the bind-mounted repository.
in_root() {
	local root=$1 src=$2 cmd=$3
	# shellcheck disable=SC2016
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		root=$1 src=$2; shift 2
		mount -t proc proc "$root/proc"
		mount -t sysfs sysfs "$root/sys"
		mount --rbind /dev "$root/dev"
		if [ -n "$src" ]; then
			mkdir -p "$root/src"
			mount --bind "$src" "$root/src"
		fi
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" ${V:+V="$V"} \
			/bin/bash -c "$1"' in_root "$root" "$src" "$cmd"
}

# A directory we may rm -rf: under the cache and with nothing mounted inside.
safe_rm() {
	local dir=$1
	case "$dir" in "$CACHE"/rootfs-*) ;; *) die "refusing to delete $dir" ;; esac
	if awk -v d="$dir/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' \
		/proc/self/mounts; then
		die "something is mounted under $dir; not deleting it"
	fi
	rm -rf --one-file-system "$dir"
}

rootfs_dir() { echo "$CACHE/rootfs-$(recipe_hash)"; }

# ensure_rootfs: build the rootfs for the current recipe unless cached.
ensure_rootfs() {
	local dir tmp t0 t1 t2
	dir=$(rootfs_dir)
	mkdir -p "$CACHE"
	if [ ! -d "$dir" ]; then
		# One builder at a time; a second one waits and then finds it built.
		exec 8>"$CACHE/.build.lock"
		flock -n 8 || { log "waiting for another rootfs build"; flock 8; }
	fi
	if [ ! -d "$dir" ]; then
		host_deps
		tmp=$dir.tmp
		[ -e "$tmp" ] && { log "removing the remains of an interrupted build"; safe_rm "$tmp"; }
		log "building the $SUITE rootfs $(basename "$dir") (a few minutes; log: $dir.log)"
		t0=$SECONDS
		# In a private mount namespace, like in_root: if debootstrap dies,
		# the /proc and /sys it mounted in the target die with it.
		export -f recipe_debootstrap
		SUITE=$SUITE MIRROR=$MIRROR unshare --mount --propagation private -- \
			bash -c 'recipe_debootstrap "$1"' debootstrap "$tmp" \
			>"$dir.log" 2>&1 ||
			die "debootstrap failed; see $dir.log"
		t1=$SECONDS
		log "debootstrap: $((t1 - t0)) s"
		{ recipe_configure "$tmp" && recipe_packages "$tmp" && recipe_finish "$tmp"; } \
			>>"$dir.log" 2>&1 ||
			die "installing guest packages failed; see $dir.log"
		t2=$SECONDS
		log "packages: $((t2 - t1)) s; rootfs $(du -sh "$tmp" | cut -f1)"
		# The rename is the commit point: an interrupted build is never used.
		mv -T "$tmp" "$dir"
	fi
	exec 8>&-
	ln -sfn "$(basename "$dir")" "$CACHE/current"
}

guest_kver() {
	local k
	k=$(ls "$(rootfs_dir)/lib/modules")
	[ "$(echo "$k" | wc -l)" -eq 1 ] || die "expected one kernel in the rootfs, found: $k"
	echo "$k"
}

# select_kernel: KVER, KIMAGE (what qemu boots) and KMODDIR (its modules) for
# KPPTP_GUEST_KERNEL; DEBUG_DIR is the debug kernel's build tree.
select_kernel() {
	[ -z "${KVER:-}" ] || return 0
	case "$GUEST_KERNEL" in
	debian)
		KVER=$(guest_kver)
		KIMAGE=$(rootfs_dir)/boot/vmlinuz-$KVER
		KMODDIR=$(rootfs_dir)/lib/modules/$KVER
		;;
	debug)
		DEBUG_DIR=$("$SRC/tests/vm/debug-kernel.sh") || die "no debug kernel"
		KVER=$(<"$DEBUG_DIR/include/config/kernel.release")
		KIMAGE=$DEBUG_DIR/arch/x86/boot/bzImage
		KMODDIR=$DEBUG_DIR/root/lib/modules/$KVER
		# Slower by 3-10x under TCG; the guest scales its limits too.
		KPPTP_TIMEOUT_SCALE=${KPPTP_TIMEOUT_SCALE:-4}
		# ACPI's PCI routing method runs into the interpreter's 30 s
		# loop timeout on a kernel this slow (90 s of boot, then
		# errors); the devices are virtio with MSI-X and need none.
		KERNEL_ARGS+=" acpi=noirq"
		KPPTP_KO=/src/build/vm/debug-module/kpptp.ko
		;;
	*) die "KPPTP_GUEST_KERNEL=$GUEST_KERNEL: expected debian or debug" ;;
	esac
}

prune() {
	local d cur initrd
	select_kernel
	cur=$(rootfs_dir)
	initrd=$(initramfs_path)
	# Not while a rootfs is being built, nor what a running guest uses.
	exec 8>"$CACHE/.build.lock"
	flock -n 8 || { log "waiting for a rootfs build to finish"; flock 8; }
	for d in "$CACHE"/rootfs-* "$CACHE"/initramfs-*; do
		[ -e "$d" ] || continue
		case "$d" in "$cur"|"$cur".*|"$initrd") continue ;; esac
		if pgrep -f -- "$d" >/dev/null; then
			log "in use, keeping $d"
			continue
		fi
		log "deleting $d"
		if [ -d "$d" ]; then safe_rm "$d"; else rm -f "$d"; fi
	done
	exec 8>&-
}

# ---------------------------------------------------------------- initramfs
#
# A busybox initramfs (~1.5 MB) with just the modules to mount 9p and overlay
# (virtio_pci: built in on 6.12, a module on 6.1);
# about 2 s faster to boot than Debian's.  Cached next to the rootfs, named by
# the rootfs hash and the hash of this builder.

INITRAMFS_MODULES="virtio_pci 9p 9pnet_virtio overlay"

# modules_in_load_order KMODDIR NAME...: module files (relative to KMODDIR),
# each after its dependencies, from modules.dep; built-in ones are skipped.
modules_in_load_order() {
	local dir=$1 name file
	shift
	local -A seen=()
	local -a order=()
	visit() {
		local f=$1 d
		[ -n "${seen[$f]:-}" ] && return
		seen[$f]=1
		for d in $(awk -v f="$f:" '$1 == f { $1 = ""; print }' "$dir/modules.dep"); do
			visit "$d"
		done
		order+=("$f")
	}
	for name in "$@"; do
		file=$(awk -F: -v n="$name" '{
			m = $1; sub(".*/", "", m); sub(/\.ko(\.[a-z]+)?$/, "", m)
			gsub("-", "_", m)
			if (m == n) { print $1; exit }
		}' "$dir/modules.dep")
		if [ -z "$file" ]; then
			grep -q "/$name.ko" "$dir/modules.builtin" ||
				die "kernel module $name is neither in modules.dep nor built in"
			continue
		fi
		visit "$file"
	done
	printf '%s\n' "${order[@]}"
}

# The initramfs /init.  Mounts the 9p root read-only as the lower layer of a
# tmpfs overlay, the repository at /src, and switch_roots to the init= script
# (tests/vm/guest-init.sh) with bash.  It also makes the basic mounts that
# guest-init.sh would make otherwise: busybox runs from RAM here, while under
# TCG every program started from the 9p root costs ~50-100 ms.
initramfs_init() {
	cat <<-'EOF'
	#!/bin/busybox sh
	/bin/busybox --install -s /bin
	mount -t devtmpfs devtmpfs /dev
	exec </dev/console >/dev/console 2>&1
	mount -t proc proc /proc
	die() {
		echo "initramfs: $*"
		echo o >/proc/sysrq-trigger
		sleep 60
	}
	root= rootflags= init=
	for arg in $(cat /proc/cmdline); do
		case "$arg" in
		root=*) root=${arg#root=} ;;
		rootflags=*) rootflags=${arg#rootflags=} ;;
		init=*) init=${arg#init=} ;;
		esac
	done
	while read -r m; do
		insmod "/modules/$m" || die "cannot load $m"
	done </modules/order
	mount -t 9p -o "ro,$rootflags" "$root" /lower || die "cannot mount the 9p root '$root'"
	mount -t tmpfs -o mode=0755 overlay-rw /rw
	mkdir -p /rw/upper /rw/work
	mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work \
		overlay /newroot || die "cannot mount the overlay root"
	mkdir -p /newroot/src
	mount -t 9p -o @SRC_OPTS@ @SRC_TAG@ /newroot/src ||
		die "cannot mount the repository share @SRC_TAG@"
	[ -f "/newroot$init" ] || die "no init script $init"
	cd /newroot
	mount -t proc proc proc
	mount -t sysfs sysfs sys
	mount --move /dev dev
	mkdir -p dev/pts dev/shm
	mount -t devpts -o mode=620,ptmxmode=666 devpts dev/pts
	mount -t tmpfs -o mode=1777 tmpfs dev/shm
	ln -s /proc/self/fd dev/fd
	ln -s fd/0 dev/stdin
	ln -s fd/1 dev/stdout
	ln -s fd/2 dev/stderr
	mount -t tmpfs -o mode=1777 tmpfs tmp
	mount -t tmpfs -o mode=0755 tmpfs run
	ip link set lo up
	cd /
	umount /proc
	exec switch_root /newroot /bin/bash "$init"
	EOF
}

initramfs_path() {
	local h
	h=$({ declare -f initramfs_init make_initramfs modules_in_load_order; \
		echo "$INITRAMFS_MODULES $SRC_TAG $SRC_OPTS"; } | sha256sum | cut -c1-8)
	echo "$CACHE/initramfs-$(recipe_hash)-$h$([ "$GUEST_KERNEL" = debian ] || echo "-$KVER").cpio.gz"
}

make_initramfs() {
	local out=$1 kdir=$KMODDIR tmp bb m name n=0 names=() t0=$SECONDS
	bb=$(static_busybox) || die "no static busybox on the host (apt-get install busybox-static)"
	tmp=$(mktemp -d)
	mkdir -p "$tmp"/{bin,dev,proc,sys,lower,rw,newroot,modules}
	: >"$tmp/modules/order"		# none when all are built in
	cp "$bb" "$tmp/bin/busybox"
	initramfs_init | sed "s/@SRC_TAG@/$SRC_TAG/; s/@SRC_OPTS@/$SRC_OPTS/" >"$tmp/init"
	chmod 755 "$tmp/init"
	# busybox insmod cannot read compressed modules: unpack them here.
	for m in $(modules_in_load_order "$kdir" $INITRAMFS_MODULES); do
		n=$((n + 1))
		name=$(basename "${m%%.ko*}")
		names+=("$name")
		name=$(printf '%02d-%s.ko' "$n" "$name")
		case "$m" in
		*.ko.xz) xz -dc "$kdir/$m" ;;
		*.ko.zst) zstd -qdc "$kdir/$m" ;;
		*.ko.gz) gzip -dc "$kdir/$m" ;;
		*) cat "$kdir/$m" ;;
		esac >"$tmp/modules/$name"
		echo "$name" >>"$tmp/modules/order"
	done
	(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
		>"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
	log "initramfs $(basename "$out"): modules ${names[*]}; $(du -h "$out" | cut -f1), $((SECONDS - t0)) s"
}

ensure_initramfs() {
	local out
	out=$(initramfs_path)
	[ -f "$out" ] || make_initramfs "$out"
	echo "$out"
}

# build_debug_module: kpptp.ko for the debug kernel, built on the host (the
# compiler that built that kernel) from a copy of the sources, so that the
# in-tree objects for Debian's kernel stay as they are; and the kernel's
# modules where the guest finds them (guest-init.sh links them in).
build_debug_module() {
	local dir=$OUT/debug-module
	mkdir -p "$dir"
	cp -a -u "$SRC/Kbuild" "$SRC/kernel" "$SRC/include" "$dir/"
	echo "  MAKE kpptp.ko for $KVER"
	make --no-print-directory -C "$DEBUG_DIR" M="$dir" -j"$(nproc)" modules ||
		{ echo "  FAILED kpptp.ko for $KVER"; return 1; }
	rm -rf "$OUT/modules"
	mkdir -p "$OUT/modules"
	cp -a "$KMODDIR" "$OUT/modules/"
}

# -------------------------------------------------------------------- build

# Build kpptp.ko, the userspace tools and the test tools in the rootfs.  A
# part whose Makefile does not exist yet is skipped with a note; a part that
# fails to build fails the build.
build() {
	local kver status=0
	kver=$(guest_kver)
	select_kernel
	if [ "$GUEST_KERNEL" = debug ]; then
		build_debug_module || status=1
		kver=none
	fi
	log "guest kernel $KVER"
	# shellcheck disable=SC2016
	in_root "$(rootfs_dir)" "$SRC" '
		kver='"$kver"' build='"${KPPTP_BUILD:-/src/build/guest}"' status=0 jobs=$(nproc)
		part() {
			local what=$1 makefile=$2
			shift 2
			if [ ! -f "$makefile" ]; then
				echo "  SKIP $what: ${makefile#/src/} does not exist yet"
				return
			fi
			echo "  MAKE $what"
			make --no-print-directory -j"$jobs" "$@" || { echo "  FAILED $what"; status=1; }
		}
		if [ "$kver" = none ]; then
			:  # built for the debug kernel above
		elif [ "$build" != /src/build/guest ]; then
			# from a copy: the tree keeps the kpptp.ko of the trixie guest
			rm -rf "$build/module" && mkdir -p "$build/module/kernel" &&
				cp /src/Kbuild "$build/module/" &&
				cp -r /src/include "$build/module/" &&
				cp /src/kernel/*.[ch] "$build/module/kernel/" &&
				part kpptp.ko /src/Kbuild -C /usr/src/linux-headers-$kver \
					M="$build/module" modules
		elif compgen -G "/src/kernel/*.c" >/dev/null; then
			part kpptp.ko /src/Makefile -C /src module \
				KDIR=/usr/src/linux-headers-$kver
		else
			echo "  SKIP kpptp.ko: no kernel sources yet"
		fi
		part "userspace tools" /src/userspace/Makefile -C /src/userspace O="$build"
		part "test tools" /src/tests/tools/Makefile -C /src/tests/tools O="$build"
		exit $status' || status=1
	[ $status -eq 0 ] || { log "build failed"; return 1; }
	log "built for $KVER"
}

# --------------------------------------------------------------------- boot

now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# A test may ask for a longer limit with a line "# timeout: SECONDS";
# KPPTP_TEST_TIMEOUT, when larger, wins (long fuzz and soak runs).
test_timeout() {
	local t
	t=$(sed -n 's/^# timeout: *\([0-9][0-9]*\) *$/\1/p' "$1" | head -1)
	[ -n "$t" ] && [ "$t" -gt "$TEST_TIMEOUT" ] || t=$TEST_TIMEOUT
	echo $((t * ${KPPTP_TIMEOUT_SCALE:-1}))
}

# write_guest_env MODE [ARG...]: the guest's instructions, read by guest-init.sh
# from /src/build/vm/guest.env.  Every KPPTP_* variable of ours goes along.
write_guest_env() {
	local mode=$1 v
	shift
	{
		printf 'KPPTP_VM_MODE=%q\n' "$mode"
		if [ $# -gt 0 ]; then
			printf 'KPPTP_VM_ARGS=(%s)\n' "$(printf '%q ' "$@")"
		else
			echo 'KPPTP_VM_ARGS=()'
		fi
		printf 'KPPTP_TEST_TIMEOUT=%q\n' "$TEST_TIMEOUT"
		for v in $(compgen -v KPPTP_); do
			case "$v" in KPPTP_VM_*|KPPTP_TEST_TIMEOUT) continue ;; esac
			printf 'export %s=%q\n' "$v" "${!v}"
		done
	} >"$OUT/guest.env"
}

# boot SCRIPT_LIMIT HOW: start qemu and wait for it.  HOW is "quiet" (the
# console goes to build/vm/console.log only), "show" (and to the terminal) or
# "tty" (interactive: the terminal is the console).  The guest reports on its
# second serial port, $OUT/results.  qemu is killed when that port stays
# silent too long: BOOT_LIMIT s until the first report, a test's own limit
# + 60 s while it runs (SCRIPT_LIMIT + 60 s for demo/bench), 60 s otherwise.
BOOT_LIMIT=180

# qemu_cpu_sample PID: "HOST-TIME CPU-TICKS TICKS-PER-S" of the qemu process into
# $OUT/qemu-cpu, which the guest reads at /src/build/vm/qemu-cpu.  Under TCG
# the guest's own /proc/stat counts wall time, which stretches whenever the
# host is busy; the host CPU qemu spends is what the guest's work costs
# (bench's cost figure, tests/bench/lib.sh cpu_cost).
HOST_HZ=$(getconf CLK_TCK)
qemu_cpu_sample() {
	local f
	read -r -a f 2>/dev/null <"/proc/$1/stat" || return 0
	echo "$EPOCHREALTIME $((f[13] + f[14])) $HOST_HZ" >"$OUT/qemu-cpu.tmp" &&
		mv -f "$OUT/qemu-cpu.tmp" "$OUT/qemu-cpu"
}

boot() {
	local script_limit=$1 how=$2 root initrd qpid follow='' t0 lines=0 n
	local last='' name quiet_since limit first_test='' mem=2G killed=0
	root=$(rootfs_dir)
	select_kernel
	initrd=$(ensure_initramfs)
	# KASAN's shadow and kmemleak's pool take a part of it.
	[ "$GUEST_KERNEL" = debian ] || mem=3G
	: >"$OUT/results"
	rm -f "$OUT/qemu-cpu"
	local qemu=(
		qemu-system-x86_64 -accel tcg,thread=multi -smp 2 -m "$mem"
		-nographic -no-reboot -nic none -device virtio-rng-pci
		-kernel "$KIMAGE" -initrd "$initrd"
		-append "$KERNEL_ARGS root=$ROOT_TAG rootfstype=9p rootflags=$ROOT_OPTS init=/src/tests/vm/guest-init.sh"
		-fsdev "local,id=rootfs,path=$root,security_model=none,readonly=on"
		-device "virtio-9p-pci,fsdev=rootfs,mount_tag=$ROOT_TAG"
		-fsdev "local,id=src,path=$SRC,security_model=none"
		-device "virtio-9p-pci,fsdev=src,mount_tag=$SRC_TAG"
		-serial mon:stdio -serial "file:$OUT/results"
	)
	if [ "$how" = tty ]; then
		"${qemu[@]}" 2>&1 | tee -a "$OUT/console.log" || true
		return 0
	fi
	t0=$(now)
	"${qemu[@]}" </dev/null >>"$OUT/console.log" 2>&1 &
	qpid=$!
	BACKGROUND+=("$qpid")
	if [ "$how" = show ]; then
		tail -n 0 -s 0.2 -f --pid="$qpid" "$OUT/console.log" &
		follow=$!
		BACKGROUND+=("$follow")
	fi
	quiet_since=$SECONDS
	limit=$BOOT_LIMIT
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 0.2
		qemu_cpu_sample "$qpid"
		n=$(wc -l <"$OUT/results")
		if [ "$n" -ne "$lines" ]; then
			lines=$n
			quiet_since=$SECONDS
			last=$(head -n "$n" "$OUT/results" | tail -n 1 | tr -d '\r')
			case "$last" in
			"START "*)
				name=${last#START }
				if [ -z "$first_test" ]; then
					first_test=$(elapsed "$t0")
					log "boot to first test: $first_test s"
				fi
				limit=$(( $(test_timeout "$SRC/tests/integration/$name.sh") + 60 ))
				;;
			"SCRIPT "*)
				log "boot to script: $(elapsed "$t0") s"
				limit=$((script_limit + 60))
				;;
			"SCAN "*) limit=900 ;;
			*) limit=60 ;;
			esac
		fi
		if [ $((SECONDS - quiet_since)) -gt "$limit" ]; then
			log "no report from the guest for $limit s (last: '${last:-nothing}'); killing qemu"
			kill "$qpid" 2>/dev/null || true
			killed=1
			break
		fi
	done
	QEMU_END="exited with status 0"
	wait "$qpid" 2>/dev/null || QEMU_END="exited with status $?"
	[ "$killed" = 0 ] || QEMU_END="killed by guest.sh: no report for $limit s"
	[ -z "$follow" ] || wait "$follow" 2>/dev/null || true
	log "qemu ran $(elapsed "$t0") s"
}

# ---------------------------------------------------------------------- run

# boot_console BOOT LOG: boot BOOT's part of console LOG, without the \r.
boot_console() {
	awk -v b="===== boot $1:" '
		index($0, b) == 1 { on = 1; next }
		/^===== boot / { on = 0 }
		on { sub(/\r$/, ""); print }' "$2"
}

# emulator_fault BOOT [LOG]: did boot BOOT die of a fault of qemu's TCG rather
# than of the guest's code?  Two kinds, each impossible on a real CPU:
#  - the first oops shows EFLAGS with a reserved bit wrong (bit 1 clear, or
#    bit 3, 5, 15 or 22-63 set): no x86 CPU can hold that value, and the
#    kernel prints what the CPU pushed.  Seen: a double fault in
#    kmem_cache_alloc_node() from raw_sendmsg() (test 29, pptp-linux's GRE
#    socket), EFLAGS 0x427ff602.
#  - the first oops is an int3 whose byte is no longer an int3 (Code: shows
#    the byte before the marked one as other than cc): text_poke_bp() puts
#    an int3 on an instruction it patches and takes it away only after
#    every CPU has serialised, so a real CPU cannot trap on it afterwards;
#    qemu 7.2's multi-threaded TCG sometimes runs a stale translation.
#    Seen: "Oops: int3" at sched_clock_cpu+0x9 while booting, code 66 <90>.
# Up to EMULATOR_FAULTS_MAX of them in a run are not held against a test.
EMULATOR_FAULTS_MAX=3
emulator_fault() {
	boot_console "$1" "${2:-$OUT/console.log}" | awk '
		/Oops: / && !oops { oops = $0; next }
		!oops { next }
		/ EFLAGS: [0-9a-f]+/ && flags == "" {
			flags = $0; sub(/.* EFLAGS: /, "", flags); sub(/[^0-9a-f].*/, "", flags)
		}
		/ Code: / && code == "" {
			n = split($0, w, " ")
			for (i = 2; i <= n; i++) if (w[i] ~ /^</) { code = w[i - 1]; break }
		}
		END {
			if (!oops) exit 1
			if (flags != "") {
				v = 0
				for (i = 1; i <= length(flags); i++)
					v = v * 16 + index("0123456789abcdef", substr(flags, i, 1)) - 1
				# bit 1 set; nothing above bit 21; bits 3, 5, 15 clear
				if (int(v / 2) % 2 == 0 || v >= 4194304) exit 0
				if (int(v / 8) % 2 || int(v / 32) % 2 || int(v / 32768) % 2) exit 0
			}
			if (oops ~ /Oops: int3/ && code != "" && code != "cc") exit 0
			exit 1
		}'
}

# deaths LOG: emulator_fault and guest_death for every boot in console LOG
# that ended in a kernel report.
deaths() {
	local b n why
	n=$(grep -c '^===== boot ' "$1" || :)
	for ((b = 1; b <= n; b++)); do
		QEMU_END="(exit not recorded)"
		why=$(guest_death "$b" "$1")
		case "$why" in
		"no kernel report;"*) continue ;;
		esac
		if emulator_fault "$b" "$1"; then
			echo "boot $b: emulator: $why"
		else
			echo "boot $b: guest: $why"
		fi
	done
}

# guest_death BOOT [LOG]: one line on how boot BOOT of this run ended, from its
# part of the console: the kernel's first report and the function it
# names (a TCG emulation fault shows as a double fault or an invalid
# opcode in code that has none), else how qemu ended.  For the summary,
# which is what a CI log keeps when it keeps only the end.
guest_death() {
	boot_console "$1" "${2:-$OUT/console.log}" | awk -v how="$QEMU_END" '
		!what && /Oops|BUG:|Kernel panic|general protection|double fault|invalid opcode|Out of memory/ {
			what = $0; sub(/^.*\[ *[0-9]+\.[0-9]+\] /, "", what)
		}
		!rip && /RIP: 0010:/ { rip = $0; sub(/.*RIP: 0010:/, "", rip) }
		/Kernel panic/ && !panic { panic = $0; sub(/^.*\[ *[0-9]+\.[0-9]+\] /, "", panic) }
		END {
			if (!what) { print "no kernel report; qemu " how; exit }
			s = what
			if (rip) s = s " at " rip
			if (panic && panic != what) s = s " (" panic ")"
			print s
		}'
}

lock_out() {
	mkdir -p "$OUT/logs"
	exec 9>"$OUT/.lock"
	flock -n 9 || { log "waiting for another guest run in this tree"; flock 9; }
}

# prepare: everything up to the build (a failure ends the script).
prepare() {
	lock_out
	host_deps
	ensure_rootfs
	select_kernel
	ensure_initramfs >/dev/null
}

# build_for_boot: build unless KPPTP_VM_NOBUILD=1; fails if the build fails.
build_for_boot() {
	if [ "${KPPTP_VM_NOBUILD:-}" = 1 ]; then
		log "KPPTP_VM_NOBUILD=1: not building"
		return 0
	fi
	build
}

# result NAME: the guest's last verdict line for NAME in all-results.
result() {
	awk -v n="$1" '($1 == "PASS" || $1 == "FAIL" || $1 == "SKIP") && $2 == n { l = $0 } END { print l }' \
		"$OUT/all-results"
}

run() {
	local names=() t left boots=0 bad_boots=0 pass=0 fail=0 skip=0 line t0 secs deaths=""
	local emu_faults=0
	local -A crashes=() crash_why=()
	for t in "$@"; do
		t=$(basename "$t" .sh)
		[ -f "$SRC/tests/integration/$t.sh" ] || die "no test tests/integration/$t.sh"
		names+=("$t")
	done
	if [ ${#names[@]} -eq 0 ]; then
		for t in "$SRC"/tests/integration/[0-9]*.sh; do
			[ -f "$t" ] && names+=("$(basename "$t" .sh)")
		done
	fi
	[ ${#names[@]} -gt 0 ] || die "no tests in tests/integration"
	t0=$SECONDS
	prepare
	if ! build_for_boot; then
		echo "not ok - build (see the messages above)"
		echo "0 passed, 1 failed"
		return 1
	fi
	rm -f "$OUT"/logs/*.log
	: >"$OUT/all-results"
	: >"$OUT/console.log"
	# Boot until every test has reported.  A guest that dies or hangs is
	# booted again with the tests that did not report; the test that was
	# running when it died gets one more chance, and counts as failed once
	# it has taken the guest down twice.  A death that only the emulator
	# can have caused (emulator_fault) is not held against the test, up to
	# EMULATOR_FAULTS_MAX of them in a run.
	left=("${names[@]}")
	while [ ${#left[@]} -gt 0 ]; do
		boots=$((boots + 1))
		log "boot $boots: ${#left[@]} test(s): ${left[*]}"
		printf '\n===== boot %d: %s\n' "$boots" "${left[*]}" >>"$OUT/console.log"
		write_guest_env run "${left[@]}"
		boot 0 "$( [ "${V:-}" = 1 ] && echo show || echo quiet )"
		tr -d '\r' <"$OUT/results" >>"$OUT/all-results"
		grep -qx DONE <(tr -d '\r' <"$OUT/results") && break
		# The guest died: who was running?
		local running where why next=()
		why=$(guest_death "$boots")
		running=$(tr -d '\r' <"$OUT/results" | sed -n 's/^START //p' | tail -n 1)
		[ -z "$running" ] || [ -z "$(result "$running")" ] || running=""
		where="during ${running:-no test}"
		if [ "$emu_faults" -lt "$EMULATOR_FAULTS_MAX" ] &&
			emulator_fault "$boots"; then
			emu_faults=$((emu_faults + 1))
			log "the guest died $where of an emulator fault: not counted against it; console: build/vm/console.log"
			where+=" (emulator fault, not counted)"
		elif [ -n "$running" ]; then
			crashes[$running]=$(( ${crashes[$running]:-0} + 1 ))
			crash_why[$running]+="${crash_why[$running]:+; }boot $boots: $why"
			log "the guest died during $running (time ${crashes[$running]}); console: build/vm/console.log"
		else
			bad_boots=$((bad_boots + 1))
			log "the guest died outside any test; console: build/vm/console.log"
		fi
		deaths+="${deaths:+; }boot $boots $where: $why"
		tail -n 25 "$OUT/console.log" | sed 's/^/guest.sh:   | /' >&2
		for t in "${left[@]}"; do
			[ -n "$(result "$t")" ] && continue
			[ "${crashes[$t]:-0}" -ge 2 ] && continue
			next+=("$t")
		done
		left=("${next[@]}")
		if [ $bad_boots -ge 2 ]; then
			log "the guest failed twice outside a test; giving up"
			break
		fi
	done

	for t in "${names[@]}"; do
		line=$(result "$t")
		case "$line" in
		PASS*)
			pass=$((pass + 1))
			secs=$(awk '{ print $3 }' <<<"$line")
			echo "ok - $t (${secs}s)"
			;;
		SKIP*)
			skip=$((skip + 1))
			secs=$(awk '{ print $3 }' <<<"$line")
			echo "ok - $t (${secs}s) # SKIP $(cut -d' ' -f4- <<<"$line")"
			;;
		FAIL*)
			fail=$((fail + 1))
			secs=$(awk '{ print $3 }' <<<"$line")
			echo "not ok - $t (${secs}s)$(awk '{ $1 = $2 = $3 = ""; sub(/^ +/, ""); if ($0 != "") print ": " $0 }' <<<"$line")"
			echo "#   last lines of build/vm/logs/$t.log:"
			tail -n 20 "$OUT/logs/$t.log" 2>/dev/null | sed 's/^/#   /'
			;;
		*)
			fail=$((fail + 1))
			if [ "${crashes[$t]:-0}" -ge 2 ]; then
				echo "not ok - $t: crashed or hung the guest twice (build/vm/console.log): ${crash_why[$t]}"
			else
				echo "not ok - $t: never ran (the guest kept failing; build/vm/console.log)"
			fi
			;;
		esac
	done
	# A kernel with kmemleak: every boot scanned after its tests.
	if grep -q '^SCAN kmemleak' "$OUT/all-results"; then
		# no FAIL line is the good case: grep's status must not end us
		line=$(grep '^FAIL kmemleak' "$OUT/all-results" | head -n 1 || :)
		[ -n "$line" ] || line=$(grep '^PASS kmemleak' "$OUT/all-results" | tail -n 1 || :)
		case "$line" in
		PASS*) pass=$((pass + 1)); echo "ok - kmemleak ($(awk '{ print $3 }' <<<"$line")s)" ;;
		FAIL*)
			fail=$((fail + 1))
			echo "not ok - kmemleak: $(cut -d' ' -f4- <<<"$line")"
			head -n 40 "$OUT/logs/kmemleak.log" 2>/dev/null | sed 's/^/#   /'
			;;
		*) fail=$((fail + 1)); echo "not ok - kmemleak: the scan did not finish" ;;
		esac
	elif [ "$GUEST_KERNEL" = debug ]; then
		fail=$((fail + 1))
		echo "not ok - kmemleak: no scan (no kmemleak in the debug kernel?)"
	fi
	log "$boots boot(s), $((SECONDS - t0)) s in all"
	[ -z "$deaths" ] || echo "# guest deaths: $deaths"
	[ "$skip" = 0 ] || echo "# $skip skipped: they do not apply to this guest (the reasons above)"
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
}

# script PATH: boot and run one script with its output on the terminal.
script() {
	local path=$1 rc
	[ -f "$SRC/$path" ] || die "$path does not exist (yet)"
	prepare
	build_for_boot || die "build failed"
	: >"$OUT/console.log"
	write_guest_env script "$path"
	boot "$(test_timeout "$SRC/$path")" show
	rc=$(tr -d '\r' <"$OUT/results" | sed -n 's/^\(PASS\|FAIL\) script.*/\1/p' | tail -n 1)
	case "$rc" in
	PASS) log "$path passed" ;;
	FAIL) log "$path failed"; return 1 ;;
	*) log "$path did not finish (see build/vm/console.log)"; return 1 ;;
	esac
}

shell() {
	prepare
	build_for_boot || die "build failed"
	: >"$OUT/console.log"
	# The guest's console learns the terminal's size from us.
	write_guest_env shell "$(stty size 2>/dev/null || echo 24 80)"
	log "booting to a shell; 'poweroff' or Ctrl-A x leaves"
	boot 0 tty
}

case "${1:-}" in
host-deps) need_root "$@"; host_deps ;;
rootfs) need_root "$@"; ensure_rootfs; rootfs_dir ;;
chroot)
	need_root "$@"
	shift
	[ $# -gt 0 ] || die 'usage: guest.sh chroot "CMD"'
	ensure_rootfs
	in_root "$(rootfs_dir)" "$SRC" "$*"
	;;
build) need_root "$@"; ensure_rootfs; build ;;
run) shift; need_root run "$@"; run "$@" ;;
demo) need_root "$@"; TEST_TIMEOUT=${KPPTP_TEST_TIMEOUT:-1800}; script tests/integration/demo.sh ;;
bench) need_root "$@"; TEST_TIMEOUT=${KPPTP_TEST_TIMEOUT:-3600}; script tests/bench/bench.sh ;;
bench-relay) need_root "$@"; TEST_TIMEOUT=${KPPTP_TEST_TIMEOUT:-3600}; script tests/bench/relay.sh ;;
shell) need_root "$@"; shell ;;
prune) need_root "$@"; prune ;;
deaths)
	[ $# = 2 ] || die "usage: guest.sh deaths CONSOLE_LOG"
	deaths "$2"
	;;
*) sed -n '/^# usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 1 ;;
esac
