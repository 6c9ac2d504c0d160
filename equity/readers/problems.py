"""Problems as data: where in a file (file, row, column) and what (a catalogue Message).

Row numbers are those a person sees when opening the file in a spreadsheet: the header is
row 1, so the first data row is row 2. Records in a Parquet file and features in a
geospatial file are numbered from 1 ("record 3", "feature 3"); ``row_label`` says which.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from equity.errors import EquityError
from equity.i18n import Message, msg, t

ROW_LABELS = ("row", "record", "feature")
"""The readers' words for one record of a file (catalogue keys ``readers.where.<label>``)."""


class Items(Message):
    """A list rendered with the separator of the language (", " in English, "、" in Chinese).
    Items may be Messages themselves."""

    def __init__(self, items: Iterable[Any]):
        super().__init__("readers.list_sep", {"items": tuple(items)})

    def text(self, lang: str = "en") -> str:
        sep = t("readers.list_sep", lang)
        return sep.join(i.text(lang) if isinstance(i, Message) else str(i)
                        for i in self.params["items"])


def rows_message(row_label: str, rows: Sequence[int]) -> Message:
    """Rows as a Message in the reader's word for a record: "row 3, 5", "feature 2" (the
    Chinese forms from the catalogue's ``readers.where.*``)."""
    label = row_label if row_label in ROW_LABELS else "row"
    return msg(f"readers.where.{label}", n=Items(rows))


@dataclass(frozen=True, init=False)
class Problem:
    """One problem in a file: ``file`` as the user named it, ``row`` as a user sees it (see
    the module doc) or None for a whole-file or whole-column problem, ``column`` as the
    header is written in the file (or the canonical name when missing), and ``what`` (a
    :class:`~equity.i18n.Message`; a plain string is shown as written in every language).

    ``Problem(file, row, column, what, [text_zh], [row_label])``: ``text_zh`` is only for a
    literal string ``what`` made outside the readers (its Chinese wording)."""

    file: str
    row: int | None
    column: str | None
    what: Message | str
    text_zh: str = ""
    row_label: str = "row"

    def __init__(self, file: str, row: int | None, column: str | None, what: Message | str,
                 text_zh: str = "", row_label: str = "row"):
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "row", row)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "what", what)
        object.__setattr__(self, "text_zh", text_zh)
        object.__setattr__(self, "row_label", row_label)

    @property
    def code(self) -> str | None:
        """The catalogue code of the problem (None for a literal one)."""
        return self.what.code if isinstance(self.what, Message) else None

    def message_in(self, lang: str) -> str:
        """What is wrong, in ``lang``, without the place."""
        if isinstance(self.what, Message):
            return self.what.text(lang)
        return (self.text_zh or self.what) if lang == "zh" else self.what

    @property
    def message(self) -> str:
        """What is wrong, in English."""
        return self.message_in("en")

    @property
    def message_zh(self) -> str:
        """What is wrong, in Chinese."""
        return self.message_in("zh")

    def where(self, lang: str = "en") -> str:
        """The place: "FILE, row N, column 'X'" (in Chinese the catalogue's order and marks)."""
        parts = [self.file]
        if self.row is not None:
            parts.append(rows_message(self.row_label, [self.row]).text(lang))
        if self.column is not None:
            parts.append(t("readers.where.column", lang, column=self.column))
        return t("readers.where.sep", lang).join(parts)

    def text(self, lang: str = "en") -> str:
        """The whole line in ``lang``: place and message."""
        return t("readers.line", lang, where=self.where(lang), message=self.message_in(lang))

    def __str__(self) -> str:
        return self.text("en")

    def to_dict(self) -> dict[str, Any]:
        """``{"file", "row", "column", "message"}`` with the English message."""
        return {"file": self.file, "row": self.row, "column": self.column,
                "message": self.message}


class DataError(EquityError):
    """A file could not be loaded; ``problems`` lists every problem found."""

    title_code = "readers.title"


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Whole-file and whole-column problems first, then by row and column."""
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, p.column or ""))


class Collector:
    """Gathers the problems of one file."""

    def __init__(self, file: str, row_label: str = "row"):
        self.file = file
        self.row_label = row_label
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, code: str, /, **params: Any) -> None:
        """One problem: ``code`` is its catalogue key, ``params`` fill its placeholders."""
        self.problems.append(Problem(self.file, row, column, msg(code, **params),
                                     row_label=self.row_label))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataError(sort_problems(self.problems))


@dataclass
class Raw:
    """A file's cells before parsing: headers as written, values as read (objects)."""

    file: str
    frame: pd.DataFrame
    rows: list[int]
    row_label: str = "row"
    # (frame position, canonical column) -> file row, for tables assembled from long
    # files (HEAT Plus), where each cell comes from a different row of the file.
    cell_rows: dict[tuple[int, str], int] | None = None
    geometry: Any = None  # GeoSeries aligned with frame, or None
    notes: list[Message] = field(default_factory=list)
    # column -> reading fixed by the file itself (HEAT's indicator_scale)
    readings: dict[str, Message] = field(default_factory=dict)

    def note(self, code: str, **params: Any) -> None:
        self.notes.append(msg(code, **params))

    def row_of(self, position: int, column: str | None) -> int:
        if self.cell_rows is not None and column is not None:
            found = self.cell_rows.get((position, column))
            if found is not None:
                return found
        return self.rows[position]
