#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: install the host's plotting package if missing, boot the test
# guest once to run tests/bench/bench.sh, then tests/bench/report.py writes
# tests/bench/results/table.md and bench.png and puts the table in README.md.
# KPPTP_BENCH_T, KPPTP_BENCH_CALLS, KPPTP_BENCH_CP_CALLS reach the guest
# (see bench.sh).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
RES=$SRC/tests/bench/results
# Debian's python3, where apt puts matplotlib (not a pyenv or venv one)
PY=/usr/bin/python3

if ! $PY -c 'import matplotlib' 2>/dev/null; then
	echo "bench: installing python3-matplotlib (for the plot)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		python3-matplotlib >&2
fi
t0=$SECONDS
rm -f "$RES/bench.json"
"$SRC/tests/vm/guest.sh" bench
[ -f "$RES/bench.json" ] || { echo "bench: the guest wrote no results" >&2; exit 1; }
$PY "$SRC/tests/bench/report.py" --readme "$SRC/README.md" "$RES"
echo "bench: $((SECONDS - t0)) s in all; tests/bench/results/ and README.md updated" >&2
