"""The model package stands apart from the UI and offers the documented entry points."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import equity

ROOT = Path(__file__).resolve().parents[1]


def _all_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(equity.__path__, "equity."))


def test_no_module_of_equity_imports_streamlit():
    modules = _all_modules()
    assert "equity.fund" in modules and "equity.charts.fund" in modules  # the walk found them
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    if name != 'equity.__main__':\n"
        "        importlib.import_module(name)\n"
        "assert 'streamlit' not in sys.modules, [m for m in sys.modules if 'streamlit' in m]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_public_entry_points_agree_with_their_modules():
    from equity import load, project, simulate

    result = simulate(load("city_w"), {"central_pool": 918_000, "recipients": ["suburban"]})
    # 918,000 yuan / 18,000 yuan = 51 new places among 340 suburban patients: 0.65 -> 0.80
    assert abs(result.gap.before - 0.25) < 1e-12
    assert abs(result.gap.after - 0.10) < 1e-12
    # 2020: 5,054 x 10,000 enrollees x 2 yuan (002 Table 3)
    assert project().to_dict()["years"][0]["income"] == 101_080_000.0


def test_command_line_lists_every_subcommand():
    done = subprocess.run([sys.executable, "-m", "equity", "--help"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0
    for command in ("validate", "simulate", "benefit", "project"):
        assert command in done.stdout
