"""benchmarks/bench_browser.py's bookkeeping (no browser) and its reference pages (AppTest).

The browser timings themselves are not tested (tests do not time things); what is tested is
that the ratios it prints are the ones it measured, that a missed target fails the run, and
that the floor page carries what app.py's sidebar carries.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks import bench_browser as bench

ROOT = Path(__file__).resolve().parents[1]


def test_ratios_are_medians_over_medians() -> None:
    pair = bench.Pair("new session", 1.05, runs={
        "app": [3.0, 1.0, 2.4], "floor": [2.2, 2.0, 9.0], "bare": [2.0, 1.0, 3.0]})
    assert pair.ratio() == pytest.approx(2.4 / 2.0)
    assert pair.ratio("floor") == pytest.approx(2.2 / 2.0)
    assert pair.ratio("app", "floor") == pytest.approx(2.4 / 2.2)


def test_interleave_reverses_the_order_every_other_round() -> None:
    calls: list[str] = []

    def runner(name: str, value: float):
        def run() -> float:
            calls.append(name)
            return value
        return run

    pair = bench.Pair("cold", 1.15)
    bench._interleave(3, pair, {"app": runner("app", 2.0), "floor": runner("floor", 1.5),
                                "bare": runner("bare", 1.0)}, bench.Budget(60), "s")
    assert calls == ["app", "floor", "bare", "bare", "floor", "app", "app", "floor", "bare"]
    assert pair.runs == {"app": [2.0] * 3, "floor": [1.5] * 3, "bare": [1.0] * 3}


def test_report_fails_on_a_missed_target_and_shows_the_floor(capsys) -> None:
    met = bench.Pair("slider", 1.2, runs={"app": [110.0], "floor": [105.0], "bare": [100.0]})
    missed = bench.Pair("cold", 1.15, runs={"app": [3.6], "floor": [3.3], "bare": [3.0]})
    assert bench.report([(met, "ms", 1.0, 0)]) is True
    assert bench.report([(met, "ms", 1.0, 0), (missed, "s", 1.0, 2)]) is False
    out = capsys.readouterr().out
    assert "| cold (s, n=1) | 3.60 (3.60-3.60) | 3.30 (3.30-3.30) | 3.00 (3.00-3.00) | 1.20x " \
           "| <= 1.15x MISSED | 1.10x | 1.09x |" in out
    assert "1.10x | <= 1.20x met | 1.05x | 1.05x |" in out


def test_report_without_the_floor(capsys) -> None:
    pair = bench.Pair("slider", 1.2, runs={"app": [130.0], "bare": [100.0]})
    assert bench.report([(pair, "ms", 1.0, 0)]) is False
    out = capsys.readouterr().out
    assert "floor" not in out and "| 1.30x | <= 1.20x MISSED |" in out


def test_floor_page_carries_the_apps_sidebar_and_one_chart_of_its_data() -> None:
    floor = AppTest.from_file(str(ROOT / "benchmarks" / "floor_page.py"), default_timeout=60)
    floor.run()
    assert not floor.exception
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    # The same controls, by key and kind, as app.py draws in the sidebar.
    for kind in ("radio", "selectbox", "toggle"):
        keys = sorted(w.key for w in getattr(floor.sidebar, kind))
        assert keys == sorted(w.key for w in getattr(app.sidebar, kind)), kind
    assert [w.key for w in floor.slider] == ["bare_slider"]  # the bare page's slider
    import pandas as pd

    table = pd.read_csv(ROOT / "data" / "city_w" / "regions.csv")
    chart = floor.get("plotly_chart")
    assert len(chart) == 1
    bars = json.loads(chart[0].proto.spec)["data"][0]
    assert bars["x"] == table["region_name"].tolist()  # the data, read with pandas


def test_every_app_slider_press_is_a_new_scenario() -> None:
    """The app's slider has 19 steps below its default; each further page load is another fund
    size, so a long run never presses its way into a scenario the model has cached."""
    target = bench.APP_TARGET
    paths = [target.path, *target.more_paths]
    assert len(set(paths)) == len(paths) >= 2
    assert all(p.startswith("/transfer_fund?central_pool=") for p in paths)
    assert target.presses == 19


def test_ratio_interval_holds_the_ratio_and_narrows_with_more_runs() -> None:
    """Bootstrap interval of median(app) / median(bare): identical runs give the ratio itself;
    a spread gives an interval around it that narrows as the runs grow (same spread)."""
    same = bench.Pair("slider", 1.2, runs={"app": [120.0] * 5, "bare": [100.0] * 5})
    assert same.interval() == pytest.approx((1.2, 1.2))
    values = [60.0, 100.0, 140.0]
    few = bench.Pair("slider", 1.2, runs={"app": [1.2 * v for v in values],
                                          "bare": values})
    many = bench.Pair("slider", 1.2, runs={"app": [1.2 * v for v in values] * 10,
                                           "bare": values * 10})
    for pair in (few, many):
        low, high = pair.interval()
        assert pair.ratio() == pytest.approx(1.2)
        assert low < 1.2 < high
    assert (many.interval()[1] - many.interval()[0]) < (few.interval()[1] - few.interval()[0])
    assert few.interval() == few.interval()  # seeded: the same table twice


def test_report_gives_the_ratio_s_interval(capsys) -> None:
    pair = bench.Pair("slider", 1.2, runs={"app": [130.0, 130.0], "bare": [100.0, 100.0]})
    bench.report([(pair, "ms", 1.0, 0)])
    assert "| 1.30x | <= 1.20x MISSED | 1.30-1.30x |" in capsys.readouterr().out


def test_two_versions_of_the_app_are_pressed_on_the_same_slider() -> None:
    """``--bare-as-app`` (the baseline is another checkout's app): both pages are pressed on
    Transfer fund's slider and watched on its headline; without it the baseline and the floor
    page are pressed on the bare page's slider."""
    for name in ("app", "bare"):
        target = bench.slider_target(name, bare_as_app=True)
        assert (target.name, target.path, target.slider, target.text) == (
            name, bench.APP_TARGET.path, bench.APP_TARGET.slider, bench.APP_TARGET.text)
        assert target.more_paths == bench.APP_PATHS[1:]
    assert bench.slider_target("bare") is bench.BARE_TARGET
    assert bench.slider_target("floor", bare_as_app=True) is bench.BARE_TARGET
    assert bench.slider_target("app") == bench.APP_TARGET
