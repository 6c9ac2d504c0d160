"""Bundled datasets: City W's documented aggregates, provenance, reference points, templates."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from equity import datasets
from equity.datasets import DATA_DIR, RegionData, list_datasets, load, template_bytes
from equity.readers import DataError, read_regions
from equity.schema import COLUMNS, REQUIRED_COLUMNS

CITY_W = DATA_DIR / "city_w"


def _city_w_rows() -> list[dict[str, str]]:
    with open(CITY_W / "regions.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _exact_weighted(rows, group, column):
    part = [r for r in rows if r["area_type"] == group]
    covered = sum(Fraction(r["patients"]) * Fraction(r[column]) for r in part)
    return covered / sum(Fraction(r["patients"]) for r in part), covered


def test_city_w_aggregates_are_exactly_the_documented_figures():
    rows = _city_w_rows()
    urban, urban_covered = _exact_weighted(rows, "urban", "charity_coverage")
    suburban, suburban_covered = _exact_weighted(rows, "suburban", "charity_coverage")
    # 000 abstract and 3.1.2: 90% urban centre, 65% suburban.
    assert urban == Fraction(9, 10)
    assert suburban == Fraction(65, 100)
    # covered patients are whole persons, district by district
    for row in rows:
        covered = Fraction(row["patients"]) * Fraction(row["charity_coverage"])
        assert covered.denominator == 1, row["region_id"]
    assert (urban_covered, suburban_covered) == (324, 221)
    # 000 3.2.1: out-of-pocket up to 30%, subsidy about 18,000 yuan, in every district
    assert {r["oop_share"] for r in rows} == {"0.30"}
    assert {r["subsidy_per_patient"] for r in rows} == {"18000"}
    counts = {g: sum(r["area_type"] == g for r in rows) for g in ("urban", "suburban")}
    assert counts == {"urban": 4, "suburban": 6}


def test_city_w_loads_with_geometry_and_weighted_means():
    data = load("city_w")
    assert isinstance(data, RegionData)
    table = data.table
    assert set(REQUIRED_COLUMNS) <= set(table.columns)
    for group, expected in (("urban", 0.90), ("suburban", 0.65)):
        part = table[table["area_type"] == group]
        mean = (part["patients"] * part["charity_coverage"]).sum() / part["patients"].sum()
        assert mean == pytest.approx(expected, abs=1e-12)
        oop = (part["patients"] * part["oop_share"]).sum() / part["patients"].sum()
        assert oop == pytest.approx(0.30, abs=1e-12)
    assert (table["severity"] == 1.0).all()
    suburban = table[table["area_type"] == "suburban"]
    urban = table[table["area_type"] == "urban"]
    assert suburban["gdp_per_capita"].max() < urban["gdp_per_capita"].min()
    assert suburban["household_income"].max() < 30_000 <= urban["household_income"].min()
    assert data.geometry is not None and data.geometry.crs.to_epsg() == 4326
    assert sorted(data.geometry["region_id"]) == sorted(table["region_id"])
    assert any("illustrative" in n for n in data.notes)
    assert any("schematic" in n for n in data.notes)


def test_load_returns_independent_copies():
    first = load("city_w")
    first.table.loc[0, "patients"] = 1e9
    assert load("city_w").table.loc[0, "patients"] == 120


def test_load_by_path_and_passthrough():
    data = load(CITY_W / "regions.csv")
    assert len(data.table) == 10
    assert load(data) is data


def test_city_w_dictionary_covers_every_column_with_provenance():
    data = load("city_w")
    dictionary = data.dictionary
    assert dictionary is not None
    assert set(data.table.columns) | {"geometry"} == set(dictionary["column"])
    assert set(dictionary["provenance"]) <= {"source", "derived", "illustrative"}
    by_column = dictionary.set_index("column")
    assert by_column.loc["subsidy_per_patient", "provenance"] == "source"
    assert "000 3.2.1" in by_column.loc["subsidy_per_patient", "detail"]
    assert by_column.loc["region_name", "provenance"] == "illustrative"
    for column in data.table.columns:
        assert by_column.loc[column, "unit"] == COLUMNS[column].unit


def test_city_w_geojson_is_small_and_labelled_schematic():
    path = CITY_W / "boundaries.geojson"
    assert path.stat().st_size < 100_000
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(features) == 10
    assert all(f["properties"]["schematic"] is True for f in features)


def test_geometry_script_reproduces_committed_file():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_geometry", CITY_W / "make_geometry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = json.loads((CITY_W / "boundaries.geojson").read_text(encoding="utf-8"))
    assert module.build() == committed


def test_list_datasets_kinds():
    infos = {d.name: d for d in list_datasets()}
    assert infos["city_w"].kind == "regions"
    assert infos["international"].kind == "reference"
    assert infos["zhejiang"].kind == "fund_series"
    assert datasets.DEFAULT_DATASET == "city_w"
    assert all(d.title_en and d.title_zh and d.description for d in infos.values())


def test_non_region_datasets_are_refused_with_a_hint():
    with pytest.raises(ValueError, match="reference_points"):
        load("international")
    with pytest.raises(ValueError, match="load_fund_series"):
        load("zhejiang")


def test_unknown_name_is_a_missing_file():
    with pytest.raises(DataError) as info:
        load("no_such_dataset")
    assert info.value.problems[0].message == "file not found"


def test_reference_points_match_the_document():
    table = datasets.reference_points()
    assert set(table["provenance"]) == {"source"}
    rows = table.set_index(["place", "indicator"])

    def row(place, indicator):
        return rows.loc[(place, indicator)]

    # figures.md: Australia about 50% -> about 75%; Japan under 10%; EU 20-30%; Singapore 12 -> 5
    australia = row("Australia (remote areas)", "charity_coverage")
    assert (australia["value_before"], australia["value_after"]) == (0.5, 0.75)
    japan = row("Japan", "oop_share")
    assert pd.isna(japan["value_before"])
    assert (japan["value_after"], japan["qualifier"]) == (0.1, "under")
    yen = row("Japan", "oop_per_patient")
    assert (yen["value_before"], yen["value_after"], yen["unit"]) == (800000, 300000,
                                                                      "yen / year")
    eu = row("European Union", "drug_price_reduction")
    assert (eu["value_after"], eu["value_after_high"]) == (0.2, 0.3)
    eu_cost = row("European Union", "annual_treatment_cost")
    assert (eu_cost["value_before"], eu_cost["value_after"], eu_cost["value_after_high"]) == (
        300000, 210000, 240000)
    days = row("Singapore", "application_to_assistance_days")
    assert (days["value_before"], days["value_after"]) == (12, 5)
    assert row("Singapore", "approval_days")["value_after"] == 7
    us = row("United States", "approval_to_insurance_years")
    assert (us["value_after"], us["value_after_high"]) == (1.5, 2.0)
    assert row("China", "approval_working_days")["value_after"] == 7
    # the indicators drawn against region columns are on the 0-1 scale
    comparable = table[table["indicator"].isin(["charity_coverage", "oop_share"])]
    assert (comparable["unit"] == "fraction (0-1)").all()
    dictionary = datasets.reference_dictionary()
    points = dictionary[dictionary["file"] == "reference_points.csv"]
    assert list(points["column"]) == list(table.columns)


def test_gene_therapy_table1():
    table = datasets.gene_therapy_inclusion().set_index("country")
    assert table.loc["United States", "therapy"] == "Hemgenix"
    assert table.loc["United States", "cost_per_session_usd"] == 3_500_000
    assert table.loc["European Union", "patient_share"] == 0.05
    assert table.loc["European Union", "insured_from"] == "2023-03"
    assert table["patient_share"].isna().sum() == 2  # Japan, China: not disclosed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_filled_with_two_rows_loads_csv(lang):
    blank = template_bytes("csv", lang).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(blank)))
    assert len(header) == len(COLUMNS)
    values = {"region_id": ["A", "B"], "region_name": ["甲区", "乙区"],
              "area_type": ["urban", "suburban"], "patients": ["10", "20"],
              "charity_coverage": ["90%", "65%"], "oop_share": ["30%", "30%"],
              "cost_per_patient": ["200000", "200000"], "subsidy_per_patient": ["18000", "18000"]}
    names = list(COLUMNS)
    rows = [[values.get(name, ["", ""])[i] for name in names] for i in range(2)]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    data = read_regions(out.getvalue().encode("utf-8-sig"), filename=f"filled_{lang}.csv")
    assert data.table["charity_coverage"].tolist() == pytest.approx([0.9, 0.65])
    assert "population" not in data.table.columns


def test_template_filled_with_two_rows_loads_xlsx(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(template_bytes("xlsx")))
    assert book.sheetnames == ["regions", "dictionary"]
    sheet = book["regions"]
    header = [c.value for c in sheet[1]]
    assert header == list(COLUMNS)
    filled = {"region_id": "A", "region_name": "甲", "area_type": "郊区", "patients": 5,
              "charity_coverage": 0.5, "oop_share": 0.3, "cost_per_patient": 100000,
              "subsidy_per_patient": 18000}
    for row in (2, 3):
        for col, name in enumerate(header, start=1):
            value = filled.get(name)
            if name == "region_id":
                value = f"R{row}"
            sheet.cell(row=row, column=col, value=value)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    data = read_regions(path)
    assert data.table["region_id"].tolist() == ["R2", "R3"]
    assert data.table["area_type"].tolist() == ["suburban", "suburban"]


def test_committed_templates_match_the_generator():
    folder = DATA_DIR / "template"
    assert (folder / "regions_template.csv").read_bytes() == template_bytes("csv", "en")
    assert (folder / "regions_template_zh.csv").read_bytes() == template_bytes("csv", "zh")
    assert (folder / "regions_template.xlsx").exists()


def test_data_readme_exists():
    assert (Path(DATA_DIR) / "README.md").exists()
