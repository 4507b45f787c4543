#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh TEST...: run unit test binaries (make -C userspace check).  Each
# prints "ok - NAME" / "not ok - NAME" per test and "N passed, N failed";
# this shows their output, prefixed with the binary's name, and ends with
# one "N passed, N failed" line for all of them.  A binary that dies
# without its summary, or exits non-zero despite it, counts as one failure.
# Exit status: 0 if nothing failed.
passed=0
failed=0
for t in "$@"; do
	name=$(basename "$t")
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s|^|  $name: |"
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		echo "  $name: no summary line (exit status $rc): counted as 1 failure"
		failed=$((failed + 1))
		continue
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  $name: exit status $rc: counted as 1 failure"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
