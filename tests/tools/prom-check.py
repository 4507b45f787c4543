#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a Prometheus text exposition (format 0.0.4) strictly enough for a
test, and print its samples as "NAME{LABELS} VALUE" lines.

    prom-check.py FILE

Checked, after the format's description (prometheus.io, "Exposition
formats"): metric and label names match their grammars; every sample's
family has a HELP and a TYPE line before its first sample, each once; a
family's samples are contiguous; counter families end in _total; label
values are quoted with only \\\\, \\" and \\n escaped; values are floats; no
series appears twice; the text ends with a newline.  Exit status 1 and one
line per problem on failure.
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
LABELVAL = r'"(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s=%s(?:,%s=%s)*,?)?\})? (\S+)(?: (-?\d+))?$"
                    % (NAME, LABEL, LABELVAL, LABEL, LABELVAL))
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def check(text):
    errors, samples = [], []
    help_seen, type_of, done, series = set(), {}, set(), set()
    current = None
    if text and not text.endswith("\n"):
        errors.append("no newline at the end")
    for n, line in enumerate(text.splitlines(), 1):
        where = "line %d" % n
        if not line:
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not re.fullmatch(NAME, name):
                    errors.append("%s: bad metric name %r" % (where, name))
                if name in done:
                    errors.append("%s: %s after %s's samples" % (where, parts[1], name))
                if parts[1] == "HELP":
                    if name in help_seen:
                        errors.append("%s: second HELP for %s" % (where, name))
                    help_seen.add(name)
                else:
                    t = parts[3] if len(parts) > 3 else ""
                    if t not in TYPES:
                        errors.append("%s: bad type %r" % (where, t))
                    if name in type_of:
                        errors.append("%s: second TYPE for %s" % (where, name))
                    if t == "counter" and not name.endswith("_total"):
                        errors.append("%s: counter %s does not end in _total" % (where, name))
                    type_of[name] = t
            continue
        m = SAMPLE.match(line)
        if not m:
            errors.append("%s: not a sample: %r" % (where, line))
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        if name not in type_of or name not in help_seen:
            errors.append("%s: %s has no HELP and TYPE before it" % (where, name))
        if current != name:
            if current is not None:
                done.add(current)
            if name in done:
                errors.append("%s: %s's samples are not together" % (where, name))
            current = name
        try:
            float(value)
        except ValueError:
            errors.append("%s: value %r is not a number" % (where, value))
        if (name, labels) in series:
            errors.append("%s: %s%s twice" % (where, name, labels))
        series.add((name, labels))
        samples.append("%s%s %s" % (name, labels, value))
    return errors, samples


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    errors, samples = check(text)
    for e in errors:
        print("prom-check: %s" % e, file=sys.stderr)
    if not samples:
        print("prom-check: no samples", file=sys.stderr)
    print("\n".join(samples))
    return 1 if errors or not samples else 0


if __name__ == "__main__":
    sys.exit(main())
