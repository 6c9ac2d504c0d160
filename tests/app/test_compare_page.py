"""Compare page through the whole app: save two scenarios, compare them, reopen the link,
upload a scenario file, and download the comparison report."""

from __future__ import annotations

import re

from equity.comparison import results_table
from equity.datasets import load
from equity.fund import simulate

PAGE = "views/compare.py"


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _save(at, name: str):
    at.text_input(key="cmp_name").set_value(name)
    at.button(key="cmp_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_empty_then_save_two_and_compare(make_app):
    at = make_app(PAGE, central_pool="5000000")
    assert any("Nothing saved yet" in i.value for i in at.info)
    _save(at, "Pool 5m")
    # the cheaper variant, as if the user moved the pool on the Transfer fund page
    at.session_state["central_pool"] = 2_000_000.0
    at.run()
    _save(at, "Pool 2m")
    assert at.multiselect(key="cmp_pick").value == ["Pool 5m", "Pool 2m"]
    data = load("city_w")
    expected = results_table({"Pool 5m": simulate(data, {"central_pool": 5e6}),
                              "Pool 2m": simulate(data, {"central_pool": 2e6})}, "en")
    shown = at.dataframe[0].value
    assert shown.loc["Gap after", "Pool 5m"] == expected.loc["Gap after", "Pool 5m"]
    assert shown.loc["Cost per point closed", "Pool 2m"] == \
        expected.loc["Cost per point closed", "Pool 2m"]
    params = at.dataframe[1].value
    assert params.loc["Central transfer pool", "Pool 2m"] == "2 million yuan"
    assert "cmp" in at.query_params
    heads = _plain("\n".join(m.value for m in at.markdown))
    assert "Pool 5m" in heads and "Pool 2m" in heads


def test_the_link_reopens_the_comparison(make_app):
    at = make_app(PAGE, central_pool="5000000")
    _save(at, "A")
    at.session_state["central_pool"] = 1_000_000.0
    at.run()
    _save(at, "B")
    code = at.query_params["cmp"]
    fresh = make_app(PAGE, cmp=code)
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert fresh.multiselect(key="cmp_pick").value == ["A", "B"]
    params = fresh.dataframe[1].value
    assert params.loc["Central transfer pool", "A"] == "5 million yuan"
    assert params.loc["Central transfer pool", "B"] == "1 million yuan"


def test_a_bad_link_falls_back_with_a_notice(make_app):
    at = make_app(PAGE, cmp="garbage")
    assert any("could not be used" in w.value for w in at.warning)
    assert any("Nothing saved yet" in i.value for i in at.info)


def test_report_download_holds_the_headline_and_no_external_url(make_app):
    at = make_app(PAGE, central_pool="5000000")
    _save(at, "Pool 5m")
    button = at.get("download_button")
    report = [b for b in button if b.proto.label.startswith("Download the report")]
    assert len(report) == 1


def test_the_choice_survives_a_visit_to_the_transfer_fund_page(make_app):
    at = make_app(PAGE, central_pool="5000000")
    _save(at, "A")
    at.switch_page("views/transfer_fund.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="cmp_pick").value == ["A"]
