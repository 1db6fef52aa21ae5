#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: the Host's serial log in, a table and a chart out.

    report.py [--text FILE] [--html FILE] [--pae PAE-LOG] LOG

The log holds what host.sh and lgbench printed:

    LGBENCH result SIDE NAME UNIT MEDIAN MIN MAX OPS
    LGBENCH counters SIDE NAME COUNTER=CHANGE ...
    LGBENCH error TEXT

The table (on stdout and in --text) has, per benchmark, the native and
the Guest figure (the median of the runs, then half the spread between
the fastest and the slowest run), their ratio, and the Host's exits per
operation in the Guest run; with --pae, the same from the PAE Host's log
beside them (its Guest's figure, ratio and exits), which is what the
extra level of page tables costs.  The page (--html) adds a chart of the
two-level ratios on a log scale.  The figures are never judged: we exit 1 only
when the bench did not run to its end or a benchmark lacks a figure.
"""

import argparse
import html
import math
import re
import sys

NATIVE, GUEST = "native", "guest"
BOTH = (NATIVE, GUEST)

# name, what it measures, which way is better, who runs it.
BENCHES = [
    ("int80", "getppid() through int $0x80", "lower", BOTH),
    ("libc", "getppid() through the C library", "lower", BOTH),
    ("pipe", "pipe round trip between two processes", "lower", BOTH),
    ("fork", "fork + exit + wait", "lower", BOTH),
    ("exec", "fork + exec of a tiny static program + wait", "lower", BOTH),
    ("fault", "fault in a fresh anonymous page", "lower", BOTH),
    ("cow", "copy-on-write fault", "lower", BOTH),
    ("walk-linear", "pre-faulted 64 MiB, a page at a time, in order",
     "lower", BOTH),
    ("walk-random", "pre-faulted 64 MiB, a page at a time, shuffled",
     "lower", BOTH),
    ("mremap", "page-table update: mremap a page to and fro, touch it",
     "lower", BOTH),
    ("file-mmap", "mmap a file page, touch it, munmap", "lower", BOTH),
    ("unix", "unix stream socket between two processes", "higher", BOTH),
    ("hypercall", "null hypercall round trip (a tiny Guest)", "lower",
     (GUEST,)),
    ("dio-read", "O_DIRECT sequential read, 1 MiB requests", "higher", BOTH),
    ("dio-write", "O_DIRECT sequential write, 1 MiB requests", "higher",
     BOTH),
    ("tcp-out", "TCP to the Host", "higher", BOTH),
    ("tcp-in", "TCP from the Host", "higher", BOTH),
    ("tcp-rr", "TCP 1-byte ping-pong", "lower", BOTH),
    ("boot", "boot to init", "lower", BOTH),
    ("launcher-rss", "Launcher's memory beyond Guest RAM", "lower", (GUEST,)),
]

LEGEND = """\
native: the Host's kernel on QEMU; Guest: the same work in a 128 MB lguest
Guest on it, in the same boot.  Each figure is the median of the runs,
+-half the spread between the best and the worst.  Guest/native above 1
means the Guest's figure is bigger: worse for times, better for
throughputs (MiB/s).  exits/op: the Host's count of Guest exits during the
Guest's runs, per operation (per MiB for a throughput).  TCP natively is
the Host talking to a network namespace over a veth pair, in the Guest
the Host over the Guest's tap.  Boot natively is the Host kernel's own
clock when it ran init (once); in the Guest, from starting the Launcher
to the kernel running init.  The hypercall needs a Guest: a tiny one
makes them.  The Launcher's memory is the Pss of every mapping of the
Launcher and its Waker but Guest RAM, sampled after each benchmark.
PAE: the same on the PAE Host (6 GiB, its own boot) with a PAE Guest,
read against that boot's own native figures."""


def parse(lines):
    """The results, the counters and the errors found in the log."""
    results, counters, errors = {}, {}, []
    ended = False
    for line in lines:
        line = line.rstrip("\r\n")
        if line.startswith("LGTEST end bench"):
            ended = True
        m = re.match(r"LGBENCH result (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) (\d+)$",
                     line)
        if m:
            side, name, unit = m.group(1, 2, 3)
            try:
                med, lo, hi = (float(v) for v in m.group(4, 5, 6))
            except ValueError:
                errors.append("a malformed result: " + line)
                continue
            results[side, name] = dict(unit=unit, median=med, min=lo,
                                       max=hi, ops=int(m.group(7)))
            continue
        m = re.match(r"LGBENCH counters (\S+) (\S+)(.*)$", line)
        if m:
            counts = {}
            for word in m.group(3).split():
                key, _, value = word.partition("=")
                if re.fullmatch(r"-?\d+", value):
                    counts[key] = int(value)
            counters[m.group(1), m.group(2)] = counts
            continue
        if line.startswith("LGBENCH error "):
            errors.append(line[len("LGBENCH error "):])
    return results, counters, errors, ended


def number(v):
    """A figure to three significant digits, thousands spaced."""
    if v >= 100:
        return f"{v:,.0f}".replace(",", " ")
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if v >= 0.1 else f"{v:.3g}"


def figure(r):
    if r is None:
        return "-"
    if r["median"] == 0:
        return "0"
    spread = (r["max"] - r["min"]) / 2 / r["median"] * 100
    return f"{number(r['median'])} +-{spread:.0f}%" if spread >= 1 else \
        f"{number(r['median'])} +-{spread:.1f}%"


def ratio_of(results, name):
    n, g = results.get((NATIVE, name)), results.get((GUEST, name))
    if not n or not g or n["median"] <= 0 or g["median"] <= 0:
        return None
    return g["median"] / n["median"]


def per_op(counts, result, key):
    if counts is None or result is None or key not in counts or \
            not result["ops"]:
        return None
    return counts[key] / result["ops"]


def columns(results, counters, name):
    """One run's figures for a benchmark: native, Guest, ratio, exits."""
    g = results.get((GUEST, name))
    ratio = ratio_of(results, name)
    exits = per_op(counters.get((GUEST, name)), g, "exits")
    return dict(native=figure(results.get((NATIVE, name))), guest=figure(g),
                ratio="-" if ratio is None else number(ratio) + "x",
                ratio_value=ratio,
                exits="-" if exits is None else number(exits))


def rows_of(results, counters, pae=None):
    rows = []
    for name, title, better, _ in BENCHES:
        g = results.get((GUEST, name))
        unit = (g or results.get((NATIVE, name)) or {}).get("unit", "")
        row = dict(name=name, title=title, unit=unit, better=better)
        row.update(columns(results, counters, name))
        if pae:
            row.update({"pae_" + k: v for k, v in
                        columns(pae[0], pae[1], name).items()})
        rows.append(row)
    return rows


def missing(results, ended, host="the Host"):
    gaps = [] if ended else [f"{host} never reached the end of the bench"]
    for name, _, _, sides in BENCHES:
        for side in sides:
            if (side, name) not in results:
                gaps.append(f"no {side} figure for {name} from {host}")
    return gaps


def table(rows):
    head = ("benchmark", "unit", "native", "Guest", "Guest/native",
            "exits/op")
    keys = ("native", "guest", "ratio", "exits")
    if "pae_ratio" in rows[0]:
        head += ("PAE Guest", "PAE Guest/native", "PAE exits/op")
        keys += ("pae_guest", "pae_ratio", "pae_exits")
    cells = [head] + [(r["title"], r["unit"]) + tuple(r[k] for k in keys)
                      for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    out = []
    for i, c in enumerate(cells):
        out.append("  ".join(c[0].ljust(widths[0]) if j == 0 else
                             c[j].rjust(widths[j]) for j in range(len(c)))
                   .rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def counter_lines(results, counters):
    """Every counter the Host keeps, per operation, for each Guest run."""
    out = []
    for name, _, _, _ in BENCHES:
        counts = counters.get((GUEST, name))
        result = results.get((GUEST, name))
        if not counts or not result:
            continue
        words = [f"{key} {number(per_op(counts, result, key))}"
                 for key in counts if counts[key] > 0]
        out.append(f"  {name}: " + (", ".join(words) or "none"))
    return out


def text_report(rows, results, counters, problems):
    parts = [table(rows), "", LEGEND]
    extra = counter_lines(results, counters)
    if extra:
        parts += ["", "The Host's counters per operation in the Guest runs:"]
        parts += extra
    if problems:
        parts += ["", "Problems:"] + [f"  {p}" for p in problems]
    return "\n".join(parts) + "\n"


def worse(row):
    """Whether the Guest's figure is the worse one."""
    r = row["ratio_value"]
    return r > 1 if row["better"] == "lower" else r < 1


def chart(rows):
    """One bar per benchmark from 1x to its ratio, on a log scale."""
    rows = [r for r in rows if r["ratio_value"]]
    if not rows:
        return "<p>No ratios to draw.</p>"
    logs = [math.log10(r["ratio_value"]) for r in rows]
    lo = min(-1, math.floor(min(logs)))
    hi = max(1, math.ceil(max(logs)))
    left, width, bar, top = 360, 480, 22, 30
    height = top + bar * len(rows) + 30

    def x(log):
        return left + (log - lo) / (hi - lo) * width

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" '
           f'height="{height}" font-family="sans-serif" font-size="12">']
    for p in range(lo, hi + 1):
        svg.append(f'<line x1="{x(p):.1f}" y1="{top - 5}" x2="{x(p):.1f}" '
                   f'y2="{height - 25}" stroke="{"#333" if p == 0 else "#ccc"}"/>')
        svg.append(f'<text x="{x(p):.1f}" y="{height - 10}" '
                   f'text-anchor="middle">{10.0 ** p:g}x</text>')
    for i, (r, log) in enumerate(zip(rows, logs)):
        y = top + i * bar
        a, b = sorted((x(0), x(log)))
        colour = "#c0392b" if worse(r) else "#27ae60"
        svg.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">'
                   f'{html.escape(r["title"])}</text>')
        svg.append(f'<rect x="{a:.1f}" y="{y + 3}" width="{max(b - a, 1):.1f}" '
                   f'height="{bar - 6}" fill="{colour}"/>')
        svg.append(f'<text x="{max(b, x(0)) + 4:.1f}" y="{y + 15}">'
                   f'{html.escape(r["ratio"])}</text>')
    svg.append(f'<text x="{left}" y="15">Guest/native, log scale; red: the '
               'Guest is worse, green: it is as good or better</text>')
    svg.append("</svg>")
    return "\n".join(svg)


def html_report(rows, text):
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>lguest: make bench</title>
<style>body {{ font-family: sans-serif; margin: 2em; }}
pre {{ font-size: 13px; }}</style></head>
<body><h1>lguest: make bench</h1>
{chart(rows)}
<pre>{html.escape(text)}</pre>
</body></html>
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--text", help="write the table here too")
    ap.add_argument("--html", help="write the page with the chart here")
    ap.add_argument("--pae", help="the PAE Host's serial log")
    ap.add_argument("log", help="the Host's serial log")
    args = ap.parse_args()
    try:
        with open(args.log, errors="replace") as f:
            results, counters, errors, ended = parse(f)
        pae = None
        if args.pae:
            with open(args.pae, errors="replace") as f:
                pae = parse(f)
    except OSError as e:
        sys.exit(f"error: cannot read the log {e.filename}: {e.strerror}")
    problems = errors + missing(results, ended)
    if pae:
        problems += pae[2] + missing(pae[0], pae[3], "the PAE Host")
    rows = rows_of(results, counters, pae)
    text = text_report(rows, results, counters, problems)
    print(text, end="")
    if args.text:
        with open(args.text, "w") as f:
            f.write(text)
    if args.html:
        with open(args.html, "w") as f:
            f.write(html_report(rows, text))
    if problems:
        sys.exit(f"error: the bench is incomplete ({len(problems)} "
                 f"problem{'s' if len(problems) > 1 else ''}, listed above)")


if __name__ == "__main__":
    main()
