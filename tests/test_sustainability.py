"""The transfer fund carried forward (equity.sustainability), on a fund worked out by hand."""

from __future__ import annotations

import math

import pytest

from equity.datasets import load
from equity.fund import simulate
from equity.projection import project
from equity.sustainability import FundInputs, Growth, preset_for, sustainability

# Pool 1,000,000 + levy 0.5 yuan x 1,000,000 insured = 1,500,000 yuan, all allocated to 100
# patients (15,000 yuan each); patients grow 10% a year, cost and enrolment stay flat.
SMALL = FundInputs(central_pool=1_000_000, levy=500_000, mutual_aid=0, charity_pooling=0,
                   overhead_share=0.0, allocated=1_500_000, net=1_500_000,
                   population=1_000_000, patients=100, levy_per_insured=0.5)
FLAT = Growth(enrollment=0.0, patients=0.10, cost=0.0)


def test_small_fund_runs_short_in_its_third_year():
    # year 0: reserve 300,000 (starting) + 1,500,000 - 1,500,000 = 300,000
    # year 1: spending 110 x 15,000 = 1,650,000; reserve 300,000 - 150,000 = 150,000
    # year 2: spending 121 x 15,000 = 1,815,000; reserve 150,000 - 315,000 = -165,000
    s = sustainability(SMALL, FLAT, first_year=2025, starting_reserve=300_000, horizon=2)
    frame = s.to_frame()
    assert frame["year"].tolist() == [2025, 2026, 2027]
    assert frame["kind"].tolist() == ["simulated", "projected", "projected"]
    assert frame["reserve"].tolist() == pytest.approx([300_000, 150_000, -165_000])
    assert frame["expenditure"].tolist() == pytest.approx([1_500_000, 1_650_000, 1_815_000])
    assert s.depletion_year == 2027
    assert s.years_lasting == 2
    # keep reserve >= 0: year 1 needs 1e6 l + 1e6 + 3e5 >= 1.65e6 (l >= 0.35); year 2 needs
    # 2e6 l + 2e6 + 3e5 >= 3.465e6 (l >= 0.5825)
    assert s.solvent_levy == pytest.approx(0.5825)
    # break even over both years: (3.465e6 - 2e6) / 2e6
    assert s.break_even_levy == pytest.approx(0.7325)


def test_the_solvent_levy_keeps_the_reserve_at_zero_or_above():
    s = sustainability(SMALL, FLAT, starting_reserve=300_000, horizon=8)
    fixed = FundInputs(**{**SMALL.__dict__, "levy_per_insured": s.solvent_levy,
                          "levy": s.solvent_levy * 1_000_000})
    again = sustainability(fixed, FLAT, starting_reserve=300_000, horizon=8)
    reserves = again.to_frame()["reserve"]
    assert reserves.min() >= -1e-6
    assert reserves.min() == pytest.approx(0.0, abs=1e-3)  # the smallest such levy
    assert again.depletion_year is None and again.years_lasting is None


def test_overhead_scales_the_levy_needed():
    lossy = FundInputs(**{**SMALL.__dict__, "overhead_share": 0.2, "net": 1_200_000,
                          "allocated": 1_200_000})
    s = sustainability(lossy, FLAT, starting_reserve=300_000, horizon=2)
    # 20% overhead: 1,200,000 net for 100 patients (12,000 each); spending year 1 = 1,320,000,
    # year 2 = 1,452,000; pool after overhead 800,000 a year; levy reaches the fund x 0.8
    f = (1_320_000 + 1_452_000 - 1_600_000 - 300_000) / 2e6
    assert s.solvent_levy == pytest.approx(max(f, (1_320_000 - 800_000 - 300_000) / 1e6) / 0.8)


def test_agrees_with_project_for_the_same_preset():
    preset = preset_for(SMALL, FLAT, first_year=2025, starting_reserve=300_000, horizon=5)
    direct = project(preset)
    s = sustainability(SMALL, FLAT, first_year=2025, starting_reserve=300_000, horizon=5)
    assert [y.reserve for y in direct.years] == [y.reserve for y in s.projection.years[1:]]
    assert s.solvent_levy == pytest.approx(direct.sustainable_financing)


def test_without_population_there_is_no_levy_answer():
    inputs = FundInputs(**{**SMALL.__dict__, "population": math.nan, "levy": 0,
                           "levy_per_insured": 0, "central_pool": 1_500_000})
    s = sustainability(inputs, FLAT, horizon=3)
    assert s.solvent_levy is None
    assert [n.code for n in s.notes] == ["sust.note.no_population"]
    assert s.depletion_year == 2026  # spending grows, the pool does not, no reserve


def test_from_a_city_w_simulation():
    data = load("city_w")
    result = simulate(data, {"central_pool": 5e6, "levy_per_insured": 1.0,
                             "mutual_aid_share": 0.2})
    inputs = FundInputs.from_simulation(result)
    population = float(data.table["population"].sum())
    assert inputs.population == pytest.approx(population)
    assert inputs.levy == pytest.approx(population * 1.0)
    recipients = result.regions["recipient"]
    assert inputs.patients == pytest.approx(result.regions.loc[recipients, "patients"].sum())
    s = sustainability(inputs, Growth.zhejiang(), horizon=10)
    assert s.to_frame()["income"].iloc[0] == pytest.approx(result.fund.net)
    assert s.depletion_year is not None  # Zhejiang's 20% growth in patients outruns the levy


def test_zhejiang_growth_matches_the_projection():
    g = Growth.zhejiang("cagr")
    p = project(fit="cagr").growth
    assert (g.enrollment, g.patients, g.cost) == (p["enrollment"], p["patients"],
                                                   p["spending_per_patient"])


def test_industry_levy_is_income_each_year_and_a_source_in_the_money_flow():
    """A 1,000,000-yuan industry levy (003 IV, Italy) with 10% overhead adds 900,000 yuan of
    income a year to the fund's projection and is drawn as its own source."""
    from equity.charts.fund import build_money_flow_figure
    from equity.datasets import load
    from equity.fund import simulate
    from equity.sustainability import FundInputs

    data = load("city_w")
    base = simulate(data, {"central_pool": 1_000_000, "admin_overhead": 0.1})
    more = simulate(data, {"central_pool": 1_000_000, "admin_overhead": 0.1,
                           "industry_levy": 1_000_000})
    a, b = FundInputs.from_simulation(base), FundInputs.from_simulation(more)
    assert b.industry_levy == 1_000_000 and a.industry_levy == 0
    assert more.fund.gross == base.fund.gross + 1_000_000
    fig = build_money_flow_figure(fund=more.fund, regions=more.regions, lang="en")
    assert any(label.startswith("Industry levy") for label in fig.data[0].node.label)
    from equity.sustainability import Growth, preset_for

    flat = Growth(enrollment=0.0, patients=0.0, cost=0.0)
    gained = preset_for(b, flat).other_income - preset_for(a, flat).other_income
    assert gained == pytest.approx(900_000)
