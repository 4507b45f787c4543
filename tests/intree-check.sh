#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# intree-check.sh: "make intree".  Shows scripts/intree.sh at work: it
# places kpptp in a kernel source tree (trixie's linux-source-6.12, which
# "make kunit" fetches; KSRC=DIR for another), and the kernel's own build
# compiles it: x86_64 defconfig, PPP, NET_IPGRE_DEMUX and PPTP_KPPTP=m;
# PPTP=m refused by Kconfig; then "make W=1 drivers/net/ppp/kpptp/kpptp.ko"
# with no warning (without a vmlinux: its symbols are not resolved here);
# then "make M=drivers/net/ppp/kpptp" after modules_prepare, as a
# packager would, and checkpatch.pl --strict on the change as a patch.
# The tree is never written: the work happens on an overlay of it, in a
# private mount namespace, with the objects in a scratch directory (O=).
# Prints "ok"/"not ok" lines and "N passed, N failed".
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSRC=${KSRC:-$("$SRC/tests/kunit/run.sh" source)}
WORK=$SRC/build/intree
[ -f "$KSRC/Makefile" ] || { echo "intree-check.sh: no kernel tree at $KSRC" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK/upper" "$WORK/ovl" "$WORK/tree" "$WORK/obj"
# shellcheck disable=SC2016
unshare --mount --propagation private -- bash -c '
	set -euo pipefail
	SRC=$1 KSRC=$2 WORK=$3
	mount -t overlay overlay -o "lowerdir=$KSRC,upperdir=$WORK/upper,workdir=$WORK/ovl" "$WORK/tree"
	T=$WORK/tree O=$WORK/obj
	pass=0 fail=0
	ok() { echo "ok - $*"; pass=$((pass + 1)); }
	bad() { echo "not ok - $*"; fail=$((fail + 1)); }
	# build_check LOG KO WHAT MAKE...: run MAKE, logging to LOG; ok when it
	# made KO and LOG names no warning or error in the driver directory
	# (whether the build names it relative to the tree or absolute)
	build_check() {
		local log=$1 ko=$2 what=$3 t0=$SECONDS
		shift 3
		if "$@" >>"$log" 2>&1 &&
			! grep -E "drivers/net/ppp/kpptp/[^ ]*: (warning|error):" "$log" >/dev/null &&
			[ -f "$ko" ]; then
			ok "$what ($((SECONDS - t0)) s)"
		else
			bad "$what: see build/intree/${log##*/}"
			grep -E "warning|error" "$log" | head -5 | sed "s/^/#   /" || :
		fi
	}
	"$SRC/scripts/intree.sh" "$T"
	"$SRC/scripts/intree.sh" "$T" >/dev/null	# again: hooks added once
	[ "$(grep -c kpptp/Kconfig "$T/drivers/net/ppp/Kconfig")" = 1 ] &&
		[ "$(grep -c CONFIG_PPTP_KPPTP "$T/drivers/net/ppp/Makefile")" = 1 ] &&
		ok "intree.sh twice: its Kconfig and Makefile hooks once" ||
		bad "hooks: $(grep -c kpptp "$T/drivers/net/ppp/Kconfig" "$T/drivers/net/ppp/Makefile" | tr "\n" " ")"
	cd "$T"
	nice make -s O="$O" defconfig >"$WORK/config.log" 2>&1
	cfg() { "$T/scripts/config" --file "$O/.config" "$@"; }
	cfg --enable PPP --enable NET_IPGRE_DEMUX --module PPTP --module PPTP_KPPTP
	nice make -s O="$O" olddefconfig >>"$WORK/config.log" 2>&1
	# both claim GRE version 1: Kconfig keeps them apart
	[ "$(cfg --state PPTP_KPPTP)" = undef ] || [ "$(cfg --state PPTP_KPPTP)" = n ] &&
		ok "Kconfig: no PPTP_KPPTP while PPTP is set" ||
		bad "Kconfig let PPTP_KPPTP=$(cfg --state PPTP_KPPTP) beside PPTP=$(cfg --state PPTP)"
	cfg --disable PPTP --module PPTP_KPPTP
	nice make -s O="$O" olddefconfig >>"$WORK/config.log" 2>&1
	[ "$(cfg --state PPTP_KPPTP)" = m ] &&
		ok "Kconfig: PPTP_KPPTP=m with PPP=$(cfg --state PPP), NET_IPGRE_DEMUX=$(cfg --state NET_IPGRE_DEMUX), DST_CACHE=$(cfg --state DST_CACHE)" ||
		bad "PPTP_KPPTP=$(cfg --state PPTP_KPPTP) after asking for m"
	# no vmlinux is built (half an hour here): modpost cannot resolve the
	# kernel symbols the module uses, and says so as warnings
	build_check "$WORK/build.log" "$O/drivers/net/ppp/kpptp/kpptp.ko" \
		"the kernel build made drivers/net/ppp/kpptp/kpptp.ko, W=1 clean, without vmlinux" \
		nice make O="$O" -j"$(nproc)" W=1 KBUILD_MODPOST_WARN=1 \
		drivers/net/ppp/kpptp/kpptp.ko
	# the change as a patch against the pristine tree (the overlay'"'"'s
	# upper layer is exactly what intree.sh wrote), with a commit message
	{
		printf "From: kpptp <kpptp@example.org>\n"
		printf "Subject: [PATCH] net: ppp: add kpptp, a PPTP enhanced GRE data path\n\n"
		printf "Placed by kpptp'"'"'s scripts/intree.sh: the driver in\n"
		printf "drivers/net/ppp/kpptp/, its Kconfig entry and the uapi header.\n\n"
		printf "Signed-off-by: kpptp <kpptp@example.org>\n---\n"
		cd "$WORK/upper"
		find . -type f | sort | while read -r f; do
			f=${f#./}
			a=$KSRC/$f
			[ -f "$a" ] || a=/dev/null
			diff -Np -u --label "a/$f" --label "b/$f" "$a" "$f" || :
		done
	} >"$WORK/kpptp.patch"
	cd "$T"
	# ignored, as in tests/checkpatch.sh: MACRO_ARG_* (the per-CPU
	# counter macros take struct member names)
	if perl "$T/scripts/checkpatch.pl" --strict --terse --show-types \
			--ignore MACRO_ARG_PRECEDENCE,MACRO_ARG_REUSE \
			"$WORK/kpptp.patch" >"$WORK/checkpatch.log" 2>&1; then
		ok "checkpatch.pl --strict: the patch intree.sh makes ($(grep -c "^+++ " "$WORK/kpptp.patch") files) is clean"
	else
		bad "checkpatch.pl --strict on build/intree/kpptp.patch"
		grep -E "ERROR|WARNING|CHECK" "$WORK/checkpatch.log" | head -5 | sed "s/^/#   /" || :
	fi
	# as a packager might: "make M=" after modules_prepare (in 6.12 an M=
	# build writes its objects in the source directory: after the patch)
	if nice make O="$O" -s modules_prepare >"$WORK/m.log" 2>&1; then
		build_check "$WORK/m.log" "$T/drivers/net/ppp/kpptp/kpptp.ko" \
			"make modules_prepare; make M=drivers/net/ppp/kpptp W=1: no warning" \
			nice make O="$O" -j"$(nproc)" W=1 KBUILD_MODPOST_WARN=1 \
			M="$T/drivers/net/ppp/kpptp"
	else
		bad "make modules_prepare: see build/intree/m.log"
	fi
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
' intree-check "$SRC" "$KSRC" "$WORK"
