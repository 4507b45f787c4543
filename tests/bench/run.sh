#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: install the host's packages if missing (host-deps.sh), boot the test
# guest once to run tests/bench/bench.sh, then tests/bench/report.py writes
# tests/bench/results/table.md and bench.png and puts the table in README.md.
# KPPTP_BENCH_T, KPPTP_BENCH_ROUNDS, KPPTP_BENCH_PARTS... reach the guest
# (see bench.sh).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RES=$SRC/tests/bench/results
# Debian's python3, where apt puts matplotlib (not a pyenv or venv one)
PY=/usr/bin/python3

"$SRC/tests/host-deps.sh" bench
t0=$SECONDS
rm -f "$RES/bench.json"
"$SRC/tests/vm/guest.sh" bench
[ -f "$RES/bench.json" ] || { echo "bench: the guest wrote no results" >&2; exit 1; }
$PY "$SRC/tests/bench/report.py" --readme "$SRC/README.md" "$RES"
echo "bench: $((SECONDS - t0)) s in all; tests/bench/results/ and README.md updated" >&2
