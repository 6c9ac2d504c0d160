"""Region-table templates for a province or prefecture: codes and names filled, figures empty.

The headers are those of the blank template (:func:`equity.datasets.template_bytes`): the
canonical English names, or each column's first Chinese alias, so the filled-in file loads
as it is. Only ``region_id`` (the six-digit code) and ``region_name`` (the full name) are
filled: every figure, ``area_type`` included, is left for the user, so no illustrative
number ever sits on a real division.
"""

from __future__ import annotations

import io

import pandas as pd

from equity.errors import EquityError
from equity.geo.divisions import LEVELS, NATION_CODE, children, division
from equity.i18n import Message, msg


class TemplateError(EquityError):
    """A template was asked for an unknown division or an impossible level (one problem)."""

    def __init__(self, problem: Message):
        self.problem = problem
        super().__init__([problem])


def template_headers(lang: str = "en") -> list[str]:
    """The region-table headers, in schema order: English names or first Chinese aliases."""
    from equity.schema import _SPECS

    if lang == "en":
        return [s.name for s in _SPECS]
    if lang == "zh":
        return [next(a for a in s.aliases if not a.isascii()) for s in _SPECS]
    raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")


def template_divisions(code: str, level: str) -> pd.DataFrame:
    """The divisions a template for ``code`` at ``level`` lists (code, name; by code).

    ``code``: a province or prefecture code, or 100000 for the whole country; ``level``:
    "prefecture" or "county" (or "province" for the whole country). Raises
    :class:`TemplateError` for an unknown code or a level not below it.
    """
    code = str(code).strip()
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    own = division(code) if code != NATION_CODE else None
    if code != NATION_CODE and own is None:
        raise TemplateError(msg("geo.template.unknown_division", division=code))
    if own is not None and LEVELS.index(level) <= LEVELS.index(own["level"]):
        raise TemplateError(msg("geo.template.bad_level", level=msg(f"geo.level.{level}"),
                                division=code, name=own["name"],
                                own=msg(f"geo.level.{own['level']}")))
    return children(code, level)[["code", "name"]].sort_values("code").reset_index(drop=True)


def template_frame(code: str, level: str, lang: str = "en") -> pd.DataFrame:
    """The template as a table: one row per division, region_id and region_name filled, every
    other column empty (text, so an empty cell stays empty in CSV and XLSX)."""
    rows = template_divisions(code, level)
    headers = template_headers(lang)
    frame = pd.DataFrame({header: [""] * len(rows) for header in headers}, dtype="object")
    frame[headers[0]] = rows["code"].to_numpy()
    frame[headers[1]] = rows["name"].to_numpy()
    return frame


def template_bytes(code: str, level: str, fmt: str = "csv", lang: str = "en") -> bytes:
    """The template as file bytes: ``fmt`` "csv" (UTF-8 with BOM, as Excel expects for
    Chinese) or "xlsx" (sheet ``regions``, codes stored as text, and sheet ``dictionary``)."""
    frame = template_frame(code, level, lang)
    if fmt == "csv":
        text = frame.to_csv(index=False, lineterminator="\r\n")
        return ("\ufeff" + text).encode("utf-8")
    if fmt == "xlsx":
        from equity.schema import column_dictionary

        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="regions", index=False)
            column_dictionary().to_excel(writer, sheet_name="dictionary", index=False)
        return buffer.getvalue()
    raise ValueError(f"fmt must be 'csv' or 'xlsx', not {fmt!r}")
