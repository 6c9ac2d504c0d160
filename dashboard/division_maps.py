"""Maps of real Chinese divisions on the Overview and Transfer fund pages.

A region table keyed by administrative codes or names (``RegionData.divisions`` set by the
reader) is drawn on its real boundaries with :func:`equity.charts.geo.division_map_spec`:
the whole area it matched (divisions without a row as grey outlines), from GeoJSON built once
and held in ``st.cache_resource`` (:func:`dashboard.models.division_geojson`). Neighbour links
(``equity.geo.adjacency``) are drawn only when asked for. Nothing is fetched: the map has no
background tiles.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import models
from equity.charts.geo import VIEWS, PreparedFigure, division_map_spec
from equity.i18n import fmt_count, t


def has_divisions(data: Any) -> bool:
    """Whether the table has real division boundaries to draw."""
    return models.division_key(data) is not None


def _links(data: Any, key: str, lang: str) -> pd.DataFrame | None:
    show = st.toggle(t("geo.page.links", lang), value=False, key=f"{key}_links",
                     help=t("geo.page.links_help", lang))
    if not show:
        return None
    with st.spinner(t("geo.page.links_running", lang)):
        links = models.division_links(data)
    border = int((links["kind"] == "border").sum())
    st.caption(t("geo.page.links_caption", lang, border=fmt_count(border, lang),
                 nearest=fmt_count(len(links) - border, lang)))
    return links


def _values_key(table: pd.DataFrame, *series: pd.Series | None) -> str:
    """A hash of what the map shows (the table and the before/after values)."""
    parts = [table] + [x.to_frame() for x in series if x is not None]
    return ":".join(f"{int(pd.util.hash_pandas_object(p, index=True).sum()) & 0xFFFFFFFFFFFF:x}"
                    for p in parts)


@st.cache_resource(show_spinner=False, max_entries=12)
def _figure(key: str, _data: Any, _table: pd.DataFrame, indicator: str, lang: str, view: str,
            _before: pd.Series | None, _after: pd.Series | None, _links: pd.DataFrame | None,
            presenter: bool, title: str | None) -> PreparedFigure:
    # Built once per key and shared by every rerun and session. The figure's JSON holds the
    # cached GeoJSON itself (no copy per figure), and PreparedFigure hands it to
    # st.plotly_chart without the deep copy go.Figure.to_dict() makes on every rerun (0.3-0.6 s
    # for the national county map). Nobody mutates it: the page only draws and exports it.
    return PreparedFigure(division_map_spec(
        geojson=models.division_geojson(_data), table=_table, indicator=indicator, lang=lang,
        view=view, before=_before, after=_after, links=_links, presenter=presenter,
        title=title,
    ))


def division_map(data: Any, *, table: pd.DataFrame, indicator: str, lang: str, key: str,
                 presenter: bool = False, title: str | None = None,
                 before: pd.Series | None = None, after: pd.Series | None = None) -> Any:
    """Draw the division map of ``indicator`` (0-1 fractions) and return its figure (a
    :class:`equity.charts.geo.PreparedFigure`: its traces are in ``to_dict()["data"]``).

    ``table``: region_id and region_name (and ``indicator`` when ``before`` is not given);
    ``before`` / ``after``: the indicator by region_id before and after the fund. With
    ``after``, a picker offers before / after / change (change by default). ``key``: the
    chart's widget key (the picker and the links toggle are keyed from it). ``title``
    replaces the figure's own title (the Overview has no fund, so no "before the fund").
    """
    view = "before"
    controls = st.columns([3, 2], vertical_alignment="bottom")
    if after is not None:
        view = controls[0].segmented_control(
            t("geo.page.view", lang), list(VIEWS), default="change",
            format_func=lambda v: t(f"geo.page.view.{v}", lang), key=f"{key}_view",
        ) or "change"
    with controls[1]:
        links = _links(data, key, lang)
    key_parts = (models.division_key(data), _values_key(table, before, after), indicator,
                 lang, view, links is not None, presenter, title)
    fig = _figure(repr(key_parts), data, table, indicator, lang, view, before, after, links,
                  presenter, title)
    from dashboard import exports

    exports.chart(fig, name=f"division_map_{view}", key=key, lang=lang,
                  data=lambda: table.copy())
    return fig
