"""Readers for every supported format, and every class of bad input (never a traceback)."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from equity.readers import DataError, Problem, read_boundaries, read_regions

HEADER = ("region_id,region_name,area_type,patients,charity_coverage,oop_share,"
          "cost_per_patient,subsidy_per_patient")
ROWS = [
    ("U1", "Urban A", "urban", 120, 0.95, 0.3, 200000, 18000),
    ("U2", "Urban B", "urban", 80, 0.825, 0.3, 200000, 18000),
    ("S1", "Suburb A", "suburban", 60, 0.5, 0.3, 200000, 18000),
    ("S2", "Suburb B", "suburban", 40, 0.875, 0.3, 200000, 18000),
]
# Hand-worked group means: urban (120*0.95 + 80*0.825) / 200 = (114 + 66) / 200 = 0.90;
# suburban (60*0.5 + 40*0.875) / 100 = (30 + 35) / 100 = 0.65.


def _frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=HEADER.split(","))


def _csv(rows=ROWS, header=HEADER) -> str:
    return "\n".join([header, *(",".join(str(v) for v in r) for r in rows)]) + "\n"


def _geo() -> gpd.GeoDataFrame:
    frame = _frame()
    shapes = [box(116 + i * 0.1, 30, 116.1 + i * 0.1, 30.1) for i in range(len(frame))]
    return gpd.GeoDataFrame(frame, geometry=shapes, crs="EPSG:4326")


def _problems(source, **kwargs) -> list[Problem]:
    with pytest.raises(DataError) as info:
        read_regions(source, **kwargs)
    assert info.value.problems, "a DataError must carry problems"
    assert str(info.value).count("\n") == len(info.value.problems) - 1
    # Every problem the readers raise has its Chinese message too (the app shows it in zh).
    assert all(_has_cjk(p.message_zh) for p in info.value.problems), info.value.problems
    return info.value.problems


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _weighted(data, group):
    part = data.table[data.table["area_type"] == group]
    return float(np.dot(part["patients"], part["charity_coverage"]) / part["patients"].sum())


def _check_loaded(data):
    assert list(data.table["region_id"]) == ["U1", "U2", "S1", "S2"]
    assert _weighted(data, "urban") == pytest.approx(0.90, abs=1e-12)
    assert _weighted(data, "suburban") == pytest.approx(0.65, abs=1e-12)
    assert data.table["severity"].tolist() == [1.0] * 4


# ------------------------------------------------------------------ each format


def test_csv_utf8(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(_csv(), encoding="utf-8")
    data = read_regions(path)
    _check_loaded(data)
    assert data.fraction_readings == {"charity_coverage": "fraction (0-1)",
                                      "oop_share": "fraction (0-1)"}
    assert data.geometry is None
    assert data.name == "r.csv"


def test_file_like_upload_uses_its_name():
    upload = io.BytesIO(_csv().encode())
    upload.name = "upload.csv"
    data = read_regions(upload)
    _check_loaded(data)
    assert data.name == "upload.csv"


def test_csv_utf8_bom_from_bytes():
    data = read_regions(("\ufeff" + _csv()).encode("utf-8"), filename="upload.csv")
    _check_loaded(data)
    assert any("UTF-8 with BOM" in n for n in data.notes)


def test_csv_gbk_with_chinese_headers_and_names(tmp_path):
    text = ("地区编码,地区名称,区域类型,患者人数,慈善救助覆盖率,自付比例,"
            "人均医疗费用,人均救助金额\n"
            "U1,中心城区甲,中心城区,120,95%,30%,200000,18000\n"
            "U2,中心城区乙,中心城区,80,82.5%,30%,\"200,000\",18000\n"
            "S1,郊区甲,郊区,60,50%,30%,200000,18000\n"
            "S2,郊区乙,郊区,40,87.5%,30%,200000,18000\n")
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    data = read_regions(path)
    _check_loaded(data)
    assert data.table["region_name"].tolist()[:2] == ["中心城区甲", "中心城区乙"]
    assert data.table["area_type"].tolist() == ["urban", "urban", "suburban", "suburban"]
    assert data.table["cost_per_patient"].tolist() == [200000.0] * 4
    assert data.fraction_readings["charity_coverage"] == "percent sign"
    assert any("GBK" in n for n in data.notes)


def test_csv_percent_numbers_read_as_percent():
    rows = [(*r[:4], r[4] * 100, 30, *r[6:]) for r in ROWS]
    data = read_regions(_csv(rows).encode(), filename="p.csv")
    _check_loaded(data)
    assert data.fraction_readings["charity_coverage"] == "percent (0-100)"
    assert data.table["oop_share"].tolist() == pytest.approx([0.3] * 4)


def test_one_cell_on_another_scale_is_an_error_not_a_silent_percent_reading():
    # 1.2 among fractions must not turn 0.95 into 0.95%: the odd cell is reported.
    rows = [ROWS[0], ROWS[1], (*ROWS[2][:4], 1.2, *ROWS[2][5:]), ROWS[3]]
    problems = _problems(_csv(rows).encode(), filename="mixed.csv")
    assert [(p.row, p.column) for p in problems] == [(4, "charity_coverage")]
    assert "1.2 is above 1" in problems[0].message
    # and the other way round: 0.5 among percents is ambiguous (0.5% or 50%?)
    rows = [(*r[:4], v, *r[5:]) for r, v in zip(ROWS, (95, 82.5, 0.5, 87.5), strict=True)]
    problems = _problems(_csv(rows).encode(), filename="mixed.csv")
    assert [(p.row, p.column) for p in problems] == [(4, "charity_coverage")]
    assert "write 50 if 50% is meant" in problems[0].message


def test_semicolon_and_extra_columns_kept():
    text = _csv().replace(",", ";").replace("region_id;", "region_id;remarks;")
    text = "\n".join(
        line if i == 0 else line.replace(";", ";note;", 1)
        for i, line in enumerate(text.splitlines())
    )
    data = read_regions(text.encode(), filename="s.csv")
    _check_loaded(data)
    assert data.table["remarks"].tolist() == ["note"] * 4


def test_xlsx(tmp_path):
    path = tmp_path / "r.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="notes", index=False)
        _frame().to_excel(writer, sheet_name="regions", index=False)
    _check_loaded(read_regions(path))


def test_xlsx_numeric_ids_and_row_numbers(tmp_path):
    frame = _frame()
    frame["region_id"] = [330101, 330102, 330103, 330103]
    path = tmp_path / "r.xlsx"
    frame.to_excel(path, index=False)
    problems = _problems(path)
    assert {(p.row, p.column) for p in problems} == {(4, "region_id"), (5, "region_id")}
    assert "'330103'" in problems[0].message


def test_parquet(tmp_path):
    path = tmp_path / "r.parquet"
    _frame().to_parquet(path)
    _check_loaded(read_regions(path))


def test_geojson_with_geometry(tmp_path):
    path = tmp_path / "r.geojson"
    _geo().to_file(path, driver="GeoJSON")
    data = read_regions(path)
    _check_loaded(data)
    assert list(data.geometry.columns) == ["region_id", "geometry"]
    assert data.geometry.crs.to_epsg() == 4326
    assert data.geometry["region_id"].tolist() == ["U1", "U2", "S1", "S2"]


def test_geopackage_is_reprojected_to_wgs84(tmp_path):
    path = tmp_path / "r.gpkg"
    _geo().to_crs("EPSG:3857").to_file(path, driver="GPKG")
    data = read_regions(path)
    _check_loaded(data)
    assert data.geometry.crs.to_epsg() == 4326
    minx, _, _, maxy = data.geometry.total_bounds
    assert minx == pytest.approx(116.0, abs=1e-6) and maxy == pytest.approx(30.1, abs=1e-6)


def _zip_shapefile(tmp_path: Path, frame: gpd.GeoDataFrame, skip: tuple[str, ...] = ()) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    with warnings.catch_warnings():
        # Writing the fixture truncates field names to 10 characters, which is the point.
        warnings.simplefilter("ignore")
        frame.to_file(folder / "regions.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            if part.suffix not in skip:
                archive.write(part, part.name)
    return buffer.getvalue()


def test_zipped_shapefile_with_truncated_field_names(tmp_path):
    payload = _zip_shapefile(tmp_path, _geo())
    data = read_regions(payload, filename="regions.zip")
    _check_loaded(data)
    assert len(data.geometry) == 4


def test_zip_without_shp(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no shapes here")
    problems = _problems(buffer.getvalue(), filename="x.zip")
    assert len(problems) == 1
    assert "no .shp" in problems[0].message and problems[0].file == "x.zip"


def test_zip_shapefile_missing_dbf(tmp_path):
    payload = _zip_shapefile(tmp_path, _geo(), skip=(".dbf",))
    problems = _problems(payload, filename="x.zip")
    assert "no regions.dbf" in problems[0].message


def test_boundaries_joined_by_region_id(tmp_path):
    shapes = _geo()[["region_id", "geometry"]].iloc[:3].copy()
    extra = gpd.GeoDataFrame({"region_id": ["X9"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    shapes = pd.concat([shapes, extra], ignore_index=True).rename(columns={"region_id": "地区编码"})
    bpath = tmp_path / "b.geojson"
    shapes.to_file(bpath, driver="GeoJSON")
    data = read_regions(_csv().encode(), filename="r.csv", boundaries=bpath)
    _check_loaded(data)
    assert sorted(data.geometry["region_id"]) == ["S1", "U1", "U2"]
    assert any("without geometry: S2" in n for n in data.notes)
    assert any("no region in the table: X9" in n for n in data.notes)


def test_boundaries_without_id_column(tmp_path):
    bpath = tmp_path / "b.geojson"
    gpd.GeoDataFrame({"label": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(
        bpath, driver="GeoJSON")
    with pytest.raises(DataError) as info:
        read_boundaries(bpath)
    assert info.value.problems[0].column == "region_id"
    assert "found label" in info.value.problems[0].message


# ------------------------------------------------------------------ HEAT Plus


def _heat_rows(skip: str | None = None) -> list[dict]:
    rows = []
    for subgroup, patients, coverage in [("Urban", 200, 90.0), ("Suburban", 100, 65.0)]:
        base = {"setting": "City W", "date": 2023, "source": "test", "dimension": "Place",
                "subgroup": subgroup, "se": "", "population": "", "flag": ""}
        for abbr, name, estimate, scale in [
            ("charity_coverage", "Charity subsidy coverage (%)", coverage, 100),
            ("oop", "Out-of-pocket share (%)", 30.0, 100),
            ("cost_per_patient", "Cost per patient (yuan)", 200000, 1),
            ("subsidy", "Subsidy per patient (yuan)", 18000, 1),
            ("anc4", "Antenatal care coverage", 55.0, 100),
        ]:
            if abbr == skip:
                continue
            row = {**base, "indicator_abbr": abbr, "indicator_name": name,
                   "estimate": estimate, "indicator_scale": scale}
            if abbr == "charity_coverage":
                row["population"] = patients
            rows.append(row)
    return rows


def test_heat_plus_file_maps_subgroups_to_regions(tmp_path):
    path = tmp_path / "heat.xlsx"
    pd.DataFrame(_heat_rows()).to_excel(path, index=False)
    data = read_regions(path)
    table = data.table.set_index("region_id")
    assert table.loc["Urban", "charity_coverage"] == pytest.approx(0.90)
    assert table.loc["Suburban", "charity_coverage"] == pytest.approx(0.65)
    assert table.loc["Urban", "patients"] == 200
    assert table.loc["Suburban", "oop_share"] == pytest.approx(0.30)
    assert table.loc["Urban", "area_type"] == "urban"
    assert data.fraction_readings["charity_coverage"].startswith("percent (0-100)")
    assert any("anc4" in n for n in data.notes)


def test_heat_plus_missing_indicator_is_named():
    text = pd.DataFrame(_heat_rows(skip="subsidy")).to_csv(index=False)
    problems = _problems(text.encode(), filename="heat.csv")
    assert len(problems) == 1
    assert "no indicator for subsidy_per_patient" in problems[0].message
    assert "人均救助金额" in problems[0].message


def test_heat_plus_bad_estimate_names_its_file_row():
    rows = _heat_rows()
    rows[6]["estimate"] = "n/a"  # second subgroup's out-of-pocket row: file row 8
    text = pd.DataFrame(rows).to_csv(index=False)
    problems = _problems(text.encode(), filename="heat.csv")
    assert [(p.row, p.column) for p in problems] == [(8, "oop_share")]


# ------------------------------------------------------------------ error classes


def test_empty_file():
    problems = _problems(b"", filename="e.csv")
    assert [p.message for p in problems] == ["the file is empty"]


def test_header_only():
    problems = _problems((HEADER + "\n").encode(), filename="h.csv")
    assert "no data rows" in problems[0].message


def test_wrong_encoding():
    payload = _csv().encode() + b"\x81\x30\xff\xfe\xfd\n"
    problems = _problems(payload, filename="w.csv")
    assert "encoding" in problems[0].message


def test_binary_data_in_csv():
    problems = _problems(b"\x00\x01\x02 not text", filename="w.csv")
    assert "binary" in problems[0].message


def test_every_problem_at_once_with_rows_and_columns():
    rows = [
        ("U1", "Urban A", "urban", 120, 0.95, 0.3, 200000, 18000),
        ("U1", "Urban B", "urban", -5, "120%", 0.3, "abc", 18000),
        ("S1", "", "suburban", 60, 0.5, 0.3, 200000, ""),
    ]
    problems = _problems(_csv(rows).encode(), filename="bad.csv")
    found = {(p.row, p.column): p.message for p in problems}
    assert set(found) == {
        (2, "region_id"), (3, "region_id"),  # duplicate id, both rows named
        (3, "patients"),  # negative
        (3, "charity_coverage"),  # above 100%
        (3, "cost_per_patient"),  # not a number
        (4, "region_name"),  # empty
        (4, "subsidy_per_patient"),  # empty
    }
    assert "duplicate region_id 'U1'" in found[(2, "region_id")]
    assert "negative" in found[(3, "patients")]
    assert "'120%' is above 100%" in found[(3, "charity_coverage")]
    assert "not a number: 'abc'" in found[(3, "cost_per_patient")]
    assert all(p.file == "bad.csv" for p in problems)
    assert str(problems[0]).startswith("bad.csv, row 2, column 'region_id': ")


def test_coverage_above_100_percent():
    rows = [(*r[:4], "120%" if i == 1 else f"{r[4] * 100}%", *r[5:]) for i, r in enumerate(ROWS)]
    problems = _problems(_csv(rows).encode(), filename="c.csv")
    assert [(p.row, p.column) for p in problems] == [(3, "charity_coverage")]
    assert "'120%' is above 100%" in problems[0].message


def test_percent_sign_in_money_column():
    rows = [(*r[:6], "5%", r[7]) if i == 0 else r for i, r in enumerate(ROWS)]
    problems = _problems(_csv(rows).encode(), filename="c.csv")
    assert [(p.row, p.column) for p in problems] == [(2, "cost_per_patient")]


def test_missing_required_columns():
    header = "region_id,region_name,area_type,patients,charity_coverage,oop_share"
    rows = [r[:6] for r in ROWS]
    problems = _problems(_csv(rows, header).encode(), filename="m.csv")
    assert [(p.row, p.column) for p in problems] == [
        (None, "cost_per_patient"), (None, "subsidy_per_patient")]
    assert "required column missing" in problems[0].message


def test_duplicate_column_via_alias():
    header = HEADER + ",患者人数"
    rows = [(*r, 1) for r in ROWS]
    problems = _problems(_csv(rows, header).encode(), filename="d.csv")
    assert "give patients" in problems[0].message


def test_zero_patients_total():
    rows = [(*r[:3], 0, *r[4:]) for r in ROWS]
    problems = _problems(_csv(rows).encode(), filename="z.csv")
    assert problems[0].column == "patients" and problems[0].row is None


def test_geojson_not_json():
    problems = _problems(b'{"type": "FeatureCollection", "features": [', filename="g.geojson")
    assert len(problems) == 1 and "not valid JSON" in problems[0].message


def test_xls_is_refused():
    problems = _problems(b"\xd0\xcf\x11\xe0 old excel", filename="old.xls")
    assert ".xlsx" in problems[0].message


def test_file_not_found(tmp_path):
    problems = _problems(tmp_path / "none.csv")
    assert problems[0].message == "file not found"


def test_size_limit(monkeypatch):
    monkeypatch.setattr("equity.readers.sources.MAX_FILE_BYTES", 100)
    problems = _problems(_csv().encode(), filename="big.csv")
    assert "the limit is" in problems[0].message and "MB" in problems[0].message


def test_optional_column_partly_empty_is_an_error_but_wholly_empty_is_absent():
    header = HEADER + ",population"
    rows = [(*r, 1000 if i else "") for i, r in enumerate(ROWS)]
    problems = _problems(_csv(rows, header).encode(), filename="o.csv")
    assert [(p.row, p.column) for p in problems] == [(2, "population")]
    assert "optional" in problems[0].message
    rows = [(*r, "") for r in ROWS]
    data = read_regions(_csv(rows, header).encode(), filename="o.csv")
    assert "population" not in data.table.columns


def test_year_column_key_is_region_and_year():
    header = HEADER + ",year"
    rows = [(*ROWS[0], 2022), (*ROWS[0], 2023), (*ROWS[1], 2023)]
    data = read_regions(_csv(rows, header).encode(), filename="y.csv")
    assert data.table["year"].tolist() == [2022, 2023, 2023]
    assert data.table["year"].dtype == "int64"
    rows.append((*ROWS[1], 2023))
    problems = _problems(_csv(rows, header).encode(), filename="y.csv")
    assert "duplicate region_id and year" in problems[0].message


def test_problem_serialises_to_plain_json():
    problems = _problems(b"", filename="e.csv")
    json.dumps([p.to_dict() for p in problems])


# ------------------------------------------------------------------ property tests

_cell = st.one_of(
    st.text(max_size=6),
    st.integers(-10, 300).map(str),
    st.floats(-2, 200, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["", "65%", "abc", "1e400", "nan", "0", "-0", "１２", "¥18,000"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_cell, min_size=8, max_size=9), min_size=0, max_size=5),
       header_drop=st.integers(0, 8))
def test_random_tables_load_or_raise_dataerror(rows, header_drop):
    header = HEADER.split(",")
    if header_drop < 8:
        header = header[:header_drop] + header[header_drop + 1:]
    lines = [",".join(header)] + [",".join(c.replace(",", "") for c in r) for r in rows]
    payload = "\n".join(lines).encode("utf-8")
    try:
        data = read_regions(payload, filename="random.csv")
    except DataError as err:
        assert err.problems
        assert all(isinstance(p, Problem) and p.file == "random.csv" for p in err.problems)
        assert all(_has_cjk(p.message_zh) for p in err.problems)
        return
    table = data.table
    assert table["region_id"].is_unique
    for column in ("charity_coverage", "oop_share"):
        assert ((table[column] >= 0) & (table[column] <= 1)).all()
    assert (table["patients"] >= 0).all() and table["patients"].sum() > 0


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(["x.csv", "x.xlsx", "x.geojson", "x.zip",
                                                 "x.parquet", "x.gpkg", "x"]))
def test_random_bytes_never_traceback(payload, filename):
    try:
        read_regions(payload, filename=filename)
    except DataError as err:
        assert err.problems
        assert all(_has_cjk(p.message_zh) for p in err.problems)


def test_heat_plus_several_dimensions_is_an_error():
    rows = _heat_rows()
    rows[0]["dimension"] = "Economic status"
    problems = _problems(pd.DataFrame(rows).to_csv(index=False).encode(), filename="heat.csv")
    assert [p.column for p in problems] == ["dimension"]
    assert "Economic status, Place" in problems[0].message


def test_heat_plus_several_dates_become_years():
    rows = _heat_rows() + [{**r, "date": 2024} for r in _heat_rows()]
    data = read_regions(pd.DataFrame(rows).to_csv(index=False).encode(), filename="heat.csv")
    assert sorted(zip(data.table["region_id"], data.table["year"], strict=True)) == [
        ("Suburban", 2023), ("Suburban", 2024), ("Urban", 2023), ("Urban", 2024)]


def test_table_and_boundaries_problems_reported_together():
    rows = [(*ROWS[0][:3], "many", *ROWS[0][4:]), *ROWS[1:]]
    with pytest.raises(DataError) as info:
        read_regions(_csv(rows).encode(), filename="t.csv", boundaries=b"not json {",
                     boundaries_filename="b.geojson")
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [
        ("t.csv", 2, "patients"), ("b.geojson", None, None)]


# ------------------------------------------------------------------ Chinese messages


def _zip_without_shp() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no shapes here")
    return buffer.getvalue()


def test_every_problem_kind_has_a_chinese_line_with_row_and_column():
    rows = [
        ("U1", "Urban A", "urban", 120, 0.95, 0.3, 200000, 18000),
        ("U1", "Urban B", "urban", -5, "120%", 0.3, "abc", 18000),
        ("S1", "", "suburban", 60, 0.5, 0.3, 200000, ""),
    ]
    cases = [
        (_csv(rows).encode(), "bad.csv"),  # non-numeric, negative, >100%, duplicate, empty
        (_csv([r[:6] for r in ROWS], ",".join(HEADER.split(",")[:6])).encode(), "m.csv"),
        (b"", "e.csv"),
        (b'{"type": "FeatureCollection", "features": [', "g.geojson"),
        (_zip_without_shp(), "x.zip"),
        ((HEADER + "\n").encode(), "h.csv"),
        (b"\xd0\xcf\x11\xe0 old excel", "old.xls"),
    ]
    problems = [p for payload, name in cases for p in _problems(payload, filename=name)]
    assert len(problems) == 7 + 2 + 5  # bad.csv 7, two missing columns, 5 whole-file problems
    for problem in problems:
        line = problem.text("zh")
        assert line.startswith(problem.file + ("，" if problem.row or problem.column else "："))
        assert _has_cjk(problem.message_zh) and line.endswith(problem.message_zh)
        if problem.row is not None:
            assert f"第{problem.row}行" in line
        if problem.column is not None:
            assert f"“{problem.column}”列" in line
        # No English wording left in the Chinese message (values and names may be Latin).
        for word in ("expected", "the file", "column", "not a"):
            assert word not in problem.message_zh
        assert problem.text("en") == str(problem)
    zh = {(p.file, p.row, p.column): p.message_zh for p in problems}
    assert zh[("bad.csv", 3, "cost_per_patient")] == (
        "不是数字：'abc'；应为每年的金额（元/年），不小于0")
    assert zh[("bad.csv", 2, "region_id")] == (
        "重复的地区编码“U1”（第3行也有）；每个地区只能出现一次")
    assert zh[("bad.csv", 3, "patients")] == "'-5'为负数；应为人数（人），不小于0"
    assert zh[("bad.csv", 3, "charity_coverage")].startswith("'120%'超过100%；应为0到1之间的比例")
    assert zh[("bad.csv", 4, "subsidy_per_patient")] == (
        "单元格为空；应为每年的金额（元/年），不小于0")
    assert zh[("m.csv", None, "cost_per_patient")].startswith(
        "缺少必需列：cost_per_patient（患者人均年医疗总费用；元/年）；可用的表头：")
    assert zh[("e.csv", None, None)] == "文件为空"
    assert zh[("g.geojson", None, None)].startswith("不是有效的JSON（第1行")
    assert zh[("x.zip", None, None)].startswith("zip文件中没有 .shp 文件")
    assert zh[("h.csv", None, None)] == "文件有表头（第1行）但没有数据行"
    line = next(p for p in problems if p.row == 3 and p.column == "cost_per_patient").text("zh")
    assert line == ("bad.csv，第3行，“cost_per_patient”列："
                    "不是数字：'abc'；应为每年的金额（元/年），不小于0")


def test_problem_rows_of_features_and_fallback_to_english():
    feature = Problem("b.geojson", 2, "id", "empty region_id", "region_id为空", "feature")
    assert feature.text("zh") == "b.geojson，第2个要素，“id”列：region_id为空"
    assert feature.text("en") == "b.geojson, feature 2, column 'id': empty region_id"
    bare = Problem("a.csv", None, None, "something odd")
    assert bare.text("zh") == "a.csv：something odd"


def test_every_column_spec_says_what_is_expected_in_chinese():
    from equity.schema import _SPECS

    for spec in _SPECS:
        assert spec.expected and _has_cjk(spec.expected_zh), spec.name
        assert "expected" not in spec.expected_zh
    units = {s.name: s.expected_zh for s in _SPECS}
    assert "元/年" in units["cost_per_patient"] and "人" in units["patients"]
    assert "0到1" in units["charity_coverage"]


def test_notes_and_fraction_readings_have_chinese_one_for_one():
    rows = [(*r[:4], f"{r[4] * 100:g}", *r[5:]) for r in ROWS]
    text = _csv(rows).replace("region_id,region_name", "地区编码,地区名称")
    data = read_regions(text.encode("gb18030"), filename="g.csv")
    assert data.fraction_readings == {"charity_coverage": "percent (0-100)",
                                      "oop_share": "fraction (0-1)"}
    assert data.fraction_readings_in("zh") == {"charity_coverage": "百分数（0-100）",
                                               "oop_share": "比例（0-1）"}
    assert len(data.notes_zh) == len(data.notes) >= 2
    assert all(_has_cjk(n) for n in data.notes_zh)
    assert "按CSV读取，编码GBK (GB18030)，分隔符','" in data.notes_zh
    assert data.notes_in("zh") == data.notes_zh and data.notes_in("en") == data.notes
    mixed = [(*r[:4], "95%" if i == 0 else r[4], *r[5:]) for i, r in enumerate(ROWS)]
    data = read_regions(_csv(mixed).encode(), filename="m.csv")
    assert data.fraction_readings_in("zh")["charity_coverage"] == "百分号 + 比例（0-1）"
