"""The region table's checks, vectorised over whole columns, each with its own problem code.

The bounds come from ``equity.schema.COLUMNS`` (the same declaration the pandera schema
``equity.schema.region_schema`` is built from); each failing cell becomes one Problem naming
its row and column, with the value as written in the file and what was expected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from equity.i18n import msg
from equity.readers.cells import Parsed, to_number
from equity.readers.problems import Collector, Raw, rows_message
from equity.schema import COLUMNS, FRACTION_COLUMNS


def _failing(column: str, values: pd.Series) -> list[tuple[str, np.ndarray]]:
    """(check, boolean mask of failing cells) for each check of ``column``, in order."""
    spec = COLUMNS[column]
    null = values.isna().to_numpy()
    out: list[tuple[str, np.ndarray]] = [("empty", null)]
    if spec.dtype == "str":
        text = values.fillna("").astype(str).str.len().to_numpy()
        out[0] = ("empty", null | (text == 0))
        return out
    numbers = values.to_numpy(dtype=float)
    present = ~null
    if spec.minimum is not None:
        below = numbers <= spec.minimum if spec.strictly_positive else numbers < spec.minimum
        out.append(("minimum", present & below))
    if spec.maximum is not None:
        out.append(("maximum", present & (numbers > spec.maximum)))
    if spec.dtype == "int":
        with np.errstate(invalid="ignore"):
            out.append(("whole", present & (np.mod(numbers, 1) != 0)))
    return out


def check_table(raw: Raw, parsed: Parsed, problems: Collector) -> pd.DataFrame:
    """Every cell, key and total check of the parsed table; problems added to ``problems``."""
    table = parsed.table
    for column, header in parsed.header_of.items():
        if column not in table.columns:
            continue
        expected = msg(f"schema.{column}.expected")
        optional = not COLUMNS[column].required
        for check, mask in _failing(column, table[column]):
            for position in np.flatnonzero(mask):
                position = int(position)
                if (position, column) in parsed.bad_cells:
                    continue  # already reported when parsing
                value = parsed.raw_values[column][position]
                if check == "empty":
                    code = ("readers.cell_problem_optional" if optional
                            else "readers.cell_problem")
                    what = msg("readers.what.empty")
                elif check == "maximum" and column in FRACTION_COLUMNS:
                    code, what = "readers.cell_problem", msg("readers.what.above_100", value=value)
                elif check == "minimum":
                    number = to_number(str(value).rstrip("%％")) or 0
                    key = "readers.what.negative" if number < 0 else "readers.what.too_small"
                    code, what = "readers.cell_problem", msg(key, value=value)
                elif check == "maximum" and COLUMNS[column].plausible:
                    code, what = "readers.cell_problem", msg(
                        "readers.what.above_limit", value=value, limit=COLUMNS[column].maximum)
                elif check == "maximum":
                    code, what = "readers.cell_problem", msg("readers.what.too_large", value=value)
                else:
                    code, what = "readers.cell_problem", msg("readers.what.not_whole", value=value)
                problems.add(raw.row_of(position, column), header, code, what=what,
                             expected=expected)
    _check_keys(raw, parsed, problems)
    if "patients" in table.columns and not table["patients"].sum() > 0:
        problems.add(None, parsed.header_of.get("patients"), "readers.patients_total")
    return table


def _check_keys(raw: Raw, parsed: Parsed, problems: Collector) -> None:
    """Each region_id once (once per year with a ``year`` column)."""
    table = parsed.table
    if "region_id" not in table.columns:
        return
    by_year = "year" in table.columns
    keys = table[["region_id", "year"]] if by_year else table[["region_id"]]
    valid = table["region_id"].notna().to_numpy()
    if by_year:
        valid = valid & table["year"].notna().to_numpy()
    duplicated = keys.duplicated(keep=False).to_numpy() & valid
    if not duplicated.any():
        return
    groups: dict[tuple, list[int]] = {}
    for position in np.flatnonzero(duplicated):
        groups.setdefault(tuple(keys.iloc[int(position)]), []).append(int(position))
    header = parsed.header_of["region_id"]
    code = "readers.duplicate_year" if by_year else "readers.duplicate"
    for positions in groups.values():
        for position in positions:
            same = [raw.row_of(p, "region_id") for p in positions if p != position]
            value = table["region_id"].iloc[position]
            problems.add(raw.row_of(position, "region_id"), header, code, value=str(value),
                         rows=rows_message(raw.row_label, same))

