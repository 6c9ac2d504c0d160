"""Compatibility name for :mod:`equity.readers` (the readers used to live here)."""

from __future__ import annotations

from equity.readers import (
    BOUNDARY_EXTENSIONS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    UPLOAD_EXTENSIONS,
    DataError,
    Problem,
    RegionData,
    read_boundaries,
    read_regions,
    summary,
)

__all__ = [
    "BOUNDARY_EXTENSIONS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_ZIP_MEMBERS",
    "UPLOAD_EXTENSIONS",
    "DataError",
    "Problem",
    "RegionData",
    "read_boundaries",
    "read_regions",
    "summary",
]
