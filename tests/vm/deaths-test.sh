#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deaths-test.sh: guest.sh's reading of a dead guest's console (guest.sh
# deaths), against consoles of real deaths seen here (a TCG double fault
# with impossible EFLAGS, a TCG int3 on a byte no longer an int3, a sysrq
# crash) and two made-up kernel bugs that must never pass for the
# emulator's (an int3 still in the code, a fault with a possible EFLAGS).
# Counted as emulator faults, a boot's death is not held against its test,
# so a wrong "emulator" here would hide a kernel bug.
set -uo pipefail
cd "$(dirname "$0")" || exit 1

pass=0 fail=0
got=$(./guest.sh deaths testdata/deaths-console.log 2>&1)
while IFS= read -r want; do
	boot=${want%%: *}
	line=$(grep -F "$boot: " <<<"$got" || :)
	if [ "$line" = "$want" ]; then
		echo "ok - $want"
		pass=$((pass + 1))
	else
		echo "not ok - expected: $want"
		echo "#   got: ${line:-nothing for $boot}"
		fail=$((fail + 1))
	fi
done <testdata/deaths-expected.txt
extra=$(grep -vxF -f testdata/deaths-expected.txt <<<"$got" || :)
if [ -n "$extra" ]; then
	echo "not ok - unexpected: $extra"
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
