"""Export cost: a chart's PNG download against kaleido's own warm export of the same figure.

Run: ``.venv/bin/python benchmarks/bench_export.py [--repeat N]``. Each side keeps its own
warm Chromium (ours: :func:`equity.report.figure_to_image`'s; kaleido's: its sync server), both
started before the timed rounds, so the ratio is what our export adds (copy, stamp, source
line, the deadline); target: at most 1.2x. Also prints the first (cold) export, which starts
Chromium.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kaleido

from equity.charts.overview import build_ranked_regions_figure
from equity.datasets import load
from equity.report import figure_to_image

TARGET_RATIO = 1.2


def _median_ms(task, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    data = load("city_w")
    fig = build_ranked_regions_figure(
        table=data.table, indicator="charity_coverage", lang="en",
        compare={"column": "area_type", "a": "urban", "b": "suburban"})
    start = time.perf_counter()
    figure_to_image(fig, "png")
    cold = (time.perf_counter() - start) * 1000
    opts = {"format": "png", "width": 1600, "height": fig.layout.height or 700, "scale": 1.0}
    raw = fig.to_plotly_json()
    kaleido.start_sync_server(n=1, mathjax=False, silence_warnings=True)
    kaleido.calc_fig_sync(raw, opts=opts)  # starts kaleido's own Chromium
    # Interleave the two so machine noise hits both alike.
    ours, theirs = [], []
    for _ in range(args.repeat):
        theirs.append(_median_ms(lambda: kaleido.calc_fig_sync(raw, opts=opts), 1))
        ours.append(_median_ms(lambda: figure_to_image(fig, "png", source="City W"), 1))
    o, k = statistics.median(ours), statistics.median(theirs)
    print(f"first PNG (starts Chromium): {cold:,.0f} ms")
    print(f"warm PNG, ours: {o:,.0f} ms; kaleido alone: {k:,.0f} ms; ratio {o / k:.2f}x "
          f"(target <= {TARGET_RATIO}x)")


if __name__ == "__main__":
    main()
