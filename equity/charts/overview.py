"""Overview charts: where the coverage gap stands.

``group_summary`` gives the patient-weighted group averages the headline metrics show;
``build_ranked_regions_figure`` ranks the regions with the group averages and the documents'
reference points drawn as labelled context lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from equity.charts.style import (
    GROUP_PATTERNS,
    NEUTRAL,
    REFERENCE,
    apply_style,
    font_size,
    group_label,
    indicator_colour,
    indicator_label,
    region_labels,
)
from equity.i18n import fmt_pct, t
from equity.indicators import MEASURE_INDICATORS

INDICATORS: tuple[str, ...] = tuple(MEASURE_INDICATORS)
"""Indicators the Overview can rank and map (both 0-1 fractions in the region table)."""


@dataclass(frozen=True)
class ReferenceLine:
    """A documented figure drawn as context on a chart of ``indicator`` (value: 0-1 fraction).
    ``places``: the place's name per language, as the reference table writes it; ``when``:
    "before" | "after" for a change the document reports, else None; ``qualifier``: "under",
    "about", "over" or "" for a single figure."""

    indicator: str
    value: float
    places: tuple[tuple[str, str], ...]
    source: str
    when: str | None = None
    qualifier: str = ""

    def label(self, lang: str) -> str:
        place = dict(self.places).get(lang) or dict(self.places).get("en", "")
        pct = f"{self.value * 100:.0f}%"
        if self.when is not None:
            return t("ref.line.change", lang, place=place, when=t(f"ref.when.{self.when}", lang),
                     value=pct)
        key = f"ref.line.{self.qualifier}" if self.qualifier in ("under", "about", "over") \
            else "ref.line.plain"
        return t(key, lang, place=place, value=pct)


def _line(indicator: str, value: float, place: str, place_zh: str, source: str,
          when: str | None = None, qualifier: str = "") -> ReferenceLine:
    return ReferenceLine(indicator, value, (("en", place), ("zh", place_zh)), source, when,
                         qualifier)


@dataclass(frozen=True)
class GroupSummary:
    """Patient-weighted averages of the two compared groups (fractions 0-1; patients in persons)."""

    column: str
    group_a: str
    group_b: str
    a_coverage: float
    b_coverage: float
    a_patients: float
    b_patients: float
    oop_share: float
    patients: float
    subsidy: float
    """Average charity subsidy per covered patient, yuan / year (weights: covered patients)."""

    @property
    def gap_points(self) -> float:
        """Coverage of A minus coverage of B, in percentage points (NaN if a group is empty)."""
        return (self.a_coverage - self.b_coverage) * 100.0


def weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    """Sum(w*v)/sum(w); NaN when the weights sum to zero (an empty group has no average)."""
    total = float(weights.sum())
    if total <= 0:
        return math.nan
    return float((values * weights).sum() / total)


def group_summary(table: pd.DataFrame, *, column: str, a: str, b: str) -> GroupSummary:
    """Patient-weighted charity coverage of groups ``a`` and ``b`` of ``column``, and over all
    regions the out-of-pocket share (patient-weighted), the patient total and the subsidy per
    covered patient (weighted by covered patients, coverage x patients)."""
    labels = table[column].astype(str)
    in_a = labels == str(a)
    in_b = labels == str(b)
    patients = table["patients"].astype(float)
    return GroupSummary(
        column=column,
        group_a=str(a),
        group_b=str(b),
        a_coverage=weighted_mean(table.loc[in_a, "charity_coverage"], patients[in_a]),
        b_coverage=weighted_mean(table.loc[in_b, "charity_coverage"], patients[in_b]),
        a_patients=float(patients[in_a].sum()),
        b_patients=float(patients[in_b].sum()),
        oop_share=weighted_mean(table["oop_share"], patients),
        patients=float(patients.sum()),
        subsidy=weighted_mean(
            table["subsidy_per_patient"].astype(float),
            patients * table["charity_coverage"].astype(float),
        ),
    )


def document_reference_lines() -> list[ReferenceLine]:
    """Reference lines from the bundled ``equity.datasets.reference_points()`` (document 000:
    Australia 3.1.2, Japan abstract and 3.2.1)."""
    from equity.datasets import reference_points

    return reference_lines_from_table(reference_points())


def reference_lines_from_table(table: pd.DataFrame) -> list[ReferenceLine]:
    """Lines for the rows of ``equity.datasets.reference_points()`` whose indicator the Overview
    draws: a before and an after line where both are given, else the one value documented.
    Place names come from the table (``place``, ``place_zh``); the wording from the catalogue."""
    lines: list[ReferenceLine] = []
    for row in table.to_dict("records"):
        indicator = str(row.get("indicator", ""))
        if indicator not in INDICATORS:
            continue
        place = str(row.get("place", ""))
        place_zh = str(row.get("place_zh") or place)
        source = str(row.get("source", ""))
        before = _number(row.get("value_before"))
        after = _number(row.get("value_after"))
        if before is not None and after is not None:
            lines += [_line(indicator, before, place, place_zh, source, "before"),
                      _line(indicator, after, place, place_zh, source, "after")]
        elif after is not None or before is not None:
            value = after if after is not None else before
            assert value is not None
            qualifier = str(row.get("qualifier") or "").split(";")[0].strip()
            lines.append(_line(indicator, value, place, place_zh, source, None, qualifier))
    return lines


def _number(value: object) -> float | None:
    """A float from a table cell, or None for a blank (the document gives no such figure)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    number = float(value)  # a non-numeric cell is a broken bundled file: fail loudly
    return None if math.isnan(number) else number


def reference_lines_for(
    indicator: str, lines: Iterable[ReferenceLine] | None = None
) -> list[ReferenceLine]:
    """The reference lines that apply to ``indicator``."""
    pool = document_reference_lines() if lines is None else tuple(lines)
    return [line for line in pool if line.indicator == indicator]


MAX_BARS = 60
"""Most bars the ranking draws; a larger table shows its ``MAX_BARS // 2`` best and worst
regions (the subtitle says so) and :func:`build_distribution_figure` shows all of them."""


def is_truncated(table: pd.DataFrame, max_bars: int = MAX_BARS) -> bool:
    """True when the ranking of ``table`` shows only its extremes (too many regions)."""
    return len(table) > max_bars


def build_ranked_regions_figure(
    *,
    table: pd.DataFrame,
    indicator: str,
    compare: dict[str, str],
    lang: str,
    references: Sequence[ReferenceLine] = (),
    presenter: bool = False,
    max_bars: int = MAX_BARS,
) -> go.Figure:
    """Horizontal bars of ``indicator`` (in %) per region, best at the top.

    More than ``max_bars`` regions: the ``max_bars // 2`` best and the as many worst only (the
    subtitle gives the count); group averages still cover every region. One bar trace per
    group, built from whole columns, so the time is linear in the regions.

    Bars take the indicator's colour (coverage blue, out-of-pocket vermillion); group A is solid,
    group B hatched, other regions grey. Dashed lines mark the patient-weighted group averages;
    dotted black lines the documents' reference points, labelled with their source.
    """
    if indicator not in INDICATORS:
        raise ValueError(f"indicator must be one of {INDICATORS}, got {indicator!r}")
    column, a, b = compare["column"], str(compare["a"]), str(compare["b"])
    name = indicator_label(indicator, lang, capital=True)
    colour = indicator_colour(indicator)
    higher_is_better = indicator == "charity_coverage"
    frame = table.assign(_value=table[indicator].astype(float) * 100.0)
    frame = frame.assign(_group=frame[column].astype(str), _label=region_labels(frame))
    # Plotly draws the first category at the bottom: sort so the best region ends on top.
    frame = frame.sort_values("_value", ascending=higher_is_better, kind="stable")
    truncated = is_truncated(frame, max_bars)
    if truncated:
        half = max(1, max_bars // 2)
        frame = pd.concat([frame.head(half), frame.tail(half)])
    order = list(frame["_label"])

    fig = go.Figure()
    groups = [(a, GROUP_PATTERNS[0], colour), (b, GROUP_PATTERNS[1], colour)]
    others = sorted(set(frame["_group"]) - {a, b})
    size = font_size(presenter)
    for value, pattern, fill in groups:
        part = frame[frame["_group"] == value]
        fig.add_trace(_bar(part, group_label(value, lang), fill, pattern, lang, size))
    if others:
        part = frame[frame["_group"].isin(others)]
        fig.add_trace(_bar(part, t("group.other", lang), NEUTRAL, ".", lang, size))

    patients = table["patients"].astype(float)
    labels = table[column].astype(str)
    means = {
        g: weighted_mean(table.loc[labels == g, indicator].astype(float), patients[labels == g])
        for g in (a, b)
    }
    # Group averages and reference points are vertical lines (layout shapes) with a legend
    # entry each (a legend-only trace of the same style), so no label sits on top of a bar.
    for g, dash in ((a, "dash"), (b, "dashdot")):
        mean = means[g]
        if math.isnan(mean):
            continue
        _vline(fig, mean * 100.0, NEUTRAL, dash)
        fig.add_trace(
            _legend_line(
                t("chart.group_mean", lang, group=group_label(g, lang))
                + f" {fmt_pct(mean, lang)}",
                NEUTRAL,
                dash,
            )
        )
    for i, line in enumerate(references):
        _vline(fig, line.value * 100.0, REFERENCE, "dot")
        fig.add_annotation(
            x=line.value * 100.0,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            yshift=4 + round(size * 1.5) * (len(references) - 1 - i),
            text=line.label(lang),
            showarrow=False,
            font={"size": round(size * 0.8), "color": REFERENCE},
            bgcolor="rgba(255,255,255,0.9)",
        )
    if references:
        from equity.report import titled_references  # the documents named by title

        sources = sorted({line.source for line in references})
        named = "; ".join(titled_references(source, lang) for source in sources)
        fig.add_trace(
            _legend_line(t("chart.reference_lines", lang, sources=named),
                         REFERENCE, "dot")
        )
    fig.update_xaxes(
        title_text="",
        range=[0, 112],  # room right of 100% for the value labels outside the bars
        tickvals=[0, 20, 40, 60, 80, 100],
        ticktext=[f"{v}%" for v in (0, 20, 40, 60, 80, 100)],
    )
    # No y title, not even an empty one: Plotly keeps 26 px beside the labels for it.
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    apply_style(
        fig,
        title=t("chart.rank_title", lang, indicator=name),
        lang=lang,
        presenter=presenter,
        height=max(360, 140 + len(order) * round(size * 2.1)),
    )
    top = round(size * (4.5 + 1.5 * len(references)))
    entries = 2 + (1 if references else 0)
    bottom = round(size * 1.7 * entries) + 40
    height = fig.layout.height
    plot_px = max(height - top, 100)
    fig.update_layout(
        height=height + bottom,
        barmode="overlay",
        bargap=0.25,
        margin={"t": top, "b": bottom},
        # Legend under the x-axis ticks, one entry per row, so long labels never collide.
        legend={"orientation": "v", "yanchor": "top", "y": -size * 2.8 / plot_px, "x": 0.0},
    )
    if presenter:  # legend beside the plot: the chart must fit a 1080 px screen
        fig.update_layout(height=height, margin={"t": top, "b": 10, "r": 20},
                          legend={"orientation": "v", "yanchor": "top", "y": 1.0,
                                  "xanchor": "left", "x": 1.01})
    if truncated:  # a subtitle line more above the bars
        fig.update_layout(title_subtitle_text=t("chart.rank_extremes", lang,
                                                 shown=len(order) // 2, regions=len(table)),
                          margin_t=top + round(size * 1.5))
    return fig


def build_distribution_figure(
    *,
    table: pd.DataFrame,
    indicator: str,
    compare: dict[str, str],
    lang: str,
    presenter: bool = False,
    bin_points: float = 2.0,
) -> go.Figure:
    """How many regions have each value of ``indicator`` (bins of ``bin_points`` percentage
    points, 0-100%), one bar trace per group (A solid, B hatched, others grey), stacked.

    Binned here with numpy, so the browser gets one count per bin whatever the table's size."""
    import numpy as np

    if indicator not in INDICATORS:
        raise ValueError(f"indicator must be one of {INDICATORS}, got {indicator!r}")
    column, a, b = compare["column"], str(compare["a"]), str(compare["b"])
    values = table[indicator].astype(float).to_numpy() * 100.0
    groups = table[column].astype(str).to_numpy()
    edges = np.arange(0.0, 100.0 + bin_points, bin_points)
    centres = (edges[:-1] + edges[1:]) / 2.0
    colour = indicator_colour(indicator)
    size = font_size(presenter)
    fig = go.Figure()
    parts = [(groups == a, group_label(a, lang), colour, GROUP_PATTERNS[0]),
             (groups == b, group_label(b, lang), colour, GROUP_PATTERNS[1]),
             ((groups != a) & (groups != b), t("group.other", lang), NEUTRAL, ".")]
    for mask, label, fill, pattern in parts:
        if not mask.any():
            continue
        counts, _ = np.histogram(np.clip(values[mask], 0.0, 100.0), bins=edges)
        fig.add_trace(go.Bar(
            x=centres.tolist(), y=counts.tolist(), width=bin_points * 0.95, name=label,
            marker={"color": fill, "line": {"color": fill, "width": 1},
                    "pattern": {"shape": pattern, "fgcolor": "white", "fillmode": "overlay"}},
            hovertemplate="%{x:.0f}%: %{y:,}<extra>" + label + "</extra>",
        ))
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title_text="")
    fig.update_yaxes(title_text=t("chart.regions_count", lang))
    apply_style(fig, title=t("chart.distribution_title", lang,
                             indicator=indicator_label(indicator, lang)),
                lang=lang, presenter=presenter, height=360 + size * 4)
    fig.update_layout(barmode="stack", bargap=0.0, legend={"traceorder": "normal"})
    return fig


def _vline(fig: go.Figure, x: float, colour: str, dash: str) -> None:
    fig.add_shape(
        type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper",
        line={"color": colour, "dash": dash, "width": 2},
        layer="below",  # value labels beside the bars stay readable where a line crosses them
    )


def _legend_line(name: str, colour: str, dash: str) -> go.Scatter:
    return go.Scatter(
        x=[None], y=[None], mode="lines", name=name, hoverinfo="skip",
        line={"color": colour, "dash": dash, "width": 2},
    )


def _bar(part: pd.DataFrame, label: str, colour: str, pattern: str, lang: str,
         size: int) -> go.Bar:
    texts = [fmt_pct(v / 100.0, lang) for v in part["_value"]]
    # Value labels inside the bar, at its base (white on the bar's colour): the average and
    # reference lines cross the bars' far ends, where a label outside would be struck through.
    return go.Bar(
        x=list(part["_value"]),
        y=list(part["_label"]),
        orientation="h",
        name=label,
        marker={
            "color": colour,
            "line": {"color": colour, "width": 1.5},
            "pattern": {"shape": pattern, "fgcolor": "white", "fillmode": "overlay"},
        },
        text=texts,
        textposition="inside",
        insidetextanchor="start",
        insidetextfont={"color": "white", "size": round(size * 0.8)},
        textangle=0,
        customdata=list(part["patients"].astype(float)),
        hovertemplate="%{y}: %{text}<br>"
        + t("chart.hover_patients", lang)
        + ": %{customdata:,.0f}<extra>"
        + label
        + "</extra>",
    )
