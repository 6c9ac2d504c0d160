"""Generate City W's schematic district map (boundaries.geojson); run once, output committed.

The document (000) names City W only by letter and lists no districts, so there are no real
boundaries to draw. This map is schematic: the 4 urban-centre districts are equal wedges of
an inner disc and the 6 suburban districts equal wedges of the ring around it, centred on a
nominal point (CENTRE) that does not identify any real city. Every feature carries
``schematic: true``.

    python data/city_w/make_geometry.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

CENTRE = (116.0, 30.0)  # nominal lon/lat; chosen only so that map tiles show land
INNER_RADIUS = 0.12  # degrees of latitude
OUTER_RADIUS = 0.40
STEP_DEGREES = 4  # arc resolution; keeps the file small
URBAN = ["W-U1", "W-U2", "W-U3", "W-U4"]
SUBURBAN = ["W-S1", "W-S2", "W-S3", "W-S4", "W-S5", "W-S6"]
NOTE = ("Schematic: wedges around a nominal point, not real district boundaries "
        "(the source document lists no districts)")


def _point(radius: float, bearing: float) -> list[float]:
    # Longitude degrees shrink with cos(latitude); stretch them so the rings look round.
    lon = CENTRE[0] + radius * math.sin(math.radians(bearing)) / math.cos(math.radians(CENTRE[1]))
    lat = CENTRE[1] + radius * math.cos(math.radians(bearing))
    return [round(lon, 5), round(lat, 5)]


def _arc(radius: float, start: float, end: float) -> list[list[float]]:
    steps = max(1, math.ceil((end - start) / STEP_DEGREES))
    return [_point(radius, start + (end - start) * k / steps) for k in range(steps + 1)]


def _wedge(inner: float, outer: float, start: float, end: float) -> list[list[float]]:
    outer_arc = _arc(outer, start, end)
    if inner == 0:
        ring = [[CENTRE[0], CENTRE[1]], *outer_arc]
    else:
        ring = [*outer_arc, *reversed(_arc(inner, start, end))]
    # GeoJSON (RFC 7946): exterior rings counter-clockwise; bearings run clockwise.
    ring = list(reversed(ring))
    return [*ring, ring[0]]


def build() -> dict:
    features = []
    for ids, inner, outer in ((URBAN, 0.0, INNER_RADIUS), (SUBURBAN, INNER_RADIUS, OUTER_RADIUS)):
        width = 360 / len(ids)
        for k, region_id in enumerate(ids):
            features.append({
                "type": "Feature",
                "properties": {"region_id": region_id, "schematic": True, "note": NOTE},
                "geometry": {"type": "Polygon",
                             "coordinates": [_wedge(inner, outer, k * width, (k + 1) * width)]},
            })
    return {"type": "FeatureCollection", "name": "city_w_schematic", "features": features}


if __name__ == "__main__":
    target = Path(__file__).with_name("boundaries.geojson")
    target.write_text(json.dumps(build(), ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
