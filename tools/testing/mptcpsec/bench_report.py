#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Figure 8 from the CSV of tests/bench_throughput.sh (run on the host).

    bench_report.py CSV PNG TABLE

Prints (and writes to TABLE) the throughput per mode (mean, stddev, min,
max over the runs that completed), the AEAD speed per suite, and the ratio
table MPTCPsec/TLS, MPTCPsec/MPTCP and MPTCPsec/bound, where
bound = min(plain MPTCP, AEAD) with the means.  PNG: bar chart of the mean
throughput with min/max error bars, the AEAD speed and the bound marked on
the MPTCPsec bars.  Uses matplotlib from Debian (python3-matplotlib).
"""
import csv
import statistics
import sys

MODES = [("plain", "MPTCP"), ("tls", "TLS/MPTCP\nAES-128-GCM"),
         ("sec21", "MPTCPsec\nAES-128-GCM"), ("sec22", "MPTCPsec\nAES-256-GCM"),
         ("sec23", "MPTCPsec\nChaCha20-Poly1305")]
SUITES = ["sec21", "sec22", "sec23"]


def stats(vals):
    if not vals:
        return None
    return {"n": len(vals), "mean": statistics.fmean(vals),
            "sd": statistics.stdev(vals) if len(vals) > 1 else 0.0,
            "min": min(vals), "max": max(vals)}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, png, table = sys.argv[1:]
    xfer, aead, size, failed = {}, {}, None, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "xfer":
                size = int(row["size"])
                if row["detail"] == "completed":
                    xfer.setdefault(row["mode"], []).append(float(row["mbit"]))
                else:
                    failed[row["mode"]] = failed.get(row["mode"], 0) + 1
            elif row["kind"] == "aead":
                aead.setdefault(row["mode"], []).append(float(row["mbit"]))
    xs = {m: stats(xfer.get(m, [])) for m, _ in MODES}
    av = {s: stats(aead.get(s, [])) for s in SUITES}

    def fmt(st):
        if not st:
            return "      -       -       -       -   0"
        return "%7.1f %7.1f %7.1f %7.1f %3d" % (st["mean"], st["sd"],
                                                st["min"], st["max"], st["n"])

    lines = ["Figure 8: bulk upload, %s per transfer, 4096-byte writes, "
             "two unlimited veth paths, one VM run (TCG: compare ratios)"
             % ("%d MiB" % (size >> 20) if size else "?"),
             "",
             "%-10s %7s %7s %7s %7s %3s  (Mbit/s)" % ("mode", "mean", "stddev",
                                                      "min", "max", "n")]
    for m, _ in MODES:
        extra = "  (%d failed)" % failed[m] if m in failed else ""
        lines.append("%-10s %s%s" % (m, fmt(xs[m]), extra))
    for s in SUITES:
        lines.append("%-10s %s" % ("aead" + s[3:], fmt(av[s])))
    lines += ["",
              "(aeadNN: the suite's synchronous in-kernel AEAD sealing "
              "16384-byte records via AF_ALG)",
              "",
              "%-26s %13s %15s %15s %9s" % ("MPTCPsec suite", "MPTCPsec/TLS",
                                            "MPTCPsec/MPTCP", "MPTCPsec/bound",
                                            "bound")]

    def ratio(a, b):
        return "%.2f" % (a / b) if a and b else "-"

    names = {"sec21": "0x21 AES-128-GCM", "sec22": "0x22 AES-256-GCM",
             "sec23": "0x23 ChaCha20-Poly1305"}
    bounds = {}
    for s in SUITES:
        sec = xs[s]["mean"] if xs[s] else None
        tls = xs["tls"]["mean"] if xs["tls"] else None
        plain = xs["plain"]["mean"] if xs["plain"] else None
        bound = min(plain, av[s]["mean"]) if plain and av[s] else None
        bounds[s] = bound
        lines.append("%-26s %13s %15s %15s %9s" % (
            names[s], ratio(sec, tls), ratio(sec, plain), ratio(sec, bound),
            "%.1f" % bound if bound else "-"))
    lines.append("(bound = min(plain MPTCP, AEAD) in Mbit/s, means)")
    text = "\n".join(lines) + "\n"
    with open(table, "w") as f:
        f.write(text)
    sys.stdout.write(text)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5))
    colors = ["#808080", "#d62728", "#1f77b4", "#4a90d9", "#2ca02c"]
    for i, (m, label) in enumerate(MODES):
        st = xs[m]
        if not st:
            continue
        ax.bar(i, st["mean"], color=colors[i], width=0.6,
               yerr=[[st["mean"] - st["min"]], [st["max"] - st["mean"]]],
               capsize=6)
        ax.annotate("%.0f" % st["mean"], (i, st["max"]),
                    textcoords="offset points", xytext=(0, 4), ha="center")
        if m in SUITES and av[m]:
            ax.plot([i - 0.3, i + 0.3], [bounds[m]] * 2, "k--", lw=1.5,
                    label="bound min(MPTCP, AEAD)" if m == "sec21" else None)
            ax.annotate("bound %.0f (AEAD %.0f)" % (bounds[m], av[m]["mean"]),
                        (i, bounds[m]),
                        textcoords="offset points", xytext=(0, -12),
                        ha="center", fontsize=8)
    ax.set_xticks(range(len(MODES)))
    ax.set_xticklabels([label for _, label in MODES], fontsize=9)
    ax.set_ylabel("throughput (Mbit/s), mean of runs, bars: min-max")
    n = max((s["n"] for s in xs.values() if s), default=0)
    ax.set_title("Bulk upload over two MPTCP subflows, %s, %d runs each "
                 "(QEMU TCG)" % ("%d MiB" % (size >> 20) if size else "?", n))
    if any(av.values()):
        ax.legend(loc="upper right", fontsize=8)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(png, dpi=120)


if __name__ == "__main__":
    main()
