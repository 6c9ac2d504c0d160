"""Maps of an indicator by region, drawn without any tile server or CDN.

- ``build_choropleth_figure``: plotly ``go.Choroplethmap`` on ``map_style="white-bg"`` (a blank
  background, so nothing is fetched) from GeoJSON made once by ``geometry_to_geojson``.
- ``build_tile_grid_figure``: one equal square per region, for data without boundaries.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from equity.charts.style import (
    apply_style,
    font_size,
    indicator_label,
    indicator_scale,
    plain_label,
    region_labels,
)
from equity.i18n import fmt_pct, t

if TYPE_CHECKING:
    import geopandas as gpd


def geometry_to_geojson(geometry: gpd.GeoDataFrame, *, tolerance: float | None = None) -> dict:
    """A GeoJSON FeatureCollection (EPSG:4326) with ``id`` = region_id, simplified for drawing.

    ``tolerance`` is in degrees; by default 1/500 of the larger side of the bounding box, which
    keeps outlines recognisable while cutting the vertices a browser has to draw. Topology is
    preserved so neighbouring regions still meet.
    """
    frame = geometry[["region_id", "geometry"]].copy()
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    if tolerance is None:
        minx, miny, maxx, maxy = frame.total_bounds
        tolerance = max(maxx - minx, maxy - miny) / 500.0
    if tolerance > 0:
        frame["geometry"] = frame.geometry.simplify(tolerance, preserve_topology=True)
    frame["region_id"] = frame["region_id"].astype(str)
    features = []
    for region_id, shape in zip(frame["region_id"], frame.geometry, strict=True):
        if shape is None or shape.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": region_id,
                "properties": {"region_id": region_id},
                "geometry": shape.__geo_interface__,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geometry_key(geometry: gpd.GeoDataFrame) -> str:
    """A digest of the region ids and shapes, to cache the simplified GeoJSON by content (two
    uploads with the same file name must never share a map)."""
    import hashlib

    import shapely

    digest = hashlib.sha256()
    for region_id, wkb in zip(
        geometry["region_id"].astype(str), shapely.to_wkb(geometry.geometry.values), strict=True
    ):
        digest.update(region_id.encode("utf-8"))
        digest.update(wkb or b"")
    return digest.hexdigest()


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        elif isinstance(coords, (list, tuple)):
            for c in coords:
                walk(c)

    for feature in geojson["features"]:
        walk(feature["geometry"]["coordinates"])
    if not xs:
        return (-180.0, -85.0, 180.0, 85.0)
    return min(xs), min(ys), max(xs), max(ys)


def map_view(geojson: dict, *, width_px: int = 440, height_px: int = 480) -> dict:
    """Centre and zoom (web-mercator tile zoom) that fit every feature in a map of that size.

    The defaults are the smallest map the Overview draws (a column of a wide page), so the
    whole area shows on laptops too; a wider map simply leaves more margin."""
    minx, miny, maxx, maxy = _bounds(geojson)
    centre = {"lon": (minx + maxx) / 2.0, "lat": (miny + maxy) / 2.0}
    lon_span = max(maxx - minx, 1e-6)
    # Mercator stretches latitudes: measure the north-south span in projected units.
    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

    lat_span = max(merc(maxy) - merc(miny), 1e-6)
    # MapLibre's zoom 0 shows the world in one 512 px tile.
    zoom_x = math.log2(width_px * 360.0 / (512.0 * lon_span))
    zoom_y = math.log2(height_px * 360.0 / (512.0 * lat_span))
    zoom = max(0.0, min(zoom_x, zoom_y) - 0.25)
    return {"center": centre, "zoom": zoom}


def colour_floor(values: pd.Series) -> float:
    """Lower end of the colour scale in %: 10 points below the lowest value, on a multiple of 10,
    never below 0. Starting at 0 would leave 65% and 90% in nearly the same shade; the colour
    bar shows the range, so the map stays honest."""
    lowest = float(values.min()) * 100.0
    if math.isnan(lowest):
        return 0.0
    return max(0.0, math.floor(lowest / 10.0) * 10.0 - 10.0)


def _hover(table: pd.DataFrame, values: pd.Series, lang: str, group_column: str | None) -> list:
    rows = []
    patients_label = t("chart.hover_patients", lang)
    for i, (name, patients) in enumerate(
        zip(region_labels(table), table["patients"].astype(float), strict=True)
    ):
        share = fmt_pct(float(values.iloc[i]), lang)
        text = f"{name}: {share}<br>{patients_label}: {patients:,.0f}"
        if group_column is not None:
            group = plain_label(table[group_column].astype(str).iloc[i])
            text += f"<br>{t('chart.hover_group', lang)}: {group}"
        rows.append(text)
    return rows


def build_choropleth_figure(
    *,
    geojson: dict,
    table: pd.DataFrame,
    indicator: str,
    lang: str,
    schematic: bool = False,
    group_column: str | None = None,
    presenter: bool = False,
) -> go.Figure:
    """Choropleth of ``indicator`` (0-1 in the table, shown in %) on a blank background.

    The title says "schematic" when the boundaries are not real ones (City W's).
    """
    name = indicator_label(indicator, lang, capital=True)
    values = table[indicator].astype(float)
    size = font_size(presenter)
    fig = go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            locations=list(table["region_id"].astype(str)),
            z=list(values * 100.0),
            featureidkey="id",
            colorscale=indicator_scale(indicator),
            zmin=colour_floor(values),
            zmax=100,
            marker={"line": {"color": "#333333", "width": 1.2}, "opacity": 0.95},
            colorbar={"title": {"text": "%"}, "ticksuffix": "%", "thickness": 18},
            text=_hover(table, values, lang, group_column),
            hovertemplate="%{text}<extra></extra>",
        )
    )
    view = map_view(geojson)
    fig.update_layout(map={"style": "white-bg", **view})
    apply_style(
        fig, title=t("chart.map_title", lang, indicator=name), lang=lang, presenter=presenter,
        height=560,
    )
    if schematic:
        fig.update_layout(title_subtitle_text=t("chart.map_schematic", lang))
    fig.update_layout(margin={"l": 0, "r": 0, "t": round(size * 4.5), "b": 0})
    return fig


def build_tile_grid_figure(
    *,
    table: pd.DataFrame,
    indicator: str,
    lang: str,
    group_column: str | None = None,
    presenter: bool = False,
) -> go.Figure:
    """Equal squares, one per region (grouped by ``group_column`` then by name), coloured by
    ``indicator`` and labelled with the region name and value: a map for data with no geometry."""
    name = indicator_label(indicator, lang, capital=True)
    frame = table.reset_index(drop=True)
    sort_cols = [group_column, "region_name"] if group_column else ["region_name"]
    frame = frame.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    values = frame[indicator].astype(float)
    scale = indicator_scale(indicator)
    floor = colour_floor(values)
    span = 100.0 - floor
    colours = sample_colorscale(
        scale, [min(max((v * 100.0 - floor) / span, 0.0), 1.0) for v in values]
    )
    labels = [
        f"{region}<br>{fmt_pct(v, lang)}"
        for region, v in zip(region_labels(frame), values, strict=True)
    ]
    # White text on the darker half of the scale, black on the lighter half.
    text_colours = [
        "white" if (v * 100.0 - floor) / span >= 0.55 else "#111111" for v in values
    ]
    marker = {
        "color": list(values * 100.0), "colorscale": scale, "cmin": floor, "cmax": 100,
        "colorbar": {"title": {"text": "%"}, "ticksuffix": "%", "thickness": 18},
    }
    return tile_grid_figure(
        labels=labels, colours=colours, text_colours=text_colours,
        hover=_hover(frame, values, lang, group_column), marker=marker,
        title=t("chart.map_title", lang, indicator=name), lang=lang, presenter=presenter,
    )


def tile_grid_figure(*, labels: list[str], colours: list[str], text_colours: list[str],
                     hover: list[str], marker: dict, title: str, lang: str,
                     presenter: bool = False) -> go.Figure:
    """Equal squares in reading order, one per label (already plotly-safe), filled with
    ``colours``; ``marker`` gives the colour bar (``color``, ``colorscale``, ``cmin``/``cmax``
    or ``cmid``, ``colorbar``). Subtitle: the data has no boundaries."""
    n = len(labels)
    ncols = max(1, math.ceil(math.sqrt(n * 1.6)))
    size = font_size(presenter)
    fig = go.Figure()
    xs, ys = [], []
    for i in range(n):
        col, row = i % ncols, i // ncols
        x0, y0 = col, -row
        xs.append(x0 + 0.5)
        ys.append(y0 + 0.5)
        fig.add_shape(
            type="rect", x0=x0 + 0.04, x1=x0 + 0.96, y0=y0 + 0.04, y1=y0 + 0.96,
            fillcolor=colours[i], line={"color": "#333333", "width": 1},
            layer="below",  # under the labels of the scatter trace
        )
    fig.add_trace(
        go.Scatter(
            x=xs, y=ys, mode="markers+text", text=labels,
            textfont={"color": text_colours, "size": round(size * 0.85)},
            marker={"size": 1, "opacity": 0, "showscale": True, **marker},
            hovertext=hover, hoverinfo="text", showlegend=False,
        )
    )
    nrows = math.ceil(n / ncols) if n else 1
    fig.update_xaxes(visible=False, range=[-0.05, ncols + 0.05])
    fig.update_yaxes(visible=False, range=[-nrows + 0.95, 1.05], scaleanchor="x")
    apply_style(fig, title=title, lang=lang, presenter=presenter,
                height=max(360, 140 + nrows * 130))
    fig.update_layout(title_subtitle_text=t("chart.grid_note", lang))
    return fig
