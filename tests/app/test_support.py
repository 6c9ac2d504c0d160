"""dashboard.render: problems rendered as plain lines, Markdown neutralised."""

from __future__ import annotations

from dashboard.render import escape_md, problem_lines
from equity.readers import DataError, Problem
from equity.scenario import ScenarioError, scenario_from_json


def test_data_error_lines_name_file_row_and_column() -> None:
    err = DataError(
        [
            Problem("a.csv", 3, "patients", "not a number: 'x'"),
            Problem("a.csv", None, "oop_share", "column is missing"),
            Problem("a.csv", None, None, "the file is empty"),
        ]
    )
    assert problem_lines(err, "en") == [
        "a.csv, row 3, column “patients”: not a number: 'x'",
        "a.csv, column “oop_share”: column is missing",
        "a.csv: the file is empty",
    ]
    assert problem_lines(err, "zh")[0] == "a.csv，第3行，“patients”列：not a number: 'x'"


def test_scenario_error_lines_name_the_key() -> None:
    try:
        scenario_from_json('{"take_up": 7, "nonsense": 1}')
    except ScenarioError as err:
        lines = problem_lines(err, "en")
    else:
        raise AssertionError("an invalid scenario was accepted")
    assert any("take_up" in line for line in lines)
    assert any("nonsense" in line for line in lines)


def test_other_errors_give_one_readable_line() -> None:
    assert problem_lines(OSError("disk full"), "en") == ["Something went wrong: disk full"]


def test_escape_md_neutralises_markup() -> None:
    text = "<script>x</script> [a](http://e.com) **b** `c` $d$\nnext"
    escaped = escape_md(text)
    for raw in ("<script>", "[a]", "**b**", "`c`", "$d$", "\n"):
        assert raw not in escaped
    assert escaped.replace("\\", "") == text.replace("\n", " ")
