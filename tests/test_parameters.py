"""Parameters and presets declared as data files (equity/parameters)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from equity.cascade import PRESET_REFERENCES, PRESETS, CascadeError, benefit, load_presets
from equity.indicators import GAP_INDICATORS
from equity.parameters import (
    CASCADES_DIR,
    SCENARIO_FILE,
    ParameterFileError,
    parse_scenario_parameters,
)
from equity.scenario import PARAMETER_BY_KEY, PARAMETERS, Scenario

NEW_SCHEME = """\
document: "003"
section: III(I)
applies_from: 2024
cascade:
  name: new_city_scheme
  label: {en: New city scheme, zh: 新城市方案}
  source: 003 III(I), a scheme added by an analyst without Python
  layers:
    - name: basic
      payer: basic_insurance
      label: {en: Basic insurance, zh: 基本医保}
      source: illustrative
      illustrative: true
      rate: 0.5
    - name: assistance
      payer: medical_assistance
      label: {en: Medical assistance, zh: 医疗救助}
      source: illustrative
      illustrative: true
      deductible: 10000
      rate: 0.8
      cap: 50000
"""


def test_every_documented_scheme_is_a_file_with_document_section_and_year():
    files = sorted(p.stem for p in CASCADES_DIR.glob("*.yaml"))
    assert files == sorted(["zhejiang_special_fund", "zhoushan_2025", "foshan_assistance",
                            "hunan_critical_illness"]) == sorted(PRESETS)
    assert PRESET_REFERENCES["zhejiang_special_fund"].applies_from == 2020
    assert PRESET_REFERENCES["zhoushan_2025"].applies_from == 2025
    assert PRESET_REFERENCES["zhoushan_2025"].document == "002"
    assert all(r.section for r in PRESET_REFERENCES.values())


def test_a_new_scheme_is_added_by_writing_a_yaml_file(tmp_path: Path):
    (tmp_path / "new_city_scheme.yaml").write_text(NEW_SCHEME, encoding="utf-8")
    cascades, refs = load_presets(tmp_path)
    assert refs["new_city_scheme"].applies_from == 2024
    # 100,000 yuan: basic pays 50,000; assistance 0.8 x (50,000 - 10,000) = 32,000 (< cap);
    # the patient pays 18,000.
    result = benefit(cascades["new_city_scheme"], 100_000)
    assert result.oop == pytest.approx(18_000)
    assert [p.paid for p in result.layers] == pytest.approx([50_000, 32_000])


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d.update(colour="red"), "colour: unknown key"),
    (lambda d: d["cascade"]["layers"][0].update(rat=0.5), "unknown key"),
    (lambda d: d.pop("applies_from"), "applies_from"),
    (lambda d: d["cascade"].update(name="other_name"), "must match the file name"),
])
def test_a_preset_file_with_a_typo_is_refused_naming_the_key(tmp_path: Path, edit, words):
    data = yaml.safe_load(NEW_SCHEME)
    edit(data)
    (tmp_path / "new_city_scheme.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(CascadeError) as err:
        load_presets(tmp_path)
    assert words in str(err.value)


def test_scenario_parameters_come_from_the_file():
    data = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
    assert [p["key"] for p in data["parameters"]] == [p.key for p in PARAMETERS]
    for entry in data["parameters"]:
        p = PARAMETER_BY_KEY[entry["key"]]
        assert p.default == entry["default"] == Scenario().get(p.key)
        assert p.label == entry["label"] and p.reference["document"]
    assert PARAMETER_BY_KEY["compare.indicator"].choices == GAP_INDICATORS
    # the pydantic model enforces the file's bounds
    assert Scenario.model_fields["take_up"].metadata  # ge / le from the file


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d["parameters"][0].update(lable={"en": "x", "zh": "x"}), "unknown key"),
    (lambda d: d["parameters"][0].update(default=-1.0), "default outside its bounds"),
    (lambda d: d["parameters"].append(dict(d["parameters"][0])), "declared twice"),
    (lambda d: d["parameters"][0]["reference"].pop("document"), "document"),
])
def test_a_scenario_file_with_a_typo_is_refused(edit, words):
    data = yaml.safe_load(SCENARIO_FILE.read_text(encoding="utf-8"))
    edit(data)
    with pytest.raises(ParameterFileError) as err:
        parse_scenario_parameters(data)
    assert words in str(err.value)


def test_the_example_preset_in_examples_loads_and_runs(tmp_path: Path):
    source = Path(__file__).resolve().parent.parent / "examples/presets/example_city_scheme.yaml"
    (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    cascades, refs = load_presets(tmp_path)
    # 100,000 yuan: basic 50,000; assistance 0.8 x (50,000 - 10,000) = 32,000; patient 18,000
    assert benefit(cascades["example_city_scheme"], 100_000).oop == pytest.approx(18_000)
    assert refs["example_city_scheme"].document == "003"
