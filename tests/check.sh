#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: every test.  First the userspace unit tests on the host
# (make -C userspace check), the netlink policy against its spec
# (tests/netlink-spec-check.py), guest.sh's reading of a dead guest's
# console (tests/vm/deaths-test.sh), then the kernel's KUnit suites on User-Mode
# Linux (tests/kunit/run.sh), then the guest integration tests
# (tests/vm/guest.sh run [TEST...]).  Each part prints its own
# "N passed, N failed" line; this script ends with one line summing them and
# exits non-zero if anything failed (a part that fails without a summary
# line counts as one failure).  A failing part does not stop the next.
#
# usage: tests/check.sh [TEST...]      TESTs are passed to guest.sh run
# KPPTP_KUNIT_OPTIONAL=1 turns "this host cannot build UML" into a skip.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0 failed=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# part NAME CMD...: run CMD with its output on the terminal, add its summary.
part() {
	local name=$1 rc line p f
	shift
	echo "=== $name: $*"
	"$@" 2>&1 | tee "$tmp"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp" | tail -n 1)
	if [ -z "$line" ]; then
		echo "=== $name: no summary line (exit status $rc): counted as 1 failure"
		failed=$((failed + 1))
		return
	fi
	read -r p _ f _ <<<"$line"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "=== $name: exit status $rc despite \"$line\": counted as 1 failure"
		failed=$((failed + 1))
	fi
}

if [ -f userspace/Makefile ]; then
	part "unit tests" make --no-print-directory -C userspace check
else
	echo "=== unit tests: SKIP (no userspace/Makefile yet)"
fi
part "netlink spec" python3 tests/netlink-spec-check.py
part "guest deaths" tests/vm/deaths-test.sh
part "kunit" tests/kunit/run.sh
part "guest tests" tests/vm/guest.sh run "$@"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
