"""Overview: where the coverage gap stands (headline metrics, map, regions ranked).

Wiring only; one function per section. The ranking chart comes right after the headline (the
indicator picker above it, or below it in presenter mode), so both are on the first screen,
and the metrics follow it. On a session's first screen the page stops after the picker; the
metrics, map and sources come once the ranking is drawn (``dashboard/first_screen.py``). That
first screen, at a link without choices, is recorded for a new server's first visitor, who
gets it replayed before the model is imported (``dashboard/replay.py``).
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard import replay

if replay.replaying():
    # A new server's first visitor: this first screen from its recording, before the model
    # is imported (dashboard/replay.py; app.py runs the page for it).
    replay.draw_overview()
    st.stop()

from typing import Any

from dashboard import division_maps, exports, figures, first_screen, models
from dashboard.links import LINK_NOTICES, seed_from_link, write_to_link
from dashboard.render import escape_md, show_error
from dashboard.state import (
    DEFAULT_COMPARE,
    SIDEBAR_KEYS,
    dataset_notes,
    get_compare,
    get_data,
    get_dataset_title,
    get_lang,
    is_presenter,
    is_schematic,
)
from equity.charts.maps import build_choropleth_figure, build_tile_grid_figure, geometry_key
from equity.charts.overview import (
    INDICATORS,
    build_distribution_figure,
    group_summary,
    is_truncated,
)
from equity.charts.style import group_name, indicator_label
from equity.datasets import DEFAULT_DATASET
from equity.i18n import fmt_count, fmt_money, fmt_pct, fmt_points, t
from equity.report import titled_references


def headline(summary: Any, lang: str) -> str:
    """The headline (and a warning for a group without patients); returns its Markdown."""
    a_name, b_name = group_name(summary.group_a, lang), group_name(summary.group_b, lang)
    for group, count in ((summary.group_a, summary.a_patients),
                         (summary.group_b, summary.b_patients)):
        if count <= 0:
            st.warning(t("ov.no_group", lang, group=escape_md(group_name(group, lang))))
    text = t("ov.headline", lang, a=escape_md(a_name), b=escape_md(b_name),
             a_value=fmt_pct(summary.a_coverage, lang),
             b_value=fmt_pct(summary.b_coverage, lang),
             gap=fmt_points(summary.gap_points, lang))
    line = "### " + text[:1].upper() + text[1:]
    st.markdown(line)
    return line


def metrics(summary: Any, lang: str) -> None:
    a_name, b_name = group_name(summary.group_a, lang), group_name(summary.group_b, lang)
    top = st.columns([1, 1, 1.35])
    top[0].metric(
        t("ov.metric_cov", lang, group=escape_md(a_name)), fmt_pct(summary.a_coverage, lang),
        help=t("ov.metric_cov_help", lang, group=escape_md(a_name)), border=True,
    )
    top[1].metric(
        t("ov.metric_cov", lang, group=escape_md(b_name)), fmt_pct(summary.b_coverage, lang),
        help=t("ov.metric_cov_help", lang, group=escape_md(b_name)), border=True,
    )
    top[2].metric(
        t("ov.metric_gap", lang), fmt_points(summary.gap_points, lang),
        help=t("ov.metric_gap_help", lang, a=escape_md(a_name), b=escape_md(b_name)),
        border=True,
    )
    context = st.columns([1, 1, 1.35])
    context[0].metric(t("ov.metric_oop", lang), fmt_pct(summary.oop_share, lang),
                      help=t("ov.metric_oop_help", lang), border=True)
    context[1].metric(t("ov.metric_patients", lang), fmt_count(summary.patients, lang),
                      help=t("ov.metric_patients_help", lang), border=True)
    context[2].metric(t("ov.metric_subsidy", lang), fmt_money(summary.subsidy, lang),
                      help=t("ov.metric_subsidy_help", lang), border=True)


def current_indicator(lang: str) -> str:
    """The indicator the picker holds (from the link on a new session), read before the
    picker is drawn (in presenter mode the chart is sent first)."""
    # The indicator is in the URL by code (?indicator=oop_share), not by its translated label.
    seed_from_link("ov_indicator", "indicator", INDICATORS,
                   indicator_label(INDICATORS[0], lang, capital=True), lang)
    value = st.session_state.get("ov_indicator")
    return value if value in INDICATORS else INDICATORS[0]


def indicator_picker(lang: str) -> str:
    indicator = st.segmented_control(
        t("ov.indicator", lang),
        INDICATORS,
        # A default alongside a value from the link would make Streamlit warn on the page.
        default=None if "ov_indicator" in st.session_state else INDICATORS[0],
        format_func=lambda key: indicator_label(key, lang, capital=True),
        key="ov_indicator",
        persist_state="session",
        required=True,
    )
    indicator = indicator or INDICATORS[0]
    write_to_link("indicator", indicator, INDICATORS[0])
    st.caption(t(f"ind.{indicator}.help", lang))
    return indicator


def ranking(data: Any, indicator: str, compare: dict, lang: str, presenter: bool) -> None:
    if not presenter:  # the chart's own title says the same; presenter mode needs the room
        st.subheader(t("ov.rank_header", lang))
    table = data.table
    fig, references = figures.ranking(data, indicator=indicator, compare=compare, lang=lang,
                                      presenter=presenter)
    exports.chart(fig, name=f"ranking_{indicator}", key="rank", lang=lang)
    if references:
        st.caption(t("ov.reference_caption", lang))
    if is_truncated(table):  # the bars show the extremes only: every region is counted here
        spread = build_distribution_figure(table=table, indicator=indicator, compare=compare,
                                           lang=lang, presenter=presenter)
        exports.chart(spread, name=f"distribution_{indicator}", key="distribution", lang=lang)


def region_map(data: Any, indicator: str, compare: dict, lang: str, presenter: bool) -> None:
    st.subheader(t("ov.map_header", lang))
    if division_maps.has_divisions(data):  # real Chinese divisions: the whole area's map
        division_maps.division_map(
            data, table=data.table, indicator=indicator, lang=lang, key="map",
            presenter=presenter,
            title=t("geo.page.overview_title", lang, indicator=indicator_label(indicator, lang)),
        )
        st.caption(t("ov.map_hover", lang))
        return
    if data.geometry is not None and len(data.geometry):
        fig = figures.shared(
            build_choropleth_figure,
            data_key=f"{models.data_key(data)}:{geometry_key(data.geometry)}",
            data_args=("geojson", "table"), geojson=models.geojson(data.geometry),
            table=data.table, indicator=indicator, lang=lang, schematic=is_schematic(data),
            group_column=compare["column"], presenter=presenter,
        )
    else:
        fig = build_tile_grid_figure(
            table=data.table, indicator=indicator, lang=lang, group_column=compare["column"],
            presenter=presenter,
        )
    st.caption(t("ov.map_hover", lang))
    exports.chart(fig, name=f"map_{indicator}", key="map", lang=lang)


def sources(data: Any, lang: str) -> None:
    st.subheader(t("ov.reference_header", lang))
    # Documents by title, never as codes ("000 abstract; 3.2.1": one document, two sections).
    st.markdown("\n".join(
        f"- {escape_md(line.label(lang))} — "
        f"{escape_md(titled_references(line.source.replace(';', ','), lang))}"
        for line in models.reference_lines()))
    notes = dataset_notes(data, lang)
    if notes:
        st.subheader(t("ov.notes", lang))
        st.markdown("\n".join(f"- {escape_md(note)}" for note in notes))


def record_first_screen(data: Any, summary: Any, line: str, indicator: str, compare: dict,
                        lang: str, presenter: bool) -> None:
    """Record the first screen just drawn for a new server's first visitor
    (:mod:`dashboard.replay`) when every visitor of this link sees the same: the bundled
    default dataset, groups and indicator, no notice, no warning, every region in the
    ranking. The texts are those :func:`main`, :func:`headline`, :func:`indicator_picker` and
    :func:`ranking` drew."""
    query = replay.recordable_link()
    if (query is None or indicator != INDICATORS[0] or compare != DEFAULT_COMPARE
            or st.session_state.get("dataset") != DEFAULT_DATASET
            or getattr(data, "name", None) != DEFAULT_DATASET
            or "uploaded_data" in st.session_state or st.session_state.get(LINK_NOTICES)
            or summary.a_patients <= 0 or summary.b_patients <= 0
            or is_truncated(data.table)):
        return
    fig, references = figures.ranking(data, indicator=indicator, compare=compare, lang=lang,
                                      presenter=presenter)
    replay.record(replay.OverviewScreen(
        query=query, choices={key: str(st.session_state[key]) for key in SIDEBAR_KEYS
                              if key in st.session_state},
        lang=lang, presenter=presenter, title=t("ov.title", lang),
        intro=t("ov.intro", lang, dataset=escape_md(get_dataset_title())), headline=line,
        picker_label=t("ov.indicator", lang), indicators=list(INDICATORS),
        indicator_labels=[indicator_label(key, lang, capital=True) for key in INDICATORS],
        picker_caption=t(f"ind.{indicator}.help", lang),
        rank_header="" if presenter else t("ov.rank_header", lang),
        figure=json.loads(fig.to_json()), config=exports.plot_config(f"ranking_{indicator}", fig),
        source=escape_md(exports.chart_source(lang)),
        reference_caption=t("ov.reference_caption", lang) if references else "",
    ))


def main() -> None:
    lang, data, compare, presenter = get_lang(), get_data(), get_compare(), is_presenter()
    st.title(t("ov.title", lang))
    if data is None:
        return
    st.caption(t("ov.intro", lang, dataset=escape_md(get_dataset_title())))
    try:
        summary = group_summary(data.table, column=compare["column"], a=compare["a"],
                                b=compare["b"])
    except (KeyError, ValueError) as exc:
        show_error(exc)
        return
    line = headline(summary, lang)
    # The ranking is the page's first chart, sent before the metrics. The picker sits above
    # it and is sent before it, so everything above the chart has arrived (its place kept,
    # dashboard/css.py) when the chart is drawn: on a busy machine a chart sent first was
    # sometimes drawn before the picker's caption, which then pushed it down. In presenter
    # mode the picker goes below the chart (the chart on the first screen).
    indicator = current_indicator(lang)  # also takes the link's indicator into the picker
    if presenter:
        ranking(data, indicator, compare, lang, presenter)
        indicator = indicator_picker(lang)
    else:
        indicator = indicator_picker(lang)
        ranking(data, indicator, compare, lang, presenter)
    if first_screen.active():  # the rest once the ranking is drawn
        record_first_screen(data, summary, line, indicator, compare, lang, presenter)
        return
    metrics(summary, lang)
    left, right = st.columns([3, 2], gap="large")
    with left:
        region_map(data, indicator, compare, lang, presenter)
    with right:
        sources(data, lang)


main()
