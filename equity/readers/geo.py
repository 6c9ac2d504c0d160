"""Geospatial files: GeoJSON, zipped Shapefile, GeoPackage, GeoParquet.

Uploads are hostile until checked (docs/security.md): a zip's member names are checked before
anything is written, only a Shapefile's own parts are extracted, each under a fixed name in a
fresh temporary folder; GeoJSON and GeoPackage content is identified before GDAL sees it;
GDAL's and PROJ's network access is off; GDAL's own error text (which names server paths)
is never shown.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from equity.i18n import msg
from equity.readers import sources
from equity.readers.problems import Collector, Items, Raw
from equity.readers.sources import MAX_ROWS, MAX_UNPACKED_BYTES, MAX_ZIP_MEMBERS

if TYPE_CHECKING:
    import geopandas as gpd

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
    # A GeoPackage whose views or triggers call GDAL's SQL functions (which can open other
    # data sources or geocode over the network) is not opened (GDAL's default, made explicit).
    "ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW": "NO",
}
"""GDAL configuration set for the whole process before any geospatial file is opened."""

_FORMAT_KEYS = {"geojson": "geojson", "gpkg": "gpkg", "zip": "zip", "shp": "shp"}


def gdal_offline() -> None:
    """Switch GDAL's and PROJ's network access off for this process (idempotent).

    Uploads are only ever opened from a fixed file name in a fresh temporary folder, so no
    user text reaches GDAL as a path; this is the second line of defence should one ever do.
    """
    os.environ["PROJ_NETWORK"] = "OFF"
    import pyogrio

    pyogrio.set_gdal_config_options(NO_NETWORK_GDAL_OPTIONS)
    try:
        import pyproj.network

        pyproj.network.set_network_enabled(False)
    except Exception:  # pyproj without network support has nothing to switch off
        pass


def unsafe_member(member: str) -> str | None:
    """Why a zip member's name is refused (a catalogue key), or None when it is safe.

    A name is refused when it could point outside the temporary folder or at a virtual file
    system: absolute, a drive letter, a backslash, a '..' part, a GDAL virtual prefix
    ('/vsicurl/', 'vsizip' ...), a colon (URLs, drive letters, GDAL's 'DRIVER:path'
    syntax) or a control character."""
    lowered = member.lower()
    if member.startswith(("/", "\\")) or _DRIVE.match(member):
        return "readers.member.absolute"
    if "\\" in member:
        return "readers.member.backslash"
    if any(part == ".." for part in member.split("/")):
        return "readers.member.parent"
    if "vsi" in lowered.split("/")[0] or "/vsi" in lowered:
        return "readers.member.virtual"
    if ":" in member:
        return "readers.member.colon"
    if any(ord(ch) < 32 for ch in member):
        return "readers.member.control"
    return None


def inside(folder: Path, target: Path) -> bool:
    """True when ``target`` resolves to a path inside ``folder`` (symlinks followed)."""
    return target.resolve().is_relative_to(folder.resolve())


def _unreadable(problems: Collector, fmt: str) -> None:
    problems.add(None, None, "readers.bad_geo", format=msg(f"readers.format.{_FORMAT_KEYS[fmt]}"))


def extract_shapefile(data: bytes, tmp: Path, problems: Collector) -> Path | None:
    """The zipped Shapefile's parts written as tmp/upload.<ext>; the .shp path, or None.

    Every member name is checked before anything is written; only the Shapefile's own parts
    are extracted, each under a fixed name, so the path handed to GDAL never contains
    anything from the upload."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                problems.add(None, None, "readers.zip.too_many_members", count=len(infos),
                             limit=MAX_ZIP_MEMBERS)
                return None
            for info in infos:
                why = unsafe_member(info.filename)
                if why is not None:
                    problems.add(None, None, "readers.zip.member_refused", member=info.filename,
                                 why=msg(why))
            if problems.problems:
                return None
            names = [i.filename for i in infos if not i.is_dir()]
            shapes = [n for n in names if n.lower().endswith(".shp")
                      and not n.startswith("__MACOSX")]
            if not shapes:
                problems.add(None, None, "readers.zip.no_shp")
                return None
            if len(shapes) > 1:
                problems.add(None, None, "readers.zip.several_shp", count=len(shapes),
                             names=Items(shapes))
                return None
            if sources.unpacks_too_big(infos, problems, "readers.zip.too_big"):
                return None
            stem = shapes[0][:-4]
            by_lower = {n.lower(): n for n in names}
            for needed in (".shx", ".dbf"):
                if (stem + needed).lower() not in by_lower:
                    problems.add(None, None, "readers.zip.missing_part", shp=shapes[0],
                                 part=stem + needed)
            if problems.problems:
                return None
            for part in SHAPEFILE_PARTS:
                member = by_lower.get((stem + part).lower())
                if member is None:
                    continue
                target = tmp / f"upload{part}"
                if not inside(tmp, target):  # cannot happen with a fixed name; checked anyway
                    _unreadable(problems, "zip")
                    return None
                with archive.open(member) as source:
                    content = source.read(MAX_UNPACKED_BYTES + 1)
                if part == ".shp" and not content.startswith(_SHP_MAGIC):
                    problems.add(None, None, "readers.zip.not_shp", member=shapes[0])
                    return None
                target.write_bytes(content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            OSError, EOFError, ValueError):
        # Damaged, encrypted or unsupported-compression archives.
        problems.add(None, None, "readers.zip.unreadable")
        return None
    return tmp / "upload.shp"


def check_geojson(data: bytes, problems: Collector) -> bool:
    """True when ``data`` is GeoJSON that GDAL may open: a Feature or FeatureCollection whose
    ``crs`` (if any) is a named EPSG/OGC system. A linked CRS (``"type": "link"``) or a URL
    as the name would make GDAL fetch it, so such files are refused."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problems.add(None, None, "readers.geojson.not_utf8")
        return False
    except json.JSONDecodeError as exc:
        problems.add(None, None, "readers.geojson.bad_json", reason=exc.msg, line=exc.lineno,
                     char=exc.colno)
        return False
    except RecursionError:
        problems.add(None, None, "readers.geojson.too_deep")
        return False
    if not isinstance(document, dict) or document.get("type") not in (
            "FeatureCollection", "Feature"):
        problems.add(None, None, "readers.geojson.not_collection")
        return False
    crs = document.get("crs")
    if crs is not None:
        properties = crs.get("properties") if isinstance(crs, dict) else None
        name = properties.get("name") if isinstance(properties, dict) else None
        if not (crs.get("type") == "name" and isinstance(name, str) and _SAFE_CRS.match(name)):
            problems.add(None, None, "readers.geojson.crs_refused")
            return False
    return True


def read_geoframe(data: bytes, name: str, fmt: str, problems: Collector,
                  path: Path | None = None) -> gpd.GeoDataFrame | None:
    """A GeoDataFrame in EPSG:4326 from a geospatial file's bytes, or None with problems.

    ``path`` is only for a Shapefile named on the command line by the person running it
    (its sibling parts are read from disk); uploads never have one."""
    import geopandas as gpd
    import pyogrio

    gdal_offline()
    if fmt == "geojson" and data.count(b"[") > 2 * sources.MAX_VERTICES + 1000:
        # Each coordinate pair opens one bracket: refused before JSON or GDAL parses millions.
        problems.add(None, None, "readers.too_many_vertices_about",
                     count=data.count(b"[") // 2, limit=sources.MAX_VERTICES)
        return None
    if fmt == "geojson" and not check_geojson(data, problems):
        return None
    if fmt == "gpkg" and not (data.startswith(b"SQLite format 3\x00")
                              and data[68:72] in _GPKG_IDS):
        problems.add(None, None, "readers.gpkg.not_gpkg")
        return None
    if fmt == "shp":
        if path is None:
            problems.add(None, None, "readers.shp.alone")
            return None
        target: Any = path
    else:
        target = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if fmt == "zip":
            target = extract_shapefile(data, tmp, problems)
            if target is None:
                return None
        elif target is None:
            target = tmp / f"upload.{fmt}"
            target.write_bytes(data)
        if fmt != "shp" and not inside(tmp, target):
            _unreadable(problems, fmt)
            return None
        layer_note = None
        try:
            layers = pyogrio.list_layers(target)
            layer = None
            if len(layers) > 1:
                layer = str(layers[0][0])
                layer_note = msg("readers.note.layers", count=len(layers), layer=layer)
            frame = gpd.read_file(target, engine="pyogrio", layer=layer)
        except Exception:  # GDAL reports damaged files with several exception types
            # GDAL's own text names the temporary path: never shown.
            _unreadable(problems, fmt)
            return None
    if layer_note:
        frame.attrs["note"] = layer_note
    if frame.empty:
        problems.add(None, None, "readers.no_features")
        return None
    if len(frame) > MAX_ROWS:
        problems.add(None, None, "readers.too_many_features", count=len(frame), limit=MAX_ROWS)
        return None
    if not _vertices_within_limit(frame, problems):
        return None
    return to_wgs84(frame, problems)


def _vertices_within_limit(frame: gpd.GeoDataFrame, problems: Collector) -> bool:
    import shapely

    count = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    if count > sources.MAX_VERTICES:
        problems.add(None, None, "readers.too_many_vertices", count=count,
                     limit=sources.MAX_VERTICES)
        return False
    return True


def read_geoparquet(data: bytes, name: str, problems: Collector) -> Raw | None:
    import geopandas as gpd

    try:
        frame = gpd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # damaged GeoParquet metadata raises several types
        problems.add(None, None, "readers.bad_geoparquet", reason=str(exc))
        return None
    frame = to_wgs84(frame, problems)
    if frame is None:
        return None
    return raw_from_geoframe(frame, name)


def read_geo(data: bytes, name: str, fmt: str, problems: Collector,
             path: Path | None = None) -> Raw | None:
    frame = read_geoframe(data, name, fmt, problems, path)
    if frame is None:
        return None
    return raw_from_geoframe(frame, name)


def to_wgs84(frame: gpd.GeoDataFrame, problems: Collector) -> gpd.GeoDataFrame | None:
    """``frame`` in EPSG:4326; lon/lat assumed (with a note) when there is no CRS."""
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            frame = frame.set_crs("EPSG:4326")
            frame.attrs["note"] = msg("readers.note.no_crs")
        else:
            problems.add(None, None, "readers.no_crs")
            return None
    elif frame.crs.to_epsg() != 4326:
        frame = frame.to_crs("EPSG:4326")
    return frame


def raw_from_geoframe(frame: gpd.GeoDataFrame, name: str) -> Raw:
    geometry = frame.geometry.reset_index(drop=True)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    table.columns = [str(c) for c in table.columns]
    raw = Raw(file=name, frame=table.reset_index(drop=True),
              rows=list(range(1, len(frame) + 1)), row_label="feature", geometry=geometry)
    if frame.attrs.get("note") is not None:
        raw.notes.append(frame.attrs["note"])
    return raw


def geometry_frame(ids: pd.Series, geometry: Any) -> gpd.GeoDataFrame:
    """region_id + geometry (rows without a geometry dropped)."""
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"region_id": ids.to_numpy()}, geometry=geometry.to_numpy(),
                             crs=geometry.crs)
    return frame[~frame.geometry.isna()].reset_index(drop=True)
