"""Goal seek, optimal allocation (LP), sensitivity and Monte Carlo uncertainty."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equity.fund import prepare, simulate
from equity.scenario import NUMERIC_KEYS, scenario_from_dict
from equity.solve import goal_seek, optimal_allocation, sensitivity, uncertainty
from tests.test_fund import region_tables

SUBURBAN = {"recipients": ["suburban"]}


@pytest.fixture(scope="module")
def city_w():
    from equity.datasets import load

    return load("city_w")


# Each yuan to City W's suburban districts (340 patients, 18,000 yuan subsidy, none fills up
# below 918,000 yuan) lifts the suburban mean by 1 / (18,000 x 340): closing 15 points of the
# 25-point gap takes 0.15 x 340 x 18,000 = 918,000 yuan.
PER_YUAN = 1 / (18_000 * 340)


def test_goal_seek_finds_the_hand_worked_pool(city_w):
    res = goal_seek(city_w, SUBURBAN, target_gap=0.10)
    assert res.reachable and res.lever == "central_pool"
    assert res.value == pytest.approx(918_000, abs=1.0)
    assert res.gap <= 0.10
    assert res.gap_before == pytest.approx(0.25)
    # smallest: one yuan (the tolerance) less misses the target
    assert simulate(city_w, {**SUBURBAN, "central_pool": res.value - 1.0}).gap.after > 0.10


def test_goal_seek_on_the_levy(city_w):
    # levy x total population (8,000,000 insured) must raise 918,000 yuan
    res = goal_seek(city_w, SUBURBAN, target_gap=0.10, lever="levy_per_insured")
    population = city_w.table["population"].sum()
    assert res.reachable
    assert res.value * population == pytest.approx(918_000, abs=1.0)


def test_goal_seek_reports_an_unreachable_target(city_w):
    # at most 70% coverage in each suburban district: the suburban mean can reach
    # (90x0.7 + 70x0.7 + 60x0.7 + 50x0.8 + 40x0.75 + 30x0.7) / 340 = 0.720588...
    # so the gap cannot fall below 0.9 - 0.720588 = 0.179412
    res = goal_seek(city_w, {**SUBURBAN, "max_coverage": 0.7}, target_gap=0.10)
    assert not res.reachable
    assert "not reachable" in str(res.message)
    assert res.gap == pytest.approx(0.9 - 245 / 340, abs=1e-9)


def test_goal_seek_already_met(city_w):
    res = goal_seek(city_w, SUBURBAN, target_gap=0.30)
    assert res.reachable and res.value == 0.0 and res.gap == pytest.approx(0.25)


def test_goal_seek_rejects_bad_levers(city_w):
    with pytest.raises(ValueError, match="lever"):
        goal_seek(city_w, {}, target_gap=0.1, lever="take_up")


def small() -> pd.DataFrame:
    # Sa and Sb: 100 patients each at 50%, subsidies 10,000 and 20,000; U: 100 at 90%.
    return pd.DataFrame({
        "region_id": ["U", "Sa", "Sb"], "region_name": ["U", "Sa", "Sb"],
        "area_type": ["urban", "suburban", "suburban"], "patients": [100.0, 100.0, 100.0],
        "charity_coverage": [0.9, 0.5, 0.5], "oop_share": [0.3, 0.3, 0.3],
        "cost_per_patient": [200_000.0] * 3, "subsidy_per_patient": [18_000.0, 10_000.0,
                                                                     20_000.0],
    })


def test_optimal_min_gap_by_hand():
    # Formula (shortfall weights): Sa 0.4x100x10,000 = 400,000, Sb 800,000 -> 1/3, 2/3 of
    # 100,000: 3.33 + 3.33 places -> suburban mean 0.5 + 6.667/200 = 0.53333, gap 0.36667.
    # Optimal: a place in Sa costs half as much, so all 100,000 go there: 10 places,
    # suburban mean (0.6 + 0.5) / 2 = 0.55, gap 0.35.
    res = optimal_allocation(small(), {"central_pool": 100_000})
    assert res.status == "optimal"
    assert res.gap_formula == pytest.approx(0.9 - (0.5 + 20 / 3 / 200))
    assert res.gap_optimal == pytest.approx(0.35, abs=1e-9)
    alloc = res.regions.set_index("region_id")["allocation_optimal"]
    assert alloc["Sa"] == pytest.approx(100_000, abs=1e-3)
    assert alloc["Sb"] == pytest.approx(0, abs=1e-3)
    assert res.newly_covered_optimal == pytest.approx(10.0)


def test_optimal_max_min_by_hand():
    # Lift Sa and Sb to the same z: (z - 0.5) x 100 x (10,000 + 20,000) = 100,000 -> z = 0.5333
    res = optimal_allocation(small(), {"central_pool": 100_000}, objective="max_min")
    assert res.min_coverage_optimal == pytest.approx(0.5 + 1 / 30, abs=1e-9)
    cov = res.regions.set_index("region_id")["coverage_after_optimal"]
    assert cov["Sa"] == pytest.approx(cov["Sb"], abs=1e-7)  # solver tolerance
    # the shortfall formula gives money in proportion to each region's cost of reaching the
    # target, which here lifts both equally: it is optimal too
    assert res.min_coverage_formula == pytest.approx(0.5 + 1 / 30)
    # equal shares (50,000 each): Sa +5 places -> 0.55, Sb +2.5 -> 0.525, worse than 0.5333
    equal = optimal_allocation(small(), {"central_pool": 100_000, "weights": {
        "shortfall": 0, "equal": 1}}, objective="max_min")
    assert equal.min_coverage_formula == pytest.approx(0.525)
    assert equal.min_coverage_optimal == pytest.approx(0.5 + 1 / 30, abs=1e-9)


def test_optimal_never_worse_than_the_formula_in_breadth_only_scenarios(city_w):
    for pool in (100_000, 1_000_000, 5_000_000):
        sc = {"central_pool": pool, "take_up": 0.8}
        gap = optimal_allocation(city_w, sc)
        assert abs(gap.gap_optimal) <= abs(gap.gap_formula) + 1e-9
        assert gap.regions["allocation_optimal"].sum() <= gap.net_fund * (1 + 1e-9)
        low = optimal_allocation(city_w, sc, objective="max_min")
        assert low.min_coverage_optimal >= low.min_coverage_formula - 1e-9
        assert (low.regions["coverage_after_optimal"] <= 1 + 1e-9).all()


def test_optimal_with_no_money():
    res = optimal_allocation(small(), {})
    assert res.status == "nothing to allocate"
    assert (res.regions["allocation_optimal"] == 0).all()
    assert res.gap_optimal == res.gap_before


def test_sensitivity_by_hand(city_w):
    # central pool 918,000 +-10%: gap 0.25 - 0.9 x 0.15 = 0.115 and 0.25 - 1.1 x 0.15 = 0.085
    table = sensitivity(city_w, {**SUBURBAN, "central_pool": 918_000}, step=0.1)
    assert set(table["parameter"]) == set(NUMERIC_KEYS)
    row = table.set_index("parameter").loc["central_pool"]
    assert (row["low_value"], row["high_value"]) == pytest.approx((826_200, 1_009_800))
    assert row["gap_low"] == pytest.approx(0.115, abs=1e-9)
    assert row["gap_high"] == pytest.approx(0.085, abs=1e-9)
    assert row["base_gap"] == pytest.approx(0.10, abs=1e-9)
    # take-up 1 -> 0.9 loses a tenth of the places: 0.25 - 0.9 x 0.15; cannot go above 1
    take = table.set_index("parameter").loc["take_up"]
    assert take["high_value"] == 1.0 and take["gap_high"] == pytest.approx(0.10)
    assert take["gap_low"] == pytest.approx(0.115, abs=1e-9)
    swing = (table["gap_high"] - table["gap_low"]).abs().fillna(0)
    assert list(swing) == sorted(swing, reverse=True)
    # a money lever at zero does not move
    levy = table.set_index("parameter").loc["levy_per_insured"]
    assert levy["gap_low"] == levy["gap_high"] == pytest.approx(0.10)


def test_uncertainty_without_spread_is_the_base_case(city_w):
    sc = {**SUBURBAN, "central_pool": 918_000}
    res = uncertainty(city_w, sc, draws=50,
                      spreads={"take_up": 0, "cost_per_patient": 0, "subsidy_per_patient": 0})
    assert res.base_gap == pytest.approx(0.10)
    for q in res.percentiles:
        assert res.gap[q] == pytest.approx(0.10, abs=1e-12)
    after = simulate(city_w, sc).regions["charity_coverage_after"].to_numpy()
    np.testing.assert_allclose(res.regions["p50"], after, atol=1e-12)


def test_uncertainty_take_up_only_by_hand(city_w):
    # gap = 0.25 - e x 918,000 / (18,000 x 340) = 0.25 - 0.15 e, decreasing in e; e ~ 0.8 +
    # N(0, 0.1) clipped to [0.05, 1], so the median gap is 0.25 - 0.15 x 0.8 = 0.13 and the
    # 5th percentile corresponds to e's 95th (0.8 + 1.645 x 0.1 = 0.9645).
    sc = {**SUBURBAN, "central_pool": 918_000, "take_up": 0.8}
    res = uncertainty(city_w, sc, draws=4000, seed=1,
                      spreads={"take_up": 0.1, "cost_per_patient": 0, "subsidy_per_patient": 0})
    assert res.gap[50] == pytest.approx(0.13, abs=0.15 * 0.01)
    assert res.gap[5] == pytest.approx(0.25 - 0.15 * 0.9645, abs=0.15 * 0.015)
    assert res.gap[5] <= res.gap[25] <= res.gap[50] <= res.gap[75] <= res.gap[95]
    again = uncertainty(city_w, sc, draws=4000, seed=1,
                        spreads={"take_up": 0.1, "cost_per_patient": 0,
                                 "subsidy_per_patient": 0})
    assert again.gap == res.gap  # seeded


def test_uncertainty_bands_are_ordered_and_match_the_general_path(city_w):
    sc = {"central_pool": 2_000_000, "take_up": 0.8, "breadth_share": 0.6,
          "charity_pooling_share": 0.1, "admin_overhead": 0.05}
    res = uncertainty(city_w, sc, draws=500, seed=2)
    bands = res.regions[[f"p{q}" for q in res.percentiles]].to_numpy()
    assert (np.diff(bands, axis=1) >= -1e-12).all()
    assert (bands <= 1 + 1e-12).all()
    # the oop indicator uses the full model per draw: same coverage bands, same draws
    general = uncertainty(city_w, {**sc, "compare": {"indicator": "oop_share"}}, draws=500,
                          seed=2)
    np.testing.assert_allclose(general.regions[["p5", "p50", "p95"]],
                               res.regions[["p5", "p50", "p95"]], atol=1e-12)
    assert general.gap[5] <= general.gap[95]


def test_uncertainty_rejects_unknown_inputs(city_w):
    with pytest.raises(ValueError, match="spreads"):
        uncertainty(city_w, {}, spreads={"severity": 0.1})


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 2e7), st.floats(0.3, 1.0), st.floats(0.0, 1.0))
def test_optimal_min_gap_is_never_beaten_by_the_formula(pool, take_up, target):
    # LP optimality against the formula's allocation in breadth-only scenarios (u = 1)
    sc = {"central_pool": pool, "take_up": take_up, "target_coverage": target,
          "weights": {"patients": 0.5, "shortfall": 0.5}}
    res = optimal_allocation(small(), sc)
    if not math.isnan(res.gap_formula):
        assert abs(res.gap_optimal) <= abs(res.gap_formula) + 1e-7


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_goal_seek_answer_is_the_smallest_pool_on_random_tables(data):
    t = data.draw(region_tables(min_size=2, max_size=8))
    sc = {"recipients": ["suburban"], "take_up": data.draw(st.floats(0.2, 1.0)),
          "breadth_share": data.draw(st.floats(0.0, 1.0))}
    start = simulate(t, sc).gap
    if math.isnan(start.before):
        return
    target = start.before - data.draw(st.floats(0.001, 0.5))
    res = goal_seek(t, sc, target_gap=target)
    if res.reachable:
        assert res.gap <= target
        if res.value > 0:
            # D falls as the pool grows (only group B receives), so 2 yuan less misses
            below = simulate(t, {**sc, "central_pool": max(res.value - 2.0, 0.0)}).gap.after
            assert below > target
    else:
        assert res.gap > target
        full = simulate(t, {**sc, "central_pool": res.upper}).gap.after
        assert full > target


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_batch_water_filling_equals_the_exact_one(n, d, seed):
    from equity.fund import water_fill
    from equity.solve import _fill_rows

    rng = np.random.default_rng(seed)
    w = rng.uniform(0.01, 1.0, n)
    K = rng.uniform(0.0, 100.0, (d, n)) * (rng.uniform(size=(d, n)) > 0.2)
    F = rng.uniform(0.0, 1.2, d) * K.sum(axis=1)
    A = _fill_rows(F, w, K)
    for i in range(d):
        np.testing.assert_allclose(A[i], water_fill(float(F[i]), w, K[i]), rtol=1e-9,
                                   atol=1e-9)


@pytest.mark.parametrize("indicator", ["oop_share", "oop_per_patient", "subsidy_per_patient"])
def test_uncertainty_other_indicators_without_spread_give_the_base_gap(city_w, indicator):
    sc = {"central_pool": 2_000_000, "take_up": 0.7, "breadth_share": 0.5,
          "charity_pooling_share": 0.1, "compare": {"indicator": indicator}}
    res = uncertainty(city_w, sc, draws=20,
                      spreads={"take_up": 0, "cost_per_patient": 0, "subsidy_per_patient": 0})
    base = simulate(city_w, sc).gap.after
    assert res.base_gap == pytest.approx(base)
    for q in res.percentiles:
        assert res.gap[q] == pytest.approx(base, rel=1e-12, abs=1e-9)


def test_lever_to_fill_is_where_money_starts_to_stay_unspent(city_w):
    from equity.solve import lever_to_fill

    sc = {"take_up": 0.8, "breadth_share": 0.5, "admin_overhead": 0.1}
    pool = lever_to_fill(city_w, sc)
    full = simulate(city_w, {**sc, "central_pool": pool})
    recipients = full.regions[full.regions["recipient"]]
    np.testing.assert_allclose(recipients["allocation"], recipients["capacity"], rtol=1e-9)
    assert abs(full.fund.unspent) < 0.5
    more = simulate(city_w, {**sc, "central_pool": pool + 1000})
    assert more.fund.unspent == pytest.approx(900.0)  # 1,000 less 10% overhead
    below = simulate(city_w, {**sc, "central_pool": pool * 0.99}).regions
    assert (below["allocation"] < below["capacity"] * (1 - 1e-6))[below["recipient"]].any()
    levy = lever_to_fill(city_w, sc, lever="levy_per_insured")
    assert levy * city_w.table["population"].sum() == pytest.approx(pool)


# --------------------------------------------------------------------------- seek (issue 12)


def test_seek_price_cut_for_an_out_of_pocket_target_by_hand():
    import pandas as pd

    from equity.solve import indicator_after, seek

    three = pd.DataFrame({
        "region_id": ["A", "B", "C"], "region_name": ["A", "B", "C"],
        "area_type": ["urban", "suburban", "suburban"], "patients": [100.0, 50.0, 10.0],
        "charity_coverage": [0.90, 0.65, 0.50], "oop_share": [0.20, 0.30, 0.05],
        "cost_per_patient": [100_000.0, 200_000.0, 20_000.0],
        "subsidy_per_patient": [18_000.0] * 3})
    # a 25% cut on an 80% drug share: o' = 12,760/80,000, 45,660/160,000, 0.05 (by hand,
    # tests/test_mechanisms.py); patient-weighted: (100 x 0.1595 + 50 x 0.2853750 + 10 x
    # 0.05) / 160
    target = (100 * 12_760 / 80_000 + 50 * 45_660 / 160_000 + 10 * 0.05) / 160
    assert indicator_after(prepare(three), scenario_from_dict(
        {"price_cut": 0.25, "drug_share": 0.8}), "oop_share") == pytest.approx(target)
    res = seek(three, {"drug_share": 0.8}, indicator="oop_share", target=target,
               lever="price_cut")
    assert res.reachable and res.value == pytest.approx(0.25, abs=1e-4)
    assert res.achieved <= target
    assert res.before == pytest.approx((100 * 0.2 + 50 * 0.3 + 10 * 0.05) / 160)


def test_seek_coverage_gap_agrees_with_goal_seek():
    from equity.solve import seek

    old = goal_seek("city_w", {}, target_gap=0.05)
    new = seek("city_w", {}, indicator="coverage_gap", target=0.05)
    assert new.reachable and new.value == pytest.approx(old.value, abs=2.0)
    assert new.message.code == "model.seek.reached"


def test_seek_japan_goal_out_of_pocket_under_ten_percent_is_the_smallest_fund():
    from equity.presets import apply
    from equity.solve import indicator_after, preset_goal, seek

    goal = preset_goal(["japan_rescue_fund"])
    assert goal == {"oop_share": 0.10}
    sc = apply(["japan_rescue_fund"])
    res = seek("city_w", sc, indicator="oop_share", target=goal["oop_share"],
               lever="central_pool")
    assert res.reachable and res.achieved <= 0.10
    # smallest: two yuan less misses the target
    r = prepare("city_w")
    assert indicator_after(r, sc.replace(central_pool=res.value - 2.0), "oop_share") > 0.10
    assert res.to_dict()["message"]["code"] == "model.seek.reached"


def test_seek_says_plainly_when_a_target_is_not_reachable():
    from equity.solve import seek

    res = seek("city_w", {}, indicator="catastrophic_share", target=0.0)
    assert not res.reachable
    assert res.message.code == "model.seek.unreachable"
    assert res.message.params["closest"] == f"{res.achieved:.4f}"
    assert res.achieved > 0
    assert "not reachable" in res.message.text("en")
    assert "无法达到" in res.message.text("zh")
    with pytest.raises(ValueError):
        seek("city_w", {}, indicator="happiness", target=0.1)


def test_uncertainty_and_optimum_see_the_mechanism_levers():
    # an industry levy is money like the central pool; a take-up gain like a higher take-up
    a = uncertainty("city_w", {"central_pool": 2_000_000, "take_up": 0.96}, draws=200, seed=1)
    b = uncertainty("city_w", {"central_pool": 1_000_000, "industry_levy": 1_000_000,
                               "take_up": 0.8, "take_up_gain": 0.2}, draws=200, seed=1)
    np.testing.assert_allclose(b.gap_draws, a.gap_draws)
    o1 = optimal_allocation("city_w", {"central_pool": 2_000_000})
    o2 = optimal_allocation("city_w", {"central_pool": 1_000_000, "industry_levy": 1_000_000})
    assert o2.gap_optimal == pytest.approx(o1.gap_optimal)
    # a price cut: the Monte Carlo's central gap is the simulated one
    sc = {"central_pool": 1_000_000, "price_cut": 0.25, "compare": {"indicator": "oop_share"}}
    u = uncertainty("city_w", sc, draws=50, seed=1)
    assert u.base_gap == pytest.approx(simulate("city_w", sc).gap.after)


def test_uncertainty_combines_input_draws_with_sampling_error():
    u = uncertainty("city_w", {"central_pool": 1_000_000}, draws=2_000, seed=3)
    sim = simulate("city_w", {"central_pool": 1_000_000})
    # the sampling se is the one of the headline gap's interval
    assert u.sampling_se == pytest.approx(sim.gap.interval["after"]["se"])
    iv = u.combined_interval()
    assert iv.method == "combined"
    # independent sources: variances add
    assert iv.se_total == pytest.approx(math.hypot(np.std(u.gap_draws, ddof=1),
                                                   u.sampling_se), rel=1e-6)
    # wider than either source alone
    assert iv.upper - iv.lower > 2 * 1.959 * u.sampling_se * 0.95
    assert iv.upper - iv.lower > np.percentile(u.gap_draws, 97.5) - np.percentile(
        u.gap_draws, 2.5)
