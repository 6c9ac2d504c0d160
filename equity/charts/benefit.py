"""Charts of the payer cascade (equity.benefit): who pays what for one patient, and the
out-of-pocket cost across annual costs for several schemes. Builders return ``go.Figure``;
money in yuan per patient per year."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from equity.cascade import BenefitResult, Cascade, cascade_arrays
from equity.charts import style
from equity.i18n import fmt_money, t


def build_waterfall_figure(*, result: BenefitResult, lang: str, presenter: bool = False,
                           title: str | None = None) -> go.Figure:
    """Annual cost, minus what each layer pays, down to the patient's out-of-pocket cost."""
    names = [t("ben.chart.cost", lang)]
    names += [style.plain_label(p.label[lang]) for p in result.layers]
    names.append(t("ben.chart.oop", lang))
    values = [result.cost, *(-p.paid for p in result.layers), result.oop]
    measures = ["absolute", *("relative" for _ in result.layers), "total"]
    fig = go.Figure(go.Waterfall(
        x=names, y=values, measure=measures, orientation="v",
        text=[fmt_money(abs(v), lang) for v in values], textposition="outside",
        # Plotly's own waterfall hover adds an English "Initial:" that no locale reaches.
        hovertemplate="%{x}<br>%{text}<extra></extra>", cliponaxis=False,
        decreasing={"marker": {"color": style.FAVOURABLE}},
        increasing={"marker": {"color": style.NEUTRAL}},
        totals={"marker": {"color": style.ADVERSE}},
        connector={"line": {"color": style.NEUTRAL, "width": 1}},
    ))
    top = max(result.cost, 1.0) * 1.15
    fig.update_yaxes(title=t("ben.chart.yuan", lang), range=[0, top],
                     **style.amount_axis(0, top, lang))
    fig.update_layout(showlegend=False)
    return style.apply_style(
        fig, title=title or t("ben.chart.waterfall", lang, cost=fmt_money(result.cost, lang)),
        lang=lang, presenter=presenter)


def oop_points(cascade: Cascade, costs: Sequence[float]) -> np.ndarray:
    """Out-of-pocket cost (yuan) at each annual cost for a patient eligible for every layer
    that anyone is eligible for (as :func:`equity.benefit.benefit` assumes)."""
    costs = np.asarray(costs, dtype=float)
    flags = {layer.name: np.full(costs.size, layer.eligibility > 0) for layer in cascade.layers}
    return cascade_arrays(cascade, costs, eligible=flags).oop


def build_oop_curve_figure(*, schemes: Sequence[tuple[str, Cascade]], max_cost: float,
                           lang: str, presenter: bool = False, points: int = 201) -> go.Figure:
    """Out-of-pocket cost against annual cost, 0 .. ``max_cost`` yuan, one line per scheme
    (``(label, cascade)``), with the no-insurance diagonal for reference."""
    costs = np.linspace(0.0, max_cost, points)
    fig = go.Figure()
    fig.add_scatter(x=costs, y=costs, name=t("ben.chart.no_cover", lang), mode="lines",
                    line={"color": style.NEUTRAL, "dash": "dot", "width": 1})
    colours = (style.ADVERSE, style.FAVOURABLE, *style.GROUP_COLOURS)
    dashes = ("solid", "dash", "dashdot", "longdash")
    # One hover for all schemes at the cost under the pointer, which the header names (the
    # default wrote the axes' values bare, "(1,800,000, 918,000)").
    hover = f"%{{y:,.0f}}{t('chart.yuan_suffix', lang)}"
    fig.data[0].hovertemplate = hover
    for i, (label, cascade) in enumerate(schemes):
        fig.add_scatter(x=costs, y=oop_points(cascade, costs), name=style.plain_label(label),
                        mode="lines", line={"color": colours[i % len(colours)], "width": 3,
                                            "dash": dashes[i % len(dashes)]},
                        hovertemplate=hover)
    # Out-of-pocket never exceeds the cost: both axes run 0 .. max_cost.
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(title=t("ben.chart.cost_axis", lang), hoverformat=",.0f",
                     **style.amount_axis(0, max_cost, lang))
    fig.update_yaxes(title=t("ben.chart.oop_axis", lang), **style.amount_axis(0, max_cost, lang))
    return style.apply_style(fig, title=t("ben.chart.curve", lang), lang=lang,
                             presenter=presenter)
