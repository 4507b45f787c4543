# SPDX-License-Identifier: GPL-2.0
#
# ktap.awk: the UML console of a KUnit module run -> one line per test case
# ("ok SUITE.CASE", "FAIL SUITE.CASE", "SKIP SUITE.CASE") and a last line
# "N passed, N failed".  Exit status 1 on any failure.
#
# KUnit's KTAP for a loaded module: per suite, at indent 4,
# "# Subtest: SUITE" and "1..CASES", then per case its diagnostics ("# ...")
# and "ok N CASE" / "not ok N CASE [# SKIP why]"; a parameterised case first
# lists its parameters at indent 8.  The suite's own result is at indent 0.
#
# Counted as failures besides failed cases: a suite whose cases do not all
# report (crash), no suite at all, a run that did not reach uml-init.sh's
# "kpptp-kunit: done" marker, a module that did not load, and kernel splats
# (WARNING, BUG, lockdep, debugobjects) anywhere on the console.

function fail(name, why) {
	printf "FAIL %s%s\n", name, why == "" ? "" : "  (" why ")"
	failed++
}

function flush_diag() {
	if (diag != "")
		printf "%s", diag
	diag = ""
}

BEGIN { passed = 0; failed = 0; suites = 0; insuite = 0; done = 0 }

{
	sub(/\r$/, "")
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "")
}

/(WARNING:|BUG:|Oops|Kernel panic|kernel BUG|ODEBUG:|INFO: trying to register non-static key|inconsistent lock state|possible (recursive|circular) locking|UBSAN:|Call Trace:)/ {
	splat[++nsplat] = $0
}

/^kpptp-kunit: insmod / && !/ rc=0$/ { badload[++nbadload] = $0 }
/^kpptp-kunit: done$/ { done = 1 }

/^    # Subtest: / {
	suite = substr($0, 17)
	insuite = 1
	plan = -1
	cases = 0
	params = ""
	diag = ""
	next
}

insuite && /^    1\.\.[0-9]+$/ { plan = substr($0, 8) + 0; next }

# a parameter of the case being run
insuite && /^        not ok [0-9]+ / {
	p = $0
	sub(/^        not ok [0-9]+ /, "", p)
	params = params (params == "" ? "" : ", ") p
	next
}

# diagnostics of the case being run, shown if it fails
insuite && /^    ( {4})?# / && !/^    ( {4})?# Subtest: / {
	diag = diag "    " substr($0, 5) "\n"
	next
}

insuite && /^    (not )?ok [0-9]+ / {
	cases++
	line = $0
	sub(/^    /, "", line)
	ok = line ~ /^ok /
	sub(/^(not )?ok [0-9]+ /, "", line)
	name = suite "." line
	if (line ~ / # SKIP/) {
		sub(/ # SKIP.*/, "", line)
		printf "SKIP %s.%s\n", suite, line
	} else if (ok) {
		printf "ok %s\n", name
		passed++
	} else {
		fail(name, params == "" ? "" : "failed: " params)
		flush_diag()
	}
	params = ""
	diag = ""
	next
}

insuite && /^(not )?ok [0-9]+ / {
	suites++
	insuite = 0
	if (plan < 0 || cases != plan)
		fail(suite, sprintf("%d of %d cases reported", cases, plan))
	else if ($0 ~ /^not ok/ && cases == 0)
		fail(suite, "suite init failed")
	next
}

END {
	if (insuite)
		fail(suite, sprintf("suite did not finish: %d of %d cases reported", cases, plan))
	for (i = 1; i <= nbadload; i++)
		fail("module", badload[i])
	if (suites == 0)
		fail("kunit", "no suite ran")
	if (!done)
		fail("uml", "UML did not reach the end of uml-init.sh (crash or timeout), see build/kunit/console.log")
	if (nsplat > 0) {
		fail("kernel", "warnings on the console")
		for (i = 1; i <= nsplat && i <= 20; i++)
			printf "    %s\n", splat[i]
	}
	printf "%d passed, %d failed\n", passed, failed
	exit failed > 0
}
