"""Readers: region tables from CSV, XLSX, Parquet, GeoJSON, zipped Shapefile, GeoPackage and
WHO HEAT Plus data files, checked against ``equity.schema``.

Every problem in a file is collected and raised at once as a :class:`DataError`; a file with
any problem loads nothing. Each :class:`Problem` names the file, the row and the column and
carries its message as data (a catalogue code and parameters), rendered by ``text(lang)``.

One module per job:

- ``sources``: where the bytes come from, size limits, format sniffing, upload extensions;
- ``tabular``: CSV (encodings, delimiters), XLSX, Parquet;
- ``geo``: GeoJSON, zipped Shapefile, GeoPackage, GeoParquet (hostile-upload checks);
- ``heat_plus``: WHO HEAT Plus long tables -> one row per subgroup;
- ``cells``: blanks, numbers, headers, fraction readings;
- ``checks``: the table's checks with their own problem codes;
- ``boundaries``: a separate boundaries file and its join;
- ``regions``: ``read_regions``, which ties them together;
- ``summary``: the summary printed by ``validate`` and shown on the Data page;
- ``problems`` and ``region_data``: the result types.
"""

from __future__ import annotations

from equity.readers.boundaries import read_boundaries
from equity.readers.problems import DataError, Problem
from equity.readers.region_data import RegionData
from equity.readers.regions import read_regions
from equity.readers.sources import (
    BOUNDARY_EXTENSIONS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_VERTICES,
    MAX_XLSX_PARTS,
    MAX_ZIP_MEMBERS,
    UPLOAD_EXTENSIONS,
)
from equity.readers.summary import summary

__all__ = [
    "BOUNDARY_EXTENSIONS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_VERTICES",
    "MAX_XLSX_PARTS",
    "MAX_ZIP_MEMBERS",
    "UPLOAD_EXTENSIONS",
    "DataError",
    "Problem",
    "RegionData",
    "read_boundaries",
    "read_regions",
    "summary",
]
