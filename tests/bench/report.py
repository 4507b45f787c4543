#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""report.py: the kpptp benchmark's table and plot, on the host.

usage: report.py [--readme README.md] [--merge PARTIAL.json] RESULTS_DIR

Reads RESULTS_DIR/bench.json (written in the guest by tests/bench/bench.sh),
writes RESULTS_DIR/table.md (markdown: every figure per datapath, ratios
kpptp/pptp.ko, kpptp/veth, kpptp/userspace, and the issue's targets checked)
and RESULTS_DIR/bench.png (matplotlib, if installed), prints the table, and
with --readme replaces the text between the markers
"<!-- bench:begin -->" and "<!-- bench:end -->" in that file.

--merge PARTIAL.json (a KPPTP_BENCH_PARTS run, e.g. results/partial.json)
first replaces, in RESULTS_DIR/bench.json and bench.csv, every row of the
conditions PARTIAL.json has (e.g. "control") by its rows; the table says
which figures come from that other boot.
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


def load(results):
    path = os.path.join(results, "bench.json")
    with open(path) as f:
        data = json.load(f)
    # the host's clock: a TCG guest's lags
    data["date"] = data.get("host_date") or \
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(path)))
    table = {}
    units = {}
    for r in data["rows"]:
        table[(r["datapath"], r["condition"], r["metric"])] = r["value"]
        units[r["metric"]] = r["unit"]
    return data, table, units


def merge(results, partial):
    """Rows of the conditions in @partial replace those in bench.json."""
    path = os.path.join(results, "bench.json")
    with open(path) as f:
        data = json.load(f)
    with open(partial) as f:
        part = json.load(f)
    conds = {r["condition"] for r in part["rows"]}
    data["rows"] = [r for r in data["rows"] if r["condition"] not in conds] + part["rows"]
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(partial)))
    data["merged"] = {"conditions": sorted(conds), "date": date, "seconds": part["seconds"],
                      "guest": part["guest"]}
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
    keep = [l for l in lines[1:] if l.split(",")[1] not in conds]
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


def targets(table):
    """The issue's done criteria, measured: (text, value, target, met)."""
    g = lambda dp, c, m="tcp_1": table.get((dp, c, m))
    out = []

    def check(text, a, b, factor):
        if num(a) and num(b) and b > 0:
            out.append((text, a / b, factor, a / b >= factor))
        else:
            out.append((text, None, factor, False))

    check("clean TCP: kpptp / pptp.ko", g("kpptp", "clean"), g("pptp.ko", "clean"), 1.3)
    check("clean TCP: kpptp / veth", g("kpptp", "clean"), g("veth", "clean"), 0.45)
    check("reorder TCP: kpptp / veth", g("kpptp", "reorder"), g("veth", "reorder"), 0.6)
    for c in ("clean", "reorder"):
        k, v = g("kpptp", c), g("veth-no-offload", c)
        if num(k) and num(v) and v > 0:
            out.append(("(for scale) %s TCP: kpptp / veth without offloads" % c, k / v, None, None))
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
                    worst[0], 10, worst[0] >= 10))
    return out


def markdown(data, table, units):
    lines = []
    lines.append("Measured %s in one boot of the test guest: %s. "
                 "iperf3 runs of %s s, whole run %d s. The host is shared with other "
                 "jobs, so figures are noisy (about 20%% boot to boot); compare within "
                 "one table."
                 % (data["date"], data["guest"], data["iperf3_seconds"], data["seconds"]))
    if "merged" in data:
        m = data["merged"]
        lines[-1] += (" The %s figures come from a later boot of that part alone "
                      "(%s, %d s, KPPTP_BENCH_PARTS)."
                      % (", ".join(m["conditions"]), m["date"], m["seconds"]))
    lines.append("")
    head = ["underlay", "figure"] + [DATAPATH_TEXT.get(d, d) for d in DATAPATHS]
    head += ["kpptp/pptp.ko", "kpptp/veth", "kpptp/userspace"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for c in CONDITIONS:
        for m, text, _ in METRICS:
            vals = [table.get((dp, c, m)) for dp in DATAPATHS]
            if all(v is None for v in vals):
                continue
            k = table.get(("kpptp", c, m))
            cells = [CONDITION_TEXT[c], "%s (%s)" % (text, units.get(m, ""))]
            cells += [fmt(v) for v in vals]
            cells += [ratio(k, table.get(("pptp.ko", c, m))),
                      ratio(k, table.get(("veth", c, m))),
                      ratio(k, table.get(("userspace", c, m)))]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Ping ratios below 1 are better. TCP and UDP are n1 -> n2 over one call "
                 "(veth: no tunnel, MTU 1500; PPP links MTU 1400); netem on both veth ends. "
                 "\"veth, no offload\": the veth pair without TSO/GSO/GRO at MTU 1400, TCP only, "
                 "the per-packet ceiling (a PPP device has no segmentation offload).")
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
        text = {
            "exec_per_s": "process starts per second in the guest (/bin/true), for scale",
            "call_setups_kpptpctl": "call setups/s over netlink, one `kpptpctl call add` "
                                    "process per call",
            "kmem_per_call": "kernel memory per call (SUnreclaim growth / calls, netlink calls)",
            "call_setups": "call setups/s through kpptpd, no pppd (`pppd none`): "
                           "OCRQ/OCRP/CCRQ/CDN cycles on %s control connections"
                           % ("%d" % table[("kpptpd", "control", "setup_conns")]
                              if num(table.get(("kpptpd", "control", "setup_conns"))) else "N"),
            "call_setup_p50": "call setup latency (OCRQ sent to OCRP received), median",
            "call_setup_p99": "call setup latency, 99th percentile",
            "call_setup_failures": "failed setups (any result code but success, wrong IDs, "
                                   "timeouts)",
            "call_setups_kpptpd_cpu": "kpptpd's CPU use during the setups",
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
        lines.append("| control plane | measured |")
        lines.append("|---|---|")
        for dp, m, v in cp:
            if m == "setup_conns":
                continue
            v = "%d" % v if num(v) and v == int(v) else fmt(v)
            lines.append("| %s | %s %s |" % (text.get(m, "%s %s" % (dp, m)), v,
                                            units.get(m, "")))
        lines.append("")

    lines.append("| target (issue 5) | measured | needed | |")
    lines.append("|---|---|---|---|")
    for text, v, need, ok in targets(table):
        lines.append("| %s | %s | %s | %s |"
                     % (text, "-" if v is None else "%.2f" % v,
                        "-" if need is None else ">= %s" % need,
                        "" if ok is None else "met" if ok else "**not met**"))
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


def update_readme(path, md, data):
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
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
        update_readme(args.readme, md, data)


if __name__ == "__main__":
    main()
