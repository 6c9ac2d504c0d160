"""Read region tables from CSV, XLSX, Parquet, GeoJSON, zipped Shapefile, GeoPackage and
WHO HEAT Plus data files, and check them against ``equity.schema``.

Every problem in a file is collected and raised at once as a :class:`DataError`; a file
with any problem loads nothing. Each :class:`Problem` names the file, the row and the
column, and says what was expected.

Row numbers are those a person sees when opening the file in a spreadsheet: the header is
row 1, so the first data row is row 2 (for a CSV file that is also its line number, unless a
quoted cell spans several lines). Records in a Parquet file and features in a geospatial
file are numbered from 1 ("record 3", "feature 3").

Every message is written in English and in Chinese (``Problem.message`` /
``Problem.message_zh``; the reader's notes in ``RegionData.notes`` / ``notes_zh``);
:meth:`Problem.text` gives the full line in either language.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from equity.datasets import RegionData
from equity.schema import (
    COLUMNS,
    DEFAULT_SEVERITY,
    FRACTION_COLUMNS,
    REQUIRED_COLUMNS,
    canonical_area_type,
    canonical_column,
    normalise_name,
    region_schema,
)

if TYPE_CHECKING:
    import geopandas as gpd

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest file read (50 MB): a region table has one row per region, so anything bigger is
almost certainly the wrong file (or patient-level data that must be aggregated first)."""
MAX_ROWS = 100_000
"""Most regions (rows) in one table."""

REPORTED_PROBLEMS_LIMIT = 1000
"""Problems kept in one DataError; the rest are counted in a final line."""

UPLOAD_EXTENSIONS = ("csv", "txt", "tsv", "xlsx", "xlsm", "parquet", "geojson", "json", "gpkg",
                     "zip")
"""File extensions a region table can come in (for an upload widget's ``type``)."""
BOUNDARY_EXTENSIONS = ("geojson", "json", "gpkg", "zip")
"""File extensions a separate boundaries file can come in."""


_ROW_LABELS_ZH = {"row": "第{n}行", "record": "第{n}条记录", "feature": "第{n}个要素"}


def _rows_zh(row_label: str, rows: list[int] | tuple[int, ...]) -> str:
    """'第3行', '第3、5行', '第2个要素' ... (the reader's word for a record, in Chinese)."""
    template = _ROW_LABELS_ZH.get(row_label, row_label + " {n}")
    return template.format(n="、".join(str(n) for n in rows))


@dataclass(frozen=True)
class Problem:
    """One problem in a file. ``row`` is the row a user sees (header = row 1; see module doc),
    or None for a whole-file or whole-column problem; ``column`` is the header as written in
    the file (or the canonical name when the column is missing). ``message`` is English and
    ``message_zh`` the same message in Chinese ("" only for problems made outside this
    module without one; :meth:`text` then falls back to English)."""

    file: str
    row: int | None
    column: str | None
    message: str
    message_zh: str = ""
    row_label: str = "row"

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The whole line in ``lang``: "FILE, row N, column 'X': message" in English,
        "FILE，第N行，“X”列：message_zh" in Chinese (the English message when there is no
        Chinese one)."""
        if lang == "zh":
            where = [self.file]
            if self.row is not None:
                where.append(_rows_zh(self.row_label, [self.row]))
            if self.column is not None:
                where.append(f"“{self.column}”列")
            return f"{'，'.join(where)}：{self.message_zh or self.message}"
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column,
                "message": self.message}


class DataError(Exception):
    """A file could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems[:REPORTED_PROBLEMS_LIMIT]]
        hidden = len(self.problems) - REPORTED_PROBLEMS_LIMIT
        if hidden > 0:
            lines.append(f"... and {hidden} more problems")
        return "\n".join(lines)


class _Collector:
    """Gathers problems for one file."""

    def __init__(self, file: str, row_label: str = "row"):
        self.file = file
        self.row_label = row_label
        self.problems: list[Problem] = []

    def add(self, row: int | None, column: str | None, message: str, message_zh: str) -> None:
        """One problem, in English and in Chinese (both required, so none is English-only)."""
        self.problems.append(Problem(self.file, row, column, message, message_zh,
                                     self.row_label))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataError(_sorted(self.problems))


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, p.column or ""))


@dataclass
class _Raw:
    """A file's cells before parsing: headers as written, values as read (objects)."""

    file: str
    frame: pd.DataFrame
    rows: list[int]
    row_label: str = "row"
    # (frame position, canonical column) -> file row, for tables assembled from long
    # files (HEAT Plus), where each cell comes from a different row of the file.
    cell_rows: dict[tuple[int, str], int] | None = None
    geometry: Any = None  # GeoSeries aligned with frame, or None
    notes: list[str] = field(default_factory=list)
    notes_zh: list[str] = field(default_factory=list)  # notes in Chinese, one for one
    # column -> reading fixed by the file itself (HEAT's indicator_scale), and in Chinese
    readings: dict[str, str] = field(default_factory=dict)
    readings_zh: dict[str, str] = field(default_factory=dict)

    def note(self, english: str, chinese: str) -> None:
        self.notes.append(english)
        self.notes_zh.append(chinese)

    def row_of(self, position: int, column: str | None) -> int:
        if self.cell_rows is not None and column is not None:
            found = self.cell_rows.get((position, column))
            if found is not None:
                return found
        return self.rows[position]


# ----------------------------------------------------------------------------- sources


def _source_bytes(source: Any, name: str, problems: _Collector) -> bytes | None:
    if hasattr(source, "getvalue"):  # io.BytesIO, Streamlit's UploadedFile
        source = source.getvalue()
    elif hasattr(source, "read"):
        source = source.read()
    if isinstance(source, str) and not source.strip():
        problems.add(None, None, "no file given", "未提供文件")
        return None
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.exists():
            problems.add(None, None, "file not found", "找不到文件")
            return None
        if path.is_dir():
            problems.add(None, None, "this is a folder, not a file", "这是一个文件夹，不是文件")
            return None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add(None, None, *_too_big(size))
            return None
        data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        problems.add(None, None, *_too_big(len(data)))
        return None
    if not data.strip():
        problems.add(None, None, "the file is empty", "文件为空")
        return None
    return data


def _too_big(size: int) -> tuple[str, str]:
    megabytes, limit = size / 1024 / 1024, MAX_FILE_BYTES // 1024 // 1024
    return (
        f"the file is {megabytes:.1f} MB; the limit is {limit} MB. A region table has one "
        "row per region: aggregate patient-level records to regions first, or remove unused "
        "columns",
        f"文件大小为{megabytes:.1f} MB，上限为{limit} MB。地区表每个地区一行：请先把患者层面的"
        "记录汇总到地区，或删除不用的列",
    )


def _detect_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    by_suffix = {
        ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
        ".xls": "xls", ".parquet": "parquet", ".pq": "parquet", ".geojson": "geojson",
        ".json": "geojson", ".gpkg": "gpkg", ".zip": "zip", ".shp": "shp",
    }
    if data.startswith(b"PK"):
        # An .xlsx is a zip too: tell them apart by content, whatever the extension says.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return by_suffix.get(suffix, "zip")
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if suffix in by_suffix:
        return by_suffix[suffix]
    if data.lstrip()[:1] == b"{":
        return "geojson"
    return "csv"


# ----------------------------------------------------------------------------- readers


def _decode_text(data: bytes, problems: _Collector) -> tuple[str, str] | None:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:4096]:
        problems.add(
            None, None,
            "this is not a text (CSV) file: it contains binary data. Save it as "
            "'CSV UTF-8' or upload the workbook with its .xlsx extension",
            "这不是文本（CSV）文件：其中含有二进制数据。请另存为“CSV UTF-8”，或以 .xlsx "
            "扩展名上传该工作簿",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            problems.add(None, None, f"the file says it is UTF-8 but is not ({exc.reason} at "
                         f"byte {exc.start}); save it again as 'CSV UTF-8'",
                         f"文件标明为UTF-8编码，但实际不是（第{exc.start}字节：{exc.reason}）；"
                         "请重新另存为“CSV UTF-8”")
            return None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK, the encoding Chinese Excel uses for "CSV".
        return data.decode("gb18030"), "GBK (GB18030)"
    except UnicodeDecodeError as exc:
        problems.add(
            None, None,
            f"the text encoding is neither UTF-8 nor GBK (undecodable byte at position "
            f"{exc.start}); save the file as 'CSV UTF-8 (comma delimited)'",
            f"文本编码既不是UTF-8也不是GBK（位置{exc.start}处有无法解码的字节）；"
            "请将文件另存为“CSV UTF-8（逗号分隔）”",
        )
        return None


def _read_csv(data: bytes, name: str, problems: _Collector) -> _Raw | None:
    decoded = _decode_text(data, problems)
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
        problems.add(None, None, f"not a readable CSV file ({exc})",
                     f"无法读取的CSV文件（{exc}）")
        return None
    raw = _raw_from_records(records, name, first_row=1, problems=problems)
    if raw is not None:
        raw.note(f"read as CSV, encoding {encoding}, delimiter {delimiter!r}",
                 f"按CSV读取，编码{_ENCODINGS_ZH.get(encoding, encoding)}，"
                 f"分隔符{delimiter!r}")
    return raw


_ENCODINGS_ZH = {"UTF-8 with BOM": "UTF-8（带BOM）"}


def _raw_from_records(records: list[Any], name: str, first_row: int,
                      problems: _Collector) -> _Raw | None:
    """Rows of cells (first non-blank row = header) -> _Raw with spreadsheet row numbers."""
    numbered = [(first_row + i, list(r)) for i, r in enumerate(records)]
    numbered = [(n, r) for n, r in numbered if not _blank_row(r)]
    if not numbered:
        problems.add(None, None, "the file has no header and no data",
                     "文件既没有表头也没有数据")
        return None
    header_row, header = numbered[0]
    body = numbered[1:]
    if not body:
        problems.add(None, None, f"the file has a header (row {header_row}) but no data rows",
                     f"文件有表头（第{header_row}行）但没有数据行")
        return None
    if len(body) > MAX_ROWS:
        problems.add(None, None, f"the file has {len(body):,} data rows; the limit is "
                     f"{MAX_ROWS:,} regions",
                     f"文件有{len(body):,}个数据行，上限为{MAX_ROWS:,}个地区")
        return None
    width = max(len(header), *(len(r) for _, r in body))
    headers = [_header_text(h) for h in header] + [""] * (width - len(header))
    cells = [r + [None] * (width - len(r)) for _, r in body]
    for n, r in body:
        extra = [v for v in r[len(header):] if not _blank(v)]
        if extra:
            problems.add(n, None, f"this row has {len(r)} cells but the header has "
                         f"{len(header)}: values beyond the last column ({extra[0]!r}...)",
                         f"此行有{len(r)}个单元格，但表头只有{len(header)}列：最后一列之后"
                         f"还有值（{extra[0]!r}…）")
    frame = pd.DataFrame(cells, columns=range(width), dtype=object)
    frame.columns = headers
    return _Raw(file=name, frame=frame, rows=[n for n, _ in body])


def _header_text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and value.strip() == ""


def _blank_row(values: list[Any]) -> bool:
    return all(_blank(v) for v in values)


def _read_xlsx(data: bytes, name: str, problems: _Collector) -> _Raw | None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                      keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        problems.add(None, None, f"not a readable Excel .xlsx workbook ({type(exc).__name__}: "
                     f"{exc})", f"无法读取的Excel .xlsx工作簿（{type(exc).__name__}: {exc}）")
        return None
    try:
        preferred = [s for s in book.sheetnames if normalise_name(s) in {"regions", "地区", "data"}]
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
    raw = _raw_from_records(records, name, first_row=first_row or 1, problems=problems)
    if raw is not None:
        raw.note(f"read sheet {sheet_name!r} of the workbook",
                 f"读取了工作簿中的工作表“{sheet_name}”")
    return raw


def _read_parquet(data: bytes, name: str, problems: _Collector) -> _Raw | None:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow's errors are several types (ArrowInvalid, OSError)
        problems.add(None, None, f"not a readable Parquet file ({exc})",
                     f"无法读取的Parquet文件（{exc}）")
        return None
    metadata = table.schema.metadata or {}
    if b"geo" in metadata:
        import geopandas as gpd

        try:
            frame = gpd.read_parquet(io.BytesIO(data))
        except Exception as exc:  # damaged GeoParquet metadata raises several types
            problems.add(None, None, f"not a readable GeoParquet file ({exc})",
                         f"无法读取的GeoParquet文件（{exc}）")
            return None
        frame = _to_wgs84(frame, problems)
        if frame is None:
            return None
        return _raw_from_geoframe(frame, name, problems)
    frame = table.to_pandas()
    if frame.empty:
        problems.add(None, None, "the file has no records", "文件中没有记录")
        return None
    if len(frame) > MAX_ROWS:
        problems.add(None, None, f"the file has {len(frame):,} records; the limit is "
                     f"{MAX_ROWS:,} regions",
                     f"文件有{len(frame):,}条记录，上限为{MAX_ROWS:,}个地区")
        return None
    frame = frame.astype(object)
    frame.columns = [str(c) for c in frame.columns]
    return _Raw(file=name, frame=frame.reset_index(drop=True),
                rows=list(range(1, len(frame) + 1)), row_label="record")


def _read_geo(data: bytes, name: str, fmt: str, problems: _Collector,
              path: Path | None = None) -> _Raw | None:
    frame = _read_geoframe(data, name, fmt, problems, path)
    if frame is None:
        return None
    return _raw_from_geoframe(frame, name, problems)


MAX_ZIP_MEMBERS = 64
"""Most members (files and folders) in an uploaded zip: a zipped Shapefile has four to
eight parts, so more is not a Shapefile (and a long list only costs time to check)."""

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
"""The members of a zipped Shapefile that are extracted (under fixed names); others are
ignored, never written to disk."""

_DRIVE = re.compile(r"^[A-Za-z]:")
_SHP_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian: every .shp starts with it
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")  # SQLite application_id of a GeoPackage (offset 68)
_SAFE_CRS = re.compile(r"^(urn:ogc:def:crs:[A-Za-z0-9.:_-]+|EPSG:[0-9]+)$", re.IGNORECASE)

NO_NETWORK_GDAL_OPTIONS: dict[str, str] = {
    # /vsicurl/ and the cloud handlers built on it (/vsis3/, /vsigs/, /vsiaz/ ...) only try
    # files whose name ends in one of these extensions: none does, so no request is made.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".equity-no-network",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
}


def _gdal_offline() -> None:
    """Switch GDAL's and PROJ's network access off for this process (idempotent).

    Uploads are only ever opened from a fixed file name in a fresh temporary folder, so no
    user text reaches GDAL as a path; this is the second line of defence should one ever do.
    """
    import os

    os.environ["PROJ_NETWORK"] = "OFF"
    import pyogrio

    pyogrio.set_gdal_config_options(NO_NETWORK_GDAL_OPTIONS)
    try:
        import pyproj.network

        pyproj.network.set_network_enabled(False)
    except Exception:  # pyproj without network support has nothing to switch off
        pass


def _unsafe_member(member: str) -> tuple[str, str] | None:
    """Why a zip member's name is refused (English, Chinese), or None when it is safe.

    A name is refused when it could point outside the temporary folder or at a virtual
    file system: absolute, a drive letter, a backslash, a '..' part, a colon (URLs,
    drive letters, GDAL's 'DRIVER:path' syntax), a control character, or a GDAL virtual
    prefix ('/vsicurl/', 'vsizip' ...)."""
    lowered = member.lower()
    if member.startswith(("/", "\\")) or _DRIVE.match(member):
        return ("an absolute path", "绝对路径")
    if "\\" in member:
        return ("a backslash path", "含反斜杠的路径")
    if any(part == ".." for part in member.split("/")):
        return ("a '..' path that leaves the folder", "含“..”、会跳出文件夹的路径")
    if "vsi" in lowered.split("/")[0] or "/vsi" in lowered:
        return ("a GDAL virtual file path", "GDAL虚拟文件路径")
    if ":" in member:
        return ("a name with a colon (a URL or drive)", "含冒号的名称（网址或盘符）")
    if any(ord(ch) < 32 for ch in member):
        return ("a name with control characters", "含控制字符的名称")
    return None


def _inside(folder: Path, target: Path) -> bool:
    """True when ``target`` resolves to a path inside ``folder`` (symlinks followed)."""
    return target.resolve().is_relative_to(folder.resolve())


def _extract_shapefile(data: bytes, tmp: Path, problems: _Collector) -> Path | None:
    """The zipped Shapefile's parts written as tmp/upload.<ext>; the .shp path, or None.

    Every member name is checked before anything is written; only the Shapefile's own parts
    are extracted, each under a fixed name, so the path handed to GDAL never contains
    anything from the upload."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                problems.add(None, None, f"the zip file holds {len(infos):,} members; the limit "
                             f"is {MAX_ZIP_MEMBERS} (a zipped Shapefile has 4 to 8)",
                             f"zip文件中有{len(infos):,}个成员，上限为{MAX_ZIP_MEMBERS}个"
                             "（压缩的Shapefile只有4到8个）")
                return None
            for info in infos:
                why = _unsafe_member(info.filename)
                if why is not None:
                    problems.add(None, None, f"the zip member {info.filename!r} is refused: "
                                 f"{why[0]}; zip the Shapefile's files themselves, without "
                                 "folders outside the zip",
                                 f"拒绝zip成员{info.filename!r}：{why[1]}；请直接压缩Shapefile的"
                                 "各个文件")
            if problems.problems:
                return None
            names = [i.filename for i in infos if not i.is_dir()]
            shapes = [n for n in names if n.lower().endswith(".shp")
                      and not n.startswith("__MACOSX")]
            if not shapes:
                problems.add(None, None, "the zip file holds no .shp file; a zipped "
                             "Shapefile needs .shp, .shx, .dbf (and .prj) together",
                             "zip文件中没有 .shp 文件；压缩的Shapefile需要同时包含 "
                             ".shp、.shx、.dbf（以及 .prj）")
                return None
            if len(shapes) > 1:
                problems.add(None, None, f"the zip file holds {len(shapes)} Shapefiles "
                             f"({', '.join(shapes)}); keep one",
                             f"zip文件中有{len(shapes)}个Shapefile（{'、'.join(shapes)}）；"
                             "请只保留一个")
                return None
            unpacked = sum(info.file_size for info in infos)
            if unpacked > 4 * MAX_FILE_BYTES:
                limit = 4 * MAX_FILE_BYTES // 1024 // 1024
                problems.add(None, None, f"the zip file unpacks to "
                             f"{unpacked / 1024 / 1024:.0f} MB; the limit is {limit} MB",
                             f"zip文件解压后为{unpacked / 1024 / 1024:.0f} MB，"
                             f"上限为{limit} MB")
                return None
            stem = shapes[0][:-4]
            by_lower = {n.lower(): n for n in names}
            for needed in (".shx", ".dbf"):
                if (stem + needed).lower() not in by_lower:
                    problems.add(None, None, f"the zip file has {shapes[0]} but no "
                                 f"{stem + needed}; a Shapefile needs both",
                                 f"zip文件中有{shapes[0]}，但没有{stem + needed}；"
                                 "Shapefile两者缺一不可")
            if problems.problems:
                return None
            for part in SHAPEFILE_PARTS:
                member = by_lower.get((stem + part).lower())
                if member is None:
                    continue
                target = tmp / f"upload{part}"
                if not _inside(tmp, target):  # cannot happen with a fixed name; checked anyway
                    problems.add(None, None, "not a readable zipped Shapefile",
                                 "无法读取的压缩的Shapefile")
                    return None
                with archive.open(member) as source:
                    content = source.read(4 * MAX_FILE_BYTES + 1)
                if part == ".shp" and not content.startswith(_SHP_MAGIC):
                    problems.add(None, None, f"{shapes[0]} is not a Shapefile (.shp) file",
                                 f"{shapes[0]}不是Shapefile（.shp）文件")
                    return None
                target.write_bytes(content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            OSError, EOFError):
        # Damaged, encrypted or unsupported-compression archives.
        problems.add(None, None, "not a readable zip file", "无法读取的zip文件")
        return None
    return tmp / "upload.shp"


def _check_geojson(data: bytes, problems: _Collector) -> bool:
    """True when ``data`` is GeoJSON that GDAL may open: a Feature or FeatureCollection whose
    ``crs`` (if any) is an EPSG name. A linked CRS (``"type": "link"``) or a URL as the name
    would make GDAL fetch it, so such files are refused."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.add(None, None, "a GeoJSON file must be UTF-8 text",
                     "GeoJSON文件必须是UTF-8编码的文本")
        return False
    except json.JSONDecodeError as exc:
        problems.add(None, None, f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                     f"character {exc.colno}; a GeoJSON file must be a FeatureCollection",
                     f"不是有效的JSON（第{exc.lineno}行第{exc.colno}个字符：{exc.msg}）；"
                     "GeoJSON文件必须是一个FeatureCollection")
        return False
    except RecursionError:
        problems.add(None, None, "the JSON is nested too deeply to be a GeoJSON file",
                     "JSON嵌套过深，不是GeoJSON文件")
        return False
    if not isinstance(document, dict) or document.get("type") not in (
            "FeatureCollection", "Feature"):
        problems.add(None, None, "a GeoJSON file must be a FeatureCollection",
                     "GeoJSON文件必须是一个FeatureCollection")
        return False
    crs = document.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) and isinstance(
            crs.get("properties"), dict) else None
        if not (isinstance(crs, dict) and crs.get("type") == "name" and isinstance(name, str)
                and _SAFE_CRS.match(name)):
            problems.add(None, None, "the GeoJSON 'crs' member is refused: only a named EPSG "
                         "system ('urn:ogc:def:crs:EPSG::4326') is read, never a link; "
                         "remove it and give coordinates as longitude/latitude",
                         "拒绝GeoJSON的“crs”成员：只接受EPSG名称（如 urn:ogc:def:crs:EPSG::4326），"
                         "不接受链接；请删除该成员，并使用经纬度坐标")
            return False
    return True


def _read_geoframe(data: bytes, name: str, fmt: str, problems: _Collector,
                   path: Path | None = None) -> gpd.GeoDataFrame | None:
    import geopandas as gpd
    import pyogrio

    _gdal_offline()
    if fmt == "geojson" and not _check_geojson(data, problems):
        return None
    if fmt == "gpkg" and not (data.startswith(b"SQLite format 3\x00")
                              and data[68:72] in _GPKG_IDS):
        problems.add(None, None, "not a GeoPackage: the file is not an SQLite database with "
                     "the GeoPackage application id",
                     "不是GeoPackage文件：该文件不是带GeoPackage应用标识的SQLite数据库")
        return None
    if fmt == "shp":
        if path is None:
            problems.add(None, None, "a Shapefile has several parts (.shp, .shx, .dbf, .prj): "
                         "upload them together in one .zip",
                         "Shapefile由多个文件组成（.shp、.shx、.dbf、.prj）：请将它们一起打包成"
                         "一个 .zip 上传")
            return None
        # A path given on the command line by the person running it (never an upload).
        target: Any = path
    else:
        target = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if fmt == "zip":
            target = _extract_shapefile(data, tmp, problems)
            if target is None:
                return None
        elif target is None:
            suffix = {"geojson": ".geojson", "gpkg": ".gpkg"}[fmt]
            target = tmp / f"upload{suffix}"
            target.write_bytes(data)
        if path is None and not _inside(tmp, target):
            problems.add(None, None, f"not a readable {_FORMAT_NAMES[fmt]}",
                         f"无法读取的{_FORMAT_NAMES_ZH[fmt]}")
            return None
        layer_note = None
        try:
            layers = pyogrio.list_layers(target)
            layer = None
            if len(layers) > 1:
                layer = str(layers[0][0])
                layer_note = (f"the file has {len(layers)} layers; read the first, {layer!r}",
                              f"文件有{len(layers)}个图层；已读取第一个图层“{layer}”")
            frame = gpd.read_file(target, engine="pyogrio", layer=layer)
        except Exception:  # GDAL reports damaged files with several exception types
            # GDAL's own text names the temporary path: never shown.
            problems.add(None, None, f"not a readable {_FORMAT_NAMES[fmt]}",
                         f"无法读取的{_FORMAT_NAMES_ZH[fmt]}")
            return None
    if layer_note:
        frame.attrs["note"], frame.attrs["note_zh"] = layer_note
    if frame.empty:
        problems.add(None, None, "the file has no features", "文件中没有要素")
        return None
    if len(frame) > MAX_ROWS:
        problems.add(None, None, f"the file has {len(frame):,} features; the limit is "
                     f"{MAX_ROWS:,} regions",
                     f"文件有{len(frame):,}个要素，上限为{MAX_ROWS:,}个地区")
        return None
    return _to_wgs84(frame, problems)


_FORMAT_NAMES = {
    "geojson": "GeoJSON file", "gpkg": "GeoPackage", "zip": "zipped Shapefile",
    "shp": "Shapefile",
}
_FORMAT_NAMES_ZH = {
    "geojson": "GeoJSON文件", "gpkg": "GeoPackage文件", "zip": "压缩的Shapefile",
    "shp": "Shapefile",
}


def _to_wgs84(frame: gpd.GeoDataFrame, problems: _Collector) -> gpd.GeoDataFrame | None:
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            frame = frame.set_crs("EPSG:4326")
            frame.attrs["note"] = "no coordinate reference system given: read as lon/lat"
            frame.attrs["note_zh"] = "未给出坐标参考系：按经纬度读取"
        else:
            problems.add(None, None, "the coordinates are not longitude/latitude and the file "
                         "has no coordinate reference system (for a Shapefile, add its .prj)",
                         "坐标不是经纬度，且文件没有坐标参考系（Shapefile请附上其 .prj 文件）")
            return None
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return frame


def _raw_from_geoframe(frame: gpd.GeoDataFrame, name: str, problems: _Collector) -> _Raw:
    geometry = frame.geometry.reset_index(drop=True)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    table.columns = [str(c) for c in table.columns]
    raw = _Raw(file=name, frame=table.reset_index(drop=True),
               rows=list(range(1, len(frame) + 1)), row_label="feature", geometry=geometry)
    if frame.attrs.get("note"):
        raw.note(str(frame.attrs["note"]), str(frame.attrs.get("note_zh", frame.attrs["note"])))
    return raw


# ----------------------------------------------------------------------------- HEAT Plus

HEAT_COLUMNS = ("setting", "date", "indicator_abbr", "indicator_name", "dimension", "subgroup",
                "estimate", "population", "indicator_scale")
"""Columns of the WHO HEAT Plus data template this reader uses (others are ignored)."""

HEAT_INDICATOR_HINT = (
    "an indicator_abbr or indicator_name that names a region-table column, e.g. "
    "'charity_coverage' / '慈善救助覆盖率', 'oop_share' / '自付比例', "
    "'cost_per_patient' / '人均医疗费用', 'subsidy_per_patient' / '人均救助金额'"
)
HEAT_INDICATOR_HINT_ZH = (
    "能对应地区表某一列的 indicator_abbr 或 indicator_name，例如 "
    "'charity_coverage' / '慈善救助覆盖率'、'oop_share' / '自付比例'、"
    "'cost_per_patient' / '人均医疗费用'、'subsidy_per_patient' / '人均救助金额'"
)


def _is_heat(raw: _Raw) -> bool:
    keys = {normalise_name(c) for c in raw.frame.columns}
    return {"subgroup", "estimate"} <= keys and bool({"indicatorabbr", "indicatorname"} & keys)


def _heat_to_regions(raw: _Raw, problems: _Collector) -> _Raw | None:
    """A HEAT Plus long table (one row per setting x date x indicator x subgroup) -> one row
    per subgroup (and per date when there are several), columns named by the indicators.

    Mapping (documented in the README): each subgroup of the file's one dimension is a
    region (region_id = region_name = subgroup, prefixed "setting / " when there are several
    settings); area_type is the file's ``area_type`` column if it has one, else the subgroup
    (so a comparison is between two subgroups, as in HEAT); an indicator is matched to a
    region-table column by its abbreviation, else its name, through the column aliases;
    estimates of fraction indicators are divided by ``indicator_scale`` when given (HEAT's
    100 for percentages); ``patients`` is the ``population`` of the charity-coverage rows
    unless a 'patients' indicator is given; several dates become a ``year`` column.
    """
    frame = raw.frame.copy()
    frame.columns = [normalise_name(c) for c in frame.columns]
    rename = {"indicatorabbr": "indicator_abbr", "indicatorname": "indicator_name",
              "indicatorscale": "indicator_scale", "areatype": "area_type", "year": "date"}
    frame = frame.rename(columns=rename)
    for needed in ("subgroup", "estimate"):
        if needed not in frame.columns:
            problems.add(None, needed, "a HEAT Plus file needs this column",
                         "HEAT Plus文件需要此列")
    if problems.problems:
        return None

    def text(column: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series([""] * len(frame), dtype=object)
        return frame[column].map(_cell_text)

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
        raw.note("HEAT indicators not used (no matching column): " + ", ".join(unknown),
                 "未使用的HEAT指标（没有对应的列）：" + "、".join(unknown))
    needed = [c for c in REQUIRED_COLUMNS if c not in {"region_id", "region_name", "area_type",
                                                       "patients"}]
    indicators = sorted((set(abbr) | set(iname)) - {""})
    for column in needed:
        if column not in found:
            problems.add(None, "indicator_abbr",
                         f"no indicator for {column} ({COLUMNS[column].meaning_en}); expected "
                         f"{HEAT_INDICATOR_HINT}. Indicators found: "
                         f"{', '.join(indicators) or 'none'}",
                         f"没有{column}（{COLUMNS[column].meaning_zh}）的指标；应为"
                         f"{HEAT_INDICATOR_HINT_ZH}。找到的指标：{'、'.join(indicators) or '无'}")
    dimensions = sorted(set(dimension) - {""})
    if len(dimensions) > 1:
        problems.add(None, "dimension", f"the file has {len(dimensions)} dimensions "
                     f"({', '.join(dimensions)}); keep only the one whose subgroups are regions",
                     f"文件有{len(dimensions)}个维度（{'、'.join(dimensions)}）；只保留其子组"
                     "为地区的那一个维度")
    if "patients" not in found and "population" not in frame.columns:
        problems.add(None, "population", "without a 'patients' indicator, the population of the "
                     "charity-coverage rows gives the patients in each subgroup",
                     "没有“patients”（患者数）指标时，各子组的患者数取自慈善救助覆盖率各行的"
                     " population，因此需要此列")
    for i, sub in enumerate(subgroup):
        if target[i] is not None and not sub:
            problems.add(raw.rows[i], "subgroup", "empty subgroup", "子组为空")
    if problems.problems:
        return None

    several_settings = len(set(setting)) > 1
    dates = sorted(set(date) - {""})
    several_dates = len(dates) > 1
    keys: dict[tuple[str, str], int] = {}
    out_rows: list[dict[str, Any]] = []
    cell_rows: dict[tuple[int, str], int] = {}
    readings: dict[str, str] = {}
    readings_zh: dict[str, str] = {}
    first_rows: list[int] = []
    has_area = "area_type" in frame.columns
    scale = frame["indicator_scale"] if "indicator_scale" in frame.columns else None
    for i in range(len(frame)):
        column = target[i]
        if column is None:
            continue
        region = f"{setting[i]} / {subgroup[i]}" if several_settings else subgroup[i]
        key = (region, date[i] if several_dates else "")
        if key not in keys:
            keys[key] = len(out_rows)
            record = {"region_id": region, "region_name": region,
                      "area_type": _cell_text(frame["area_type"].iloc[i]) if has_area
                      else subgroup[i]}
            if several_dates:
                record["year"] = date[i]
            out_rows.append(record)
            first_rows.append(raw.rows[i])
        position = keys[key]
        if column in out_rows[position]:
            first = cell_rows[(position, column)]
            problems.add(raw.rows[i], "estimate", f"a second {column} estimate for subgroup "
                         f"{region!r}{' in ' + key[1] if key[1] else ''} (first in row "
                         f"{first})",
                         f"子组{region!r}{'（' + key[1] + '）' if key[1] else ''}的第二个"
                         f"{column}估计值（第一个在第{first}行）")
            continue
        value = frame["estimate"].iloc[i]
        if column in FRACTION_COLUMNS and scale is not None and not _blank(scale.iloc[i]):
            scale_value = _to_number(scale.iloc[i])
            number = _to_number(value)
            if scale_value and number is not None:
                # HEAT states the scale (100 = percent), so no guessing from the values.
                value = number / scale_value
                readings[column] = (f"percent (0-100), from indicator_scale {scale_value:g}"
                                    if scale_value == 100 else
                                    f"estimate / indicator_scale {scale_value:g}")
                readings_zh[column] = (f"百分数（0-100），依据 indicator_scale {scale_value:g}"
                                       if scale_value == 100 else
                                       f"estimate ÷ indicator_scale {scale_value:g}")
        out_rows[position][column] = value
        cell_rows[(position, column)] = raw.rows[i]
        if column == "charity_coverage" and "patients" not in found:
            out_rows[position]["patients"] = frame["population"].iloc[i]
            cell_rows[(position, "patients")] = raw.rows[i]
    if problems.problems:
        return None
    table = pd.DataFrame(out_rows, dtype=object)
    for column in table.columns:
        for position in range(len(table)):
            if (position, column) not in cell_rows and column in found:
                region = table["region_id"].iloc[position]
                problems.add(None, "subgroup", f"subgroup {region!r} has no {column} estimate",
                             f"子组{region!r}没有{column}估计值")
    if problems.problems:
        return None
    notes = [*raw.notes, "read as a WHO HEAT Plus data file: each subgroup is a region"]
    notes_zh = [*raw.notes_zh, "按世卫组织HEAT Plus数据文件读取：每个子组为一个地区"]
    return _Raw(file=raw.file, frame=table, rows=first_rows, row_label=raw.row_label,
                cell_rows=cell_rows, notes=notes, notes_zh=notes_zh, readings=readings,
                readings_zh=readings_zh)


# ----------------------------------------------------------------------------- parsing

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _cell_text(value: Any) -> str:
    """A cell as text: blanks -> '', whole floats (Excel's 330100.0) -> '330100'."""
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _to_number(value: Any) -> float | None:
    """A numeric cell as float, or None if it is not a number. Accepts thousands separators
    ('200,000'), a leading '¥' and full-width digits; a trailing '%' is handled by callers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    import unicodedata

    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text.replace(",", "").replace(" ", "").replace("\u00a0", "").lstrip("¥￥")
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


@dataclass
class _Parsed:
    table: pd.DataFrame
    readings: dict[str, str]
    readings_zh: dict[str, str]
    bad_cells: set[tuple[int, str]]
    raw_values: dict[str, list[Any]]
    header_of: dict[str, str]


def _map_headers(raw: _Raw, problems: _Collector) -> tuple[dict[str, str], list[str]]:
    """canonical column -> header as written; and the headers kept as extra columns.

    Errors: a header written twice, values under a blank header, two headers naming the same
    column, a required column missing. Unknown named columns are kept as extras; an optional
    column with no values at all counts as absent (as in an unfilled template).
    """
    header_of: dict[str, str] = {}
    extras: list[str] = []
    labels = [str(c) for c in raw.frame.columns]
    keep: list[int] = []
    for position, header in enumerate(labels):
        column_values = raw.frame.iloc[:, position]
        if header == "":
            if not all(_blank(v) for v in column_values):
                problems.add(None, None, f"column {position + 1} has values but no header; "
                             "name it or delete it",
                             f"第{position + 1}列有值但没有表头；请为其命名或删除该列")
            continue
        if header in labels[:position]:
            problems.add(None, header, "this header appears twice; keep one column",
                         "此表头出现了两次；请只保留一列")
            continue
        keep.append(position)
    raw.frame = raw.frame.iloc[:, keep]
    for header in raw.frame.columns:
        canonical = canonical_column(header)
        empty = all(_blank(v) for v in raw.frame[header])
        if canonical is None:
            if not empty:
                extras.append(header)
            continue
        if empty and not COLUMNS[canonical].required:
            # A template's unused optional column: absent, not a column of empty cells.
            raw.note(f"optional column '{header}' is empty: ignored",
                     f"可选列“{header}”为空：已忽略")
            continue
        if canonical in header_of:
            problems.add(None, header, f"both '{header_of[canonical]}' and '{header}' give "
                         f"{canonical}; keep one",
                         f"“{header_of[canonical]}”和“{header}”都对应{canonical}；请只保留一列")
            continue
        header_of[canonical] = header
    for column in REQUIRED_COLUMNS:
        if column not in header_of:
            spec = COLUMNS[column]
            problems.add(None, column, f"required column missing: {column} "
                         f"({spec.meaning_en}, {spec.unit}); accepted headers: "
                         f"{', '.join((column, *spec.aliases))}",
                         f"缺少必需列：{column}（{spec.meaning_zh}；{spec.unit_zh}）；可用的表头："
                         f"{'、'.join((column, *spec.aliases))}")
    return header_of, extras


def _parse(raw: _Raw, header_of: dict[str, str], problems: _Collector) -> _Parsed:
    n = len(raw.frame)
    table: dict[str, Any] = {}
    readings: dict[str, str] = {}
    readings_zh: dict[str, str] = {}
    bad: set[tuple[int, str]] = set()
    raw_values: dict[str, list[Any]] = {}
    for column, header in header_of.items():
        spec = COLUMNS[column]
        values = list(raw.frame[header])
        raw_values[column] = values
        if spec.dtype == "str":
            texts = [_cell_text(v) for v in values]
            if column == "area_type":
                texts = [canonical_area_type(t) if t else t for t in texts]
            table[column] = pd.array(
                [t if t else None for t in texts], dtype="str"
            )
            continue
        numbers: list[float] = []
        percent_flags: list[bool] = []
        for position, value in enumerate(values):
            if _blank(value):
                numbers.append(math.nan)
                percent_flags.append(False)
                continue
            text = value if not isinstance(value, str) else value.strip()
            has_percent = isinstance(text, str) and text.endswith(("%", "％"))
            number = _to_number(text[:-1] if has_percent else text)
            if number is None or (has_percent and column not in FRACTION_COLUMNS):
                why, why_zh = (("a percent sign is only allowed in share columns",
                                "只有比例列可以使用百分号")
                               if number is not None else ("not a number", "不是数字"))
                problems.add(raw.row_of(position, column), header,
                             f"{why}: {value!r}; expected {spec.expected}",
                             f"{why_zh}：{value!r}；应为{spec.expected_zh}")
                bad.add((position, column))
                numbers.append(math.nan)
                percent_flags.append(False)
                continue
            numbers.append(number)
            percent_flags.append(has_percent)
        array = np.array(numbers, dtype=float)
        if column in FRACTION_COLUMNS:
            flags = np.array(percent_flags)
            for position, why, why_zh in _mixed_scale_cells(array, flags):
                problems.add(raw.row_of(position, column), header,
                             f"{why}; expected {spec.expected}",
                             f"{why_zh}；应为{spec.expected_zh}")
                bad.add((position, column))
                array[position] = math.nan
            _, readings_zh[column], note_zh = _read_fractions(array, flags, "zh")
            array, readings[column], note = _read_fractions(array, flags)
            if column in raw.readings:
                readings[column], note = raw.readings[column], ""
                readings_zh[column] = raw.readings_zh.get(column, readings[column])
            if note:
                raw.note(f"{header}: {note}", f"{header}：{note_zh}")
        table[column] = array
    frame = pd.DataFrame(table, index=pd.RangeIndex(n))
    return _Parsed(frame, readings, readings_zh, bad, raw_values, header_of)


def _mixed_scale_cells(values: np.ndarray, percent: np.ndarray
                       ) -> list[tuple[int, str, str]]:
    """Cells whose scale contradicts the rest of their column, e.g. 1.2 among 0.9 and 0.6.

    Without this, one such cell would silently turn the whole column into percentages
    (0.9 -> 0.9%). The minority side is reported: a value above 1 among fractions is most
    likely a share above 100%; a value below 1 among percentages must be written
    unambiguously. Each cell comes with its reason in English and in Chinese."""
    plain = ~percent & ~np.isnan(values)
    small = plain & (values > 0) & (values < 1)
    large = plain & (values > 1)
    if not (small.any() and large.any()):
        return []
    if small.sum() >= large.sum():
        return [(int(i), f"{values[i]:g} is above 1 while the column's other cells are "
                 "fractions (0-1): a share above 100%? write every cell on one scale",
                 f"{values[i]:g}大于1，而该列其他单元格都是比例（0-1）：是超过100%的比例吗？"
                 "请让每个单元格使用同一种写法")
                for i in np.flatnonzero(large)]
    return [(int(i), f"{values[i]:g} is below 1 while the column's other cells are percents "
             f"(0-100): write {values[i] * 100:g} if {values[i] * 100:g}% is meant, "
             f"or {values[i]:g}% if it is under 1%",
             f"{values[i]:g}小于1，而该列其他单元格都是百分数（0-100）：若指{values[i] * 100:g}%，"
             f"请写作{values[i] * 100:g}；若指不到1%，请写作{values[i]:g}%")
            for i in np.flatnonzero(small)]


_READINGS_ZH = {"percent sign": "百分号", "fraction (0-1)": "比例（0-1）",
                "percent (0-100)": "百分数（0-100）"}


def _read_fractions(values: np.ndarray, percent: np.ndarray, lang: str = "en"
                    ) -> tuple[np.ndarray, str, str]:
    """Fractions on the 0-1 scale from cells written 0.65, 65 or '65%', with the reading used
    and a note ("" when there is nothing to say), both in ``lang`` ("en" | "zh").

    Cells with a percent sign are divided by 100. The other cells are fractions when all of
    them lie within 0-1, else percentages (divided by 100); values above 100
    then fail the schema's 'at most 100%' check.
    """
    plain = ~percent & ~np.isnan(values)
    out = values.copy()
    out[percent] = values[percent] / 100.0
    note = note_zh = ""
    if not plain.any():
        reading = "percent sign"
    elif np.nanmax(np.abs(values[plain])) <= 1.0:
        reading = "fraction (0-1)"
    else:
        reading = "percent (0-100)"
        out[plain] = values[plain] / 100.0
        small = values[plain & (values > 0) & (values <= 1.0)]
        if small.size:
            note = (f"read as percent (0-100) because some values exceed 1, so "
                    f"{small[0]:g} means {small[0]:g}%; write it as {small[0] * 100:g} if "
                    f"{small[0] * 100:g}% was meant")
            note_zh = (f"因有数值大于1，按百分数（0-100）读取，因此{small[0]:g}表示{small[0]:g}%；"
                       f"若指{small[0] * 100:g}%，请写作{small[0] * 100:g}")
    reading_zh = _READINGS_ZH[reading]
    if percent.any() and plain.any():
        reading = f"percent sign + {reading}"
        reading_zh = f"百分号 + {reading_zh}"
    if lang == "zh":
        return out, reading_zh, note_zh
    return out, reading, note


def _check_kind(check: str) -> str:
    """Pandera's built-in checks report their own names (greater_than_or_equal_to(0.0)...)."""
    if check.startswith(("greater_than", "minimum")):
        return "minimum"
    if check.startswith(("less_than", "maximum")):
        return "maximum"
    if check.startswith(("str_length", "non_empty")):
        return "non_empty"
    return check


def _validate(raw: _Raw, parsed: _Parsed, problems: _Collector) -> pd.DataFrame:
    """Run the pandera schema lazily and turn its failure cases into Problems."""
    import pandera.errors

    schema = region_schema(list(parsed.table.columns))
    try:
        schema.validate(parsed.table, lazy=True)
    except pandera.errors.SchemaErrors as err:
        _problems_from_failures(raw, parsed, err.failure_cases, problems)
    return parsed.table


def _problems_from_failures(raw: _Raw, parsed: _Parsed, cases: pd.DataFrame,
                            problems: _Collector) -> None:
    seen: set[tuple[Any, ...]] = set()
    keys = parsed.table["region_id"] if "region_id" in parsed.table.columns else None
    for case in cases.to_dict("records"):
        column = case.get("column")
        check = str(case.get("check"))
        index = case.get("index")
        position = None if index is None or _blank(index) else int(index)
        if check == "patients_total_positive":
            problems.add(None, parsed.header_of.get("patients"), "the patients column adds up "
                         "to 0; at least one region needs patients (weighted means divide by it)",
                         "患者数列合计为0；至少要有一个地区有患者（加权平均以患者数合计为分母）")
            continue
        if column is None or column not in parsed.header_of or position is None:
            if position is None and column is not None:
                problems.add(None, parsed.header_of.get(column, column),
                             f"failed check {check}", f"未通过检查 {check}")
            continue
        if (position, column) in parsed.bad_cells:
            continue
        header = parsed.header_of[column]
        row = raw.row_of(position, column)
        spec = COLUMNS[column]
        value = parsed.raw_values[column][position]
        if check in ("field_uniqueness", "multiple_fields_uniqueness"):
            key = ("dup", position)
            if key in seen or keys is None:
                continue
            seen.add(key)
            same = [raw.row_of(p, "region_id") for p in range(len(keys))
                    if keys.iloc[p] == keys.iloc[position] and p != position
                    and ("year" not in parsed.table.columns
                         or parsed.table["year"].iloc[p] == parsed.table["year"].iloc[position])]
            by_year = "year" in parsed.table.columns
            what = "region_id" + (" and year" if by_year else "")
            what_zh = "地区编码" + ("和年份" if by_year else "")
            problems.add(row, parsed.header_of["region_id"],
                         f"duplicate {what} {keys.iloc[position]!r} (also in "
                         f"{raw.row_label} {', '.join(str(s) for s in same)}); each region "
                         "must appear once",
                         f"重复的{what_zh}“{keys.iloc[position]}”（{_rows_zh(raw.row_label, same)}"
                         f"也有）；每个地区{'每年' if by_year else ''}只能出现一次")
            continue
        check = _check_kind(check)
        key = (position, column, check)
        if key in seen:
            continue
        seen.add(key)
        if check == "not_nullable" or (check == "non_empty" and _blank(value)):
            what, what_zh = "empty cell", "单元格为空"
        elif check == "maximum" and column in FRACTION_COLUMNS:
            what, what_zh = f"{value!r} is above 100%", f"{value!r}超过100%"
        elif check == "minimum":
            what, what_zh = ((f"{value!r} is negative", f"{value!r}为负数") if (
                _to_number(str(value).rstrip("%％")) or 0) < 0 else
                (f"{value!r} is too small", f"{value!r}过小"))
        elif check == "maximum":
            what, what_zh = f"{value!r} is too large", f"{value!r}过大"
        elif check == "whole":
            what, what_zh = f"{value!r} is not a whole number", f"{value!r}不是整数"
        else:
            what, what_zh = f"{value!r} failed check {check}", f"{value!r}未通过检查 {check}"
        message = f"{what}; expected {spec.expected}"
        message_zh = f"{what_zh}；应为{spec.expected_zh}"
        if what == "empty cell" and not spec.required:
            message += " (or delete the whole column: it is optional)"
            message_zh += "（或删除整列：此列为可选列）"
        problems.add(row, header, message, message_zh)


# ----------------------------------------------------------------------------- public


def _display_name(source: Any, filename: str | None) -> str:
    if filename:
        return filename
    if isinstance(source, str | Path):
        return str(source)
    name = getattr(source, "name", None)  # Streamlit's UploadedFile, open file objects
    return str(name) if isinstance(name, str) and name else "uploaded file"


def _read_raw(source: str | Path | bytes, name: str, problems: _Collector) -> _Raw | None:
    data = _source_bytes(source, name, problems)
    if data is None:
        return None
    fmt = _detect_format(name, data)
    path = Path(source) if isinstance(source, str | Path) else None
    if fmt == "xls":
        problems.add(None, None, "the old Excel .xls format is not read; save the workbook as "
                     ".xlsx or as 'CSV UTF-8'",
                     "不能读取旧版Excel .xls格式；请将工作簿另存为 .xlsx 或“CSV UTF-8”")
        return None
    if fmt == "csv":
        return _read_csv(data, name, problems)
    if fmt == "xlsx":
        return _read_xlsx(data, name, problems)
    if fmt == "parquet":
        return _read_parquet(data, name, problems)
    return _read_geo(data, name, fmt, problems, path)


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
    name = _display_name(source, filename)
    problems = _Collector(name)
    raw = _read_raw(source, name, problems)
    if raw is None:
        problems.raise_if_any()
        raise DataError([Problem(name, None, None, "the file could not be read",
                                 "无法读取该文件")])
    problems.row_label = raw.row_label
    if _is_heat(raw):
        converted = _heat_to_regions(raw, problems)
        problems.raise_if_any()
        assert converted is not None
        raw = converted
    header_of, extras = _map_headers(raw, problems)
    parsed = _parse(raw, header_of, problems)
    table = _validate(raw, parsed, problems)
    shapes = None
    boundary_problems: list[Problem] = []
    if boundaries is not None:
        try:
            shapes = read_boundaries(boundaries, filename=boundaries_filename)
        except DataError as err:
            boundary_problems = err.problems
    if problems.problems or boundary_problems:
        # Both files' problems at once, the table's first.
        raise DataError(_sorted(problems.problems) + boundary_problems)

    notes, notes_zh = list(raw.notes), list(raw.notes_zh)

    def note(english: str, chinese: str) -> None:
        notes.append(english)
        notes_zh.append(chinese)

    if extras:
        note("columns kept as they are (not region-table columns): " + ", ".join(extras),
             "按原样保留的列（不是地区表的列）：" + "、".join(extras))
        for header in extras:
            table[header] = pd.array([_cell_text(v) or None for v in raw.frame[header]],
                                     dtype="str")
    if "severity" not in table.columns:
        table["severity"] = DEFAULT_SEVERITY
        note("no severity column: every region has severity 1 (equal need)",
             "没有严重程度（severity）列：每个地区的严重程度均为1（需要程度相同）")
    if "year" in table.columns:
        table["year"] = table["year"].astype("int64")
    ordered = [c for c in COLUMNS if c in table.columns]
    table = table[ordered + [c for c in table.columns if c not in COLUMNS]]

    geometry = None
    if raw.geometry is not None:
        geometry = _geometry_frame(table["region_id"], raw.geometry)
        missing = sorted(set(table["region_id"]) - set(geometry["region_id"]))
        if missing:
            note(*_without_geometry(missing))
    if shapes is not None:
        if geometry is not None:
            note("geometry taken from the boundaries file, not from the table's file",
                 "几何图形取自边界文件，而非数据表文件")
        geometry, join_notes = _join_boundaries(table, shapes)
        for english, chinese in join_notes:
            note(english, chinese)
    if geometry is not None:
        kinds = set(geometry.geom_type.dropna())
        if kinds - {"Polygon", "MultiPolygon"}:
            note("some geometries are not polygons (" + ", ".join(sorted(kinds))
                 + "); maps draw region areas",
                 "部分几何图形不是多边形（" + "、".join(sorted(kinds)) + "）；地图绘制的是地区的面")
    return RegionData(name=Path(name).name if name != "uploaded file" else name, table=table,
                      geometry=geometry, fraction_readings=parsed.readings, dictionary=None,
                      notes=tuple(notes), notes_zh=tuple(notes_zh),
                      fraction_readings_zh=parsed.readings_zh)


def _without_geometry(missing: list[str]) -> tuple[str, str]:
    return (f"{len(missing)} region(s) without geometry: {', '.join(missing)}",
            f"{len(missing)}个地区没有几何图形：{'、'.join(missing)}")


def _geometry_frame(ids: pd.Series, geometry: Any) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"region_id": ids.to_numpy()}, geometry=geometry.to_numpy(),
                             crs=geometry.crs)
    return frame[~frame.geometry.isna()].reset_index(drop=True)


def read_boundaries(source: str | Path | bytes, *, filename: str | None = None
                    ) -> gpd.GeoDataFrame:
    """Boundaries (region_id, geometry) in EPSG:4326 from a geospatial file; raises DataError."""
    name = _display_name(source, filename)
    problems = _Collector(name, row_label="feature")
    data = _source_bytes(source, name, problems)
    if data is None:
        problems.raise_if_any()
    assert data is not None
    fmt = _detect_format(name, data)
    if fmt not in ("geojson", "gpkg", "zip", "shp"):
        problems.add(None, None, "boundaries must be a GeoJSON, GeoPackage or zipped Shapefile",
                     "边界文件必须是GeoJSON、GeoPackage或压缩的Shapefile")
        problems.raise_if_any()
    path = Path(source) if isinstance(source, str | Path) else None
    frame = _read_geoframe(data, name, fmt, problems, path)
    problems.raise_if_any()
    assert frame is not None
    id_column = next((c for c in frame.columns if c != frame.geometry.name
                      and canonical_column(c) == "region_id"), None)
    if id_column is None:
        found = [str(c) for c in frame.columns if c != frame.geometry.name]
        problems.add(None, "region_id", "the boundaries have no region_id column (or alias: "
                     f"{', '.join(COLUMNS['region_id'].aliases)}) to join on; found "
                     f"{', '.join(found)}",
                     "边界文件没有可用于连接的region_id列（或其别名："
                     f"{'、'.join(COLUMNS['region_id'].aliases)}）；找到的列：{'、'.join(found)}")
        problems.raise_if_any()
    ids = frame[id_column].map(_cell_text)
    for position, value in enumerate(ids):
        if not value:
            problems.add(position + 1, str(id_column), "empty region_id", "region_id为空")
    duplicated = ids[ids.duplicated(keep="first") & (ids != "")]
    for position, value in duplicated.items():
        problems.add(int(position) + 1, str(id_column),
                     f"region_id {value!r} appears in more than one feature",
                     f"region_id {value!r}出现在多个要素中")
    problems.raise_if_any()
    return _geometry_frame(ids.reset_index(drop=True), frame.geometry.reset_index(drop=True))


def _join_boundaries(table: pd.DataFrame, shapes: gpd.GeoDataFrame
                     ) -> tuple[gpd.GeoDataFrame, list[tuple[str, str]]]:
    """Shapes of the table's regions, and notes (English, Chinese) on unmatched ids."""
    ids = set(table["region_id"])
    shape_ids = set(shapes["region_id"])
    notes = []
    missing = sorted(ids - shape_ids)
    unused = sorted(shape_ids - ids)
    if missing:
        notes.append(_without_geometry(missing))
    if unused:
        notes.append((f"{len(unused)} boundary feature(s) with no region in the table: "
                      f"{', '.join(unused)}",
                      f"{len(unused)}个边界要素在表中没有对应的地区：{'、'.join(unused)}"))
    joined = shapes[shapes["region_id"].isin(ids)].reset_index(drop=True)
    return joined, notes


def summary(data: RegionData, *, group_column: str = "area_type") -> dict[str, Any]:
    """Plain-Python summary of a region table (for the validate command and the Data page):
    rows, groups with counts, total patients, patient-weighted fractions by group, fraction
    readings, geometry. Fractions on the 0-1 scale; counts in persons."""
    table = data.table
    groups = table.groupby(group_column, sort=False)
    by_group: dict[str, dict[str, float]] = {}
    for label, part in groups:
        weights = part["patients"].to_numpy(dtype=float)
        entry: dict[str, float] = {"regions": len(part), "patients": float(weights.sum())}
        for column in FRACTION_COLUMNS:
            if column in part.columns:
                total = weights.sum()
                entry[column] = (float(np.dot(weights, part[column].to_numpy(dtype=float))
                                       / total) if total > 0 else math.nan)
        by_group[str(label)] = entry
    with_geometry = 0 if data.geometry is None else int(
        data.geometry["region_id"].isin(table["region_id"]).sum())
    return {
        "name": data.name,
        "rows": len(table),
        "columns": [str(c) for c in table.columns],
        "group_column": group_column,
        "groups": by_group,
        "total_patients": float(table["patients"].sum()),
        "fraction_readings": dict(data.fraction_readings),
        "geometry": data.geometry is not None,
        "regions_with_geometry": with_geometry,
        "notes": list(data.notes),
        "notes_zh": list(data.notes_in("zh")),
        "fraction_readings_zh": dict(data.fraction_readings_zh),
    }


__all__ = [
    "BOUNDARY_EXTENSIONS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "UPLOAD_EXTENSIONS",
    "DataError",
    "Problem",
    "RegionData",
    "read_boundaries",
    "read_regions",
    "summary",
]

