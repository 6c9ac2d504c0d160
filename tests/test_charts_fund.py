"""Transfer fund chart builders and headline: hand-made inputs shaped like the model's results."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import plotly.graph_objects as go
import pytest

from equity.charts import fund as charts
from equity.charts import style
from equity.i18n import msg


def _gap(before_a=0.90, before_b=0.65, after_a=0.90, after_b=0.806,
         indicator="charity_coverage"):
    return SimpleNamespace(
        indicator=indicator, group_a="urban", group_b="suburban",
        a_before=before_a, b_before=before_b, a_after=after_a, b_after=after_b,
        before=before_a - before_b, after=after_a - after_b,
    )


def _regions():
    return pd.DataFrame({
        "region_id": ["U1", "S1", "S2", "S3"],
        "region_name": ["Centre", "North", "East", "Harbour"],
        "area_type": ["urban", "suburban", "suburban", "suburban"],
        "allocation": [0.0, 1_500_000.0, 900_000.0, 0.0],
        "charity_coverage_before": [0.92, 0.60, 0.70, 0.66],
        "charity_coverage_after": [0.90, 0.75, 0.78, 0.66],
        "oop_share_before": [0.28, 0.31, 0.30, 0.32],
        "oop_share_after": [0.28, 0.25, 0.27, 0.33],
        "status": ["loses", "gains", "gains", "unchanged"],
    })


def _fund(gross=2_400_000.0, overhead=0.0, allocated=2_400_000.0, unspent=0.0, sources=None):
    if sources is None:
        sources = {"central_pool": gross, "levy": 0.0, "mutual_aid": 0.0, "charity_pooling": 0.0}
    return SimpleNamespace(gross=gross, overhead=overhead, allocated=allocated, unspent=unspent,
                           sources=sources)


def _result(gap=None, fund=None, newly=130.0, regions=None):
    return SimpleNamespace(gap=gap or _gap(), fund=fund or _fund(), newly_covered=newly,
                           regions=_regions() if regions is None else regions)


# ----------------------------------------------------------------------------- headline


def test_headline_narrows_in_english_with_model_numbers():
    text = charts.build_headline(result=_result(), lang="en")
    assert text == (
        "A fund of 2.4 million yuan narrows the urban–suburban gap in charity coverage "
        "from 25.0 to 9.4 points and reaches 130 more patients."
    )


def test_headline_narrows_in_chinese():
    text = charts.build_headline(result=_result(), lang="zh")
    assert text == (
        "240万元的基金使城区与郊区之间的慈善救助覆盖率差距从25.0缩小到9.4个百分点，"
        "新增覆盖130名患者。"
    )


def test_headline_zero_fund_says_nothing_changes():
    result = _result(gap=_gap(after_b=0.65), fund=_fund(0.0, 0.0, 0.0, 0.0), newly=0.0)
    en = charts.build_headline(result=result, lang="en")
    assert en.startswith("No fund is set yet")
    assert "25.0 points" in en
    assert "尚未设置基金" in charts.build_headline(result=result, lang="zh")


def test_headline_widens_and_unchanged():
    widened = _result(gap=_gap(after_a=0.95, after_b=0.66))  # 25.0 -> 29.0
    assert "widens" in charts.build_headline(result=widened, lang="en")
    assert "扩大" in charts.build_headline(result=widened, lang="zh")
    # 25.00 -> 24.98 prints as 25.0 both times: "unchanged", not "narrows from 25.0 to 25.0"
    same = _result(gap=_gap(after_b=0.6502), newly=0.0)
    text = charts.build_headline(result=same, lang="en")
    assert "unchanged at 25.0 points" in text


def test_headline_never_prints_minus_zero():
    closed = _result(gap=_gap(after_a=0.90, after_b=0.9003))  # -0.03 points
    text = charts.build_headline(result=closed, lang="en")
    assert "to 0.0 points" in text and "-0.0" not in text


def test_headline_says_when_the_gap_turns_around():
    reversed_gap = _result(gap=_gap(after_a=0.90, after_b=0.92))  # 25.0 -> -2.0
    text = charts.build_headline(result=reversed_gap, lang="en")
    assert text == (
        "A fund of 2.4 million yuan closes the urban–suburban gap in charity coverage and "
        "turns it around, from 25.0 to -2.0 points (suburban now ahead); it reaches 130 more "
        "patients."
    )
    assert "郊区反超" in charts.build_headline(result=reversed_gap, lang="zh")


def test_headline_notes_unspent_and_losers():
    result = _result(fund=_fund(3_000_000.0, 0.0, 2_400_000.0, 600_000.0))
    notes = charts.build_headline_notes(result=result, lang="en")
    assert notes == [
        "600,000 yuan could not be used by any region and stays in reserve.",
        "1 region(s) lose coverage through charity pooling.",
    ]
    assert charts.build_headline_notes(result=_result(regions=_regions().assign(
        status="gains")), lang="en") == []


# ----------------------------------------------------------------------------- before / after


def test_before_after_bars_in_percent():
    fig = charts.build_before_after_figure(gap=_gap(), lang="en")
    assert [tr.name for tr in fig.data] == ["Before", "After"]
    assert list(fig.data[0].x) == ["urban", "suburban"]
    assert list(fig.data[0].y) == pytest.approx([90.0, 65.0])
    assert list(fig.data[1].y) == pytest.approx([90.0, 80.6])
    assert fig.data[1].marker.color == style.FAVOURABLE
    assert "Charity coverage" in fig.layout.title.text


def test_before_after_adverse_indicator_uses_adverse_colour_and_chinese():
    gap = _gap(0.30, 0.35, 0.30, 0.31, indicator="oop_share")
    fig = charts.build_before_after_figure(gap=gap, lang="zh")
    assert fig.data[1].marker.color == style.ADVERSE
    assert [tr.name for tr in fig.data] == ["实施前", "实施后"]
    assert list(fig.data[0].x) == ["城区", "郊区"]
    assert "自付比例" in fig.layout.title.text


# ----------------------------------------------------------------------------- winners / losers


def test_region_change_diverging_bars_sorted_and_coloured():
    fig = charts.build_region_change_figure(regions=_regions(), lang="en")
    bar = fig.data[0]
    assert bar.orientation == "h"
    # changes in points: Centre -2, North +15, East +8, Harbour 0 -> sorted ascending
    assert list(bar.y) == ["Centre", "Harbour", "East", "North"]
    assert list(bar.x) == pytest.approx([-2.0, 0.0, 8.0, 15.0])
    assert list(bar.marker.color) == [style.ADVERSE, style.NEUTRAL, style.FAVOURABLE,
                                      style.FAVOURABLE]
    lo, hi = fig.layout.xaxis.range
    assert lo < -2.0 and hi > 15.0  # every bar and its label fit, zero included
    assert bar.cliponaxis is False


def test_region_change_adverse_indicator_colours_by_harm_not_sign():
    fig = charts.build_region_change_figure(regions=_regions(), column="oop_share",
                                            favourable=False, lang="en")
    bar = fig.data[0]
    by_region = dict(zip(bar.y, bar.marker.color, strict=True))
    assert by_region["North"] == style.FAVOURABLE   # out-of-pocket share fell 6 points: good
    assert by_region["Harbour"] == style.ADVERSE    # rose 1 point: bad


# ----------------------------------------------------------------------------- money flow


def test_money_flow_sankey_closes_and_names_regions():
    fund = _fund(3_000_000.0, 150_000.0, 2_400_000.0, 450_000.0,
                 sources={"central_pool": 2_000_000.0, "levy": 1_000_000.0,
                          "mutual_aid": 0.0, "charity_pooling": 0.0})
    fig = charts.build_money_flow_figure(fund=fund, regions=_regions(), lang="en")
    sankey = fig.data[0]
    assert isinstance(sankey, go.Sankey)
    labels = [lab.split("<br>")[0] for lab in sankey.node.label]
    assert labels == ["Central pool", "Transfer fund", "Per-capita levy", "Administration",
                      "Unspent reserve", "North", "East"]
    fund_node = labels.index("Transfer fund")
    into = sum(v for s, tg, v in zip(sankey.link.source, sankey.link.target, sankey.link.value,
                                      strict=True) if tg == fund_node)
    out = sum(v for s, tg, v in zip(sankey.link.source, sankey.link.target, sankey.link.value,
                                     strict=True) if s == fund_node)
    assert into == pytest.approx(3_000_000.0)
    assert out == pytest.approx(3_000_000.0)
    assert "3 million yuan" in fig.layout.title.text


def test_money_flow_zero_fund_is_empty_with_note():
    fig = charts.build_money_flow_figure(fund=_fund(0.0, 0.0, 0.0, 0.0),
                                         regions=_regions().assign(allocation=0.0), lang="zh")
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text == "没有资金流动：所有来源均为零。"


# ----------------------------------------------------------------------------- measures


def test_measures_table_direction_and_not_applicable():
    info = {"BGV": SimpleNamespace(name_en="Between-group variance", name_zh="组间方差",
                                   reading_en="spread", reading_zh="离散")}
    measures = {
        "before": {"charity_coverage": {"BGV": 0.0150, "COV": 14.0, "SII": math.nan}},
        "after": {"charity_coverage": {"BGV": 0.0020, "COV": 15.0, "SII": math.nan}},
    }
    table = charts.build_measures_table(measures=measures, indicator="charity_coverage",
                                        info=info, lang="en")
    assert list(table["Measure"]) == ["BGV", "COV", "SII"]
    assert list(table["Direction"]) == ["more equal", "less equal", "does not apply"]
    assert table.loc[0, "Change"] == pytest.approx(-0.013)
    assert table.loc[0, "Name"] == "Between-group variance"
    assert charts.build_measures_summary(table=table, lang="en") == (
        "Of the 2 measures that apply, 1 read more equal after the fund, 1 less equal and "
        "0 unchanged.")
    zh = charts.build_measures_table(measures=measures, indicator="charity_coverage",
                                     info=info, lang="zh")
    assert list(zh.columns)[:2] == ["指标", "名称"] and zh.loc[0, "名称"] == "组间方差"


# ----------------------------------------------------------------------------- optimal, tornado


def test_optimal_figure_pairs_formula_and_optimal_by_region_name():
    optimal = pd.DataFrame({"region_id": ["S1", "S2"],
                            "allocation_formula": [1_500_000.0, 900_000.0],
                            "allocation_optimal": [600_000.0, 1_800_000.0]})
    fig = charts.build_optimal_figure(optimal=optimal, names={"S1": "North", "S2": "East"},
                                      lang="en")
    assert [tr.name for tr in fig.data] == ["Formula", "Optimal"]
    assert list(fig.data[1].y) == ["North", "East"]  # sorted by optimal allocation
    assert list(fig.data[1].x) == pytest.approx([600_000.0, 1_800_000.0])
    assert list(fig.data[0].x) == pytest.approx([1_500_000.0, 900_000.0])


def test_tornado_widest_swing_on_top_and_bars_start_at_base():
    frame = pd.DataFrame({
        "parameter": ["central_pool", "take_up"], "label_en": ["Central pool", "Take-up"],
        "label_zh": ["中央调剂金", "申领率"], "low_value": [2.16e6, 0.9],
        "high_value": [2.64e6, 1.0], "gap_low": [0.11, 0.10], "gap_high": [0.08, 0.094],
        "base_gap": [0.094, 0.094],
    })
    fig = charts.build_tornado_figure(sensitivity=frame, lang="zh")
    low, high = fig.data
    assert list(low.y) == ["申领率", "中央调剂金"]  # plotly draws the last category on top
    assert low.base == pytest.approx(9.4) and high.base == pytest.approx(9.4)
    assert [low.base + x for x in low.x] == pytest.approx([10.0, 11.0])
    assert [high.base + x for x in high.x] == pytest.approx([9.4, 8.0])
    assert "金额±10%，比例±10个百分点，权重±0.1" in fig.layout.title.text
    assert "当前方案：9.4个百分点" in fig.layout.xaxis.title.text


def test_uncertainty_bands_in_percent():
    frame = pd.DataFrame({"region_name": ["North", "East"], "p5": [0.70, 0.74],
                          "p25": [0.73, 0.76], "p50": [0.75, 0.78], "p75": [0.77, 0.80],
                          "p95": [0.80, 0.83]})
    fig = charts.build_uncertainty_figure(percentiles=frame, draws=1000, lang="en")
    band90, band50, median = fig.data
    assert list(band90.base) == pytest.approx([70.0, 74.0])
    assert [b + x for b, x in zip(band90.base, band90.x, strict=True)] == pytest.approx(
        [80.0, 83.0])
    assert list(band50.base) == pytest.approx([73.0, 76.0])
    assert list(median.x) == pytest.approx([75.0, 78.0])
    assert "1,000 draws" in fig.layout.title.text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_builder_styles_with_language(lang):
    figs = [
        charts.build_before_after_figure(gap=_gap(), lang=lang),
        charts.build_region_change_figure(regions=_regions(), lang=lang),
        charts.build_money_flow_figure(fund=_fund(), regions=_regions(), lang=lang),
    ]
    for fig in figs:
        assert fig.layout.meta["lang"] == lang
        assert style.drawn_font(fig).size >= style.BASE_FONT


def test_uploaded_names_show_literally():
    regions = _regions()
    regions.loc[1, "region_name"] = "<a href='x'>North</a>"
    regions.loc[2, "region_name"] = "Centre"  # same name as U1: the id tells them apart
    fig = charts.build_region_change_figure(regions=regions, lang="en")
    labels = set(fig.data[0].y)
    assert "&lt;a href='x'&gt;North&lt;/a&gt;" in labels
    assert {"Centre (U1)", "Centre (S2)"} <= labels
    flow = charts.build_money_flow_figure(fund=_fund(), regions=regions, lang="en")
    assert all("<a" not in label for label in flow.data[0].node.label)
    assert charts.group_label("<b>rural</b>", "en") == "&lt;b&gt;rural&lt;/b&gt;"


def test_region_change_keeps_the_extremes_of_a_long_table():
    n = 40
    regions = pd.DataFrame({
        "region_id": [f"R{i}" for i in range(n)],
        "region_name": [f"Region {i}" for i in range(n)],
        "charity_coverage_before": [0.5] * n,
        "charity_coverage_after": [0.5 + (i - 20) / 1000 for i in range(n)],
    })
    fig = charts.build_region_change_figure(regions=regions, lang="en", limit=10)
    assert list(fig.data[0].y) == [f"Region {i}" for i in (0, 1, 2, 3, 4, 35, 36, 37, 38, 39)]
    assert "(5 largest rises and falls of 40 regions)" in fig.layout.title.text


def test_money_flow_groups_the_smallest_recipients():
    n = 8
    regions = pd.DataFrame({
        "region_id": [f"R{i}" for i in range(n)],
        "region_name": [f"Region {i}" for i in range(n)],
        "allocation": [float(100 * (n - i)) for i in range(n)],  # 800, 700, ..., 100
    })
    fund = _fund(3600.0, 0.0, 3600.0, 0.0)
    fig = charts.build_money_flow_figure(fund=fund, regions=regions, lang="en", limit=4)
    labels = [lab.split("<br>")[0] for lab in fig.data[0].node.label]
    assert labels[-4:] == ["Region 0", "Region 1", "Region 2", "5 other regions"]
    assert fig.data[0].link.value[-1] == pytest.approx(500 + 400 + 300 + 200 + 100)


def test_optimal_and_uncertainty_charts_trim_long_tables():
    optimal = pd.DataFrame({"region_id": ["A", "B", "C", "D"],
                            "allocation_formula": [0.0, 300.0, 100.0, 0.0],
                            "allocation_optimal": [0.0, 100.0, 50.0, 400.0]})
    fig = charts.build_optimal_figure(optimal=optimal, names={}, lang="en", limit=2)
    assert sorted(fig.data[0].y) == ["B", "D"]  # A gets nothing; C is the smallest
    assert "(2 largest of 3 regions)" in fig.layout.title.text
    bands = pd.DataFrame({"region_id": ["A", "B", "C"], "region_name": ["A", "B", "C"],
                          "p5": [0.5, 0.4, 0.6], "p25": [0.5, 0.5, 0.6],
                          "p50": [0.5, 0.55, 0.6], "p75": [0.5, 0.6, 0.6],
                          "p95": [0.5, 0.7, 0.62]})
    unc = charts.build_uncertainty_figure(percentiles=bands, draws=100, lang="en", limit=2)
    assert list(unc.data[0].y) == ["B", "C"]  # A has no spread at all
    assert "(2 least certain of 3 regions)" in unc.layout.title.text


# ----------------------------------------------------------------------------- financial protection


def _protection_frame():
    """Shaped like ``ProtectionResult.regions``: shares 0-1, money in yuan a year."""
    return pd.DataFrame({
        "region_id": ["U1", "S1", "S2"],
        "region_name": ["Centre", "North", "East"],
        "area_type": ["urban", "suburban", "suburban"],
        "patients": [120.0, 90.0, 30.0],
        "simulated": [120, 90, 30],
        "mean_oop_before": [60_000.0, 70_000.0, 58_000.0],
        "catastrophic_10_before": [0.80, 0.90, 0.95],
        "catastrophic_25_before": [0.65, 0.75, 0.85],
        "catastrophic_40_before": [0.55, 0.70, 0.80],
        "impoverished_before": [0.40, 0.50, 0.60],
        "mean_oop_after": [60_000.0, 52_000.0, 45_000.0],
        "catastrophic_10_after": [0.80, 0.85, 0.90],
        "catastrophic_25_after": [0.65, 0.70, 0.80],
        "catastrophic_40_after": [0.55, 0.60, 0.70],
        "impoverished_after": [0.40, 0.45, 0.50],
    })


def test_protection_figure_bars_are_the_frames_shares_in_adverse_colours():
    frame = _protection_frame()
    fig = charts.build_protection_figure(frame=frame, threshold=0.40, lang="en")
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 2
    before, after = fig.data
    assert (before.name, after.name) == ("Before", "After")
    assert all(trace.orientation == "h" for trace in fig.data)
    assert list(before.y) == ["Centre", "North", "East"] == list(after.y)
    assert list(before.x) == pytest.approx([55.0, 70.0, 80.0])
    assert list(after.x) == pytest.approx([55.0, 60.0, 70.0])
    assert list(after.text) == ["55.0%", "60.0%", "70.0%"]
    # Catastrophic spending is adverse: vermillion after, its light shade (hatched) before.
    assert after.marker.color == style.ADVERSE
    assert before.marker.color == style.ADVERSE_LIGHT
    assert before.marker.pattern.shape == "/"
    assert fig.layout.title.text == (
        "Patients spending more than 40% of household income out of pocket")
    assert fig.layout.xaxis.range[1] <= 100.0 * 1.18
    assert fig.layout.meta["lang"] == "en"


def test_protection_figure_other_threshold_and_chinese():
    fig = charts.build_protection_figure(frame=_protection_frame(), threshold=0.10, lang="zh",
                                         presenter=True)
    before, after = fig.data
    assert list(before.x) == pytest.approx([80.0, 90.0, 95.0])
    assert list(after.x) == pytest.approx([80.0, 85.0, 90.0])
    assert (before.name, after.name) == ("实施前", "实施后")
    assert fig.layout.title.text == "自付医疗费用超过家庭收入10%的患者比例"
    assert fig.layout.xaxis.title.text == "占本地区患者的百分比"
    assert style.drawn_font(fig).size == style.PRESENTER_FONT


def test_protection_figure_keeps_the_largest_changes_of_a_long_table():
    n = 40
    frame = pd.DataFrame({
        "region_id": [f"R{i}" for i in range(n)],
        "region_name": [f"Region {i}" for i in range(n)],
        "catastrophic_25_before": [0.5] * n,
        "catastrophic_25_after": [0.5 - i / 1000 for i in range(n)],
    })
    fig = charts.build_protection_figure(frame=frame, threshold=0.25, lang="en", limit=5)
    assert list(fig.data[0].y) == [f"Region {i}" for i in (35, 36, 37, 38, 39)]
    assert "the 5 regions with the largest change of 40" in fig.layout.title.text


def test_protection_figure_unknown_threshold_names_the_column():
    with pytest.raises(ValueError, match="catastrophic_30_before"):
        charts.build_protection_figure(frame=_protection_frame(), threshold=0.30, lang="en")


def _overall(before=0.653, after=0.633):
    return {"catastrophic_40_before": before, "catastrophic_40_after": after,
            "catastrophic_10_before": 0.81, "catastrophic_10_after": 0.81}


def test_protection_headline_falls_rises_stays_and_zero_fund():
    assert charts.build_protection_headline(
        overall=_overall(), threshold=0.40, fund_gross=1e6, lang="en") == (
        "With the fund, the share of patients whose out-of-pocket spending exceeds 40% of "
        "household income falls from 65.3% to 63.3% (patient-weighted).")
    assert charts.build_protection_headline(
        overall=_overall(), threshold=0.40, fund_gross=1e6, lang="zh") == (
        "实施基金后，自付医疗费用超过家庭收入40%的患者比例从65.3%降至63.3%（按患者人数加权）。")
    rises = charts.build_protection_headline(overall=_overall(0.60, 0.62), threshold=0.40,
                                             fund_gross=1e6, lang="en")
    assert "rises from 60.0% to 62.0%" in rises
    # A change that prints as the same number is not called a fall.
    same = charts.build_protection_headline(overall=_overall(0.65301, 0.65299), threshold=0.40,
                                            fund_gross=1e6, lang="en")
    assert "stays at 65.3%" in same
    zero = charts.build_protection_headline(overall=_overall(0.81, 0.81), threshold=0.10,
                                            fund_gross=0.0, lang="en")
    assert zero == ("No fund is set yet: 81.0% of patients spend more than 10% of household "
                    "income out of pocket (patient-weighted).")


def test_protection_table_percent_and_points():
    table = charts.build_protection_table(frame=_protection_frame(), threshold=0.40, lang="en")
    assert list(table.columns) == [
        "Region", "Patients", "Before (%)", "After (%)", "Change (points)",
        "Impoverished before (%)", "Impoverished after (%)"]
    row = table.iloc[1]
    assert row["Region"] == "North" and row["Patients"] == 90
    assert row["Before (%)"] == pytest.approx(70.0)
    assert row["After (%)"] == pytest.approx(60.0)
    assert row["Change (points)"] == pytest.approx(-10.0)
    assert row["Impoverished after (%)"] == pytest.approx(45.0)
    zh = charts.build_protection_table(frame=_protection_frame(), threshold=0.25, lang="zh")
    assert list(zh.columns[:5]) == [
        "地区", "患者数", "实施前（%）", "实施后（%）", "变化（百分点）"]
    assert list(zh["实施后（%）"]) == pytest.approx([65.0, 70.0, 80.0])


def _protection(notes=(), poverty_line=10_000.0):
    return SimpleNamespace(
        mode="charity", notes=tuple(notes),
        settings={"cost_sigma": 1.0, "income_sigma": 0.7, "poverty_line": poverty_line,
                  "max_draws": 20_000},
    )


def test_protection_notes_name_the_assumptions_in_both_languages():
    from equity.protection import INCOME_MEDIAN_CHINA

    with_income = charts.build_protection_notes(protection=_protection(), lang="en")
    assert "spread (sigma of ln cost) 1.0" in with_income[0]
    assert "spread 0.7" in with_income[0]
    assert any("household_income column, read as each region's median" in n
               for n in with_income)
    assert with_income[-1].startswith("The poverty line (10,000 yuan per household per year) "
                                      "is illustrative")
    missing = charts.build_protection_notes(
        protection=_protection([msg("protection.note.income_derived", median="25,100",
                                    sigma=0.7),
                                msg("protection.note.draws", max_draws="20,000")]),
        lang="zh")
    median = f"{INCOME_MEDIAN_CHINA / 1e4:.2f}万元"  # about 25,100 yuan -> "2.51万元"
    assert any(median in n and "约60%的患者家庭年收入低于3万元" in n for n in missing)
    assert any(n.startswith("患者超过20,000人的地区") for n in missing)
    assert not any("household_income列" in n for n in missing)


def test_before_after_leaves_room_for_a_label_above_a_high_bar() -> None:
    # Issue 10: the suburban "after" bar at ~97% had its value label cut off under the legend
    # (the axis stopped at 100). The axis must reach a label's height (12 points) above it.
    from types import SimpleNamespace

    gap = SimpleNamespace(group_a="urban", group_b="suburban", indicator="charity_coverage",
                          a_before=0.90, b_before=0.65, a_after=0.92, b_after=0.97)
    for presenter in (False, True):
        fig = charts.build_before_after_figure(gap=gap, lang="en", presenter=presenter)
        assert fig.layout.yaxis.range[1] >= 97.0 + 12.0
        assert max(fig.layout.yaxis.tickvals) == 100  # no "120%" tick
        assert all(bar.cliponaxis is False for bar in fig.data)


# --------------------------------------------------------------------------- issue 14 / 12 texts


def test_measures_table_carries_intervals_beside_values():
    from equity.measures import MEASURES, MeasureResult

    measures = {"before": {"charity_coverage": {"D": 0.32, "BGV": 0.01}},
                "after": {"charity_coverage": {"D": 0.15, "BGV": 0.002}}}
    intervals = {
        "before": {"D": MeasureResult("D", 0.32, None, 0.05, 0.22, 0.42, "analytic"),
                   "BGV": MeasureResult("BGV", 0.01, None)},
        "after": {"D": MeasureResult("D", 0.15, None, 0.04, 0.0716, 0.2284, "analytic")},
    }
    table = charts.build_measures_table(measures=measures, indicator="charity_coverage",
                                        info=MEASURES, lang="en", intervals=intervals)
    columns = list(table.columns)
    assert columns.index("Before, 95% interval") == columns.index("Before") + 1
    assert columns.index("After, 95% interval") == columns.index("After") + 1
    d = table.set_index("Measure").loc["D"]
    assert d["Before, 95% interval"] == "0.22 to 0.42"
    assert d["After, 95% interval"] == "0.0716 to 0.2284"
    assert table.set_index("Measure").loc["BGV", "After, 95% interval"] == "no interval"
    shown = charts.format_measures_table(table=table, lang="en").to_html()
    assert ">0.32<" in shown and ">0.15<" in shown and ">-0.17<" in shown


def test_gap_interval_text_in_points_both_languages():
    from equity.measures import gap_interval

    gap = _gap()  # 25.0 points before, 9.4 after
    before = gap_interval(0.25, se_sampling=0.03)  # 25 -/+ 1.96 x 3 = 19.1 .. 30.9
    en = charts.build_gap_interval_text(gap=gap, before=before, after=None, lang="en")
    assert "before 25.0 points (95% interval 19.1 points to 30.9 points)" in en
    assert "after 9.4 points (no interval: standard errors missing)" in en
    zh = charts.build_gap_interval_text(gap=gap, before=before, after=None, lang="zh")
    assert "25.0个百分点（95%区间19.1个百分点至30.9个百分点）" in zh
    assert charts.build_gap_interval_text(gap=gap, before=None, after=None, lang="en") == ""


def test_d_versus_gap_names_the_extreme_regions():
    result = SimpleNamespace(gap=_gap(), regions=_regions())
    text = charts.build_d_versus_gap_text(result=result, lang="en")
    # before: 0.92 - 0.60 = 32.0 points; after: 0.90 (Centre) - 0.66 (Harbour) = 24.0
    assert "(32.0 points before, 24.0 points after; after the fund Centre is highest and " \
           "Harbour lowest)" in text
    assert "urban minus suburban (25.0 points before, 9.4 points after)" in text.lower()
    assert "Harbour" in charts.build_d_versus_gap_text(result=result, lang="zh")


def test_active_mechanisms_and_source_sentence():
    assert charts.active_mechanisms({"central_pool": 0.0, "levy_per_insured": 2.0,
                                     "paired_assistance": "off", "price_cut": 0.25}) == [
        "levy_per_insured", "price_cut"]
    regions = _regions().assign(patients=[10, 10, 10, 10],
                                oop_per_patient_after=[100.0, 100.0, 100.0, 100.0])
    result = SimpleNamespace(gap=_gap(), regions=regions,
                             fund=_fund(gross=2_000_000.0, sources={
                                 "central_pool": 1_500_000.0, "levy": 500_000.0,
                                 "mutual_aid": 0.0, "charity_pooling": 0.0}))
    without = SimpleNamespace(gap=_gap(after_b=0.70), regions=regions.assign(
        oop_per_patient_after=[100.0, 150.0, 150.0, 100.0]))
    lines = charts.build_mechanism_sentences(
        values={"central_pool": 1_500_000.0, "levy_per_insured": 2.0}, table=pd.DataFrame(),
        result=result, without={"levy_per_insured": without}, lang="en")
    assert lines[0] == "The central transfer pool brings 1.5 million yuan a year into the fund " \
                       "(75% of it)."
    # without the levy: gap 90 - 70 = 20.0 points; patients pay 2 x 10 x 50 = 1,000 yuan more
    assert lines[1].startswith("The per-capita levy brings 500,000 yuan a year into the fund "
                               "(25% of it).")
    assert lines[1].endswith("Without it the gap after would be 20.0 points instead of 9.4 "
                             "points, and patients would pay 1,000 yuan more a year.")


def test_price_cut_sentence_matches_hand_worked_savings():
    # One region, nobody covered by charity: L = O = o T. A 25% cut on the whole cost:
    # T 100,000 -> 75,000; L 40,000 -> 30,000; 10 patients: patients save 100,000 yuan,
    # insurers (60,000 -> 45,000) x 10 = 150,000 yuan, charity 0.
    table = pd.DataFrame({"patients": [10.0], "cost_per_patient": [100_000.0],
                          "oop_share": [0.4], "charity_coverage": [0.0],
                          "subsidy_per_patient": [0.0]})
    result = SimpleNamespace(gap=_gap(), regions=_regions(), fund=_fund())
    (line,) = charts.build_mechanism_sentences(
        values={"price_cut": 0.25, "drug_share": 1.0}, table=table, result=result,
        without={}, lang="en")
    assert "saves insurers 150,000 yuan, charity 0 yuan and patients 100,000 yuan" in line


# --------------------------------------------------------------------------- issue 10 items


def _optimal(allocations, coverage, recipient, objective="min_gap", gap=0.0, net=2_000_000.0):
    regions = pd.DataFrame({"recipient": recipient, "allocation_optimal": allocations,
                            "coverage_after_optimal": coverage})
    return SimpleNamespace(regions=regions, net_fund=net, objective=objective,
                           gap_optimal=gap)


def test_optimal_unspent_reserve_is_explained():
    # all spent: nothing to explain
    full = _optimal([1_000_000.0, 1_000_000.0], [0.8, 0.9], [True, True])
    assert charts.build_optimal_unspent_text(optimal=full, max_coverage=1.0, lang="en") == ""
    # 1.53 of 2 million spent with the gap closed (the City W case)
    closed = _optimal([1_530_000.0, 0.0], [0.9, 0.95], [True, False], gap=-1e-9)
    text = charts.build_optimal_unspent_text(optimal=closed, max_coverage=1.0, lang="en")
    assert text.startswith("The optimal allocation spends 1.53 million yuan of the 2 million "
                           "yuan net fund (after administration); the remaining 470,000 yuan "
                           "stays as an unspent reserve: the gap between the groups is "
                           "already closed")
    # every recipient at the cap: capacity
    capped = _optimal([1_638_000.0, 0.0], [0.9, 0.95], [True, False], objective="max_min")
    text = charts.build_optimal_unspent_text(optimal=capped, max_coverage=0.9, lang="zh")
    assert "其余36.2万元作为未使用储备" in text and "最高覆盖率（90%）" in text
    # smallest gap not zero
    rest = _optimal([1_000_000.0, 0.0], [0.7, 0.95], [True, True], gap=0.021)
    assert "smallest reachable value (2.1 points)" in charts.build_optimal_unspent_text(
        optimal=rest, max_coverage=1.0, lang="en")


def _sensitivity(base=-0.035):
    return pd.DataFrame({
        "parameter": ["central_pool", "levy_per_insured", "weights.shortfall", "take_up"],
        "label_en": ["Central pool", "Levy", "Weight: shortfall", "Take-up"],
        "label_zh": ["中央资金池", "筹资", "权重：缺口", "申领率"],
        "low_value": [1_800_000.0, 0.0, 0.0, 0.9],
        "high_value": [2_200_000.0, 0.0, 0.1, 1.0],
        "gap_low": [-0.01, base, base, -0.02],
        "gap_high": [-0.06, base, base, base],
        "base_gap": [base] * 4,
    })


def test_tornado_says_which_way_is_better_and_why_a_lever_does_nothing():
    gap = _gap(after_b=0.935)  # urban 90% - suburban 93.5% = -3.5 points: reversed
    frame = _sensitivity()
    notes = charts.build_tornado_notes(sensitivity=frame, gap=gap, lang="en")
    assert notes[0].startswith("Which way is better: towards the dashed line at 0")
    assert "reversed, -3.5 points (suburban ahead of urban), so a bar reaching right" in notes[0]
    assert notes[1].startswith("No effect from Levy: each is 0 in this scenario")
    assert notes[2].startswith("No effect from Weight: shortfall: moving it changes neither")
    ahead = charts.build_tornado_notes(sensitivity=_sensitivity(0.094), gap=_gap(), lang="en")
    assert "(urban ahead of suburban), so a bar reaching left" in ahead[0]
    fig = charts.build_tornado_figure(sensitivity=frame, lang="en")
    labels = list(fig.data[0].y)
    assert "Levy (no effect)" in labels and "Weight: shortfall (no effect)" in labels
    assert "Central pool" in labels  # a lever with an effect keeps its plain label
    dashed = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(dashed) == 1 and dashed[0].x0 == 0.0
    zh = charts.build_tornado_notes(sensitivity=frame, gap=gap, lang="zh")
    assert "差距已反转" in zh[0] and "筹资无影响" in zh[1]


def test_uncertainty_inputs_are_named():
    text = charts.build_uncertainty_inputs_text(
        spreads={"take_up": 0.1, "cost_per_patient": 0.1, "subsidy_per_patient": 0.2},
        lang="en")
    assert "take-up (normal, standard deviation 10 points" in text
    assert "standard deviation 10% and 20% on the log scale" in text
    assert "Fixed: the out-of-pocket shares" in text


def test_protection_label_rounds_like_the_table():
    # 56.25% is an exact tie: the table's "%.1f" prints 56.3, Python's format 56.2.
    frame = _protection_frame()
    column = charts.protection_column(0.40)
    frame[f"{column}_before"] = [0.5625, 0.70, 0.80]
    frame[f"{column}_after"] = [0.5625, 0.60, 0.4375]
    fig = charts.build_protection_figure(frame=frame, threshold=0.40, lang="en")
    before, after = fig.data
    assert before.text[0] == "56.3%" and after.text[2] == "43.8%"
    table = charts.build_protection_table(frame=frame, threshold=0.40, lang="en")
    assert table["Before (%)"].iloc[0] == 56.25  # the value the table formats to 56.3


def test_money_flow_labels_do_not_overlap_in_presenter_mode():
    regions = _regions()
    fund = _fund()
    normal = charts.build_money_flow_figure(fund=fund, regions=regions, lang="en")
    big = charts.build_money_flow_figure(fund=fund, regions=regions, lang="en", presenter=True)
    size = style.font_size(True)
    sankey = big.data[0]
    # one-line labels, and a gap between nodes taller than a line of presenter type
    assert all("<br>" not in label for label in sankey.node.label)
    assert sankey.node.pad >= 1.25 * size
    assert any("<br>" in label for label in normal.data[0].node.label)
    nodes_right = sum(1 for label in sankey.node.label
                      if label.split(" · ")[0] in {"Centre", "North", "East", "Harbour"})
    assert big.layout.height >= nodes_right * (1.25 * size + sankey.node.pad)


def test_mechanism_effect_says_when_nothing_or_only_the_bill_changes():
    regions = _regions().assign(patients=[10, 10, 10, 10],
                                oop_per_patient_after=[100.0, 100.0, 100.0, 100.0])
    result = SimpleNamespace(gap=_gap(), regions=regions, fund=_fund(sources={
        "central_pool": 2_400_000.0, "levy": 0.0, "mutual_aid": 0.0, "charity_pooling": 0.0}))
    same = SimpleNamespace(gap=_gap(), regions=regions)
    cheaper = SimpleNamespace(gap=_gap(), regions=regions.assign(
        oop_per_patient_after=[100.0, 100.0, 100.0, 90.0]))
    (none,) = charts.build_mechanism_sentences(
        values={"central_pool": 2_400_000.0}, table=pd.DataFrame(), result=result,
        without={"central_pool": same}, lang="en")
    assert none.endswith("Without it the gap after and the patients' bill would be the same "
                         "here.")
    (bill,) = charts.build_mechanism_sentences(
        values={"central_pool": 2_400_000.0}, table=pd.DataFrame(), result=result,
        without={"central_pool": cheaper}, lang="zh")
    # 10 patients x 10 yuan less in one region, gap unchanged at 9.4 points
    assert bill.endswith("若没有该机制，实施后差距仍为9.4个百分点，患者每年少付100元。")


def test_money_flow_shows_paired_assistance_and_every_node_balances() -> None:
    """Paired assistance (000 4.1.2): each donor's paired money runs through its own node to
    its partners; each region still receives exactly its allocation, the fund node pays out
    exactly the gross (overhead + allocated + unspent)."""
    import numpy as np

    from equity.datasets import load
    from equity.fund import simulate

    result = simulate(load("city_w"), {"mutual_aid_share": 0.3, "central_pool": 500_000,
                                       "paired_assistance": "adjacency", "admin_overhead": 0.1})
    flows = result.levers["paired"]["flows"]
    assert flows and all(f["amount"] > 0 for f in flows)
    fig = charts.build_money_flow_figure(fund=result.fund, regions=result.regions, lang="en",
                                         pairs=flows)
    sankey = fig.data[0]
    labels = [label.split("<br>")[0] for label in sankey.node.label]
    src, tgt = np.array(sankey.link.source), np.array(sankey.link.target)
    val = np.array(sankey.link.value, dtype=float)
    paired_nodes = [i for i, label in enumerate(labels) if label.startswith("Paired: ")]
    donors = {f["donor_id"] for f in flows}
    assert len(paired_nodes) == len(donors)
    for i in paired_nodes:  # what comes in goes out, to the donor's partners only
        assert val[tgt == i].sum() == pytest.approx(val[src == i].sum())
    fund_node = labels.index("Transfer fund")
    assert val[src == fund_node].sum() == pytest.approx(result.fund.gross)
    names = dict(zip(result.regions["region_name"], result.regions["allocation"], strict=True))
    for i, label in enumerate(labels):
        if label in names:
            assert val[tgt == i].sum() == pytest.approx(names[label])
    for i in paired_nodes:
        partners = {labels[j] for j in tgt[src == i]}
        donor = labels[i].removeprefix("Paired: ")
        donor_id = result.regions.loc[result.regions["region_name"] == donor,
                                      "region_id"].iloc[0]
        expected = {result.regions.loc[result.regions["region_id"] == f["recipient_id"],
                                       "region_name"].iloc[0]
                    for f in flows if f["donor_id"] == donor_id}
        assert partners == expected
