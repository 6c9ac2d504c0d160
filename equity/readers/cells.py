"""Cells and fractions: blanks, numbers written by people ('200,000', '¥18,000', '65%'), the
header mapping, and how a share column is read (0-1, 0-100 or with percent signs)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from equity.i18n import Message, msg
from equity.readers.problems import Collector, Items, Raw
from equity.schema import (
    COLUMNS,
    FRACTION_COLUMNS,
    REQUIRED_COLUMNS,
    canonical_area_type,
    canonical_column,
)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def blank(value: Any) -> bool:
    """True for None, NaN, NA, NaT and whitespace-only text."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and value.strip() == ""


def blank_row(values: list[Any]) -> bool:
    return all(blank(v) for v in values)


def cell_text(value: Any) -> str:
    """A cell as text: blanks -> '', whole floats (Excel's 330100.0) -> '330100'."""
    if blank(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def header_text(value: Any) -> str:
    return "" if blank(value) else str(value).strip()


def to_number(value: Any) -> float | None:
    """A numeric cell as float, or None if it is not a number. Accepts thousands separators
    ('200,000'), a leading '¥' and full-width digits; a trailing '%' is handled by callers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text.replace(",", "").replace(" ", "").replace("\u00a0", "").lstrip("¥￥")
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


# ----------------------------------------------------------------------------- headers


def map_headers(raw: Raw, problems: Collector) -> tuple[dict[str, str], list[str]]:
    """canonical column -> header as written; and the headers kept as extra columns.

    Errors: a header written twice, values under a blank header, two headers naming the same
    column, a required column missing. Unknown named columns are kept as extras; an optional
    column with no values at all counts as absent (as in an unfilled template).
    """
    header_of: dict[str, str] = {}
    extras: list[str] = []
    labels = [str(c) for c in raw.frame.columns]
    # Stops at a column's first value: a filled column is known after one cell.
    empty_column = [all(blank(v) for v in raw.frame.iloc[:, i]) for i in range(len(labels))]
    keep: list[int] = []
    seen: set[str] = set()
    for position, header in enumerate(labels):
        if header == "":
            if not empty_column[position]:
                problems.add(None, None, "readers.header_missing", number=position + 1)
            continue
        if header in seen:
            problems.add(None, header, "readers.header_twice")
            continue
        seen.add(header)
        keep.append(position)
    raw.frame = raw.frame.iloc[:, keep]
    empty_kept = [empty_column[i] for i in keep]
    for header, empty in zip(raw.frame.columns, empty_kept, strict=True):
        canonical = canonical_column(header)
        if canonical is None:
            if not empty:
                extras.append(header)
            continue
        if empty and not COLUMNS[canonical].required:
            # A template's unused optional column: absent, not a column of empty cells.
            raw.note("readers.note.optional_empty", header=header)
            continue
        if canonical in header_of:
            problems.add(None, header, "readers.header_same_column", first=header_of[canonical],
                         header=header, column=canonical)
            continue
        header_of[canonical] = header
    for column in REQUIRED_COLUMNS:
        if column not in header_of:
            spec = COLUMNS[column]
            problems.add(None, column, "readers.column_missing", column=column,
                         meaning=msg(f"schema.{column}.meaning"),
                         unit=msg(f"schema.{column}.unit"),
                         headers=Items((column, *spec.aliases)))
    return header_of, extras


# ----------------------------------------------------------------------------- values


@dataclass
class Parsed:
    """The parsed table (canonical columns) and what parsing learnt about its cells."""

    table: pd.DataFrame
    readings: dict[str, Message]
    bad_cells: set[tuple[int, str]]
    raw_values: dict[str, list[Any]]
    header_of: dict[str, str]


def parse(raw: Raw, header_of: dict[str, str], problems: Collector) -> Parsed:
    """Text columns trimmed (group labels canonical), numeric columns as floats, shares on the
    0-1 scale; unreadable cells reported with their row and column and left empty."""
    n = len(raw.frame)
    table: dict[str, Any] = {}
    readings: dict[str, Message] = {}
    bad: set[tuple[int, str]] = set()
    raw_values: dict[str, list[Any]] = {}
    for column, header in header_of.items():
        spec = COLUMNS[column]
        values = list(raw.frame[header])
        raw_values[column] = values
        if spec.dtype == "str":
            texts = [cell_text(v) for v in values]
            if column == "area_type":
                texts = [canonical_area_type(t) if t else t for t in texts]
            table[column] = pd.array([t if t else None for t in texts], dtype="str")
            continue
        expected = msg(f"schema.{column}.expected")
        array, slow = _plain_numbers(raw.frame[header])
        percent_flags = np.zeros(n, dtype=bool)
        for position in slow:
            # Cells written by people: '65%', '¥18,000', full-width digits, or not numbers.
            value = values[position]
            if blank(value):
                continue
            text = value if not isinstance(value, str) else value.strip()
            has_percent = isinstance(text, str) and text.endswith(("%", "％"))
            number = to_number(text[:-1] if has_percent else text)
            if number is None or (has_percent and column not in FRACTION_COLUMNS):
                code = "readers.not_a_number" if number is None else "readers.percent_not_allowed"
                problems.add(raw.row_of(position, column), header, code, value=value,
                             expected=expected)
                bad.add((position, column))
                continue
            array[position] = number
            percent_flags[position] = has_percent
        if column in FRACTION_COLUMNS:
            flags = percent_flags
            for position, why in mixed_scale_cells(array, flags):
                problems.add(raw.row_of(position, column), header, "readers.cell_problem",
                             what=why, expected=expected)
                bad.add((position, column))
                array[position] = math.nan
            if column in raw.readings:
                # The file stated its scale (HEAT's indicator_scale) and the values are
                # fractions already: reading them again would divide them twice.
                readings[column] = raw.readings[column]
            else:
                array, readings[column], note = read_fractions(array, flags)
                if note is not None:
                    raw.note("readers.note.column", header=header, note=note)
        table[column] = array
    frame = pd.DataFrame(table, index=pd.RangeIndex(n))
    return Parsed(frame, readings, bad, raw_values, header_of)


def _plain_numbers(series: pd.Series) -> tuple[np.ndarray, list[int]]:
    """Numbers of a column read in one vectorised step, and the positions left for
    :func:`to_number` (cell by cell): anything that is neither missing nor a finite plain
    number ('65%', '¥18,000', full-width digits, text, booleans, blanks written as spaces).
    Missing cells are NaN. 100,000 cells take milliseconds instead of seconds."""
    objects = series.reset_index(drop=True).astype(object)
    booleans = np.fromiter((type(v) in (bool, np.bool_) for v in objects), bool, len(objects))
    numbers = np.array(pd.to_numeric(objects.where(~booleans), errors="coerce"), dtype=float)
    finite = np.isfinite(numbers) & ~booleans
    numbers[~finite] = np.nan
    missing = objects.isna().to_numpy()
    slow = np.flatnonzero(~finite & ~missing)
    return numbers, [int(i) for i in slow]


def mixed_scale_cells(values: np.ndarray, percent: np.ndarray) -> list[tuple[int, Message]]:
    """Cells whose scale contradicts the rest of their column, e.g. 1.2 among 0.9 and 0.6.

    Without this, one such cell would silently turn the whole column into percentages
    (0.9 -> 0.9%). The minority side is reported: a value above 1 among fractions is most
    likely a share above 100%; a value below 1 among percentages must be written
    unambiguously."""
    plain = ~percent & ~np.isnan(values)
    small = plain & (values > 0) & (values < 1)
    large = plain & (values > 1)
    if not (small.any() and large.any()):
        return []
    if small.sum() >= large.sum():
        return [(int(i), msg("readers.scale.above_one", value=float(values[i])))
                for i in np.flatnonzero(large)]
    return [(int(i), msg("readers.scale.below_one", value=float(values[i]),
                         times=float(values[i] * 100)))
            for i in np.flatnonzero(small)]


def read_fractions(values: np.ndarray, percent: np.ndarray
                   ) -> tuple[np.ndarray, Message, Message | None]:
    """Fractions on the 0-1 scale from cells written 0.65, 65 or '65%', the reading used and a
    note (None when there is nothing to say).

    Cells with a percent sign are divided by 100. The other cells are fractions when all of
    them lie within 0-1, else percentages (divided by 100); values above 100 then fail the
    'at most 100%' check.
    """
    plain = ~percent & ~np.isnan(values)
    out = values.copy()
    out[percent] = values[percent] / 100.0
    note = None
    if not plain.any():
        reading = msg("readers.reading.percent_sign")
    elif np.nanmax(np.abs(values[plain])) <= 1.0:
        reading = msg("readers.reading.fraction")
    else:
        reading = msg("readers.reading.percent")
        out[plain] = values[plain] / 100.0
        small = values[plain & (values > 0) & (values <= 1.0)]
        if small.size:
            note = msg("readers.note.percent_small", small=float(small[0]),
                       times=float(small[0] * 100))
    if percent.any() and plain.any():
        reading = msg("readers.reading.with_sign", reading=reading)
    return out, reading, note


def _read_fractions(values: np.ndarray, percent: np.ndarray, lang: str = "en"
                    ) -> tuple[np.ndarray, str, str]:
    """:func:`read_fractions` with the reading and note rendered in ``lang`` ("" for no note)."""
    out, reading, note = read_fractions(values, percent)
    return out, reading.text(lang), "" if note is None else note.text(lang)
