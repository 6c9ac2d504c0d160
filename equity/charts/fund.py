"""Figures and texts for the Transfer fund page: pure builders, results in, figures out.

Every builder takes keyword arguments only, ends with ``lang`` ("en" | "zh") and returns a
``plotly.graph_objects.Figure`` (or a plain ``str`` / ``DataFrame`` for the headline and the
measures table). No Streamlit here: the page reads widgets, calls ``equity`` and hands the
results to these builders.

Units: the model works in 0-1 fractions and yuan; the figures show percentages, percentage
points (1 point = 0.01 on the 0-1 scale) and yuan formatted for the language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

import pandas as pd
import plotly.graph_objects as go

from equity.charts import style
from equity.charts.style import capitalise, group_label, group_name, indicator_label
from equity.i18n import fmt_count, fmt_money, fmt_number, fmt_pct, fmt_points, t

SOURCES: tuple[str, ...] = ("central_pool", "levy", "mutual_aid", "charity_pooling",
                             "industry_levy")
"""Keys of ``FundAccount.sources`` in the order the money-flow chart lists them."""

_EQUALITY: dict[str, float] = {"R": 1.0, "RII": 1.0}
"""Value of a measure at perfect equality where it is not 0 (HEAT's ratio measures)."""

_EPS_POINTS = 0.05
"""Changes smaller than this many percentage points count as "unchanged" in the headline:
they would print as the same one-decimal number before and after."""


class GapLike(Protocol):
    """The fields of ``equity.fund.GroupGap`` the builders read (fractions on the 0-1 scale)."""

    indicator: str
    group_a: str
    group_b: str
    a_before: float
    b_before: float
    a_after: float
    b_after: float
    before: float
    after: float


class FundLike(Protocol):
    """The fields of ``equity.fund.FundAccount`` the builders read (yuan / year)."""

    gross: float
    overhead: float
    allocated: float
    unspent: float
    sources: Mapping[str, float]


class ResultLike(Protocol):
    """The fields of ``equity.fund.SimulationResult`` the headline reads."""

    regions: pd.DataFrame
    fund: FundLike
    gap: GapLike
    newly_covered: float


# --------------------------------------------------------------------------- labels




def _points(fraction: float) -> float:
    """0-1 difference -> percentage points."""
    return float(fraction) * 100.0


def _row_height(presenter: bool) -> int:
    """Pixels per bar row (one label line) at the chart's font size."""
    return round(style.font_size(presenter) * 2.1)


def _empty(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(
        text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": 20},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


# --------------------------------------------------------------------------- headline


def build_headline(*, result: ResultLike, lang: str) -> str:
    """One sentence saying what the fund does to the group gap, in ``lang`` (plain text:
    escape it for the output, Markdown or HTML).

    Narrows / widens compare the size of the gap (``|after|`` against ``|before|``, in points
    rounded to one decimal as shown); a gap that changes sign "turns around" and names the
    group now ahead.
    """
    gap = result.gap
    gap_text = t(
        "tf.groups_gap", lang,
        # Plain text (escaped by each output: Markdown, HTML), not plotly's entity-escaped
        # label, which showed "Rural &amp; remote" (issue 15).
        a=group_name(gap.group_a, lang), b=group_name(gap.group_b, lang),
        indicator=indicator_label(gap.indicator, lang),
    )
    # Rounded as printed; "+ 0.0" turns a -0.0 into 0.0.
    before = round(_points(gap.before), 1) + 0.0
    after = round(_points(gap.after), 1) + 0.0
    gross = float(result.fund.gross)
    if gross <= 0:
        return capitalise(t("tf.headline.zero", lang, gap=gap_text,
                             before=fmt_points(before, lang)))
    values = {
        "money": fmt_money(gross, lang),
        "gap": gap_text,
        "before": f"{before:.1f}",
        "after": fmt_points(after, lang),
        "patients": fmt_count(round(float(result.newly_covered)), lang),
    }
    size_before, size_after = round(abs(before), 1), round(abs(after), 1)
    reversed_sign = before * after < 0 and size_after >= _EPS_POINTS and size_before > 0
    if reversed_sign:
        ahead = gap.group_b if before > 0 else gap.group_a
        sentence = t("tf.headline.reverses", lang, b=group_name(ahead, lang), **values)
    elif size_after < size_before - _EPS_POINTS / 2:
        sentence = t("tf.headline.narrows", lang, **values)
    elif size_after > size_before + _EPS_POINTS / 2:
        sentence = t("tf.headline.widens", lang, **values)
    else:
        sentence = t("tf.headline.unchanged", lang, **values)
    return capitalise(sentence)


def build_headline_notes(*, result: ResultLike, lang: str) -> list[str]:
    """Short follow-up sentences: money left unspent, regions that lose coverage."""
    notes: list[str] = []
    unspent = float(result.fund.unspent)
    if unspent >= 0.5:
        notes.append(t("tf.headline.unspent", lang, money=fmt_money(unspent, lang)))
    if "status" in result.regions.columns:
        losers = int((result.regions["status"] == "loses").sum())
        if losers:
            notes.append(t("tf.headline.losers", lang, n=losers))
    return notes


# --------------------------------------------------------------------------- before / after


def build_before_after_figure(
    *, gap: GapLike, lang: str, presenter: bool = False
) -> go.Figure:
    """Grouped bars: the indicator in group A and group B, before and after (percent)."""
    groups = [group_label(gap.group_a, lang), group_label(gap.group_b, lang)]
    before = [_points(gap.a_before), _points(gap.b_before)]
    after = [_points(gap.a_after), _points(gap.b_after)]
    fig = go.Figure()
    favourable = style.is_favourable(gap.indicator)
    light = style.FAVOURABLE_LIGHT if favourable else style.ADVERSE_LIGHT
    for name, values, colour, pattern in (
        (t("tf.before", lang), before, light, "/"),
        (t("tf.after", lang), after, style.indicator_colour(gap.indicator), ""),
    ):
        fig.add_trace(go.Bar(
            x=groups, y=values, name=name, marker_color=colour,
            marker_pattern_shape=pattern,
            text=[fmt_pct(v / 100, lang) for v in values], textposition="outside",
            textfont={"size": style.font_size(presenter)}, cliponaxis=False,
            hovertemplate="%{x}: %{y:.1f}%<extra>" + name + "</extra>",
        ))
    top = max([*before, *after, 1.0])
    fig.update_layout(barmode="group")
    # Room above the tallest bar for its value label (a line of text, about 12% of the axis),
    # so a 97% bar's label is neither cut at 100 nor hidden under the legend; ticks stop at
    # the data's own scale.
    upper = top * 1.15 if top * 1.15 >= top + 12.0 else top + 12.0
    ticks = [v for v in range(0, int(min(top, 100.0)) + 21, 20) if v <= max(top, 100.0)]
    fig.update_yaxes(title_text="%", range=[0, upper], tickvals=ticks)
    indicator = capitalise(indicator_label(gap.indicator, lang))
    return style.apply_style(
        fig, title=t("tf.chart.before_after", lang, indicator=indicator), lang=lang,
        presenter=presenter,
    )


# --------------------------------------------------------------------------- winners and losers


def region_change_points(regions: pd.DataFrame, column: str) -> pd.Series:
    """After minus before for ``column`` per region, in percentage points, indexed by a safe
    unique label (the name, literal; the id added where names repeat)."""
    before = regions[f"{column}_before"].astype(float)
    after = regions[f"{column}_after"].astype(float)
    return pd.Series(
        ((after - before) * 100.0).to_numpy(), index=style.region_labels(regions),
        name="change_points",
    )


def build_region_change_figure(
    *,
    regions: pd.DataFrame,
    column: str = "charity_coverage",
    favourable: bool = True,
    lang: str,
    presenter: bool = False,
    limit: int = 30,
) -> go.Figure:
    """Diverging horizontal bars: each region's change in ``column``, winners and losers.

    ``favourable`` says whether a rise is good (coverage) or bad (out-of-pocket share); bars are
    coloured by whether the change helps patients, not by its sign. With more than ``limit``
    regions only the ``limit // 2`` largest rises and falls are drawn (the title says so), so
    a national table still gives a readable chart.
    """
    change = region_change_points(regions, column).sort_values()
    shown_all = len(change) <= limit
    if not shown_all:
        half = limit // 2
        change = pd.concat([change.iloc[:half], change.iloc[-half:]])
    good = change if favourable else -change
    colours = [
        style.FAVOURABLE if g > 1e-9 else style.ADVERSE if g < -1e-9 else style.NEUTRAL
        for g in good
    ]
    labels = [
        t("tf.gains", lang) if g > 1e-9 else t("tf.loses", lang) if g < -1e-9
        else t("tf.unchanged", lang)
        for g in good
    ]
    fig = go.Figure(go.Bar(
        x=change.to_numpy(), y=list(change.index), orientation="h", marker_color=colours,
        text=[f"{v:+.1f}" if abs(v) >= 0.05 else "0.0" for v in change], textposition="outside",
        cliponaxis=False, textfont={"size": style.font_size(presenter)},
        customdata=labels, hovertemplate="%{y}: %{x:+.2f}<extra>%{customdata}</extra>",
        showlegend=False,
    ))
    # Room for the value labels on the side(s) that have bars; zero always on the axis.
    low = min(0.0, float(change.min())) if len(change) else 0.0
    high = max(0.0, float(change.max())) if len(change) else 0.0
    pad = max(1.0, high - low) * 0.22
    fig.update_xaxes(
        title_text=t("tf.chart.region_change_axis", lang),
        range=[low - pad if low < 0 else -pad / 3, high + pad if high > 0 else pad / 3],
        zeroline=True, zerolinewidth=2, zerolinecolor="#444444",
    )
    fig.update_yaxes(automargin=True)
    indicator = indicator_label(column, lang)
    height = max(360, _row_height(presenter) * len(change) + 160)
    fig.update_layout(height=height)
    title = t("tf.chart.region_change", lang, indicator=indicator)
    if not shown_all:
        title += t("tf.chart.region_change_limited", lang, n=limit // 2, total=len(regions))
    return style.apply_style(fig, title=title, lang=lang, presenter=presenter)


# --------------------------------------------------------------------------- money flow


def build_money_flow_figure(
    *, fund: FundLike, regions: pd.DataFrame, lang: str, presenter: bool = False,
    limit: int = 12, pairs: Sequence[Mapping[str, Any]] | pd.DataFrame | None = None,
) -> go.Figure:
    """Sankey: sources -> transfer fund -> administration, each region, unspent reserve (yuan).

    Regions receiving nothing are left out; beyond ``limit`` recipients the smallest share one
    "other regions" node; a zero fund gives an empty figure with a note. ``pairs`` (paired
    assistance: donor_id, recipient_id, amount, as in ``result.levers["paired"]["flows"]``):
    each donor's paired money runs through a node of its own ("paired: <donor>") to its
    partners, and only the rest of each region's allocation comes straight from the pool, so
    every node still balances.
    """
    gross = float(fund.gross)
    title = t("tf.chart.money_flow", lang, total=fmt_money(gross, lang))
    fig = go.Figure()
    if gross <= 0:
        return style.apply_style(_empty(fig, t("tf.flow.empty", lang)), title=title, lang=lang,
                                 presenter=presenter)
    labels: list[str] = []
    colours: list[str] = []
    source_idx: list[int] = []
    target_idx: list[int] = []
    values: list[float] = []
    link_colours: list[str] = []

    def node(label: str, colour: str) -> int:
        labels.append(label)
        colours.append(colour)
        return len(labels) - 1

    def link(a: int, b: int, amount: float, colour: str) -> None:
        source_idx.append(a)
        target_idx.append(b)
        values.append(amount)
        link_colours.append(colour)

    # Presenter mode's large type: one-line labels and a gap between nodes taller than a
    # label, so neighbouring labels cannot overlap.
    br = " · " if presenter else "<br>"
    size = style.font_size(presenter)
    pad = round(1.7 * size) if presenter else 18
    fund_node = None
    for i, key in enumerate(SOURCES):
        amount = float(fund.sources.get(key, 0.0))
        if amount <= 0:
            continue
        colour = style.GROUP_COLOURS[i % len(style.GROUP_COLOURS)]
        src = node(f"{t(f'tf.flow.{key}', lang)}{br}{fmt_money(amount, lang)}", colour)
        if fund_node is None:
            fund_node = node(f"{t('tf.flow.fund', lang)}{br}{fmt_money(gross, lang)}",
                             style.FAVOURABLE)
        link(src, fund_node, amount, _translucent(colour))
    if fund_node is None:  # sources not broken down: the fund is its own source
        fund_node = node(f"{t('tf.flow.fund', lang)}{br}{fmt_money(gross, lang)}", style.FAVOURABLE)
    for key, amount, colour in (
        ("overhead", float(fund.overhead), style.ADVERSE),
        ("unspent", float(fund.unspent), style.NEUTRAL),
    ):
        if amount > 0.5:
            out = node(f"{t(f'tf.flow.{key}', lang)}{br}{fmt_money(amount, lang)}", colour)
            link(fund_node, out, amount, _translucent(colour))
    receiving = regions.loc[regions["allocation"].astype(float) > 0.5]
    receiving = receiving.sort_values("allocation", ascending=False)
    names = style.region_labels(receiving)
    amounts = receiving["allocation"].astype(float).tolist()
    if len(amounts) > limit:  # the smallest recipients share one node
        rest = len(amounts) - (limit - 1)
        names = [*names[:limit - 1], t("tf.flow.others", lang, n=rest)]
        amounts = [*amounts[:limit - 1], float(sum(amounts[limit - 1:]))]
    flows = pd.DataFrame(pairs if pairs is not None else [],
                         columns=["donor_id", "recipient_id", "amount"])
    flows = flows.loc[flows["amount"].astype(float) > 0.5]
    ids = receiving["region_id"].astype(str).tolist()
    node_of: dict[str, int] = {}
    from_pool: dict[int, float] = {}
    for i, (name, amount) in enumerate(zip(names, amounts, strict=True)):
        out = node(f"{name}{br}{fmt_money(amount, lang)}", style.FAVOURABLE)
        from_pool[out] = amount
        for region_id in (ids[i:] if i == len(names) - 1 and len(ids) > len(names) else [ids[i]]):
            node_of[region_id] = out
    if len(flows):
        donor_names = dict(zip(regions["region_id"].astype(str), style.region_labels(regions),
                               strict=True))
        for donor, rows in flows.groupby(flows["donor_id"].astype(str), sort=False):
            total = float(rows["amount"].astype(float).sum())
            via = node(f"{t('tf.flow.paired', lang, donor=donor_names.get(donor, donor))}"
                       f"{br}{fmt_money(total, lang)}", style.GROUP_COLOURS[2])
            link(fund_node, via, total, _translucent(style.GROUP_COLOURS[2]))
            for recipient, amount in rows.groupby(rows["recipient_id"].astype(str))["amount"]:
                target = node_of[recipient]
                link(via, target, float(amount.sum()), _translucent(style.GROUP_COLOURS[2]))
                from_pool[target] -= float(amount.sum())
    for out, amount in from_pool.items():
        if amount > 0.5:
            link(fund_node, out, amount, _translucent(style.FAVOURABLE))
    fig.add_trace(go.Sankey(
        arrangement="snap",
        node={"label": labels, "color": colours, "pad": pad, "thickness": 22,
              "line": {"width": 0}},
        link={"source": source_idx, "target": target_idx, "value": values,
              "color": link_colours},
        valueformat=",.0f", valuesuffix=t("chart.yuan_suffix", lang),
    ))
    # Each node of the tallest column (regions, administration, reserve) needs room for its
    # label (two lines; one in presenter mode) and the gap to the next.
    lines = 1 if presenter else 2
    per_node = max(2 * _row_height(presenter), round(1.25 * size * lines) + pad)
    fig.update_layout(height=max(460, per_node * (len(amounts) + 2) + 140))
    return style.apply_style(fig, title=title, lang=lang, presenter=presenter)


def _translucent(hex_colour: str, alpha: float = 0.35) -> str:
    """``#RRGGBB`` -> ``rgba(r,g,b,alpha)`` for Sankey links."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# --------------------------------------------------------------------------- measures


def build_measures_table(
    *,
    measures: Mapping[str, Mapping[str, Mapping[str, float]]],
    indicator: str,
    info: Mapping[str, Any],
    lang: str,
    intervals: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Before/after HEAT measures for ``indicator`` with a plain-language reading.

    ``intervals``: optionally ``{"before"|"after": {abbr: MeasureResult}}`` (the page's
    ``dashboard.models.measure_intervals``); then two text columns give each state's 95%
    interval ("0.34 to 0.56"; "no interval" where the measure has none).

    ``measures`` is ``SimulationResult.measures``; ``info`` is ``equity.measures.MEASURES``
    (abbreviation -> MeasureInfo with name_en/zh and reading_en/zh). A measure closer to its
    value at perfect equality (0; 1 for the ratios R and RII) after the fund reads "more equal".
    Values that do not apply (NaN) say so instead of showing a number.
    """
    before = measures.get("before", {}).get(indicator, {})
    after = measures.get("after", {}).get(indicator, {})
    rows = []
    for abbr in before:
        b = float(before[abbr])
        a = float(after.get(abbr, math.nan))
        meta = info.get(abbr)
        name = getattr(meta, f"name_{lang}", abbr) if meta is not None else abbr
        reading = getattr(meta, f"reading_{lang}", "") if meta is not None else ""
        if math.isnan(a) or math.isnan(b):
            direction = t("tf.measures.not_applicable", lang)
            change = math.nan
        else:
            change = a - b
            equal_at = _EQUALITY.get(abbr, 0.0)
            dist_b, dist_a = abs(b - equal_at), abs(a - equal_at)
            if abs(dist_a - dist_b) <= 1e-9 * max(1.0, dist_b):
                direction = t("tf.measures.same", lang)
            elif dist_a < dist_b:
                direction = t("tf.measures.more_equal", lang)
            else:
                direction = t("tf.measures.less_equal", lang)
        row: dict[str, Any] = {
            t("tf.measures.col.measure", lang): abbr,
            t("tf.measures.col.name", lang): name,
            t("tf.measures.col.before", lang): b,
            t("tf.measures.col.after", lang): a,
            t("tf.measures.col.change", lang): change,
            t("tf.measures.col.direction", lang): direction,
            t("tf.measures.col.reading", lang): reading,
        }
        if intervals is not None:
            for state in ("before", "after"):
                res = intervals.get(state, {}).get(abbr)
                row[t(f"tf.measures.col.ci_{state}", lang)] = _interval_text(res, lang)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if intervals is not None and len(frame):  # each interval beside its value
        names = list(frame.columns)
        for state in ("before", "after"):
            ci = names.pop(names.index(t(f"tf.measures.col.ci_{state}", lang)))
            names.insert(names.index(t(f"tf.measures.col.{state}", lang)) + 1, ci)
        frame = frame[names]
    return frame


def _measure_number(x: float, lang: str) -> str:
    """A measure's value with about three significant figures (0.0123, 1.23, 12.3, 1,234)."""
    if not math.isfinite(x):
        return "–"
    digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 4
    return fmt_number(x, lang, digits=digits)


def _interval_text(res: Any, lang: str) -> str:
    lower = float(getattr(res, "lower", math.nan)) if res is not None else math.nan
    upper = float(getattr(res, "upper", math.nan)) if res is not None else math.nan
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return t("tf.measures.no_interval", lang)
    return t("tf.measures.interval", lang, lower=_measure_number(lower, lang),
             upper=_measure_number(upper, lang))


def format_measures_table(*, table: pd.DataFrame, lang: str) -> Any:
    """``build_measures_table`` as a pandas Styler that shows the numbers with about three
    significant figures (the values underneath stay numbers), for a static table that wraps
    its long "what it means" column instead of scrolling."""
    names = [t(f"tf.measures.col.{c}", lang) for c in ("before", "after", "change")]
    return table.style.format(lambda v: _measure_number(float(v), lang),
                              subset=[n for n in names if n in table.columns]).hide(axis="index")


def build_gap_interval_text(*, gap: GapLike, before: Any, after: Any, lang: str) -> str:
    """The headline gap before and after with its 95% interval (sampling error of the
    regions' shares; ``equity.measures.GapInterval`` or None), in percentage points; "" when
    neither interval could be computed."""
    if before is None and after is None:
        return ""

    def part(value: float, interval: Any) -> str:
        if interval is None:
            return t("tf.gap_ci.no_interval", lang, value=fmt_points(_points(value), lang))
        return t("tf.gap_ci.value", lang, value=fmt_points(_points(value), lang),
                 lower=fmt_points(_points(interval.lower), lang),
                 upper=fmt_points(_points(interval.upper), lang))

    return t("tf.gap_ci.sentence", lang, a=group_label(gap.group_a, lang),
             b=group_label(gap.group_b, lang), before=part(gap.before, before),
             after=part(gap.after, after))


def build_d_versus_gap_text(*, result: ResultLike, lang: str) -> str:
    """Why the measures' D (highest minus lowest single region, across all regions) is not the
    headline gap (patient-weighted mean of group A minus that of group B)."""
    gap = result.gap
    column = gap.indicator
    regions = result.regions
    d = {}
    ends = {}
    for state in ("before", "after"):
        values = regions[f"{column}_{state}"].astype(float)
        d[state] = float(values.max() - values.min())
        ends[state] = (str(regions["region_name"].iloc[int(values.to_numpy().argmax())]),
                       str(regions["region_name"].iloc[int(values.to_numpy().argmin())]))
    return t("tf.measures.d_vs_gap", lang, n=len(regions),
             d_before=fmt_points(_points(d["before"]), lang),
             d_after=fmt_points(_points(d["after"]), lang),
             high=ends["after"][0], low=ends["after"][1],
             a=group_label(gap.group_a, lang), b=group_label(gap.group_b, lang),
             gap_before=fmt_points(_points(gap.before), lang),
             gap_after=fmt_points(_points(gap.after), lang))


def build_measures_summary(*, table: pd.DataFrame, lang: str) -> str:
    """One sentence counting the measures that read more / less equal after the fund.

    ``table`` is ``build_measures_table``'s output in the same ``lang``."""
    direction = table[t("tf.measures.col.direction", lang)]
    better = int((direction == t("tf.measures.more_equal", lang)).sum())
    worse = int((direction == t("tf.measures.less_equal", lang)).sum())
    same = int((direction == t("tf.measures.same", lang)).sum())
    return t("tf.measures.summary", lang, better=better, worse=worse, same=same,
             total=better + worse + same)


# --------------------------------------------------------------------------- optimal allocation


def build_optimal_figure(
    *, optimal: pd.DataFrame, names: Mapping[str, str], lang: str, presenter: bool = False,
    limit: int = 20,
) -> go.Figure:
    """Grouped horizontal bars per region: the formula's allocation and the optimal one (yuan).

    ``optimal`` is ``OptimalResult.regions`` (region_id, allocation_formula,
    allocation_optimal, ...); ``names`` maps region_id -> region_name. Regions that get
    nothing either way are left out; beyond ``limit`` only the largest amounts are drawn.
    """
    money = optimal[["allocation_formula", "allocation_optimal"]].astype(float)
    frame = optimal.loc[money.max(axis=1) > 0.5]  # regions neither allocation gives anything
    total = len(frame)
    if total > limit:
        frame = frame.loc[money.loc[frame.index].max(axis=1).nlargest(limit).index]
    frame = frame.sort_values("allocation_optimal")
    y = [style.plain_label(names.get(str(rid), str(rid))) for rid in frame["region_id"]]
    fig = go.Figure()
    for column, key, colour in (
        ("allocation_formula", "tf.optimal.formula", style.FAVOURABLE_LIGHT),
        ("allocation_optimal", "tf.optimal.optimal", style.FAVOURABLE),
    ):
        values = frame[column].astype(float).to_numpy()
        fig.add_trace(go.Bar(
            y=y, x=values, orientation="h", name=t(key, lang), marker_color=colour,
            text=[fmt_money(v, lang) for v in values], textposition="outside",
            cliponaxis=False, textfont={"size": style.font_size(presenter)},
            hovertemplate="%{y}: %{x:,.0f}<extra>" + t(key, lang) + "</extra>",
        ))
    top = float(frame[["allocation_formula", "allocation_optimal"]].to_numpy().max()) \
        if len(frame) else 1.0
    fig.update_xaxes(range=[0, max(top, 1.0) * 1.3], **style.amount_axis(0, max(top, 1.0), lang))
    fig.update_layout(barmode="group",
                      height=max(420, 2 * _row_height(presenter) * len(frame) + 160))
    fig.update_xaxes(title_text=t("chart.with_unit", lang, label=t("tf.optimal.axis", lang),
                                  unit=t("chart.yuan", lang)))
    fig.update_yaxes(automargin=True)
    title = t("tf.optimal.chart_title", lang)
    if total > limit:
        title += t("tf.chart.largest", lang, n=limit, total=total)
    return style.apply_style(fig, title=title, lang=lang, presenter=presenter)


def build_optimal_unspent_text(*, optimal: Any, max_coverage: float, lang: str) -> str:
    """Why the optimal allocation leaves part of the net fund unspent ("" when it spends it
    all, to the yuan).

    ``optimal``: ``equity.solve.OptimalResult`` (``net_fund`` yuan / year, ``regions`` with
    recipient, allocation_optimal, coverage_after_optimal 0-1, ``objective``, ``gap_optimal``);
    ``max_coverage``: the scenario's cap (0-1). The reason, in order: every recipient already
    at the cap (more money buys no coverage); for the smallest gap, spending more on the
    recipients with room would move the gap away from its smallest value; for the
    worst-off, the lowest coverage belongs to a region the fund does not reach."""
    regions = optimal.regions
    spent = float(regions["allocation_optimal"].astype(float).sum())
    net = float(optimal.net_fund)
    unspent = net - spent
    if unspent < 1.0:
        return ""
    recipients = regions.loc[regions["recipient"].astype(bool)]
    at_cap = bool(len(recipients)) and bool(
        (recipients["coverage_after_optimal"].astype(float) >= float(max_coverage) - 1e-9).all())
    if at_cap or not len(recipients):
        reason = t("tf.optimal.unspent.capacity", lang, cap=f"{float(max_coverage):.0%}")
    elif optimal.objective == "min_gap":
        points = round(_points(optimal.gap_optimal), 1) + 0.0  # no "-0.0"
        reason = (t("tf.optimal.unspent.closed", lang) if points == 0 else
                  t("tf.optimal.unspent.gap", lang, gap=fmt_points(points, lang)))
    else:
        reason = t("tf.optimal.unspent.floor", lang)
    return t("tf.optimal.unspent.sentence", lang, spent=fmt_money(spent, lang),
             net=fmt_money(net, lang), unspent=fmt_money(unspent, lang), reason=reason)


# --------------------------------------------------------------------------- sensitivity


def build_tornado_figure(
    *, sensitivity: pd.DataFrame, step: float = 0.1, lang: str, presenter: bool = False
) -> go.Figure:
    """Tornado: the gap after (points) when each setting is moved down and up by ``step``
    (as ``equity.solve.sensitivity`` does: money relative, +-10%; fractions and weights
    absolute, +-0.1).

    ``sensitivity`` is ``equity.solve.sensitivity``'s frame (parameter, label_en, label_zh,
    low_value, high_value, gap_low, gap_high, base_gap; gaps as 0-1 fractions). Bars start at
    the base gap; the widest swing is on top.
    """
    frame = sensitivity.copy()
    frame["swing"] = (frame["gap_high"].astype(float) - frame["gap_low"].astype(float)).abs()
    frame = frame.sort_values("swing", ascending=True)
    base = _points(float(frame["base_gap"].iloc[0])) if len(frame) else 0.0
    # A setting that moves nothing keeps its row, marked, so it is not silently missing
    # (the reasons are in build_tornado_notes).
    labels = [
        t("tf.tornado.no_effect_label", lang, label=label) if not swing > _NO_EFFECT
        else label
        for label, swing in zip(frame[f"label_{lang}"].astype(str),
                                frame["swing"].fillna(0.0) * 100.0, strict=True)
    ]
    fig = go.Figure()
    for column, value_col, key, colour in (
        ("gap_low", "low_value", "tf.tornado.low", style.GROUP_COLOURS[2]),
        ("gap_high", "high_value", "tf.tornado.high", style.GROUP_COLOURS[0]),
    ):
        gaps = frame[column].astype(float).to_numpy() * 100.0
        settings = [fmt_number(v, lang, 4) for v in frame[value_col].astype(float)]
        fig.add_trace(go.Bar(
            y=labels, x=gaps - base, base=base, orientation="h", name=t(key, lang),
            marker_color=colour, customdata=settings,
            hovertemplate="%{y} = %{customdata}: %{x:.2f}<extra>" + t(key, lang) + "</extra>",
        ))
    fig.add_vline(x=base, line_width=2, line_color="#333333")
    # Equal groups (a gap of 0) is the goal: drawn dashed, so "towards the dashed line is
    # better" reads whichever side of 0 the gap is on.
    fig.add_vline(x=0.0, line_width=1.5, line_dash="dash", line_color=style.FAVOURABLE)
    fig.update_layout(barmode="overlay",
                      height=max(380, (_row_height(presenter) + 10) * len(frame) + 180))
    # The base gap goes in the axis title: an annotation at the top would hit the legend.
    fig.update_xaxes(title_text=f"{t('tf.tornado.axis', lang)} · "
                                f"{t('tf.tornado.base', lang, gap=fmt_points(base, lang))}")
    fig.update_yaxes(automargin=True)
    return style.apply_style(
        fig, title=t("tf.tornado.title", lang, pct=f"{step:.0%}", points=f"{step * 100:g}",
                     step=f"{step:g}"), lang=lang,
        presenter=presenter,
    )


_NO_EFFECT = 0.005
"""Swings below this many percentage points print as 0.0 and count as no effect."""


def build_tornado_notes(*, sensitivity: pd.DataFrame, gap: GapLike, lang: str) -> list[str]:
    """Reading the tornado: which way is better (towards a gap of 0, said for the sign the gap
    has now, so a reversed gap reads right), and, for each setting that moves nothing, why.

    ``sensitivity``: ``equity.solve.sensitivity``'s frame (gaps 0-1; money settings move by
    +-10% of their value, so one at 0 stays at 0)."""
    notes = []
    base = float(sensitivity["base_gap"].iloc[0]) if len(sensitivity) else float(gap.after)
    a, b = group_label(gap.group_a, lang), group_label(gap.group_b, lang)
    if abs(_points(base)) < 0.05:
        notes.append(t("tf.tornado.better_zero", lang))
    elif base > 0:
        notes.append(t("tf.tornado.better_left", lang, a=a, b=b,
                       gap=fmt_points(_points(base), lang)))
    else:
        notes.append(t("tf.tornado.better_right", lang, a=a, b=b,
                       gap=fmt_points(_points(base), lang)))
    reasons: dict[str, list[str]] = {}
    for row in sensitivity.itertuples(index=False):
        low, high = float(row.gap_low), float(row.gap_high)
        label = str(getattr(row, f"label_{lang}"))
        if math.isnan(low) or math.isnan(high):
            reasons.setdefault("refused", []).append(label)
            continue
        if abs(_points(high - low)) > _NO_EFFECT:
            continue
        if float(row.low_value) == float(row.high_value) == 0.0:
            reasons.setdefault("zero", []).append(label)
        elif float(row.low_value) == float(row.high_value):
            reasons.setdefault("bound", []).append(label)
        else:
            reasons.setdefault("none", []).append(label)
    for kind in ("zero", "bound", "refused", "none"):
        if kind in reasons:
            notes.append(t(f"tf.tornado.reason.{kind}", lang,
                           labels=t("tf.list_sep", lang).join(reasons[kind])))
    return notes


def build_uncertainty_inputs_text(*, spreads: Mapping[str, float], lang: str) -> str:
    """Which inputs the Monte Carlo varies and how (``equity.solve.uncertainty``: take-up
    + N(0, sd) clipped to 5-100%; cost and subsidy per patient x exp(N(0, sd)); every region
    alike), and what stays fixed."""
    return t("tf.unc.inputs", lang, take_up=f"{float(spreads['take_up']) * 100:g}",
             cost=f"{float(spreads['cost_per_patient']) * 100:g}",
             subsidy=f"{float(spreads['subsidy_per_patient']) * 100:g}")


# --------------------------------------------------------------------------- uncertainty


def build_uncertainty_figure(
    *,
    percentiles: pd.DataFrame,
    indicator: str = "charity_coverage",
    draws: int,
    lang: str,
    presenter: bool = False,
    limit: int = 30,
) -> go.Figure:
    """Per-region bands of the indicator after the fund: 5-95% and 25-75% of draws, median dot.
    Beyond ``limit`` regions, the ``limit`` widest 90% bands are drawn.

    ``percentiles`` has one row per region: region_name, p5, p25, p50, p75, p95 (0-1 fractions),
    and optionally ``point`` (this scenario's value without uncertainty).
    """
    frame = percentiles
    total = len(frame)
    if total > limit:  # the regions whose outcome is least certain
        spread = frame["p95"].astype(float) - frame["p5"].astype(float)
        frame = frame.loc[spread.nlargest(limit).index]
    frame = frame.sort_values("p50")
    names = (style.region_labels(frame) if "region_id" in frame.columns
             else [style.plain_label(n) for n in frame["region_name"].astype(str)])
    pct = {c: frame[c].astype(float).to_numpy() * 100.0 for c in ("p5", "p25", "p50", "p75",
                                                                     "p95")}
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=names, x=pct["p95"] - pct["p5"], base=pct["p5"], orientation="h",
        name=t("tf.unc.band90", lang), marker_color=_translucent(style.FAVOURABLE, 0.35),
        hovertemplate="%{y}: %{base:.1f}–%{x:.1f}<extra></extra>",
    ))
    fig.add_trace(go.Bar(
        y=names, x=pct["p75"] - pct["p25"], base=pct["p25"], orientation="h",
        name=t("tf.unc.band50", lang), marker_color=_translucent(style.FAVOURABLE, 0.6),
        hoverinfo="skip",
    ))
    fig.add_trace(go.Scatter(
        y=names, x=pct["p50"], mode="markers", name=t("tf.unc.median", lang),
        marker={"color": "#000000", "size": 11, "symbol": "line-ns-open",
                "line": {"width": 3}},
        hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
    ))
    fig.update_layout(barmode="overlay",
                      height=max(380, (_row_height(presenter) + 6) * len(frame) + 160))
    # Zoom to the bands: they are narrow next to the 0-100% scale.
    if len(frame):
        low, high = float(pct["p5"].min()), float(pct["p95"].max())
        pad = max(1.0, (high - low) * 0.15)
        # A little past 0 and 100 so a median at either end is not cut in half.
        fig.update_xaxes(range=[max(-1.0, low - pad), min(101.0, high + pad)])
    fig.update_xaxes(title_text="%")
    fig.update_yaxes(automargin=True)
    title = t("tf.unc.title", lang, indicator=indicator_label(indicator, lang),
              draws=fmt_count(draws, lang))
    if total > limit:
        title += t("tf.chart.widest", lang, n=limit, total=total)
    return style.apply_style(fig, title=title, lang=lang, presenter=presenter)


# --------------------------------------------------------------------------- map of the change


def build_change_map_figure(
    *,
    geojson: dict,
    regions: pd.DataFrame,
    column: str = "charity_coverage",
    favourable: bool = True,
    schematic: bool = False,
    lang: str,
    presenter: bool = False,
) -> go.Figure:
    """Choropleth of each region's change in ``column`` (percentage points), diverging at 0.

    ``geojson`` comes from ``equity.charts.maps.geometry_to_geojson`` (feature ``id`` =
    region_id). Blue where patients gain, vermillion where they lose (reversed for an adverse
    indicator), white for no change; the colour range is symmetric so 0 is always white.
    Drawn on a blank background, so no map tiles are fetched.
    """
    from equity.charts.maps import map_view  # shell's helper; imported here to keep it optional

    change = region_change_points(regions, column)
    span = max(1.0, float(change.abs().max()) if len(change) else 1.0)
    low, high = (style.ADVERSE, style.FAVOURABLE) if favourable else (style.FAVOURABLE,
                                                                      style.ADVERSE)
    scale = [[0.0, low], [0.5, "#F7F7F7"], [1.0, high]]
    hover = [
        f"{name}: {value:+.1f}" for name, value in zip(change.index, change.to_numpy(),
                                                         strict=True)
    ]
    fig = go.Figure(go.Choroplethmap(
        geojson=geojson, featureidkey="id",
        locations=regions["region_id"].astype(str).tolist(), z=change.to_numpy(),
        zmin=-span, zmax=span, zmid=0.0, colorscale=scale,
        marker={"line": {"color": "#333333", "width": 1.2}, "opacity": 0.95},
        colorbar={"title": {"text": t("tf.points", lang)}, "thickness": 18},
        text=hover, hovertemplate="%{text}<extra></extra>",
    ))
    fig.update_layout(map={"style": "white-bg", **map_view(geojson)})
    title = t("tf.chart.map", lang, indicator=indicator_label(column, lang))
    if schematic:
        title += t("tf.chart.map_schematic", lang)
    return style.apply_style(fig, title=title, lang=lang, presenter=presenter, height=560)


def build_change_tile_figure(
    *,
    regions: pd.DataFrame,
    column: str = "charity_coverage",
    favourable: bool = True,
    lang: str,
    presenter: bool = False,
) -> go.Figure:
    """The change map for data with no boundaries: one equal square per region (grouped by
    area type, then by name), coloured like :func:`build_change_map_figure` (diverging at 0,
    percentage points) and labelled with the region's name and change."""
    from plotly.colors import sample_colorscale

    from equity.charts.maps import MAX_TILES, tile_grid_figure

    frame = regions.reset_index(drop=True)
    if "area_type" in frame and "region_name" in frame:
        frame = frame.sort_values(["area_type", "region_name"], kind="stable")
        frame = frame.reset_index(drop=True)
    note = None
    if len(frame) > MAX_TILES:  # an even sample in map order (issue 15: 100,000 regions)
        total = len(frame)
        frame = frame.iloc[::math.ceil(total / MAX_TILES)].reset_index(drop=True)
        note = t("chart.grid_sampled", lang, regions=total, tiles=len(frame))
    change = region_change_points(frame, column)
    span = max(1.0, float(change.abs().max()) if len(change) else 1.0)
    low, high = (style.ADVERSE, style.FAVOURABLE) if favourable else (style.FAVOURABLE,
                                                                      style.ADVERSE)
    scale = [[0.0, low], [0.5, "#F7F7F7"], [1.0, high]]
    points = change.to_numpy()
    colours = sample_colorscale(scale, [(v + span) / (2 * span) for v in points])
    labels = [f"{name}<br>{value:+.1f}" for name, value in zip(change.index, points,
                                                                 strict=True)]
    # White text on the strong ends of the scale, black near 0.
    text_colours = ["white" if abs(v) / span >= 0.6 else "#111111" for v in points]
    marker = {"color": list(points), "colorscale": scale, "cmin": -span, "cmax": span,
              "colorbar": {"title": {"text": t("tf.points", lang)}, "thickness": 18}}
    return tile_grid_figure(
        labels=labels, colours=colours, text_colours=text_colours, hover=labels,
        marker=marker, lang=lang, presenter=presenter, note=note,
        title=t("tf.chart.map", lang, indicator=indicator_label(column, lang)),
    )


# --------------------------------------------------------------------------- financial protection


def protection_column(threshold: float) -> str:
    """The ``equity.protection`` column stem for a threshold: 0.4 -> ``catastrophic_40``."""
    return f"catastrophic_{threshold * 100:g}"


def _threshold_text(threshold: float) -> str:
    return f"{threshold * 100:g}%"


def _protection_values(frame: pd.DataFrame, threshold: float) -> tuple[pd.Series, pd.Series]:
    """Before and after shares (0-1) at ``threshold``; ``ValueError`` naming the missing column."""
    stem = protection_column(threshold)
    missing = [c for c in (f"{stem}_before", f"{stem}_after") if c not in frame.columns]
    if missing:
        raise ValueError(f"no catastrophic-spending column for threshold {threshold:g}: "
                         f"missing {', '.join(missing)}")
    return frame[f"{stem}_before"].astype(float), frame[f"{stem}_after"].astype(float)


def build_protection_headline(
    *, overall: Mapping[str, float], threshold: float, fund_gross: float, lang: str
) -> str:
    """One sentence on the patient-weighted share of catastrophic spenders before and after.

    ``overall`` is ``ProtectionResult.overall`` (0-1 shares); "falls" / "rises" compare the
    shares as printed (one decimal of a percent), so a sentence never says "falls from 63.3% to
    63.3%". A zero fund (``fund_gross`` yuan <= 0) gives the level alone.
    """
    stem = protection_column(threshold)
    before = float(overall[f"{stem}_before"])
    after = float(overall[f"{stem}_after"])
    values = {"threshold": _threshold_text(threshold), "before": fmt_pct(before, lang),
              "after": fmt_pct(after, lang)}
    if float(fund_gross) <= 0:
        return t("tf.prot.headline.zero", lang, **values)
    shown_before, shown_after = round(before * 100, 1), round(after * 100, 1)
    if shown_after < shown_before:
        return t("tf.prot.headline.falls", lang, **values)
    if shown_after > shown_before:
        return t("tf.prot.headline.rises", lang, **values)
    return t("tf.prot.headline.unchanged", lang, **values)


def build_protection_figure(
    *, frame: pd.DataFrame, threshold: float, lang: str, presenter: bool = False,
    limit: int = 30,
) -> go.Figure:
    """Grouped horizontal bars per region: the share of patients (percent) whose out-of-pocket
    spending exceeds ``threshold`` x household income, before (light, hatched) and after
    (solid), in the adverse colours since more is worse.

    ``frame`` is ``ProtectionResult.regions`` (region_id, region_name and
    ``catastrophic_<t>_before/_after`` as 0-1 shares). Regions keep the data's order, first on
    top; beyond ``limit`` regions only those with the largest change are drawn (title says so).
    """
    before, after = _protection_values(frame, threshold)
    total = len(frame)
    shown = frame
    if total > limit:
        change = (after - before).abs()
        shown = frame.loc[change.nlargest(limit).index.sort_values()]
        before, after = before.loc[shown.index], after.loc[shown.index]
    labels = style.region_labels(shown)
    fig = go.Figure()
    for name, values, colour, pattern in (
        (t("tf.before", lang), before.to_numpy() * 100.0, style.ADVERSE_LIGHT, "/"),
        (t("tf.after", lang), after.to_numpy() * 100.0, style.ADVERSE, ""),
    ):
        fig.add_trace(go.Bar(
            y=labels, x=values, orientation="h", name=name, marker_color=colour,
            marker_pattern_shape=pattern,
            text=[_percent_text(v) for v in values], textposition="outside",
            cliponaxis=False, textfont={"size": style.font_size(presenter)},
            hovertemplate="%{y}: %{x:.1f}%<extra>" + name + "</extra>",
        ))
    top = max([*(before * 100).tolist(), *(after * 100).tolist(), 1.0])
    # Room on the right for the value labels; the axis never pretends to go past 100%.
    fig.update_xaxes(title_text=t("tf.prot.chart.axis", lang),
                     range=[0, min(100.0, top) * 1.18])
    # Plotly draws the first category at the bottom; reversed, the list reads top-down.
    fig.update_yaxes(automargin=True, autorange="reversed")
    fig.update_layout(barmode="group",
                      height=max(420, 2 * _row_height(presenter) * len(shown) + 180))
    title = t("tf.prot.chart.title", lang, threshold=_threshold_text(threshold))
    if total > limit:
        title += t("tf.prot.chart.limited", lang, n=limit, total=total)
    return style.apply_style(fig, title=title, lang=lang, presenter=presenter)


def _percent_text(value: float) -> str:
    """A percentage (0-100) to one decimal as the page's tables print it (their "%.1f" rounds
    the exact value with ties away from zero: 56.25 -> 56.3), so a bar's label and its table
    row agree; Python's own format would round that tie to even (56.2)."""
    if not math.isfinite(value):
        return "–"
    return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def build_protection_table(*, frame: pd.DataFrame, threshold: float, lang: str) -> pd.DataFrame:
    """Every region's catastrophic share at ``threshold`` before, after and its change, and the
    share pushed below the poverty line before and after, with headers in ``lang``. Shares in
    percent (0-100), change in percentage points. Kept to seven columns so it fits the page
    without scrolling sideways."""
    before, after = _protection_values(frame, threshold)
    columns: dict[str, Any] = {
        t("tf.prot.col.region", lang): [str(n) for n in frame["region_name"]],
        t("tf.prot.col.patients", lang): frame["patients"].astype(float).to_numpy(),
        t("tf.prot.col.before", lang): before.to_numpy() * 100.0,
        t("tf.prot.col.after", lang): after.to_numpy() * 100.0,
        t("tf.prot.col.change", lang): (after - before).to_numpy() * 100.0,
    }
    for key in ("impoverished_before", "impoverished_after"):
        if key in frame.columns:
            columns[t(f"tf.prot.col.{key}", lang)] = frame[key].astype(float).to_numpy() * 100.0
    return pd.DataFrame(columns)


class ProtectionLike(Protocol):
    """The fields of ``equity.protection.ProtectionResult`` the notes read."""

    mode: str
    settings: Mapping[str, Any]
    notes: tuple[str, ...]


def build_protection_notes(*, protection: ProtectionLike, lang: str) -> list[str]:
    """The assumptions behind the protection figures, in ``lang``: the lognormal spreads, how
    out-of-pocket spending is derived, where household income comes from (the data, or the
    median derived from 003 III(II) when the data has no income column), the draw limit and
    the illustrative poverty line. Notes of ``equity.protection`` this function does not know
    are passed on as written (English)."""
    from equity.protection import INCOME_MEDIAN_CHINA  # the model's own derived default

    settings = protection.settings
    lines = [t("tf.prot.note.simulated", lang, cost_sigma=f"{settings['cost_sigma']:.1f}",
               income_sigma=f"{settings['income_sigma']:.1f}")]
    if protection.mode == "charity":
        lines.append(t("tf.prot.note.oop", lang))
    income_default = False
    others: list[str] = []
    for note in protection.notes:
        if note.code in ("protection.note.income_derived", "protection.note.income_given"):
            income_default = True
        elif note.code == "protection.note.draws":
            lines.append(t("tf.prot.note.draws", lang,
                           n=fmt_count(int(settings["max_draws"]), lang)))
        else:
            others.append(note.text(lang))
    if income_default:
        lines.append(t("tf.prot.note.income_default", lang,
                       median=fmt_money(INCOME_MEDIAN_CHINA, lang),
                       income_sigma=f"{settings['income_sigma']:.1f}"))
    else:
        lines.append(t("tf.prot.note.income_data", lang))
    line = settings.get("poverty_line")
    if line is not None:
        lines.append(t("tf.prot.note.poverty", lang, line=fmt_money(float(line), lang)))
    return [*lines, *others]


# --------------------------------------------------------------------------- mechanisms

MECHANISM_KEYS: tuple[str, ...] = (
    "central_pool", "levy_per_insured", "industry_levy", "mutual_aid_share",
    "charity_pooling_share", "price_cut", "harmonisation_share", "paired_assistance",
)
"""Scenario keys that switch a financing or cost mechanism on (a value above 0, or a choice
other than "off"), in the order their sentences are listed."""


def active_mechanisms(values: Mapping[str, Any]) -> list[str]:
    """The keys of :data:`MECHANISM_KEYS` that ``values`` (the page's control values) switch
    on."""
    active = []
    for key in MECHANISM_KEYS:
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            if value != "off":
                active.append(key)
        elif float(value) > 0:
            active.append(key)
    return active


def _total_oop(result: Any) -> float:
    """Patients' out-of-pocket after the fund, yuan / year, summed over regions."""
    r = result.regions
    return float((r["oop_per_patient_after"] * r["patients"]).sum())


def build_mechanism_sentences(*, values: Mapping[str, Any], table: pd.DataFrame,
                              result: Any, without: Mapping[str, Any],
                              lang: str) -> list[str]:
    """One sentence per active mechanism: what it does (the mechanisms catalogue's sentences
    for the price cut and harmonisation, worked out on ``table`` by
    ``equity.mechanisms.apply_to_table``; the money it brings for a financing source) and its
    effect: the gap after and the patients' out-of-pocket bill compared with the same scenario
    without it (``without[key]``: the simulation with that key at its default; missing =
    effect not shown).

    ``values``: the page's control values (yuan / year, fractions 0-1); ``result``: the
    scenario's ``SimulationResult``."""
    from equity import mechanisms

    sentences = []
    fund = result.fund
    gross = float(fund.gross)
    for key in active_mechanisms(values):
        value = values[key]
        if key == "price_cut":
            adjusted = mechanisms.apply_to_table(
                table, price_cut_share=float(value),
                drug_share=float(values.get("drug_share", 1.0)))
            saved = adjusted.price.savings
            what = t("mechanisms.price_cut.sentence", lang, cut=f"{float(value):.0%}",
                     drug_share=f"{float(values.get('drug_share', 1.0)):.0%}",
                     insurers=fmt_money(saved.insurers, lang),
                     charity=fmt_money(saved.charity, lang),
                     patients=fmt_money(saved.patients, lang))
        elif key == "harmonisation_share":
            target = str(values.get("harmonisation_target", "best"))
            adjusted = mechanisms.apply_to_table(
                table, price_cut_share=float(values.get("price_cut", 0.0)),
                drug_share=float(values.get("drug_share", 1.0)),
                harmonisation_share=float(value), harmonisation_target=target)
            h = adjusted.harmonisation
            what = t("mechanisms.harmonise.sentence", lang, share=f"{float(value):.0%}",
                     target=t(f"mechanisms.target.{target}", lang),
                     target_share=f"{h.target_share:.0%}",
                     cost=fmt_money(h.cost_to_insurers, lang))
        elif key == "paired_assistance":
            what = t(f"tf.mech.paired.{value}" if value in ("adjacency", "table")
                     else "tf.mech.paired.adjacency", lang)
        else:
            source = {"levy_per_insured": "levy", "mutual_aid_share": "mutual_aid",
                      "charity_pooling_share": "charity_pooling"}.get(key, key)
            amount = float(fund.sources.get(source, value if key == "industry_levy" else 0.0))
            what = t("tf.mech.source", lang, source=t(f"tf.mech.name.{key}", lang),
                     amount=fmt_money(amount, lang),
                     share=f"{amount / gross:.0%}" if gross > 0 else "–")
        other = without.get(key)
        if other is not None:
            extra = _total_oop(other) - _total_oop(result)
            gap_without = round(_points(other.gap.after), 1) + 0.0
            gap_now = round(_points(result.gap.after), 1) + 0.0
            if gap_without == gap_now and abs(extra) < 1.0:
                effect = t("tf.mech.effect_none", lang)
            else:
                code = "more" if extra >= 0 else "less"
                if gap_without == gap_now:
                    code = f"same_gap_{code}"
                effect = t(f"tf.mech.effect_{code}", lang,
                           gap_without=fmt_points(gap_without, lang),
                           gap=fmt_points(gap_now, lang), oop=fmt_money(abs(extra), lang))
            what = f"{what}{'' if lang == 'zh' else ' '}{effect}"
        sentences.append(what)
    return sentences
