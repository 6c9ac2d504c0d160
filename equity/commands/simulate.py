"""``python -m equity simulate --data FILE|DATASET --scenario FILE [--json]``.

Runs the transfer-fund model for one scenario file (JSON, see ``equity.scenario``) on a region
file or a bundled dataset, and prints a text summary or design.md's JSON (``fund``, ``gap``,
``regions``, ``measures``; fractions 0-1, money in yuan / year). Exit 0 on success, 2 with a
clear message for a bad scenario, bad data, or a comparison the data cannot make.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_INVALID = 2

TEXT_MEASURES = ("BGV", "COV", "MDBW", "IDISW", "PAF", "TI", "MLD")
TEXT_REGION_ROWS = 20


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run the transfer-fund model for a scenario file",
        description="Run the cross-regional transfer-fund model on a region file (or a bundled "
        "dataset such as city_w) for one scenario file (JSON). Exit 0 with the result, or 2 "
        "with the problems in the scenario or the data.",
    )
    parser.add_argument("--data", default="city_w",
                        help="region file or bundled dataset name (default: city_w)")
    parser.add_argument("--scenario",
                        help="scenario file (JSON); omitted: every default (a zero fund)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON (fractions 0-1, money in yuan) instead of text")
    parser.set_defaults(func=run)


def _fail(messages: list[str], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"ok": False, "problems": messages}, ensure_ascii=False, indent=2))
    else:
        for message in messages:
            print(message, file=sys.stderr)
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    from equity.datasets import load
    from equity.fund import compare_problems, prepare, simulate
    from equity.readers import DataError
    from equity.scenario import Scenario, ScenarioError, scenario_from_json

    scenario: Scenario
    if args.scenario is None:
        scenario = Scenario()
    else:
        path = Path(args.scenario)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            return _fail([f"{path}: cannot read the scenario file ({err})"], as_json=args.json)
        try:
            scenario = scenario_from_json(text)
        except ScenarioError as err:
            return _fail([f"{path}: {p}" for p in err.problems], as_json=args.json)

    try:
        data = load(args.data)
        regions = prepare(data)
        problems = compare_problems(regions, scenario)
        if problems:
            return _fail([f"{args.data}: {p}" for p in problems], as_json=args.json)
        result = simulate(regions, scenario)
    except FileNotFoundError:
        return _fail([f"{args.data}: no such file or bundled dataset"], as_json=args.json)
    except OSError as err:
        return _fail([f"{args.data}: cannot read ({err.strerror or err})"], as_json=args.json)
    except DataError as err:  # before ValueError: a DataError is one (its lines name the file)
        return _fail([str(p) for p in err.problems], as_json=args.json)
    except ValueError as err:
        return _fail([f"{args.data}: {err}"], as_json=args.json)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(format_result(result, data_name=data.name, scenario_name=args.scenario))
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _money(x: float) -> str:
    # round-off may leave -0.0000001 yuan, which would print as "-0"
    return f"{(0.0 if abs(x) < 0.5 else x):,.0f}"


def _value(x: float, fraction: bool) -> str:
    if x != x:  # NaN
        return "n/a"
    return f"{100 * x:.1f}%" if fraction else f"{x:,.0f}"


def _gap(x: float, fraction: bool) -> str:
    """A difference of two shares is in percentage points, not percent."""
    if x != x:  # NaN
        return "n/a"
    return f"{100 * x:.1f} points" if fraction else f"{x:,.0f} yuan"


def format_result(result: Any, *, data_name: str, scenario_name: str | None) -> str:
    """The text summary printed without ``--json``."""
    from equity.indicators import FRACTION_INDICATORS

    f, g = result.fund, result.gap
    fraction = g.indicator in FRACTION_INDICATORS
    unit = "points" if fraction else "yuan"
    lines = [
        f"Transfer fund: {data_name} ({len(result.regions)} regions), scenario "
        f"{scenario_name or '(defaults)'}",
        "",
        "Fund (yuan / year)",
        f"  gross      {_money(f.gross):>16}   = central pool {_money(f.sources['central_pool'])}"
        f" + levy {_money(f.sources['levy'])} + mutual aid {_money(f.sources['mutual_aid'])}"
        f" + charity pooling {_money(f.sources['charity_pooling'])}",
        f"  overhead   {_money(f.overhead):>16}",
        f"  allocated  {_money(f.allocated):>16}   (of which unclaimed at this take-up "
        f"{_money(f.unclaimed)})",
        f"  unspent    {_money(f.unspent):>16}",
        "",
        f"Gap in {g.indicator}: {g.group_a} - {g.group_b} ({g.column})",
        f"  before  {_value(g.a_before, fraction)} - {_value(g.b_before, fraction)}"
        f" = {_gap(g.before, fraction)}",
        f"  after   {_value(g.a_after, fraction)} - {_value(g.b_after, fraction)}"
        f" = {_gap(g.after, fraction)}",
        f"  closed  {g.points_closed:.2f} {unit}; cost per {unit[:-1]} "
        f"{'n/a' if g.cost_per_point != g.cost_per_point else _money(g.cost_per_point)} yuan",
        "",
        f"Patients newly covered: {result.newly_covered:,.1f}; out-of-pocket saved: "
        f"{_money(result.oop_yuan_saved)} yuan / year",
        "",
        "Regions (allocation in yuan; coverage before -> after)",
    ]
    table = result.regions.sort_values("allocation", ascending=False, kind="stable")
    for row in table.head(TEXT_REGION_ROWS).itertuples(index=False):
        lines.append(
            f"  {row.region_name!s:<20} {row.area_type!s:<10} {_money(row.allocation):>14}  "
            f"{100 * row.charity_coverage_before:5.1f}% -> {100 * row.charity_coverage_after:5.1f}%"
            f"  {row.status}"
        )
    if len(table) > TEXT_REGION_ROWS:
        lines.append(f"  ... {len(table) - TEXT_REGION_ROWS} more (use --json for all)")
    lines += ["", "Inequality across regions, charity coverage (before -> after)"]
    measures = result.measures
    for abbr in TEXT_MEASURES:
        before = measures["before"]["charity_coverage"].get(abbr, float("nan"))
        after = measures["after"]["charity_coverage"].get(abbr, float("nan"))
        lines.append(f"  {abbr:<6} {before:12.6g} -> {after:12.6g}")
    return "\n".join(lines)
