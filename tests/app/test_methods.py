"""Methods page: formulas, the generated parameter and measure tables, documents cited."""

from __future__ import annotations

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
        assert row["Source"] == p.source
        assert row["Unit"] == p.unit["en"]
    text = " ".join(m.value for m in at.markdown)
    assert "000" in text and "3.1.2" in text and "HEAT" in text


def test_methods_in_chinese(make_app) -> None:
    at = make_app("views/methods.py", lang="zh")
    assert not at.exception
    assert at.title[0].value == "方法与来源"
    params = next(d.value for d in at.table if "键" in d.value.columns)
    assert list(params["单位"]) == [p.unit["zh"] for p in PARAMETERS]
