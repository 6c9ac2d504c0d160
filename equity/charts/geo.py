"""Maps of real Chinese divisions: an indicator before, after, or its change, by region.

Pure builder: GeoJSON (from :func:`equity.geo.shapes.to_geojson`, built once and cached by the
caller) and figures in; :func:`division_map_spec` gives plotly JSON (a dict) and
:func:`build_division_map_figure` a ``go.Figure``. plotly ``go.Choroplethmap`` on
``map_style="white-bg"``: a blank background, so no tile or font is fetched from anywhere.
A division of the GeoJSON with no figure is drawn as a light grey outline (and says so on
hover) rather than vanishing.

Why a dict: the national county map's GeoJSON is a large nested structure (about 46,000
vertices), and a ``go.Figure`` deep-copies it when built and again on every ``to_dict()`` --
which ``st.plotly_chart`` calls on every rerun (0.3-0.6 s each for the national map).
:func:`division_map_spec` validates the figure with an empty stand-in GeoJSON and then puts
the caller's (cached) GeoJSON into the JSON by reference; :class:`PreparedFigure` hands that
JSON to Streamlit without a copy.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from equity.charts.maps import colour_floor, map_view
from equity.charts.style import (
    ADVERSE,
    FAVOURABLE,
    apply_style,
    font_size,
    indicator_scale,
    is_favourable,
    plain_label,
)
from equity.i18n import fmt_pct, t

VIEWS: tuple[str, ...] = ("before", "after", "change")
"""What a division map shows: the indicator before the fund, after it, or the change."""

OUTLINE = "#BBBBBB"
BACKGROUND_FILL = "#F4F4F4"
_STAND_IN: dict = {"type": "FeatureCollection", "features": []}
"""Validated in place of the real GeoJSON (see the module docstring); never sent."""


class PreparedFigure(go.Figure):
    """A figure whose plotly JSON was prepared once (:func:`division_map_spec`) and is handed
    out as it is: ``to_dict()`` / ``to_plotly_json()`` return it without the deep copy a
    ``go.Figure`` makes (``st.plotly_chart`` calls ``to_dict()`` on every rerun), and the
    exports (:func:`equity.report.figure_to_image`) read the same JSON. Only the layout's
    height is set on the figure object itself (for the modebar camera's size); ``.data`` is
    empty, so read traces from ``to_dict()["data"]``. The JSON is shared by every caller:
    treat it as read-only (its top level is a fresh dict each time, so a caller may replace
    a key such as "layout", as the image stamp does)."""

    def __init__(self, spec: dict) -> None:
        super().__init__(layout={"height": (spec.get("layout") or {}).get("height")})
        self._spec = spec

    def to_dict(self) -> dict:
        return {**self._spec}

    def to_plotly_json(self) -> dict:
        return self.to_dict()


def change_scale(indicator: str) -> list[list[float | str]]:
    """Diverging scale for a change, centred on 0: improvement in the indicator's favourable
    colour (blue), deterioration in vermillion (a rise in coverage is good, a rise in the
    out-of-pocket share is bad)."""
    low, high = (ADVERSE, FAVOURABLE) if is_favourable(indicator) else (FAVOURABLE, ADVERSE)
    return [[0.0, low], [0.5, "#F7F7F7"], [1.0, high]]


def _view(geojson: dict) -> dict:
    """Centre and zoom fitting the GeoJSON: from its ``bbox`` member when present (as
    :func:`equity.geo.shapes.to_geojson` writes it), else from every coordinate."""
    bbox = geojson.get("bbox")
    if bbox is None:
        return map_view(geojson)
    minx, miny, maxx, maxy = bbox
    corners = {"features": [{"geometry": {"coordinates": [[minx, miny], [maxx, maxy]]}}]}
    return map_view(corners)


def _points(value: float, lang: str) -> str:
    if value is None or math.isnan(value):
        return "\u2013"
    return f"{value:+.1f} {t('geo.map.change_unit', lang)}"


def build_division_map_figure(**arguments: Any) -> go.Figure:
    """Choropleth of ``indicator`` on real division boundaries, as a ``go.Figure`` (it owns a
    copy of the GeoJSON); the keyword arguments of :func:`division_map_spec`, which a page that
    draws the map on every rerun should use instead."""
    return go.Figure(division_map_spec(**arguments))


def division_map_spec(
    *,
    geojson: dict,
    table: pd.DataFrame,
    indicator: str,
    lang: str,
    view: str = "before",
    before: pd.Series | None = None,
    after: pd.Series | None = None,
    links: pd.DataFrame | None = None,
    presenter: bool = False,
    height: int = 620,
    title: str | None = None,
) -> dict:
    """Choropleth of ``indicator`` on real division boundaries, as plotly JSON whose traces
    hold ``geojson`` itself (not a copy): read-only, like the GeoJSON. Draw it with
    :class:`PreparedFigure`.

    ``geojson``: FeatureCollection with ``id`` = region_id (every division drawn as an outline);
    ``table``: region_id and region_name of the regions with figures; ``before`` / ``after``:
    the indicator (0-1 fractions) indexed by region_id, ``before`` defaulting to
    ``table[indicator]``. ``view``: "before" or "after" (shown in %, scale from
    :func:`equity.charts.maps.colour_floor` to 100) or "change" (after - before in percentage
    points, diverging around 0). Hover: the region's name, code, before, after and change.
    ``links``: neighbouring pairs (columns a, b, kind, as from
    :func:`equity.geo.adjacency.adjacency`), drawn on request as lines between the regions'
    inner points: solid for a shared border, dotted for the nearest region across water.
    ``title`` replaces the figure's own title.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    ids = table["region_id"].astype(str).reset_index(drop=True)
    names = table["region_name"].astype(str).reset_index(drop=True)
    if before is None:
        before = pd.Series(table[indicator].to_numpy(dtype=float), index=ids)
    before_values = before.reindex(ids.to_numpy()).astype(float).to_numpy()
    after_values = (after.reindex(ids.to_numpy()).astype(float).to_numpy()
                    if after is not None else None)
    if view != "before" and after_values is None:
        raise ValueError(f"view {view!r} needs the values after the fund")
    label = t(f"ind.{indicator}", lang)
    if view == "before":
        z = before_values * 100.0
        own_title = t("geo.map.before", lang, indicator=label)
    elif view == "after":
        z = after_values * 100.0
        own_title = t("geo.map.after", lang, indicator=label)
    else:
        z = (after_values - before_values) * 100.0
        own_title = t("geo.map.change", lang, indicator=label)

    hover = []
    for i, (region_id, name) in enumerate(zip(ids, names, strict=True)):
        lines = [f"<b>{plain_label(name)}</b>", f"{t('geo.map.hover_code', lang)}: {region_id}",
                 f"{t('geo.map.hover_before', lang)}: {fmt_pct(before_values[i], lang)}"]
        if after_values is not None:
            lines.append(f"{t('geo.map.hover_after', lang)}: {fmt_pct(after_values[i], lang)}")
            lines.append(f"{t('geo.map.hover_change', lang)}: "
                         f"{_points((after_values[i] - before_values[i]) * 100.0, lang)}")
        hover.append("<br>".join(lines))

    many = len(geojson["features"]) > 400  # national county maps: thin lines or fills vanish
    traces = []
    shapes: list[dict] = []  # the GeoJSON of each trace, put into the JSON after validation
    shown = set(ids)
    missing = [f for f in geojson["features"] if f["id"] not in shown]
    if missing:
        # Only the divisions without figures, so the (large) GeoJSON is not sent twice.
        shapes.append({"type": "FeatureCollection", "features": missing})
        traces.append(go.Choroplethmap(
            geojson=_STAND_IN,
            locations=[f["id"] for f in missing], z=[0] * len(missing), featureidkey="id",
            colorscale=[[0, BACKGROUND_FILL], [1, BACKGROUND_FILL]], showscale=False,
            marker={"line": {"color": OUTLINE, "width": 0.3 if many else 0.8}},
            hovertemplate=f"%{{location}}: {t('geo.map.no_value', lang)}<extra></extra>",
            name="outline",
        ))
    if view == "change":
        # Rounded so that float noise (9.999999999999998) does not show on the colour bar.
        span = max(round(float(pd.Series(z).abs().max(skipna=True) or 0.0), 6), 0.1)
        scale, zmin, zmax = change_scale(indicator), -span, span
        colorbar = {"title": {"text": t("geo.map.change_axis", lang)}, "thickness": 18}
    else:
        values = pd.Series(z / 100.0)
        scale, zmin, zmax = indicator_scale(indicator), colour_floor(values), 100.0
        colorbar = {"title": {"text": "%"}, "ticksuffix": "%", "thickness": 18}
    shapes.append(geojson)
    figures = go.Choroplethmap(
        geojson=_STAND_IN, locations=list(ids), z=list(z), featureidkey="id",
        colorscale=scale, zmin=zmin, zmax=zmax, colorbar=colorbar,
        marker={"line": {"color": "#333333", "width": 0.3 if many else 1.0}, "opacity": 0.95},
        text=hover, hovertemplate="%{text}<extra></extra>", name=view,
    )
    fig = go.Figure([*traces, figures, *_link_traces(geojson, links)])
    fig.update_layout(map={"style": "white-bg", **_view(geojson)})
    apply_style(fig, title=own_title if title is None else title, lang=lang,
                presenter=presenter, height=height)
    fig.update_layout(title_subtitle_text=t("geo.map.source", lang),
                      margin={"l": 0, "r": 0, "t": round(font_size(presenter) * 4.5), "b": 0})
    spec = fig.to_dict()
    for trace, shape in zip(spec["data"], shapes, strict=False):  # choropleths come first
        assert trace["type"] == "choroplethmap"
        trace["geojson"] = shape
    return spec


def _link_traces(geojson: dict, links: pd.DataFrame | None) -> list[go.Scattermap]:
    """One line trace per kind of link (border / nearest), from point to point inside each
    region (a point on the surface, so a crescent's point is still inside it)."""
    if links is None or links.empty:
        return []
    import shapely
    from shapely.geometry import shape

    ids = [feature["id"] for feature in geojson["features"]]
    inner = shapely.point_on_surface([shape(f["geometry"]) for f in geojson["features"]])
    where = {region_id: (p.x, p.y) for region_id, p in zip(ids, inner, strict=True)}
    traces = []
    for kind, dash_width in (("border", 1.6), ("nearest", 1.0)):
        lon: list[float | None] = []
        lat: list[float | None] = []
        for a, b in links.loc[links["kind"] == kind, ["a", "b"]].itertuples(index=False):
            if a in where and b in where:
                lon += [where[a][0], where[b][0], None]
                lat += [where[a][1], where[b][1], None]
        if lon:
            traces.append(go.Scattermap(
                lon=lon, lat=lat, mode="lines", name=f"links_{kind}", hoverinfo="skip",
                line={"color": "#222222" if kind == "border" else "#777777",
                      "width": dash_width},
                showlegend=False,
            ))
    return traces
