"""Hostile and degenerate scenario files (issue 15): refused at once with a clear problem."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equity.scenario import (
    PARAMETER_BY_KEY,
    SCENARIO_MAX_DEPTH,
    Scenario,
    ScenarioError,
    json_depth,
    scenario_from_dict,
    scenario_from_flat,
    scenario_from_json,
    scenario_to_flat,
)

DEPTHS = (1_000, 100_000)


def _shapes(depth: int) -> dict[str, str]:
    return {
        "lists": "[" * depth + "]" * depth,
        "objects": '{"a":' * depth + "1" + "}" * depth,
        "deep value under a key": '{"central_pool": ' + "[" * depth + "]" * depth + "}",
        "mixed": '{"weights": ' + '[{"x":' * (depth // 2) + "0" + "}]" * (depth // 2) + "}",
    }


@pytest.mark.parametrize("depth", DEPTHS)
def test_deep_nesting_is_not_a_scenario_file_at_once(depth):
    for shape, text in _shapes(depth).items():
        start = time.perf_counter()
        with pytest.raises(ScenarioError) as err:
            scenario_from_json(text)
        assert time.perf_counter() - start < 2.0, shape
        (problem,) = err.value.problems
        assert problem.code == "scenario.problem"
        assert problem.params["reason"].code == "scenario.reason.too_deep"
        assert "not a scenario file" in problem.text("en"), shape
        assert "不是情景文件" in problem.text("zh")


def test_depth_is_measured_outside_strings():
    assert json_depth('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == 1
    assert json_depth('{"a": "\\"[[[[", "b": [[1]]}') == 3
    # a real scenario nests two levels and passes
    nested = '{"weights": {"patients": 1}, "compare": {"a": "urban", "b": "rural"}}'
    assert scenario_from_json(nested).weights.patients == 1
    assert json_depth("[" * SCENARIO_MAX_DEPTH + "]" * SCENARIO_MAX_DEPTH) == SCENARIO_MAX_DEPTH


def test_oversized_file_is_refused_unread():
    text = json.dumps({"central_pool": 1, "padding": "x" * 2_000_000})
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(text)
    assert err.value.problems[0].params["reason"].code == "scenario.reason.too_large"


@pytest.mark.parametrize("text", ["null", " null\n", b"null"])
def test_a_file_holding_only_null_is_refused_not_defaults(text):
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(text)
    (problem,) = err.value.problems
    assert problem.params["field"] == "scenario"
    assert "only null" in problem.text("en")


def test_same_groups_a_and_b_is_a_clear_error_naming_compare():
    with pytest.raises(ScenarioError) as err:
        scenario_from_json('{"compare": {"a": "rural", "b": "rural"}}')
    (problem,) = err.value.problems
    assert problem.params["field"] == "compare"
    assert problem.params["reason"].code == "scenario.reason.same_groups"
    assert "'rural'" in problem.text("en") and "rural" in problem.text("zh")


def test_problems_render_in_both_languages():
    with pytest.raises(ScenarioError) as err:
        scenario_from_json('{"take_up": 7}')
    (problem,) = err.value.problems
    assert problem.text("en") == "take_up: above the maximum 1 (got 7)"
    assert problem.text("zh") == "take_up：高于最大值 1（实际为 7）"


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "null"])
def test_command_line_exits_2_with_the_problem(tmp_path, capsys, text):
    from equity.__main__ import main

    path = tmp_path / "scenario.json"
    path.write_text(text)
    assert main(["simulate", "--scenario", str(path)]) == 2
    err = capsys.readouterr().err
    assert "scenario.json: scenario:" in err and "Traceback" not in err


# --------------------------------------------------------------------------- fuzzing

_json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=8,
)


def _nested(key: str, value: object) -> dict:
    data: dict = {}
    target = data
    parts = key.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value
    return data


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(sorted(PARAMETER_BY_KEY)), value=_json_values)
def test_any_value_for_any_parameter_is_a_scenario_or_a_clear_error(key, value):
    try:
        s = scenario_from_dict(_nested(key, value))
    except ScenarioError as err:
        assert err.problems and all(p.text("en") and p.text("zh") for p in err.problems)
        assert all(p.params["field"].split(".")[0] == key.split(".")[0] for p in err.problems)
    else:
        assert isinstance(s, Scenario)


@settings(max_examples=300, deadline=None)
@given(values=st.dictionaries(st.sampled_from(sorted(PARAMETER_BY_KEY)), st.text(max_size=12),
                              max_size=6))
def test_any_url_values_give_a_scenario_and_notices_never_an_exception(values):
    s, notices = scenario_from_flat(values)
    assert isinstance(s, Scenario)
    for n in notices:
        assert n.params["field"] and n.text("en") and n.text("zh")
    # what the scenario keeps reads back unchanged
    assert scenario_from_flat(scenario_to_flat(s)) == (s, [])


def test_a_deeply_nested_cascade_file_is_refused_too(tmp_path, capsys):
    from equity.__main__ import main
    from equity.cascade import CascadeError, cascade_from_json

    text = '{"layers": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(CascadeError) as err:
        cascade_from_json(text)
    assert "not a cascade file" in str(err.value)
    path = tmp_path / "deep.json"
    path.write_text(text)
    assert main(["benefit", "--cascade", str(path), "--cost", "1000"]) == 2
    assert "not a cascade file" in capsys.readouterr().err
