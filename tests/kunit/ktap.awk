# SPDX-License-Identifier: GPL-2.0
#
# ktap.awk: the UML console of a KUnit module run -> one line per test case
# ("ok SUITE.CASE", "FAIL SUITE.CASE", "SKIP SUITE.CASE"; a parameterised
# case has one line per parameter, "ok SUITE.CASE.PARAM", and counts once
# per parameter) and a last line "N passed, N failed".  Exit status 1 on any
# failure.
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

# result(PREFIX, "ok N NAME" | "not ok N NAME" | "ok N NAME # SKIP why")
function result(prefix, line,    ok, name) {
	ok = line ~ /^ok /
	name = line
	sub(/^(not )?ok [0-9]+ /, "", name)
	if (name ~ / # SKIP/) {
		sub(/ # SKIP.*/, "", name)
		printf "SKIP %s%s\n", prefix, name
	} else if (ok) {
		printf "ok %s%s\n", prefix, name
		passed++
	} else {
		fail(prefix name, "")
		flush_diag()
		nfailed_params++
	}
	diag = ""
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
	suite = substr($0, 16)
	insuite = 1
	plan = -1
	cases = 0
	pcase = ""
	nparams = 0
	diag = ""
	next
}

insuite && /^    1\.\.[0-9]+$/ { plan = substr($0, 8) + 0; next }

# a parameterised case: its parameters follow, one result each
insuite && /^        # Subtest: / {
	pcase = substr($0, 20)
	nparams = 0
	diag = ""
	next
}

insuite && /^        (not )?ok [0-9]+ / {
	nparams++
	result(suite "." pcase ".", substr($0, 9))
	next
}

insuite && /^    (not )?ok [0-9]+ / {
	cases++
	line = substr($0, 5)
	if (nparams == 0)
		result(suite ".", line)
	else if (line ~ /^not ok/ && nfailed_params == 0)
		fail(suite "." pcase, "case failed, none of its parameters did")
	pcase = ""
	nparams = 0
	nfailed_params = 0
	diag = ""
	next
}

# diagnostics of the case being run (indented; the free text of a _MSG
# assertion is not), shown if it fails
insuite && /^    ( {4})?# [^ ]+: pass:[0-9]+ fail:/ { next }
insuite && (/^    / || diag != "") && !/^ *(# Subtest: |KTAP version|(not )?ok [0-9]+ )/ {
	d = $0
	sub(/^    /, "", d)
	if (d != "")
		diag = diag "    " d "\n"
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
