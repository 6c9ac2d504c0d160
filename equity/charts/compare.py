"""Several transfer-fund scenarios on shared axes: the group gap and the groups' coverage.

Builders take ``[(name, SimulationResult), ...]`` and return a ``go.Figure``; every scenario
sits on the same axis, so bars compare directly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from equity.charts import style
from equity.charts.fund import group_label, indicator_label
from equity.i18n import fmt_pct, t


def build_gap_compare_figure(*, entries: Sequence[tuple[str, Any]], lang: str,
                             presenter: bool = False) -> go.Figure:
    """The gap between the two groups before and after, in percentage points, per scenario."""
    names = [style.plain_label(name) for name, _ in entries]
    before = [abs(r.gap.before) * 100 for _, r in entries]
    after = [abs(r.gap.after) * 100 for _, r in entries]
    fig = go.Figure()
    for label, values, colour, pattern in (
        (t("tf.before", lang), before, style.NEUTRAL, "/"),
        (t("tf.after", lang), after, style.REFERENCE, ""),
    ):
        fig.add_bar(x=names, y=values, name=label, marker_color=colour,
                    marker_pattern_shape=pattern, text=[f"{v:.1f}" for v in values],
                    textposition="outside", cliponaxis=False)
    top = max([*before, *after, 1.0])
    fig.update_yaxes(title=t("cmp.chart.points", lang), range=[0, top * 1.2])
    fig.update_layout(barmode="group")
    return style.apply_style(fig, title=t("cmp.chart.gap", lang), lang=lang, presenter=presenter)


def build_coverage_compare_figure(*, entries: Sequence[tuple[str, Any]], lang: str,
                                  presenter: bool = False) -> go.Figure:
    """Each group's indicator after the fund (percent) per scenario, with the level before as
    a marker; one shared axis from 0 to 100%."""
    names = [style.plain_label(name) for name, _ in entries]
    fig = go.Figure()
    first = entries[0][1].gap if entries else None
    for i, (side, pattern) in enumerate((("a", ""), ("b", "/"))):
        if first is None:
            break
        group = group_label(getattr(first, f"group_{side}"), lang)
        after = [getattr(r.gap, f"{side}_after") * 100 for _, r in entries]
        before = [getattr(r.gap, f"{side}_before") * 100 for _, r in entries]
        colour = style.GROUP_COLOURS[i]
        fig.add_bar(x=names, y=after, name=t("cmp.chart.after_group", lang, group=group),
                    marker_color=colour, marker_pattern_shape=pattern, offsetgroup=side,
                    text=[fmt_pct(v / 100, lang) for v in after], textposition="outside",
                    cliponaxis=False)
        fig.add_scatter(x=names, y=before, name=t("cmp.chart.before_group", lang, group=group),
                        mode="markers", marker={"symbol": "line-ew-open", "size": 30,
                                                "color": style.REFERENCE,
                                                "line": {"width": 3}},
                        offsetgroup=side)
    indicator = indicator_label(first.indicator, lang) if first is not None else ""
    indicator = indicator[:1].upper() + indicator[1:]
    fig.update_yaxes(title=t("cmp.chart.percent", lang, indicator=indicator), range=[0, 110])
    fig.update_layout(barmode="group", scattermode="group")
    return style.apply_style(fig, title=t("cmp.chart.coverage", lang, indicator=indicator),
                             lang=lang, presenter=presenter)
