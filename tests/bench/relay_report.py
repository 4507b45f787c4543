#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""relay_report.py: the relay benchmark's report, on the host ("make
bench-relay" runs it after tests/bench/relay.sh has run in the guest).

Reads RESULTS_DIR/relay.csv (mode,hops,condition,metric,value,unit; one row
per run), writes RESULTS_DIR/relay.md (the throughput and login table, then
issue 11's targets with their verdicts) and RESULTS_DIR/relay.png
(matplotlib, if installed), and with --readme FILE puts relay.md between
"<!-- relay-bench:begin -->" and "<!-- relay-bench:end -->" in that file.

A ratio is of medians.  It is "outside the noise" when the verdict holds
for every pair of runs (the relay's lowest against routed's highest, or
the reverse).  Login time added per gateway is the least-squares slope,
over the hop counts, of the mode's median login minus routed's.
"""
import argparse
import csv
import os
import statistics
import sys

from report import update_readme

MODES = ("routed", "transparent", "terminating")
TARGETS = (("transparent", 0.9, 0.1), ("terminating", 0.7, 1.0))


def load(path):
    rows = list(csv.DictReader(open(path)))
    data = {}
    for r in rows:
        v = float(r["value"])
        if v != v:		# nan: the run failed
            continue
        key = (r["mode"], int(r["hops"]), r["condition"], r["metric"])
        data.setdefault(key, []).append(v)
    return data


def fmt(v, nd=1):
    if not v:
        return "-"
    return f"{statistics.median(v):.{nd}f} ({min(v):.{nd}f}-{max(v):.{nd}f})"


def med(v):
    return statistics.median(v) if v else None


def slope(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else None


def pair_table(data, conds, hops, first, second, caption, heads):
    """Two per-run figures for each mode, as one table; none if no run has them."""
    if not any(k[3] in (first, second) for k in data):
        return []
    out = ["", caption, "", "| gateways | condition | " + " | ".join(heads) + " |",
           "|---|---|" + "---|" * len(heads)]
    for c in conds:
        for h in hops:
            cells = [fmt(data.get((m, h, c, metric), []), 0)
                     for metric in (first, second) for m in MODES]
            out.append(f"| {h} | {c} | " + " | ".join(cells) + " |")
    return out


def table(data, rounds, secs):
    hops = sorted({k[1] for k in data})
    conds = sorted({k[2] for k in data}, key=["clean", "reorder"].index)
    tcp = lambda m, h, c: data.get((m, h, c, "tcp"), [])
    login = lambda m, h, c: [x / 1000 for x in data.get((m, h, c, "login_ms"), [])]
    out = [f"Relay chains, median (min-max) of {rounds} interleaved runs, "
           f"iperf3 TCP 1 stream {secs} s, MS-CHAPv2 + MPPE-128:", "",
           "| gateways | condition | routed Mbit/s | transparent Mbit/s | terminating Mbit/s "
           "| transparent / routed | terminating / routed | login routed s "
           "| login transparent s | login terminating s |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for c in conds:
        for h in hops:
            t = {m: tcp(m, h, c) for m in MODES}
            r = lambda m: (f"{med(t[m]) / med(t['routed']):.2f}"
                           if t[m] and t["routed"] else "-")
            out.append(f"| {h} | {c} | {fmt(t['routed'])} | {fmt(t['transparent'])} "
                       f"| {fmt(t['terminating'])} | {r('transparent')} | {r('terminating')} "
                       f"| {fmt(login('routed', h, c))} | {fmt(login('transparent', h, c))} "
                       f"| {fmt(login('terminating', h, c))} |")
    out += pair_table(
        data, conds, hops, "tcp_rtt", "cpu_max",
        "During the TCP run, median (min-max): the sender's mean round trip, and the busiest "
        "vCPU's load (every host of the chain shares the guest's 2 vCPUs):",
        ("RTT routed ms", "RTT transparent ms", "RTT terminating ms",
         "busiest vCPU routed %", "transparent %", "terminating %"))
    out += pair_table(
        data, conds, hops, "cpu_thread", "tcp_retr",
        "During the TCP run, median (min-max): the busiest thread's CPU, in % of one vCPU "
        "(threads that lived through the run, so not iperf3's client; the client's pptp-linux "
        "GRE thread, `pptpgw`, carries the gateways' receive work, since a veth hands a "
        "packet on in its sender's system call), and the TCP sender's retransmitted "
        "segments:",
        ("busiest thread routed %", "transparent %", "terminating %",
         "retransmitted routed", "transparent", "terminating"))
    out += ["", "| target (issue 11, medians, clean chain) | measured | needed | | outside the noise |",
            "|---|---|---|---|---|"]
    far = max(hops)
    for mode, need, per_hop in TARGETS:
        a, b = tcp(mode, far, "clean"), tcp("routed", far, "clean")
        if a and b:
            ratio = med(a) / med(b)
            met = ratio >= need
            sure = (min(a) / max(b) >= need) if met else (max(a) / min(b) < need)
            out.append(f"| {mode} / routed, TCP, {far} gateways | {ratio:.2f} | >= {need} "
                       f"| {'met' if met else '**not met**'} | {'yes' if sure else 'no'} |")
    for mode, need, per_hop in TARGETS:
        pts = [(h, med(login(mode, h, "clean")) - med(login("routed", h, "clean")))
               for h in hops if login(mode, h, "clean") and login("routed", h, "clean")]
        s = slope([p[0] for p in pts], [p[1] for p in pts]) if len(pts) > 1 else None
        if s is not None:
            out.append(f"| login time added per gateway, {mode} ({min(hops)} to {far} gateways, "
                       f"against routed) | {s:.2f} s | <= {per_hop} s "
                       f"| {'met' if s <= per_hop else '**not met**'} | - |")
    return "\n".join(out) + "\n"


def plot(data, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("relay_report.py: matplotlib is not installed; no plot", file=sys.stderr)
        return False
    hops = sorted({k[1] for k in data})
    conds = sorted({k[2] for k in data}, key=["clean", "reorder"].index)
    fig, axes = plt.subplots(1, len(conds) + 1, figsize=(4.2 * (len(conds) + 1), 3.6))
    for ax, c in zip(axes, conds):
        for m in MODES:
            pts = [(h, data[(m, h, c, "tcp")]) for h in hops if (m, h, c, "tcp") in data]
            if not pts:
                continue
            x = [p[0] for p in pts]
            y = [med(p[1]) for p in pts]
            err = [[y[i] - min(p[1]) for i, p in enumerate(pts)],
                   [max(p[1]) - y[i] for i, p in enumerate(pts)]]
            ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=m)
        ax.set_title(f"TCP through the chain, {c}")
        ax.set_xlabel("gateways")
        ax.set_ylabel("Mbit/s (median, min-max)")
        ax.set_xticks(hops)
        ax.set_ylim(bottom=0)
    ax = axes[-1]
    for m in MODES:
        pts = [(h, [v / 1000 for v in data[(m, h, "clean", "login_ms")]])
               for h in hops if (m, h, "clean", "login_ms") in data]
        if pts:
            ax.plot([p[0] for p in pts], [med(p[1]) for p in pts], marker="o", label=m)
    ax.set_title("login: pppd started to IPCP up")
    ax.set_xlabel("gateways")
    ax.set_ylabel("s (median)")
    ax.set_xticks(hops)
    ax.set_ylim(bottom=0)
    axes[0].legend(fontsize="small")
    fig.suptitle("kpptp relay chains, MS-CHAPv2 + MPPE-128 (qemu TCG guest)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return True


def main():
    ap = argparse.ArgumentParser(description="kpptp relay benchmark report")
    ap.add_argument("results")
    ap.add_argument("--readme")
    ap.add_argument("--rounds", default="?")
    ap.add_argument("--seconds", default="?")
    args = ap.parse_args()
    data = load(os.path.join(args.results, "relay.csv"))
    if not data:
        sys.exit("relay_report.py: no results in relay.csv")
    md = table(data, args.rounds, args.seconds)
    if plot(data, os.path.join(args.results, "relay.png")):
        md += "\n![relay benchmark plot](tests/bench/results/relay.png)\n"
    with open(os.path.join(args.results, "relay.md"), "w") as f:
        f.write(md)
    if args.readme:
        update_readme(args.readme, md, "relay-bench")
    print(md, end="")


if __name__ == "__main__":
    main()
