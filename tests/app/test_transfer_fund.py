"""Transfer fund page through the whole app (app.py -> navigation -> views/transfer_fund.py).

Expected numbers come from ``equity.fund.simulate`` on the bundled City W data, run here in the
test; City W's documented coverage (urban 90%, suburban 65%) fixes the 25.0-point gap before.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from streamlit.testing.v1 import AppTest

from equity.datasets import load
from equity.fund import simulate
from equity.i18n import t
from equity.scenario import scenario_from_flat, scenario_to_flat
from tests.app.scenario_panel import open_group

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/transfer_fund.py"


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


def _control(at: AppTest, key: str, lang: str = "en"):
    """The widget of control ``key``, its group opened first (only the open group is drawn)."""
    from equity.scenario import PARAMETER_BY_KEY

    open_group(at, key, lang)
    p = PARAMETER_BY_KEY[key]
    if not p.numeric:
        return at.selectbox(key=f"tf_choice_{key}_{lang}")
    return at.number_input(key=key) if p.kind == "money" else at.slider(key=key)


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
    # Only the chosen group's controls are drawn: Financing first. The groups and the
    # results' sections are chosen with segmented controls, not tabs (no tab panel re-walks
    # its content on every rerun: benchmarks/README.md, fifteenth session).
    assert not at.tabs
    groups = at.segmented_control(key="tf_group")
    assert groups.options == [
        "Financing", "Drug prices", "Coordination between regions", "Allocation weights",
        "Use and take-up", "Target"]
    assert at.session_state["tf_group"] == "Financing" and groups.label == "Groups of settings"
    sections = at.segmented_control(key="tf_tab")
    assert sections.options == [
        "Results", "Money flow", "Inequality measures", "Financial protection",
        "Goal seek and optimum", "Sensitivity and uncertainty", "Save and share"]
    assert at.session_state["tf_tab"] == "Results" and sections.label == "Sections of the results"
    assert {s.key for s in at.slider} == {"mutual_aid_share", "charity_pooling_share",
                                          "admin_overhead"}
    assert {n.key for n in at.number_input} == {"central_pool", "levy_per_insured",
                                                "industry_levy"}
    open_group(at, "use")
    assert {s.key for s in at.slider} == {"take_up", "breadth_share", "take_up_gain"}
    assert not at.number_input
    assert _headline(at) == text  # opening a group changes nothing


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



def _record_calls(monkeypatch, **chart_builders: str) -> list[str]:
    """The order in which the page calls ``dashboard.scenario_ui.controls`` ("controls"),
    ``dashboard.scenario_ui.write_link`` ("write_link"), ``dashboard.exports.results`` (the
    Results tab's last element, "downloads") and the named builders of
    ``equity.charts.fund`` (recorded under the given names)."""
    import dashboard.exports
    import dashboard.scenario_ui
    import equity.charts.fund

    order: list[str] = []

    def recording(function, label):
        def record(*args, **kwargs):
            order.append(label)
            return function(*args, **kwargs)
        return record

    monkeypatch.setattr(dashboard.scenario_ui, "controls",
                        recording(dashboard.scenario_ui.controls, "controls"))
    monkeypatch.setattr(dashboard.scenario_ui, "write_link",
                        recording(dashboard.scenario_ui.write_link, "write_link"))
    monkeypatch.setattr(dashboard.exports, "results",
                        recording(dashboard.exports.results, "downloads"))
    for name, label in chart_builders.items():
        monkeypatch.setattr(equity.charts.fund, name,
                            recording(getattr(equity.charts.fund, name), label))
    return order


def test_after_a_move_the_headline_goes_out_before_the_controls(monkeypatch):
    """On a rerun the controls' values are read before the widgets are drawn, so the headline
    is sent first (issue 10, slider -> headline); it is drawn once and is the new value's."""
    order = _record_calls(monkeypatch, build_headline="headline")
    at = _open({"central_pool": "1000000"})
    # The first run too: every control has a value before its widget is drawn (from the
    # link, else its default).
    assert order[:2] == ["headline", "controls"]
    thumb = _control(at, "breadth_share")
    order.clear()
    thumb.set_value(0.5)
    _rerun(at)
    assert order[:2] == ["headline", "controls"]
    assert order.count("headline") == 1
    # The address bar is written once, last: its change must not reach the browser with the
    # headline's messages (benchmarks/README.md, thirteenth session).
    assert order[-2:] == ["downloads", "write_link"] and order.count("write_link") == 1
    assert at.query_params["breadth_share"] == "0.5"
    expected = _expected({"central_pool": "1000000", "breadth_share": "0.5"})
    headlines = [m for m in at.markdown if m.value.startswith("### ")]
    assert len(headlines) == 1
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"
    assert f"{expected.gap.after * 100:.1f} points" in _headline(at)


def test_after_a_move_the_results_charts_are_built_before_the_controls(monkeypatch):
    """The open Results tab's charts are built right after the headline, before the controls
    are drawn (issue 10, slider -> headline), and are the new value's: the same figures as a
    link to that value opens with."""
    order = _record_calls(monkeypatch, build_region_change_figure="region_change")
    at = _open({"central_pool": "1000000"})
    # first run: built where drawn
    assert order == ["controls", "region_change", "downloads", "write_link"]
    thumb = _control(at, "breadth_share")
    order.clear()
    thumb.set_value(0.35)
    _rerun(at)
    assert order == ["region_change", "controls", "downloads", "write_link"]  # built once
    moved = [chart.proto.spec for chart in at.get("plotly_chart")]
    linked = _open({"central_pool": "1000000", "breadth_share": "0.35"})
    assert moved == [chart.proto.spec for chart in linked.get("plotly_chart")]
    stale = _open({"central_pool": "1000000"})
    assert moved != [chart.proto.spec for chart in stale.get("plotly_chart")]


def test_a_headline_drawn_ahead_of_a_corrected_value_is_redrawn_once(monkeypatch):
    """When the values read before the controls are drawn differ from the widgets' (a widget
    corrected one; here ``stored_values`` is made to return a stale take-up once), the
    headline sent ahead is not the scenario's: the page runs once more and shows one headline,
    the widgets' scenario's, drawn after the controls. (It is drawn in a plain container, not
    an st.empty, so the last run's headline stays on screen until replaced.)"""
    import dashboard.scenario_ui
    import equity.charts.fund

    at = _open({"central_pool": "1000000"})
    real_stored = dashboard.scenario_ui.stored_values
    real_build = equity.charts.fund.build_headline
    stored_calls: list[str] = []
    headlines: list[str] = []

    def stale(*args, **kwargs):
        values = real_stored(*args, **kwargs)
        stored_calls.append("stored")
        if len(stored_calls) == 1 and values is not None:
            values = {**values, "breadth_share": 0.5}
        return values

    def recording(*args, **kwargs):
        headlines.append(real_build(*args, **kwargs))
        return headlines[-1]

    thumb = _control(at, "breadth_share")
    monkeypatch.setattr(dashboard.scenario_ui, "stored_values", stale)
    monkeypatch.setattr(equity.charts.fund, "build_headline", recording)
    thumb.set_value(0.4)
    _rerun(at)
    expected = _expected({"central_pool": "1000000", "breadth_share": "0.4"})
    wrong = _expected({"central_pool": "1000000", "breadth_share": "0.5"})
    assert expected.gap.after != wrong.gap.after
    # one run more, not a loop: its values are not read early
    assert stored_calls == ["stored"]
    assert len(headlines) == 2 and headlines[0] != headlines[1]
    shown = [m for m in at.markdown if m.value.startswith("### ")]
    assert len(shown) == 1
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"
    assert at.query_params["breadth_share"] == "0.4"
    # and the next move takes the early path again
    at.slider(key="breadth_share").set_value(0.3)
    _rerun(at)
    assert stored_calls == ["stored", "stored"]


def test_a_model_error_is_said_once_with_no_stale_headline(monkeypatch):
    """The model refusing a scenario on a rerun (here: made to raise) leaves the page with the
    error in words and no headline from the run before (the early headline is cleared)."""
    import dashboard.models

    at = _open({"central_pool": "1000000"})
    assert _headline(at)

    def refuse(*args, **kwargs):
        raise ValueError("no regions to fund")

    thumb = _control(at, "breadth_share")
    monkeypatch.setattr(dashboard.models, "simulation", refuse)
    thumb.set_value(0.5)
    _rerun(at)
    assert [e.value for e in at.error] == [
        "The model could not run on this scenario: no regions to fund"]
    assert not [m for m in at.markdown if m.value.startswith("### ")]


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
    widget = _control(at, key)
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
    assert not at.warning  # every value was usable: no notice
    assert at.query_params["central_pool"] == "1500000"  # the address bar keeps them all
    assert at.query_params["breadth_share"] == "0.75"
    assert _control(at, "central_pool").value == 1_500_000.0
    assert _control(at, "weights.equal").value == 0.5
    assert _control(at, "breadth_share").value == 0.75
    assert _control(at, "recipients").value == "suburban"
    assert _control(at, "compare.indicator").value == "oop_share"
    # Every group's values stay in the address bar while another group is open.
    assert {k: at.query_params[k] for k in query} == query
    assert not at.warning  # every value was usable: no notice
    expected = _expected(query)
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"
    assert "out-of-pocket share" in _headline(at)
    # The share tab shows the link query: exactly the scenario's non-default values.
    at.session_state["tf_tab"] = "Save and share"
    _rerun(at)
    shown = {k: v for k, v in parse_qsl(at.code[0].value.split("?", 1)[1]) if k in query}
    assert shown == scenario_to_flat(scenario_from_flat(query)[0])
    assert {k: float(v) if k not in ("recipients", "compare.indicator") else v
            for k, v in shown.items()} == {
        k: float(v) if k not in ("recipients", "compare.indicator") else v
        for k, v in query.items()}


def test_the_open_group_travels_in_the_link_and_a_bad_one_is_said():
    """``?group=`` opens that group of the scenario panel (by code, in either language); the
    default group leaves the link; an unknown group gets a notice and the first group."""
    at = _open({"central_pool": "1000000", "group": "allocation"})
    assert {s.key for s in at.slider} == {"weights.patients", "weights.shortfall",
                                          "weights.disadvantage", "weights.equal"}
    assert at.query_params["group"] == "allocation"
    assert not at.warning
    open_group(at, "target")
    assert at.query_params["group"] == "target"
    open_group(at, "financing")
    assert "group" not in at.query_params
    assert at.query_params["central_pool"] == "1000000"

    zh = _open({"group": "use"}, lang="zh")
    assert {s.key for s in zh.slider} == {"take_up", "breadth_share", "take_up_gain"}
    bad = _open({"group": "everything"})
    notices = [_plain(w.value) for w in bad.warning]
    assert any("“everything”" in n and "group of scenario settings" in n for n in notices), \
        notices
    assert {n.key for n in bad.number_input} == {"central_pool", "levy_per_insured",
                                                 "industry_levy"}


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
    assert "central_pool" not in at.query_params  # the address bar says what is used
    assert _control(at, "take_up").value == 0.8  # the good value is kept
    assert len(at.warning) == 1  # opening a group is not moving a control
    # Moving a control clears the notice.
    at.slider(key="take_up").set_value(0.9)
    _rerun(at)
    assert not at.warning


def test_all_weights_zero_is_refused_visibly():
    at = _open({"central_pool": "1000000"})
    _control(at, "weights.shortfall").set_value(0.0)
    _rerun(at)
    notices = [_plain(w.value) for w in at.warning]
    assert any(n.startswith("Every allocation weight is 0") for n in notices)
    assert at.slider(key="weights.shortfall").value == 0.0  # the control is not snapped back
    expected = _expected({"central_pool": "1000000"})  # default weights used instead
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"


@pytest.mark.parametrize("tab", ["Money flow", "Inequality measures"])
def test_other_tabs_render(tab):
    at = _open({"central_pool": "1000000"})
    at.session_state["tf_tab"] = tab
    _rerun(at)
    if tab == "Inequality measures":
        # a static table (it wraps the reading column instead of scrolling inside itself)
        assert not at.dataframe
        table = at.table[0].value
        assert "BGV" in set(table["Measure"])
        bgv = table.set_index("Measure").loc["BGV"]
        expected = _expected({"central_pool": "1000000"}).measures
        assert bgv["Before"] == pytest.approx(expected["before"]["charity_coverage"]["BGV"])
        assert bgv["After"] == pytest.approx(expected["after"]["charity_coverage"]["BGV"])
        assert bgv["Direction"] == "more equal"
    else:
        caption = " ".join(_plain(c.value) for c in at.caption)
        assert "Gross 1 million yuan = administration 0 yuan" in caption


def _tab(at: AppTest, label: str) -> AppTest:
    at.session_state["tf_tab"] = label
    return _rerun(at)


def test_goal_seek_reachable_then_apply():
    from equity.solve import goal_seek

    at = _tab(_open({"central_pool": "1000000"}), "Goal seek and optimum")
    at.number_input(key="tf_goal_target").set_value(5.0)
    _rerun(at)
    at.button(key="tf_goal_run").click()
    _rerun(at)
    expected = goal_seek(load("city_w"), scenario_from_flat({"central_pool": "1000000"})[0],
                         target_gap=0.05)
    assert expected.reachable
    success = _plain(at.success[0].value)
    assert success.startswith("Reachable: with Central transfer pool at 1.4 million yuan")
    assert f"{expected.gap * 100:.1f} points" in success
    open_group(at, "use")  # another group open: applying the answer brings the lever in view
    at.button(key="tf_goal_apply").click()
    _rerun(at)
    # Applied rounded up to the input's 100,000-yuan step, so the target is still met.
    assert at.number_input(key="central_pool").value == 1_500_000.0
    assert at.query_params["central_pool"] == "1500000"
    gap_after = float(_metrics(at)["Gap after"].split()[0])
    assert gap_after <= 5.0


def test_goal_seek_not_reachable_is_said_plainly():
    at = _tab(_open({"central_pool": "1000000", "max_coverage": "0.7"}),
              "Goal seek and optimum")
    at.number_input(key="tf_goal_target").set_value(5.0)
    at.button(key="tf_goal_run").click()
    _rerun(at)
    errors = [_plain(e.value) for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("Not reachable: no Central transfer pool brings the gap under "
                                "5.0 points")
    assert "The smallest gap is 17.9 points" in errors[0]
    assert not at.success


def test_optimal_allocation_beside_formula():
    from equity.solve import optimal_allocation

    at = _tab(_open({"central_pool": "1000000"}), "Goal seek and optimum")
    expected = optimal_allocation(load("city_w"),
                                  scenario_from_flat({"central_pool": "1000000"})[0])
    summary = " ".join(_plain(m.value) for m in at.markdown)
    assert (f"the formula leaves a gap in charity coverage of "
            f"{expected.gap_formula * 100:.1f} points") in summary
    chart = at.get("plotly_chart")
    assert len(chart) == 1


def test_sensitivity_and_uncertainty_tab():
    from equity.solve import uncertainty

    at = _tab(_open({"central_pool": "1000000"}), "Sensitivity and uncertainty")
    assert len(at.get("plotly_chart")) == 1  # the tornado, before any Monte Carlo run
    at.button(key="tf_unc_run").click()
    _rerun(at)
    assert len(at.get("plotly_chart")) == 2
    expected = uncertainty(load("city_w"), scenario_from_flat({"central_pool": "1000000"})[0],
                           draws=500, seed=0)
    summary = " ".join(_plain(m.value) for m in at.markdown)
    assert (f"between {expected.gap[5] * 100:.1f} points and {expected.gap[95] * 100:.1f} "
            "points") in summary


def test_scenario_upload_sets_every_control_and_bad_files_are_explained():
    at = _tab(_open(), "Save and share")
    good = (b'{"version": 1, "central_pool": 1200000, "take_up": 0.8, '
            b'"weights": {"patients": 1, "shortfall": 0, "disadvantage": 0, "equal": 0}}')
    at.get("file_uploader")[0].set_value(("mine.json", good, "application/json"))
    _rerun(at)
    assert "Scenario mine.json loaded." in _plain(at.success[0].value)
    assert at.number_input(key="central_pool").value == 1_200_000.0
    assert _control(at, "take_up").value == 0.8
    assert _control(at, "weights.patients").value == 1.0
    assert _control(at, "weights.shortfall").value == 0.0
    expected = _expected({"central_pool": "1200000", "take_up": "0.8",
                          "weights.patients": "1", "weights.shortfall": "0"})
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"

    odd = (b'{"version": 1, "central_pool": 900000, "recipients": ["suburban", "urban"], '
           b'"compare": {"column": "area_type", "a": "urban", "b": "remote", '
           b'"indicator": "oop_per_patient"}}')
    at.get("file_uploader")[0].set_value(("odd.json", odd, "application/json"))
    _rerun(at)
    assert at.session_state["central_pool"] == 900_000.0
    notes = [_plain(w.value) for w in at.warning]
    assert ("Recipient regions: suburban,urban is not offered on this page for this data; "
            "using Regions below the target coverage.") in notes
    assert ("Gap indicator: oop_per_patient is not offered on this page for this data; "
            "using charity coverage.") in notes
    assert any("(area_type: urban vs remote) are not in this data" in n for n in notes)

    bad = b'{"version": 1, "central_pool": -5, "colour": "blue"}'
    at.get("file_uploader")[0].set_value(("bad.json", bad, "application/json"))
    _rerun(at)
    error = _plain(at.error[0].value)
    assert "The scenario file bad.json could not be used:" in error
    assert "central_pool" in error and "colour: unknown key" in error
    assert at.session_state["central_pool"] == 900_000.0  # nothing half-loaded
    assert _control(at, "central_pool").value == 900_000.0


def test_share_tab_offers_the_current_scenario():
    at = _tab(_open({"central_pool": "1000000", "breadth_share": "0.5"}), "Save and share")
    button = at.get("download_button")[0]
    assert button.proto.label == "Download scenario (JSON)"
    assert button.proto.url.endswith(".json")
    link = dict(parse_qsl(at.code[0].value.split("?", 1)[1]))
    # The sidebar's settings (app.py's URL keys) come along with the scenario.
    assert link == {"lang": "en", "dataset": "city_w", "compare_col": "area_type",
                    "compare_a": "urban", "compare_b": "suburban",
                    "central_pool": "1000000", "breadth_share": "0.5"}


# --------------------------------------------------------------------------- financial protection

PROTECTION_TAB = "Financial protection"


def _protection_expected(query: dict[str, str], **kwargs):
    from equity.protection import protection_from_simulation

    return protection_from_simulation(_expected(query), load("city_w"), **kwargs)


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _protection_headline(at: AppTest) -> str:
    lines = [_plain(m.value)[5:] for m in at.markdown if m.value.startswith("#### ")]
    assert len(lines) == 1, lines
    return lines[0]


def test_protection_tab_runs_only_when_opened():
    at = _open({"central_pool": "1000000", "recipients": "suburban"})
    assert not [m for m in at.markdown if m.value.startswith("#### ")]
    assert not [s for s in at.segmented_control if s.key == "tf_prot_threshold"]
    at = _tab(at, PROTECTION_TAB)
    assert at.segmented_control(key="tf_prot_threshold").value == 0.40


def test_protection_tab_shows_the_models_numbers_for_city_w():
    query = {"central_pool": "1000000", "recipients": "suburban"}
    expected = _protection_expected(query)
    overall = expected.overall
    before, after = overall["catastrophic_40_before"], overall["catastrophic_40_after"]
    assert after < before  # the fund lowers catastrophic spending in City W's suburbs
    at = _tab(_open(query), PROTECTION_TAB)
    assert _protection_headline(at) == (
        f"With the fund, the share of patients whose out-of-pocket spending exceeds 40% of "
        f"household income falls from {_pct(before)} to {_pct(after)} (patient-weighted).")
    text = " ".join(_plain(m.value) for m in at.markdown)
    assert (f"Pushed below the poverty line of 10,000 yuan per household per year "
            f"(illustrative): {_pct(overall['impoverished_before'])} of patients before the "
            f"fund, {_pct(overall['impoverished_after'])} after.") in text
    # Assumptions: City W has household income, so the data's column is named, not the default.
    assert "household_income column, read as each region's median" in text
    assert "lognormal" in text
    table = at.dataframe[0].value
    regions = expected.regions
    assert list(table["Region"]) == list(regions["region_name"])
    assert list(table["Before (%)"]) == pytest.approx(
        list(regions["catastrophic_40_before"] * 100))
    assert list(table["After (%)"]) == pytest.approx(
        list(regions["catastrophic_40_after"] * 100))
    # Urban districts receive nothing under "suburban only": their shares do not move.
    urban = regions["area_type"].eq("urban").to_numpy()
    assert (table.loc[urban, "Change (points)"] == 0).all()
    assert (table.loc[~urban, "Change (points)"] < 0).any()
    chart = at.get("plotly_chart")
    assert len(chart) == 1

    # Another threshold and poverty line: the same cached run read at 25%, a new line re-run.
    at.segmented_control(key="tf_prot_threshold").set_value(0.25)
    at.number_input(key="tf_prot_poverty").set_value(20_000.0)
    _rerun(at)
    other = _protection_expected(query, poverty_line=20_000.0).overall
    assert _protection_headline(at) == (
        f"With the fund, the share of patients whose out-of-pocket spending exceeds 25% of "
        f"household income falls from {_pct(other['catastrophic_25_before'])} to "
        f"{_pct(other['catastrophic_25_after'])} (patient-weighted).")
    text = " ".join(_plain(m.value) for m in at.markdown)
    assert f"{_pct(other['impoverished_before'])} of patients before the fund" in text
    assert other["impoverished_before"] != overall["impoverished_before"]


def test_protection_tab_zero_fund_changes_nothing():
    at = _tab(_open({"recipients": "suburban"}), PROTECTION_TAB)
    expected = _protection_expected({"recipients": "suburban"}).overall
    assert expected["catastrophic_40_before"] == expected["catastrophic_40_after"]
    assert _protection_headline(at) == (
        f"No fund is set yet: {_pct(expected['catastrophic_40_before'])} of patients spend "
        f"more than 40% of household income out of pocket (patient-weighted).")
    table = at.dataframe[0].value
    assert list(table["Before (%)"]) == list(table["After (%)"])
    assert (table["Change (points)"] == 0).all()
    assert not at.error


def test_bad_language_in_link_is_reported_on_the_transfer_fund_page():
    # Issue 10: the sidebar's notice for a bad `lang` was dropped on this page (its own link
    # check reruns at once, and by then the bound radio had corrected the URL).
    at = _open(lang="xx")
    notices = [_plain(w.value) for w in at.warning]
    assert any("“xx”" in n and "language" in n for n in notices), notices
    assert at.radio(key="lang").value == "en"
    # Moving a control means the notice was seen.
    _control(at, "target_coverage").set_value(0.8).run()
    assert not [n for n in (_plain(w.value) for w in at.warning) if "“xx”" in n]


def test_data_without_boundaries_gets_a_change_tile_grid():
    # Issue 10: the Overview drew a tile grid for data with no geometry while this page said
    # there was no map. Three regions, no boundaries; a fund of 1 million yuan.
    csv = ("region_id,region_name,area_type,patients,charity_coverage,oop_share,"
           "cost_per_patient,subsidy_per_patient\n"
           "A,North,urban,100,0.9,0.3,100000,18000\n"
           "B,East,suburban,300,0.5,0.3,100000,18000\n"
           "C,South,suburban,200,0.6,0.3,100000,18000\n")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="upload_file").set_value(("three.csv", csv.encode(), "text/csv"))
    at.run()
    at.run()
    at.switch_page(PAGE)
    at.query_params["central_pool"] = "1000000"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [i for i in at.info if "no map" in i.value]
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if '"tile"' in c.proto.spec.lower() or "Tile grid" in c.proto.spec)
    # One heatmap trace over a grid (rows of cells, blank cells ""): issue 15.
    labels = [text for row in spec["data"][0]["text"] for text in row if text]
    data = at.session_state["region_data"]
    result = simulate(data, scenario_from_flat({"central_pool": "1000000"})[0])
    regions = result.regions.set_index("region_name")
    change = {name: 100 * (regions.loc[name, "charity_coverage_after"]
                           - regions.loc[name, "charity_coverage_before"])
              for name in ("North", "East", "South")}
    assert any(abs(v) >= 0.05 for v in change.values())  # the fund moved someone
    # Grouped by area type then name: suburban East, South; urban North.
    assert labels == [f"{n}<br>{change[n]:+.1f}" for n in ("East", "South", "North")]
    cells = [v for row in spec["data"][0]["z"] for v in row if v is not None]
    assert len(cells) == 3 and not spec["layout"].get("shapes")


def test_gap_metric_delta_is_explained_and_absent_without_a_fund():
    # Issue 10: a bare "-17.9" delta, and a red up-arrow "+0.0" with no fund.
    at = _open()
    gap = next(m for m in at.metric if m.label == "Gap after")
    assert not gap.delta  # no fund: the gap did not change, so no arrow
    at = _open({"central_pool": "1000000"})
    data = load("city_w")
    expected = simulate(data, scenario_from_flat({"central_pool": "1000000"})[0]).gap
    change = round(abs(expected.after) * 100 - abs(expected.before) * 100, 1)
    gap = next(m for m in at.metric if m.label == "Gap after")
    assert gap.delta == f"{change:+.1f} points in size"
    assert f"before the fund it was {expected.before * 100:.1f} points" in gap.help
    assert change < 0  # the fund narrows City W's gap


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_narrowing_gap_reads_as_an_improvement_in_both_languages(lang):
    # Issue 10: the Chinese delta ("差距大小变化-14.2个百分点") did not start with its sign, so
    # Streamlit drew a red up-arrow next to a gap that shrank. The delta starts with the sign in
    # both languages; with delta_color="inverse" a smaller gap is a green down-arrow.
    from streamlit.proto.Metric_pb2 import Metric as MetricProto

    at = _open({"central_pool": "1000000"}, lang=lang)
    expected = simulate(load("city_w"), scenario_from_flat({"central_pool": "1000000"})[0]).gap
    change = round(abs(expected.after) * 100 - abs(expected.before) * 100, 1)
    assert change == pytest.approx(-14.2)  # 25.0 points before, 10.8 after
    gap = next(m for m in at.metric if m.label == t("tf.metric.gap_after", lang))
    assert gap.delta == t("tf.metric.gap_delta", lang, change=f"{change:+.1f}")
    assert gap.delta.startswith("-14.2")
    assert gap.proto.color == MetricProto.MetricColor.GREEN
    assert gap.proto.direction == MetricProto.MetricDirection.DOWN


def test_tab_and_threshold_travel_in_the_link():
    # Issue 10: a link could not reopen the money-flow tab or a protection threshold.
    at = _open({"tab": "money"}, lang="zh")
    assert at.session_state["tf_tab"] == "资金流向"
    # Only the open tab draws: the money flow, not the Results charts.
    assert [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")] == ["tf_money_flow"]
    assert at.query_params["tab"] == "money"
    # A language switch keeps the tab open (its state held the Chinese label).
    at.session_state["lang"] = "en"
    at.run()
    assert at.session_state["tf_tab"] == "Money flow"
    at = _open({"tab": "protection", "threshold": "0.25"})
    assert at.segmented_control(key="tf_prot_threshold").value == 0.25
    assert not at.warning
    at = _open({"tab": "nowhere"})
    assert at.session_state["tf_tab"] == "Results"
    assert any("nowhere" in _plain(w.value) for w in at.warning)


def test_presenter_mode_titles_the_scenario_and_folds_the_controls():
    # Issue 10: presenter mode shows the scenario's name as title, the controls folded.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["presenter"] = "true"
    at.run()
    at.switch_page(PAGE)
    at.query_params["name"] = "Option A"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="presenter").value is True
    assert at.title[0].value == "Option A"
    assert at.expander[0].proto.expanded is False
    assert at.text_input(key="name").value == "Option A"
    plain = _open({"name": "Option A"})
    assert plain.title[0].value == "Transfer fund simulator"  # the name titles presenter mode
    assert plain.expander[0].proto.expanded is True


def test_link_notices_sit_above_the_headline():
    # Issue 10: a bad link value's notice appeared below the scenario panel, out of view.
    at = _open({"central_pool": "lots"})
    flat = [(type(e).__name__, str(getattr(e, "value", ""))) for e in _flatten(at.main)]
    warning_at = next(i for i, (kind, value) in enumerate(flat)
                      if kind == "Warning" and "lots" in _plain(value))
    metric_at = next(i for i, (kind, _) in enumerate(flat) if kind == "Metric")
    expander_at = next(i for i, (kind, _) in enumerate(flat) if kind == "Expander")
    assert warning_at < metric_at < expander_at


def _flatten(node) -> list:
    out = [node]
    for child in getattr(node, "children", {}).values():
        out.extend(_flatten(child))
    return out


def test_measures_tab_draws_intervals_and_explains_d_and_the_se():
    """Issue 14 on the page: the HEAT-style chart with each measure's interval before and
    after, where the standard errors came from, the headline gap's interval, and why D is not
    the group gap (issue 10)."""
    import math

    from equity.measures import gap_interval, gap_sampling_se, summarise, table_se

    at = _open({"central_pool": "1000000"})
    at.session_state["tf_tab"] = "Inequality measures"
    _rerun(at)
    expected = _expected({"central_pool": "1000000"})
    data = load("city_w")
    # binomial se of the shares before (City W has no se column), computed independently
    se = table_se(data.table, "charity_coverage").se
    p = data.table["patients"].to_numpy(float)
    y = data.table["charity_coverage"].to_numpy(float)
    assert se[0] == pytest.approx(math.sqrt(0.95 * 0.05 / 120))
    before = summarise(y, p, favourable=True, order=data.table["gdp_per_capita"], se=se,
                       order_rules=False, intervals=True)
    chart = next(c for c in at.get("plotly_chart")
                 if json.loads(c.proto.spec)["data"][0].get("meta", {}).get("measure"))
    spec = json.loads(chart.proto.spec)
    d_before = next(tr for tr in spec["data"]
                    if tr["meta"] == {"measure": "D", "state": "before"})
    assert d_before["x"][0] == pytest.approx(0.45)
    assert d_before["x"][0] - d_before["error_x"]["arrayminus"][0] == pytest.approx(
        before["D"].lower)
    assert d_before["error_x"]["visible"] is True
    text = " ".join(_plain(c.value) for c in [*at.caption, *at.markdown, *at.info])
    assert "binomial standard errors" in text
    assert "Why D is not the headline gap" in text
    assert "45.0 points before" in text  # D: 95% - 50% (best and worst region)
    in_a = (data.table["area_type"] == "urban").to_numpy()
    sampling = gap_sampling_se(se, p, in_a, ~in_a)
    ci = gap_interval(0.25, se_sampling=sampling)
    assert f"25.0 points (95% interval {ci.lower * 100:.1f} points to" in text
    assert f"{ci.upper * 100:.1f} points)" in text
    table = at.table[0].value
    assert {"Before, 95% interval", "After, 95% interval"} <= set(table.columns)
    assert expected.gap.indicator == "charity_coverage"


def test_headline_gives_the_gap_interval():
    from equity.measures import gap_interval, gap_sampling_se

    at = _open({"central_pool": "1000000"})
    expected = _expected({"central_pool": "1000000"})
    regions = expected.regions
    y = regions["charity_coverage_after"].to_numpy(float)
    p = regions["patients"].to_numpy(float)
    se = (y * (1 - y) / p) ** 0.5
    in_a = (regions["area_type"] == "urban").to_numpy()
    ci = gap_interval(expected.gap.after, se_sampling=gap_sampling_se(se, p, in_a, ~in_a))
    captions = [_plain(c.value) for c in at.caption]
    assert (f"95% interval of the gap after: {ci.lower * 100:.1f} points to "
            f"{ci.upper * 100:.1f} points") in " ".join(captions)


def test_presets_set_controls_show_who_set_what_and_undo_one():
    """Issue 12 on the page: presets chosen by title set the controls they cover (the model
    then runs on those values), a table says which preset set which setting, each shows its
    document and section, and one can be undone while the other stays."""
    at = _open()
    at.multiselect(key="tf_presets").set_value(["zhejiang_levy",
                                                "australia_charity_allocation"])
    _rerun(at)
    # Zhejiang: 2 yuan per insured person (002 section 3); Australia: target 75% (000 3.1.2)
    assert at.number_input(key="levy_per_insured").value == 2.0
    expected = _expected({"levy_per_insured": "2", "target_coverage": "0.75",
                          "charity_pooling_share": "0.2", "breadth_share": "1",
                          "weights.patients": "0.5", "weights.shortfall": "0",
                          "weights.disadvantage": "0.5", "weights.equal": "0"})
    assert _metrics(at)["Gap after"] == f"{expected.gap.after * 100:.1f} points"
    table = at.table[0].value
    set_by = dict(zip(table["Setting"], table["Set by"], strict=True))
    assert set_by["Levy per insured person"] == "Zhejiang: per-capita levy"
    assert set_by["Target coverage"] == "Australia: national charity allocation"
    # The closed groups' settings are named under the open one.
    elsewhere = [_plain(c.value) for c in at.caption
                 if c.value.startswith("Set in the other groups")]
    # (Financing is open: the levy and the charity pooling share are in view.)
    assert elsewhere == ["Set in the other groups: Target coverage = 75%; "
                         "Weight: patient numbers = 0.5; Weight: coverage shortfall = 0; "
                         "Weight: economic disadvantage = 0.5."]
    bold = " ".join(_plain(m.value) for m in at.markdown)
    assert "Document 002 — " in bold and "section 3" in bold
    assert "section 3.1.2" in bold
    # one sentence per active mechanism, with its effect
    assert any(e.label == "What each active mechanism does" for e in at.expander)
    lines = " ".join(_plain(m.value) for m in at.markdown if m.value.startswith("- "))
    assert "The per-capita levy brings" in lines and "Without it the gap after" in lines
    at.button(key="tf_preset_undo_zhejiang_levy").click()
    _rerun(at)
    assert at.number_input(key="levy_per_insured").value == 0.0  # back to its default
    assert _control(at, "target_coverage").value == 0.75  # the other preset stays
    assert _control(at, "weights.patients").value == 0.5
    assert at.multiselect(key="tf_presets").value == ["australia_charity_allocation"]


def test_presets_titles_in_chinese():
    at = _open(lang="zh")
    picker = at.multiselect(key="tf_presets")
    assert picker.label == "来自文献的预设方案"
    picker.set_value(["eu_joint_procurement"])
    _rerun(at)
    table = at.table[0].value
    assert list(table.columns) == ["参数", "取值", "设置来源", "依据"]
    assert set(table["依据"]) == {"由文献数据推算"}


def test_every_declared_group_gets_its_controls():
    """A group scenario.yaml declares (price, coordination, ...) is drawn without a code
    change: every non-compare parameter is a control on the page."""
    from dashboard.scenario_ui import CONTROL_KEYS, GROUPS
    from equity.scenario import PARAMETERS

    assert set(GROUPS) == {p.group for p in PARAMETERS} - {"compare"}
    assert {p.key for p in PARAMETERS if p.group != "compare"} <= set(CONTROL_KEYS)
    at = _open()
    drawn: set[str] = set()
    for group in GROUPS:
        open_group(at, group)
        here = {w.key for w in [*at.slider, *at.number_input]} | {
            s.key.removeprefix("tf_choice_").removesuffix("_en") for s in at.selectbox
            if s.key.startswith("tf_choice_")}
        assert here == {p.key for p in PARAMETERS if p.group == group} | (
            {"compare.indicator"} if group == "target" else set()), group
        drawn |= here
    assert {p.key for p in PARAMETERS if p.group != "compare"} <= drawn


def test_optimum_explains_its_unspent_reserve():
    """City W, 2 million yuan for suburban districts only: the optimum closes the gap with
    1.53 million yuan and the page says why the rest stays unspent (issue 10)."""
    from equity.solve import optimal_allocation

    query = {"central_pool": "2000000", "recipients": "suburban"}
    expected = optimal_allocation(load("city_w"), scenario_from_flat(query)[0])
    spent = expected.regions["allocation_optimal"].sum()
    assert spent == pytest.approx(1_530_000.0, abs=1.0)
    at = _tab(_open(query), "Goal seek and optimum")
    text = " ".join(_plain(c.value) for c in at.caption)
    assert ("The optimal allocation spends 1.53 million yuan of the 2 million yuan net fund "
            "(after administration); the remaining 470,000 yuan stays as an unspent "
            "reserve: the gap between the groups is already closed") in text


def test_risk_tab_says_which_way_is_better_what_has_no_effect_and_what_varies():
    from equity.measures import gap_interval
    from equity.solve import uncertainty

    query = {"central_pool": "2000000"}
    expected = _expected(query)
    assert expected.gap.after < 0  # City W's default weights reverse the gap at 2 million
    at = _tab(_open(query), "Sensitivity and uncertainty")
    notes = " ".join(_plain(m.value) for m in at.markdown)
    assert (f"The gap is reversed, {expected.gap.after * 100:.1f} points (suburban ahead of "
            "urban), so a bar reaching right, towards 0, narrows it") in notes
    # every money lever at 0 is named in one sentence with the reason
    assert re.search(r"No effect from [^:]*Levy per insured person[^:]*: each is 0 in this "
                     r"scenario, and 10% more or less of 0 is still 0", notes)
    captions = " ".join(_plain(c.value) for c in at.caption)
    assert "What varies in each draw, for every region alike: take-up" in captions
    at.button(key="tf_unc_run").click()
    _rerun(at)
    mc = uncertainty(load("city_w"), scenario_from_flat(query)[0], draws=500, seed=0)
    regions = expected.regions
    y = regions["charity_coverage_after"].to_numpy(float)
    p = regions["patients"].to_numpy(float)
    se = (y * (1 - y) / p) ** 0.5
    urban = (regions["area_type"] == "urban").to_numpy()
    var = sum(((p[m] / p[m].sum()) ** 2 * se[m] ** 2).sum() for m in (urban, ~urban))
    both = gap_interval(mc.base_gap, se_sampling=var ** 0.5, draws=mc.gap_draws)
    text = " ".join(_plain(m.value) for m in at.markdown)
    assert (f"the gap after lies between {both.lower * 100:.1f} points and "
            f"{both.upper * 100:.1f} points") in text


def test_seek_out_of_pocket_target_as_in_japan_and_unreachable_said_plainly():
    """Issue 12: the smallest central pool that brings the patient-weighted out-of-pocket
    share under 10% (Japan, 000 3.2.1), the same number equity.solve.seek gives; a target no
    lever can reach is said plainly with the closest value."""
    from equity.i18n import fmt_money, fmt_pct
    from equity.solve import seek

    at = _tab(_open(), "Goal seek and optimum")
    at.button(key="tf_seek_run").click()
    _rerun(at)
    expected = seek(load("city_w"), scenario_from_flat({})[0], indicator="oop_share",
                    target=0.10, lever="central_pool")
    assert expected.reachable and expected.value > 0  # about 28 million yuan from 30% today
    text = _plain(at.success[-1].value)
    assert text == (f"Central transfer pool of {fmt_money(expected.value, 'en')} brings "
                    "patients' out-of-pocket share to 10.0%.")
    at.number_input(key="tf_seek_target").set_value(0.0)
    _rerun(at)
    at.button(key="tf_seek_run").click()
    _rerun(at)
    never = seek(load("city_w"), scenario_from_flat({})[0], indicator="oop_share",
                 target=0.0, lever="central_pool")
    assert not never.reachable
    error = _plain(at.error[-1].value)
    assert error.startswith("Not reachable: no Central transfer pool brings")
    assert fmt_pct(never.achieved, "en") in error
