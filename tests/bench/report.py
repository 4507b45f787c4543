#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""report.py: the kpptp benchmark's table and plot, on the host.

usage: report.py [--readme README.md] [--merge PARTIAL.json] RESULTS_DIR

Reads RESULTS_DIR/bench.json (written in the guest by tests/bench/bench.sh),
writes RESULTS_DIR/table.md (markdown: every figure per datapath, ratios
kpptp/pptp.ko, kpptp/veth, kpptp/veth without offloads, kpptp/userspace,
the CPU cost per packet, and the issue's targets checked) and
RESULTS_DIR/bench.png (matplotlib, if installed), prints the table, and
with --readme replaces the text between the markers
"<!-- bench:begin -->" and "<!-- bench:end -->" in that file.

A figure measured more than once (bench.sh's interleaved rounds) is shown
as its median with the spread, "median (min-max)"; ratios are of medians,
and a ratio is in bold when the two datapaths' samples do not overlap
(every run of one above every run of the other): outside the noise.

--merge PARTIAL.json (a KPPTP_BENCH_PARTS run, e.g. results/partial.json)
first replaces, in RESULTS_DIR/bench.json and bench.csv, every figure
(datapath, condition, metric) PARTIAL.json has by its rows; the table
says which figures come from that other boot.
"""
import argparse
import json
import os
import sys
import time

DATAPATHS = ["veth", "veth-no-offload", "pptp.ko", "kpptp", "userspace"]
DATAPATH_TEXT = {"veth-no-offload": "veth, no offload, MTU 1400"}
CONDITIONS = ["clean", "delay", "reorder", "loss"]
CONDITION_TEXT = {
    "clean": "clean",
    "delay": "delay 1 ms",
    "reorder": "reorder 5% + 1 ms",
    "loss": "loss 1%",
}
METRICS = [  # name, text, higher is better
    ("tcp_1", "TCP 1 stream", True),
    ("tcp_4", "TCP 4 streams", True),
    ("udp64_rx", "UDP 64 B received", True),
    ("ping_avg", "ping avg", False),
    ("ping_p99", "ping p99", False),
]
RATIOS = [("pptp.ko", "kpptp/pptp.ko"), ("veth", "kpptp/veth"),
          ("veth-no-offload", "kpptp/veth no offload"), ("userspace", "kpptp/userspace")]


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2.0


def load(results):
    path = os.path.join(results, "bench.json")
    with open(path) as f:
        data = json.load(f)
    # the host's clock: a TCG guest's lags
    data["date"] = data.get("host_date") or \
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(path)))
    samples = {}
    units = {}
    for r in data["rows"]:
        samples.setdefault((r["datapath"], r["condition"], r["metric"]), []).append(r["value"])
        units[r["metric"]] = r["unit"]
    # a figure measured once is that value; several runs, their median
    # (failed runs, 0 or text, count as they are: a failure is a sample)
    table = {}
    for k, v in samples.items():
        nums = [x for x in v if num(x)]
        table[k] = median(nums) if len(nums) == len(v) else v[-1]
    data["samples"] = samples
    return data, table, units


def merge(results, partial):
    """Rows of the conditions in @partial replace those in bench.json."""
    path = os.path.join(results, "bench.json")
    with open(path) as f:
        data = json.load(f)
    with open(partial) as f:
        part = json.load(f)
    conds = {r["condition"] for r in part["rows"]}
    # by figure, not by condition: a partial run of the rounds has clean
    # rows too, and must not take away the matrix's
    keys = {(r["datapath"], r["condition"], r["metric"]) for r in part["rows"]}
    kept = [r for r in data["rows"] if (r["datapath"], r["condition"], r["metric"]) not in keys]
    data["rows"] = kept + part["rows"]
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(partial)))
    # one entry per merge: each partial boot is named with its figures;
    # an earlier boot whose figures this one all replaces is no source now
    merged = data.get("merged", [])
    if isinstance(merged, dict):
        merged = [merged]
    metrics = {r["metric"] for r in part["rows"]}
    # an earlier boot keeps only the figures this one did not replace
    still = []
    for m in merged:
        figs = m.get("figures")
        if figs is None:
            # entries before 2026-12-05 name conditions and metrics only
            if not (set(m["conditions"]) <= conds and set(m["metrics"]) <= metrics):
                still.append(m)
            continue
        figs = [f for f in figs if tuple(f) not in keys]
        if figs:
            m.update(figures=figs, conditions=sorted({f[1] for f in figs}),
                     metrics=sorted({f[2] for f in figs}))
            still.append(m)
    data["merged"] = still + [{"conditions": sorted(conds), "date": date,
                               "seconds": part["seconds"],
                               "metrics": sorted(metrics),
                               "figures": sorted(list(k) for k in keys),
                               "guest": part["guest"]}]
    # the whole run's date, before this write changes the file's time (a
    # checkout changes it too: set host_date by hand then)
    data.setdefault("host_date", time.strftime("%Y-%m-%d %H:%M UTC",
                                               time.gmtime(os.path.getmtime(path))))
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
    # bench.csv: its own lines kept as they are, the partial run's appended
    path = os.path.join(results, "bench.csv")
    with open(path) as f:
        lines = f.read().splitlines()
    with open(os.path.splitext(partial)[0] + ".csv") as f:
        extra = f.read().splitlines()[1:]
    keep = [l for l in lines[1:] if tuple(l.split(",")[:3]) not in keys]
    with open(path, "w") as f:
        f.write("\n".join([lines[0]] + keep + extra) + "\n")


def num(v):
    return isinstance(v, (int, float))


def fmt(v):
    if not num(v):
        return str(v) if v is not None else "-"
    if v >= 100:
        return "%d" % round(v)
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def ratio(a, b):
    if not num(a) or not num(b) or b == 0:
        return "-"
    return "%.2f" % (a / b)


def spread(xs):
    """(min, max) of several numeric samples, else None."""
    if not xs or len(xs) < 2 or not all(num(x) for x in xs):
        return None
    return min(xs), max(xs)


def apart(a, b):
    """True if the samples @a and @b (lists) do not overlap."""
    sa, sb = spread(a), spread(b)
    return bool(sa and sb and (sa[1] < sb[0] or sb[1] < sa[0]))


def cell(samples, key, table):
    """A table cell: the value, or "median (min-max)" of several runs."""
    v = table.get(key)
    sp = spread(samples.get(key))
    if sp is None:
        return fmt(v)
    return "%s (%s-%s)" % (fmt(v), fmt(sp[0]), fmt(sp[1]))


def ratio_cell(samples, table, k, b):
    """Ratio of medians k / b, bold when their samples do not overlap."""
    r = ratio(table.get(k), table.get(b))
    return "**%s**" % r if r != "-" and apart(samples.get(k), samples.get(b)) else r


def holds(met, runs, lo, hi):
    """Whether the verdict @met holds beyond the noise: every run (@runs,
    (min, max)) at or above @hi, the target's highest, when met; every run
    under @lo, its lowest, when not.  None without a spread."""
    if not runs:
        return None
    return runs[0] >= hi if met else runs[1] < lo


def targets(table, samples):
    """The issue's done criteria, on medians: (text, value, target, met,
    outside the noise)."""
    g = lambda dp, c, m="tcp_1": table.get((dp, c, m))
    out = []

    def check(text, k, b, factor):
        a, v = table.get(k), table.get(b)
        if num(a) and num(v) and v > 0:
            # the target holds beyond the noise when every run of k beats
            # factor x every run of b
            sb = spread(samples.get(b))
            sure = holds(a / v >= factor, spread(samples.get(k)),
                         factor * sb[0], factor * sb[1]) if sb else None
            out.append((text, a / v, factor, a / v >= factor, sure))
        else:
            out.append((text, None, factor, False, None))

    check("clean TCP: kpptp / pptp.ko", ("kpptp", "clean", "tcp_1"),
          ("pptp.ko", "clean", "tcp_1"), 1.3)
    check("clean TCP: kpptp / veth without offloads, MTU 1400",
          ("kpptp", "clean", "tcp_1"), ("veth-no-offload", "clean", "tcp_1"), 0.6)
    check("reorder 5% TCP: kpptp / veth without offloads, MTU 1400",
          ("kpptp", "reorder", "tcp_1"), ("veth-no-offload", "reorder", "tcp_1"), 0.6)
    check("loss 1% TCP: kpptp / pptp.ko", ("kpptp", "loss", "tcp_1"),
          ("pptp.ko", "loss", "tcp_1"), 1.0)
    for c in ("clean", "reorder"):
        k, v = g("kpptp", c), g("veth", c)
        if num(k) and num(v) and v > 0:
            out.append(("(for scale) %s TCP: kpptp / veth with offloads" % c, k / v, None, None,
                        None))
    worst = None
    for c in CONDITIONS:
        for m, _, higher in METRICS:
            if not higher:
                continue
            k, u = g("kpptp", c, m), g("userspace", c, m)
            if num(k) and num(u) and u > 0 and (worst is None or k / u < worst[0]):
                worst = (k / u, "%s %s" % (CONDITION_TEXT[c], m))
    if worst:
        out.append(("every throughput figure: kpptp / userspace (lowest: %s)" % worst[1],
                    worst[0], 10, worst[0] >= 10, None))
    # issue 13: an absolute rate, its runs against the target itself
    k = ("kpptpd", "control", "call_setups")
    v = table.get(k)
    if num(v):
        sure = holds(v >= 2000, spread(samples.get(k)), 2000, 2000)
        out.append(("call setups/s through kpptpd, no pppd (issue 13)", v, 2000, v >= 2000,
                    sure))
    return out


def markdown(data, table, units):
    samples = data["samples"]
    lines = []
    lines.append("Measured %s in one boot of the test guest: %s. "
                 "iperf3 runs of %s s, whole run %d s. The host is shared with other "
                 "jobs, so figures are noisy (about 20%% boot to boot); compare within "
                 "one table."
                 % (data["date"], data["guest"], data["iperf3_seconds"], data["seconds"]))
    merged = data.get("merged", [])
    for m in [merged] if isinstance(merged, dict) else merged:
        lines[-1] += (" The %s figures%s come from a later boot of that part alone "
                      "(%s, %d s, KPPTP_BENCH_PARTS)."
                      % (", ".join(m["conditions"]),
                         " (%s)" % ", ".join(m["metrics"]) if m.get("metrics") else "",
                         m["date"], m["seconds"]))
    # merged parts may have run a different number of rounds: say which
    by_runs = {}
    for (_, cond, _), v in samples.items():
        if len(v) > 1:
            by_runs.setdefault(len(v), set()).add(cond)
    if by_runs:
        counts = ["%d (%s)" % (n, ", ".join(sorted(by_runs[n])))
                  for n in sorted(by_runs, reverse=True)]
        lines[-1] += (" Figures with a spread are the median of their runs (min-max): %s "
                      "runs by underlay or part, the compared datapaths of the rounds "
                      "interleaved (A B C D, then D C B A); the others are one run. Ratios are "
                      "of medians; a ratio in **bold** is outside the noise: every run of one "
                      "datapath beat every run of the other."
                      % " or ".join(filter(None, [", ".join(counts[:-1]), counts[-1]])))
    lines.append("")
    head = ["underlay", "figure"] + [DATAPATH_TEXT.get(d, d) for d in DATAPATHS]
    head += [text for _, text in RATIOS]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for c in CONDITIONS:
        for m, text, _ in METRICS:
            vals = [table.get((dp, c, m)) for dp in DATAPATHS]
            if all(v is None for v in vals):
                continue
            cells = [CONDITION_TEXT[c], "%s (%s)" % (text, units.get(m, ""))]
            cells += [cell(samples, (dp, c, m), table) for dp in DATAPATHS]
            cells += [ratio_cell(samples, table, ("kpptp", c, m), (dp, c, m))
                      for dp, _ in RATIOS]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Ping ratios below 1 are better. TCP and UDP are n1 -> n2 over one call "
                 "(veth: no tunnel, MTU 1500; PPP links MTU 1400); netem on both veth ends. "
                 "\"veth, no offload\": the veth pair at MTU 1400 without any offload a PPP "
                 "device lacks (TSO/GSO/GRO, checksum, scatter-gather; before 2026-12-05 it "
                 "kept checksum offload and scatter-gather), TCP only, the per-packet "
                 "ceiling.")
    lines.append("")

    if any(table.get((dp, "clean", "cpu_per_pkt")) is not None for dp in DATAPATHS):
        pps = [table.get((dp, "clean", "cost_rx_pps")) for dp in DATAPATHS]
        pps = [p for p in pps if num(p)]
        lines.append("CPU cost per packet: 1300-byte UDP datagrams n1 -> n2 at a fixed rate "
                     "below saturation (received: %s pkt/s), clean underlay; busy CPU time during "
                     "the flow, less the same guest idle just before, divided by the datagrams "
                     "received, seen from the guest (/proc/stat, every CPU, both ends together) "
                     "and from the host (the qemu process's CPU time).  Under TCG the guest's "
                     "figure counts wall time, which stretches whenever the host is busy; the "
                     "host's counts the emulation's work.  Microseconds of CPU per datagram, "
                     "lower is better:"
                     % ("-".join(sorted({"%d" % p for p in (min(pps), max(pps))})) if pps
                        else "-"))
        lines.append("")
        cost = [dp for dp in DATAPATHS if table.get((dp, "clean", "cpu_per_pkt")) is not None]
        lines.append("| | " + " | ".join(DATAPATH_TEXT.get(d, d) for d in cost) +
                     " | kpptp/pptp.ko |")
        lines.append("|---|" + "---|" * (len(cost) + 1))
        for metric, text in (("cpu_per_pkt", "guest CPU per packet (us)"),
                             ("host_cpu_per_pkt", "host (qemu) CPU per packet (us)")):
            if not any(table.get((dp, "clean", metric)) is not None for dp in cost):
                continue
            lines.append("| %s | " % text +
                         " | ".join(cell(samples, (dp, "clean", metric), table) for dp in cost) +
                         " | %s |" % ratio_cell(samples, table, ("kpptp", "clean", metric),
                                                 ("pptp.ko", "clean", metric)))
        lines.append("")

    calls = sorted({int(m.split("_")[2]) for (_, _, m) in table if m.startswith("tcp_calls_")})
    if calls:
        lines.append("Concurrent calls, clean underlay, one TCP stream per call, aggregate "
                     "(IP bytes received on the PPP interfaces over 4 s, Mbit/s):")
        lines.append("")
        lines.append("| calls | pptp.ko | kpptp | kpptp/pptp.ko |")
        lines.append("|---|---|---|---|")
        for n in calls:
            p = table.get(("pptp.ko", "clean", "tcp_calls_%d" % n))
            k = table.get(("kpptp", "clean", "tcp_calls_%d" % n))
            lines.append("| %d | %s | %s | %s |" % (n, fmt(p), fmt(k), ratio(k, p)))
        lines.append("")

    cp = [(dp, m, v) for (dp, c, m), v in table.items() if c == "control"]
    if cp:
        idle = table.get(("kpptpd", "control", "idle_conns"))
        idle = "%d" % idle if num(idle) else "N"
        def cp_int(m):
            v = table.get(("kpptpd", "control", m))
            return "%d" % v if num(v) else "N"

        text = {
            "exec_per_s": "process starts per second in the guest (/bin/true), for scale",
            "call_setups_kpptpctl": "call setups/s over netlink, one `kpptpctl call add` "
                                    "process per call",
            "kmem_per_call": "kernel memory per call (SUnreclaim growth / calls, netlink calls)",
            "call_setups": "call setups/s through kpptpd, no pppd (`pppd none`): "
                           "OCRQ/OCRP/CCRQ/CDN cycles on %s control connections, "
                           "a kernel call checked every 2 s"
                           % ("%d" % table[("kpptpd", "control", "setup_conns")]
                              if num(table.get(("kpptpd", "control", "setup_conns"))) else "N"),
            "call_setups_many": "the same kpptpd on %s control connections (no check)"
                                % cp_int("setup_conns_many"),
            "cpu_per_setup_many": "kpptpd's CPU per setup on %s connections"
                                  % cp_int("setup_conns_many"),
            "call_setups_shards": "%s kpptpd processes side by side (ports of their own), "
                                  "%s connections each, setups/s summed"
                                  % (cp_int("shards"), cp_int("setup_conns")),
            "call_setups_shards_kpptpd_cpu": "their CPU use, summed",
            "cpu_per_setup_shards": "their CPU per setup (CPU time summed / setups summed)",
            "call_setup_p50": "call setup latency (OCRQ sent to OCRP received), median",
            "call_setup_p99": "call setup latency, 99th percentile",
            "call_setup_failures": "failed setups (any result code but success, wrong IDs, "
                                   "timeouts)",
            "call_setups_kpptpd_cpu": "kpptpd's CPU use during the setups",
            "cpu_per_setup": "kpptpd's CPU per setup (its CPU time / setups)",
            "call_setups_generator_cpu": "the load generator's CPU use during the setups",
            "call_setups_kpptpd_blocked": "share of the setups kpptpd sat blocked in a system "
                                          "call (not running, not in epoll_wait; sampled "
                                          "/proc/PID/wchan)",
            "conn_call_cycles": "connection + call cycles/s through kpptpd (connect, SCCRQ, "
                                "OCRQ, CCRQ, StopCCRQ, close), no pppd",
            "idle_conns": "idle control connections opened (10,000 wanted)",
            "idle_open_time": "time to open them (at most 64 handshakes under way)",
            "idle_open_kpptpd_cpu": "kpptpd's CPU use while they opened",
            "kpptpd_rss_0": "kpptpd VmRSS with no connection",
            "kpptpd_rss_idle": "kpptpd VmRSS with %s idle control connections" % idle,
            "kpptpd_hwm_idle": "kpptpd VmHWM (peak RSS) with them",
            "rss_per_conn": "kpptpd RSS per idle connection ((RSS - RSS at 0) / %s)" % idle,
            "slab_per_conn": "kernel slab per idle connection, both TCP ends "
                             "(Slab growth / %s)" % idle,
        }
        for m, v in list(table.items()):
            held = m[2][len("call_setups_held_"):] if m[2].startswith("call_setups_held_") else None
            if m[:2] == ("kpptpd", "control") and held:
                n = "%s calls held" % "{:,}".format(int(held)) if held != "0" else "no call held"
                text[m[2]] = ("call setups/s through kpptpd, no pppd, %s (%s control "
                              "connections, 5 s; held: pptp-load idle --calls 100)"
                              % (n, "%d" % table[("kpptpd", "control", "setup_conns")]
                                 if num(table.get(("kpptpd", "control", "setup_conns")))
                                 else "N"))
                text["cpu_per_setup_held_" + held] = "kpptpd's CPU per setup, %s" % n
        text["held_calls_per_s"] = "rate at which the held calls were placed (8 connections at a time)"
        lines.append("| control plane | measured |")
        lines.append("|---|---|")
        for dp, m, v in cp:
            if m in ("setup_conns", "setup_conns_many", "shards"):
                continue
            if spread(data["samples"].get((dp, "control", m))):
                v = cell(data["samples"], (dp, "control", m), table)
            else:
                v = "%d" % v if num(v) and v == int(v) else fmt(v)
            lines.append("| %s | %s %s |" % (text.get(m, "%s %s" % (dp, m)), v,
                                            units.get(m, "")))
        lines.append("")

    lines.append("| target (issues 10 and 13, on medians) | measured | needed | | "
                 "outside the noise |")
    lines.append("|---|---|---|---|---|")
    for text, v, need, ok, sure in targets(table, samples):
        lines.append("| %s | %s | %s | %s | %s |"
                     % (text, "-" if v is None else "%.2f" % v if v < 100 else "%d" % v,
                        "-" if need is None else ">= %s" % need,
                        "" if ok is None else "met" if ok else "**not met**",
                        "-" if sure is None else "yes" if sure else "no"))
    lines.append("")
    lines.append("Outside the noise: the verdict holds for every pair of runs (met: kpptp's "
                 "lowest run against the other's highest; not met: kpptp's highest against "
                 "the other's lowest; issue 13's rate: every run on the same side of 2000).")
    return "\n".join(lines) + "\n"


def plot(table, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report.py: matplotlib is not installed; no plot", file=sys.stderr)
        return False
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    width = 0.16
    for ax, (m, text, higher) in zip(axes.flat, [METRICS[0], METRICS[1], METRICS[2], METRICS[3]]):
        for i, dp in enumerate(DATAPATHS):
            ys = [table.get((dp, c, m)) for c in CONDITIONS]
            ys = [y if num(y) and y > 0 else 0 for y in ys]
            xs = [x + (i - 2) * width for x in range(len(CONDITIONS))]
            ax.bar(xs, ys, width, label=DATAPATH_TEXT.get(dp, dp))
        ax.set_xticks(range(len(CONDITIONS)))
        ax.set_xticklabels([CONDITION_TEXT[c] for c in CONDITIONS])
        ax.set_yscale("log")
        ax.set_title(text + (" (higher is better)" if higher else " (lower is better)"))
        ax.grid(axis="y", which="both", alpha=0.3)
    axes.flat[0].set_ylabel("Mbit/s")
    axes.flat[1].set_ylabel("Mbit/s")
    axes.flat[2].set_ylabel("datagrams/s")
    axes.flat[3].set_ylabel("ms")
    axes.flat[0].legend(fontsize="small")
    fig.suptitle("kpptp benchmark (qemu TCG guest)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return True


def update_readme(path, md, name="bench"):
    """Put md between "<!-- NAME:begin -->" and "<!-- NAME:end -->" in path
    (relay_report.py uses it too)."""
    begin, end = "<!-- %s:begin -->" % name, "<!-- %s:end -->" % name
    with open(path) as f:
        text = f.read()
    if begin not in text or end not in text:
        sys.exit("report.py: %s has no %s ... %s markers" % (path, begin, end))
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + begin + "\n" + md + end + tail)


def main():
    ap = argparse.ArgumentParser(description="kpptp benchmark report")
    ap.add_argument("results")
    ap.add_argument("--readme")
    ap.add_argument("--merge")
    args = ap.parse_args()
    if args.merge:
        merge(args.results, args.merge)
    data, table, units = load(args.results)
    md = markdown(data, table, units)
    with open(os.path.join(args.results, "table.md"), "w") as f:
        f.write(md)
    print(md)
    if plot(table, os.path.join(args.results, "bench.png")):
        md += "\n![benchmark plot](tests/bench/results/bench.png)\n"
    if args.readme:
        update_readme(args.readme, md)


if __name__ == "__main__":
    main()
