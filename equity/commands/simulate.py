"""``python -m equity simulate --data FILE|DATASET [--preset NAME ...] [--scenario FILE]
[--pairs FILE] [--intervals] [--json]``.

Presets (``python -m equity presets``) and the scenario file are applied in the order given
on the command line, a later one overriding the keys an earlier one set (a scenario file
overrides only the keys it writes). ``--pairs``: a pairing table (CSV: donor_id,
recipient_id, optional share) for ``paired_assistance = "table"``. ``--intervals``: each
measure's standard error and 95% interval in the JSON (``measure_intervals``).

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
    parser.add_argument("--scenario", action=_Ordered, dest="steps",
                        help="scenario file (JSON); omitted: every default (a zero fund)")
    parser.add_argument("--preset", action=_Ordered, dest="steps", metavar="NAME",
                        help="a mechanism preset (python -m equity presets); repeatable, "
                        "applied in order with --scenario, later settings override earlier")
    parser.add_argument("--pairs", help="pairing table (CSV: donor_id, recipient_id, share) "
                        "for paired_assistance = table")
    parser.add_argument("--intervals", action="store_true",
                        help="add each measure's standard error and 95%% interval to the JSON")
    parser.add_argument("--json", action="store_true",
                        help="print JSON (fractions 0-1, money in yuan) instead of text")
    parser.set_defaults(func=run)


class _Ordered(argparse.Action):
    """--preset and --scenario share one ordered list of (kind, value) steps."""

    def __call__(self, parser: Any, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        steps = list(getattr(namespace, self.dest, None) or [])
        steps.append(("preset" if option_string == "--preset" else "scenario", values))
        setattr(namespace, self.dest, steps)


def _flat_keys(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key == "version" and not prefix:
            continue
        if isinstance(value, dict):
            flat.update(_flat_keys(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _fail(messages: list[str], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"ok": False, "problems": messages}, ensure_ascii=False, indent=2))
    else:
        for message in messages:
            print(message, file=sys.stderr)
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    from equity.datasets import load
    from equity.errors import EquityError
    from equity.fund import compare_problems, prepare, simulate
    from equity.presets import PresetError, flat_values, get_preset
    from equity.readers import DataError
    from equity.scenario import Scenario, ScenarioError, scenario_from_json

    scenario: Scenario = Scenario()
    names: list[str] = []
    scenario_names: list[str] = []
    for kind, value in getattr(args, "steps", None) or []:
        if kind == "preset":
            try:
                preset = get_preset(value)
                scenario = scenario.replace(**flat_values(preset.values()))
            except PresetError as err:
                return _fail([f"--preset {value}: {p}" for p in err.problems],
                             as_json=args.json)
            except ScenarioError as err:
                return _fail([f"--preset {value}: {p}" for p in err.problems],
                             as_json=args.json)
            names.append(value)
            continue
        path = Path(value)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            return _fail([f"{path}: cannot read the scenario file ({err})"], as_json=args.json)
        try:
            from_file = scenario_from_json(text)
            # only the keys the file writes override what came before it
            written = _flat_keys(json.loads(text.lstrip("\ufeff")))
            scenario = scenario.replace(**{k: from_file.get(k) for k in written})
        except ScenarioError as err:
            return _fail([f"{path}: {p}" for p in err.problems], as_json=args.json)
        scenario_names.append(str(path))
    pairs = None
    if args.pairs:
        import pandas as pd

        try:
            pairs = pd.read_csv(args.pairs, dtype=str)
        except (OSError, ValueError) as err:
            return _fail([f"{args.pairs}: cannot read the pairing table ({err})"],
                         as_json=args.json)

    try:
        data = load(args.data)
        regions = prepare(data)
        problems = compare_problems(regions, scenario)
        if problems:
            return _fail([f"{args.data}: {p}" for p in problems], as_json=args.json)
        result = simulate(regions, scenario, pairs=pairs, intervals=args.intervals)
    except FileNotFoundError:
        return _fail([f"{args.data}: no such file or bundled dataset"], as_json=args.json)
    except OSError as err:
        return _fail([f"{args.data}: cannot read ({err.strerror or err})"], as_json=args.json)
    except DataError as err:  # before ValueError: a DataError is one (its lines name the file)
        return _fail([str(p) for p in err.problems], as_json=args.json)
    except EquityError as err:  # e.g. a pairing table naming unknown regions
        return _fail([str(p) for p in err.problems], as_json=args.json)
    except ValueError as err:
        return _fail([f"{args.data}: {err}"], as_json=args.json)
    label = " + ".join([*names, *scenario_names]) or None
    if args.json:
        out = result.to_dict()
        if names:
            out["presets"] = names
        print(json.dumps(out, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        print(format_result(result, data_name=data.name, scenario_name=label))
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


def _interval_lines(g: Any, fraction: bool) -> list[str]:
    """The gap's 95% interval from the regions' sampling error, when it has one."""
    iv = getattr(g, "interval", None)
    if not iv:
        return []
    parts = [f"{when} {_gap(iv[when]['lower'], fraction)} to {_gap(iv[when]['upper'], fraction)}"
             for when in ("before", "after")]
    return [f"  95% interval (sampling error, se: {iv['se_source']}): " + "; ".join(parts)]


def _lever_lines(levers: dict[str, Any]) -> list[str]:
    """One line per mechanism lever that did something."""
    lines: list[str] = []
    if levers.get("price_cut"):
        p = levers["price_cut"]
        lines.append(f"Price cut saves {_money(p['total'])} yuan / year: insurers "
                     f"{_money(p['insurers'])}, charity {_money(p['charity'])}, patients "
                     f"{_money(p['patients'])}")
    if levers.get("harmonisation"):
        h = levers["harmonisation"]
        lines.append(f"Harmonisation towards the {h['target']} insurer share "
                     f"({100 * h['target_share']:.1f}%) costs insurers "
                     f"{_money(h['cost_to_insurers'])} yuan / year")
    if levers.get("paired"):
        pr = levers["paired"]
        lines.append(f"Paired assistance: {_money(pr['paired_total'])} yuan / year straight to "
                     f"partners in {len(pr['flows'])} pairs, the rest to the pool")
    return ["", *lines] if lines else []


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
        f" + charity pooling {_money(f.sources['charity_pooling'])}"
        + (f" + industry levy {_money(f.sources['industry_levy'])}"
           if "industry_levy" in f.sources else ""),
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
        *_interval_lines(g, fraction),
        "",
        f"Patients newly covered: {result.newly_covered:,.1f}; out-of-pocket saved: "
        f"{_money(result.oop_yuan_saved)} yuan / year",
    ]
    lines += _lever_lines(result.levers)
    lines += ["", "Regions (allocation in yuan; coverage before -> after)"]
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
