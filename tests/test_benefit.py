"""Payer cascade: presets against the documents, invariants, JSON, scalar == vectorised."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from equity.cascade import (
    LAYER_FIELDS,
    PAYER_LABELS,
    PRESETS,
    Cascade,
    CascadeError,
    Label,
    Layer,
    Tier,
    benefit,
    cascade_arrays,
    cascade_from_dict,
    cascade_from_json,
    cascade_to_json,
    get_preset,
    load_cascade,
    run_cascade_chunks,
    save_cascade,
)


def paid(result, name: str) -> float:
    return next(p.paid for p in result.layers if p.name == name)


# ---------------------------------------------------------------------------
# Presets against the documents


def test_zhejiang_700k_patient_pays_exactly_100k():
    # 003 IV(II): 80% of 0-300,000 and 90% of 300,000-700,000 are reimbursed, so the
    # patient pays 20% x 300,000 + 10% x 400,000 = 60,000 + 40,000 = 100,000.
    r = benefit("zhejiang_special_fund", 700_000)
    assert r.oop == 100_000
    assert paid(r, "special_fund") == 600_000  # 240,000 + 360,000


def test_zhejiang_200k_patient_pays_40k():
    # Whole cost in the 80% band: patient pays 20% x 200,000 = 40,000.
    r = benefit("zhejiang_special_fund", 200_000)
    assert r.oop == 40_000
    assert paid(r, "special_fund") == 160_000


@pytest.mark.parametrize(
    ("cost", "oop"),
    [
        (300_000, 60_000),  # 20% x 300,000
        (500_000, 80_000),  # 60,000 + 10% x 200,000
        (1_000_000, 100_000),  # 100% above 700,000: stays at the 100,000 cap
        (3_000_000, 100_000),
        (0, 0),
    ],
)
def test_zhejiang_tiers_and_cap(cost, oop):
    r = benefit("zhejiang_special_fund", cost)
    assert r.oop == pytest.approx(oop, abs=1e-6)
    assert r.oop <= 100_000


def test_zhejiang_ceiling_holds_when_a_user_lowers_the_rates():
    # Editing the tiers down must not breach the documented 100,000 ceiling: with a
    # flat 50% the fund pays 500,000 of 1,000,000, then tops up 400,000 to the ceiling.
    c = get_preset("zhejiang_special_fund")
    c.layers[0].tiers = None
    c.layers[0].rate = 0.5
    r = benefit(c, 1_000_000)
    assert r.oop == 100_000
    assert paid(r, "special_fund") == 900_000


def test_zhoushan_second_round_on_the_remainder():
    # cost 200,000: Zhouhuibao (illustrative 30%) pays 60,000 -> 140,000 left;
    # first round (illustrative 20% above 50,000) pays 0.2 x 90,000 = 18,000 -> 122,000 left;
    # documented second round: 30% x (122,000 - 50,000) = 21,600 (under the 100,000 cap);
    # patient pays 122,000 - 21,600 = 100,400.
    r = benefit("zhoushan_2025", 200_000)
    assert paid(r, "zhouhuibao") == pytest.approx(60_000)
    assert paid(r, "first_round") == pytest.approx(18_000)
    assert paid(r, "second_round") == pytest.approx(21_600)
    assert r.oop == pytest.approx(100_400)


@pytest.mark.parametrize("cost", [30_000, 80_000, 150_000, 400_000, 1_000_000, 5_000_000])
def test_zhoushan_documented_rule_holds_for_whatever_the_first_layers_left(cost):
    r = benefit("zhoushan_2025", cost)
    remainder = cost - paid(r, "zhouhuibao") - paid(r, "first_round")
    expected = min(100_000, 0.3 * max(0.0, remainder - 50_000))
    assert paid(r, "second_round") == pytest.approx(expected)
    assert r.oop == pytest.approx(remainder - expected)


def test_zhoushan_layers_before_the_second_round_are_labelled_illustrative():
    c = PRESETS["zhoushan_2025"]
    for layer in c.layers[:2]:
        assert layer.illustrative
        assert "illustrative" in layer.label.en and "示意" in layer.label.zh
        assert layer.source.startswith("illustrative")
    assert not c.layers[2].illustrative


@pytest.mark.parametrize(
    ("remainder", "second_round"),
    [
        (40_000, 0.0),  # below the 50,000 threshold
        (50_000, 0.0),
        (200_000, 45_000.0),  # 30% x 150,000
        (383_333, 99_999.9),  # 30% x 333,333 just under the cap
        (600_000, 100_000.0),  # 30% x 550,000 = 165,000, capped at 100,000
    ],
)
def test_zhoushan_second_round_alone(remainder, second_round):
    second = PRESETS["zhoushan_2025"].layers[2]
    alone = Cascade(name="z2", label=Label(en="z", zh="z"), source="002 3.3", layers=[second])
    r = benefit(alone, remainder)
    assert paid(r, "second_round") == pytest.approx(second_round)


def test_foshan_assistance_80_percent_of_remainder():
    # cost 400,000: basic (illustrative 50%) 200,000 -> 200,000 left; critical illness
    # (illustrative 50% above 20,000) 0.5 x 180,000 = 90,000 -> 110,000 left;
    # documented assistance 80% x 110,000 = 88,000 (under 300,000); patient 22,000.
    r = benefit("foshan_assistance", 400_000)
    assert paid(r, "basic_insurance") == pytest.approx(200_000)
    assert paid(r, "critical_illness") == pytest.approx(90_000)
    assert paid(r, "medical_assistance") == pytest.approx(88_000)
    assert r.oop == pytest.approx(22_000)


def test_foshan_assistance_annual_limit():
    # cost 2,000,000: 1,000,000 left after basic; critical illness 0.5 x 980,000 = 490,000
    # -> 510,000 left; 80% would be 408,000 but the annual limit is 300,000; patient 210,000.
    r = benefit("foshan_assistance", 2_000_000)
    assert paid(r, "medical_assistance") == pytest.approx(300_000)
    assert r.oop == pytest.approx(210_000)


@pytest.mark.parametrize("cost", [10_000, 250_000, 900_000, 4_000_000])
def test_foshan_documented_rule_on_the_remainder(cost):
    r = benefit("foshan_assistance", cost)
    remainder = cost - paid(r, "basic_insurance") - paid(r, "critical_illness")
    assert paid(r, "medical_assistance") == pytest.approx(min(300_000, 0.8 * remainder))


@pytest.mark.parametrize(
    ("cost", "insurance", "maker", "oop"),
    [
        (200_000, 100_000, 80_000, 20_000),  # 50% / 40% / 10%
        (300_000, 150_000, 120_000, 30_000),  # 10% reaches the 30,000 ceiling exactly
        (1_000_000, 500_000, 470_000, 30_000),  # 400,000 + 70,000 top-up (illustrative)
    ],
)
def test_hunan_shares_and_ceiling(cost, insurance, maker, oop):
    r = benefit("hunan_critical_illness", cost)
    assert paid(r, "critical_illness") == pytest.approx(insurance)
    assert paid(r, "manufacturer") == pytest.approx(maker)
    assert r.oop == pytest.approx(oop)


def test_every_preset_cites_a_document_section():
    for name, c in PRESETS.items():
        assert c.name == name
        assert any(doc in c.source for doc in ("002", "003")), name
        for layer in c.layers:
            assert layer.source
            assert layer.label.en and layer.label.zh
            if not layer.illustrative:
                assert any(doc in layer.source for doc in ("002", "003")), layer.name


def test_get_preset_is_a_copy():
    c = get_preset("hunan_critical_illness")
    c.layers[0].rate = 0.1
    assert PRESETS["hunan_critical_illness"].layers[0].rate == 0.5


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(CascadeError, match="zhejiang_special_fund"):
        benefit("nowhere", 1000)


@pytest.mark.parametrize("cost", [-1, math.nan, math.inf, "abc"])
def test_bad_cost_is_rejected(cost):
    with pytest.raises(CascadeError, match="cost"):
        benefit("hunan_critical_illness", cost)


def test_income_adds_catastrophic_flags():
    # Zhejiang at 200,000: out-of-pocket 40,000 on an income of 200,000 is 20%:
    # over the 10% threshold, under 25% and 40%.
    d = benefit("zhejiang_special_fund", 200_000, income=200_000).to_dict()
    assert d["oop_share_of_income"] == pytest.approx(0.2)
    assert d["catastrophic"] == {"10%": True, "25%": False, "40%": False}


def test_to_dict_shape_matches_design():
    d = benefit("zhejiang_special_fund", 700_000).to_dict()
    assert d["cost"] == 700_000 and d["oop"] == 100_000
    assert [(x["name"], x["paid"]) for x in d["layers"]] == [("special_fund", 600_000)]
    json.dumps(d)  # plain Python numbers only
    assert all(type(x["paid"]) is float for x in d["layers"])


def test_ineligible_layer_pays_nothing():
    r = benefit("foshan_assistance", 400_000, eligible={"medical_assistance": False})
    assert paid(r, "medical_assistance") == 0
    assert r.oop == pytest.approx(110_000)
    with pytest.raises(CascadeError, match="unknown layer 'nope'"):
        benefit("foshan_assistance", 1, eligible={"nope": True})


# ---------------------------------------------------------------------------
# JSON: validated, unknown keys named


def test_json_round_trip_every_preset(tmp_path):
    for c in PRESETS.values():
        assert cascade_from_json(cascade_to_json(c)) == c
        path = tmp_path / f"{c.name}.json"
        save_cascade(c, path)
        assert load_cascade(path) == c


def _doc() -> dict:
    return json.loads(cascade_to_json(PRESETS["foshan_assistance"]))


def test_unknown_keys_are_named():
    d = _doc()
    d["colour"] = "red"
    d["layers"][2]["rat"] = 0.5
    d["layers"][0]["label"]["fr"] = "x"
    with pytest.raises(CascadeError) as info:
        cascade_from_dict(d)
    assert "colour: unknown key" in [str(p) for p in info.value.problems]
    assert "layers[2].rat: unknown key" in [str(p) for p in info.value.problems]
    assert "layers[0].label.fr: unknown key" in [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["layers"][2].update(tiers=[{"upto": None, "rate": 0.5}]), "not both"),
        (lambda d: d["layers"][2].update(oop_ceiling=1000), "'cap' or 'oop_ceiling'"),
        (lambda d: d["layers"][0].update(eligibility=1.5), "layers[0].eligibility"),
        (lambda d: d["layers"][0].update(rate=-0.1), "layers[0].rate"),
        (lambda d: d["layers"][1].update(name="basic_insurance"), "repeated: basic_insurance"),
        (lambda d: d["layers"][1].update(name="oop"), "reserved"),
        (lambda d: d["layers"][1].update(payer="lottery"), "layers[1].payer"),
        (lambda d: d.update(layers=[]), "layers"),
        (lambda d: d["layers"][0].update(deductible="lots"), "layers[0].deductible"),
        (lambda d: d["layers"][0].pop("source"), "layers[0].source"),
    ],
)
def test_invalid_cascades_name_the_key(change, message):
    d = _doc()
    change(d)
    with pytest.raises(CascadeError) as info:
        cascade_from_dict(d)
    assert message in str(info.value)


def test_tiers_must_increase_and_only_the_last_is_open():
    base = {"name": "x", "payer": "charity", "label": {"en": "x", "zh": "x"}, "source": "s"}
    with pytest.raises(ValueError, match="above the previous"):
        Layer(**base, tiers=[Tier(upto=500, rate=0.5), Tier(upto=400, rate=0.6)])
    with pytest.raises(ValueError, match="only the last tier"):
        Layer(**base, tiers=[Tier(upto=None, rate=0.5), Tier(upto=400, rate=0.6)])


def test_infinite_values_are_rejected():
    d = _doc()
    d["layers"][2]["cap"] = math.inf
    with pytest.raises(CascadeError, match=r"layers\[2\].cap"):
        cascade_from_dict(d)


def test_not_json_and_file_errors(tmp_path):
    with pytest.raises(CascadeError, match="not valid JSON"):
        cascade_from_json("{nope")
    with pytest.raises(CascadeError, match="expected a JSON object"):
        cascade_from_json("[1, 2]")
    bad = tmp_path / "mine.json"
    bad.write_text('{"name": "x"}', encoding="utf-8")
    with pytest.raises(CascadeError, match=r"mine\.json: label"):
        load_cascade(bad)
    with pytest.raises(CascadeError, match="cannot read"):
        load_cascade(tmp_path / "missing.json")


def test_field_metadata_for_editors():
    for key in ("eligibility", "deductible", "rate", "tiers", "cap", "oop_ceiling"):
        assert LAYER_FIELDS[key]["label"]["en"] and LAYER_FIELDS[key]["label"]["zh"]
    assert LAYER_FIELDS["cap"]["unit"]["en"] == "yuan / year"
    assert set(PAYER_LABELS) == set(Layer.model_fields["payer"].annotation.__args__)


# ---------------------------------------------------------------------------
# Invariants over random layer stacks

money = st.floats(min_value=0, max_value=3_000_000, allow_nan=False)
rates = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def layers(draw, index: int) -> Layer:
    kind = draw(st.sampled_from(["rate", "tiers", "ceiling_only"]))
    limit = draw(st.sampled_from(["none", "cap", "ceiling"]))
    if kind == "ceiling_only":
        limit = "ceiling"
    rate = tiers = None
    if kind == "rate":
        rate = draw(rates)
    elif kind == "tiers":
        ends = sorted(set(draw(st.lists(st.floats(1, 2_000_000), min_size=0, max_size=3))))
        tiers = [Tier(upto=e, rate=draw(rates)) for e in ends]
        tiers.append(Tier(upto=None, rate=draw(rates)))
    return Layer(
        name=f"l{index}",
        payer=draw(st.sampled_from(list(PAYER_LABELS))),
        label=Label(en=f"layer {index}", zh=f"层{index}"),
        source="test",
        base=draw(st.sampled_from(["remaining", "cost"])),
        deductible=draw(st.floats(0, 200_000)),
        rate=rate,
        tiers=tiers,
        cap=draw(money) if limit == "cap" else None,
        oop_ceiling=draw(money) if limit == "ceiling" else None,
        eligibility=draw(st.sampled_from([0.0, 0.5, 1.0])),
    )


@st.composite
def cascades(draw) -> Cascade:
    n = draw(st.integers(1, 5))
    return Cascade(
        name="random",
        label=Label(en="random", zh="随机"),
        source="test",
        layers=[draw(layers(i)) for i in range(n)],
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cascade=cascades(),
    costs=st.lists(money, min_size=1, max_size=8),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants_over_random_stacks(cascade, costs, seed):
    cost = np.array(costs)
    rng = np.random.default_rng(seed)
    flags = {layer.name: rng.random(cost.size) < 0.7 for layer in cascade.layers}
    out = cascade_arrays(cascade, cost, eligible=flags)
    tol = 1e-6 * (1 + cost)
    total = sum(out.paid.values()) + out.oop
    np.testing.assert_allclose(total, cost, rtol=0, atol=1e-6 * (1 + cost.max()))
    assert np.all(out.oop >= 0)
    remaining = cost.copy()
    for layer in cascade.layers:
        p = out.paid[layer.name]
        assert np.all(p >= 0)
        assert np.all(p <= remaining + tol), "a layer pays only what earlier layers left"
        if layer.cap is not None:
            assert np.all(p <= layer.cap + tol)
        remaining = remaining - p
        if layer.oop_ceiling is not None:
            on = flags[layer.name]
            assert np.all(remaining[on] <= layer.oop_ceiling + tol[on])
            # later layers only lower what is left, so the final oop respects it too
            assert np.all(out.oop[on] <= layer.oop_ceiling + tol[on])
        assert np.all(p[~flags[layer.name]] == 0)
    # scalar path equals vectorised path, patient by patient
    for i, c in enumerate(costs):
        one = benefit(cascade, c, eligible={k: bool(v[i]) for k, v in flags.items()})
        assert one.oop == out.oop[i]
        for pay in one.layers:
            assert pay.paid == out.paid[pay.name][i]
    # JSON round trip keeps the cascade
    assert cascade_from_json(cascade_to_json(cascade)) == cascade


@settings(max_examples=60, deadline=None)
@given(cost=money)
def test_presets_never_breach_their_ceilings(cost):
    assert benefit("zhejiang_special_fund", cost).oop <= 100_000
    assert benefit("hunan_critical_illness", cost).oop <= 30_000 + 1e-6
    r = benefit("zhoushan_2025", cost)
    assert paid(r, "second_round") <= 100_000
    assert paid(benefit("foshan_assistance", cost), "medical_assistance") <= 300_000


# ---------------------------------------------------------------------------
# Vectorised and chunked


def test_vectorised_matches_scalar_on_presets():
    costs = np.array([0, 1, 49_999.5, 50_000, 123_456.78, 300_000, 700_000, 2_500_000])
    for c in PRESETS.values():
        out = cascade_arrays(c, costs)
        for i, cost in enumerate(costs):
            assert benefit(c, float(cost)).oop == out.oop[i]


def test_chunks_equal_one_pass_and_report_progress():
    rng = np.random.default_rng(1)
    cost = rng.lognormal(12, 1, 10_001)
    seen: list[float] = []
    chunked = run_cascade_chunks(
        PRESETS["foshan_assistance"], cost, chunk_size=1000, progress=seen.append
    )
    whole = cascade_arrays(PRESETS["foshan_assistance"], cost)
    np.testing.assert_array_equal(chunked.oop, whole.oop)
    for name in whole.paid:
        np.testing.assert_array_equal(chunked.paid[name], whole.paid[name])
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 11


def test_partial_eligibility_needs_flags_or_rng():
    c = get_preset("foshan_assistance")
    c.layers[2].eligibility = 0.25
    with pytest.raises(CascadeError, match="partial"):
        cascade_arrays(c, np.array([100_000.0]))
    out = cascade_arrays(c, np.full(40_000, 400_000.0), rng=np.random.default_rng(3))
    share = np.mean(out.paid["medical_assistance"] > 0)
    assert share == pytest.approx(0.25, abs=0.01)
    # the scalar path treats the patient as one who qualifies
    assert paid(benefit(c, 400_000), "medical_assistance") == pytest.approx(88_000)


def test_bad_arrays_are_rejected():
    with pytest.raises(CascadeError, match="1-d"):
        cascade_arrays(PRESETS["zhejiang_special_fund"], np.ones((2, 2)))
    with pytest.raises(CascadeError, match="finite"):
        cascade_arrays(PRESETS["zhejiang_special_fund"], np.array([1.0, -2.0]))
    with pytest.raises(CascadeError, match="expected 2 flags"):
        cascade_arrays(
            PRESETS["zhejiang_special_fund"], np.array([1.0, 2.0]),
            eligible={"special_fund": np.array([True])},
        )


def test_from_equity_import_benefit_is_callable_in_any_import_order():
    # The cascade module has its own name, so nothing shadows the lazy entry point.
    import equity
    import equity.cascade as module
    from equity import benefit as entry

    assert entry("zhejiang_special_fund", 200_000).oop == 40_000
    assert equity.benefit("zhejiang_special_fund", 700_000, income=1).oop == 100_000
    assert module.benefit("hunan_critical_illness", 300_000).oop == 30_000


# ---------------------------------------------------------------------------
# Table form for spreadsheet-style editors


def test_frame_round_trip_every_preset():
    from equity.cascade import cascade_from_frame, cascade_to_frame

    for c in PRESETS.values():
        frame = cascade_to_frame(c)
        assert len(frame) == len(c.layers)
        assert cascade_from_frame(frame, like=c) == c
    tiers = cascade_to_frame(PRESETS["zhejiang_special_fund"]).loc[0, "tiers"]
    assert tiers == "300000:0.8; 700000:0.9; :1"


def test_edited_frame_changes_the_cascade():
    from equity.cascade import cascade_from_frame, cascade_to_frame

    c = PRESETS["foshan_assistance"]
    frame = cascade_to_frame(c)
    frame.loc[2, "cap"] = 50_000.0
    edited = cascade_from_frame(frame, like=c)
    # 110,000 left after the insurers; 80% = 88,000, now capped at 50,000
    assert paid(benefit(edited, 400_000), "medical_assistance") == pytest.approx(50_000)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("rate", 1.5, "row 2, column rate"),
        ("tiers", "abc", "row 2, column tiers"),
        ("oop_ceiling", 10.0, "row 3: give either 'cap' or 'oop_ceiling'"),
        ("payer", "lottery", "row 2, column payer"),
    ],
)
def test_bad_frame_cells_name_row_and_column(column, value, message):
    from equity.cascade import cascade_from_frame, cascade_to_frame

    frame = cascade_to_frame(PRESETS["foshan_assistance"])
    row = 2 if column == "oop_ceiling" else 1
    if column == "tiers":
        frame["rate"] = frame["rate"].astype(object)
        frame.loc[row, "rate"] = None
    frame.loc[row, column] = value
    with pytest.raises(CascadeError) as info:
        cascade_from_frame(frame, like=PRESETS["foshan_assistance"])
    assert message in str(info.value)


def test_frame_with_unknown_column():
    from equity.cascade import cascade_from_frame, cascade_to_frame

    frame = cascade_to_frame(PRESETS["hunan_critical_illness"]).assign(colour="red")
    with pytest.raises(CascadeError, match="column colour: unknown"):
        cascade_from_frame(frame, like=PRESETS["hunan_critical_illness"])
