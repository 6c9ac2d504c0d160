"""Axes of large amounts: Chinese ticks in 万 / 亿, never Plotly's SI letters (k, M, B).

Plotly writes 800,000 as "800k" and 2,000,000,000 as "2B" in any language; on a Chinese page
those are Latin letters a reader has to translate. The expected ticks below are worked out
by hand: a step of 1, 2, 2.5 or 5 x 10^k giving at most six intervals over the axis."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from equity.cascade import benefit, get_preset
from equity.charts import fund as fund_charts
from equity.charts.benefit import build_oop_curve_figure, build_waterfall_figure
from equity.charts.projection import build_reserve_figure
from equity.charts.style import amount_axis, nice_step
from equity.i18n import fmt_tick_zh
from equity.projection import project

LATIN = re.compile(r"[A-Za-z]")


@pytest.mark.parametrize(("value", "top", "text"), [
    (0, 2e6, "0"), (5e5, 2e6, "50万"), (1.5e6, 2e6, "150万"),  # the axis' unit from its top
    (2.5e4, 1e5, "2.5万"), (5000, 5000, "5000"), (5000, 2e4, "0.5万"),
    (-2.5e9, 2.5e9, "-25亿"), (1e8, 1e8, "1亿"), (2e12, 2e12, "2万亿"),
    (0.1 + 0.2, 1, "0.3"),  # float noise is not shown
])
def test_chinese_tick(value: float, top: float, text: str) -> None:
    assert fmt_tick_zh(value, top=top) == text


@pytest.mark.parametrize(("span", "step"), [
    (805_000, 200_000),  # 134,167 a step -> 200,000
    (2_000_000, 500_000),  # 333,333 -> 500,000
    (1_500_000, 250_000),  # exactly 250,000
    (3.8e9, 1e9), (6, 1), (0.3, 0.05),
])
def test_nice_step(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_english_axes_keep_plotly_s_short_forms() -> None:
    assert amount_axis(0, 2e6, "en") == {"exponentformat": "B"}


def test_chinese_axis_runs_over_the_data_at_a_round_step() -> None:
    axis = amount_axis(-2.6e9, 1.2e9, "zh")
    assert axis["tickvals"] == pytest.approx([-2e9, -1e9, 0, 1e9])
    assert axis["ticktext"] == ["-20亿", "-10亿", "0", "10亿"]
    assert amount_axis(0, 0, "zh")["ticktext"] == ["0"]  # nothing to scale: no crash
    assert amount_axis(float("nan"), float("nan"), "zh")["ticktext"] == ["0"]  # no values


def _ticks(axis) -> list[str]:
    return list(axis.ticktext)


def test_waterfall_in_chinese() -> None:
    # 700,000 yuan under Zhejiang's tiers; the axis runs to 1.15 x the cost = 805,000.
    fig = build_waterfall_figure(result=benefit("zhejiang_special_fund", 700_000), lang="zh")
    assert _ticks(fig.layout.yaxis) == ["0", "20万", "40万", "60万", "80万"]
    english = build_waterfall_figure(result=benefit("zhejiang_special_fund", 700_000), lang="en")
    assert english.layout.yaxis.ticktext is None and english.layout.yaxis.exponentformat == "B"


def test_oop_curve_in_chinese() -> None:
    fig = build_oop_curve_figure(schemes=[("ZJ", get_preset("zhejiang_special_fund"))],
                                 max_cost=2_000_000, lang="zh")
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert _ticks(axis) == ["0", "50万", "100万", "150万", "200万"]


def test_reserve_in_chinese() -> None:
    r = project()  # Zhejiang's fund: 1 to 1.2 亿 a year, the reserve far below zero by 2030
    frame = r.to_frame()
    fig = build_reserve_figure(frame=frame, lang="zh", depletion_year=r.depletion_year)
    values, texts = list(fig.layout.yaxis.tickvals), _ticks(fig.layout.yaxis)
    assert "0" in texts and all(x == "0" or x.endswith("亿") for x in texts)
    assert not any(LATIN.search(x) for x in texts)
    low = min(frame[["income", "expenditure", "reserve"]].min())
    high = max(frame[["income", "expenditure", "reserve"]].max())
    step = values[1] - values[0]
    assert values[0] >= low and values[0] - step < low  # from the lowest value ...
    assert values[-1] <= high and values[-1] + step > high  # ... to the highest
    fixed = build_reserve_figure(frame=frame, lang="zh", y_range=(-1e9, 1e9))
    assert _ticks(fixed.layout.yaxis) == ["-10亿", "-5亿", "0", "5亿", "10亿"]


def test_optimal_allocation_in_chinese() -> None:
    optimal = pd.DataFrame({"region_id": ["S1", "S2"],
                            "allocation_formula": [1_500_000.0, 900_000.0],
                            "allocation_optimal": [600_000.0, 1_800_000.0]})
    fig = fund_charts.build_optimal_figure(optimal=optimal, names={}, lang="zh")
    assert _ticks(fig.layout.xaxis) == ["0", "50万", "100万", "150万"]


def test_any_other_chinese_axis_writes_whole_numbers() -> None:
    """An axis no builder gave Chinese ticks (a count a larger dataset might bring) shows
    2,000,000 rather than 2M; English keeps Plotly's default; given ticks are kept."""
    import plotly.graph_objects as go

    from equity.charts.style import apply_style

    def figure(lang: str) -> go.Figure:
        fig = go.Figure(go.Bar(x=["a", "b"], y=[1e6, 2e6]))
        fig.update_xaxes(**amount_axis(0, 2e6, lang))
        return apply_style(fig, title="t", lang=lang)

    zh = figure("zh")
    assert zh.layout.yaxis.exponentformat == "none" and zh.layout.yaxis.separatethousands
    assert zh.layout.xaxis.tickmode == "array" and zh.layout.xaxis.exponentformat == "none"
    en = figure("en")
    assert en.layout.yaxis.exponentformat is None and en.layout.xaxis.exponentformat == "B"


def test_house_template_is_plotly_white_with_the_house_layout() -> None:
    """Built from plotly_white's plain data (faster than copying the template object): the
    same template as the copy, at both sizes."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from equity.charts.style import _house_layout, _house_template

    for size in (16, 22):
        copied = go.layout.Template(pio.templates["plotly_white"])
        copied.layout.update(_house_layout(size))
        assert _house_template(size).to_plotly_json() == copied.to_plotly_json()
        assert _house_template(size).layout.font.size == size
