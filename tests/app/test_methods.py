"""Methods page: formulas, the generated parameter and measure tables, documents cited."""

from __future__ import annotations

import re

import pytest

from equity.i18n import t
from equity.measures import MEASURES
from equity.scenario import PARAMETERS


def test_methods_lists_every_parameter_and_measure(make_app) -> None:
    at = make_app("views/methods.py")
    assert not at.exception
    assert len(at.latex) >= 10
    tables = [d.value for d in at.table]
    measures = next(t for t in tables if "Measure" in t.columns)
    assert set(measures["Measure"]) == set(MEASURES)
    params = next(t for t in tables if "Key" in t.columns)
    assert list(params["Key"]) == [p.key for p in PARAMETERS]
    for p in PARAMETERS:
        row = params[params["Key"] == p.key].iloc[0]
        # the source by document title and section (issue 10: no raw "000 section 3.1.2")
        doc = p.reference["document"]
        if doc in ("000", "001", "002", "003", "004"):
            assert row["Source"].startswith(t(f"doc.{doc}.short", "en")), row["Source"]
            for section in re.findall(r"\d+(?:\.\d+)+|(?<=section )\d+", p.source):
                assert f"§{section}" in row["Source"], (p.key, row["Source"])
            assert p.reference["note"] in row["Source"]
        else:
            assert row["Source"].startswith(("model choice", "design notes (docs/)"))
            note = p.reference.get("note")
            assert not note or note in row["Source"]
        assert row["Unit"] == p.unit["en"]
    text = " ".join(m.value for m in at.markdown)
    assert "000" in text and "3.1.2" in text and "HEAT" in text


def test_methods_in_chinese(make_app) -> None:
    at = make_app("views/methods.py", lang="zh")
    assert not at.exception
    assert at.title[0].value == "方法与来源"
    params = next(d.value for d in at.table if "键" in d.value.columns)
    assert list(params["单位"]) == [p.unit["zh"] for p in PARAMETERS]
    # sources in Chinese, documents by title: no raw code, no English note
    sources = dict(zip(params["键"], params["来源"], strict=True))
    assert sources["take_up"] == (t("doc.000.short", "zh") + "，第3.2.2节及第4.2.2节"
                                  "（新加坡一站式平台：申请成功率提高20%）")
    assert sources["levy_per_insured"].startswith(t("doc.002.short", "zh") + "，第3节")
    assert sources["admin_overhead"] == "模型设定"
    assert not any(re.match(r"00\d ", s) for s in sources.values())
    # every parameter's note in Chinese (an English gloss was left on seven of them)
    assert sources["paired_assistance"].endswith("（按事先协商的比例对口支援）")
    assert sources["drug_share"] == "模型设定（示意：文献未给出药品费用占比）"
    for p in PARAMETERS:
        if p.reference.get("note"):
            assert p.reference["note"] not in sources[p.key], p.key
    # a choice's default by its name, as its control shows it
    defaults = dict(zip(params["键"], params["默认值"], strict=True))
    assert defaults["harmonisation_target"] == t("tf.choice.harmonisation_target.best", "zh")
    assert defaults["paired_assistance"] == t("tf.choice.paired_assistance.off", "zh")
    assert (defaults["compare.a"], defaults["compare.b"]) == ("城区", "郊区")
    assert defaults["recipients"] == t("tf.recipients.below_target", "zh")
    assert defaults["compare.indicator"] == "慈善救助覆盖率"
    assert defaults["compare.column"] == "区域类型"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_methods_writes_the_mechanisms_and_the_uncertainty_method(make_app, lang) -> None:
    at = make_app("views/methods.py", lang=lang)
    assert not at.exception
    headers = [h.value for h in at.header]
    assert t("m.mech_header", lang) in headers and t("m.unc_header", lang) in headers
    latex = " ".join(x.value for x in at.latex)
    assert "T_i' = T_i" in latex and "(1 - d" in latex  # price cut on the drug share
    assert t("m.tex.pool", lang) in latex  # paired assistance: the rest to the pool
    assert "sqrt{y_i (1 - y_i) / P_i}" in latex  # binomial standard error
