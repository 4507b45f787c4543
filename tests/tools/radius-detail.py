#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The accounting records in FreeRADIUS's detail files, as JSON.

    radius-detail.py DIR [ATTR=VALUE...]

Reads every file under DIR (the detail module writes one per client and
day: DIR/CLIENT/detail-YYYYMMDD) and prints a JSON list of the records,
oldest first, each a dict of attribute name to value (strings unquoted,
enumerated values by name, as FreeRADIUS writes them).  ATTR=VALUE keeps
only the records where every such attribute has that value, for example
User-Name=alice Acct-Status-Type=Stop.

The format, as the detail module writes it: a record is a line with the
date, then one "\\tName = value" line per attribute, then a blank line.
A line that fits none of these is an error (exit status 1), so a change
of format fails the test instead of hiding records.
"""
import json
import os
import sys


def records(path):
    rec = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                if rec is not None:
                    yield rec
                rec = None
            elif not line.startswith("\t"):
                if rec is not None:
                    raise ValueError(f"{path}:{n}: date line inside a record")
                rec = {}
            else:
                name, sep, value = line[1:].partition(" = ")
                if rec is None or not sep:
                    raise ValueError(f"{path}:{n}: not an attribute line: {line!r}")
                if len(value) >= 2 and value[0] == value[-1] == '"':
                    value = value[1:-1]
                rec[name] = value
    if rec is not None:
        yield rec


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    want = dict(a.split("=", 1) for a in sys.argv[2:])
    found = []
    for top, _, files in os.walk(sys.argv[1]):
        for name in files:
            try:
                found.extend(records(os.path.join(top, name)))
            except ValueError as e:
                sys.exit(str(e))
    found.sort(key=lambda r: int(r.get("Timestamp", "0")))
    found = [r for r in found if all(r.get(k) == v for k, v in want.items())]
    json.dump(found, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
