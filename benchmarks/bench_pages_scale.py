"""Render time of every page with a large synthetic region table (issue 15: the row limit).

Method: one AppTest session of app.py per page, opened on that page, with an upload of
``benchmarks.synthetic.synthetic_regions(n)`` pending (as the Data page leaves a file that
validated; English, urban vs suburban; no boundaries, so the Overview draws its tile grid).
The Compare page first gets two saved scenarios (1 and 3 million yuan). Each page is run once,
then timed over ``--rounds`` reruns; the first (cold) run and the median rerun are reported,
with any exception the page raised. Target: every page under 5 s at 100,000 regions on the
2-core machine.

Run: ``.venv/bin/python benchmarks/bench_pages_scale.py [--regions 100000] [--rounds 2]
[--pages overview data]``.
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

PAGES = ("overview", "transfer_fund", "data", "methods", "sustainability", "benefit_design",
         "compare")


def region_data(n: int):
    """RegionData over ``synthetic_regions(n)`` (seed 0), as an upload would give it."""
    from benchmarks.synthetic import synthetic_regions
    from equity.readers.region_data import RegionData

    return RegionData(name="synthetic", table=synthetic_regions(n, seed=0))


def session(page: str, data, *, timeout: float = 600):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    # As a validated upload leaves it: app.py makes it the dataset on its next run.
    at.session_state["uploaded_data"] = data
    at.session_state["_switch_to_upload"] = True
    # A switch before the first run is not always honoured: open the app, then the page.
    at.run()
    at.switch_page(f"views/{page}.py")
    return at


def saved_scenarios(at) -> None:
    """The Compare page with two saved scenarios (1 and 3 million yuan), so it draws its
    comparison rather than its empty state."""
    for pool in (1_000_000.0, 3_000_000.0):
        at.session_state["central_pool"] = pool
        at.button[0].click().run()


def time_page(page: str, data, rounds: int) -> dict:
    at = session(page, data)
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if page == "compare":
        saved_scenarios(at)
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
    errors = [e.value for e in at.exception]
    if page != "overview" and any(t.value == "Where the gap stands" for t in at.title):
        errors.append(f"{page} did not open (the Overview ran instead)")
    warm = []
    for _ in range(rounds):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
        errors += [e.value for e in at.exception]
    return {"page": page, "cold": cold, "rerun": statistics.median(warm) if warm else cold,
            "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    args = parser.parse_args(argv)
    data = region_data(args.regions)
    print(f"{args.regions:,} regions; seconds per page (cold run, median rerun)")
    worst = 0.0
    for page in args.pages:
        result = time_page(page, data, args.rounds)
        worst = max(worst, result["rerun"])
        flag = f"  ERROR {result['errors'][:1]}" if result["errors"] else ""
        print(f"{page:16s} {result['cold']:7.2f} {result['rerun']:7.2f}{flag}", flush=True)
    print(f"slowest rerun: {worst:.2f} s (target 5 s)")
    return 0 if worst <= 5.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
