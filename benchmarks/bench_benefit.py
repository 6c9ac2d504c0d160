"""Benchmark: China's ~20 million rare-disease patients through the payer cascade.

For each preset, draws every patient's annual cost (lognormal, mean 131,000 yuan: the
2016-2018 Zhejiang average of 47.84 million yuan over 365 patients, 002 3.1, used as an
illustrative national mean; sigma 1.0) and household income (lognormal, median about
25,100 yuan so that 60% of households are under 30,000, 003 III(II)), runs the
cascade in chunks of one million and counts catastrophic spending and impoverishment.
Then keeps every patient's payments in memory once (``run_cascade_chunks``), for the
first preset, to show the cost of per-patient output.

Prints wall time per preset and the process's peak resident memory (resource.getrusage
ru_maxrss). Target: <= 5 s and <= 4 GB per run on a 2-core machine.

    .venv/bin/python benchmarks/bench_benefit.py [--patients N] [--preset NAME] [--chunk-size N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from equity.cascade import PRESETS, run_cascade_chunks
from equity.protection import COST_SIGMA, lognormal_from_mean, run_population

CHINA_PATIENTS = 20_000_000  # about 20 million (001, 002, 003)
COST_MEAN = 47_840_000 / 365  # yuan per patient per year, 002 3.1 (illustrative nationally)


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=CHINA_PATIENTS)
    parser.add_argument("--preset", choices=list(PRESETS), action="append")
    parser.add_argument("--chunk-size", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    presets = args.preset or list(PRESETS)

    print(f"patients: {args.patients:,}; chunk size: {args.chunk_size:,}; "
          f"cost mean {COST_MEAN:,.0f} yuan")
    print(f"peak RSS before: {peak_rss_mb():,.0f} MB")
    for name in presets:
        calls: list[float] = []
        start = time.perf_counter()
        result = run_population(
            name, patients=args.patients, cost_mean=COST_MEAN, seed=0,
            chunk_size=args.chunk_size, progress=calls.append,
        )
        seconds = time.perf_counter() - start
        shares = ", ".join(f"{k} {v:.1%}" for k, v in result.shares.items())
        print(f"{name:<24} {seconds:6.2f} s  peak RSS {peak_rss_mb():7,.0f} MB  "
              f"progress calls {len(calls)}  mean oop {result.oop_mean:,.0f} yuan  {shares}")

    # Per-patient arrays kept in memory (what a caller gets from run_cascade_chunks).
    name = presets[0]
    cost = lognormal_from_mean(np.random.default_rng(0), COST_MEAN, COST_SIGMA, args.patients)
    start = time.perf_counter()
    arrays = run_cascade_chunks(PRESETS[name], cost, chunk_size=args.chunk_size)
    seconds = time.perf_counter() - start
    print(f"{name} per-patient arrays ({len(arrays.paid) + 2} x {args.patients:,} floats): "
          f"{seconds:.2f} s  peak RSS {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
