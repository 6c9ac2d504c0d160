"""Which regions are neighbours, from their boundaries (a pure function the model can use).

Two regions are neighbours when they share a border: each one's outline runs within
``tolerance`` of the other for at least ``MIN_SHARED_FACTOR`` x ``tolerance`` (degrees), so a
single touching corner does not count, and the slivers and gaps left by simplifying
neighbours separately (up to the simplification tolerance) do not hide a border. A region
with no neighbour (an island county) is paired with its nearest region instead, marked
``kind = "nearest"``, so every region has at least one partner (paired assistance needs one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

DEFAULT_TOLERANCE = 0.01
"""Degrees (about 1 km): twice the simplification tolerance inside a province."""
MIN_SHARED_FACTOR = 4.0
"""A shared border must run at least this many tolerances (about 4 km by default)."""


def adjacency(geometry: gpd.GeoDataFrame, *, id_column: str = "region_id",
              tolerance: float = DEFAULT_TOLERANCE) -> pd.DataFrame:
    """Neighbouring pairs of regions, each pair once (``a`` < ``b`` as text).

    ``geometry``: one polygon per region, any CRS (read as EPSG:4326 after conversion);
    ``tolerance`` in degrees. Columns: a, b, kind ("border" or "nearest"), shared_km (length
    of the shared border, geodesic, 0 for "nearest") and distance_km (0 for "border", the gap
    across the water for "nearest").
    """
    import shapely
    from pyproj import Geod

    frame = geometry
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty]
    ids = frame[id_column].astype(str).to_numpy()
    shapes = np.asarray(frame.geometry.values)
    columns = ["a", "b", "kind", "shared_km", "distance_km"]
    if len(shapes) < 2:
        return pd.DataFrame(columns=columns)
    geod = Geod(ellps="WGS84")
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="dwithin", distance=tolerance)
    keep = left < right
    left, right = left[keep], right[keep]
    buffers = shapely.buffer(shapes, tolerance, quad_segs=2)
    outlines = shapely.boundary(shapes)
    along_right = shapely.length(shapely.intersection(outlines[right], buffers[left]))
    along_left = shapely.length(shapely.intersection(outlines[left], buffers[right]))
    shared = np.minimum(along_right, along_left)
    border = shared >= MIN_SHARED_FACTOR * tolerance
    rows = []
    for i, j in zip(left[border], right[border], strict=True):
        line = shapely.intersection(outlines[j], buffers[i])
        rows.append(_pair(ids[i], ids[j], "border", geod.geometry_length(line) / 1000.0, 0.0))
    has_neighbour = set(left[border]) | set(right[border])
    for i in range(len(shapes)):
        if i in has_neighbour:
            continue
        nearest = tree.query_nearest(shapes[i], exclusive=True, all_matches=False)
        if len(nearest) == 0:
            continue
        j = int(nearest[0])
        distance = geod.geometry_length(shapely.shortest_line(shapes[i], shapes[j])) / 1000.0
        rows.append(_pair(ids[i], ids[j], "nearest", 0.0, distance))
    table = pd.DataFrame(rows, columns=columns).drop_duplicates(["a", "b"])
    return table.sort_values(["a", "b"]).reset_index(drop=True)


def _pair(a: str, b: str, kind: str, shared_km: float, distance_km: float) -> dict:
    first, second = sorted((a, b))
    return {"a": first, "b": second, "kind": kind, "shared_km": shared_km,
            "distance_km": distance_km}


def neighbours(pairs: pd.DataFrame) -> dict[str, list[str]]:
    """Region -> its neighbours (sorted), from the pairs of :func:`adjacency`."""
    result: dict[str, set[str]] = {}
    for a, b in zip(pairs["a"], pairs["b"], strict=True):
        result.setdefault(a, set()).add(b)
        result.setdefault(b, set()).add(a)
    return {k: sorted(v) for k, v in sorted(result.items())}
