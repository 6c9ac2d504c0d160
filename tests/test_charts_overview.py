"""Overview chart builders and the shared style, checked on fig.data / fig.layout (no browser)."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from equity.charts.maps import (
    build_choropleth_figure,
    build_tile_grid_figure,
    geometry_to_geojson,
    map_view,
)
from equity.charts.overview import (
    build_ranked_regions_figure,
    document_reference_lines,
    group_summary,
    reference_lines_for,
)
from equity.charts.style import (
    ADVERSE,
    FAVOURABLE,
    OKABE_ITO,
    apply_style,
    drawn_font,
    indicator_colour,
    is_favourable,
)

COMPARE = {"column": "area_type", "a": "urban", "b": "suburban"}


@pytest.fixture
def small() -> pd.DataFrame:
    # Hand-worked: urban coverage (100*0.8 + 300*0.4) / 400 = 0.5; suburban 0.9 (one region);
    # out-of-pocket over all (100*0.2 + 300*0.3 + 100*0.1) / 500 = 0.24.
    return pd.DataFrame(
        {
            "region_id": ["a", "b", "c"],
            "region_name": ["Alpha", "Beta", "Gamma"],
            "area_type": ["urban", "urban", "suburban"],
            "patients": [100.0, 300.0, 100.0],
            "charity_coverage": [0.8, 0.4, 0.9],
            "oop_share": [0.2, 0.3, 0.1],
            "subsidy_per_patient": [10_000.0, 20_000.0, 30_000.0],
        }
    )


def test_group_summary_hand_worked(small) -> None:
    s = group_summary(small, column="area_type", a="urban", b="suburban")
    assert s.a_coverage == pytest.approx(0.5)
    assert s.b_coverage == pytest.approx(0.9)
    assert s.gap_points == pytest.approx(-40.0)
    assert s.oop_share == pytest.approx(0.24)
    assert s.patients == 500
    # covered patients 80, 120, 90: (80*10k + 120*20k + 90*30k) / 290
    assert s.subsidy == pytest.approx((80 * 10_000 + 120 * 20_000 + 90 * 30_000) / 290)


def test_group_summary_city_w_matches_documents() -> None:
    from equity.datasets import load

    s = group_summary(load("city_w").table, **{"column": "area_type", "a": "urban",
                                              "b": "suburban"})
    assert s.a_coverage == pytest.approx(0.90)  # 000 3.1.2
    assert s.b_coverage == pytest.approx(0.65)  # 000 3.2.1
    assert s.gap_points == pytest.approx(25.0)


def test_empty_group_has_no_average(small) -> None:
    s = group_summary(small, column="area_type", a="urban", b="remote")
    assert math.isnan(s.b_coverage) and s.b_patients == 0


def test_direction_colours_follow_okabe_ito() -> None:
    assert OKABE_ITO["blue"] == FAVOURABLE and OKABE_ITO["vermillion"] == ADVERSE
    assert indicator_colour("charity_coverage") == FAVOURABLE
    assert indicator_colour("oop_share_after") == ADVERSE
    assert is_favourable("charity_coverage_before")
    with pytest.raises(ValueError):
        is_favourable("mystery")


def test_ranked_bars_values_colours_and_order(small) -> None:
    fig = build_ranked_regions_figure(table=small, indicator="charity_coverage",
                                      compare=COMPARE, lang="en")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert [b.name for b in bars] == ["urban", "suburban"]
    urban = dict(zip(bars[0].y, bars[0].x, strict=True))
    assert urban == {"Alpha": pytest.approx(80.0), "Beta": pytest.approx(40.0)}
    assert all(b.marker.color == FAVOURABLE for b in bars)
    assert bars[0].marker.pattern.shape == "" and bars[1].marker.pattern.shape == "/"
    # Best region on top: plotly draws the last category at the top.
    assert list(fig.layout.yaxis.categoryarray) == ["Beta", "Alpha", "Gamma"]
    assert dict(zip(bars[0].y, bars[0].text, strict=True)) == {"Alpha": "80.0%", "Beta": "40.0%"}


def test_ranked_adverse_indicator_and_group_mean_lines(small) -> None:
    fig = build_ranked_regions_figure(table=small, indicator="oop_share", compare=COMPARE,
                                      lang="en")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert all(b.marker.color == ADVERSE for b in bars)
    # Lowest out-of-pocket (best) on top.
    assert list(fig.layout.yaxis.categoryarray)[-1] == "Gamma"
    xs = sorted(round(s.x0, 6) for s in fig.layout.shapes)
    # urban (100*0.2 + 300*0.3)/400 = 27.5%, suburban 10%
    assert xs == [10.0, 27.5]
    legend = [tr.name for tr in fig.data if tr.type == "scatter"]
    assert legend == ["urban average 27.5%", "suburban average 10.0%"]


def test_reference_lines_are_drawn_and_labelled(small) -> None:
    refs = reference_lines_for("charity_coverage", document_reference_lines())
    assert [r.value for r in refs] == [0.5, 0.75]  # Australia remote 50% -> 75% (000 3.1.2)
    fig = build_ranked_regions_figure(table=small, indicator="charity_coverage",
                                      compare=COMPARE, lang="zh", references=refs)
    dotted = [s.x0 for s in fig.layout.shapes if s.line.dash == "dot"]
    assert dotted == [50.0, 75.0]
    labels = [a.text for a in fig.layout.annotations]
    assert any("澳大利亚" in label and "50%" in label for label in labels)
    assert "慈善救助覆盖率" in fig.layout.title.text
    assert any("血友病政策分析，第3.1.2节" in (tr.name or "") for tr in fig.data)  # by title


def test_ranked_rejects_unknown_indicator(small) -> None:
    with pytest.raises(ValueError):
        build_ranked_regions_figure(table=small, indicator="patients", compare=COMPARE,
                                    lang="en")


def test_other_groups_are_grey(small) -> None:
    table = pd.concat([small, small.iloc[[0]].assign(region_id="d", region_name="Delta",
                                                      area_type="rural")])
    fig = build_ranked_regions_figure(table=table, indicator="charity_coverage",
                                      compare=COMPARE, lang="en")
    names = [tr.name for tr in fig.data if tr.type == "bar"]
    assert names == ["urban", "suburban", "other regions"]


@pytest.fixture
def geometry() -> gpd.GeoDataFrame:
    ring = Point(120.0, 30.0).buffer(0.2, quad_segs=256)  # a dense circle: ~1000 vertices
    return gpd.GeoDataFrame(
        {"region_id": ["a", "b", "c"]},
        geometry=[ring, box(120.3, 29.9, 120.5, 30.1), box(120.5, 29.9, 120.7, 30.1)],
        crs="EPSG:4326",
    )


def test_geometry_to_geojson_simplifies_and_keeps_ids(geometry) -> None:
    gj = geometry_to_geojson(geometry)
    assert [f["id"] for f in gj["features"]] == ["a", "b", "c"]
    before = len(geometry.geometry.iloc[0].exterior.coords)
    after = len(gj["features"][0]["geometry"]["coordinates"][0])
    assert after < before / 4


def test_geometry_key_follows_content(geometry) -> None:
    from equity.charts.maps import geometry_key

    same = geometry.copy()
    moved = geometry.copy()
    moved.loc[1, "geometry"] = box(120.3, 29.9, 120.5, 30.2)
    assert geometry_key(geometry) == geometry_key(same)
    assert geometry_key(geometry) != geometry_key(moved)


def test_choropleth_uses_blank_background_and_says_schematic(small, geometry) -> None:
    gj = geometry_to_geojson(geometry)
    fig = build_choropleth_figure(geojson=gj, table=small, indicator="charity_coverage",
                                  lang="en", schematic=True)
    trace = fig.data[0]
    assert trace.type == "choroplethmap"
    assert list(trace.z) == [pytest.approx(80.0), pytest.approx(40.0), pytest.approx(90.0)]
    assert list(trace.locations) == ["a", "b", "c"]
    assert fig.layout.map.style == "white-bg"  # no tile server
    assert "chematic" in fig.layout.title.subtitle.text
    assert trace.colorscale[-1][1].upper() == FAVOURABLE
    centre = fig.layout.map.center
    assert 119.8 < centre.lon < 120.7 and 29.8 < centre.lat < 30.2
    fig_zh = build_choropleth_figure(geojson=gj, table=small, indicator="oop_share",
                                     lang="zh", schematic=True)
    assert "示意" in fig_zh.layout.title.subtitle.text
    assert fig_zh.data[0].colorscale[-1][1].upper() == ADVERSE


def test_map_view_fits_bounds() -> None:
    gj = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "x", "properties": {},
         "geometry": {"type": "Polygon",
                      "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}}]}
    view = map_view(gj, width_px=700, height_px=520)
    assert view["center"] == {"lon": 5.0, "lat": pytest.approx(5.0)}
    # 10 degrees across 700 px with MapLibre's 512 px world at zoom 0: log2(49.2) = 5.6
    assert 4.5 < view["zoom"] < 5.62


def test_tile_grid_one_square_per_region(small) -> None:
    fig = build_tile_grid_figure(table=small, indicator="charity_coverage", lang="en",
                                 group_column="area_type")
    # Issue 15: one heatmap trace of squares (one layout shape per square was quadratic).
    squares = [c for row in fig.data[0].customdata for c in row if c]
    assert len(squares) == 3 and not fig.layout.shapes
    assert len(set(squares)) == 3  # three different coverages, three shades
    assert fig.data[0].text[0][0].startswith("Gamma")  # suburban sorts first, then names
    assert "no boundaries" in fig.layout.title.subtitle.text


def test_apply_style_presenter_fonts() -> None:
    import plotly.graph_objects as go

    normal = apply_style(go.Figure(), title="x", lang="en")
    big = apply_style(go.Figure(), title="x", lang="zh", presenter=True)
    assert drawn_font(normal).size == 16 and drawn_font(big).size == 22
    assert "CJK" in drawn_font(big).family
    # The presenter size reaches the axes, the legend and the title too (template defaults).
    house = big.layout.template.layout
    assert house.xaxis.tickfont.size == 22 and house.legend.font.size == 22
    assert house.title.font.size == round(22 * 1.3)
    # A builder's own value wins over the house default.
    own = apply_style(go.Figure(layout={"legend": {"y": -0.3}}), title="x", lang="en")
    assert own.layout.legend.y == -0.3 and own.layout.template.layout.legend.y == 1.02


def test_uploaded_names_cannot_become_markup_and_duplicates_stay_apart(small) -> None:
    table = small.assign(region_name=["<a href='http://x'>A</a>", "Same", "Same"],
                         area_type=["urban", "urban", "<b>sub</b>"])
    compare = {"column": "area_type", "a": "urban", "b": "<b>sub</b>"}
    fig = build_ranked_regions_figure(table=table, indicator="charity_coverage",
                                      compare=compare, lang="en")
    labels = [y for tr in fig.data if tr.type == "bar" for y in tr.y]
    assert "&lt;a href='http://x'&gt;A&lt;/a&gt;" in labels
    assert {"Same (b)", "Same (c)"} <= set(labels)
    assert all("<" not in (tr.name or "") for tr in fig.data)
    grid = build_tile_grid_figure(table=table, indicator="charity_coverage", lang="en",
                                  group_column="area_type")
    texts = [text for row in grid.data[0].text for text in row]
    hovers = [text for row in grid.data[0].hovertext for text in row]
    assert len(texts) >= 3 and len(hovers) >= 3
    assert all("<a" not in text for text in texts)
    assert all("<b>sub" not in text for text in hovers)


def test_ranking_value_labels_sit_where_no_line_crosses(small) -> None:
    # Issue 10: value labels outside the bars' ends were struck through by the average and
    # reference lines. Inside the bar at its base, left of every line drawn (lines sit at
    # group averages and reference values, all well above the labels' few percent).
    fig = build_ranked_regions_figure(table=small, indicator="charity_coverage",
                                      compare=COMPARE, lang="en")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert all(b.textposition == "inside" and b.insidetextanchor == "start" for b in bars)
    lines = [sh.x0 for sh in fig.layout.shapes if sh.type == "line"]
    assert lines and min(lines) > 10.0
    presenter = build_ranked_regions_figure(table=small, indicator="charity_coverage",
                                            compare=COMPARE, lang="en", presenter=True)
    assert presenter.data[0].insidetextfont.size > fig.data[0].insidetextfont.size


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reference_legend_names_the_document_not_its_code(lang) -> None:
    from equity.charts.overview import reference_lines_for
    from equity.datasets import load

    fig = build_ranked_regions_figure(
        table=load("city_w").table, indicator="charity_coverage", compare=COMPARE, lang=lang,
        references=reference_lines_for("charity_coverage"))
    names = [tr.name for tr in fig.data if tr.name and "3.1.2" in tr.name]
    assert names, [tr.name for tr in fig.data]
    assert all("000" not in name for name in names), names
    assert ("血友病政策分析" if lang == "zh" else "hemophilia policy analysis") in names[0]



def test_ranking_has_no_y_title_not_even_an_empty_one(small) -> None:
    """An empty axis title still takes 26 px beside the labels in Plotly's automargin, which
    the server's margin for the region names (dashboard.figures.fit_label_margin) leaves out."""
    fig = build_ranked_regions_figure(table=small, indicator="charity_coverage",
                                      compare=COMPARE, lang="en")
    assert fig.layout.yaxis.title.text is None
