"""WHO HEAT Plus data files (long: one row per setting x date x indicator x subgroup) read as
region tables (one row per subgroup)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from equity.i18n import Message, msg
from equity.readers.cells import blank, cell_text, to_number
from equity.readers.problems import Collector, Items, Raw, rows_message
from equity.schema import FRACTION_COLUMNS, REQUIRED_COLUMNS, canonical_column, normalise_name

HEAT_COLUMNS = ("setting", "date", "indicator_abbr", "indicator_name", "dimension", "subgroup",
                "estimate", "se", "population", "indicator_scale")
"""Columns of the WHO HEAT Plus data template this reader uses (others are ignored)."""


def is_heat(raw: Raw) -> bool:
    """True when the table has HEAT Plus's subgroup, estimate and indicator columns."""
    keys = {normalise_name(c) for c in raw.frame.columns}
    return {"subgroup", "estimate"} <= keys and bool({"indicatorabbr", "indicatorname"} & keys)


def _scale_reading(scale: float) -> Message:
    if scale == 100:
        return msg("readers.reading.heat_percent", scale=scale)
    return msg("readers.reading.heat_scale", scale=scale)


def heat_to_regions(raw: Raw, problems: Collector) -> Raw | None:
    """A HEAT Plus long table -> one row per subgroup (and per date when there are several),
    columns named by the indicators.

    Mapping (documented in docs/data.md): each subgroup of the file's one dimension is a
    region (region_id = region_name = subgroup, prefixed "setting / " when there are several
    settings); area_type is the file's ``area_type`` column if it has one, else the subgroup
    (so a comparison is between two subgroups, as in HEAT); an indicator is matched to a
    region-table column by its abbreviation, else its name, through the column aliases;
    estimates of fraction indicators are divided by ``indicator_scale`` when given (HEAT's
    100 for percentages); ``patients`` is the ``population`` of the charity-coverage rows
    unless a 'patients' indicator is given; several dates become a ``year`` column. The
    estimate's standard error (HEAT's ``se`` column, on the estimate's scale, divided by
    ``indicator_scale`` like the estimate) becomes an ``<indicator>_se`` column (issue 14),
    which :func:`equity.measures.table_se` and the model's intervals read; a blank se stays
    empty (then the binomial se is used for that region).
    """
    frame = raw.frame.copy()
    frame.columns = [normalise_name(c) for c in frame.columns]
    rename = {"indicatorabbr": "indicator_abbr", "indicatorname": "indicator_name",
              "indicatorscale": "indicator_scale", "areatype": "area_type", "year": "date"}
    frame = frame.rename(columns=rename)
    for needed in ("subgroup", "estimate"):
        if needed not in frame.columns:
            problems.add(None, needed, "readers.heat.column_needed")
    if problems.problems:
        return None

    def text(column: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series([""] * len(frame), dtype=object)
        return frame[column].map(cell_text)

    abbr, iname = text("indicator_abbr"), text("indicator_name")
    setting, date, dimension = text("setting"), text("date"), text("dimension")
    subgroup = text("subgroup")
    target = [canonical_column(a) if a else None for a in abbr]
    target = [t if t is not None else (canonical_column(n) if n else None)
              for t, n in zip(target, iname, strict=True)]
    found = sorted({t for t in target if t is not None})
    unknown = sorted({(a or n) for a, n, t in zip(abbr, iname, target, strict=True)
                      if t is None and (a or n)})
    if unknown:
        raw.note("readers.note.heat_unused", indicators=Items(unknown))
    needed = [c for c in REQUIRED_COLUMNS if c not in {"region_id", "region_name", "area_type",
                                                       "patients"}]
    indicators = sorted((set(abbr) | set(iname)) - {""})
    for column in needed:
        if column not in found:
            problems.add(None, "indicator_abbr", "readers.heat.no_indicator", column=column,
                         meaning=msg(f"schema.{column}.meaning"),
                         found=Items(indicators) if indicators else msg("readers.none"))
    dimensions = sorted(set(dimension) - {""})
    if len(dimensions) > 1:
        problems.add(None, "dimension", "readers.heat.dimensions", count=len(dimensions),
                     names=Items(dimensions))
    if "patients" not in found and "population" not in frame.columns:
        problems.add(None, "population", "readers.heat.population_needed")
    for i, sub in enumerate(subgroup):
        if target[i] is not None and not sub:
            problems.add(raw.rows[i], "subgroup", "readers.heat.empty_subgroup")
    if problems.problems:
        return None

    several_settings = len(set(setting)) > 1
    dates = sorted(set(date) - {""})
    several_dates = len(dates) > 1
    keys: dict[tuple[str, str], int] = {}
    out_rows: list[dict[str, Any]] = []
    cell_rows: dict[tuple[int, str], int] = {}
    readings: dict[str, Message] = {}
    first_rows: list[int] = []
    has_area = "area_type" in frame.columns
    scale = frame["indicator_scale"] if "indicator_scale" in frame.columns else None
    se_values = frame["se"] if "se" in frame.columns else None
    se_found: set[str] = set()
    for i in range(len(frame)):
        column = target[i]
        if column is None:
            continue
        region = f"{setting[i]} / {subgroup[i]}" if several_settings else subgroup[i]
        key = (region, date[i] if several_dates else "")
        if key not in keys:
            keys[key] = len(out_rows)
            record = {"region_id": region, "region_name": region,
                      "area_type": cell_text(frame["area_type"].iloc[i]) if has_area
                      else subgroup[i]}
            if several_dates:
                record["year"] = date[i]
            out_rows.append(record)
            first_rows.append(raw.rows[i])
        position = keys[key]
        if column in out_rows[position]:
            first = cell_rows[(position, column)]
            code = "readers.heat.second_estimate_date" if key[1] else "readers.heat.second_estimate"
            problems.add(raw.rows[i], "estimate", code, column=column, region=region,
                         date=key[1], first=rows_message("row", [first]))
            continue
        value = frame["estimate"].iloc[i]
        divisor = 1.0
        if column in FRACTION_COLUMNS and scale is not None and not blank(scale.iloc[i]):
            scale_value = to_number(scale.iloc[i])
            number = to_number(value)
            if scale_value and number is not None and number > scale_value:
                # 150 on a scale of 100 is not a share; refused rather than read as 1.5%.
                problems.add(raw.rows[i], "estimate", "readers.heat.above_scale",
                             value=number, scale=scale_value)
            elif scale_value and number is not None:
                # HEAT states the scale (100 = percent), so no guessing from the values.
                value = number / scale_value
                divisor = scale_value
                readings[column] = _scale_reading(scale_value)
        out_rows[position][column] = value
        cell_rows[(position, column)] = raw.rows[i]
        if se_values is not None and not blank(se_values.iloc[i]):
            se = to_number(se_values.iloc[i])
            if se is not None and se >= 0:
                # the se is on the estimate's scale: a percent estimate has a percent se
                out_rows[position][f"{column}_se"] = se / divisor
                se_found.add(column)
        if column == "charity_coverage" and "patients" not in found:
            out_rows[position]["patients"] = frame["population"].iloc[i]
            cell_rows[(position, "patients")] = raw.rows[i]
    if problems.problems:
        return None
    table = pd.DataFrame(out_rows, dtype=object)
    for column in table.columns:
        if column.endswith("_se") and column[:-3] in se_found:
            continue
        for position in range(len(table)):
            if (position, column) not in cell_rows and column in found:
                region = table["region_id"].iloc[position]
                problems.add(None, "subgroup", "readers.heat.no_estimate", region=region,
                             column=column)
    if problems.problems:
        return None
    notes = [*raw.notes, msg("readers.note.heat")]
    return Raw(file=raw.file, frame=table, rows=first_rows, row_label=raw.row_label,
               cell_rows=cell_rows, notes=notes, readings=readings)
