"""A provincial analyst's path, in a browser, offline: the Zhejiang county template filled
with made-up test numbers (inside this test only), uploaded on the Data page in Chinese, drawn
on its real counties on Overview and on Transfer fund (before / after / change).

Every request the browser makes is recorded; the test fails on any that leaves the machine
(no map tiles, no fonts, nothing). Screenshots at 1440x900: artifacts/screenshots/
geo_zhejiang_{overview,neighbours,transfer_fund}_zh.png. The time from clicking Overview to
the county map drawn (a warm server, its first division map) is printed.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.app.test_geo_pages import filled_template
from tests.e2e.conftest import MAIN_UPLOAD

ZHEJIANG = "330000"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _off_machine(urls: list[str]) -> list[str]:
    far = []
    for url in urls:
        parts = urlparse(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.hostname not in LOCAL_HOSTS:
            far.append(url)
    return far


def _map_drawn(page, key: str) -> None:
    """Wait for the plotly map of widget ``key`` to have drawn (its MapLibre map loaded)."""
    chart = page.locator(f".st-key-{key} .js-plotly-plot").last  # not a fading stale copy
    expect(chart).to_be_visible(timeout=90_000)
    page.wait_for_function(
        "(sel) => { const el = document.querySelector(sel);"
        " const sub = el && el._fullLayout && el._fullLayout.map && el._fullLayout.map._subplot;"
        " return sub && sub.map && sub.map.loaded()"
        " && el._fullData.some(t => t.type === 'choroplethmap'); }",
        arg=f".st-key-{key} .js-plotly-plot", timeout=90_000,
    )


def test_zhejiang_county_map_in_chinese_offline(browser, app_url, app_ready, screenshot):
    data, codes = filled_template(ZHEJIANG, lang="zh")
    assert len(codes) == 90
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}/data?lang=zh")
        app_ready(page)
        uploader = page.locator(MAIN_UPLOAD)
        uploader.set_input_files(files=[{"name": "浙江县级.csv", "mimeType": "text/csv",
                                         "buffer": data}])
        expect(page.get_by_test_id("stAlertContentSuccess")).to_be_visible(timeout=90_000)
        expect(page.get_by_text("90", exact=False).first).to_be_attached()
        # The template section offers the same download for any province.
        expect(page.locator(".st-key-dl_geo_csv")).to_be_attached()

        started = time.monotonic()
        page.get_by_test_id("stSidebarNav").get_by_text("概览").click()
        _map_drawn(page, "map")
        app_ready(page)
        print(f"\nfirst Zhejiang county map on a warm server: {time.monotonic() - started:.2f} s")
        ids = page.evaluate(
            "() => { const el = document.querySelector('.st-key-map .js-plotly-plot');"
            " const t = el._fullData.find(d => d.name === 'before'); return t.locations; }")
        assert sorted(ids) == sorted(codes)
        page.locator(".st-key-map").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)  # let the map settle before the picture
        shot = screenshot(page, "geo_zhejiang_overview_zh", full_page=False)
        assert shot.stat().st_size > 20_000

        # Neighbours on request: lines between counties sharing a border, islands to the
        # nearest county (Zhejiang has island counties: Shengsi, Daishan).
        page.locator(".st-key-map_links label").click()
        app_ready(page)
        page.wait_for_function(
            "() => { const el = document.querySelector('.st-key-map .js-plotly-plot');"
            " return el && el._fullData && el._fullData.some(d => d.name === 'links_border')"
            " && el._fullData.some(d => d.name === 'links_nearest'); }", timeout=90_000)
        _map_drawn(page, "map")
        app_ready(page)
        page.wait_for_timeout(1500)
        screenshot(page, "geo_zhejiang_neighbours_zh", full_page=False)

        page.get_by_test_id("stSidebarNav").get_by_text("转移基金").click()
        _map_drawn(page, "tf_map")
        app_ready(page)
        # A fund (5 million yuan a year in the central pool), so the change map has a change.
        pool = page.locator(".st-key-central_pool input")
        pool.fill("5000000")
        pool.press("Enter")
        page.wait_for_function(
            "() => { const el = document.querySelector('.st-key-tf_map .js-plotly-plot');"
            " const t = el && el._fullData && el._fullData.find(d => d.name === 'change');"
            " return t && Math.max(...t.z) > 0; }", timeout=90_000)
        app_ready(page)
        names = page.evaluate(
            "() => { const el = document.querySelector('.st-key-tf_map .js-plotly-plot');"
            " return el._fullData.map(d => d.name); }")
        assert "change" in names
        change = page.evaluate(
            "() => { const el = document.querySelector('.st-key-tf_map .js-plotly-plot');"
            " return el._fullData.find(d => d.name === 'change').z; }")
        assert len(change) == 90 and max(change) > 0  # the fund raises coverage somewhere
        page.locator(".st-key-tf_map").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        screenshot(page, "geo_zhejiang_transfer_fund_zh", full_page=False)
    finally:
        context.close()
    assert requests, "no request recorded"
    assert _off_machine(requests) == []


def test_national_county_map_draws_every_county(browser, app_url, app_ready, screenshot):
    """The whole country at county level (about 2,850 divisions): the national template filled
    with made-up test numbers, uploaded, drawn on Overview; every county is on the map with
    its figure, drawn from the coarser national GeoJSON (3 decimals, no properties). The time
    from the click to the map drawn is printed (benchmarks/bench_geo.py --browser measures
    it properly)."""
    from equity.geo import children

    data, codes = filled_template("100000")
    n = len(codes)
    assert n == len(children("100000", "county")) > 2800
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{app_url}/data")
        app_ready(page)
        page.locator(MAIN_UPLOAD).set_input_files(
            files=[{"name": "china_counties.csv", "mimeType": "text/csv", "buffer": data}])
        expect(page.get_by_test_id("stAlertContentSuccess")).to_be_visible(timeout=120_000)
        app_ready(page)
        started = time.monotonic()
        page.get_by_test_id("stSidebarNav").get_by_text("Overview", exact=True).click()
        _map_drawn(page, "map")
        print(f"\nnational county map on a warm server: {time.monotonic() - started:.2f} s")
        app_ready(page)
        drawn = page.evaluate(
            "() => { const el = document.querySelector('.st-key-map .js-plotly-plot');"
            " const t = el._fullData.find(d => d.name === 'before');"
            " const f = t.geojson.features;"
            " return {n: t.locations.length, features: f.length, z: t.z.slice(0, 15),"
            " props: f.filter(x => Object.keys(x.properties || {}).length).length,"
            " sample: f[0].geometry.coordinates.flat(3).slice(0, 40)}; }")
        assert drawn["n"] == drawn["features"] == n
        assert drawn["props"] == 0
        # Made-up 0.30 + 0.04 i, shown in %.
        assert drawn["z"] == pytest.approx([30.0 + 4 * i for i in range(15)])
        assert all(round(v, 3) == v for v in drawn["sample"])
        page.locator(".st-key-map").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        shot = screenshot(page, "geo_national_counties_overview", full_page=False)
        assert shot.stat().st_size > 20_000
    finally:
        context.close()
    assert _off_machine(requests) == []
