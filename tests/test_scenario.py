"""Scenario parameters: one declaration drives validation, the URL codec and the Methods table."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equity.scenario import (
    PARAMETER_BY_KEY,
    PARAMETERS,
    SCENARIO_VERSION,
    Scenario,
    ScenarioError,
    parameters_table,
    scenario_from_dict,
    scenario_from_flat,
    scenario_from_json,
    scenario_to_flat,
    scenario_to_json,
)

# design.md "Scenario file keys", weights split into four and compare into column/a/b
# (compare.indicator is an addition: "the gap indicator is charity_coverage unless asked").
DESIGN_DEFAULTS = {
    "central_pool": 0,
    "levy_per_insured": 0,
    "mutual_aid_share": 0,
    "charity_pooling_share": 0,
    "admin_overhead": 0,
    "take_up": 1,
    "target_coverage": 0.9,
    "max_coverage": 1,
    "breadth_share": 1,
    "weights.patients": 0,
    "weights.shortfall": 1,
    "weights.disadvantage": 0,
    "weights.equal": 0,
    "recipients": "below_target",
    "compare.column": "area_type",
    "compare.a": "urban",
    "compare.b": "suburban",
    "compare.indicator": "charity_coverage",
    # version 2: the mechanism levers of docs/mechanisms.md; each default changes nothing
    "price_cut": 0,
    "drug_share": 1,
    "harmonisation_share": 0,
    "harmonisation_target": "best",
    "industry_levy": 0,
    "take_up_gain": 0,
    "paired_assistance": "off",
}


def test_every_design_key_is_declared_once_with_its_design_default():
    keys = [p.key for p in PARAMETERS]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(DESIGN_DEFAULTS)
    for key, default in DESIGN_DEFAULTS.items():
        assert PARAMETER_BY_KEY[key].default == default, key


def test_declarations_are_complete_in_both_languages():
    for p in PARAMETERS:
        for lang in ("en", "zh"):
            assert p.label[lang] and p.help[lang], (p.key, lang)
            assert lang in p.unit
        assert p.source
        assert p.kind in ("money", "fraction", "number", "choice")
        assert p.group in ("financing", "allocation", "use", "target", "compare", "price",
                           "coordination")
        if p.numeric:
            assert p.minimum is not None and p.maximum is not None and p.step
            assert p.minimum <= p.default <= p.maximum, p.key
        if p.kind == "fraction":
            assert p.minimum >= 0 and p.maximum <= 1, p.key


def test_the_default_scenario_is_the_declared_defaults():
    s = Scenario()
    assert s.version == SCENARIO_VERSION == 2
    for p in PARAMETERS:
        assert s.get(p.key) == p.default, p.key
    assert scenario_from_json("{}") == s
    assert scenario_from_dict(None) == s


@pytest.mark.parametrize("p", [p for p in PARAMETERS if p.numeric], ids=lambda p: p.key)
def test_bounds_come_from_the_declaration(p):
    def doc(value):
        data: dict = {}
        target = data
        parts = p.key.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
        if p.key.startswith("weights.") and value == 0:
            other = "patients" if p.key == "weights.equal" else "equal"
            target[other] = 1.0  # keep one weight positive
        return json.dumps(data)

    assert scenario_from_json(doc(p.maximum)).get(p.key) == p.maximum
    assert scenario_from_json(doc(p.minimum)).get(p.key) == p.minimum
    for bad in (p.maximum + max(p.step, 1e-6), p.minimum - max(p.step, 1e-6)):
        with pytest.raises(ScenarioError) as err:
            scenario_from_json(doc(bad))
        assert str(err.value.problems[0]).startswith(f"{p.key}:"), err.value.problems


def test_errors_name_every_bad_key():
    text = json.dumps({
        "central_pool": -5,
        "take_up": "high",
        "wieghts": {"patients": 1},
        "weights": {"shortfall": 1, "severity": 2},
        "compare": {"a": "urban", "b": "suburban", "indicator": "income"},
    })
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(text)
    problems = err.value.problems
    keys = sorted(str(p).split(":")[0] for p in problems)
    assert keys == ["central_pool", "compare.indicator", "take_up", "weights.severity",
                    "wieghts"]
    assert any("unknown key" in str(p) for p in problems if str(p).startswith("wieghts"))
    assert "central_pool" in str(err.value)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('{"version": 3}', "version", "unsupported scenario version 3"),
        ('{"recipients": "all"}', "recipients", "below_target"),
        ('{"recipients": []}', "recipients", "empty"),
        ('{"recipients": ["rural", "rural"]}', "recipients", "duplicates"),
        ('{"weights": {"shortfall": 0}}', "weights", "at least one weight"),
        ('{"compare": {"a": "urban", "b": "urban"}}', "compare", "different groups"),
        ('{"take_up": true}', "take_up", "valid number"),
        ('{"central_pool": "1000"}', "central_pool", "valid number"),
        ('{"take_up": NaN}', "scenario", "not valid JSON"),
        ('{"take_up": 0.5,}', "scenario", "not valid JSON"),
        ("[1, 2]", "scenario", "JSON object"),
    ],
)
def test_each_kind_of_bad_value_is_reported_with_its_key(text, key, words):
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(text)
    assert str(err.value.problems[0]).startswith(f"{key}:")
    assert words in str(err.value.problems[0])


def test_recipients_as_a_list_of_area_types():
    s = scenario_from_json('{"recipients": ["suburban", "rural"]}')
    assert s.recipients == ("suburban", "rural")
    assert json.loads(scenario_to_json(s))["recipients"] == ["suburban", "rural"]


def test_json_round_trip_and_short_form():
    s = scenario_from_dict({"central_pool": 2_500_000, "weights": {"patients": 0.5},
                            "recipients": ["suburban"]})
    assert scenario_from_json(scenario_to_json(s)) == s
    short = json.loads(scenario_to_json(s, full=False))
    assert short == {"version": 2, "central_pool": 2_500_000.0, "weights": {"patients": 0.5},
                     "recipients": ["suburban"]}
    assert scenario_from_dict(short) == s


def test_flat_codec_writes_only_non_default_values():
    assert scenario_to_flat(Scenario()) == {}
    s = Scenario().replace(**{"central_pool": 1_000_000, "weights.equal": 0.25,
                              "recipients": ["suburban", "rural"], "compare.a": "rural"})
    assert scenario_to_flat(s) == {
        "central_pool": "1000000",
        "weights.equal": "0.25",
        "recipients": "suburban,rural",
        "compare.a": "rural",
    }
    back, notices = scenario_from_flat(scenario_to_flat(s))
    assert back == s and notices == []


def test_flat_values_are_written_as_people_read_them():
    """A slider stepped by 0.05 can report 0.9500000000000001 (19 steps); the address bar and
    the share link say 0.95 (the page writes every control through flat_value)."""
    from equity.scenario import PARAMETER_BY_KEY, flat_value

    take_up, pool = PARAMETER_BY_KEY["take_up"], PARAMETER_BY_KEY["central_pool"]
    assert 0.05 * 19 != 0.95
    assert flat_value(take_up, 0.05 * 19) == "0.95"
    assert flat_value(take_up, 0.1 + 0.2) == "0.3"
    assert flat_value(pool, 2_000_000.0) == "2000000"
    assert flat_value(pool, 1e11) == "100000000000"
    assert flat_value(PARAMETER_BY_KEY["levy_per_insured"], 2.5) == "2.5"
    assert flat_value(PARAMETER_BY_KEY["recipients"], ("suburban", "rural")) == "suburban,rural"
    assert scenario_to_flat(Scenario().replace(take_up=0.05 * 19)) == {"take_up": "0.95"}


def test_flat_codec_falls_back_to_defaults_with_a_notice_naming_the_key():
    s, notices = scenario_from_flat({
        "central_pool": "lots",
        "take_up": "1.5",
        "max_coverage": "inf",
        "compare.indicator": "income",
        "breadth_share": "0.25",
        "lang": "zh",  # the app's own key: ignored
    })
    assert s.central_pool == 0 and s.take_up == 1 and s.max_coverage == 1
    assert s.compare.indicator == "charity_coverage"
    assert s.breadth_share == 0.25
    named = sorted(str(n).split(":")[0] for n in notices)
    assert named == ["central_pool", "compare.indicator", "max_coverage", "take_up"]
    assert any("above the maximum 1" in str(n) for n in notices)


def test_flat_values_are_checked_together_after_one_by_one():
    # valid together although each alone would clash with a default
    s, notices = scenario_from_flat({"weights.shortfall": "0", "weights.patients": "1",
                                     "compare.a": "suburban", "compare.b": "urban"})
    assert notices == []
    assert (s.weights.shortfall, s.weights.patients) == (0, 1)
    assert (s.compare.a, s.compare.b) == ("suburban", "urban")
    # invalid together: the whole group falls back, with a notice
    s, notices = scenario_from_flat({"weights.shortfall": "0", "central_pool": "5"})
    assert s.weights == Scenario().weights and s.central_pool == 5
    assert len(notices) == 1 and str(notices[0]).startswith("weights:")


def test_replace_validates():
    with pytest.raises(ScenarioError) as err:
        Scenario().replace(take_up=2)
    assert str(err.value.problems[0]).startswith("take_up:")


def test_parameters_table_in_both_languages():
    en, zh = parameters_table("en"), parameters_table("zh")
    assert list(en["key"]) == [p.key for p in PARAMETERS] == list(zh["key"])
    assert en.loc[en["key"] == "central_pool", "unit"].item() == "yuan / year"
    assert zh.loc[zh["key"] == "central_pool", "unit"].item() == "元/年"
    assert en.loc[en["key"] == "target_coverage", "default"].item() == "0.9"
    with pytest.raises(ValueError, match="lang"):
        parameters_table("fr")


def _value(p):
    lo, hi = p.minimum, p.maximum
    if p.kind == "money":
        hi = min(hi, 1e9)
    return st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, 6)).filter(
        lambda x: lo <= x <= hi)


@st.composite
def scenarios(draw):
    values = {p.key: draw(_value(p)) for p in PARAMETERS if p.numeric}
    if sum(values[k] for k in values if k.startswith("weights.")) <= 0:
        values["weights.equal"] = 1.0
    groups = draw(st.lists(st.sampled_from(["urban", "suburban", "rural", "remote", "郊区"]),
                           min_size=1, max_size=3, unique=True))
    values["recipients"] = draw(st.sampled_from(["below_target", groups]))
    return Scenario().replace(**values)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_any_valid_scenario_survives_json_and_url_round_trips(s):
    assert scenario_from_json(scenario_to_json(s)) == s
    back, notices = scenario_from_flat(scenario_to_flat(s))
    assert notices == []
    assert back == s
    for key, raw in scenario_to_flat(s).items():
        p = PARAMETER_BY_KEY[key]
        if p.numeric:
            assert math.isclose(float(raw), s.get(key))


def test_a_version_1_file_is_upgraded_with_every_new_lever_at_its_default():
    old = scenario_from_json('{"version": 1, "central_pool": 1000000}')
    assert old.version == 2
    assert old == scenario_from_json('{"version": 2, "central_pool": 1000000}')
    assert (old.price_cut, old.drug_share, old.harmonisation_share, old.industry_levy,
            old.take_up_gain, old.paired_assistance) == (0, 1, 0, 0, 0, "off")


def test_take_up_gain_raises_take_up_up_to_one():
    # Singapore: success rate +20% (000 section 3.2.2): 0.8 x 1.2 = 0.96; 0.9 x 1.2 caps at 1
    assert scenario_from_dict({"take_up": 0.8, "take_up_gain": 0.2}).effective_take_up == \
        pytest.approx(0.96)
    assert scenario_from_dict({"take_up": 0.9, "take_up_gain": 0.2}).effective_take_up == 1.0
