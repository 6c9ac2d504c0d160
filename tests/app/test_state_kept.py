"""Issue 15: nothing a user did is lost on a page switch, a language switch or a failed upload
(the previous dataset and scenario stay); repeated and blank link values get a notice."""

from __future__ import annotations

from tests.app.scenario_panel import open_group
from tests.app.test_data_page import BAD, GOOD, _upload


def _state(at) -> tuple:
    return (at.session_state["dataset"], len(at.session_state["region_data"].table),
            at.session_state["take_up"], at.session_state["central_pool"])


def _scenario_set(make_app):
    """An upload made the dataset, then two Transfer fund controls moved off their defaults."""
    at = make_app("views/data.py")
    _upload(at, "good.csv", GOOD)
    assert at.session_state["dataset"] == "upload"
    at.switch_page("views/transfer_fund.py").run()
    at.number_input(key="central_pool").set_value(2_000_000.0).run()
    open_group(at, "take_up")  # the open group stays open across page and language switches
    at.slider(key="take_up").set_value(0.7).run()
    at.run()
    assert not at.exception
    assert _state(at) == ("upload", 2, 0.7, 2_000_000.0)
    return at


def test_page_switch_keeps_dataset_and_scenario(make_app) -> None:
    at = _scenario_set(make_app)
    for page in ("views/overview.py", "views/compare.py", "views/data.py",
                 "views/transfer_fund.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.session_state["dataset"] == "upload", page
        assert len(at.session_state["region_data"].table) == 2, page
    assert at.slider(key="take_up").value == 0.7
    assert at.session_state["central_pool"] == 2_000_000.0
    assert open_group(at, "central_pool").number_input(key="central_pool").value == 2_000_000.0


def test_language_switch_keeps_dataset_and_scenario(make_app, set_bound) -> None:
    at = _scenario_set(make_app)
    set_bound(at, at.radio(key="lang"), "zh")
    assert not at.exception
    assert at.session_state["lang"] == "zh"
    assert at.slider(key="take_up").value == 0.7
    assert at.session_state["central_pool"] == 2_000_000.0
    assert open_group(at, "central_pool", "zh").number_input(key="central_pool").value \
        == 2_000_000.0
    assert at.session_state["dataset"] == "upload"
    assert len(at.session_state["region_data"].table) == 2


def test_failed_upload_keeps_dataset_and_scenario(make_app) -> None:
    at = _scenario_set(make_app)
    at.switch_page("views/data.py").run()
    _upload(at, "bad.csv", BAD)
    assert at.error and "row 3" in at.error[0].value
    assert at.session_state["dataset"] == "upload"
    assert len(at.dataframe[0].value) == 2  # the good file's table, not the bad one's
    at.switch_page("views/transfer_fund.py").run()
    assert not at.exception
    assert at.slider(key="take_up").value == 0.7
    assert open_group(at, "central_pool").number_input(key="central_pool").value == 2_000_000.0


def test_repeated_url_key_gets_a_notice_and_no_value_wins(make_app) -> None:
    at = make_app("views/transfer_fund.py", take_up=["0.5", "0.7"],
                  compare_a=["urban", "suburban"])
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("more than once" in w and "0\\.5" in w and "0\\.7" in w for w in warnings)
    assert any("group A more than once" in w for w in warnings)
    # Neither value is used: the defaults are shown, as the notice says.
    assert "take_up" not in at.query_params
    assert open_group(at, "take_up").slider(key="take_up").value == 1.0
    assert at.session_state["compare"]["a"] == "urban"
    assert at.session_state["compare"]["b"] == "suburban"


def test_repeated_url_key_notice_in_chinese(make_app) -> None:
    at = make_app(lang="zh", indicator=["oop_share", "charity_coverage"])
    assert any("不止一次" in w.value for w in at.warning)


def test_blank_group_values_are_refused_like_empty_ones() -> None:
    from equity.scenario import scenario_from_flat

    for key, default in (("compare.column", "area_type"), ("compare.a", "urban"),
                         ("compare.b", "suburban")):
        for raw in ("", " ", "\t "):
            scenario, notices = scenario_from_flat({key: raw})
            assert [n.params["field"] for n in notices] == [key], (key, raw)
            assert getattr(scenario.compare, key.split(".")[1]) == default


def test_blank_sidebar_link_values_get_a_notice(make_app) -> None:
    for key in ("compare_col", "compare_a", "compare_b"):
        at = make_app(**{key: " "})
        assert any("“ ”" in w.value for w in at.warning), key
