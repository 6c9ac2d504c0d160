"""Rerun time of the Transfer fund page after a control move, against a bare page.

Method: two AppTest sessions in one process, both on the same prepared session state (City W,
English, urban vs suburban) and a fund of 1 million yuan: the real page
(``views/transfer_fund.py``) and ``benchmarks/bare_transfer_page.py`` (same widgets, headline,
tabs and Results charts from the page's own helpers, a fixed result, no model). After warm-up
runs, each round moves the target-coverage slider one step (0.01) down to a value never seen
before, so the model's cache misses as it would for a user, on both pages, in alternating
order, and times ``AppTest.run()``. Reported: the median over rounds of each, and their ratio
(target <= 1.3).

AppTest builds a new script cache on every run, so it would recompile (and re-parse for
Streamlit's "magic") the page file each time, while ``streamlit run`` keeps one script cache
for the server's life and compiles a page once. The bare page is tiny and imports the page's
helpers as a module (compiled once), so that AppTest artefact would be charged to the real
page alone. Both sessions here therefore share one script cache, as a server does.

Run: ``.venv/bin/python benchmarks/bench_rerun.py [--rounds 31]`` (about a minute).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _share_script_cache() -> None:
    """Make AppTest use one ScriptCache for every run, as the Streamlit server does."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared
    local_script_runner.ScriptCache = lambda: shared


def _session(script: Path):
    from streamlit.testing.v1 import AppTest

    from dashboard.state import DEFAULT_COMPARE
    from equity.datasets import load

    at = AppTest.from_file(str(script), default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["region_data"] = load("city_w")
    at.session_state["compare"] = dict(DEFAULT_COMPARE)
    at.session_state["presenter"] = False
    at.query_params["central_pool"] = "1000000"
    at.query_params["group"] = "target"  # the scenario panel's group with the slider moved
    at.run()
    if at.exception:
        raise SystemExit(f"{script.name} failed: {[e.value for e in at.exception]}")
    return at


def _move(at, value: float) -> float:
    at.slider(key="target_coverage").set_value(value)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"run failed: {[e.value for e in at.exception]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)
    _share_script_cache()

    page = _session(ROOT / "views" / "transfer_fund.py")
    bare = _session(ROOT / "benchmarks" / "bare_transfer_page.py")
    if args.warmup + args.rounds > 80:
        parser.error("at most 80 rounds in all: the slider has that many fresh values below 0.9")
    value = 0.90
    for _ in range(args.warmup):
        value = round(value - 0.01, 2)
        _move(page, value)
        _move(bare, value)
    times: dict[str, list[float]] = {"page": [], "bare": []}
    for i in range(args.rounds):
        value = round(value - 0.01, 2)
        order = (("page", page), ("bare", bare)) if i % 2 == 0 else (("bare", bare),
                                                                       ("page", page))
        for name, at in order:
            times[name].append(_move(at, value))
    page_ms = statistics.median(times["page"]) * 1000
    bare_ms = statistics.median(times["bare"]) * 1000
    print(f"rounds: {args.rounds} (after {args.warmup} warm-up), alternating order")
    print(f"transfer fund page rerun: median {page_ms:.0f} ms "
          f"(min {min(times['page']) * 1000:.0f}, max {max(times['page']) * 1000:.0f})")
    print(f"bare page rerun:          median {bare_ms:.0f} ms "
          f"(min {min(times['bare']) * 1000:.0f}, max {max(times['bare']) * 1000:.0f})")
    ratio = page_ms / bare_ms
    print(f"ratio: {ratio:.2f}x (target <= 1.3x)")
    return 0 if ratio <= 1.3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
