"""``python -m equity presets [--combine NAME ...] [--lang en|zh] [--json]``.

Lists every scenario preset from the documents (name, title, document and section, what it
sets and on what basis), or, with ``--combine``, the scenario values of several presets
applied in order (later ones override earlier ones) and which preset set each key.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_INVALID = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "presets",
        help="list the scenario presets from the documents",
        description="List the scenario presets (document, section, what each sets), or "
        "combine several in order with --combine.",
    )
    parser.add_argument("--combine", nargs="+", metavar="NAME",
                        help="apply these presets in order and print the scenario values")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of text")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from equity.i18n import t
    from equity.presets import PresetError, combine, presets

    try:
        if args.combine:
            combination = combine(args.combine)
            if args.json:
                print(json.dumps(combination.to_dict(), ensure_ascii=False, indent=2))
            else:
                for key, value in combination.values.items():
                    print(f"{key} = {json.dumps(value, ensure_ascii=False)}"
                          f"    ({combination.origin[key]})")
                for key, value in combination.targets.items():
                    print(f"target {key} = {value}    ({combination.target_origin[key]})")
            return EXIT_OK
        found = presets()
    except PresetError as err:
        for line in err.lines(args.lang):
            print(f"error: {line}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps([p.summary(args.lang) for p in found.values()], ensure_ascii=False,
                         indent=2))
        return EXIT_OK
    for name, p in found.items():
        print(f"{name}: {t(p.title, args.lang)}")
        print(f"    {t('presets.source', args.lang, document=p.document, section=p.section)}")
        for key, s in {**p.sets, **{f'target {k}': v for k, v in p.targets.items()}}.items():
            value = json.dumps(s.value, ensure_ascii=False)
            print(f"    {key} = {value}  [{t('presets.basis.' + s.basis, args.lang)}]")
    return EXIT_OK
