"""Tables of cells: CSV (with its encoding and delimiter), XLSX and Parquet."""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd

from equity.i18n import msg
from equity.readers.cells import blank, blank_row, header_text
from equity.readers.problems import Collector, Raw
from equity.readers.sources import MAX_ROWS
from equity.schema import SHEET_NAMES, normalise_name

_ENCODING_KEYS = {"UTF-8": "utf8", "UTF-8 with BOM": "utf8_bom", "GBK (GB18030)": "gbk",
                  "UTF-16": "utf16"}


def decode_text(data: bytes, problems: Collector) -> tuple[str, str] | None:
    """The text and the name of its encoding (UTF-16 with a BOM, UTF-8 with or without a
    BOM, or GBK/GB18030, the encoding Chinese Excel uses for "CSV"), or None."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:4096]:
        problems.add(None, None, "readers.binary")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            problems.add(None, None, "readers.bad_utf8", reason=exc.reason, byte=exc.start)
            return None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK, the encoding Chinese Excel uses for "CSV".
        return data.decode("gb18030"), "GBK (GB18030)"
    except UnicodeDecodeError as exc:
        problems.add(None, None, "readers.bad_encoding", position=exc.start)
        return None


def read_csv(data: bytes, name: str, problems: Collector) -> Raw | None:
    decoded = decode_text(data, problems)
    if decoded is None:
        return None
    text, encoding = decoded
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";", "，"], key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        problems.add(None, None, "readers.bad_csv", reason=str(exc))
        return None
    raw = raw_from_records(records, name, first_row=1, problems=problems)
    if raw is not None:
        raw.note("readers.note.csv", encoding=msg(f"readers.encoding.{_ENCODING_KEYS[encoding]}"),
                 delimiter=delimiter)
    return raw


def raw_from_records(records: list[Any], name: str, first_row: int,
                     problems: Collector) -> Raw | None:
    """Rows of cells (first non-blank row = header) -> Raw with spreadsheet row numbers."""
    numbered = [(first_row + i, list(r)) for i, r in enumerate(records)]
    numbered = [(n, r) for n, r in numbered if not blank_row(r)]
    if not numbered:
        problems.add(None, None, "readers.no_header")
        return None
    header_row, header = numbered[0]
    body = numbered[1:]
    if not body:
        problems.add(None, None, "readers.no_rows", row=header_row)
        return None
    if len(body) > MAX_ROWS:
        problems.add(None, None, "readers.too_many_rows", count=len(body), limit=MAX_ROWS)
        return None
    width = max(len(header), *(len(r) for _, r in body))
    headers = [header_text(h) for h in header] + [""] * (width - len(header))
    cells = [r + [None] * (width - len(r)) for _, r in body]
    for n, r in body:
        extra = [v for v in r[len(header):] if not blank(v)]
        if extra:
            problems.add(n, None, "readers.row_too_long", cells=len(r), width=len(header),
                         value=extra[0])
    frame = pd.DataFrame(cells, columns=range(width), dtype=object)
    frame.columns = headers
    return Raw(file=name, frame=frame, rows=[n for n, _ in body])


def read_xlsx(data: bytes, name: str, problems: Collector) -> Raw | None:
    import openpyxl

    try:
        # keep_links=False: external links are dropped, never followed (docs/security.md).
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                      keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        problems.add(None, None, "readers.bad_xlsx", reason=f"{type(exc).__name__}: {exc}")
        return None
    try:
        preferred = [s for s in book.sheetnames if normalise_name(s) in SHEET_NAMES]
        sheet_name = preferred[0] if preferred else book.sheetnames[0]
        sheet = book[sheet_name]
        sheet.reset_dimensions()
        records = []
        first_row = None
        for row in sheet.iter_rows():
            cells = list(row)
            if first_row is None:
                first_row = next((c.row for c in cells if hasattr(c, "row")), 1)
            records.append([c.value for c in cells])
            if len(records) > MAX_ROWS + 10:
                break
    finally:
        book.close()
    raw = raw_from_records(records, name, first_row=first_row or 1, problems=problems)
    if raw is not None:
        raw.note("readers.note.sheet", sheet=sheet_name)
    return raw


def read_parquet(data: bytes, name: str, problems: Collector) -> Raw | None:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow's errors are several types (ArrowInvalid, OSError)
        problems.add(None, None, "readers.bad_parquet", reason=str(exc))
        return None
    metadata = table.schema.metadata or {}
    if b"geo" in metadata:
        from equity.readers.geo import read_geoparquet

        return read_geoparquet(data, name, problems)
    frame = table.to_pandas()
    if frame.empty:
        problems.add(None, None, "readers.no_records")
        return None
    if len(frame) > MAX_ROWS:
        problems.add(None, None, "readers.too_many_records", count=len(frame), limit=MAX_ROWS)
        return None
    frame = frame.astype(object)
    frame.columns = [str(c) for c in frame.columns]
    return Raw(file=name, frame=frame.reset_index(drop=True),
               rows=list(range(1, len(frame) + 1)), row_label="record")
