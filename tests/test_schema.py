"""The region table's declaration: columns, aliases, fraction reading and pandera checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from equity import schema
from equity.readers.cells import _read_fractions


def test_contract_column_lists():
    assert schema.REQUIRED_COLUMNS == (
        "region_id", "region_name", "area_type", "patients", "charity_coverage", "oop_share",
        "cost_per_patient", "subsidy_per_patient",
    )
    assert schema.OPTIONAL_COLUMNS == (
        "population", "assistance_coverage", "gdp_per_capita", "household_income", "severity",
        "year",
    )
    assert schema.FRACTION_COLUMNS == ("charity_coverage", "oop_share", "assistance_coverage")
    for name in schema.FRACTION_COLUMNS:
        assert schema.COLUMNS[name].unit == "fraction (0-1)"
    assert schema.COLUMNS["cost_per_patient"].unit == "yuan / year"
    assert schema.COLUMNS["patients"].unit == "persons"


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("地区编码", "region_id"), ("地区代码", "region_id"), ("地区", "region_name"),
        ("地区名称", "region_name"), ("区域类型", "area_type"), ("地区类型", "area_type"),
        ("患者数", "patients"), ("患者人数", "patients"), ("慈善救助覆盖率", "charity_coverage"),
        ("慈善覆盖率", "charity_coverage"), ("自付比例", "oop_share"),
        ("人均医疗费用", "cost_per_patient"), ("人均慈善救助", "subsidy_per_patient"),
        ("人均救助金额", "subsidy_per_patient"), ("参保人数", "population"), ("人口", "population"),
        ("医疗救助覆盖率", "assistance_coverage"), ("人均GDP", "gdp_per_capita"),
        ("家庭收入", "household_income"), ("家庭年收入", "household_income"),
        ("严重程度", "severity"), ("年份", "year"),
        ("Charity Coverage", "charity_coverage"), ("  charity-coverage ", "charity_coverage"),
        ("CHARITY_COVERAGE", "charity_coverage"), ("Charity coverage (%)", "charity_coverage"),
        ("慈善救助覆盖率（%）", "charity_coverage"), ("人均医疗费用(元)", "cost_per_patient"),
        ("Out-of-pocket share", "oop_share"), ("Region ID", "region_id"),
        ("charity_co", "charity_coverage"), ("cost_per_p", "cost_per_patient"),
    ],
)
def test_aliases(header, column):
    assert schema.canonical_column(header) == column


def test_unknown_header_is_not_a_column():
    assert schema.canonical_column("remarks") is None
    assert schema.canonical_column("备注") is None


def test_every_alias_maps_to_its_own_column_only():
    for spec in schema.COLUMNS.values():
        for alias in (spec.name, *spec.aliases):
            assert schema.canonical_column(alias) == spec.name, alias


def test_area_type_aliases():
    assert schema.canonical_area_type("中心城区") == "urban"
    assert schema.canonical_area_type(" Urban ") == "urban"
    assert schema.canonical_area_type("郊区") == "suburban"
    assert schema.canonical_area_type("农村") == "rural"
    assert schema.canonical_area_type("Mountain county") == "Mountain county"


def _fractions(values, percent):
    return _read_fractions(np.array(values, dtype=float), np.array(percent, dtype=bool))


def test_fraction_reading_fractions():
    out, reading, _ = _fractions([0.65, 0.9, 1.0], [False] * 3)
    assert reading == "fraction (0-1)"
    assert out.tolist() == [0.65, 0.9, 1.0]


def test_fraction_reading_percent_numbers():
    out, reading, note = _fractions([65, 90, 0.5], [False] * 3)
    assert reading == "percent (0-100)"
    assert out.tolist() == pytest.approx([0.65, 0.9, 0.005])
    assert "0.5 means 0.5%" in note


def test_fraction_reading_percent_sign_and_mixed():
    out, reading, _ = _fractions([65, 90], [True, True])
    assert reading == "percent sign"
    assert out.tolist() == pytest.approx([0.65, 0.9])
    out, reading, _ = _fractions([65, 0.9], [True, False])
    assert reading == "percent sign + fraction (0-1)"
    assert out.tolist() == pytest.approx([0.65, 0.9])
    out, reading, _ = _fractions([65, 90], [True, False])
    assert reading == "percent sign + percent (0-100)"
    assert out.tolist() == pytest.approx([0.65, 0.9])


def test_fraction_reading_keeps_blanks_blank():
    out, reading, _ = _fractions([math.nan, 0.5], [False, False])
    assert reading == "fraction (0-1)"
    assert math.isnan(out[0]) and out[1] == 0.5


def _table(**overrides):
    base = {
        "region_id": pd.array(["a", "b"], dtype="str"),
        "region_name": pd.array(["A", "B"], dtype="str"),
        "area_type": pd.array(["urban", "suburban"], dtype="str"),
        "patients": [10.0, 20.0],
        "charity_coverage": [0.9, 0.65],
        "oop_share": [0.3, 0.3],
        "cost_per_patient": [200_000.0, 200_000.0],
        "subsidy_per_patient": [18_000.0, 18_000.0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def _failures(frame):
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        schema.region_schema(list(frame.columns)).validate(frame, lazy=True)
    cases = info.value.failure_cases
    return {(row["column"], row["index"]) for row in cases.to_dict("records")}


def test_schema_accepts_valid_table():
    frame = _table()
    schema.region_schema(list(frame.columns)).validate(frame, lazy=True)


def test_schema_reports_every_failure_at_once():
    frame = _table(patients=[-1.0, 20.0], charity_coverage=[0.9, 1.2],
                   region_id=pd.array(["a", "a"], dtype="str"))
    failures = _failures(frame)
    assert ("patients", 0) in failures
    assert ("charity_coverage", 1) in failures
    assert ("region_id", 0) in failures and ("region_id", 1) in failures


def test_schema_year_makes_region_and_year_the_key():
    frame = _table(region_id=pd.array(["a", "a"], dtype="str"))
    frame["year"] = [2022.0, 2023.0]
    schema.region_schema(list(frame.columns)).validate(frame, lazy=True)
    frame["year"] = [2022.5, 2023.0]
    assert ("year", 0) in _failures(frame)


def test_schema_zero_patient_total_fails():
    frame = _table(patients=[0.0, 0.0])
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        schema.region_schema(list(frame.columns)).validate(frame, lazy=True)
    assert "patients_total_positive" in set(info.value.failure_cases["check"].astype(str))


def test_column_dictionary_lists_every_column_with_unit():
    table = schema.column_dictionary()
    assert list(table["column"]) == list(schema.COLUMNS)
    assert (table["unit"] != "").all()
    assert set(table["required"]) == {"yes", "no"}
