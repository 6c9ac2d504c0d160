"""The transfer-fund model: hand-worked cases, City W, and invariants over random tables."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from equity.fund import liability, prepare, simulate, water_fill
from equity.scenario import Scenario


def table(rows: list[tuple], **extra: list) -> pd.DataFrame:
    """rows: (id, area_type, patients, coverage, oop_share, cost, subsidy)."""
    frame = pd.DataFrame(rows, columns=["region_id", "area_type", "patients", "charity_coverage",
                                        "oop_share", "cost_per_patient", "subsidy_per_patient"])
    frame.insert(1, "region_name", [f"District {r[0]}" for r in rows])
    for name, values in extra.items():
        frame[name] = values
    return frame


# Two regions. U: 100 patients at 75% coverage; S: 200 patients at 50%. Both: cost 200,000,
# out-of-pocket share 25% (O = 50,000), subsidy 16,000. Numbers chosen to be exact in binary.
TWO = table([("U", "urban", 100, 0.75, 0.25, 200_000, 16_000),
             ("S", "suburban", 200, 0.5, 0.25, 200_000, 16_000)])
HAND = {"target_coverage": 0.75}


def row(result, region_id: str) -> pd.Series:
    return result.regions.set_index("region_id").loc[region_id]


# --------------------------------------------------------------------------- liability


def test_liability_both_branches_by_hand():
    # subsidy below liability: L = O + c s = 50,000 + 0.5 x 16,000 = 58,000 (>= s)
    # subsidy above liability: O = 4,000, c = 0.5: O + c s = 12,000 < s, so
    #   L = O / (1 - c) = 8,000, and indeed 8,000 - 0.5 x min(16,000, 8,000) = 4,000
    # full coverage, nothing out of pocket: L = 0 + 1 x 16,000 = 16,000
    L = liability(np.array([50_000.0, 4_000.0, 0.0]), np.array([0.5, 0.5, 1.0]),
                  np.array([16_000.0, 16_000.0, 16_000.0]))
    assert L.tolist() == [58_000.0, 8_000.0, 16_000.0]


def test_liability_reproduces_the_out_of_pocket_it_came_from():
    rng = np.random.default_rng(3)
    oop = rng.uniform(0, 100_000, 1000)
    c = rng.uniform(0, 0.999, 1000)
    s = rng.uniform(1, 50_000, 1000)
    L = liability(oop, c, s)
    np.testing.assert_allclose(L - c * np.minimum(s, L), oop, rtol=1e-12, atol=1e-6)


# --------------------------------------------------------------------------- hand cases


def test_hand_case_central_pool_with_overhead_exact():
    # gross 400,000; overhead 25% = 100,000; net 300,000.
    # Recipients: S only (50% < 75%; U at exactly 75% is not below). Capacity of S:
    #   places (1 - 0.5) x 200 x 16,000 = 1,600,000 plus depth (58,000 - 16,000) x 1.0 x 200
    #   = 8,400,000 -> 10,000,000, so S takes all 300,000.
    # Newly covered 300,000 / 16,000 = 18.75 -> c' = 0.5 + 18.75/200 = 0.59375.
    # O' = 58,000 - 0.59375 x 16,000 = 48,500; o' = 0.2425; saved (50,000-48,500) x 200.
    r = simulate(TWO, {**HAND, "central_pool": 400_000, "admin_overhead": 0.25})
    f = r.fund
    assert (f.gross, f.overhead, f.net, f.allocated, f.unspent) == (
        400_000.0, 100_000.0, 300_000.0, 300_000.0, 0.0)
    assert f.gross == f.overhead + f.allocated + f.unspent
    s = row(r, "S")
    assert s["capacity"] == 10_000_000.0
    assert s["newly_covered"] == 18.75
    assert s["charity_coverage_after"] == 0.59375
    assert s["oop_per_patient_after"] == 48_500.0
    assert s["oop_share_after"] == pytest.approx(0.2425, abs=1e-15)
    assert s["oop_yuan_saved"] == 300_000.0
    assert s["status"] == "gains"
    u = row(r, "U")
    assert u["allocation"] == 0.0 and u["status"] == "unchanged"
    g = r.gap
    assert (g.a_before, g.b_before, g.before) == (0.75, 0.5, 0.25)
    assert (g.a_after, g.b_after, g.after) == (0.75, 0.59375, 0.15625)
    assert g.points_closed == 9.375
    assert g.cost_per_point == pytest.approx(400_000 / 9.375)
    assert g.ratio_before == 1.5
    assert r.newly_covered == 18.75


def test_hand_case_take_up_and_depth():
    # net 300,000 to S; u = 0.5 -> 150,000 for places, 150,000 deeper.
    # take-up 0.5: newly = 0.5 x 150,000 / 16,000 = 4.6875; c' = 0.5 + 4.6875/200 = 0.5234375;
    # unclaimed = 0.5 x 150,000 = 75,000.
    # s' = 16,000 + 150,000 / (0.5234375 x 200) ; charity per patient c' s' = 8,375 + 750
    # = 9,125 -> O' = 58,000 - 9,125 = 48,875; saved (50,000 - 48,875) x 200 = 225,000
    # = allocated - unclaimed.
    r = simulate(TWO, {**HAND, "central_pool": 300_000, "take_up": 0.5, "breadth_share": 0.5})
    s = row(r, "S")
    assert s["breadth_money"] == 150_000.0 and s["depth_money"] == 150_000.0
    assert s["newly_covered"] == 4.6875
    assert s["charity_coverage_after"] == 0.5234375
    assert s["subsidy_per_patient_after"] == pytest.approx(16_000 + 150_000 / 104.6875)
    assert s["oop_per_patient_after"] == pytest.approx(48_875.0)
    assert s["oop_yuan_saved"] == pytest.approx(225_000.0)
    f = r.fund
    assert f.unclaimed == 75_000.0
    assert (f.spent_breadth, f.spent_depth) == (75_000.0, 150_000.0)
    assert f.spent_breadth + f.spent_depth + f.unclaimed == f.allocated


def test_hand_case_water_filling_passes_on_what_a_region_cannot_use():
    # S1: 10 patients at 50%, O = 8,000 so that L = 8,000 + 0.5 x 16,000 = 16,000 = s: no
    # room to deepen; capacity = 0.5 x 10 x 16,000 = 80,000. S2 as S above (10,000,000).
    # Equal weights: 150,000 each; S1 takes 80,000, the other 70,000 go to S2 -> 220,000.
    t = table([("U", "urban", 100, 0.75, 0.25, 200_000, 16_000),
               ("S1", "suburban", 10, 0.5, 0.04, 200_000, 16_000),
               ("S2", "suburban", 200, 0.5, 0.25, 200_000, 16_000)])
    weights = {"patients": 0, "shortfall": 0, "disadvantage": 0, "equal": 1}
    r = simulate(t, {**HAND, "central_pool": 300_000, "weights": weights})
    assert row(r, "S1")["allocation"] == 80_000.0
    assert row(r, "S1")["charity_coverage_after"] == 1.0
    assert row(r, "S2")["allocation"] == 220_000.0
    assert row(r, "S2")["charity_coverage_after"] == 0.5 + 220_000 / 16_000 / 200
    assert r.fund.unspent == 0.0
    # more than everyone can use: the rest is the unspent reserve
    r = simulate(t, {**HAND, "central_pool": 20_000_000, "weights": weights})
    assert r.fund.allocated == 80_000.0 + 10_000_000.0
    assert r.fund.unspent == 20_000_000.0 - 10_080_000.0
    assert row(r, "S2")["charity_coverage_after"] == 1.0
    assert row(r, "S2")["subsidy_per_patient_after"] == 58_000.0  # up to the liability


def test_hand_case_levy_mutual_aid_and_charity_pooling():
    # U (75%) and U2 (87.5%) are donors; S (50%) the only recipient (target 75%).
    # levy 0.5 yuan x population: U 500,000, U2 250,000, S 1,000,000 -> 1,750,000.
    # mutual aid 0.5 x shortfall of S (0.25 x 200 x 16,000 = 800,000) = 400,000, split by
    #   gdp x population (1e11 each) -> 200,000 from U and 200,000 from U2.
    # pooling 25% of donor charity: U 0.25 x 0.75 x 100 x 16,000 = 300,000;
    #   U2 0.25 x 0.875 x 100 x 16,000 = 350,000. Their coverage falls to 0.5625, 0.65625.
    # gross 2,800,000 to S: places are full at 1,600,000 (coverage 100%), the other
    #   1,200,000 deepen the subsidy: s' = 16,000 + 1,200,000 / 200 = 22,000.
    t = table([("U", "urban", 100, 0.75, 0.25, 200_000, 16_000),
               ("U2", "urban", 100, 0.875, 0.25, 200_000, 16_000),
               ("S", "suburban", 200, 0.5, 0.25, 200_000, 16_000)],
              population=[1_000_000, 500_000, 2_000_000],
              gdp_per_capita=[100_000, 200_000, 50_000])
    r = simulate(t, {**HAND, "levy_per_insured": 0.5, "mutual_aid_share": 0.5,
                     "charity_pooling_share": 0.25})
    f = r.fund
    assert f.sources == {"central_pool": 0.0, "levy": 1_750_000.0, "mutual_aid": 400_000.0,
                         "charity_pooling": 650_000.0}
    assert f.gross == 2_800_000.0 == f.allocated
    donors = f.donors.set_index("region_id")
    assert donors.loc["U", ["levy", "mutual_aid", "charity_pooling", "total"]].tolist() == [
        500_000.0, 200_000.0, 300_000.0, 1_000_000.0]
    assert donors.loc["U2", "total"] == 800_000.0
    assert donors.loc["S", ["levy", "mutual_aid", "charity_pooling"]].tolist() == [
        1_000_000.0, 0.0, 0.0]
    u = row(r, "U")
    assert u["charity_coverage_after"] == 0.5625
    assert u["patients_losing_cover"] == 18.75
    assert u["status"] == "loses"
    assert u["oop_yuan_saved"] == -300_000.0  # 18.75 patients lose 16,000 each
    s = row(r, "S")
    assert s["charity_coverage_after"] == 1.0
    assert s["subsidy_per_patient_after"] == 22_000.0
    assert (r.gap.a_after, r.gap.b_after) == (0.609375, 1.0)
    assert r.gap.after == -0.390625


def test_missing_optional_columns_count_as_zero_with_warnings():
    r = simulate(TWO, {**HAND, "levy_per_insured": 2, "mutual_aid_share": 0.5,
                       "central_pool": 1000,
                       "weights": {"disadvantage": 1, "shortfall": 0}})
    assert r.fund.sources["levy"] == 0 and r.fund.sources["mutual_aid"] == 0
    text = " | ".join(map(str, r.warnings))
    assert "levy_per_insured" in text and "population" in text
    assert "mutual_aid_share" in text
    assert "weights.disadvantage" in text and "gdp_per_capita" in text
    assert "no recipient has a positive allocation weight" in text
    assert r.fund.unspent == 1000.0


# --------------------------------------------------------------------------- City W


@pytest.fixture(scope="module")
def city_w():
    from equity.datasets import load

    return load("city_w")


def test_city_w_documented_gap_and_zero_fund(city_w):
    # 000 3.1.2: urban centre 90%, suburban 65% (patient-weighted).
    r = simulate(city_w)
    assert r.gap.a_before == pytest.approx(0.90, abs=1e-12)
    assert r.gap.b_before == pytest.approx(0.65, abs=1e-12)
    assert r.gap.before == pytest.approx(0.25, abs=1e-12)
    frame = r.regions
    for name in ("charity_coverage", "oop_share", "subsidy_per_patient", "oop_per_patient"):
        assert (frame[f"{name}_after"] == frame[f"{name}_before"]).all(), name
    assert (frame["allocation"] == 0).all() and (frame["status"] == "unchanged").all()
    assert r.gap.after == r.gap.before and r.fund.gross == 0
    assert r.measures["after"] == r.measures["before"]
    # 30% out of pocket and an 18,000 yuan subsidy (000 3.2.1)
    assert (frame["oop_share_before"] == 0.30).all()
    assert (frame["subsidy_per_patient_before"] == 18_000).all()


def test_city_w_suburban_pool_by_hand(city_w):
    # Only suburban districts (340 patients, subsidy 18,000) receive; no district fills up,
    # so each yuan lifts the suburban mean by 1 / (18,000 x 340). 918,000 yuan buy 51 places:
    # 65% + 51/340 = 80%, the gap falls from 25 to 10 points at 61,200 yuan a point.
    r = simulate(city_w, {"central_pool": 918_000, "recipients": ["suburban"]})
    assert r.gap.after == pytest.approx(0.10, abs=1e-12)
    assert r.newly_covered == pytest.approx(51.0)
    assert r.gap.cost_per_point == pytest.approx(61_200.0)
    assert r.oop_yuan_saved == pytest.approx(918_000.0)
    urban = r.regions[r.regions["area_type"] == "urban"]
    assert (urban["allocation"] == 0).all()


def test_city_w_json_output_has_the_design_shape(city_w):
    data = simulate(city_w, {"central_pool": 1_000_000}).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    assert {"gross", "overhead", "allocated", "unspent"} <= set(data["fund"])
    assert {"indicator", "group_a", "group_b", "before", "after"} <= set(data["gap"])
    assert data["gap"]["indicator"] == "charity_coverage"
    region = data["regions"][0]
    assert {"region_id", "allocation", "newly_covered", "charity_coverage_before",
            "charity_coverage_after", "oop_share_before", "oop_share_after"} <= set(region)
    for when in ("before", "after"):
        block = data["measures"][when]["charity_coverage"]
        assert {"BGV", "COV", "MDBW", "IDISW", "PAF", "TI", "MLD"} <= set(block)
    # 0-1 scale: BGV of coverages in [0, 1] is at most 0.25; TI not multiplied by 1000
    before = data["measures"]["before"]["charity_coverage"]
    assert 0 < before["BGV"] < 0.25 and 0 < before["TI"] < 0.1
    assert isinstance(data["fund"]["gross"], float)


def test_city_w_bgv_by_hand(city_w):
    # BGV = sum p_j (y_j - mu)^2 across districts, weights = patients
    r = simulate(city_w)
    t = city_w.table
    p = t["patients"] / t["patients"].sum()
    mu = (p * t["charity_coverage"]).sum()
    expected = (p * (t["charity_coverage"] - mu) ** 2).sum()
    assert r.measures["before"]["charity_coverage"]["BGV"] == pytest.approx(expected)


def test_unusable_data_is_a_clear_error():
    with pytest.raises(ValueError, match="missing required column"):
        simulate(TWO.drop(columns=["oop_share"]))
    bad = TWO.copy()
    bad.loc[1, "charity_coverage"] = 1.5
    with pytest.raises(ValueError, match=r"charity_coverage.*row\(s\) 2"):
        simulate(bad)
    with pytest.raises(ValueError, match=r"compare\.column"):
        simulate(TWO, {"compare": {"column": "province"}})


def test_a_group_no_region_belongs_to_gives_an_undefined_gap_and_a_warning():
    r = simulate(TWO, {"compare": {"b": "rural"}})
    assert math.isnan(r.gap.before)
    assert any(str(w).startswith("compare.b:") for w in r.warnings)
    assert r.to_dict()["gap"]["before"] is None


# --------------------------------------------------------------------------- water-filling


def test_water_fill_by_hand():
    # weights 1:1:2, capacities 10, 100, 100, fund 90: lambda w = 22.5, 22.5, 45 -> the first
    # caps at 10; the remaining 80 split 1:2 -> 26.67, 53.33.
    A = water_fill(90.0, np.array([1.0, 1.0, 2.0]), np.array([10.0, 100.0, 100.0]))
    np.testing.assert_allclose(A, [10.0, 80 / 3, 160 / 3])
    assert water_fill(1000.0, np.array([1.0, 0.0]), np.array([10.0, 10.0])).tolist() == [10, 0]
    assert water_fill(0.0, np.array([1.0]), np.array([10.0])).tolist() == [0.0]


# --------------------------------------------------------------------------- properties


AREAS = ("urban", "suburban")


@st.composite
def region_tables(draw, min_size=2, max_size=12):
    n = draw(st.integers(min_size, max_size))
    rows = []
    for i in range(n):
        area = AREAS[i % 2] if i < 2 else draw(st.sampled_from(AREAS))
        rows.append((
            f"R{i}", area,
            float(draw(st.integers(0, 2_000))),
            draw(st.floats(0.0, 1.0)),
            draw(st.floats(0.0, 0.9)),
            draw(st.floats(1_000.0, 2_000_000.0)),
            draw(st.floats(500.0, 60_000.0)),
        ))
    pops = [draw(st.floats(1e4, 5e6)) for _ in range(n)]
    gdps = [draw(st.floats(1e4, 3e5)) for _ in range(n)]
    return table(rows, population=pops, gdp_per_capita=gdps)


@st.composite
def fund_scenarios(draw):
    weights = {k: draw(st.sampled_from([0.0, 0.25, 1.0]))
               for k in ("patients", "shortfall", "disadvantage", "equal")}
    if sum(weights.values()) == 0:
        weights["equal"] = 1.0
    return Scenario().replace(
        central_pool=draw(st.floats(0, 5e8)),
        levy_per_insured=draw(st.sampled_from([0.0, 0.5, 2.0])),
        mutual_aid_share=draw(st.floats(0, 1)),
        charity_pooling_share=draw(st.floats(0, 1)),
        admin_overhead=draw(st.floats(0, 0.5)),
        take_up=draw(st.floats(0.05, 1)),
        target_coverage=draw(st.floats(0, 1)),
        max_coverage=draw(st.floats(0, 1)),
        breadth_share=draw(st.floats(0, 1)),
        weights=weights,
        recipients=draw(st.sampled_from(["below_target", ["suburban"], ["urban", "suburban"]])),
    )


@settings(max_examples=150, deadline=None)
@given(region_tables(), fund_scenarios())
def test_invariants_hold_for_any_table_and_scenario(t, sc):
    r = simulate(t, sc)
    f, frame = r.fund, r.regions
    # accounting closes to the yuan, both ways
    assert abs(f.gross - (f.overhead + f.allocated + f.unspent)) < 0.5
    assert abs(f.allocated - (f.spent_breadth + f.spent_depth + f.unclaimed)) < 0.5
    assert f.unspent > -0.5
    assert abs(sum(f.sources.values()) - f.gross) < 0.5
    assert abs(f.donors["total"].sum() - f.gross + f.sources["central_pool"]) < 0.5
    # nobody gets more than they can use, nor money without being a recipient
    assert (frame["allocation"] <= frame["capacity"] * (1 + 1e-9) + 1e-6).all()
    assert (frame.loc[~frame["recipient"], "allocation"] == 0).all()
    # coverage never beyond max_coverage (unless it already was); subsidy never beyond L
    c0, c1 = frame["charity_coverage_before"], frame["charity_coverage_after"]
    assert (c1 <= np.maximum(c0, sc.max_coverage) + 1e-12).all()
    assert (c1 >= 0).all()
    s0, s1 = frame["subsidy_per_patient_before"], frame["subsidy_per_patient_after"]
    assert (s1 <= np.maximum(s0, frame["liability"]) * (1 + 1e-9)).all()
    # recipients never lose; only donors lose, and only through charity pooling
    assert (c1[frame["recipient"]] >= c0[frame["recipient"]]).all()
    if sc.charity_pooling_share == 0:
        assert (frame["status"] != "loses").all()
    # money left unspent only when every region with a weight is full
    if f.unspent > 1.0:
        weighted = frame["weight"] > 0
        full = frame["allocation"] >= frame["capacity"] * (1 - 1e-9)
        assert (full | ~weighted).all()
    json.dumps(r.to_dict(), allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(region_tables(), fund_scenarios())
def test_zero_fund_changes_nothing_exactly(t, sc):
    sc = sc.replace(central_pool=0, levy_per_insured=0, mutual_aid_share=0,
                    charity_pooling_share=0)
    frame = simulate(t, sc).regions
    for name in ("charity_coverage", "oop_share", "subsidy_per_patient", "oop_per_patient"):
        assert (frame[f"{name}_after"] == frame[f"{name}_before"]).all(), name
    assert (frame["oop_yuan_saved"] == 0).all()


@settings(max_examples=100, deadline=None)
@given(region_tables(), fund_scenarios(), st.floats(0, 5e8), st.floats(0, 5e8))
def test_more_money_never_widens_the_gap(t, sc, g1, g2):
    # With group B as the only recipients, every B region's coverage rises (weakly) with the
    # pool and group A is untouched, so the gap D = A - B can only fall. (When A regions are
    # recipients too, money can widen D; see README-fund.)
    sc = sc.replace(recipients=["suburban"], charity_pooling_share=0)
    lo, hi = sorted((g1, g2))
    assume(t.loc[t["area_type"] == "urban", "patients"].sum() > 0)
    assume(t.loc[t["area_type"] == "suburban", "patients"].sum() > 0)
    gap_lo = simulate(t, sc.replace(central_pool=lo)).gap.after
    gap_hi = simulate(t, sc.replace(central_pool=hi)).gap.after
    assert gap_hi <= gap_lo + 1e-12


def test_prepare_is_reusable_and_matches_the_table():
    r = prepare(TWO)
    assert simulate(r, {"central_pool": 5}).fund.allocated == simulate(TWO, {
        "central_pool": 5}).fund.allocated
    assert r.L.tolist() == [50_000 + 0.75 * 16_000, 58_000.0]


def test_a_table_changed_in_place_is_prepared_again():
    t = TWO.copy()
    first = simulate(t, {**HAND, "central_pool": 160_000})
    assert row(first, "S")["newly_covered"] == 10.0  # 160,000 / 16,000
    t.loc[1, "subsidy_per_patient"] = 8_000.0
    second = simulate(t, {**HAND, "central_pool": 160_000})
    assert row(second, "S")["newly_covered"] == 20.0  # 160,000 / 8,000


def test_partly_missing_optional_values_leave_those_regions_out_with_warnings():
    # U2's population is unknown: the levy comes from U and S only (0.5 x (1e6 + 2e6));
    # mutual aid (400,000) all from U, the only donor with a known capacity.
    t = table([("U", "urban", 100, 0.75, 0.25, 200_000, 16_000),
               ("U2", "urban", 100, 0.875, 0.25, 200_000, 16_000),
               ("S", "suburban", 200, 0.5, 0.25, 200_000, 16_000)],
              population=[1_000_000, np.nan, 2_000_000],
              gdp_per_capita=[100_000, 200_000, np.nan])
    r = simulate(t, {**HAND, "levy_per_insured": 0.5, "mutual_aid_share": 0.5,
                     "weights": {"shortfall": 1, "disadvantage": 1}})
    assert r.fund.sources["levy"] == 1_500_000.0
    assert r.fund.donors.set_index("region_id").loc["U", "mutual_aid"] == 400_000.0
    text = " | ".join(map(str, r.warnings))
    assert "population is missing for District U2" in text
    assert "gdp_per_capita is missing or 0 for District S" in text


def test_unseen_three_region_table_matches_design_equations_by_hand():
    """Take-up, breadth/depth split, overhead and two weight terms at once, worked by hand.

    F = 500,000 x (1 - 0.1) = 450,000. Recipients b (0.5) and c (0.8) are below 0.9.
    S_b = 0.4 x 200 x 10,000 = 800,000; S_c = 0.1 x 50 x 8,000 = 40,000.
    w_b = 200/250 + 800/840, w_c = 50/250 + 40/840 (shares among recipients), so
    A_b = 450,000 x 1.752381 / 2.0 = 394,285.71 and A_c = 55,714.29.
    b: newly = e u A / s = 0.8 x 0.5 x 394,285.71 / 10,000 = 15.7714; c' = 0.5 + 15.7714/200
       = 0.578857; s' = 10,000 + 0.5 x 394,285.71 / (0.578857 x 200) = 11,702.86;
       L = oT + cs = 30,000 + 5,000 = 35,000; O' = 30,000 - (c' s' - c s) = 28,225.7 -> o' 0.282257.
    c: newly = 0.4 x 55,714.29 / 8,000 = 2.7857; c' = 0.855714; s' = 8,000 + 27,857.14 /
       (0.855714 x 50) = 8,651.09.
    Unclaimed breadth money: (1 - e) x u x F = 0.2 x 0.5 x 450,000 = 45,000."""
    t = pd.DataFrame({
        "region_id": ["a", "b", "c"], "region_name": ["A", "B", "C"],
        "area_type": ["urban", "suburban", "suburban"],
        "patients": [100.0, 200.0, 50.0], "charity_coverage": [0.95, 0.5, 0.8],
        "oop_share": [0.2, 0.3, 0.25], "cost_per_patient": [100_000.0, 100_000.0, 80_000.0],
        "subsidy_per_patient": [10_000.0, 10_000.0, 8_000.0],
    })
    r = simulate(t, {"central_pool": 500_000, "admin_overhead": 0.1, "take_up": 0.8,
                     "breadth_share": 0.5, "target_coverage": 0.9,
                     "weights": {"patients": 1, "shortfall": 1, "disadvantage": 0, "equal": 0}})
    g = r.regions.set_index("region_id")
    assert g.loc["a", "allocation"] == 0
    assert g.loc["b", "allocation"] == pytest.approx(394_285.714, abs=0.01)
    assert g.loc["c", "allocation"] == pytest.approx(55_714.286, abs=0.01)
    assert g.loc["b", "newly_covered"] == pytest.approx(15.77143, abs=1e-5)
    assert g.loc["b", "charity_coverage_after"] == pytest.approx(0.578857, abs=1e-6)
    assert g.loc["b", "subsidy_per_patient_after"] == pytest.approx(11_702.86, abs=0.01)
    assert g.loc["b", "oop_share_after"] == pytest.approx(0.282257, abs=1e-6)
    assert g.loc["c", "charity_coverage_after"] == pytest.approx(0.855714, abs=1e-6)
    assert g.loc["c", "subsidy_per_patient_after"] == pytest.approx(8_651.09, abs=0.01)
    assert r.fund.unclaimed == pytest.approx(45_000)
    assert r.fund.gross == r.fund.overhead + r.fund.allocated + r.fund.unspent == 500_000


# --------------------------------------------------------------------------- issue 15


def _city_w_table():
    from equity.datasets import load

    return load("city_w").table.copy()


def test_zero_subsidy_with_charity_pooling_moves_nothing_and_says_why():
    # Every subsidy 0: pooling p x c x P x s raises 0 yuan, so no donor may lose coverage
    # (before: donors fell to c (1 - p) while 0 yuan moved and cost per point read 0).
    t = _city_w_table().assign(subsidy_per_patient=0.0)
    r = simulate(t, {"charity_pooling_share": 0.05, "mutual_aid_share": 0.5})
    assert r.fund.gross == 0.0
    assert (r.regions["charity_coverage_after"] == r.regions["charity_coverage_before"]).all()
    assert r.gap.points_closed == 0.0 and math.isnan(r.gap.cost_per_point)
    codes = {w.code for w in r.warnings}
    assert {"model.warning.pooling_no_subsidy", "model.warning.no_subsidy"} <= codes
    assert r.to_dict()["gap"]["cost_per_point"] is None


def test_pooling_alone_has_no_cost_per_point():
    # Pooling from one donor region with a subsidy: money moves, but with zero gross there is
    # nothing to price: a gap moved by pooling only when the pooled money finds no recipient
    # capacity still has cost_per_point NaN, never 0.
    t = _city_w_table()
    r = simulate(t, {"charity_pooling_share": 0.05, "take_up": 1.0})
    assert r.fund.gross > 0
    assert r.gap.cost_per_point == pytest.approx(r.fund.gross / r.gap.points_closed)


@pytest.mark.parametrize(("column", "row", "value"), [
    ("population", 0, 1e300),  # W-U1, a donor (95% coverage): it pays mutual aid
    ("gdp_per_capita", 0, 1e300),
    ("patients", 1, 1e306),  # W-U2, a recipient: its capacity overflows
])
def test_huge_numbers_are_a_clear_error_not_an_overflow_crash(column, row, value):
    import warnings as pywarnings

    from equity.fund import ModelInputError

    t = _city_w_table()
    t.loc[row, column] = value
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("error")  # no numpy overflow warning may escape either
        with pytest.raises(ModelInputError) as err:
            simulate(t, {"mutual_aid_share": 0.5, "central_pool": 1e6})
    # The schema's plausible bounds (2e9 persons, 1e9 yuan per person) now refuse most such
    # values before any arithmetic; what passes them is caught as an overflow.
    problem = err.value.problems[0]
    assert problem.code in {"model.problem.overflow", "model.problem.range"}
    assert column in problem.text("en")


def test_huge_numbers_exit_2_on_the_command_line(tmp_path, capsys):
    from equity.__main__ import main

    t = _city_w_table()
    t.loc[0, "population"] = 1e300
    path = tmp_path / "big.csv"
    t.to_csv(path, index=False)
    scenario = tmp_path / "s.json"
    scenario.write_text('{"mutual_aid_share": 0.5, "central_pool": 1000000}')
    assert main(["simulate", "--data", str(path), "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'population'" in err and "plausible limit" in err
