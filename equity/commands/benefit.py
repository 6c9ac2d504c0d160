"""``python -m equity benefit --preset NAME --cost YUAN [--income YUAN] [--json]``.

Runs one patient's annual cost through a payer cascade (a preset from the documents,
or a cascade JSON file with ``--cascade FILE``) and prints what each layer pays and
what is left out-of-pocket. ``--list`` lists the presets; ``--dump`` prints a preset's
JSON for editing. Bad input exits 2 with a message naming the problem.
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
        "benefit",
        help="run one patient's annual cost through a payer cascade",
        description="Run one patient's annual cost (yuan) through a payer cascade: basic "
        "insurance, critical-illness insurance, special fund, medical assistance, city "
        "supplementary insurance, manufacturer, charity, then out-of-pocket.",
    )
    parser.add_argument("--preset", help="preset name (see --list)")
    parser.add_argument("--cascade", metavar="FILE", help="cascade JSON file instead of a preset")
    parser.add_argument("--cost", metavar="YUAN", help="total annual cost, yuan")
    parser.add_argument("--income", metavar="YUAN", help="household income, yuan per year")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--list", action="store_true", help="list the presets and exit")
    parser.add_argument("--dump", action="store_true",
                        help="print the cascade as JSON (for editing) and exit")
    parser.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_INVALID


def _yuan(text: str, option: str) -> float:
    cleaned = text.replace(",", "").replace("_", "").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(
            f"{option}: expected an amount in yuan such as 700000, got {text!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{option}: must be a finite amount of yuan >= 0, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from equity.cascade import (
        PRESETS,
        CascadeError,
        benefit,
        cascade_to_json,
        get_preset,
        load_cascade,
    )

    if args.list:
        return _list(PRESETS, as_json=args.json)
    if args.preset and args.cascade:
        return _fail("give either --preset or --cascade, not both")
    if not args.preset and not args.cascade:
        return _fail("give --preset NAME (see --list) or --cascade FILE")
    try:
        cascade = load_cascade(args.cascade) if args.cascade else get_preset(args.preset)
    except CascadeError as err:
        return _fail(str(err).replace("\n", "\nerror: "))
    if args.dump:
        print(cascade_to_json(cascade))
        return EXIT_OK
    if args.cost is None:
        return _fail("--cost YUAN is required (total annual cost of one patient)")
    try:
        cost = _yuan(args.cost, "--cost")
        income = None if args.income is None else _yuan(args.income, "--income")
        result = benefit(cascade, cost, income=income)
    except (ValueError, CascadeError) as err:
        return _fail(str(err))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_result(result, cascade.label.en, cascade.source))
    return EXIT_OK


def _list(presets: dict[str, Any], *, as_json: bool) -> int:
    from equity.cascade import PRESET_REFERENCES

    def reference(name: str) -> dict[str, Any]:
        ref = PRESET_REFERENCES.get(name)
        return {} if ref is None else {"document": ref.document, "section": ref.section,
                                       "applies_from": ref.applies_from}

    if as_json:
        out = [
            {"name": name, "label_en": c.label.en, "label_zh": c.label.zh, "source": c.source,
             "layers": [layer.name for layer in c.layers], **reference(name)}
            for name, c in presets.items()
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    for name, c in presets.items():
        print(f"{name}: {c.label.en} / {c.label.zh}")
        print(f"    layers: {', '.join(layer.name for layer in c.layers)}")
        print(f"    source: {c.source}")
        ref = reference(name)
        if ref:
            since = ref["applies_from"] or "year not given in the document"
            print(f"    document {ref['document']} section {ref['section']}; applies from {since}")
    return EXIT_OK


def format_result(result: Any, title: str, source: str) -> str:
    """Text table of a :class:`~equity.cascade.BenefitResult` (yuan)."""
    rows = [(p.label["en"] + (" *" if p.illustrative else ""), p.paid) for p in result.layers]
    rows.append(("Out-of-pocket", result.oop))
    width = max(len(name) for name, _ in rows)
    lines = [f"{title} ({result.preset})", f"Annual cost: {result.cost:,.2f} yuan"]
    for name, amount in rows:
        share = amount / result.cost if result.cost else 0.0
        lines.append(f"  {name:<{width}}  {amount:>16,.2f} yuan  {share:6.1%}")
    if result.income is not None:
        share = result.oop_share_of_income
        text = "n/a (income 0)" if share is None or math.isinf(share) else f"{share:.1%}"
        lines.append(f"Out-of-pocket / household income: {text}")
    if any(p.illustrative for p in result.layers):
        lines.append("* illustrative: the documents give no rule for this layer")
    lines.append(f"Source: {source}")
    return "\n".join(lines)
