"""Where a file comes from (path, bytes, upload), its size limits and its format.

Limits (documented in docs/security.md and docs/data.md) are checked before anything parses.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from equity.readers.problems import Collector

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest file read (50 MB): a region table has one row per region, so anything bigger is
almost certainly the wrong file (or patient-level data that must be aggregated first)."""
MAX_ROWS = 100_000
"""Most regions (rows) in one table."""
MAX_ZIP_MEMBERS = 64
"""Most members (files and folders) in an uploaded zip: a zipped Shapefile has four to
eight parts, so more is not a Shapefile (and a long list only costs time to check)."""
MAX_UNPACKED_BYTES = 4 * MAX_FILE_BYTES
"""Largest total unpacked size of a zip or an XLSX workbook (200 MB), checked from the
archive's directory before anything is decompressed."""
MAX_XLSX_PARTS = 500
"""Most parts (files inside the zip) of an XLSX workbook; a region workbook has about 10-20."""
MAX_VERTICES = 1_000_000
"""Most coordinate pairs in a geospatial file: maps of a million vertices already take
seconds to draw, and region boundaries need far fewer (simplify them first)."""
MAX_COLUMNS = 1_000
"""Most columns in one table: the region table has 14, so more is not a region table (and a
table of 100,000 columns takes minutes to check)."""

UPLOAD_EXTENSIONS = ("csv", "txt", "tsv", "xlsx", "xlsm", "parquet", "geojson", "json", "gpkg",
                     "zip")
"""File extensions a region table can come in (for an upload widget's ``type``)."""
BOUNDARY_EXTENSIONS = ("geojson", "json", "gpkg", "zip")
"""File extensions a separate boundaries file can come in."""

_BY_SUFFIX = {
    ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xls": "xls", ".parquet": "parquet", ".pq": "parquet", ".geojson": "geojson",
    ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip", ".shp": "shp",
}


def display_name(source: Any, filename: str | None) -> str:
    """The name shown in messages: ``filename``, a path as given, or an upload's name."""
    if filename:
        return filename
    if isinstance(source, str | Path):
        return str(source)
    name = getattr(source, "name", None)  # Streamlit's UploadedFile, open file objects
    return str(name) if isinstance(name, str) and name else "uploaded file"


def _too_big(problems: Collector, size: int) -> None:
    problems.add(None, None, "readers.too_big", megabytes=size / 1024 / 1024,
                 limit=MAX_FILE_BYTES // 1024 // 1024)


def unpacks_too_big(infos: Any, problems: Collector, code: str) -> bool:
    """True (and problem ``code`` added) when the members of a zip (a Shapefile zip or an
    XLSX) unpack to more than MAX_UNPACKED_BYTES: checked before anything is unpacked."""
    unpacked = sum(info.file_size for info in infos)
    if unpacked <= MAX_UNPACKED_BYTES:
        return False
    problems.add(None, None, code, megabytes=unpacked / 1024 / 1024,
                 limit=MAX_UNPACKED_BYTES // 1024 // 1024)
    return True


def source_bytes(source: Any, problems: Collector) -> bytes | None:
    """The file's bytes (at most MAX_FILE_BYTES), or None with a problem added."""
    if hasattr(source, "getvalue"):  # io.BytesIO, Streamlit's UploadedFile
        source = source.getvalue()
    elif hasattr(source, "read"):
        source = source.read()
    if isinstance(source, str) and not source.strip():
        problems.add(None, None, "readers.no_file")
        return None
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.exists():
            problems.add(None, None, "readers.not_found")
            return None
        if path.is_dir():
            problems.add(None, None, "readers.is_folder")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            _too_big(problems, size)
            return None
        data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        _too_big(problems, len(data))
        return None
    if not data.strip():
        problems.add(None, None, "readers.empty")
        return None
    return data


def detect_format(name: str, data: bytes) -> str:
    """csv | xlsx | xls | parquet | geojson | gpkg | zip | shp, by content, then extension."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"PK"):
        # An .xlsx is a zip too: tell them apart by content, whatever the extension says.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return _BY_SUFFIX.get(suffix, "zip")
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if data.lstrip()[:1] == b"{":
        return "geojson"
    return "csv"
