"""National fund sizing (003 section V) on a hand-worked table and on Zhejiang's Table 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from equity.sizing import (
    SizingError,
    size_fund,
    zhejiang_cost_from_payment,
    zhejiang_sizing,
)

# Four drugs, cap 100,000 yuan per patient a year. Fund need N = P max(0, T - 100,000):
#   A children          10 x (500,000 - 100,000)   = 4,000,000
#   B life-threatening   5 x (1,000,000 - 100,000) = 4,500,000
#   C unmet need       100 x max(0, 80,000 - ...)  = 0 (patients pay 80,000 each)
#   D none              20 x (300,000 - 100,000)   = 4,000,000      total 12,500,000
DRUGS = pd.DataFrame({
    "disease": ["d1", "d2", "d3", "d4"], "drug": ["D", "C", "B", "A"],
    "patients": [20, 100, 5, 10], "annual_cost": [300_000, 80_000, 1_000_000, 500_000],
    "children": [False, False, False, True], "life_threatening": [False, False, True, False],
    "unmet_need": [False, True, False, False]})


def test_fund_need_by_hand() -> None:
    r = size_fund(DRUGS, oop_cap=100_000)
    assert r.total_need == pytest.approx(12_500_000)
    assert r.table["drug"].tolist() == ["A", "B", "C", "D"]  # 003 section V's order
    assert r.table["fund_need"].tolist() == pytest.approx([4e6, 4.5e6, 0, 4e6])
    # patients pay min(T, cap): 10 x 1e5 + 5 x 1e5 + 100 x 80,000 + 20 x 1e5
    assert r.table["patient_pays"].sum() == pytest.approx(1e6 + 5e5 + 8e6 + 2e6)
    assert r.table["funded"].all() and r.left_over is None


def test_spend_according_to_revenue_by_hand() -> None:
    # Budget 8,000,000: A fits (4,000,000 left), B (4,500,000) does not, C (0) and D fit.
    r = size_fund(DRUGS, oop_cap=100_000, budget=8_000_000)
    assert dict(zip(r.table["drug"], r.table["funded"], strict=True)) == {
        "A": True, "B": False, "C": True, "D": True}
    assert r.funded_need == pytest.approx(8_000_000)
    assert r.unfunded_need == pytest.approx(4_500_000)
    assert r.left_over == pytest.approx(0)
    strict = size_fund(DRUGS, oop_cap=100_000, budget=8_000_000, strict_order=True)
    assert strict.table.loc[strict.table["funded"], "drug"].tolist() == ["A"]
    assert strict.left_over == pytest.approx(4_000_000)


def test_bad_drug_tables_are_refused() -> None:
    with pytest.raises(SizingError) as err:
        size_fund(DRUGS.drop(columns="annual_cost"), oop_cap=1)
    assert err.value.problems[0].code == "sizing.missing_column"
    with pytest.raises(SizingError) as err:
        size_fund(DRUGS.assign(patients=[1, -1, 2, 3], children=["yes", "maybe", 0, 1]),
                  oop_cap=1)
    assert [p.code for p in err.value.problems] == ["sizing.bad_number", "sizing.bad_flag"]
    assert err.value.problems[0].params["rows"] == "2"


def test_zhejiang_tiers_inverted() -> None:
    # fund pays 80% to 300,000 (240,000), 0.9 T - 30,000 to 700,000 (600,000), then T - 100,000
    assert zhejiang_cost_from_payment(240_000) == pytest.approx(300_000)
    assert zhejiang_cost_from_payment(600_000) == pytest.approx(700_000)
    assert zhejiang_cost_from_payment(900_000) == pytest.approx(1_000_000)
    assert zhejiang_cost_from_payment(80_000) == pytest.approx(100_000)
    assert zhejiang_cost_from_payment(420_000) == pytest.approx(500_000)


def test_zhejiang_table2_2024_worked_example() -> None:
    r = zhejiang_sizing(2024)
    need = dict(zip(r.table["drug"], r.table["fund_need"], strict=True))
    # Myozyme and Cerezyme average above 700,000 yuan: the cap-only fund pays what Zhejiang
    # paid (T - 100,000). Fabrazyme: 31,687,900 / 56 per patient in the 90% tier:
    # T = (565,855.36 + 30,000) / 0.9; need = 56 T - 56 x 100,000 = 31,475,444.44.
    assert need == pytest.approx({"Myozyme": 49_077_300, "Cerezyme": 42_879_000,
                                  "Fabrazyme": (31_687_900 + 56 * 30_000) / 0.9 - 5_600_000})
    assert "Kuvan" not in need  # no 2024 figures in Table 2
    assert r.budget == pytest.approx(118_584_000)  # Table 3 income 2024, 11,858.4 x 10^4
    assert r.table["drug"].tolist() == ["Myozyme", "Fabrazyme", "Cerezyme"]
    assert r.table["funded"].tolist() == [True, True, False]
    codes = [a.code for a in r.assumptions]
    assert "sizing.assume_flags_illustrative" in codes and "sizing.assume_left_out" in codes


def test_cli_size_json_and_errors(tmp_path) -> None:
    out = subprocess.run([sys.executable, "-m", "equity", "size", "--json"],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["budget"] == pytest.approx(118_584_000)
    assert [d["drug"] for d in data["drugs"]] == ["Myozyme", "Fabrazyme", "Cerezyme"]
    path = tmp_path / "drugs.csv"
    DRUGS.to_csv(path, index=False)
    out = subprocess.run([sys.executable, "-m", "equity", "size", "--drugs", str(path),
                          "--budget", "8,000,000", "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["funded_need"] == pytest.approx(8_000_000)
    bad = subprocess.run([sys.executable, "-m", "equity", "size", "--cap", "-5"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--cap" in bad.stderr
