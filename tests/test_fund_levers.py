"""The mechanism levers wired into equity.fund.simulate (docs/mechanisms.md), against
hand-worked numbers, and the promise that every default gives today's result exactly."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from equity.fund import prepare, simulate
from equity.scenario import scenario_from_dict, scenario_from_json

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples" / "scenarios").glob("*.json"))

# The three regions of tests/test_mechanisms.py (L: 36,200 / 71,700 / 2,000 yuan per patient)
THREE = pd.DataFrame({
    "region_id": ["A", "B", "C"], "region_name": ["A", "B", "C"],
    "area_type": ["urban", "suburban", "suburban"],
    "patients": [100.0, 50.0, 10.0], "charity_coverage": [0.90, 0.65, 0.50],
    "oop_share": [0.20, 0.30, 0.05], "cost_per_patient": [100_000.0, 200_000.0, 20_000.0],
    "subsidy_per_patient": [18_000.0, 18_000.0, 18_000.0],
})

NEW_DEFAULTS = {"price_cut": 0.0, "drug_share": 1.0, "harmonisation_share": 0.0,
                "harmonisation_target": "best", "industry_levy": 0.0, "take_up_gain": 0.0,
                "paired_assistance": "off"}


def _without_levers(d: dict) -> dict:
    d = dict(d)
    d.pop("levers")
    d["scenario"] = {k: v for k, v in d["scenario"].items() if k not in NEW_DEFAULTS}
    return d


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_version_1_example_gives_the_same_result_as_version_2_with_defaults(path):
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["version"] == 1
    old = simulate("city_w", scenario_from_json(text))
    data = {**json.loads(text), "version": 2, **NEW_DEFAULTS}
    new = simulate("city_w", scenario_from_dict(data))
    assert old.to_dict() == new.to_dict()
    # and the new levers report that they did nothing
    assert old.levers == {"price_cut": None, "harmonisation": None, "industry_levy": 0.0,
                          "take_up": old.scenario.take_up, "paired": None}
    assert "industry_levy" not in old.fund.sources
    assert (old.regions["paired_received"] == 0).all()


def test_every_default_lever_leaves_the_fund_on_the_table_as_given():
    # the model runs on the very same prepared regions (nothing copied, nothing re-derived)
    from equity.fund import adjusted

    r = prepare(THREE)
    sc = scenario_from_dict({"central_pool": 1_000_000})
    assert adjusted(r, sc) == (r, None)
    res = simulate(THREE, sc)
    np.testing.assert_array_equal(res.regions["cost_per_patient_after"], THREE["cost_per_patient"])


def test_price_cut_of_25_percent_lowers_out_of_pocket_by_the_hand_worked_amount():
    # T' = 0.8 T; O' 12,760 / 45,660 / 800 (tests/test_mechanisms.py); no fund
    res = simulate(THREE, {"price_cut": 0.25, "drug_share": 0.8})
    np.testing.assert_allclose(res.regions["oop_per_patient_after"], [12_760, 45_660, 800])
    np.testing.assert_allclose(res.regions["oop_per_patient_before"], [20_000, 60_000, 1_000])
    np.testing.assert_allclose(res.regions["cost_per_patient_after"], [80_000, 160_000, 16_000])
    # patients save 100 x 7,240 + 50 x 14,340 + 10 x 200
    assert res.oop_yuan_saved == pytest.approx(1_443_000)
    saved = res.levers["price_cut"]
    assert saved["patients"] == pytest.approx(1_443_000)
    assert saved["charity"] == pytest.approx(2_000)
    assert saved["insurers"] == pytest.approx(2_595_000)
    assert saved["total"] == pytest.approx(4_040_000)
    assert res.fund.gross == 0
    assert set(res.regions["status"]) == {"gains"}
    d = res.to_dict()
    assert d["levers"]["price_cut"]["total"] == pytest.approx(4_040_000)
    # the gap on out-of-pocket share: urban A 0.2 -> 0.1595; suburban patient-weighted
    res2 = simulate(THREE, {"price_cut": 0.25, "drug_share": 0.8,
                            "compare": {"indicator": "oop_share"}})
    sub_before = (50 * 0.30 + 10 * 0.05) / 60
    sub_after = (50 * 45_660 / 160_000 + 10 * 0.05) / 60
    assert res2.gap.before == pytest.approx(0.20 - sub_before)
    assert res2.gap.after == pytest.approx(12_760 / 80_000 - sub_after)


def test_harmonisation_at_100_percent_costs_insurers_the_hand_worked_amount():
    res = simulate(THREE, {"harmonisation_share": 1.0, "harmonisation_target": "best"})
    # O' = 1,000 / 8,300 / 1,000 (tests/test_mechanisms.py)
    np.testing.assert_allclose(res.regions["oop_per_patient_after"], [1_000, 8_300, 1_000])
    h = res.levers["harmonisation"]
    assert h["cost_to_insurers"] == pytest.approx(5_205_000)
    assert h["target_share"] == pytest.approx(0.9)
    assert res.oop_yuan_saved == pytest.approx(100 * 19_000 + 50 * 51_700)


def test_price_cut_then_fund_closes_to_the_yuan_and_uses_the_cut_liability():
    res = simulate(THREE, {"price_cut": 0.25, "drug_share": 0.8, "central_pool": 500_000,
                           "admin_overhead": 0.05, "industry_levy": 250_000})
    f = res.fund
    assert f.gross == pytest.approx(750_000)
    assert f.sources["industry_levy"] == 250_000
    assert f.gross == pytest.approx(f.overhead + f.allocated + f.unspent, abs=1e-6)
    # recipients are below 0.9: B and C; a subsidy never rises above the cut liability L'
    # (B: 57,360); C's subsidy (18,000) already exceeds its cut liability 1,600: no depth
    s_after = res.regions["subsidy_per_patient_after"].to_numpy()
    assert 18_000 < s_after[1] <= 57_360 + 1e-6
    assert s_after[2] == 18_000
    assert res.regions["depth_money"].iloc[2] == 0


def test_industry_levy_adds_to_the_gross_fund_like_the_central_pool():
    a = simulate("city_w", {"central_pool": 3_000_000})
    b = simulate("city_w", {"central_pool": 1_000_000, "industry_levy": 2_000_000})
    assert b.fund.gross == a.fund.gross == 3_000_000
    np.testing.assert_allclose(b.regions["allocation"], a.regions["allocation"])
    assert b.levers["industry_levy"] == 2_000_000


def test_take_up_gain_works_like_a_higher_take_up():
    a = simulate("city_w", {"central_pool": 3_000_000, "take_up": 0.96})
    b = simulate("city_w", {"central_pool": 3_000_000, "take_up": 0.8, "take_up_gain": 0.2})
    np.testing.assert_allclose(b.regions["newly_covered"], a.regions["newly_covered"])
    assert b.fund.unclaimed == pytest.approx(a.fund.unclaimed)
    assert b.levers["take_up"] == pytest.approx(0.96)


# A hand-drawn strip: donor P | recipient Q | recipient R, and donor D far to the right.
STRIP = pd.DataFrame({
    "region_id": ["P", "Q", "R", "D"], "region_name": ["P", "Q", "R", "D"],
    "area_type": ["urban", "suburban", "suburban", "urban"],
    "patients": [100.0] * 4, "charity_coverage": [0.95, 0.5, 0.5, 0.95],
    "oop_share": [0.3] * 4, "cost_per_patient": [10_000.0] * 4,
    "subsidy_per_patient": [1_000.0] * 4,
    "population": [1.0, 1.0, 1.0, 1.0], "gdp_per_capita": [3.0, 1.0, 1.0, 1.0],
})
GEOMETRY = gpd.GeoDataFrame({"region_id": ["P", "Q", "R", "D"]},
                            geometry=[box(0, 0, 0.1, 0.1), box(0.1, 0, 0.2, 0.1),
                                      box(0.2, 0, 0.3, 0.1), box(0.5, 0, 0.6, 0.1)],
                            crs=4326)


def _strip():
    return dataclasses.replace(prepare(STRIP), geometry=GEOMETRY, cache={})


def test_paired_assistance_by_adjacency_sends_each_donor_to_its_neighbour_first():
    # Shortfall S = (0.9 - 0.5) x 100 x 1,000 = 40,000 for Q and R; m = 0.5: 40,000 of mutual
    # aid, P pays 3/4 (gdp x population 3 : 1) = 30,000, D 10,000. P borders Q; D borders
    # nobody, its nearest recipient is R. Without pairing the shortfall weights split it
    # 20,000 / 20,000; with pairing Q gets P's 30,000 and R gets D's 10,000.
    plain = simulate(_strip(), {"mutual_aid_share": 0.5})
    np.testing.assert_allclose(plain.regions["allocation"], [0, 20_000, 20_000, 0])
    res = simulate(_strip(), {"mutual_aid_share": 0.5, "paired_assistance": "adjacency"})
    np.testing.assert_allclose(res.regions["allocation"], [0, 30_000, 10_000, 0])
    flows = {(f["donor_id"], f["recipient_id"]): f["amount"]
             for f in res.levers["paired"]["flows"]}
    assert flows == pytest.approx({("P", "Q"): 30_000, ("D", "R"): 10_000})
    # a central pool on top is water-filled over what is left: 10,000 more each
    res2 = simulate(_strip(), {"mutual_aid_share": 0.5, "paired_assistance": "adjacency",
                               "central_pool": 20_000})
    np.testing.assert_allclose(res2.regions["allocation"], [0, 40_000, 20_000, 0])


def test_paired_assistance_money_closes_to_the_yuan_with_overhead():
    # m = 1: 80,000 (P 60,000, D 20,000); overhead 10%: 72,000 net; P's 54,000 to Q, D's
    # 18,000 to R; nothing left for the pool
    res = simulate(_strip(), {"mutual_aid_share": 1.0, "paired_assistance": "adjacency",
                              "admin_overhead": 0.1})
    f = res.fund
    assert (f.gross, f.overhead, f.net) == pytest.approx((80_000, 8_000, 72_000))
    np.testing.assert_allclose(res.regions["paired_received"], [0, 54_000, 18_000, 0])
    assert f.allocated + f.unspent + f.overhead == pytest.approx(f.gross, abs=1e-6)
    assert res.levers["paired"]["to_pool"] == pytest.approx({"P": 0.0, "D": 0.0})


def test_paired_assistance_by_table_and_without_boundaries():
    pairs = pd.DataFrame({"donor_id": ["P", "D"], "recipient_id": ["R", "R"]})
    res = simulate(STRIP, {"mutual_aid_share": 0.5, "paired_assistance": "table"}, pairs=pairs)
    np.testing.assert_allclose(res.regions["allocation"], [0, 0, 40_000, 0])
    # no boundaries: a warning, and everything goes to the pool (the unpaired result)
    res = simulate(STRIP, {"mutual_aid_share": 0.5, "paired_assistance": "adjacency"})
    assert "model.warning.paired_no_geometry" in {w.code for w in res.warnings}
    np.testing.assert_allclose(res.regions["allocation"], [0, 20_000, 20_000, 0])


def test_paired_assistance_on_city_w_boundaries_closes():
    res = simulate("city_w", {"mutual_aid_share": 0.5, "central_pool": 1_000_000,
                              "paired_assistance": "adjacency", "admin_overhead": 0.02})
    f = res.fund
    assert f.gross == pytest.approx(f.overhead + f.allocated + f.unspent, abs=1e-3)
    paired = res.levers["paired"]
    assert paired is not None and paired["flows"]
    total = sum(x["amount"] for x in paired["flows"]) + sum(paired["to_pool"].values())
    assert total == pytest.approx(0.98 * f.sources["mutual_aid"])


# --------------------------------------------------------------------------- intervals (issue 14)

TWO = pd.DataFrame({
    "region_id": ["U", "S"], "region_name": ["U", "S"], "area_type": ["urban", "suburban"],
    "patients": [100.0, 25.0], "charity_coverage": [0.9, 0.6], "oop_share": [0.2, 0.3],
    "cost_per_patient": [100_000.0] * 2, "subsidy_per_patient": [18_000.0] * 2,
})


def test_the_headline_gap_carries_its_binomial_interval_by_hand():
    # D = 0.9 - 0.6 = 0.3; se^2 = 0.9 x 0.1 / 100 + 0.6 x 0.4 / 25 = 0.0009 + 0.0096
    res = simulate(TWO)
    iv = res.gap.interval
    se = (0.0009 + 0.0096) ** 0.5
    assert iv["before"]["se"] == pytest.approx(se)
    assert iv["before"]["lower"] == pytest.approx(0.3 - 1.959963984540054 * se)
    assert iv["before"]["upper"] == pytest.approx(0.3 + 1.959963984540054 * se)
    assert iv["after"] == iv["before"]  # no fund: nothing moves
    assert iv["se_source"] == "binomial"
    assert res.to_dict()["gap"]["interval"]["before"]["se"] == pytest.approx(se)


def test_a_given_se_column_is_used_and_more_patients_never_widen_the_interval():
    given = TWO.assign(charity_coverage_se=[0.01, 0.02])
    iv = simulate(given).gap.interval
    assert iv["before"]["se"] == pytest.approx((0.01 ** 2 + 0.02 ** 2) ** 0.5)
    assert iv["se_source"] == "column"
    narrow = simulate(TWO.assign(patients=[400.0, 100.0])).gap.interval["before"]
    wide = simulate(TWO).gap.interval["before"]
    assert narrow["upper"] - narrow["lower"] < wide["upper"] - wide["lower"]


def test_measure_intervals_only_when_asked_and_consistent_with_the_values():
    plain = simulate("city_w", {"central_pool": 3_000_000})
    assert "measure_intervals" not in plain.to_dict()
    res = simulate("city_w", {"central_pool": 3_000_000}, intervals=True)
    d = res.to_dict()
    mi = d["measure_intervals"]
    for when in ("before", "after"):
        for indicator, block in mi[when].items():
            for abbr, m in block.items():
                # the value is the one design.md's `measures` carries
                want = d["measures"][when][indicator][abbr]
                assert (m["value"] is None and want is None) or m["value"] == \
                    pytest.approx(want, abs=1e-12), (when, indicator, abbr)
                # an analytic interval is around its value (a bootstrap one need not be: a
                # spread measure at 0 has every draw above 0)
                if m["lower"] is not None and m["interval"] == "analytic":
                    assert m["lower"] <= m["value"] + 1e-12 <= m["upper"] + 2e-12
    assert mi["se_source"]["before"]["charity_coverage"]["source"] == "binomial"
    # D between the best and worst region: se^2 = sum of the two binomial variances
    c = res.regions["charity_coverage_before"].to_numpy()
    P = res.regions["patients"].to_numpy()
    hi, lo = int(np.argmax(c)), int(np.argmin(c))
    se = (c[hi] * (1 - c[hi]) / P[hi] + c[lo] * (1 - c[lo]) / P[lo]) ** 0.5
    assert mi["before"]["charity_coverage"]["D"]["se"] == pytest.approx(se)
    # seeded: the same twice
    assert res.measure_intervals() == res.measure_intervals()
