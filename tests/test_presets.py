"""Presets from the documents: each sets what its document and section say (figures.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from equity.i18n import t
from equity.mechanisms import EU_PRICE_CUT_RANGE
from equity.presets import PresetError, combine, get_preset, load_preset_file, presets

NAMES = {"australia_charity_allocation", "japan_rescue_fund", "eu_joint_procurement",
         "singapore_one_window", "zhejiang_levy", "cross_regional_equity_fund"}


def test_every_preset_is_there_with_its_document_and_section() -> None:
    assert set(presets()) == NAMES
    sources = {n: (p.document, p.section) for n, p in presets().items()}
    assert sources == {"australia_charity_allocation": ("000", "3.1.2"),
                       "japan_rescue_fund": ("000", "3.2.1"),
                       "eu_joint_procurement": ("000", "3.1.1"),
                       "singapore_one_window": ("000", "3.2.2"),
                       "zhejiang_levy": ("002", "3"),
                       "cross_regional_equity_fund": ("000", "4.1.2")}


def test_zhejiang_levy_is_two_yuan_per_insured_person_documented() -> None:
    p = get_preset("zhejiang_levy")
    assert p.values() == {"levy_per_insured": 2.0}
    assert p.sets["levy_per_insured"].basis == "documented"


def test_eu_price_cut_is_the_middle_of_20_to_30_percent() -> None:
    p = get_preset("eu_joint_procurement")
    lo, hi = EU_PRICE_CUT_RANGE
    assert (lo, hi) == (0.20, 0.30)
    assert p.values()["price_cut"] == pytest.approx((lo + hi) / 2)
    assert p.sets["price_cut"].basis == "derived"


def test_australia_targets_75_percent_coverage_with_charity_pooling() -> None:
    p = get_preset("australia_charity_allocation")
    assert p.values()["target_coverage"] == 0.75  # remote coverage ~50% -> ~75%
    assert p.sets["target_coverage"].basis == "documented"
    assert p.values()["charity_pooling_share"] > 0
    assert p.sets["charity_pooling_share"].basis == "illustrative"  # no share in 000


def test_japan_combines_central_industry_and_charity_aiming_under_10_percent() -> None:
    p = get_preset("japan_rescue_fund")
    v = p.values()
    assert v["central_pool"] > 0 and v["industry_levy"] > 0 and v["charity_pooling_share"] > 0
    assert {"central_pool", "industry_levy", "charity_pooling_share"} <= set(
        p.illustrative_keys())  # 000 section 3.2.1 gives no amounts
    assert p.targets["oop_share"].value == 0.10
    assert p.targets["oop_share"].basis == "documented"


def test_singapore_raises_take_up_by_20_percent() -> None:
    p = get_preset("singapore_one_window")
    assert p.values()["take_up_gain"] == 0.20
    assert p.sets["take_up_gain"].basis == "documented"
    # the baseline take-up is set; the model applies the gain: min(1, 0.8 x 1.2) = 0.96
    assert p.values()["take_up"] == pytest.approx(0.8)
    from equity.scenario import scenario_from_dict

    sc = scenario_from_dict({"take_up": p.values()["take_up"],
                             "take_up_gain": p.values()["take_up_gain"]})
    assert sc.effective_take_up == pytest.approx(0.8 * 1.2)
    assert p.sets["take_up"].basis == "illustrative"


def test_cross_regional_fund_sets_pool_mutual_aid_pairing_and_coordination() -> None:
    v = get_preset("cross_regional_equity_fund").values()
    assert v["central_pool"] > 0 and v["mutual_aid_share"] > 0
    assert v["paired_assistance"] == "adjacency"
    assert v["harmonisation_share"] > 0 and v["harmonisation_target"] in ("best", "average")


def test_an_illustrative_value_is_said_so_in_both_languages() -> None:
    for p in presets().values():
        if p.illustrative_keys():
            assert "illustrative" in t(p.description, "en"), p.name
            assert "示例" in t(p.description, "zh"), p.name
        for s in p.sets.values():
            assert s.note.strip()


def test_combine_later_overrides_earlier_and_undo_one() -> None:
    c = combine(["cross_regional_equity_fund", "japan_rescue_fund", "zhejiang_levy"])
    assert c.values["central_pool"] == get_preset("japan_rescue_fund").values()["central_pool"]
    assert c.origin["central_pool"] == "japan_rescue_fund"
    assert c.origin["mutual_aid_share"] == "cross_regional_equity_fund"
    assert c.values["levy_per_insured"] == 2.0
    assert [(o.key, o.earlier, o.later) for o in c.overridden] == [
        ("central_pool", "cross_regional_equity_fund", "japan_rescue_fund")]
    assert c.targets == {"oop_share": 0.10}
    undone = c.without("japan_rescue_fund")
    assert undone.names == ("cross_regional_equity_fund", "zhejiang_levy")
    assert undone.values["central_pool"] == get_preset(
        "cross_regional_equity_fund").values()["central_pool"]
    assert "industry_levy" not in undone.values and undone.targets == {}
    assert sorted(c.keys_set_by("zhejiang_levy")) == ["levy_per_insured"]
    reverse = combine(["japan_rescue_fund", "cross_regional_equity_fund"])
    assert reverse.origin["central_pool"] == "cross_regional_equity_fund"


def test_unknown_and_repeated_names_are_refused() -> None:
    with pytest.raises(PresetError) as err:
        combine(["nope"])
    assert err.value.problems[0].code == "presets.unknown"
    with pytest.raises(PresetError) as err:
        combine(["zhejiang_levy", "zhejiang_levy"])
    assert err.value.problems[0].code == "presets.repeated"


@pytest.mark.parametrize("body, field", [
    ("sets: {levy_per_insurd: {value: 2, basis: documented, note: x}}", "sets"),
    ("sets: {price_cut: {value: 1.5, basis: derived, note: x}}", "sets"),
    ("sets: {price_cut: {value: 0.2, basis: guessed, note: x}}", "sets"),
    ("sets: {price_cut: {value: 0.2, basis: derived, note: x}}\nsize: 3", "size"),
])
def test_a_bad_preset_file_is_refused_naming_the_field(tmp_path, body: str, field: str) -> None:
    path = tmp_path / "zhejiang_levy.yaml"
    path.write_text("name: zhejiang_levy\ntitle: presets.zhejiang_levy.title\n"
                    "description: presets.zhejiang_levy.description\ndocument: '002'\n"
                    f"section: '3'\n{body}\n", encoding="utf-8")
    with pytest.raises(PresetError) as err:
        load_preset_file(path)
    assert err.value.problems[0].code == "presets.invalid"
    assert err.value.problems[0].params["field"].startswith(field)


def test_cli_presets_json_lists_every_preset() -> None:
    out = subprocess.run([sys.executable, "-m", "equity", "presets", "--json"],
                         capture_output=True, text=True, check=True)
    listed = {p["name"]: p for p in json.loads(out.stdout)}
    assert set(listed) == NAMES
    assert listed["zhejiang_levy"]["sets"]["levy_per_insured"]["value"] == 2.0
    out = subprocess.run([sys.executable, "-m", "equity", "presets", "--combine",
                          "zhejiang_levy", "eu_joint_procurement", "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["values"] == {"levy_per_insured": 2.0, "price_cut": 0.25}
    bad = subprocess.run([sys.executable, "-m", "equity", "presets", "--combine", "nope"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "nope" in bad.stderr
