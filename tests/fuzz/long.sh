#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# long.sh: "make fuzz-long".  Each libFuzzer harness in $KPPTP_FUZZ_DIR
# (built with ASan and UBSan) runs until it has executed $FUZZ_RUNS inputs
# (default 10^7), from the seeds in tests/fuzz/corpus/NAME, in a scratch
# copy; then the inputs that reached new code are merged into
# tests/fuzz/corpus/NAME (libFuzzer's -merge=1 adds only those), so that
# the corpus "make check" starts from grows.  Prints "ok - NAME (N execs
# in S s, +K corpus files)" or "not ok", then "N passed, N failed".
#
# usage: KPPTP_FUZZ_DIR=DIR tests/fuzz/long.sh [NAME...]   (default: all)
#
# FUZZ_MAX_SECONDS=S also stops each harness after S seconds, whichever
# comes first (the line then shows how far it got): for a machine that
# cannot spare the hours.
#
# To stop early and keep what was found, interrupt the harness itself
# (pkill -INT -f 'fuzz_NAME -runs'): libFuzzer then exits with its interrupt
# code (72) after its final stats, skipping LeakSanitizer's check at exit;
# the inputs the run kept are run once more in a process that ends
# normally, and if they pass the run counts as clean so far ("ok ...
# interrupted"), it is merged, and no further harness starts.
#
# A crash, leak or sanitizer report fails the harness; its input is left in
# $KPPTP_FUZZ_DIR and nothing is merged from that run.  At about 2,000-20,000
# executions a second, the whole set takes hours: run it niced, and alone.
dir=$(cd "${KPPTP_FUZZ_DIR:?KPPTP_FUZZ_DIR not set}" && pwd) || exit 1
runs=${FUZZ_RUNS:-10000000}
limit=${FUZZ_MAX_SECONDS:+-max_total_time=$FUZZ_MAX_SECONDS}
seeds=$(cd "$(dirname "$0")" && pwd)/corpus
passed=0
failed=0
if [ $# -eq 0 ]; then
	# the harnesses: executables, not their logs or corpus directories
	for f in "$dir"/fuzz_*; do
		case ${f##*/} in *.*) continue ;; esac
		[ -f "$f" ] && [ -x "$f" ] && set -- "$@" "${f##*/}"
	done
fi
for name in "$@"; do
	shift	# "$@" is now the harnesses after this one
	name=fuzz_${name#fuzz_}
	f=$dir/$name
	[ -x "$f" ] || { echo "not ok - $name: no harness $f"; failed=$((failed + 1)); continue; }
	log=$dir/$name.long.log
	work=$dir/$name.long
	rm -rf "$work" && mkdir -p "$work" "$seeds/${name#fuzz_}"
	cp "$seeds/${name#fuzz_}"/* "$work"/ 2>/dev/null
	t0=$(date +%s)
	rc=0
	# shellcheck disable=SC2086
	(cd "$dir" && exec "$f" -runs="$runs" $limit -print_final_stats=1 \
		-artifact_prefix="$dir/$name-" -interrupt_exit_code=72 \
		"$work") >"$log" 2>&1 || rc=$?
	stopped= halt=
	# interrupted by hand, and libFuzzer said so: clean up to there
	[ "$rc" -eq 72 ] && grep -q 'run interrupted' "$log" &&
		stopped=", interrupted" halt=1
	# An interrupted libFuzzer skips LeakSanitizer's check at exit: run
	# what it kept once more, in a process that ends normally (a leaking
	# input fails it and is written out like any other finding).  Its
	# command line must not match the pkill pattern above.
	if [ -n "$stopped" ] && ! (cd "$dir" && exec "$f" \
		-artifact_prefix="$dir/$name-" -runs=0 "$work") >>"$log" 2>&1; then
		echo "# $name: an input it kept fails when run again (leak?)" >>"$log"
		rc=1 stopped=
	fi
	if [ "$rc" -eq 0 ] || [ -n "$stopped" ]; then
		before=$(ls "$seeds/${name#fuzz_}" | wc -l)
		(cd "$dir" && "$f" -merge=1 "$seeds/${name#fuzz_}" "$work") \
			>>"$log" 2>&1
		after=$(ls "$seeds/${name#fuzz_}" | wc -l)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | head -n 1)
		echo "ok - $name (${execs:-?} execs in $(($(date +%s) - t0)) s, +$((after - before)) corpus files$stopped)"
		passed=$((passed + 1))
	else
		echo "not ok - $name: see $log"
		grep -E 'ERROR|SUMMARY|artifact' "$log" | head -n 5
		failed=$((failed + 1))
	fi
	rm -rf "$work"
	if [ -n "$halt" ]; then
		[ $# -eq 0 ] || echo "# not run (interrupted before them): $*"
		break
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
