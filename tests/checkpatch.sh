#!/bin/bash
# checkpatch.pl --strict over the kernel sources and the uapi header.
# The script comes from Debian's linux-source package; it is extracted once.
set -euo pipefail
cd "$(dirname "$0")/.."

cp=$(ls /usr/src/linux-source-*/scripts/checkpatch.pl 2>/dev/null | head -1 || true)
if [ -z "$cp" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | head -1 || true)
	if [ -z "$tarball" ]; then
		apt-get install -y -q linux-source >/dev/null
		tarball=$(ls /usr/src/linux-source-*.tar.xz | head -1)
	fi
	top=$(basename "$tarball" .tar.xz)
	tar -C /usr/src -xf "$tarball" "$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
	cp=/usr/src/$top/scripts/checkpatch.pl
fi

# MACRO_ARG_*: the per-CPU counter macros take struct member names, which
# cannot be parenthesised.
perl "$cp" --no-tree --strict --terse --show-types \
	--ignore MACRO_ARG_PRECEDENCE,MACRO_ARG_REUSE,FILE_PATH_CHANGES \
	-f kernel/*.c kernel/*.h include/uapi/linux/kpptp.h |
	{ grep -v 'has no obvious style problems' || true; } | tee /tmp/kpptp-checkpatch.log
! grep -q ': \(ERROR\|WARNING\|CHECK\):' /tmp/kpptp-checkpatch.log
