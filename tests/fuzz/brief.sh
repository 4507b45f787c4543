#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# brief.sh: run every libFuzzer harness in $KPPTP_FUZZ_DIR (fuzz_*) for
# $FUZZ_SECONDS seconds (default 5), starting from the seeds in corpus/NAME, as part of "make check": "ok - NAME
# (N execs)" per harness, then "N passed, N failed".  A crash, leak or
# sanitizer report fails the harness; its input is left in $KPPTP_FUZZ_DIR.
dir=$(cd "${KPPTP_FUZZ_DIR:?KPPTP_FUZZ_DIR not set}" && pwd) || exit 1
secs=${FUZZ_SECONDS:-5}
seeds=$(cd "$(dirname "$0")" && pwd)/corpus
passed=0
failed=0
for f in "$dir"/fuzz_*; do
	case ${f##*/} in *.*) continue ;; esac
	[ -f "$f" ] && [ -x "$f" ] || continue
	name=$(basename "$f")
	log=$dir/$name.log
	# seeds from tests/fuzz/corpus/NAME, grown in a scratch copy
	work=$dir/$name.corpus
	rm -rf "$work" && mkdir -p "$work"
	[ -d "$seeds/${name#fuzz_}" ] && cp "$seeds/${name#fuzz_}"/* "$work"/
	if (cd "$dir" && "$f" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$dir/$name-" "$work") >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok - $name (${execs:-?} execs in ${secs} s)"
		passed=$((passed + 1))
	else
		echo "not ok - $name: see $log"
		grep -E 'ERROR|SUMMARY|artifact' "$log" | head -n 5
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
