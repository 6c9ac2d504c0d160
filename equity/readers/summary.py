"""A plain-Python summary of a region table (the validate command and the Data page)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from equity.readers.region_data import RegionData
from equity.schema import FRACTION_COLUMNS


def summary(data: RegionData, *, group_column: str = "area_type") -> dict[str, Any]:
    """Rows, groups with counts, total patients, patient-weighted fractions by group, fraction
    readings, geometry. Fractions on the 0-1 scale; counts in persons."""
    table = data.table
    groups = table.groupby(group_column, sort=False)
    by_group: dict[str, dict[str, float]] = {}
    for label, part in groups:
        weights = part["patients"].to_numpy(dtype=float)
        entry: dict[str, float] = {"regions": len(part), "patients": float(weights.sum())}
        for column in FRACTION_COLUMNS:
            if column in part.columns:
                total = weights.sum()
                entry[column] = (float(np.dot(weights, part[column].to_numpy(dtype=float))
                                       / total) if total > 0 else math.nan)
        by_group[str(label)] = entry
    with_geometry = 0 if data.geometry is None else int(
        data.geometry["region_id"].isin(table["region_id"]).sum())
    return {
        "name": data.name,
        "rows": len(table),
        "columns": [str(c) for c in table.columns],
        "group_column": group_column,
        "groups": by_group,
        "total_patients": float(table["patients"].sum()),
        "fraction_readings": dict(data.fraction_readings),
        "geometry": data.geometry is not None,
        "regions_with_geometry": with_geometry,
        "notes": list(data.notes),
        "notes_zh": list(data.notes_in("zh")),
        "fraction_readings_zh": dict(data.fraction_readings_zh),
    }
