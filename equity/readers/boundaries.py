"""A separate boundaries file (region_id + geometry) and its join to a region table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from equity.i18n import Message, msg
from equity.readers.cells import cell_text
from equity.readers.geo import geometry_frame, read_geoframe
from equity.readers.problems import Collector, Items
from equity.readers.sources import detect_format, display_name, source_bytes
from equity.schema import COLUMNS, canonical_column

if TYPE_CHECKING:
    import geopandas as gpd


def read_boundaries(source: str | Path | bytes, *, filename: str | None = None
                    ) -> gpd.GeoDataFrame:
    """Boundaries (region_id, geometry) in EPSG:4326 from a geospatial file; raises DataError."""
    name = display_name(source, filename)
    problems = Collector(name, row_label="feature")
    data = source_bytes(source, problems)
    problems.raise_if_any()
    assert data is not None
    fmt = detect_format(name, data)
    if fmt not in ("geojson", "gpkg", "zip", "shp"):
        problems.add(None, None, "readers.boundaries.format")
        problems.raise_if_any()
    path = Path(source) if isinstance(source, str | Path) else None
    frame = read_geoframe(data, name, fmt, problems, path)
    problems.raise_if_any()
    assert frame is not None
    id_column = next((c for c in frame.columns if c != frame.geometry.name
                      and canonical_column(c) == "region_id"), None)
    if id_column is None:
        found = [str(c) for c in frame.columns if c != frame.geometry.name]
        problems.add(None, "region_id", "readers.boundaries.no_id",
                     aliases=Items(COLUMNS["region_id"].aliases), found=Items(found))
        problems.raise_if_any()
    ids = frame[id_column].map(cell_text)
    for position, value in enumerate(ids):
        if not value:
            problems.add(position + 1, str(id_column), "readers.boundaries.empty_id")
    duplicated = ids[ids.duplicated(keep="first") & (ids != "")]
    for position, value in duplicated.items():
        problems.add(int(position) + 1, str(id_column), "readers.boundaries.duplicate_id",
                     value=value)
    problems.raise_if_any()
    return geometry_frame(ids.reset_index(drop=True), frame.geometry.reset_index(drop=True))


def without_geometry(missing: list[str]) -> Message:
    """The note listing regions that have no geometry."""
    return msg("readers.note.without_geometry", count=len(missing), regions=Items(missing))


def join_boundaries(table: pd.DataFrame, shapes: gpd.GeoDataFrame
                    ) -> tuple[gpd.GeoDataFrame, list[Message]]:
    """Shapes of the table's regions, and notes on unmatched ids."""
    ids = set(table["region_id"])
    shape_ids = set(shapes["region_id"])
    notes = []
    missing = sorted(ids - shape_ids)
    unused = sorted(shape_ids - ids)
    if missing:
        notes.append(without_geometry(missing))
    if unused:
        notes.append(msg("readers.note.unused_boundaries", count=len(unused),
                         regions=Items(unused)))
    joined = shapes[shapes["region_id"].isin(ids)].reset_index(drop=True)
    return joined, notes
