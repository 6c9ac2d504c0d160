"""Command line: ``python -m equity {validate,simulate,benefit,project} ...``.

Each sub-command lives in ``equity/commands/<name>.py`` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable
taking the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from equity import MODEL_VERSION

COMMANDS = ("validate", "simulate", "benefit", "project", "template", "presets", "size")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m equity",
        description="Rare-disease coverage equity: validate data, simulate a transfer fund, "
        "run the payer cascade, project a fund.",
    )
    parser.add_argument("--version", action="version", version=f"equity model {MODEL_VERSION}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        module_name = f"equity.commands.{name}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
