"""Tables of cells: CSV (with its encoding and delimiter), XLSX and Parquet."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pandas as pd

from equity.i18n import msg
from equity.readers.cells import blank, blank_row, header_text
from equity.readers.problems import Collector, Raw
from equity.readers.sources import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_XLSX_PARTS,
    unpacks_too_big,
)
from equity.schema import SHEET_NAMES, normalise_name

_ENCODING_KEYS = {"UTF-8": "utf8", "UTF-8 with BOM": "utf8_bom", "GBK (GB18030)": "gbk",
                  "UTF-16": "utf16", "UTF-32": "utf32", "Windows-1252": "cp1252"}


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" / "utf-16-be" when the bytes look like UTF-16 without a BOM, else None.

    Text of mostly ASCII (headers, ids, numbers) in UTF-16 has a zero byte in every other
    position: the odd positions in little-endian, the even ones in big-endian."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even = sample[0:pairs * 2:2].count(0)
    odd = sample[1:pairs * 2:2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _looks_like_gbk(text: str) -> bool:
    """True when the non-ASCII characters of a GB18030 reading are mostly common Chinese
    (GB2312: both bytes 0xA1 or above). Latin-1 text read as GB18030 (a 'ü' becomes a CJK character)
    gives rare characters whose second byte is ASCII."""
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return True
    common = 0
    for ch in wide:
        encoded = ch.encode("gb18030")
        if len(encoded) == 2 and encoded[0] >= 0xA1 and encoded[1] >= 0xA1:
            common += 1
    return common >= 0.8 * len(wide)


def decode_text(data: bytes, problems: Collector) -> tuple[str, str] | None:
    """The text and the name of its encoding, or None with a problem.

    UTF-32 and UTF-16 with a BOM, UTF-16 without one (recognised by its zero bytes), UTF-8
    with or without a BOM, GBK/GB18030 (what Chinese Excel writes for "CSV") when the text
    reads as common Chinese, else Windows-1252 / Latin-1 (what Excel writes in Western
    Europe), which is said in a note."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return data.decode("utf-32"), "UTF-32"
        except UnicodeDecodeError:
            problems.add(None, None, "readers.bad_unicode", encoding="UTF-32")
            return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            problems.add(None, None, "readers.bad_unicode", encoding="UTF-16")
            return None
    bare_utf16 = _utf16_without_bom(data)
    if bare_utf16 is not None:
        try:
            text = data.decode(bare_utf16)
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" not in text:
            return text, "UTF-16"
    if b"\x00" in data[:4096]:
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
        text = data.decode("gb18030")
        if _looks_like_gbk(text):
            return text, "GBK (GB18030)"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
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
    if first_line.count(delimiter) >= MAX_COLUMNS:
        # Refused before parsing: checking 100,000 columns takes minutes.
        problems.add(None, None, "readers.too_many_columns",
                     count=first_line.count(delimiter) + 1, limit=MAX_COLUMNS)
        return None
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
    if width > MAX_COLUMNS:
        problems.add(None, None, "readers.too_many_columns", count=width, limit=MAX_COLUMNS)
        return None
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


def _xlsx_within_limits(data: bytes, problems: Collector) -> bool:
    """Check a workbook's parts and unpacked size from the zip directory, before parsing:
    a few kilobytes of XLSX can unpack to gigabytes of shared strings."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        problems.add(None, None, "readers.bad_xlsx", reason="not a zip archive")
        return False
    if len(infos) > MAX_XLSX_PARTS:
        problems.add(None, None, "readers.xlsx_too_many_parts", count=len(infos),
                     limit=MAX_XLSX_PARTS)
        return False
    return not unpacks_too_big(infos, problems, "readers.xlsx_too_big")


def read_xlsx(data: bytes, name: str, problems: Collector) -> Raw | None:
    import openpyxl

    if not _xlsx_within_limits(data, problems):
        return None
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
            if len(cells) > MAX_COLUMNS:
                # Refused at the first such row, before a wide sheet fills memory.
                problems.add(None, None, "readers.too_many_columns", count=len(cells),
                             limit=MAX_COLUMNS)
                return None
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
        # The footer first: rows, columns and sizes are checked before any data is read.
        parquet = pq.ParquetFile(io.BytesIO(data))
        meta = parquet.metadata
        if meta.num_rows > MAX_ROWS:
            problems.add(None, None, "readers.too_many_records", count=meta.num_rows,
                         limit=MAX_ROWS)
            return None
        if meta.num_columns > MAX_COLUMNS:
            problems.add(None, None, "readers.too_many_columns", count=meta.num_columns,
                         limit=MAX_COLUMNS)
            return None
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if unpacked > MAX_UNPACKED_BYTES:
            problems.add(None, None, "readers.parquet_too_big",
                         megabytes=unpacked / 1024 / 1024,
                         limit=MAX_UNPACKED_BYTES // 1024 // 1024)
            return None
        table = parquet.read()
    except Exception as exc:  # pyarrow's errors are several types (ArrowInvalid, OSError)
        problems.add(None, None, "readers.bad_parquet", reason=str(exc))
        return None
    metadata = table.schema.metadata or {}
    if b"geo" in metadata:
        from equity.readers.geo import read_geoparquet

        return read_geoparquet(data, name, problems)
    try:
        # Damaged pandas metadata or text that is not UTF-8 surfaces here, as pyarrow's or
        # pandas' own errors (several types).
        frame = table.to_pandas().astype(object)
    except Exception as exc:
        problems.add(None, None, "readers.bad_parquet", reason=type(exc).__name__)
        return None
    if frame.empty:
        problems.add(None, None, "readers.no_records")
        return None
    if len(frame) > MAX_ROWS:
        problems.add(None, None, "readers.too_many_records", count=len(frame), limit=MAX_ROWS)
        return None
    frame.columns = [str(c) for c in frame.columns]
    return Raw(file=name, frame=frame.reset_index(drop=True),
               rows=list(range(1, len(frame) + 1)), row_label="record")
