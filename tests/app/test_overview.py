"""Overview page: the City W figures the documents give (000 3.1.2, 3.2.1) reach the screen."""

from __future__ import annotations


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_runs_and_shows_city_w_gap(make_app) -> None:
    at = make_app()
    assert not at.exception
    metrics = _metrics(at)
    # Documented: urban-centre 90%, suburban 65% charity coverage; out-of-pocket up to 30%.
    assert metrics["Coverage, urban"] == "90.0%"
    assert metrics["Coverage, suburban"] == "65.0%"
    assert metrics["Coverage gap"] == "25.0 points"
    assert metrics["Out-of-pocket share"] == "30.0%"
    assert metrics["Subsidy per covered patient"] == "18,000 yuan"  # 000 3.1.2
    assert "Where the gap stands" in [t.value for t in at.title]
    headline = at.markdown[0].value
    assert "90.0%" in headline and "65.0%" in headline and "25.0 points" in headline


def test_overview_patients_equal_the_table_total(make_app) -> None:
    from equity.datasets import load

    total = load("city_w").table["patients"].sum()
    at = make_app()
    assert _metrics(at)["Patients"] == f"{total:,.0f}"


def test_overview_in_chinese(make_app) -> None:
    at = make_app(lang="zh")
    assert not at.exception
    metrics = _metrics(at)
    assert metrics["城区覆盖率"] == "90.0%"
    assert metrics["郊区覆盖率"] == "65.0%"
    assert metrics["覆盖率差距"] == "25.0个百分点"
    assert metrics["受助患者人均救助"] == "1.8万元"
    assert "差距现状" in [t.value for t in at.title]


def test_swapping_groups_reverses_the_gap(make_app) -> None:
    at = make_app(compare_a="suburban", compare_b="urban")
    metrics = _metrics(at)
    assert metrics["Coverage, suburban"] == "65.0%"
    assert metrics["Coverage gap"] == "-25.0 points"


def test_out_of_pocket_indicator_switch(make_app) -> None:
    at = make_app()
    at.segmented_control(key="ov_indicator").set_value("oop_share").run()
    assert not at.exception
    assert "lower is better" in " ".join(c.value for c in at.caption)
    # The headline metrics do not depend on the chart's indicator.
    assert _metrics(at)["Coverage gap"] == "25.0 points"


def test_indicator_choice_survives_a_page_switch(make_app) -> None:
    at = make_app()
    at.segmented_control(key="ov_indicator").set_value("oop_share").run()
    at.switch_page("views/methods.py").run()
    at.switch_page("views/overview.py").run()
    assert at.segmented_control(key="ov_indicator").value == "oop_share"


def test_indicator_travels_in_the_link_by_code(make_app) -> None:
    # Issue 10: the Overview indicator was not in the URL, so a link could not reopen the
    # out-of-pocket view. The code goes in the URL, never the translated label.
    at = make_app(indicator="oop_share", lang="zh")
    assert not at.exception
    assert at.segmented_control(key="ov_indicator").value == "oop_share"
    assert at.query_params["indicator"] == "oop_share"
    assert not at.warning
    at.segmented_control(key="ov_indicator").set_value("charity_coverage").run()
    assert "indicator" not in at.query_params  # the default is left out of the link


def test_bad_indicator_in_link_gives_notice(make_app) -> None:
    at = make_app(indicator="moonlight")
    assert at.segmented_control(key="ov_indicator").value == "charity_coverage"
    assert "moonlight" in " ".join(w.value for w in at.warning)


def test_overview_with_many_regions_shows_extremes_distribution_and_grouped_tiles(
        make_app) -> None:
    # Issue 15: 1,000 regions took 214 s (one shape per tile); the row limit never finished.
    import json
    import time

    from benchmarks.synthetic import synthetic_regions
    from equity.readers.region_data import RegionData

    at = make_app()
    at.session_state["uploaded_data"] = RegionData("many", synthetic_regions(5_000, seed=3))
    at.session_state["_switch_to_upload"] = True
    start = time.perf_counter()
    at.run()
    assert time.perf_counter() - start < 20  # generous: shared cores; the bench gives < 1 s
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert titles == ["Charity coverage by region",
                      "How many regions have each level of charity coverage",
                      "Charity coverage by region"]
    ranking, spread, grid = specs
    assert sum(len(tr["y"]) for tr in ranking["data"] if tr["type"] == "bar") == 60
    assert "5,000 regions" in ranking["layout"]["title"]["subtitle"]["text"]
    assert sum(sum(tr["y"]) for tr in spread["data"]) == 5_000
    # like every chart, the distribution has its source line and its downloads
    assert "csv_distribution" in {b.key for b in at.get("download_button")}
    assert grid["data"][0]["type"] == "heatmap"
    assert "one square per group" in grid["layout"]["title"]["subtitle"]["text"]
