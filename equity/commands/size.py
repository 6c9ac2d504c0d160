"""``python -m equity size [--drugs FILE] [--year YEAR] [--cap YUAN] [--budget YUAN] [--json]``.

National special fund sizing (003 section V): the fund needed per year for a list of drugs
under a per-patient annual out-of-pocket cap, and which drugs fit a budget in the document's
priority order (children, life-threatening, unmet need). Without ``--drugs`` it works the
bundled example, Zhejiang's Table 2 (002), and prints the assumptions. Bad input exits 2.
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
        "size",
        help="size a national rare-disease fund under an out-of-pocket cap",
        description="Fund needed per year = sum over drugs of patients x max(0, annual cost - "
        "cap); then which drugs fit --budget in the priority order of 003 section V. Without "
        "--drugs: Zhejiang's Table 2 (002) as a worked example.",
    )
    parser.add_argument("--drugs", metavar="FILE",
                        help="CSV with disease, drug, patients, annual_cost (yuan per patient) "
                        "and optional children, life_threatening, unmet_need (true/false)")
    parser.add_argument("--year", type=int, default=2024,
                        help="Table 2 year for the bundled example (default 2024)")
    parser.add_argument("--cap", metavar="YUAN", default="100000",
                        help="annual out-of-pocket cap per patient, yuan (default 100000, "
                        "Zhejiang's)")
    parser.add_argument("--budget", metavar="YUAN",
                        help="yearly budget, yuan (example default: Table 3 income that year)")
    parser.add_argument("--strict-order", action="store_true",
                        help="stop at the first drug that does not fit instead of trying the next")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of text")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def _yuan(text: str, option: str) -> float:
    try:
        value = float(str(text).replace(",", "").replace("_", "").strip())
    except ValueError:
        raise ValueError(f"{option}: expected an amount in yuan such as 100000, got {text!r}")\
            from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{option}: must be a finite amount of yuan >= 0, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from equity.errors import EquityError
    from equity.sizing import size_fund, zhejiang_sizing

    try:
        cap = _yuan(args.cap, "--cap")
        budget = None if args.budget is None else _yuan(args.budget, "--budget")
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.drugs:
            try:
                drugs = pd.read_csv(args.drugs, dtype=str, keep_default_na=False)
            except (OSError, ValueError) as err:
                print(f"error: {args.drugs}: {err}", file=sys.stderr)
                return EXIT_INVALID
            result = size_fund(drugs, oop_cap=cap, budget=budget,
                               strict_order=args.strict_order)
        else:
            result = zhejiang_sizing(args.year, oop_cap=cap, budget=budget,
                                     strict_order=args.strict_order)
    except EquityError as err:
        for line in err.lines(args.lang):
            print(f"error: {line}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result, args.lang))
    return EXIT_OK


def format_result(result: Any, lang: str = "en") -> str:
    """Text table of a :class:`~equity.sizing.SizingResult`."""
    from equity.i18n import fmt_money, t

    lines = []
    width = max([len(f"{r['disease']} ({r['drug']})") for _, r in result.table.iterrows()] + [10])
    for _, r in result.table.iterrows():
        flags = "".join(c for c, on in zip("CLU", (r["children"], r["life_threatening"],
                                                    r["unmet_need"]), strict=True) if on) or "-"
        mark = "" if result.budget is None else ("  funded" if r["funded"] else "  not funded")
        lines.append(f"{int(r['priority']):>2}. {r['disease'] + ' (' + r['drug'] + ')':<{width}}"
                     f"  {flags:<3} patients {r['patients']:>8,.0f}  cost/patient "
                     f"{r['annual_cost']:>14,.0f}  fund {r['fund_need']:>16,.0f}{mark}")
    lines.append("   (C children, L life-threatening, U unmet need; yuan per year)")
    budget = result.budget if result.budget is not None else result.total_need
    lines.append(t("sizing.sentence", lang, cap=fmt_money(result.oop_cap, lang),
                   need=fmt_money(result.total_need, lang), budget=fmt_money(budget, lang),
                   funded=fmt_money(result.funded_need, lang)))
    lines += [f"- {a.text(lang)}" for a in result.assumptions]
    return "\n".join(lines)
