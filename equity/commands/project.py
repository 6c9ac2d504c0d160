"""``python -m equity project --preset NAME [--horizon YEARS] [--json]``.

Replays a fund's observed years (Zhejiang 2020-2024 as printed in 002 Table 3, with
its inconsistencies flagged) and projects income, spending, surplus and reserve
``--horizon`` years beyond, reporting the depletion year and the per-capita
financing that breaks even. Money in yuan. Bad input exits 2 with a message.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

EXIT_OK = 0
EXIT_INVALID = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "project",
        help="project a fund's income, spending and reserve year by year",
        description="Replay a fund's history and project it forward: income = per-capita "
        "financing x enrollment, spending = patients x spending per patient, surplus, "
        "reserve, depletion year, break-even financing (yuan).",
    )
    parser.add_argument("--preset", default="zhejiang_2020_2024",
                        help="projection preset (default zhejiang_2020_2024; see --list)")
    parser.add_argument("--horizon", metavar="YEARS",
                        help="years to project beyond the last observed year (0-50)")
    parser.add_argument("--financing", metavar="YUAN",
                        help="per-capita financing for projected years, yuan per enrollee")
    parser.add_argument("--fit", choices=("loglinear", "cagr"),
                        help="how growth is fitted to the history (default loglinear)")
    parser.add_argument("--set", metavar="KEY=VALUE", action="append", default=[],
                        help="override a projection setting, e.g. patient_growth=0.1 or "
                        "other_income=5e6 (repeatable)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--list", action="store_true", help="list the presets and exit")
    parser.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_INVALID


def run(args: argparse.Namespace) -> int:
    from equity.projection import PROJECTION_PRESETS, ProjectionError, project

    if args.list:
        if args.json:
            print(json.dumps([{"name": n, "label_en": p.label["en"], "label_zh": p.label["zh"],
                               "source": p.source} for n, p in PROJECTION_PRESETS.items()],
                             ensure_ascii=False, indent=2))
        else:
            for name, p in PROJECTION_PRESETS.items():
                print(f"{name}: {p.label['en']} / {p.label['zh']}\n    source: {p.source}")
        return EXIT_OK
    overrides: dict[str, Any] = {}
    if args.horizon is not None:
        try:
            overrides["horizon"] = int(args.horizon)
        except ValueError:
            return _fail(f"--horizon: expected a whole number of years, got {args.horizon!r}")
    if args.financing is not None:
        try:
            value = float(args.financing)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            return _fail(f"--financing: expected yuan per enrollee >= 0, got {args.financing!r}")
        overrides["per_capita_financing"] = value
    if args.fit is not None:
        overrides["fit"] = args.fit
    for item in args.set:
        key, sep, text = item.partition("=")
        key = key.strip()
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not sep or not key or not math.isfinite(value):
            return _fail(f"--set: expected KEY=NUMBER, got {item!r}")
        if key in ("horizon", "fit"):
            return _fail(f"--set: use --{key} for {key}")
        overrides[key] = value
    try:
        result = project(args.preset, **overrides)
    except ProjectionError as err:
        return _fail(str(err).replace("\n", "\nerror: "))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result))
    return EXIT_OK


def _million(yuan: float) -> str:
    return f"{yuan / 1e6:,.2f}"


def format_result(result: Any) -> str:
    """Text table of a :class:`~equity.projection.ProjectionResult` (million yuan)."""
    p = result.preset
    lines = [
        f"{p.label['en']} ({p.name}); money in million yuan",
        f"{'year':>4}  {'kind':<9} {'income':>10} {'spending':>10} {'surplus':>10} "
        f"{'reserve':>10} {'patients':>9}",
    ]
    for y in result.years:
        lines.append(
            f"{y.year:>4}  {y.kind:<9} {_million(y.income):>10} {_million(y.expenditure):>10} "
            f"{_million(y.surplus):>10} {_million(y.reserve):>10} {y.patients:>9.0f}"
        )
    g = result.growth
    lines.append(
        f"Growth ({result.fit}): enrollment {g['enrollment']:.2%}, patients "
        f"{g['patients']:.2%}, spending per patient {g['spending_per_patient']:.2%} a year"
    )
    lines.append(f"Per-capita financing in projected years: {p.per_capita_financing:g} yuan")
    lines.append("Reserve runs out: "
                 + (str(result.depletion_year) if result.depletion_year else "not within horizon"))
    if result.break_even_financing is not None:
        lines.append(
            f"Break-even financing over {p.horizon} projected years: "
            f"{result.break_even_financing:.2f} yuan per enrollee; keeping the reserve >= 0: "
            f"{result.sustainable_financing:.2f}"
        )
    for flag in result.flags:
        lines.append(f"flag: {flag['message_en']}")
    return "\n".join(lines)
