"""The HEAT-style measures chart: traces, intervals and labels checked on fig.data/fig.layout."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest

from equity import measures as m
from equity.charts import style
from equity.charts.measures import build_measures_interval_figure

Y_BEFORE = [0.92, 0.88, 0.70, 0.61, 0.75]
Y_AFTER = [0.92, 0.88, 0.80, 0.78, 0.80]
POP = [1200, 800, 650, 400, 900]
ORDER_ = [5, 4, 2, 1, 3]


def _results(y):
    return m.summarise(y, POP, order=ORDER_, order_rules=False, se=m.binomial_se(y, POP),
                       draws=400)


def _traces(fig: go.Figure, measure: str) -> dict[str, go.Scatter]:
    return {tr.meta["state"]: tr for tr in fig.data if tr.meta["measure"] == measure}


def test_one_row_per_measure_with_before_and_after():
    before, after = _results(Y_BEFORE), _results(Y_AFTER)
    fig = build_measures_interval_figure(before=before, after=after, lang="en")
    # MDRU and MDRW need a reference subgroup: no value in either state, so no row
    shown = [a for a in m.ORDER if a not in ("MDRU", "MDRW")]
    assert len(fig.data) == 2 * len(shown)
    assert [tr.meta["measure"] for tr in fig.data[::2]] == shown
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == "D · Difference (indicator units)"
    assert titles[shown.index("COV")] == "COV · Coefficient of variation (%)"
    # every measure on its own x axis (units differ)
    assert len({tr.xaxis for tr in fig.data}) == len(shown)
    # the legend names the two states once
    assert [tr.name for tr in fig.data if tr.showlegend] == ["Before", "After"]
    assert fig.layout.height > 21 * 60
    axis = {tr.meta["measure"]: tr.xaxis for tr in fig.data}
    layout_axis = lambda a: fig.layout["xaxis" + axis[a][1:]]  # noqa: E731
    assert layout_axis("RII").type == "log" and layout_axis("R").type == "log"
    assert layout_axis("D").type != "log"


def test_points_and_interval_bars_carry_the_numbers():
    before, after = _results(Y_BEFORE), _results(Y_AFTER)
    fig = build_measures_interval_figure(before=before, after=after, lang="en")
    for abbr in ("D", "BGV", "COV", "SII"):
        for state, res in (("before", before[abbr]), ("after", after[abbr])):
            tr = _traces(fig, abbr)[state]
            assert tr.x[0] == pytest.approx(res.value)
            assert tr.error_x.visible is True
            assert tr.x[0] + tr.error_x.array[0] == pytest.approx(res.upper)
            assert tr.x[0] - tr.error_x.arrayminus[0] == pytest.approx(res.lower)
    tr = _traces(fig, "D")
    assert tr["before"].marker.symbol == "circle-open"
    assert tr["after"].marker.symbol == "circle"
    assert tr["after"].marker.color == style.FAVOURABLE
    # the hover text gives the plain reading
    assert "gap between the two compared subgroups" in tr["after"].hovertemplate


def test_without_se_the_points_have_no_bars_and_say_so():
    plain = m.summarise(Y_BEFORE, POP, measures=["D", "BGV"])
    fig = build_measures_interval_figure(before=plain, lang="en", favourable=False)
    assert len(fig.data) == 2
    for tr in fig.data:
        assert tr.error_x.visible is False
        assert "no interval" in tr.hovertemplate
        assert tr.marker.color == style.ADVERSE  # adverse indicator, single state is filled
        assert tr.marker.symbol == "circle"


def test_accepts_json_records_and_chinese():
    before = m.as_records(_results(Y_BEFORE))
    fig = build_measures_interval_figure(before=before, measures=["R", "TI"], lang="zh",
                                         heat_units=True)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["R · 比值 (比值)", "TI · 泰尔指数 (指数 × 1000)"]
    assert fig.data[0].name == "实施前"
    assert fig.layout.meta["lang"] == "zh"
    assert fig.data[0].x[0] == pytest.approx(before["R"]["value"])


def test_empty_and_unknown():
    nan = m.summarise([0.5], [10], measures=["D"])
    assert math.isnan(nan["D"].value)
    fig = build_measures_interval_figure(before=nan, lang="en")
    assert len(fig.data) == 0
    assert "No measure" in fig.layout.annotations[0].text
    with pytest.raises(ValueError, match="XYZ"):
        build_measures_interval_figure(before={}, measures=["XYZ"], lang="en")
