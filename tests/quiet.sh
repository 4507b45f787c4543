# SPDX-License-Identifier: GPL-2.0
# quiet LOG CMD...: run a long CMD with its output appended to LOG (and
# shown too with V=1); when it fails, show LOG's end.  Sourced by the
# scripts that build kernels (tests/kunit/run.sh, tests/vm/debug-kernel.sh).
quiet() {
	local logfile=$1
	shift
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee -a "$logfile"
		return "${PIPESTATUS[0]}"
	fi
	"$@" >>"$logfile" 2>&1 || { tail -n 30 "$logfile" >&2; return 1; }
}
