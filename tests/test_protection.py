"""Financial protection: hand-computable cases (sigma = 0), seeding, national-scale runs."""

from __future__ import annotations

import math
from statistics import NormalDist
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from equity.protection import (
    INCOME_MEDIAN_CHINA,
    INCOME_SIGMA,
    ProtectionError,
    income_median_for,
    liability_share,
    lognormal_from_mean,
    lognormal_from_median,
    protection_by_region,
    protection_from_simulation,
    protection_shares,
    run_population,
)


def test_shares_by_hand():
    # oop / income = 5%, 20%, 30%, 50% -> over 10%: 3 of 4, over 25%: 2, over 40%: 1.
    oop = np.array([5.0, 20.0, 30.0, 50.0])
    income = np.full(4, 100.0)
    s = protection_shares(oop, income, poverty_line=75.0)
    assert s == {
        "catastrophic_10": 0.75,
        "catastrophic_25": 0.5,
        "catastrophic_40": 0.25,
        "impoverished": 0.5,  # 100 - 30 and 100 - 50 fall under 75
    }
    # "exceeds" is strict: exactly 10% of income is not catastrophic at 10%
    assert protection_shares(np.array([10.0]), np.array([100.0]))["catastrophic_10"] == 0
    # a household already under the line is not "pushed" under it
    assert protection_shares(np.array([1.0]), np.array([50.0]), poverty_line=75)[
        "impoverished"
    ] == 0


def oop_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_id": ["r1", "r2"],
            "patients": [10, 30],
            "cost_per_patient": [100_000.0, 20_000.0],
            "household_income": [50_000.0, 100_000.0],
            "oop_share_before": [0.3, 0.3],
            "oop_share_after": [0.1, 0.3],
        }
    )


def test_oop_share_mode_by_hand():
    # r1: before 30,000 = 60% of 50,000 (over every threshold; 50,000 - 30,000 = 20,000
    #     falls under a 30,000 line); after 10,000 = 20% (over 10% only; 40,000 stays above).
    # r2: 6,000 = 6% of 100,000 both times: nothing.
    r = protection_by_region(oop_table(), cost_sigma=0, income_sigma=0, poverty_line=30_000)
    assert r.mode == "oop_share"
    a, b = r.regions.iloc[0], r.regions.iloc[1]
    assert (a["catastrophic_10_before"], a["catastrophic_25_before"],
            a["catastrophic_40_before"], a["impoverished_before"]) == (1, 1, 1, 1)
    assert (a["catastrophic_10_after"], a["catastrophic_25_after"],
            a["catastrophic_40_after"], a["impoverished_after"]) == (1, 0, 0, 0)
    assert b[[c for c in r.regions.columns if c.startswith("catastrophic")]].sum() == 0
    assert a["mean_oop_before"] == pytest.approx(30_000)
    assert a["simulated"] == 10 and b["simulated"] == 30
    # patient-weighted overall: (10 x 1 + 30 x 0) / 40
    assert r.overall["catastrophic_10_before"] == pytest.approx(0.25)
    assert r.overall["catastrophic_25_after"] == 0
    assert r.overall["mean_oop_after"] == pytest.approx((10 * 10_000 + 30 * 6_000) / 40)


def charity_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_id": ["s1"],
            "region_name": ["Suburb"],
            "area_type": ["suburban"],
            "patients": [20],
            "cost_per_patient": [100_000.0],
            "household_income": [60_000.0],
            "oop_share_before": [0.3],
            "oop_share_after": [0.255],
            "charity_coverage_before": [0.65],
            "charity_coverage_after": [0.9],
            "subsidy_per_patient_before": [18_000.0],
            "subsidy_per_patient_after": [18_000.0],
        }
    )


def test_charity_mode_by_hand():
    # Liability L: 0.3 x 100,000 = L - 0.65 x min(18,000, L) -> L = 30,000 + 11,700 = 41,700.
    # Covered patients pay 41,700 - 18,000 = 23,700 (39.5% of 60,000); others 41,700 (69.5%).
    # Before 13 of 20 covered (0.65 x 20), after 18 of 20 (0.9 x 20).
    # Over 40%: 7/20 = 0.35 before, 2/20 = 0.1 after. Over 25%: everyone.
    # Line 20,000: 60,000 - 41,700 = 18,300 falls under it; 60,000 - 23,700 does not.
    r = protection_by_region(
        charity_table(), cost_sigma=0, income_sigma=0, poverty_line=20_000
    )
    assert r.mode == "charity"
    row = r.regions.iloc[0]
    assert row["catastrophic_40_before"] == pytest.approx(0.35)
    assert row["catastrophic_40_after"] == pytest.approx(0.10)
    assert row["catastrophic_25_before"] == 1 and row["catastrophic_25_after"] == 1
    assert row["impoverished_before"] == pytest.approx(0.35)
    assert row["impoverished_after"] == pytest.approx(0.10)
    # the region's own out-of-pocket shares come back: 0.3 and (41,700 - 16,200) / 100,000
    assert row["mean_oop_before"] == pytest.approx(30_000)
    assert row["mean_oop_after"] == pytest.approx(25_500)
    assert row["region_name"] == "Suburb" and row["area_type"] == "suburban"


def test_liability_share_both_branches():
    # L >= s: L = oT + cs
    assert liability_share(0.3, 0.65, 18_000, 100_000) == pytest.approx(0.417)
    # L < s: L = oT / (1 - c) = 5,000 / 0.5 = 10,000; check 10,000 - 0.5 x 10,000 = 5,000
    assert liability_share(0.05, 0.5, 18_000, 100_000) == pytest.approx(0.1)
    assert liability_share(0.3, 1.0, 18_000, 100_000) == pytest.approx(0.48)
    assert liability_share(0.3, 0.5, 18_000, 0) == 0


def test_more_coverage_never_raises_catastrophic_shares():
    # Covered-before stays covered-after, so with more coverage and the same subsidy no
    # patient pays more; every share can only fall (or stay), whatever the draws.
    table = charity_table()
    table["patients"] = 5_000
    r = protection_by_region(table, seed=7)
    row = r.regions.iloc[0]
    for key in ("catastrophic_10", "catastrophic_25", "catastrophic_40", "impoverished"):
        assert row[f"{key}_after"] <= row[f"{key}_before"]
    assert row["catastrophic_40_after"] < row["catastrophic_40_before"]


def test_seeded_and_reproducible():
    table = charity_table()
    table["patients"] = 3_000
    a = protection_by_region(table, seed=1).regions
    b = protection_by_region(table, seed=1).regions
    c = protection_by_region(table, seed=2).regions
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_income_default_reproduces_the_documented_60_percent():
    # 003 III(II): about 60% of patient households earn under 30,000 yuan a year.
    dist = NormalDist(math.log(INCOME_MEDIAN_CHINA), INCOME_SIGMA)
    assert dist.cdf(math.log(30_000)) == pytest.approx(0.60)
    draws = lognormal_from_median(np.random.default_rng(0), INCOME_MEDIAN_CHINA,
                                  INCOME_SIGMA, 200_000)
    assert np.mean(draws < 30_000) == pytest.approx(0.60, abs=0.005)
    assert income_median_for(sigma=0) == 30_000


def test_missing_income_column_uses_the_default_and_says_so():
    table = oop_table().drop(columns="household_income")
    r = protection_by_region(table, cost_sigma=0, income_sigma=0)
    assert any("household_income" in str(note) for note in r.notes)
    # r2: 6,000 against a median of about 25,100: 24% -> over 10%, under 25%
    row = r.regions.iloc[1]
    assert row["catastrophic_10_before"] == 1 and row["catastrophic_25_before"] == 0


def test_lognormal_mean_and_sigma_zero():
    rng = np.random.default_rng(5)
    draws = lognormal_from_mean(rng, 300_000, 1.0, 400_000)
    assert draws.mean() == pytest.approx(300_000, rel=0.02)
    assert (lognormal_from_mean(rng, 123.45, 0, 3) == 123.45).all()


def test_plain_region_table_is_before_equals_after():
    table = oop_table().drop(columns=["oop_share_after"]).rename(
        columns={"oop_share_before": "oop_share"}
    )
    r = protection_by_region(table, cost_sigma=0, income_sigma=0)
    rows = r.regions
    assert (rows["catastrophic_10_before"] == rows["catastrophic_10_after"]).all()
    assert any("'after' equals 'before'" in str(n) for n in r.notes)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.drop(columns="cost_per_patient"), "column cost_per_patient: required"),
        (lambda t: t.assign(cost_per_patient=[100_000.0, -1.0]),
         "row 2 (region_id 'r2'), column cost_per_patient"),
        (lambda t: t.assign(oop_share_after=[0.1, 1.5]),
         "row 2 (region_id 'r2'), column oop_share_after"),
        (lambda t: t.assign(household_income=[np.nan, 1.0]),
         "row 1 (region_id 'r1'), column household_income"),
        (lambda t: t.drop(columns=["oop_share_before", "oop_share_after"]), "oop_share_before"),
    ],
)
def test_bad_tables_name_row_and_column(change, message):
    with pytest.raises(ProtectionError) as info:
        protection_by_region(change(oop_table()))
    assert message in str(info.value)


def test_bad_settings():
    with pytest.raises(ProtectionError, match="cost_sigma"):
        protection_by_region(oop_table(), cost_sigma=-1)
    with pytest.raises(ProtectionError, match="thresholds"):
        protection_by_region(oop_table(), thresholds=(0,))


def test_region_with_no_patients_has_no_shares():
    table = oop_table().assign(patients=[0, 30])
    r = protection_by_region(table, cost_sigma=0, income_sigma=0)
    assert r.regions.iloc[0]["simulated"] == 0
    assert math.isnan(r.regions.iloc[0]["catastrophic_10_before"])
    assert r.overall["catastrophic_10_before"] == 0  # only r2 counts


def test_to_dict_is_plain_json():
    import json

    d = protection_by_region(charity_table(), cost_sigma=0, income_sigma=0).to_dict()
    json.dumps(d)
    assert d["regions"][0]["catastrophic_40_after"] == pytest.approx(0.1)


def test_from_simulation_joins_cost_and_income():
    sim = SimpleNamespace(
        regions=charity_table().drop(columns=["cost_per_patient", "household_income"])
    )
    data = SimpleNamespace(
        table=pd.DataFrame({"region_id": ["s1"], "cost_per_patient": [100_000.0],
                            "household_income": [60_000.0]})
    )
    r = protection_from_simulation(sim, data, cost_sigma=0, income_sigma=0)
    assert r.regions.iloc[0]["catastrophic_40_after"] == pytest.approx(0.1)


# ---------------------------------------------------------------------------
# National scale through a cascade


def test_population_by_hand_in_chunks():
    # Every patient costs 700,000 (Zhejiang: fund 600,000, patient 100,000) and earns
    # 200,000: out-of-pocket is 50% of income, over every threshold; 200,000 - 100,000
    # falls under a 150,000 line.
    seen: list[float] = []
    r = run_population(
        "zhejiang_special_fund", patients=2_500, cost_mean=700_000, cost_sigma=0,
        income_median=200_000, income_sigma=0, poverty_line=150_000, chunk_size=1_000,
        progress=seen.append,
    )
    assert seen == [0.4, 0.8, 1.0]
    assert r.paid == {"special_fund": 2_500 * 600_000}
    assert r.oop_total == 2_500 * 100_000 and r.oop_mean == 100_000
    assert r.shares == {"catastrophic_10": 1, "catastrophic_25": 1, "catastrophic_40": 1,
                        "impoverished": 1}
    lower_line = run_population(
        "zhejiang_special_fund", patients=10, cost_mean=700_000, cost_sigma=0,
        income_median=200_000, income_sigma=0, poverty_line=50_000,
    )
    assert lower_line.shares["impoverished"] == 0


def test_population_accounts_close_and_are_seeded():
    kwargs = {"patients": 50_000, "cost_mean": 300_000, "seed": 3, "chunk_size": 20_000}
    a = run_population("foshan_assistance", **kwargs)
    b = run_population("foshan_assistance", **kwargs)
    assert a.to_dict() == b.to_dict()
    assert sum(a.paid.values()) + a.oop_total == pytest.approx(a.total_cost, rel=1e-12)
    assert a.total_cost / a.patients == pytest.approx(300_000, rel=0.03)
    s = a.shares
    assert 1 >= s["catastrophic_10"] >= s["catastrophic_25"] >= s["catastrophic_40"] >= 0


def test_fixed_draws_per_region():
    # sigma 0 and 1,000 draws: 650 covered before (0.65 x 1,000), 900 after; the shares
    # over 40% are the uncovered: 0.35 and 0.10 as with 20 patients.
    r = protection_by_region(charity_table(), cost_sigma=0, income_sigma=0, draws=1_000)
    row = r.regions.iloc[0]
    assert row["simulated"] == 1_000
    assert row["catastrophic_40_before"] == pytest.approx(0.35)
    assert row["catastrophic_40_after"] == pytest.approx(0.10)
    with pytest.raises(ProtectionError, match="draws"):
        protection_by_region(charity_table(), draws=0)


def test_cascade_by_region_by_hand():
    # r1: 100,000 under Zhejiang -> fund 80,000, patient 20,000 = 40% of 50,000: over 10%
    #     and 25%, not over 40% (strict); 50,000 - 20,000 = 30,000 is not under a 30,000 line.
    # r2: 20,000 -> patient 4,000 = 4% of 100,000: nothing.
    from equity.protection import cascade_by_region

    seen: list[float] = []
    out = cascade_by_region("zhejiang_special_fund", oop_table(), cost_sigma=0,
                            income_sigma=0, poverty_line=30_000, progress=seen.append)
    a, b = out.iloc[0], out.iloc[1]
    assert a["mean_oop"] == pytest.approx(20_000) and a["p90_oop"] == pytest.approx(20_000)
    assert a["paid_special_fund"] == pytest.approx(80_000)
    assert (a["catastrophic_10"], a["catastrophic_25"], a["catastrophic_40"]) == (1, 1, 0)
    assert a["impoverished"] == 0
    assert b["mean_oop"] == pytest.approx(4_000) and b["catastrophic_10"] == 0
    assert seen == [0.5, 1.0]
    # with spread, the ceiling still holds in every region's upper tail
    spread = cascade_by_region("zhejiang_special_fund", oop_table().assign(patients=5_000))
    assert (spread["p90_oop"] <= 100_000).all()
