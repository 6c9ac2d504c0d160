"""``python -m equity validate FILE|DATASET [--boundaries FILE] [--json] [--lang en|zh]``.

Exit 0 with a summary of a valid region table (rows, groups, patients, patient-weighted
coverage by group, how each fraction column was read, geometry), or exit 2 listing every
problem (file, row, column, message). ``--lang zh`` prints the summary and the problems in
Chinese (with ``--json``: each problem also gets its ``message_zh``). Every text is in the
catalogue (``validate.*``, ``readers.*``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from equity.i18n import t

EXIT_OK = 0
EXIT_INVALID = 2

FRACTION_LABELS = ("charity_coverage", "oop_share", "assistance_coverage")
"""Fraction columns summarised by group (labels: ``validate.label.<column>``)."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a region file (or bundled dataset) and summarise it",
        description="Check a region table (CSV, XLSX, Parquet, GeoJSON, zipped Shapefile, "
        "GeoPackage, WHO HEAT Plus) or a bundled dataset name such as city_w. Exit 0 with a "
        "summary, or 2 with every problem (file, row, column, message).",
    )
    parser.add_argument("file", help="path to a region file, or a bundled dataset name")
    parser.add_argument("--boundaries", help="geospatial file with region_id and boundaries")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the summary and the problems (default: en)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from equity.datasets import load
    from equity.errors import EquityError
    from equity.readers import DataError, Problem, read_regions, summary

    try:
        if args.boundaries is None and not Path(args.file).exists():
            data = load(args.file)  # a bundled dataset name (or a missing file, reported)
        else:
            data = read_regions(args.file, boundaries=args.boundaries)
    except DataError as err:
        _print_problems(err.problems, as_json=args.json, lang=args.lang)
        return EXIT_INVALID
    except EquityError as err:  # a bundled dataset that is not a region table
        problems = [Problem(args.file, None, None, p) for p in err.problems]
        _print_problems(problems, as_json=args.json, lang=args.lang)
        return EXIT_INVALID
    info = summary(data)
    if args.json:
        print(json.dumps({"valid": True, **info}, ensure_ascii=False, indent=2))
    else:
        print(format_summary(info, lang=args.lang))
    return EXIT_OK


def _print_problems(problems: list[Any], *, as_json: bool, lang: str = "en") -> None:
    if as_json:
        rows = [p.to_dict() | ({"message_zh": p.message_zh} if lang == "zh" else {})
                for p in problems]
        print(json.dumps({"valid": False, "problems": rows}, ensure_ascii=False, indent=2))
        return
    key = "validate.problems_one" if len(problems) == 1 else "validate.problems"
    print(t(key, lang, count=len(problems)))
    for problem in problems:
        print(f"  {problem.text(lang)}")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def format_summary(info: dict[str, Any], lang: str = "en") -> str:
    """The text summary printed by ``validate`` (fractions shown as percentages), in ``lang``."""
    zh = lang == "zh"
    sep = t("validate.sep", lang)
    groups = info["groups"]
    lines = [
        t("validate.title", lang, name=info["name"]),
        t("validate.rows", lang, rows=info["rows"]),
        t("validate.groups", lang, column=info["group_column"])
        + sep.join(t("validate.group", lang, label=label, n=g["regions"])
                   for label, g in groups.items()),
        t("validate.patients", lang, n=info["total_patients"]),
    ]
    for column in FRACTION_LABELS:
        if all(column in g for g in groups.values()) and groups:
            lines.append(
                t("validate.weighted", lang, label=t(f"validate.label.{column}", lang))
                + sep.join(f"{name} {_pct(g[column])}" for name, g in groups.items())
            )
    readings = (info.get("fraction_readings_zh") if zh else None) or info["fraction_readings"]
    if readings:
        lines.append(t("validate.readings", lang) + t("validate.reading_sep", lang).join(
            f"{c} {r}" for c, r in readings.items()))
    geometry = (t("validate.geometry_yes", lang, k=info["regions_with_geometry"], n=info["rows"])
                if info["geometry"] else t("validate.geometry_no", lang))
    lines.append(t("validate.geometry", lang, value=geometry))
    for note in (info.get("notes_zh") if zh else None) or info["notes"]:
        lines.append(t("validate.note", lang, note=note))
    return "\n".join(lines)
