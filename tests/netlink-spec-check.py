#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# netlink-spec-check.py: fail when the generic netlink family in kernel/
# differs from its spec, Documentation/netlink/specs/kpptp.yaml, or from the
# uapi header.  The policy in kernel/netlink.c is written by hand (ynl-gen's
# kernel output needs a kernel tree to regenerate, and its layout changes
# between kernel versions), so this check keeps the two in step:
#
#   - every enum in include/uapi/linux/kpptp.h (commands, attributes,
#     stats, flags, owner, delete reasons) has the spec's names in the
#     spec's order;
#   - each operation's policy accepts exactly the attributes its spec
#     request lists, with the spec's type, and its range or flag mask
#     (the spec's "checks:" and "enum-as-flags");
#   - each operation needs the privilege the spec's "flags:" names, and the
#     multicast groups carry the spec's flags.
#
# Parsing C with regular expressions is enough here: netlink.c is ours and
# its tables are written in one plain style.  Prints one line per mismatch
# and "netlink spec: N mismatches", then make check's summary line; exits 1
# when there is any.
#
# usage: tests/netlink-spec-check.py [TOP]
import re
import sys
from pathlib import Path

import yaml

top = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent)
spec = yaml.safe_load((top / "Documentation/netlink/specs/kpptp.yaml").read_text())
uapi = (top / "include/uapi/linux/kpptp.h").read_text()
kernel = "\n".join(p.read_text() for p in sorted((top / "kernel").glob("*.[ch]")))
errors = []


def err(msg):
    errors.append(msg)
    print("mismatch:", msg)


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


# ------------------------------------------------------------- constants

defines = {}
for text in (uapi, kernel):
    for m in re.finditer(r"^#define\s+(\w+)\s+(.+?)\s*(?:/\*.*)?$", text, re.M):
        defines.setdefault(m.group(1), m.group(2))
    for m in re.finditer(r"^\s+([A-Z_][A-Z0-9_]*)\s*=\s*([^,/]+),", text, re.M):
        defines.setdefault(m.group(1), m.group(2).strip())


def value(expr):
    """Evaluate a small C constant expression (numbers, defines, | << + -)."""
    expr = re.sub(r"\b(\d+)U\b", r"\1", str(expr))
    expr = expr.replace("BIT(", "(1 << ")
    for _ in range(10):
        new = re.sub(r"\b([A-Z_][A-Z0-9_]*)\b",
                     lambda m: "(" + defines[m.group(1)] + ")"
                     if m.group(1) in defines else m.group(1), expr)
        if new == expr:
            break
        expr = new
    expr = re.sub(r"\bUSEC_PER_SEC\b", "1000000", expr)
    expr = re.sub(r"\bU16_MAX\b", "65535", expr)
    expr = re.sub(r"\bU32_MAX\b", "4294967295", expr)
    expr = re.sub(r"\b(\d+)U?L*\b", r"\1", expr)
    return eval(expr, {"__builtins__": {}})  # noqa: S307 (our own header)


def uapi_enum(name):
    m = re.search(r"enum\s+%s\s*\{(.*?)\};" % name, uapi, re.S)
    if not m:
        err(f"uapi: no enum {name}")
        return []
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    return [e.split("=")[0].strip() for e in body.split(",")
            if e.strip() and not e.strip().startswith("__")]


def check_enum(cname, expected):
    got = uapi_enum(cname)
    if got != expected:
        err(f"uapi enum {cname}: {got} != spec {expected}")


# -------------------------------------------------------- uapi vs spec

defs = {d["name"]: d for d in spec.get("definitions", [])}
for d in defs.values():
    if d["type"] == "const":
        defines.setdefault(c_name(d.get("name-prefix", "kpptp-"), d["name"]),
                           str(d["value"]))
        continue
    names = [c_name(d["name-prefix"], e if isinstance(e, str) else e["name"])
             for e in d["entries"]]
    cname = {"call-flags": "kpptp_call_flags"}.get(d["name"],
                                                   "kpptp_" + d["name"].replace("-", "_"))
    check_enum(cname, names)

sets = {s["name"]: s for s in spec["attribute-sets"]}
enum_of_set = {"call": "kpptp_attr", "stats": "kpptp_stats_attr",
               "net-stats": "kpptp_net_stats_attr"}
for sname, s in sets.items():
    prefix = s["name-prefix"]
    check_enum(enum_of_set.get(sname, "kpptp_%s_attr" % sname.replace("-", "_")),
               [c_name(prefix, "unspec")] +
               [c_name(prefix, a["name"]) for a in s["attributes"]])

ops = spec["operations"]["list"]
check_enum("kpptp_cmd", [c_name(spec["operations"]["name-prefix"], "unspec")] +
           [c_name(spec["operations"]["name-prefix"], o["name"]) for o in ops])

# ------------------------------------------------- policies vs spec

def c_block(pattern, text):
    """Body of the first {...} initialiser after pattern, braces balanced."""
    m = re.search(pattern, text)
    if not m:
        return None
    i = text.index("{", m.end() - 1)
    depth = 0
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1:j]
    return None


def policy(name):
    body = c_block(r"static const struct nla_policy %s\s*\[[^\]]*\]\s*=\s*\{" % name,
                   kernel)
    if body is None:
        err(f"kernel: no policy {name}")
        return {}
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    # expand the object-like macros that hold shared policy entries
    for m in re.finditer(r"^#define\s+(\w+)\s*\\\n((?:.*\\\n)*.*)$", kernel, re.M):
        text = m.group(2).replace("\\\n", "\n")
        body = re.sub(r"\b%s\b" % m.group(1), lambda _: text, body)
    body = body.strip()
    if body and not body.endswith(","):
        body += ","
    entries = {}
    for m in re.finditer(r"\[(\w+)\]\s*=\s*(.*?)(?=,\s*(?:\[|$))", body, re.S):
        entries[m.group(1)] = " ".join(m.group(2).split())
    return entries


NLA_TYPE = {"u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32", "u64": "NLA_U64",
            "flag": "NLA_FLAG", "string": "NLA_NUL_STRING", "nest": "NLA_NESTED"}


def expected_entry(attr):
    t = attr["type"]
    base = "NLA_BE%s" % t[1:] if attr.get("byte-order") == "big-endian" else NLA_TYPE[t]
    if attr.get("enum-as-flags"):
        d = defs[attr["enum"]]
        mask = 0
        for i, e in enumerate(d["entries"]):
            mask |= 1 << i
        return ("mask", base, mask)
    checks = attr.get("checks", {})
    if "min" in checks or "max" in checks:
        lo = value(checks.get("min", 0))
        hi = value(checks.get("max"))
        return ("range", base, lo, hi)
    return ("type", base)


def parse_entry(text):
    m = re.fullmatch(r"\{ \.type = (\w+) \}", text)
    if m:
        return ("type", m.group(1))
    m = re.fullmatch(r"NLA_POLICY_RANGE\((\w+), (.+), (.+)\)", text)
    if m:
        lo, hi = value(m.group(2)), value(m.group(3))
        # the policy keeps them in s16: 65535 would be -1 (and a WARN)
        if not -32768 <= lo <= hi <= 32767:
            return ("s16 bounds overflow: use NLA_POLICY_FULL_RANGE", text)
        return ("range", m.group(1), lo, hi)
    m = re.fullmatch(r"NLA_POLICY_FULL_RANGE\((\w+), &(\w+)\)", text)
    if m:  # bounds in a struct netlink_range_validation
        body = c_block(r"struct netlink_range_validation %s\s*=\s*\{" % m.group(2),
                       kernel) or ""
        lo = re.search(r"\.min\s*=\s*([^,\n]+)", body)
        hi = re.search(r"\.max\s*=\s*([^,\n]+)", body)
        return ("range", m.group(1), value(lo.group(1)) if lo else 0,
                value(hi.group(1)) if hi else None)
    m = re.fullmatch(r"NLA_POLICY_MAX\((\w+), (.+)\)", text)
    if m:
        if value(m.group(2)) > 32767:
            return ("s16 bounds overflow: use NLA_POLICY_FULL_RANGE", text)
        return ("range", m.group(1), 0, value(m.group(2)))
    m = re.fullmatch(r"NLA_POLICY_MASK\((\w+), (.+)\)", text)
    if m:
        return ("mask", m.group(1), value(m.group(2)))
    return ("unknown", text)


ops_body = c_block(r"static const struct genl_(?:small_)?ops \w+\[\]\s*=\s*\{", kernel)
fam_body = c_block(r"static struct genl_family \w+[^=;]*=\s*\{", kernel) or ""
fam_policy = re.search(r"\.policy\s*=\s*(\w+)", fam_body)
c_ops = {}
for m in re.finditer(r"\{([^{}]*\.cmd\s*=\s*(\w+)[^{}]*)\}", ops_body or ""):
    c_ops.setdefault(m.group(2), []).append(m.group(1))
if not c_ops:
    err("kernel: no genl ops found")

call_set = sets["call"]
attrs_by_c = {c_name(call_set["name-prefix"], a["name"]): a
              for a in call_set["attributes"]}
for op in ops:
    cmd = c_name(spec["operations"]["name-prefix"], op["name"])
    if "do" not in op and "dump" not in op:
        if cmd in c_ops:  # an event: the kernel sends it, takes no request
            err(f"kernel: {cmd} is an event in the spec, but has an op")
        continue
    if cmd not in c_ops:
        err(f"kernel: no op for {cmd}")
        continue
    for body in c_ops[cmd]:
        kind = "dump" if ".dumpit" in body and ".doit" not in body else "do"
        want_flags = {f.upper().replace("-", "_") for f in op.get("flags", [])}
        got_flags = set(re.findall(r"GENL_(\w+)", " ".join(
            re.findall(r"\.flags\s*=\s*([^,]+)", body))))
        if {"GENL_" + f for f in want_flags} != {"GENL_" + f for f in got_flags}:
            err(f"{cmd}: flags {sorted(got_flags)} != spec {sorted(want_flags)}")
        pm = re.search(r"\.policy\s*=\s*(\w+)", body) or fam_policy
        if not pm:
            err(f"{cmd}: no policy")
            continue
        pol = policy(pm.group(1))
        request = []
        for k in ("do", "dump"):
            if k in op and (kind == k or ".doit" in body and ".dumpit" in body):
                request += op[k].get("request", {}).get("attributes", [])
        want = {c_name(call_set["name-prefix"], a) for a in request}
        accepted = {a for a, e in pol.items() if "NLA_REJECT" not in e}
        for a in sorted(accepted - want):
            err(f"{cmd}: policy {pm.group(1)} accepts {a}, not in the spec's request")
        for a in sorted(want - accepted):
            err(f"{cmd}: spec request has {a}, policy {pm.group(1)} does not accept it")
        for a in sorted(want & accepted):
            exp = expected_entry(attrs_by_c[a])
            got = parse_entry(pol[a])
            if exp != got:
                err(f"{cmd}: {a} is {pol[a]} in {pm.group(1)}, spec says {exp}")

# multicast groups
mc_body = c_block(r"static const struct genl_multicast_group \w+\[\]\s*=\s*\{", kernel)
for g in spec.get("mcast-groups", {}).get("list", []):
    want = {f.upper().replace("-", "_") for f in g.get("flags", [])}
    m = re.search(r"\.name\s*=\s*KPPTP_GENL_MCGRP_%s[^}]*" %
                  g["name"].upper().replace("-", "_"), mc_body or "")
    if not m:
        err(f"kernel: no multicast group {g['name']}")
        continue
    # GENL_MCAST_CAP_NET_ADMIN is what GENL_UNS_ADMIN_PERM on a group was
    # called before 6.7 (kernel/compat.h); the spec keeps the old name.
    got = {"UNS_ADMIN_PERM" if f == "CAP_NET_ADMIN" else f
           for f in re.findall(r"GENL_(?:MCAST_)?(\w+)", " ".join(
               re.findall(r"\.flags\s*=\s*([^,}]+)", m.group(0))))}
    if got != want:
        err(f"multicast group {g['name']}: flags {sorted(got)} != spec {sorted(want)}")

print(f"netlink spec: {len(errors)} mismatches")
print("0 passed, 1 failed" if errors else "1 passed, 0 failed")
sys.exit(1 if errors else 0)
