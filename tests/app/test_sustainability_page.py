"""Fund sustainability page through the whole app: the transfer fund set on the Transfer fund
page (here through its URL keys) carried forward, and Zhejiang's Table 3 replayed."""

from __future__ import annotations

import re

from equity.datasets import load
from equity.fund import simulate
from equity.i18n import fmt_number
from equity.projection import project
from equity.sustainability import FundInputs, Growth, sustainability

PAGE = "views/sustainability.py"


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return _plain("\n".join(str(p) for p in parts))


def test_zhejiang_table3_as_printed_with_its_three_flags(make_app):
    at = make_app(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    # 2020 income 10,108 (10,000 yuan) = 101,080,000 yuan (002 Table 3)
    assert float(table.iloc[0, 2]) * 10_000 == 101_080_000
    flags = [w.value for w in at.warning if "kept as printed" in w.value]
    assert len(flags) == 3
    assert any("2024 income" in f for f in flags)
    assert any("2024 surplus" in f for f in flags)
    assert any("2023 expenditure" in f for f in flags)
    # defaults agree with `python -m equity project`: reserve runs out in 2026
    expected = project()
    metric = [m for m in at.metric if m.label == "Year it runs short"][-1]
    assert metric.value == str(expected.depletion_year) == "2026"


def test_no_fund_points_to_the_transfer_fund_page(make_app):
    at = make_app(PAGE)
    assert any("raises no money" in i.value for i in at.info)


def test_headline_is_how_long_the_users_fund_lasts(make_app):
    at = make_app(PAGE, central_pool="5000000", levy_per_insured="1", mutual_aid_share="0.2")
    assert not at.exception, [e.value for e in at.exception]
    data = load("city_w")
    result = simulate(data, {"central_pool": 5e6, "levy_per_insured": 1.0,
                             "mutual_aid_share": 0.2})
    s = sustainability(FundInputs.from_simulation(result), Growth.zhejiang(), horizon=10)
    assert s.depletion_year is not None
    text = _texts(at)
    assert f"runs short in {s.depletion_year}" in text
    assert f"A levy of {fmt_number(s.solvent_levy, 'en')} yuan per insured person" in text
    solvent = next(m for m in at.metric if m.label.startswith("Levy that keeps"))
    assert solvent.value == fmt_number(s.solvent_levy, "en")


def test_chinese(make_app):
    at = make_app(PAGE, lang="zh", central_pool="5000000", levy_per_insured="1")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "基金可持续性"
    assert any("保留原表数值" in w.value for w in at.warning)


def test_report_of_the_current_scenario_is_offered(make_app):
    at = make_app(PAGE, central_pool="5000000")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download the report (HTML, opens offline)" in labels


def test_international_reference_points_are_reachable(make_app):
    at = make_app(PAGE)
    table = at.dataframe[-1].value
    # 000 3.1.2: Australia's remote areas, charity coverage from about 50% to around 75%
    row = table[table["Place"] == "Australia (remote areas)"].iloc[0]
    assert row["Reported change"] == "from about 50% to around 75%"
