"""Transfer fund page through the whole app (app.py -> navigation -> pages/transfer_fund.py).

Expected numbers come from ``equity.fund.simulate`` on the bundled City W data, run here in the
test; City W's documented coverage (urban 90%, suburban 65%) fixes the 25.0-point gap before.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from equity.datasets import load
from equity.fund import simulate
from equity.scenario import scenario_from_flat, scenario_to_flat

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/transfer_fund.py"


def _open(query: dict[str, str] | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page(PAGE)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _plain(text: str) -> str:
    """Markdown-escaped text as a reader sees it."""
    return re.sub(r"\\(.)", r"\1", text)


def _headline(at: AppTest) -> str:
    lines = [_plain(m.value)[4:] for m in at.markdown if m.value.startswith("### ")]
    assert lines, "no headline on the page"
    return lines[0]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _expected(query: dict[str, str]):
    scenario, notices = scenario_from_flat(query)
    assert notices == []
    return simulate(load("city_w"), scenario)


def _rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def city_w():
    return load("city_w")


def test_default_page_runs_and_says_nothing_changes():
    at = _open()
    assert at.title[0].value == "Transfer fund simulator"
    text = _headline(at)
    # With every default the fund is zero; City W's documented 90% vs 65% gives 25.0 points.
    assert text.startswith("No fund is set yet")
    assert "the urban–suburban gap in charity coverage stays at 25.0 points" in text
    assert {s.key for s in at.slider} >= {"weights.shortfall", "take_up", "breadth_share",
                                          "target_coverage", "admin_overhead"}
    assert {n.key for n in at.number_input} >= {"central_pool", "levy_per_insured"}


def test_headline_and_metrics_are_the_models_numbers():
    query = {"central_pool": "1000000"}
    expected = _expected(query)
    at = _open(query)
    before = f"{expected.gap.before * 100:.1f}"
    after = f"{expected.gap.after * 100:.1f} points"
    assert (before, after) == ("25.0", "10.8 points")  # cross-check of the model run above
    text = _headline(at)
    assert text == (
        f"A fund of 1 million yuan narrows the urban–suburban gap in charity coverage from "
        f"{before} to {after} and reaches {round(expected.newly_covered)} more patients."
    )
    metrics = _metrics(at)
    assert metrics["Gap after"] == after
    assert metrics["Newly covered patients"] == f"{round(expected.newly_covered):,}"


@pytest.mark.parametrize(
    ("group", "key", "value"),
    [
        ("financing", "central_pool", 2_000_000.0),
        ("allocation weights", "weights.equal", 1.0),
        ("use", "breadth_share", 0.5),
        ("target", "target_coverage", 0.7),
    ],
)
def test_moving_each_control_group_changes_the_result(group, key, value):
    at = _open({"central_pool": "1000000"})
    first = _headline(at)
    widget = at.number_input(key=key) if key == "central_pool" else at.slider(key=key)
    widget.set_value(value)
    _rerun(at)
    expected = _expected({"central_pool": "1000000", key: str(value)}
                         if key != "central_pool" else {"central_pool": str(int(value))})
    second = _headline(at)
    assert second != first, group
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points", group


def test_url_state_round_trip():
    query = {"central_pool": "1500000", "weights.equal": "0.5", "breadth_share": "0.75",
             "recipients": "suburban", "compare.indicator": "oop_share"}
    at = _open(query)
    assert at.number_input(key="central_pool").value == 1_500_000.0
    assert at.slider(key="weights.equal").value == 0.5
    assert at.slider(key="breadth_share").value == 0.75
    assert at.selectbox(key="tf_choice_recipients_en").value == "suburban"
    assert at.selectbox(key="tf_choice_compare.indicator_en").value == "oop_share"
    assert not at.warning  # every value was usable: no notice
    expected = _expected(query)
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"
    assert "out-of-pocket share" in _headline(at)
    # The share tab shows the link query: exactly the scenario's non-default values.
    at.session_state["tf_tab"] = "Save and share"
    _rerun(at)
    shown = dict(parse_qsl(at.code[0].value.lstrip("?")))
    assert shown == scenario_to_flat(scenario_from_flat(query)[0])
    assert {k: float(v) if k not in ("recipients", "compare.indicator") else v
            for k, v in shown.items()} == {
        k: float(v) if k not in ("recipients", "compare.indicator") else v
        for k, v in query.items()}


def test_language_switch_changes_the_text_and_keeps_the_scenario():
    at = _open({"central_pool": "1000000"})
    english = _headline(at)
    # After switch_page AppTest reruns only the page, so set the state app.py's picker sets.
    at.session_state["lang"] = "zh"
    _rerun(at)
    assert at.title[0].value == "转移支付基金模拟器"
    chinese = _headline(at)
    assert chinese != english
    assert chinese.startswith(
        "100万元的基金使城区与郊区之间的慈善救助覆盖率差距从25.0缩小到10.8个百分点")
    assert at.number_input(key="central_pool").value == 1_000_000.0
    assert "财政" in at.number_input(key="central_pool").help  # help text in Chinese too


def test_bad_url_values_fall_back_to_defaults_with_a_notice():
    at = _open({"central_pool": "lots", "admin_overhead": "0.9", "take_up": "0.8"})
    notices = [_plain(w.value) for w in at.warning]
    assert len(notices) == 1
    assert "could not be used and were replaced by defaults" in notices[0]
    assert "Central transfer pool = 'lots' → 0 yuan" in notices[0]
    assert "Administrative overhead = '0.9' → 0%" in notices[0]
    # 0.9 is above the 0.5 maximum: the default (0), not the clamped maximum.
    assert at.slider(key="admin_overhead").value == 0.0
    assert at.number_input(key="central_pool").value == 0.0
    assert at.slider(key="take_up").value == 0.8  # the good value is kept
    # Moving a control clears the notice.
    at.slider(key="take_up").set_value(0.9)
    _rerun(at)
    assert not at.warning


def test_all_weights_zero_is_refused_visibly():
    at = _open({"central_pool": "1000000"})
    at.slider(key="weights.shortfall").set_value(0.0)
    _rerun(at)
    notices = [_plain(w.value) for w in at.warning]
    assert any("at least one weight must be above 0" in n for n in notices)
    expected = _expected({"central_pool": "1000000"})  # default weights used instead
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"


@pytest.mark.parametrize("tab", ["Money flow", "Inequality measures"])
def test_other_tabs_render(tab):
    at = _open({"central_pool": "1000000"})
    at.session_state["tf_tab"] = tab
    _rerun(at)
    if tab == "Inequality measures":
        table = at.dataframe[0].value
        assert "BGV" in set(table["Measure"])
        bgv = table.set_index("Measure").loc["BGV"]
        expected = _expected({"central_pool": "1000000"}).measures
        assert bgv["Before"] == pytest.approx(expected["before"]["charity_coverage"]["BGV"])
        assert bgv["After"] == pytest.approx(expected["after"]["charity_coverage"]["BGV"])
        assert bgv["Direction"] == "more equal"
    else:
        caption = " ".join(_plain(c.value) for c in at.caption)
        assert "Gross 1 million yuan = administration 0 yuan" in caption
