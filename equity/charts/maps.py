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
    group_label,
    indicator_label,
    indicator_scale,
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
            # a known group in words (a catalogue name per language), others as the data spells them
            group = group_label(table[group_column].astype(str).iloc[i], lang)
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


MAX_TILES = 400
"""Most tiles a grid draws: beyond it a label per square is unreadable and the browser slows;
larger tables are aggregated by group (or sampled evenly in map order), and the subtitle says
so."""


def _tile_frame(frame: pd.DataFrame, indicator: str, group_column: str | None,
                limit: int) -> tuple[pd.DataFrame, str | None]:
    """At most ``limit`` rows to draw, and how they were chosen (None: one per region).

    Over the limit: one tile per value of ``group_column`` (patient-weighted mean of
    ``indicator``, patients summed; name "group (n regions)") when it has few enough values,
    else every k-th region in map order (an even sample over the whole range)."""
    n = len(frame)
    if n <= limit:
        return frame, None
    if group_column is not None and frame[group_column].nunique() <= limit:
        groups = frame[group_column].astype(str)
        weights = frame["patients"].astype(float)
        weighted = (frame[indicator].astype(float) * weights).groupby(groups).sum()
        totals = weights.groupby(groups).sum()
        counts = groups.value_counts()
        out = pd.DataFrame({
            group_column: totals.index,
            indicator: (weighted / totals.where(totals > 0)).to_numpy(),
            "patients": totals.to_numpy(),
            "region_id": totals.index,
        })
        out["region_name"] = [f"{g} ({counts[g]:,})" for g in totals.index]
        return out.reset_index(drop=True), "grouped"
    step = math.ceil(n / limit)
    return frame.iloc[::step].reset_index(drop=True), "sampled"


def build_tile_grid_figure(
    *,
    table: pd.DataFrame,
    indicator: str,
    lang: str,
    group_column: str | None = None,
    presenter: bool = False,
    max_tiles: int = MAX_TILES,
) -> go.Figure:
    """Equal squares, one per region (grouped by ``group_column`` then by name), coloured by
    ``indicator`` and labelled with the region name and value: a map for data with no geometry.

    More than ``max_tiles`` regions: one square per group (patient-weighted), or an even
    sample when the groups are too many too; the subtitle says which."""
    name = indicator_label(indicator, lang, capital=True)
    frame = table.reset_index(drop=True)
    sort_cols = [group_column, "region_name"] if group_column else ["region_name"]
    frame = frame.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    n_regions = len(frame)
    frame, reduced = _tile_frame(frame, indicator, group_column, max_tiles)
    values = frame[indicator].astype(float)
    scale = indicator_scale(indicator)
    floor = colour_floor(values)
    span = 100.0 - floor
    position = ((values.to_numpy() * 100.0 - floor) / span).clip(0.0, 1.0)
    colours = sample_colorscale(scale, [0.0 if math.isnan(v) else v for v in position])
    names = region_labels(frame)
    labels = [f"{region}<br>{fmt_pct(v, lang)}" for region, v in zip(names, values, strict=True)]
    # White text on the darker half of the scale, black on the lighter half.
    text_colours = ["white" if v >= 0.55 else "#111111" for v in position]
    marker = {
        "color": list(values * 100.0), "colorscale": scale, "cmin": floor, "cmax": 100,
        "colorbar": {"title": {"text": "%"}, "ticksuffix": "%", "thickness": 18},
    }
    note = None
    if reduced == "grouped":
        note = t("chart.grid_grouped", lang, regions=n_regions, tiles=len(frame))
    elif reduced == "sampled":
        note = t("chart.grid_sampled", lang, regions=n_regions, tiles=len(frame))
    return tile_grid_figure(
        labels=labels, colours=colours, text_colours=text_colours,
        hover=_hover(frame, values, lang, group_column), marker=marker,
        title=t("chart.map_title", lang, indicator=name), lang=lang, presenter=presenter,
        note=note,
    )


def tile_grid_figure(*, labels: list[str], colours: list[str], text_colours: list[str],
                     hover: list[str], marker: dict, title: str, lang: str,
                     presenter: bool = False, note: str | None = None) -> go.Figure:
    """Equal squares in reading order, one per label (already plotly-safe), filled with
    ``colours``; ``marker`` gives the colour bar (``color``, ``colorscale``, ``cmin``/``cmax``
    or ``cmid``, ``colorbar``). Subtitle: the data has no boundaries (or ``note``).

    One ``go.Heatmap`` trace over a grid of cells (empty cells NaN), built in one vectorised
    step: the time is linear in the number of squares (one layout shape per square made it
    quadratic). ``colours`` is kept on the trace as ``customdata`` (the fill each square gets
    from the scale) and ``text_colours`` decide the label colour by majority (a heatmap has
    one text colour)."""
    n = len(labels)
    ncols = max(1, math.ceil(math.sqrt(n * 1.6)))
    nrows = math.ceil(n / ncols) if n else 1
    size = font_size(presenter)
    cells = nrows * ncols

    def grid(items: list, blank: Any) -> list[list]:
        padded = list(items) + [blank] * (cells - n)
        return [padded[r * ncols:(r + 1) * ncols] for r in range(nrows)]

    z = grid([float(v) for v in marker.get("color", [])] or [math.nan] * n, None)
    heat = go.Heatmap(
        z=z, x=list(range(ncols)), y=list(range(nrows)),
        text=grid(labels, ""), texttemplate="%{text}",
        textfont={"size": round(size * 0.85)},
        hovertext=grid(hover, ""), hoverinfo="text",
        customdata=grid(colours, ""),
        colorscale=marker.get("colorscale"), colorbar=marker.get("colorbar"),
        xgap=4, ygap=4, showscale=True, hoverongaps=False,
    )
    if "cmid" in marker:
        heat.update(zmid=marker["cmid"])
    else:
        heat.update(zmin=marker.get("cmin"), zmax=marker.get("cmax"))
    fig = go.Figure(heat)
    fig.update_xaxes(visible=False, range=[-0.55, ncols - 0.45])
    fig.update_yaxes(visible=False, range=[nrows - 0.45, -0.55], scaleanchor="x")
    apply_style(fig, title=title, lang=lang, presenter=presenter,
                height=max(360, 140 + nrows * 130))
    fig.update_layout(title_subtitle_text=note or t("chart.grid_note", lang),
                      plot_bgcolor="white")
    return fig
