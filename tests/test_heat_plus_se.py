"""A HEAT Plus file's ``se`` column through the public path (read -> region table ->
measures): WHO's stored standard errors and intervals are reproduced (issue 14)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from equity.measures import summarise, table_se
from equity.readers import read_regions
from equity.schema import SE_COLUMNS, region_schema

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "heat"
CASE = "HE_SBA_REGION34"  # births attended by skilled personnel, 34 Indonesian regions


def _rows(path: Path, case: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["case_id"] == case]


def _heat_plus_file(tmp_path: Path) -> Path:
    """The case as a HEAT Plus long file: the indicator read as charity coverage (percent,
    with its se), and the other columns the region table needs as constants."""
    rows = []
    for r in _rows(FIXTURES / "cases.csv", CASE):
        base = {"setting": "Indonesia", "date": 2017, "dimension": "Subnational region",
                "subgroup": r["subgroup"], "population": "", "se": ""}
        rows.append({**base, "indicator_abbr": "charity_coverage", "estimate": r["estimate"],
                     "se": r["se"], "population": r["population"], "indicator_scale": 100})
        rows.append({**base, "indicator_abbr": "oop", "estimate": 30, "indicator_scale": 100})
        rows.append({**base, "indicator_abbr": "cost_per_patient", "estimate": 100_000,
                     "indicator_scale": 1})
        rows.append({**base, "indicator_abbr": "subsidy", "estimate": 18_000,
                     "indicator_scale": 1})
    path = tmp_path / "heat.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_heat_plus_se_column_becomes_an_indicator_se_column(tmp_path):
    data = read_regions(_heat_plus_file(tmp_path))
    table = data.table.set_index("region_id")
    # aceh: estimate 95.1178...%, se 1.53844...% -> 0.951178, 0.0153844 on the 0-1 scale
    assert float(table.loc["aceh", "charity_coverage"]) == pytest.approx(0.95117843627929688)
    assert float(table.loc["aceh", "charity_coverage_se"]) == pytest.approx(0.015384434461593628)
    assert "oop_share_se" not in table.columns  # no se given: no column
    se = table_se(data.table, "charity_coverage")
    assert se.source == "column"
    assert "charity_coverage_se" in SE_COLUMNS


@pytest.mark.parametrize("measure", ["D", "BGV"])
def test_who_se_and_interval_reproduced_from_a_heat_plus_file(tmp_path, measure):
    data = read_regions(_heat_plus_file(tmp_path))
    t = data.table
    se = table_se(t, "charity_coverage")
    # HEAT's reference subgroup (the fixture's reference_subgroup = 1: aceh) is an analysis
    # option, not a region-table column: D compares the reference with the best subgroup
    reference = [r["subgroup"] for r in _rows(FIXTURES / "cases.csv", CASE)
                 if r["reference_subgroup"] == "1"]
    mask = (t["region_id"] == reference[0]).to_numpy()
    res = summarise(t["charity_coverage"].to_numpy(float), t["patients"].to_numpy(float),
                    favourable=True, se=se.se, measures=[measure], intervals=True,
                    reference=mask.astype(int))[measure]
    want = next(r for r in _rows(FIXTURES / "expected.csv", CASE) if r["measure"] == measure)
    # the table is on the 0-1 scale, HEAT's figures on 0-100: D scales by 100, BGV by 100^2
    k = 100.0 if measure == "D" else 100.0 ** 2
    assert res.value * k == pytest.approx(float(want["value"]), rel=1e-6)
    assert res.se * k == pytest.approx(float(want["se"]), rel=1e-6)
    assert res.lower * k == pytest.approx(float(want["lowerci"]), rel=1e-6)
    assert res.upper * k == pytest.approx(float(want["upperci"]), rel=1e-6)


def test_region_schema_accepts_optional_se_columns_and_refuses_negative_ones():
    t = pd.DataFrame({"region_id": ["a", "b"], "region_name": ["a", "b"],
                      "area_type": ["urban", "suburban"], "patients": [1.0, 2.0],
                      "charity_coverage": [0.5, 0.6], "oop_share": [0.1, 0.2],
                      "cost_per_patient": [1.0, 1.0], "subsidy_per_patient": [1.0, 1.0],
                      "charity_coverage_se": ["0.01", None]})
    checked = region_schema(list(t.columns)).validate(t)
    assert checked["charity_coverage_se"].iloc[0] == 0.01
    assert np.isnan(checked["charity_coverage_se"].iloc[1])
    with pytest.raises(Exception, match="charity_coverage_se"):
        region_schema(list(t.columns)).validate(t.assign(charity_coverage_se=[-0.1, 0.1]))


def test_simulate_uses_the_heat_plus_se_for_the_gap_interval(tmp_path):
    from equity.fund import simulate

    data = read_regions(_heat_plus_file(tmp_path))
    a, b = data.table["region_id"].iloc[0], data.table["region_id"].iloc[1]
    res = simulate(data, {"compare": {"column": "region_id", "a": a, "b": b}})
    se = data.table["charity_coverage_se"].astype(float).to_numpy()
    assert res.gap.interval["se_source"] == "column"
    assert res.gap.interval["before"]["se"] == pytest.approx((se[0] ** 2 + se[1] ** 2) ** 0.5)
