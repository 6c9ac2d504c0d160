"""Hostile uploads (issue 8): a zip's member names, GDAL virtual paths and remote references
never make the server read another file or fetch a URL; each is refused with a message that
names the member, from the reader, the command line and the Data page."""

from __future__ import annotations

import http.server
import io
import json
import threading
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from equity.__main__ import main
from equity.readers import DataError, read_boundaries, read_regions

HEADER = ("region_id,region_name,area_type,patients,charity_coverage,oop_share,"
          "cost_per_patient,subsidy_per_patient")
GOOD_CSV = (HEADER + "\nA,North,urban,100,0.8,0.3,1000,100\nB,South,suburban,50,0.6,0.3,1000,100\n")


def _secret_shapefile(folder: Path) -> Path:
    """A real, valid region Shapefile elsewhere on disk (what an attacker would point at)."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.read_csv(io.StringIO(GOOD_CSV))
    shapes = [box(116 + i * 0.1, 30, 116.1 + i * 0.1, 30.1) for i in range(len(frame))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # field names truncated to 10 characters
        gpd.GeoDataFrame(frame, geometry=shapes, crs="EPSG:4326").to_file(folder / "secret.shp")
    assert read_regions(folder / "secret.shp").table.shape[0] == 2  # it is readable as such
    return folder / "secret.shp"


def _zip(names: list[str], content: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), content)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.namelist() == names  # the names reach the reader exactly as written
    return buffer.getvalue()


def _parts(stem: str) -> list[str]:
    return [f"{stem}.{ext}" for ext in ("shp", "shx", "dbf")]


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def _record(self) -> None:
        self.hits.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.end_headers()

    def do_GET(self) -> None:
        self._record()

    def do_HEAD(self) -> None:
        self._record()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server (base URL, list of requests it saw), stopped after the test."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 2
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _refused(payload: bytes, filename: str = "upload.zip", boundaries: bool = False):
    with pytest.raises(DataError) as info:
        if boundaries:
            read_boundaries(payload, filename=filename)
        else:
            read_regions(payload, filename=filename)
    return info.value.problems


# ------------------------------------------------------------------ absolute and traversal


def test_absolute_member_names_pointing_at_a_real_shapefile_are_refused(tmp_path):
    secret = _secret_shapefile(tmp_path / "elsewhere")
    stem = str(secret.with_suffix(""))
    assert stem.startswith("/")
    payload = _zip(_parts(stem))
    problems = _refused(payload)
    assert len(problems) == 3
    assert all("absolute path" in p.message and "refused" in p.message for p in problems)
    assert f"'{stem}.shp'" in problems[0].message  # the member is named
    assert all("绝对路径" in p.message_zh for p in problems)
    assert _refused(payload, boundaries=True)[0].message == problems[0].message


@pytest.mark.parametrize("names, why", [
    (_parts("../../x"), "'..' path"),
    (_parts("shapes/../../x"), "'..' path"),
    (_parts("..\\..\\x"), "backslash"),
    (_parts("C:/data/x"), "absolute path"),
    (_parts("c:x"), "absolute path"),
    (_parts("/vsizip//tmp/other.zip/x"), "absolute path"),
    (_parts("vsicurl/http:/x"), "GDAL virtual"),
    (_parts("data:x"), "colon"),
])
def test_traversal_drive_and_virtual_names_are_refused(names, why):
    problems = _refused(_zip(names))
    assert problems and all(why in p.message for p in problems), [p.message for p in problems]


def test_too_many_members_are_refused():
    from equity.readers import MAX_ZIP_MEMBERS

    names = _parts("regions") + [f"extra/{i}.txt" for i in range(MAX_ZIP_MEMBERS)]
    problems = _refused(_zip(names))
    assert len(problems) == 1
    assert f"{len(names):,} members; the limit is {MAX_ZIP_MEMBERS}" in problems[0].message


def test_a_shp_that_is_not_a_shapefile_is_refused():
    # An OGR VRT (XML naming another file) renamed .shp: GDAL would follow it by content.
    vrt = b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/hosts'
    problems = _refused(_zip(_parts("regions"), vrt))
    assert problems[0].message == "regions.shp is not a Shapefile (.shp) file"


def test_cli_refuses_absolute_and_traversal_zips_with_exit_2(tmp_path, capsys):
    secret = _secret_shapefile(tmp_path / "elsewhere")
    for i, names in enumerate((_parts(str(secret.with_suffix(""))), _parts("../../x"))):
        path = tmp_path / f"upload{i}.zip"
        path.write_bytes(_zip(names))
        assert main(["validate", str(path)]) == 2
        out = capsys.readouterr().out
        assert "refused" in out and names[0] in out and "rows:" not in out
        table = tmp_path / "t.csv"
        table.write_text(GOOD_CSV, encoding="utf-8")
        assert main(["validate", str(table), "--boundaries", str(path)]) == 2
        out = capsys.readouterr().out
        assert "refused" in out and names[0] in out and "Valid region table" not in out


# ------------------------------------------------------------------ network


def test_vsicurl_members_are_refused_and_never_fetched(loopback, tmp_path, capsys):
    base, hits = loopback
    encoded = base.replace(":", "%3A").replace("/", "%2F")
    for stem in (f"/vsicurl/{base}/probe", f"/vsicurl?url={encoded}%2Fprobe"):
        payload = _zip(_parts(stem))
        problems = _refused(payload)
        assert all("refused" in p.message for p in problems)
        path = tmp_path / "probe.zip"
        path.write_bytes(payload)
        assert main(["validate", str(path)]) == 2
        assert "refused" in capsys.readouterr().out
    assert hits == []


def test_gdal_network_is_off_even_for_a_vsicurl_path(loopback):
    """Second line of defence: were a /vsicurl/ path ever handed to GDAL, no request leaves."""
    import pyogrio

    from equity.readers.geo import gdal_offline as _gdal_offline

    base, hits = loopback
    _gdal_offline()
    for path in (f"/vsicurl/{base}/probe.shp", f"/vsicurl_streaming/{base}/probe.geojson",
                 f"{base}/probe.geojson"):
        with pytest.raises(Exception):  # noqa: B017 - GDAL's error type varies by path
            pyogrio.read_dataframe(path)
    assert hits == []


def _feature_collection(**extra) -> bytes:
    feature = {"type": "Feature", "properties": {"region_id": "A"},
               "geometry": {"type": "Point", "coordinates": [116.0, 30.0]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature], **extra}).encode()


def test_geojson_linked_crs_is_refused_and_never_fetched(loopback):
    base, hits = loopback
    linked = {"type": "link", "properties": {"href": f"{base}/crs.wkt", "type": "ogcwkt"}}
    named_url = {"type": "name", "properties": {"name": f"{base}/crs"}}
    for crs in (linked, named_url):
        for boundaries in (False, True):
            problems = _refused(_feature_collection(crs=crs), "b.geojson", boundaries)
            assert "'crs' member is refused" in problems[0].message
    assert hits == []
    # A named EPSG system is still read.
    named = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    frame = read_boundaries(_feature_collection(crs=named), filename="b.geojson")
    assert list(frame["region_id"]) == ["A"]


def test_geopackage_view_calling_gdal_functions_is_refused(tmp_path):
    """A view that would make GDAL open another data source (or geocode over the network)."""
    import sqlite3

    from shapely.geometry import Point

    secret = _secret_shapefile(tmp_path / "elsewhere")
    path = tmp_path / "v.gpkg"
    gpd.GeoDataFrame({"region_id": ["A"]}, geometry=[Point(116, 30)], crs=4326).to_file(
        path, layer="base")
    with sqlite3.connect(path) as db:
        db.execute("CREATE VIEW regions AS SELECT fid, geom, "
                   f"ogr_datasource_load_layers('{secret}') AS region_id FROM base")
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                   "VALUES ('regions', 'features', 'regions', 4326)")
        db.execute("INSERT INTO gpkg_geometry_columns VALUES "
                   "('regions', 'geom', 'POINT', 4326, 0, 0)")
    problems = _refused(path.read_bytes(), "v.gpkg", boundaries=True)
    assert [p.message for p in problems] == ["not a readable GeoPackage"]
    assert str(secret.parent) not in problems[0].text("en")


def test_json_that_is_not_geojson_is_not_handed_to_gdal():
    # TopoJSON / ESRI JSON / anything else: GDAL would pick another driver by content.
    problems = _refused(json.dumps({"type": "Topology", "objects": {}}).encode(), "x.json")
    assert problems[0].message == "a GeoJSON file must be a FeatureCollection"


def test_messages_never_show_a_server_path():
    # A GeoPackage header on a damaged body: GDAL's error names the temporary file.
    damaged = b"SQLite format 3\x00" + b"\x00" * 52 + b"GPKG" + b"\x00" * 200
    problems = _refused(damaged, "x.gpkg")
    text = " ".join(p.text("en") + p.text("zh") for p in problems)
    assert "/tmp" not in text and "upload.gpkg" not in text
    assert problems[0].message == "not a readable GeoPackage"
    sqlite_only = b"SQLite format 3\x00" + b"\x00" * 300
    assert "not a GeoPackage" in _refused(sqlite_only, "x.gpkg")[0].message


def test_xlsx_external_links_are_never_followed(loopback):
    """A workbook whose formula points at another workbook on a server: the cached values
    are read, the link is dropped, and the server sees no request."""
    from openpyxl import Workbook

    base, hits = loopback
    book = Workbook()
    sheet = book.active
    sheet.title = "regions"
    sheet.append(HEADER.split(","))
    sheet.append(["A", "North", "urban", 100, 0.8, 0.3, 1000, 100])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    link = ('<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships" r:id="rId1"/></externalLink>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/externalLinkPath" '
            f'Target="{base}/secret.xlsx" TargetMode="External"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("xl/externalLinks/externalLink1.xml", link)
        archive.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", rels)
    data = read_regions(out.getvalue(), filename="linked.xlsx")
    assert data.table["region_id"].tolist() == ["A"]
    assert hits == []


# ------------------------------------------------------------------ structure (issue 9)


def test_readers_do_not_import_the_datasets_module():
    """No import cycle: the readers never import equity.datasets (datasets imports them)."""
    import subprocess
    import sys

    code = ("import sys, equity.readers; "
            "print('equity.datasets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_problems_carry_their_own_codes():
    rows = GOOD_CSV.replace("B,South,suburban,50,0.6", "A,South,suburban,-5,abc")
    problems = _refused(rows.encode(), "t.csv")
    codes = {(p.row, p.column): p.code for p in problems}
    assert codes == {(2, "region_id"): "readers.duplicate", (3, "region_id"): "readers.duplicate",
                     (3, "patients"): "readers.cell_problem",
                     (3, "charity_coverage"): "readers.not_a_number"}
    negative = next(p for p in problems if p.column == "patients")
    assert negative.what.params["what"].code == "readers.what.negative"


# ------------------------------------------------------------------ limits (issue 15)


def _xlsx_with_big_shared_strings(megabytes: int) -> bytes:
    """A real workbook whose shared-strings part unpacks to ``megabytes`` (compresses to ~KB)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        padding = b"<si><t>" + b"x" * (1024 * 1024 - 15) + b"</t></si>"
        archive.writestr("xl/padding.xml", padding * megabytes)
    return out.getvalue()


def test_xlsx_bounded_by_unpacked_size_before_parsing():
    import time

    from equity.readers import MAX_UNPACKED_BYTES

    payload = _xlsx_with_big_shared_strings(MAX_UNPACKED_BYTES // 1024 // 1024 + 10)
    assert len(payload) < 2 * 1024 * 1024  # small upload, huge once unpacked
    start = time.perf_counter()
    problems = _refused(payload, "bomb.xlsx")
    assert time.perf_counter() - start < 5
    assert "unpacks to" in problems[0].message and "limit is 200 MB" in problems[0].message


def test_xlsx_bounded_by_part_count():
    from equity.readers import MAX_XLSX_PARTS

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(MAX_XLSX_PARTS + 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", "<x/>")
    problems = _refused(buffer.getvalue(), "parts.xlsx")
    assert f"the limit is {MAX_XLSX_PARTS}" in problems[0].message


def test_parquet_refused_by_metadata_before_materialising(monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from equity.readers import MAX_ROWS

    # Run-length encoding keeps a file of many identical rows tiny.
    table = pa.table({"region_id": pa.array(["x"] * (MAX_ROWS + 1))})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    assert len(buffer.getvalue()) < 200_000

    def never(*args, **kwargs):
        raise AssertionError("the table was materialised")

    monkeypatch.setattr(pq, "read_table", never)
    monkeypatch.setattr(pq.ParquetFile, "read", never)
    problems = _refused(buffer.getvalue(), "many.parquet")
    assert problems[0].message == ("the file has 100,001 records; the limit is 100,000 regions")


def test_too_many_columns_refused_with_the_limit():
    import time

    from equity.readers import MAX_COLUMNS

    header = HEADER + "," + ",".join(f"x{i}" for i in range(MAX_COLUMNS * 20))
    row = "A,North,urban,100,0.8,0.3,1000,100" + ",1" * (MAX_COLUMNS * 20)
    start = time.perf_counter()
    problems = _refused(f"{header}\n{row}\n".encode(), "wide.csv")
    assert time.perf_counter() - start < 5
    assert f"the limit is {MAX_COLUMNS:,}" in problems[0].message


def test_wide_xlsx_refused_at_its_first_row():
    from openpyxl import Workbook

    from equity.readers import MAX_COLUMNS

    book = Workbook()
    book.active.append([*HEADER.split(","), *(f"x{i}" for i in range(MAX_COLUMNS))])
    buffer = io.BytesIO()
    book.save(buffer)
    problems = _refused(buffer.getvalue(), "wide.xlsx")
    assert problems[0].message.startswith(f"the table has {MAX_COLUMNS + 8:,} columns")


def test_many_extra_columns_are_kept_in_linear_time():
    import time

    from equity.readers import MAX_COLUMNS

    extra = MAX_COLUMNS - 8  # the most a table may have, with the 8 required columns
    header = HEADER + "," + ",".join(f"x{i}" for i in range(extra))
    rows = "\n".join(f"R{r},N,urban,1,0.5,0.3,10,1," + ",".join("v" for _ in range(extra))
                     for r in range(200))
    start = time.perf_counter()
    data = read_regions(f"{header}\n{rows}\n".encode(), filename="extras.csv")
    assert time.perf_counter() - start < 10
    assert data.table.shape == (200, 9 + extra)  # + severity
    assert data.table[f"x{extra - 1}"].tolist() == ["v"] * 200


@pytest.mark.parametrize("column, value", [
    ("patients", "1e300"), ("population", "1e300"), ("cost_per_patient", "1e300"),
    ("subsidy_per_patient", "1e15"), ("severity", "1e9"),
])
def test_implausible_numbers_are_refused_with_row_and_column(column, value):
    header = HEADER + ",population,severity"
    good = ["A", "North", "urban", "100", "0.8", "0.3", "1000", "100", "5000", "1"]
    cells = dict(zip(header.split(","), good, strict=True))
    cells[column] = value
    problems = _refused((header + "\n" + ",".join(cells.values()) + "\n").encode(), "big.csv")
    assert [(p.row, p.column) for p in problems] == [(2, column)]
    assert "above the plausible limit" in problems[0].message


def test_latin1_csv_is_read_as_latin1_not_gbk():
    text = GOOD_CSV.replace("North", "Zürich").replace("South", "Genève")
    data = read_regions(text.encode("latin-1"), filename="latin1.csv")
    assert data.table["region_name"].tolist() == ["Zürich", "Genève"]
    assert any("Windows-1252" in n for n in data.notes)


def test_gbk_csv_is_still_read_as_gbk():
    text = GOOD_CSV.replace("North", "北区").replace("South", "南区")
    data = read_regions(text.encode("gbk"), filename="gbk.csv")
    assert data.table["region_name"].tolist() == ["北区", "南区"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(encoding):
    text = GOOD_CSV.replace("North", "北区")
    data = read_regions(text.encode(encoding), filename="u16.csv")
    assert data.table["region_name"].tolist() == ["北区", "South"]


def test_utf32_with_bom_is_read():
    data = read_regions(GOOD_CSV.encode("utf-32"), filename="u32.csv")
    assert data.table["region_id"].tolist() == ["A", "B"]
    assert any("UTF-32" in n for n in data.notes)


def test_heat_estimate_above_indicator_scale_is_refused_with_row_and_column():
    rows = ["setting,date,indicator_abbr,dimension,subgroup,estimate,population,indicator_scale"]
    for sub, coverage in (("Urban", 90), ("Rural", 150)):
        for abbr, value in (("charity_coverage", coverage), ("oop_share", 30),
                            ("cost_per_patient", 1000), ("subsidy_per_patient", 100)):
            scale = 100 if abbr in ("charity_coverage", "oop_share") else ""
            rows.append(f"W,2023,{abbr},Place,{sub},{value},50,{scale}")
    problems = _refused(("\n".join(rows) + "\n").encode(), "heat.csv")
    assert [(p.row, p.column) for p in problems] == [(6, "estimate")]
    assert "150 is above its indicator_scale 100" in problems[0].message


def _polygon_collection(vertices: int) -> bytes:
    import math

    ring = [[116 + 0.1 * math.cos(2 * math.pi * i / vertices),
             30 + 0.1 * math.sin(2 * math.pi * i / vertices)] for i in range(vertices)]
    ring.append(ring[0])
    feature = {"type": "Feature", "properties": {"region_id": "A"},
               "geometry": {"type": "Polygon", "coordinates": [ring]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_geometry_vertices_are_bounded(monkeypatch):
    monkeypatch.setattr("equity.readers.sources.MAX_VERTICES", 500)
    # Within the bracket pre-check, beyond the exact count after reading: 701 > 500.
    problems = _refused(_polygon_collection(700), "b.geojson", boundaries=True)
    assert problems[0].message == ("the file has 701 vertices; the limit is 500: simplify "
                                   "the boundaries first")
    # Far beyond: refused from the bytes, before GDAL parses them.
    problems = _refused(_polygon_collection(5_000), "b.geojson", boundaries=True)
    assert "about" in problems[0].message and "the limit is 500" in problems[0].message
    frame = read_boundaries(_polygon_collection(400), filename="b.geojson")
    assert len(frame) == 1


def test_deeply_nested_json_is_refused_at_once():
    payload = b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    problems = _refused(payload, "deep.geojson")
    assert problems[0].message == "the JSON is nested too deeply to be a GeoJSON file"


# ------------------------------------------------------------------ fuzzing (issue 15)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from equity.readers import RegionData  # noqa: E402
from equity.schema import COLUMNS, FRACTION_COLUMNS, REQUIRED_COLUMNS  # noqa: E402

_CELLS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**20, max_value=10**20),
    st.text(max_size=12),
    st.sampled_from(["65%", "0.5", "1e300", "-0", "¥18,000", "２００", "urban", "郊区", "", " "]),
)
_HEADERS = st.lists(
    st.one_of(st.sampled_from([*COLUMNS, "患者数", "慈善救助覆盖率", "year"]),
              st.text(max_size=8)),
    min_size=1, max_size=12)


def _assert_valid(data: RegionData) -> None:
    """What every loaded table guarantees, whatever the file held."""
    table = data.table
    assert set(REQUIRED_COLUMNS) <= set(table.columns)
    assert len(table) >= 1 and table["patients"].sum() > 0
    for column in REQUIRED_COLUMNS:
        assert not table[column].isna().any(), column
    for column in FRACTION_COLUMNS:
        if column in table.columns:
            assert ((table[column] >= 0) & (table[column] <= 1)).all(), column
    for column, spec in COLUMNS.items():
        if column in table.columns and spec.maximum is not None:
            assert (table[column] <= spec.maximum).all(), column
    assert table["region_id"].is_unique or "year" in table.columns


def _read_or_refuse(payload: bytes, filename: str) -> None:
    try:
        data = read_regions(payload, filename=filename)
    except DataError as err:
        assert err.problems and all(p.text("en") and p.text("zh") for p in err.problems)
        return
    _assert_valid(data)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(_HEADERS, st.lists(st.lists(_CELLS, max_size=12), max_size=8),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-32",
                        "latin-1"]),
       st.sampled_from([",", ";", "\t"]))
def test_fuzzed_csv_tables_load_or_are_refused_cleanly(headers, rows, encoding, delimiter):
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    _read_or_refuse(buffer.getvalue().encode(encoding, errors="replace"), "fuzz.csv")


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=1, max_value=6), st.data())
def test_fuzzed_valid_shaped_tables_load_or_are_refused_cleanly(n, data):
    """Tables with every required column and random values (huge, negative, NaN, inf, text)."""
    numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                        st.floats(min_value=0, max_value=1), st.integers(0, 10**6))
    table = {c: data.draw(st.lists(st.text(min_size=1, max_size=4), min_size=n, max_size=n))
             for c in ("region_id", "region_name", "area_type")}
    for column in REQUIRED_COLUMNS[3:]:
        table[column] = data.draw(st.lists(numbers, min_size=n, max_size=n))
    frame = pd.DataFrame(table)
    kind = data.draw(st.sampled_from(["csv", "parquet"]))
    if kind == "csv":
        _read_or_refuse(frame.to_csv(index=False).encode(), "fuzz.csv")
    else:
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        _read_or_refuse(buffer.getvalue(), "fuzz.parquet")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from([".shp", ".shx", ".dbf", ".prj", "a/b.shp", "../x.shp",
                                 "/abs.shp", "C:\\x.shp", "/vsicurl/http://h/x.shp",
                                 "x.txt", "__MACOSX/x.shp", "dir/"]),
                max_size=8),
       st.binary(max_size=64))
def test_fuzzed_zips_are_refused_cleanly(names, content):
    members = {name if "/" in name or "\\" in name else f"r{i % 2}{name}"
               for i, name in enumerate(names)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            archive.writestr(zipfile.ZipInfo(name), content)
    _read_or_refuse(buffer.getvalue(), "fuzz.zip")
