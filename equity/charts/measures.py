"""HEAT-style chart of the inequality measures with their uncertainty.

One row per measure (its own x axis: the measures have different units), a point for the
estimate and a horizontal bar for its confidence interval, "before" (open, light) and "after"
(filled) the fund on two lines of the row. The row title names the measure and its units; the
hover text adds the value, the interval and the measure's plain reading. Pure: no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from equity.charts import style
from equity.i18n import fmt_number, t
from equity.measures import MEASURES, ORDER

ROW_HEIGHT = 96
"""Pixels per measure row (presenter mode: x 1.3)."""


def _field(res: Any, name: str) -> float:
    """``value``/``lower``/``upper`` of a MeasureResult or of its JSON record (None = NaN)."""
    value = res.get(name) if isinstance(res, Mapping) else getattr(res, name, None)
    return math.nan if value is None else float(value)


def _finite(x: float) -> bool:
    return math.isfinite(x)


def _fmt(x: float, lang: str) -> str:
    # three significant figures read well for every unit (0.0123, 1.23, 12.3, 1,234)
    digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 4
    return fmt_number(x, lang, digits=digits)


def build_measures_interval_figure(
    *,
    before: Mapping[str, Any],
    after: Mapping[str, Any] | None = None,
    measures: Sequence[str] | None = None,
    favourable: bool = True,
    heat_units: bool = False,
    title: str | None = None,
    lang: str,
    presenter: bool = False,
) -> go.Figure:
    """Point-and-interval chart of the measures, before and (optionally) after.

    ``before``/``after``: ``{abbr: MeasureResult}`` from :func:`equity.measures.summarise`, or
    its JSON form :func:`equity.measures.as_records`. ``measures``: which and in what order
    (default: :data:`equity.measures.ORDER`); a measure with no value in either state is left
    out. ``favourable`` colours the points (blue: more is better; vermillion: more is worse).
    ``heat_units``: as passed to ``summarise`` (TI and MLD x 1000 in the units label).
    Returns an empty figure with a note when no measure has a value.
    """
    wanted = [m.upper() for m in (measures or ORDER)]
    unknown = [m for m in wanted if m not in MEASURES]
    if unknown:
        raise ValueError(f"measures: unknown {', '.join(unknown)}")
    states: list[tuple[str, Mapping[str, Any], bool]] = [
        (t("measures.chart.before", lang), before, after is None)
    ]
    if after is not None:
        states.append((t("measures.chart.after", lang), after, True))
    rows = [
        abbr for abbr in wanted
        if any(abbr in res and _finite(_field(res[abbr], "value")) for _, res, _ in states)
    ]
    colour = style.FAVOURABLE if favourable else style.ADVERSE
    light = style.FAVOURABLE_LIGHT if favourable else style.ADVERSE_LIGHT
    heading = title or t("measures.chart.title", lang)
    if not rows:
        fig = go.Figure()
        fig.add_annotation(
            text=t("measures.chart.empty", lang), x=0.5, y=0.5, xref="paper", yref="paper",
            showarrow=False, font={"size": 20},
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return style.apply_style(fig, title=heading, lang=lang, presenter=presenter)

    def row_title(abbr: str) -> str:
        info = MEASURES[abbr]
        name = info.name(lang)
        units = t(f"measures.units.{info.units}", lang)
        if heat_units and info.units == "index":
            units += " × 1000"
        return f"{abbr} · {name} ({units})"

    size = style.font_size(presenter)
    row_px = ROW_HEIGHT * (1.3 if presenter else 1.0)
    # a gap of ~3.2 font sizes between rows holds the x tick labels and the next row's title
    gap = 3.2 * size / (row_px * len(rows))
    fig = make_subplots(
        rows=len(rows), cols=1, subplot_titles=[row_title(a) for a in rows],
        vertical_spacing=min(gap, 0.9 / max(len(rows) - 1, 1)),
    )
    no_interval = t("measures.chart.no_interval", lang)
    for i, abbr in enumerate(rows, start=1):
        info = MEASURES[abbr]
        reading = style.plain_label(info.reading(lang))
        for j, (name, results, filled) in enumerate(states):
            res = results.get(abbr)
            value = _field(res, "value") if res is not None else math.nan
            lower = _field(res, "lower") if res is not None else math.nan
            upper = _field(res, "upper") if res is not None else math.nan
            has_ci = _finite(value) and _finite(lower) and _finite(upper)
            if _finite(value):
                ci_text = (
                    t("measures.chart.interval", lang, lower=_fmt(lower, lang),
                      upper=_fmt(upper, lang)) if has_ci else no_interval
                )
                hover = f"<b>{abbr}</b> · {name}: {_fmt(value, lang)}<br>{ci_text}<br>{reading}"
            else:
                hover = ""
            fig.add_trace(
                go.Scatter(
                    x=[value if _finite(value) else None], y=[name], name=name,
                    mode="markers", legendgroup=name, showlegend=i == 1,
                    marker={
                        "symbol": "circle" if filled else "circle-open",
                        "size": round(size * 0.8), "color": colour if filled else light,
                        "line": {"width": 2, "color": colour if filled else light},
                    },
                    error_x={
                        "type": "data", "symmetric": False, "visible": has_ci,
                        "array": [upper - value if has_ci else 0.0],
                        "arrayminus": [value - lower if has_ci else 0.0],
                        "color": colour if filled else light, "thickness": 2.5, "width": 6,
                    },
                    hovertemplate=hover + "<extra></extra>",
                    meta={"measure": abbr, "state": "after" if j else "before"},
                ),
                row=i, col=1,
            )
        # before on top, after below (plotly draws the first category at the bottom)
        if info.units == "ratio":
            # ratios (R, RII) on a log axis, as HEAT draws them: 1/2 and 2 equally far from 1
            fig.update_xaxes(type="log", row=i, col=1)
        labels = [s[0] for s in reversed(states)]
        # explicit ticks: plotly would otherwise drop one of two labels in a short row
        fig.update_yaxes(
            categoryorder="array", categoryarray=labels, tickmode="array", tickvals=labels,
            ticktext=labels, row=i, col=1,
        )
    fig.update_annotations(font={"size": size}, xanchor="left", x=0.0)
    height = round(row_px * len(rows)) + size * 7
    style.apply_style(fig, title=heading, lang=lang, presenter=presenter, height=height)
    # legend at the right, clear of the first row's title (which starts at the left)
    fig.update_layout(legend={"xanchor": "right", "x": 1.0})
    return fig
