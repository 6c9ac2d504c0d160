"""Scenarios side by side: the parameter table (differences marked) and the results table.

Pure functions on ``equity.scenario.Scenario`` and ``equity.fund.SimulationResult``; the
Compare page and the HTML report (:mod:`equity.report_html`) share them. Money in yuan per
year, gaps in percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from equity.charts.style import column_label, group_name, indicator_label
from equity.i18n import fmt_count, fmt_money, fmt_points, has, t
from equity.scenario import PARAMETERS, RECIPIENTS_BELOW_TARGET, Parameter, Scenario

# Choices whose values are groups of the comparison column, and the indicator's choice.
GROUP_KEYS = ("recipients", "compare.a", "compare.b")
INDICATOR_KEY = "compare.indicator"

MAX_COMPARED = 4
"""Scenarios shown side by side at most (four columns still fit a 1440-pixel screen)."""


def shown(p: Parameter, value: Any, lang: str) -> str:
    """A parameter value as people read it: money in yuan as ``fmt_money`` writes it,
    fractions in percent, other numbers plainly; a choice by its name in ``lang`` as its
    control shows it (groups by ``group.<value>``, the indicator by ``ind.<value>``, the
    grouping column by ``app.column.<name>``, other choices by ``tf.choice.<key>.<value>``;
    a value the catalogue does not know as given), a list of groups comma-separated."""
    if isinstance(value, tuple | list):
        return t("doc.list_sep", lang).join(shown(p, v, lang) for v in value)
    if p.kind == "money":
        return fmt_money(float(value), lang)
    if p.kind == "fraction":
        return f"{float(value):.0%}"
    if p.numeric:
        return f"{float(value):g}"
    if p.key == "recipients" and value == RECIPIENTS_BELOW_TARGET:
        return t("tf.recipients.below_target", lang)
    if p.key in GROUP_KEYS:
        return group_name(value, lang)
    if p.key == INDICATOR_KEY:
        return indicator_label(str(value), lang, capital=True)
    if p.key == "compare.column":
        return column_label(str(value), lang)
    code = f"tf.choice.{p.key}.{value}"
    return t(code, lang) if has(code) else str(value)


def parameter_table(scenarios: Mapping[str, Scenario], lang: str) -> pd.DataFrame:
    """One row per scenario parameter, one column per scenario (values as shown on screen),
    plus a boolean column ``differs`` (True where the scenarios do not all agree).
    The row index is the parameter's label in ``lang``."""
    rows = []
    for p in PARAMETERS:
        values = [s.get(p.key) for s in scenarios.values()]
        row: dict[str, Any] = {name: shown(p, v, lang)
                               for name, v in zip(scenarios, values, strict=True)}
        row["differs"] = any(v != values[0] for v in values[1:])
        rows.append((p.label[lang], row))
    return pd.DataFrame([r for _, r in rows], index=[label for label, _ in rows])


def results_table(results: Mapping[str, Any], lang: str) -> pd.DataFrame:
    """Headline figures per scenario (rows: measures, columns: scenarios), as display text."""
    keys = ("gross", "newly", "gap_before", "gap_after", "closed", "cost_per_point")
    data: dict[str, list[str]] = {}
    for name, r in results.items():
        gap = r.gap
        cost = gap.cost_per_point
        data[name] = [
            fmt_money(r.fund.gross, lang),
            fmt_count(round(r.newly_covered), lang),
            fmt_points(abs(gap.before) * 100, lang),
            fmt_points(abs(gap.after) * 100, lang),
            fmt_points(gap.points_closed, lang),
            "–" if cost is None or not math.isfinite(cost) else fmt_money(cost, lang),
        ]
    return pd.DataFrame(data, index=[t(f"cmp.row.{k}", lang) for k in keys])
