"""Chart builders for the payer cascade and the fund projection, tested on fig.data/layout."""

from __future__ import annotations

import pytest

from equity.cascade import benefit, get_preset
from equity.charts.benefit import build_oop_curve_figure, build_waterfall_figure, oop_points
from equity.charts.projection import build_reserve_figure
from equity.projection import project


def test_waterfall_ends_at_the_patients_share():
    fig = build_waterfall_figure(result=benefit("zhejiang_special_fund", 700_000), lang="en")
    trace = fig.data[0]
    assert list(trace.measure) == ["absolute", "relative", "total"]
    assert list(trace.y) == [700_000, -600_000, 100_000]
    assert list(trace.x) == ["Annual cost", "Zhejiang special fund", "Patient pays"]
    assert build_waterfall_figure(result=benefit("zhejiang_special_fund", 700_000),
                                  lang="zh").data[0].x[-1] == "患者自付"


def test_oop_curve_follows_the_tiers_and_the_ceiling():
    zj = get_preset("zhejiang_special_fund")
    # 20% up to 300,000; then 10% of the next 400,000 (100,000 ceiling binds from 700,000 on,
    # since 60,000 + 40,000 = 100,000 there)
    assert oop_points(zj, [0, 300_000, 500_000, 700_000, 3_000_000]).tolist() == \
        pytest.approx([0, 60_000, 80_000, 100_000, 100_000])
    fig = build_oop_curve_figure(schemes=[("ZJ", zj), ("HN", get_preset("hunan_critical_illness"))],
                                 max_cost=1_000_000, lang="en", points=11)
    assert [tr.name for tr in fig.data] == ["No cover (patient pays all)", "ZJ", "HN"]
    assert fig.data[1].y[-1] == pytest.approx(100_000)
    assert fig.data[2].y[-1] == pytest.approx(30_000)  # Hunan's 30,000 ceiling
    assert fig.data[0].y[-1] == pytest.approx(1_000_000)


def test_reserve_figure_marks_the_depletion_year():
    r = project()
    fig = build_reserve_figure(frame=r.to_frame(), lang="en", depletion_year=r.depletion_year)
    names = [tr.name for tr in fig.data]
    assert names == ["Income", "Spending", "Reserve at year end"]
    assert fig.data[0].y[0] == pytest.approx(101_080_000)  # 2020 income, 002 Table 3
    assert list(fig.data[2].x)[:5] == [2020, 2021, 2022, 2023, 2024]
    assert any(shape.x0 == 2026 for shape in fig.layout.shapes)
    # observed bars solid, projected translucent
    assert fig.data[0].marker.opacity[0] == 1.0 and fig.data[0].marker.opacity[-1] < 1.0
    fixed = build_reserve_figure(frame=r.to_frame(), lang="en", y_range=(-1e9, 1e9))
    assert tuple(fixed.layout.yaxis.range) == (-1e9, 1e9)
