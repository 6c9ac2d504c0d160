"""Fund projection: Table 3 replay as printed, flags, growth fit, hand-worked projections."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from equity.projection import (
    PROJECTION_PRESETS,
    ProjectionError,
    ProjectionPreset,
    fitted_growth,
    project,
)
from equity.zhejiang import (
    DATA_DIR,
    read_zhejiang,
    zhejiang_dictionary,
    zhejiang_flags,
    zhejiang_table2,
    zhejiang_table3,
)

# Table 3 of 002 as printed (10,000 yuan; enrollment in 10,000 persons), typed in here
# independently of data/zhejiang/table3.csv.
PRINTED = [
    (2020, 5054, 10108, 56, 2374.23, 7733.77, 7733.77),
    (2021, 5081, 10162, 91, 6309.82, 3852.18, 11585.95),
    (2022, 5577, 11154, 104, 5996.95, 5157.05, 16743.00),
    (2023, 5621, 11242, 111, 10488.43, 753.57, 17496.57),
    (2024, 5713, 11858.4, 128, 12364.42, -509.02, 16987.55),
]


def test_table3_as_printed():
    t = zhejiang_table3()
    assert list(t.columns) == [
        "year", "enrollment_10k_persons", "income_10k_yuan", "patients",
        "expenditure_10k_yuan", "surplus_10k_yuan", "cumulative_surplus_10k_yuan",
    ]
    assert [tuple(r) for r in t.itertuples(index=False)] == PRINTED


def test_table3_in_yuan_is_exact():
    t = zhejiang_table3(yuan=True)
    assert t["income_yuan"].tolist() == [101_080_000, 101_620_000, 111_540_000, 112_420_000,
                                         118_584_000]
    assert t["expenditure_yuan"].iloc[0] == 23_742_300  # 2,374.23 x 10,000, no float noise
    assert t["surplus_yuan"].iloc[-1] == -5_090_200
    assert t["enrollment_persons"].iloc[0] == 50_540_000


def test_income_is_two_yuan_per_enrollee_2020_2023():
    t = zhejiang_table3(yuan=True)
    first = t[t["year"] <= 2023]
    assert (first["income_yuan"] == 2 * first["enrollment_persons"]).all()
    last = t[t["year"] == 2024].iloc[0]
    assert last["income_yuan"] != 2 * last["enrollment_persons"]


def test_the_three_known_inconsistencies_are_flagged():
    flags = {(f.table, f.year, f.column): f for f in zhejiang_flags()}
    assert len(flags) == 3
    income = flags[("table3", 2024, "income_10k_yuan")]
    assert (income.printed, income.expected) == (11858.4, 11426.0)  # 5,713 x 2
    assert income.difference == pytest.approx(432.4)
    surplus = flags[("table3", 2024, "surplus_10k_yuan")]
    assert surplus.expected == -506.02  # 11,858.4 - 12,364.42
    assert surplus.difference == pytest.approx(-3.0)
    spending = flags[("table3 vs table2", 2023, "expenditure_10k_yuan")]
    assert (spending.printed, spending.expected) == (10488.43, 10466.22)
    assert spending.difference == pytest.approx(22.21)
    assert all(f.message_en and f.message_zh for f in flags.values())


def test_tables_carry_their_flags():
    assert len(zhejiang_table3().attrs["flags"]) == 3  # two in table 3, one against table 2
    assert len(zhejiang_table2().attrs["flags"]) == 1
    tables = read_zhejiang()
    assert len(tables.flags) == 3


def test_table2_as_printed():
    t = zhejiang_table2()
    assert t["disease"].tolist()[-1] == "Total"
    gaucher = t[t["drug"] == "Cerezyme"].iloc[0]
    assert gaucher["payment_2024_10k_yuan"] == 4287.9
    kuvan = t[t["drug"] == "Kuvan"].iloc[0]
    # '-' in the source is missing, never zero
    assert pd.isna(kuvan["patients_2023"]) and math.isnan(kuvan["payment_2024_10k_yuan"])
    total = t.iloc[-1]
    assert total["payment_2023_10k_yuan"] == 10466.22
    assert total["patients_2024"] == 128
    assert zhejiang_table2(yuan=True).iloc[-1]["payment_2020_yuan"] == 23_742_300


def test_dictionary_covers_every_column():
    d = zhejiang_dictionary()
    assert set(d["provenance"]) <= {"source", "derived", "illustrative"}
    t3 = set(d.loc[d["file"] == "table3.csv", "column"])
    assert t3 == set(zhejiang_table3().columns)
    t2 = set(d.loc[d["file"] == "table2.csv", "column"])
    for column in zhejiang_table2().columns:
        assert re.sub(r"20\d\d", "YYYY", column) in t2, column
    assert (DATA_DIR / "table3.csv").exists()


# ---------------------------------------------------------------------------
# Replay and projection


def test_replay_keeps_the_printed_figures_in_yuan():
    r = project(horizon=0)
    years = r.to_dict()["years"]
    assert [y["year"] for y in years] == [2020, 2021, 2022, 2023, 2024]
    for y, printed in zip(years, PRINTED, strict=True):
        assert y["kind"] == "observed"
        assert y["income"] == pytest.approx(printed[2] * 10_000, abs=1e-6)
        assert y["expenditure"] == pytest.approx(printed[4] * 10_000, abs=1e-6)
        assert y["surplus"] == pytest.approx(printed[5] * 10_000, abs=1e-6)
        assert y["reserve"] == pytest.approx(printed[6] * 10_000, abs=1e-6)
    assert years[-1]["income_model"] == 2 * 57_130_000  # the 11,426 the table should show
    assert len(r.flags) == 3
    assert r.depletion_year is None and r.break_even_financing is None


def test_growth_fits():
    years = [2020, 2021, 2022, 2023, 2024]
    enrollment = [p[1] for p in PRINTED]
    # CAGR: (5,713 / 5,054) ** (1/4) - 1
    assert fitted_growth(enrollment, years, "cagr") == pytest.approx((5713 / 5054) ** 0.25 - 1)
    # log-linear: slope = cov(year, ln y) / var(year), computed by hand
    logs = [math.log(v) for v in enrollment]
    mean_y, mean_l = sum(years) / 5, sum(logs) / 5
    slope = sum((a - mean_y) * (b - mean_l) for a, b in zip(years, logs, strict=True)) / sum(
        (a - mean_y) ** 2 for a in years
    )
    assert fitted_growth(enrollment, years, "loglinear") == pytest.approx(math.exp(slope) - 1)
    # patients 56 -> 128 over four years
    cagr = project(fit="cagr")
    assert cagr.growth["patients"] == pytest.approx((128 / 56) ** 0.25 - 1)
    spend_2020, spend_2024 = 2374.23 / 56, 12364.42 / 128
    assert cagr.growth["spending_per_patient"] == pytest.approx(
        (spend_2024 / spend_2020) ** 0.25 - 1
    )
    assert "2020-2024" in cagr.fit


def test_first_projected_year_by_hand():
    r = project(horizon=1, fit="cagr")
    g = r.growth
    y = r.years[-1]
    assert y.year == 2025 and y.kind == "projected"
    enrollment = 57_130_000 * (1 + g["enrollment"])
    assert y.income == pytest.approx(2 * enrollment)
    assert y.expenditure == pytest.approx(
        128 * (1 + g["patients"]) * (123_644_200 / 128) * (1 + g["spending_per_patient"])
    )
    assert y.reserve == pytest.approx(169_875_500 + y.income - y.expenditure)


def test_hand_worked_depletion_and_break_even():
    # income 1 x 10 = 10 a year, spending 1 x 30 = 30, reserve 50:
    # reserves 30, 10, -10, -30 -> depletion in 2003.
    # break-even over 4 years: f = (4 x 30) / (4 x 10) = 3.
    # keeping the reserve >= 0: f >= max_k (30k - 50) / 10k = (120 - 50) / 40 = 1.75.
    p = ProjectionPreset(
        name="toy", label={"en": "toy", "zh": "示例"}, source="test", base_year=2000,
        per_capita_financing=1, enrollment=10, patients=1, spending_per_patient=30,
        enrollment_growth=0, patient_growth=0, spending_growth=0, reserve=50, horizon=4,
    )
    r = project(p)
    assert [y.reserve for y in r.years] == [30, 10, -10, -30]
    assert r.depletion_year == 2003
    assert r.break_even_financing == pytest.approx(3.0)
    assert r.sustainable_financing == pytest.approx(1.75)
    assert project(p, per_capita_financing=1.75).years[-1].reserve == pytest.approx(0)
    assert project(p, per_capita_financing=3).depletion_year is None


def test_zhejiang_projection_runs_out_under_fitted_growth():
    # With spending per patient and patients each growing about 20% a year against 2 yuan
    # per enrollee, the 2024 reserve (169.9 million yuan) cannot last: every projected year
    # is in deficit and the break-even financing is above 2 yuan.
    r = project()
    projected = [y for y in r.years if y.kind == "projected"]
    assert len(projected) == 6
    assert all(y.surplus < 0 for y in projected)
    assert r.depletion_year is not None and r.depletion_year > 2024
    assert r.break_even_financing > 2
    richer = project(per_capita_financing=r.sustainable_financing)
    assert min(y.reserve for y in richer.years) >= -1e-3


def test_json_shape():
    d = project(horizon=2).to_dict()
    text = json.dumps(d)
    assert "NaN" not in text
    for y in d["years"]:
        assert {"year", "income", "expenditure", "surplus", "reserve"} <= set(y)
        assert type(y["year"]) is int and type(y["income"]) is float
    assert d["flags"] and "depletion_year" in d


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"colour": 1}, "colour: unknown setting"),
        ({"patient_growth": -1.5}, "patient_growth"),
        ({"horizon": 99}, "horizon"),
        ({"horizon": 2.5}, "horizon"),
        ({"fit": "spline"}, "fit"),
        ({"per_capita_financing": -2}, "per_capita_financing"),
    ],
)
def test_bad_overrides_name_the_key(kwargs, message):
    with pytest.raises(ProjectionError, match=message):
        project(**kwargs)


def test_unknown_preset():
    with pytest.raises(ProjectionError, match="zhejiang_2020_2024"):
        project("atlantis")
    assert "zhejiang_2020_2024" in PROJECTION_PRESETS


def test_package_level_entry_points():
    import equity

    assert equity.project().years[0].year == 2020
    assert equity.benefit("zhejiang_special_fund", 700_000).oop == 100_000
