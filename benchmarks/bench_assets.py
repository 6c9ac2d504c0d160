"""Serving the frontend's files while the server is busy: ``serve.py`` with its files from
memory (``dashboard/assets.py``) against the same server leaving them to Streamlit
(``EQUITY_MEMORY_ASSETS=0``) and the bare chart page (Streamlit's handler, nothing else
running).

Each round starts a fresh server and, as soon as ``/_stcore/health`` answers (the app's
warm-up is then importing, as on a user's cold start), fetches every file the page's HTML asks
for, then Plotly's 4.7 MB chunk, one after another, three times over; it reports the sum of
the request times of each pass (ms). The first pass is what a browser's first load meets
during the warm-up; the third, a server that has finished it.

Run: ``.venv/bin/python benchmarks/bench_assets.py [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_browser import BARE, Server  # noqa: E402
from dashboard.assets import MEMORY_ASSETS_ENV, streamlit_static_dir  # noqa: E402

PASSES = 3


def _files(url: str) -> list[str]:
    with urllib.request.urlopen(url + "/", timeout=30) as answer:
        html = answer.read().decode()
    files = sorted(set(re.findall(r'(?:src|href)="\.?/?(static/[^"]+)"', html)))
    plotly = sorted((streamlit_static_dir() / "static" / "js").glob("PlotlyChart.*.js"))
    return files + [f"static/js/{p.name}" for p in plotly]


def passes_ms(script: Path, env: dict[str, str], log_dir: Path) -> list[float]:
    """One fresh server: the sum of the request times (ms) of each pass over the files."""
    server = Server(script, log_dir, env=env)
    try:
        server.wait_healthy()
        files = _files(server.url)
        sums = []
        for _ in range(PASSES):
            total = 0.0
            for name in files:
                start = time.perf_counter()
                with urllib.request.urlopen(f"{server.url}/{name}", timeout=30) as answer:
                    answer.read()
                total += time.perf_counter() - start
            sums.append(total * 1000)
        return sums
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    variants = {
        "app, files from memory": (ROOT / "serve.py", {}),
        "app, files left to Streamlit": (ROOT / "serve.py", {MEMORY_ASSETS_ENV: "0"}),
        "bare page": (BARE, {}),
    }
    log_dir = Path(tempfile.mkdtemp(prefix="bench_assets_"))
    runs: dict[str, list[list[float]]] = {name: [] for name in variants}
    for i in range(args.rounds):
        order = list(variants.items())
        if i % 2:
            order.reverse()
        for name, (script, env) in order:
            runs[name].append(passes_ms(script, env, log_dir))
            print(f"  round {i + 1} {name}: "
                  + " / ".join(f"{v:.0f}" for v in runs[name][-1]) + " ms", flush=True)
    print()
    print("| server | " + " | ".join(f"pass {k + 1} (ms)" for k in range(PASSES)) + " |")
    print("|---|" + "---|" * PASSES)
    for name, rows in runs.items():
        cells = [f"{statistics.median(r[k] for r in rows):.0f} "
                 f"({min(r[k] for r in rows):.0f}-{max(r[k] for r in rows):.0f})"
                 for k in range(PASSES)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
