"""``python -m equity validate FILE|DATASET [--boundaries FILE] [--json] [--lang en|zh]``.

Exit 0 with a summary of a valid region table (rows, groups, patients, patient-weighted
coverage by group, how each fraction column was read, geometry), or exit 2 listing every
problem (file, row, column, message). ``--lang zh`` prints the summary and the problems in
Chinese (with ``--json``: each problem also gets its ``message_zh``).
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
_LABELS_ZH = {
    "charity_coverage": "慈善救助覆盖率",
    "oop_share": "自付比例",
    "assistance_coverage": "医疗救助覆盖率",
}
_KINDS_ZH = {"reference": "参照", "fund_series": "基金序列"}


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
    from equity.io import DataError, Problem, read_regions, summary

    try:
        if args.boundaries is None and not Path(args.file).exists():
            data = load(args.file)  # a bundled dataset name (or a missing file, reported)
        else:
            data = read_regions(args.file, boundaries=args.boundaries)
    except DataError as err:
        _print_problems(err.problems, as_json=args.json, lang=args.lang)
        return EXIT_INVALID
    except ValueError as err:
        problem = Problem(args.file, None, None, str(err), _not_a_region_table_zh(args.file))
        _print_problems([problem], as_json=args.json, lang=args.lang)
        return EXIT_INVALID
    info = summary(data)
    if args.json:
        print(json.dumps({"valid": True, **info}, ensure_ascii=False, indent=2))
    else:
        print(format_summary(info, lang=args.lang))
    return EXIT_OK


def _not_a_region_table_zh(name: str) -> str:
    from equity.datasets import list_datasets

    kind = next((d.kind for d in list_datasets() if d.name == name), "")
    regions = "、".join(d.name for d in list_datasets() if d.kind == "regions")
    return (f"“{name}”是{_KINDS_ZH.get(kind, '')}数据集，不是地区表；"
            f"可用的地区表数据集：{regions}")


def _print_problems(problems: list[Any], *, as_json: bool, lang: str = "en") -> None:
    if as_json:
        rows = [p.to_dict() | ({"message_zh": p.message_zh or p.message} if lang == "zh" else {})
                for p in problems]
        print(json.dumps({"valid": False, "problems": rows}, ensure_ascii=False, indent=2))
        return
    if lang == "zh":
        print(f"发现{len(problems)}个问题；未加载任何数据：")
    else:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was loaded:")
    for problem in problems:
        print(f"  {problem.text(lang)}")


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


_SUMMARY_TEXT = {
    "en": {
        "title": "Valid region table: {name}", "rows": "  rows: {rows}",
        "groups": "  groups ({column}): ", "group": "{label} {n}", "sep": ", ",
        "patients": "  total patients: {n:,.0f}", "weighted": "  {label} (patient-weighted): ",
        "readings": "  fractions read as: ", "reading_sep": "; ",
        "geometry_yes": "yes ({k} of {n} regions)", "geometry_no": "no",
        "geometry": "  geometry: {value}", "note": "  note: {note}",
    },
    "zh": {
        "title": "有效的地区表：{name}", "rows": "  行数：{rows}",
        "groups": "  分组（{column}）：", "group": "{label} {n}个", "sep": "，",
        "patients": "  患者总数：{n:,.0f}人", "weighted": "  {label}（按患者加权）：",
        "readings": "  比例的读取方式：", "reading_sep": "；",
        "geometry_yes": "有（{n}个地区中的{k}个）", "geometry_no": "无",
        "geometry": "  几何图形：{value}", "note": "  说明：{note}",
    },
}


def format_summary(info: dict[str, Any], lang: str = "en") -> str:
    """The text summary printed by ``validate`` (fractions shown as percentages), in ``lang``."""
    zh = lang == "zh"
    text = _SUMMARY_TEXT["zh" if zh else "en"]
    groups = info["groups"]
    lines = [
        text["title"].format(name=info["name"]),
        text["rows"].format(rows=info["rows"]),
        text["groups"].format(column=info["group_column"])
        + text["sep"].join(text["group"].format(label=label, n=g["regions"])
                           for label, g in groups.items()),
        text["patients"].format(n=info["total_patients"]),
    ]
    for column, label in (_LABELS_ZH if zh else _LABELS).items():
        if all(column in g for g in groups.values()) and groups:
            lines.append(
                text["weighted"].format(label=label if zh else label.lower())
                + text["sep"].join(f"{name} {_pct(g[column])}" for name, g in groups.items())
            )
    readings = (info.get("fraction_readings_zh") if zh else None) or info["fraction_readings"]
    if readings:
        lines.append(text["readings"]
                     + text["reading_sep"].join(f"{c} {r}" for c, r in readings.items()))
    geometry = (text["geometry_yes"].format(k=info["regions_with_geometry"], n=info["rows"])
                if info["geometry"] else text["geometry_no"])
    lines.append(text["geometry"].format(value=geometry))
    for note in (info.get("notes_zh") if zh else None) or info["notes"]:
        lines.append(text["note"].format(note=note))
    return "\n".join(lines)
