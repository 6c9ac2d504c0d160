"""``python -m equity validate FILE|DATASET [--boundaries FILE] [--json]``.

Exit 0 with a summary of a valid region table (rows, groups, patients, patient-weighted
coverage by group, how each fraction column was read, geometry), or exit 2 listing every
problem (file, row, column, message).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_INVALID = 2

_LABELS = {
    "charity_coverage": "Charity coverage",
    "oop_share": "Out-of-pocket share",
    "assistance_coverage": "Assistance coverage",
}


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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from equity.datasets import load
    from equity.io import DataError, Problem, read_regions, summary

    try:
        if args.boundaries is None and not Path(args.file).exists():
            data = load(args.file)  # a bundled dataset name (or a missing file, reported)
        else:
            data = read_regions(args.file, boundaries=args.boundaries)
    except DataError as err:
        _print_problems(err.problems, as_json=args.json)
        return EXIT_INVALID
    except ValueError as err:
        _print_problems([Problem(args.file, None, None, str(err))], as_json=args.json)
        return EXIT_INVALID
    info = summary(data)
    if args.json:
        print(json.dumps({"valid": True, **info}, ensure_ascii=False, indent=2))
    else:
        print(format_summary(info))
    return EXIT_OK


def _print_problems(problems: list[Any], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"valid": False, "problems": [p.to_dict() for p in problems]},
                         ensure_ascii=False, indent=2))
        return
    print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was loaded:")
    for problem in problems:
        print(f"  {problem}")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def format_summary(info: dict[str, Any]) -> str:
    """The text summary printed by ``validate`` (fractions shown as percentages)."""
    groups = info["groups"]
    lines = [
        f"Valid region table: {info['name']}",
        f"  rows: {info['rows']}",
        f"  groups ({info['group_column']}): "
        + ", ".join(f"{label} {g['regions']}" for label, g in groups.items()),
        f"  total patients: {info['total_patients']:,.0f}",
    ]
    for column, label in _LABELS.items():
        if all(column in g for g in groups.values()) and groups:
            lines.append(
                f"  {label.lower()} (patient-weighted): "
                + ", ".join(f"{name} {_pct(g[column])}" for name, g in groups.items())
            )
    readings = info["fraction_readings"]
    if readings:
        lines.append("  fractions read as: "
                     + "; ".join(f"{c} {r}" for c, r in readings.items()))
    geometry = (f"yes ({info['regions_with_geometry']} of {info['rows']} regions)"
                if info["geometry"] else "no")
    lines.append(f"  geometry: {geometry}")
    for note in info["notes"]:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
