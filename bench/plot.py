#!/usr/bin/env python3
"""Draws the `make bench` figures as two SVG charts, with no plotting library.

Usage: bench/plot.py BENCH_OUTPUT OUT_DIR
Reads the `bench <name> <unit> stack=<median> kernel=<median> ...` lines and writes
  OUT_DIR/throughput-vs-mtu.svg   bulk TCP (iperf3) to and from the stack, and the kernel's veth, against the MTU
  OUT_DIR/goodput-vs-loss.svg     two stacks on the in-memory link in virtual time, against seeded loss
"""
import re
import sys

W, H, L, R, T, B = 560, 340, 70, 170, 40, 50
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"]


def parse(path):
    figures = {}
    for line in open(path):
        m = re.match(r"bench (\S+) (\S+) stack=(\S+) kernel=(\S+)", line)
        if m:
            figures[m.group(1)] = (m.group(3), m.group(4))
    return figures


def number(s):
    try:
        return float(s)
    except ValueError:
        return None


def chart(title, xlabel, ylabel, series, xs_labels, path):
    """series: list of (name, [(x position 0..1, y)]); xs_labels: [(x position, label)]."""
    ymax = max([y for _, pts in series for _, y in pts] + [1]) * 1.1
    pw, ph = W - L - R, H - T - B
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{L}" y1="{T + ph}" x2="{L + pw}" y2="{T + ph}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{T + ph}" stroke="black"/>',
           f'<text x="{L + pw / 2}" y="{H - 10}" text-anchor="middle">{xlabel}</text>',
           f'<text x="15" y="{T + ph / 2}" text-anchor="middle" transform="rotate(-90 15 {T + ph / 2})">{ylabel}</text>']
    for i in range(6):
        y = ymax * i / 5
        py = T + ph - ph * i / 5
        out.append(f'<line x1="{L - 4}" y1="{py}" x2="{L + pw}" y2="{py}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 6}" y="{py + 4}" text-anchor="end">{y:.0f}</text>')
    for x, label in xs_labels:
        px = L + pw * x
        out.append(f'<text x="{px}" y="{T + ph + 16}" text-anchor="middle">{label}</text>')
    for k, (name, pts) in enumerate(series):
        c = COLOURS[k % len(COLOURS)]
        coords = [(L + pw * x, T + ph - ph * y / ymax) for x, y in pts]
        if len(coords) > 1:
            out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                       % (c, " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)))
        for x, y in coords:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{c}"/>')
        out.append(f'<rect x="{L + pw + 12}" y="{T + 18 * k}" width="12" height="12" fill="{c}"/>')
        out.append(f'<text x="{L + pw + 30}" y="{T + 18 * k + 10}">{name}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    figures = parse(sys.argv[1])
    outdir = sys.argv[2]
    mtus = sorted({int(m.group(1)) for k in figures for m in [re.match(r"bulk-to-stack-(\d+)-offload$", k)] if m})
    pos = {m: i / max(1, len(mtus) - 1) for i, m in enumerate(mtus)}
    series = []
    for name, key, side in [("to stack", "bulk-to-stack", 0), ("from stack", "bulk-from-stack", 0),
                            ("kernel veth", "bulk-to-stack", 1)]:
        pts = [(pos[m], number(figures[f"{key}-{m}-offload"][side])) for m in mtus]
        series.append((name, [(x, y) for x, y in pts if y is not None]))
    chart("Bulk TCP throughput (iperf3, offloads on) against MTU", "MTU (bytes)", "Mbit/s", series,
          [(pos[m], str(m)) for m in mtus], f"{outdir}/throughput-vs-mtu.svg")
    losses = sorted(float(m.group(1)) for k in figures for m in [re.match(r"loss-([\d.]+)%$", k)] if m)
    top = max(losses + [1])
    pts = [(p / top, number(figures[f"loss-{p:g}%"][0])) for p in losses]
    chart("Goodput against seeded loss (two stacks, in-memory link, virtual time)", "loss on each end (%)",
          "Mbit/s", [("netstack4j", [(x, y) for x, y in pts if y is not None])],
          [(p / top, f"{p:g}") for p in losses], f"{outdir}/goodput-vs-loss.svg")


if __name__ == "__main__":
    main()
