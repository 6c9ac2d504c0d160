"""Charts of a fund over the years: income and spending bars, the reserve line.

Builders take a projection frame (``ProjectionResult.to_frame()`` or
``Sustainability.to_frame()``: year, kind, income, expenditure, reserve; money in yuan) and
return a ``go.Figure``; no Streamlit. Observed years are drawn solid, projected years
translucent, so a reader sees where the printed table ends and the assumptions begin.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from equity.charts import style
from equity.i18n import fmt_money, t

_OBSERVED = ("observed", "simulated")


def _opacity(kinds: pd.Series) -> list[float]:
    return [1.0 if kind in _OBSERVED else 0.45 for kind in kinds]


def build_reserve_figure(
    *, frame: pd.DataFrame, lang: str, depletion_year: int | None = None,
    title: str | None = None, presenter: bool = False, y_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Income and spending per year (bars) and the reserve at each year's end (line), yuan.

    A vertical line marks ``depletion_year`` (first year the reserve is below zero);
    ``y_range`` fixes the money axis so several funds can be read on the same scale."""
    years = frame["year"].astype(int).tolist()
    opacity = _opacity(frame["kind"])
    fig = go.Figure()
    for column, colour, key in (("income", style.FAVOURABLE, "proj.chart.income"),
                                ("expenditure", style.ADVERSE, "proj.chart.spending")):
        values = frame[column].astype(float)
        fig.add_bar(
            x=years, y=values, name=t(key, lang), marker={"color": colour, "opacity": opacity},
            hovertext=[fmt_money(v, lang) for v in values], hoverinfo="x+text+name",
        )
    reserve = frame["reserve"].astype(float)
    fig.add_scatter(
        x=years, y=reserve, name=t("proj.chart.reserve", lang), mode="lines+markers",
        line={"color": style.REFERENCE, "width": 3},
        hovertext=[fmt_money(v, lang) for v in reserve], hoverinfo="x+text+name",
    )
    fig.add_hline(y=0, line={"color": style.NEUTRAL, "width": 1})
    if depletion_year is not None:
        fig.add_vline(x=depletion_year, line={"color": style.ADVERSE, "dash": "dash", "width": 2})
        fig.add_annotation(
            x=depletion_year, y=0.98, yref="paper", showarrow=False, yanchor="top",
            xanchor="left", xshift=6,
            text=style.plain_label(t("proj.chart.runs_short", lang, year=depletion_year)),
            font={"color": style.ADVERSE},
        )
    projected = [y for y, k in zip(years, frame["kind"], strict=True) if k not in _OBSERVED]
    if projected and len(projected) < len(years):
        fig.add_vrect(x0=projected[0] - 0.5, x1=projected[-1] + 0.5, fillcolor="#EEEEEE",
                      opacity=0.4, line_width=0, layer="below")
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=t("proj.chart.year", lang), dtick=1)
    low, high = y_range if y_range is not None else (
        min(0.0, *(float(frame[c].min()) for c in ("income", "expenditure", "reserve"))),
        max(0.0, *(float(frame[c].max()) for c in ("income", "expenditure", "reserve"))))
    fig.update_yaxes(title=t("proj.chart.yuan", lang), **style.amount_axis(low, high, lang))
    if y_range is not None:
        fig.update_yaxes(range=list(y_range))
    return style.apply_style(fig, title=title or t("proj.chart.title", lang), lang=lang,
                             presenter=presenter)
