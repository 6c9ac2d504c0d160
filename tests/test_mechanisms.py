"""The mechanisms of equity.mechanisms against hand-worked tables (000, 003)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from equity.mechanisms import (
    MechanismError,
    harmonise,
    industry_levy,
    paired_assistance,
    pairs_from_adjacency,
    pairs_from_table,
    price_cut,
)

# Three regions, worked by hand. L from o*T = L - c min(s, L):
#   A: T 100,000, o 0.20, c 0.90, s 18,000: O 20,000, L = 20,000 + 0.9 x 18,000 = 36,200
#   B: T 200,000, o 0.30, c 0.65, s 18,000: O 60,000, L = 60,000 + 11,700 = 71,700
#   C: T  20,000, o 0.05, c 0.50, s 18,000: O 1,000; 1,000 + 9,000 < 18,000, so the subsidy
#      covers the whole liability: L = 1,000 / 0.5 = 2,000
TABLE = dict(patients=[100, 50, 10], cost_per_patient=[100_000, 200_000, 20_000],
             oop_share=[0.20, 0.30, 0.05], charity_coverage=[0.90, 0.65, 0.50],
             subsidy_per_patient=[18_000, 18_000, 18_000])


def test_price_cut_of_25_percent_on_80_percent_drug_share_by_hand() -> None:
    # T' = T (1 - 0.8 x 0.25) = 0.8 T; L' = 0.8 L.
    # A: L' 28,960, O' = 28,960 - 16,200 = 12,760 (was 20,000): -7,240 per patient
    # B: L' 57,360, O' = 57,360 - 11,700 = 45,660 (was 60,000): -14,340
    # C: L' 1,600, O' = 1,600 - 0.5 x 1,600 = 800 (was 1,000): -200
    r = price_cut(**TABLE, cut=0.25, drug_share=0.8)
    np.testing.assert_allclose(r.cost_after, [80_000, 160_000, 16_000])
    np.testing.assert_allclose(r.liability_before, [36_200, 71_700, 2_000])
    np.testing.assert_allclose(r.oop_after, [12_760, 45_660, 800])
    np.testing.assert_allclose(r.oop_share_after, [12_760 / 80_000, 45_660 / 160_000, 0.05])
    # patients: 100 x 7,240 + 50 x 14,340 + 10 x 200 = 724,000 + 717,000 + 2,000
    assert r.savings.patients == pytest.approx(1_443_000)
    # charity only saves where the subsidy exceeded the liability: 10 x 0.5 x (2,000 - 1,600)
    assert r.savings.charity == pytest.approx(2_000)
    # insurers: 100 x (63,800 - 51,040) + 50 x (128,300 - 102,640) + 10 x (18,000 - 14,400)
    assert r.savings.insurers == pytest.approx(1_276_000 + 1_283_000 + 36_000)
    # every yuan of the cut is someone's saving: sum P (T - T')
    assert r.savings.total == pytest.approx(100 * 20_000 + 50 * 40_000 + 10 * 4_000)
    d = r.to_dict()
    assert d["savings"]["patients"] == pytest.approx(1_443_000)
    assert d["oop_after"][0] == pytest.approx(12_760)


def test_price_cut_zero_changes_nothing_and_bad_cut_is_refused() -> None:
    r = price_cut(**TABLE, cut=0.0, drug_share=0.8)
    np.testing.assert_allclose(r.oop_after, r.oop_before)
    assert r.savings.total == 0
    with pytest.raises(MechanismError) as err:
        price_cut(**TABLE, cut=1.5, drug_share=0.8)
    assert err.value.problems[0].code == "mechanisms.bad_fraction"
    with pytest.raises(MechanismError) as err:
        price_cut(**{**TABLE, "patients": [1, 2]}, cut=0.1, drug_share=1)
    assert err.value.problems[0].code == "mechanisms.length_mismatch"


def test_harmonisation_at_100_percent_gives_every_region_the_best_insurer_share() -> None:
    # i = 1 - L/T: A 0.638, B 0.6415, C 0.9 (best). At h = 1 every L' = 0.1 T.
    h = harmonise(**TABLE, share=1.0, target="best")
    np.testing.assert_allclose(h.insurer_share_before, [0.638, 0.6415, 0.9])
    np.testing.assert_allclose(h.insurer_share_after, [0.9, 0.9, 0.9])
    np.testing.assert_allclose(h.detail.liability_after, [10_000, 20_000, 2_000])
    # cost to insurers: 100 x (36,200 - 10,000) + 50 x (71,700 - 20,000) = 5,205,000
    assert h.cost_to_insurers == pytest.approx(5_205_000)
    assert h.detail.savings.insurers == pytest.approx(-5_205_000)
    # out-of-pocket after: A's subsidy now covers its whole liability (18,000 > 10,000):
    # O' = 10,000 - 0.9 x 10,000 = 1,000; B: 20,000 - 0.65 x 18,000 = 8,300; C unchanged
    np.testing.assert_allclose(h.detail.oop_after, [10_000 - 0.9 * 10_000,
                                                    20_000 - 0.65 * 18_000, 1_000])


def test_harmonisation_towards_the_average_moves_laggards_half_way_only() -> None:
    # patient-weighted mean: (100 x 0.638 + 50 x 0.6415 + 10 x 0.9) / 160 = 0.65546875
    h = harmonise(**TABLE, share=0.5, target="average")
    assert h.target_share == pytest.approx(104.875 / 160)
    np.testing.assert_allclose(h.insurer_share_after,
                               [0.638 + 0.5 * (104.875 / 160 - 0.638),
                                0.6415 + 0.5 * (104.875 / 160 - 0.6415), 0.9])
    with pytest.raises(MechanismError):
        harmonise(**TABLE, share=0.5, target="median")  # type: ignore[arg-type]


def test_industry_levy_italy_rate_and_amount() -> None:
    # 003 section IV: 5% of promotional spending, half to the fund: 1e9 -> 25,000,000
    assert industry_levy(base=1_000_000_000).amount == pytest.approx(25_000_000)
    assert industry_levy(base=1e9, rate=0.07).amount == pytest.approx(35_000_000)
    assert industry_levy(3_000_000).to_dict() == {"amount": 3_000_000.0, "base": None,
                                                  "rate": None, "share_to_fund": None}
    for bad in ({}, {"amount": 1.0, "base": 2.0}):
        with pytest.raises(MechanismError) as err:
            industry_levy(**bad)
        assert err.value.problems[0].code == "mechanisms.levy_amount_or_base"


def _map() -> gpd.GeoDataFrame:
    # A B C in a row (1 x 1 degree boxes), D above A, E alone to the right of C.
    #   D
    #   A B C . . E
    shapes = {"A": box(0, 0, 1, 1), "B": box(1, 0, 2, 1), "C": box(2, 0, 3, 1),
              "D": box(0, 1, 1, 2), "E": box(5, 0, 6, 1)}
    return gpd.GeoDataFrame({"region_id": list(shapes)}, geometry=list(shapes.values()))


def test_paired_assistance_by_adjacency_pairs_the_expected_regions() -> None:
    pairs = pairs_from_adjacency(_map(), donors=["A", "C", "E"], recipients=["B", "D"])
    got = {(r.donor_id, r.recipient_id, r.kind, r.share) for r in pairs.itertuples()}
    # A borders B and D (equal halves); C borders B; E borders nobody: nearest recipient is
    # B (3 degrees away; D is 4), not C (2 degrees, but a donor).
    assert got == {("A", "B", "border", 0.5), ("A", "D", "border", 0.5),
                   ("C", "B", "border", 1.0), ("E", "B", "nearest", 1.0)}


def test_paired_assistance_money_closes_to_the_yuan() -> None:
    pairs = pairs_from_adjacency(_map(), donors=["A", "C", "E"], recipients=["B", "D"])
    contributions = {"A": 1_000_001, "C": 500_000, "E": 300_000}
    r = paired_assistance(contributions, pairs)
    assert r.pool == pytest.approx(0, abs=0.5)
    assert r.received == pytest.approx({"B": 500_000.5 + 500_000 + 300_000, "D": 500_000.5})
    # With needs: B can use 1,000,000 (offered 1,300,000.5), D 200,000 (offered 500,000.5);
    # the rest goes to the pool: 1,800,001 - 1,200,000 = 600,001.
    r = paired_assistance(contributions, pairs, need={"B": 1_000_000, "D": 200_000})
    assert r.received == pytest.approx({"B": 1_000_000, "D": 200_000})
    assert r.pool == pytest.approx(600_001)
    assert abs(r.flows["amount"].sum() + r.pool - 1_800_001) < 0.5
    for donor, amount in contributions.items():
        sent = r.flows.loc[r.flows["donor_id"] == donor, "amount"].sum()
        assert abs(sent + r.to_pool[donor] - amount) < 0.5
    # C and E only pay B, in proportion to their offers: 500,000 x 1e6 / 1,300,000.5
    flow = r.flows.set_index(["donor_id", "recipient_id"])["amount"]
    assert flow[("C", "B")] == pytest.approx(500_000 * 1e6 / 1_300_000.5)
    assert r.to_dict()["pool"] == pytest.approx(600_001)


def test_pairing_table_shares_and_problems() -> None:
    table = pd.DataFrame({"donor_id": ["A", "A", "C"], "recipient_id": ["B", "D", "B"],
                          "share": [0.3, 0.2, None]})
    with pytest.raises(MechanismError):  # A has a share on one of its rows only
        pairs_from_table(table.assign(share=[0.3, None, None]))
    pairs = pairs_from_table(table, region_ids=list("ABCD"))
    assert pairs["share"].tolist() == [0.3, 0.2, 1.0]
    r = paired_assistance({"A": 1000, "C": 10}, pairs)
    assert r.to_pool == pytest.approx({"A": 500, "C": 0})
    assert r.received == pytest.approx({"B": 310, "D": 200})
    bad = pd.DataFrame({"donor_id": ["A", "A", "X", "B"], "recipient_id": ["B", "D", "B", "B"],
                        "share": [0.7, 0.6, 0.1, 0.1]})
    with pytest.raises(MechanismError) as err:
        pairs_from_table(bad, region_ids=list("ABCD"))
    codes = {p.code for p in err.value.problems}
    assert codes == {"mechanisms.pairs_unknown_region", "mechanisms.pairs_self",
                     "mechanisms.pairs_share_over_one"}
    assert all(p.text("zh") for p in err.value.problems)


def test_apply_to_table_cuts_then_harmonises_and_the_liability_equation_agrees() -> None:
    from equity.mechanisms import apply_to_table

    try:
        from equity.formulas import liability
    except ImportError:  # before the restructure lands
        from equity.fund import liability
    table = pd.DataFrame({"region_id": ["A", "B", "C"], **TABLE})
    same = apply_to_table(table)
    pd.testing.assert_frame_equal(same.table, table)
    assert same.price is None and same.harmonisation is None
    adj = apply_to_table(table, price_cut_share=0.25, drug_share=0.8, harmonisation_share=1.0)
    np.testing.assert_allclose(adj.table["cost_per_patient"], [80_000, 160_000, 16_000])
    # after both: every insurer share 0.9 on the cut prices, L'' = 0.1 T'
    L = liability(adj.table["oop_share"].to_numpy() * adj.table["cost_per_patient"].to_numpy(),
                  table["charity_coverage"].to_numpy(), table["subsidy_per_patient"].to_numpy())
    np.testing.assert_allclose(L, [8_000, 16_000, 1_600])
    # A: O'' = 8,000 - 0.9 x 8,000 = 800, o'' = 800 / 80,000
    assert adj.table["oop_share"].iloc[0] == pytest.approx(0.01)
    assert adj.to_dict()["price"]["savings"]["patients"] == pytest.approx(1_443_000)
