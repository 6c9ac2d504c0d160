"""Overview: where the coverage gap stands (headline metrics, map, regions ranked)."""

from __future__ import annotations

import streamlit as st

from dashboard import models
from dashboard.links import seed_from_link, write_to_link
from dashboard.render import escape_md, show_error
from dashboard.state import (
    dataset_notes,
    get_compare,
    get_data,
    get_dataset_title,
    get_lang,
    is_presenter,
    is_schematic,
)
from equity.charts.maps import build_choropleth_figure, build_tile_grid_figure
from equity.charts.overview import (
    INDICATORS,
    build_ranked_regions_figure,
    group_summary,
    reference_lines_for,
)
from equity.charts.style import group_name, indicator_label
from equity.i18n import fmt_count, fmt_money, fmt_pct, fmt_points, t
from equity.report import ensure_browser_path, figure_to_image

lang = get_lang()
data = get_data()
compare = get_compare()
presenter = is_presenter()

st.title(t("ov.title", lang))
if data is None:
    st.stop()


def _downloads(fig, stem: str) -> None:
    # Images are drawn by kaleido in a headless Chromium, only when a button is clicked.
    if ensure_browser_path() is None:
        st.caption(t("ov.download_unavailable", lang, reason="BROWSER_PATH / /usr/bin/chromium"))
        return
    left, right = st.columns(2)
    left.download_button(
        t("ov.download_png", lang), data=lambda: figure_to_image(fig, "png"),
        file_name=f"{stem}.png", mime="image/png", on_click="ignore",
        icon=":material/download:", key=f"png_{stem}",
    )
    right.download_button(
        t("ov.download_svg", lang), data=lambda: figure_to_image(fig, "svg"),
        file_name=f"{stem}.svg", mime="image/svg+xml", on_click="ignore",
        icon=":material/download:", key=f"svg_{stem}",
    )


table = data.table
st.caption(t("ov.intro", lang, dataset=escape_md(get_dataset_title())))
try:
    summary = group_summary(table, column=compare["column"], a=compare["a"], b=compare["b"])
except (KeyError, ValueError) as exc:
    show_error(exc)
    st.stop()

a_name = group_name(summary.group_a, lang)
b_name = group_name(summary.group_b, lang)
for group, count in ((summary.group_a, summary.a_patients), (summary.group_b, summary.b_patients)):
    if count <= 0:
        st.warning(t("ov.no_group", lang, group=escape_md(group_name(group, lang))))

headline = t(
    "ov.headline",
    lang,
    a=escape_md(a_name),
    b=escape_md(b_name),
    a_value=fmt_pct(summary.a_coverage, lang),
    b_value=fmt_pct(summary.b_coverage, lang),
    gap=fmt_points(summary.gap_points, lang),
)
st.markdown("### " + headline[:1].upper() + headline[1:])

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
    help=t("ov.metric_gap_help", lang, a=escape_md(a_name), b=escape_md(b_name)), border=True,
)
context = st.columns([1, 1, 1.35])
context[0].metric(
    t("ov.metric_oop", lang), fmt_pct(summary.oop_share, lang),
    help=t("ov.metric_oop_help", lang), border=True,
)
context[1].metric(
    t("ov.metric_patients", lang), fmt_count(summary.patients, lang),
    help=t("ov.metric_patients_help", lang), border=True,
)
context[2].metric(
    t("ov.metric_subsidy", lang), fmt_money(summary.subsidy, lang),
    help=t("ov.metric_subsidy_help", lang), border=True,
)

# The indicator is in the URL by code (?indicator=oop_share), not by its translated label.
seed_from_link("ov_indicator", "indicator", INDICATORS,
               indicator_label(INDICATORS[0], lang, capital=True), lang)
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

st.subheader(t("ov.rank_header", lang))
references = reference_lines_for(indicator, models.reference_lines())
rank_fig = build_ranked_regions_figure(
    table=table, indicator=indicator, compare=compare, lang=lang,
    references=references, presenter=presenter,
)
st.plotly_chart(rank_fig, width="stretch", config={"displaylogo": False}, key="rank")
_downloads(rank_fig, f"ranking_{indicator}")
if references:
    st.caption(t("ov.reference_caption", lang))

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("ov.map_header", lang))
    if data.geometry is not None and len(data.geometry):
        map_fig = build_choropleth_figure(
            geojson=models.geojson(data.geometry), table=table, indicator=indicator,
            lang=lang, schematic=is_schematic(data), group_column=compare["column"],
            presenter=presenter,
        )
    else:
        map_fig = build_tile_grid_figure(
            table=table, indicator=indicator, lang=lang, group_column=compare["column"],
            presenter=presenter,
        )
    st.plotly_chart(map_fig, width="stretch", config={"displaylogo": False}, key="map")
    st.caption(t("ov.map_hover", lang))
    _downloads(map_fig, f"map_{indicator}")

with right:
    st.subheader(t("ov.reference_header", lang))
    st.markdown(
        "\n".join(
            f"- {escape_md(line.label(lang))} — {escape_md(line.source)}"
            for line in models.reference_lines()
        )
    )
    notes = dataset_notes(data, lang)
    if notes:
        st.subheader(t("ov.notes", lang))
        st.markdown("\n".join(f"- {escape_md(note)}" for note in notes))
