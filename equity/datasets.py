"""Bundled datasets, their provenance, and the loader used by the app and the command line.

- ``city_w``: City W by district (illustrative split around the documented urban-centre and
  suburban aggregates of 000 3.1.2 / 3.2.1), with a schematic map.
- ``international``: international reference points (000 3.1.1-3.2.2 and Table 1).
- ``zhejiang``: the Zhejiang special fund series (owned by ``equity.zhejiang``).
- ``template``: a blank region table (CSV / XLSX) with its column dictionary.

Every bundled dataset has a data dictionary giving each column's unit and provenance:
``source`` (document and section), ``derived`` (formula) or ``illustrative`` (the rule used).
"""

from __future__ import annotations

import dataclasses
import importlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DATASET = "city_w"


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
    same readings in Chinese (``"比例（0-1）"``, ``"百分数（0-100）"``, ``"百分号"``).
    ``dictionary``: column, unit, provenance ('source' | 'derived' | 'illustrative'), detail.
    ``notes``: plain-language remarks (encoding used, ignored columns, illustrative names...).
    ``notes_zh``: the same remarks in Chinese, one for one (empty when none were written).
    """

    name: str
    table: pd.DataFrame
    geometry: gpd.GeoDataFrame | None = None
    fraction_readings: dict[str, str] = dataclasses.field(default_factory=dict)
    dictionary: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    notes_zh: tuple[str, ...] = ()
    fraction_readings_zh: dict[str, str] = dataclasses.field(default_factory=dict)

    def notes_in(self, lang: str) -> tuple[str, ...]:
        """The notes in ``lang`` ("en" | "zh"); English when no Chinese set matches them."""
        if lang == "zh" and self.notes_zh and len(self.notes_zh) == len(self.notes):
            return self.notes_zh
        return self.notes

    def fraction_readings_in(self, lang: str) -> dict[str, str]:
        """Column -> how its values were read, in ``lang`` (English where no Chinese exists)."""
        if lang == "zh":
            return {c: self.fraction_readings_zh.get(c, r)
                    for c, r in self.fraction_readings.items()}
        return dict(self.fraction_readings)


@dataclass(frozen=True)
class DatasetInfo:
    """One bundled dataset as listed by :func:`list_datasets`."""

    name: str
    title_en: str
    title_zh: str
    kind: str  # "regions" | "fund_series" | "reference"
    description: str


_DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        "city_w",
        "City W, by district (illustrative split of documented aggregates)",
        "W市（分区，按文献汇总数据示意拆分）",
        "regions",
        "4 urban-centre and 6 suburban districts. Patient-weighted charity coverage is exactly "
        "90% (urban centre) and 65% (suburban), out-of-pocket share 30% and charity subsidy "
        "18,000 yuan a year, as documented (000 3.1.2, 3.2.1). District names, the split of "
        "patients, costs, population and income levels are illustrative; the map is schematic.",
    ),
    DatasetInfo(
        "international",
        "International reference points",
        "国际参照数据",
        "reference",
        "Australia, Japan, EU, Singapore, United States and China: coverage, out-of-pocket, "
        "price and approval-time figures from 000 3.1.1-3.2.2 and Table 1.",
    ),
    DatasetInfo(
        "zhejiang",
        "Zhejiang provincial special fund, 2020-2024",
        "浙江省罕见病专项基金（2020-2024）",
        "fund_series",
        "Enrollment, income, patients, expenditure and reserve of the Zhejiang special fund "
        "(002 Tables 2-3); provided by equity.zhejiang.",
    ),
)


def list_datasets() -> list[DatasetInfo]:
    """Bundled datasets, region tables first."""
    return list(_DATASETS)


def _bundled_region_names() -> tuple[str, ...]:
    return tuple(d.name for d in _DATASETS if d.kind == "regions")


def is_bundled(name: str) -> bool:
    """True when ``name`` is a bundled region dataset (e.g. ``"city_w"``)."""
    return name in _bundled_region_names()


@lru_cache(maxsize=4)
def _load_bundled(name: str) -> RegionData:
    from equity.io import read_regions

    if name == "city_w":
        folder = DATA_DIR / "city_w"
        data = read_regions(folder / "regions.csv", boundaries=folder / "boundaries.geojson")
        dictionary = pd.read_csv(folder / "dictionary.csv", dtype=str, keep_default_na=False)
        notes = (
            "District names and the split of patients across districts are illustrative; only "
            "the urban-centre (90%) and suburban (65%) charity coverage, the 30% out-of-pocket "
            "share and the 18,000 yuan subsidy are documented (000 3.1.2, 3.2.1).",
            "The map is schematic (rings around a nominal point), not real district boundaries.",
        )
        notes_zh = (
            "区名及各区患者分布为示意数据；文献只给出中心城区（90%）与郊区（65%）的慈善救助覆盖率、"
            "30%的自付比例和18,000元的救助额（000 3.1.2、3.2.1）。",
            "地图为示意图（围绕一个名义中心点的环形分区），并非真实行政边界。",
        )
        return dataclasses.replace(data, name="city_w", dictionary=dictionary, notes=notes,
                                   notes_zh=notes_zh)
    raise KeyError(name)


def _fresh(data: RegionData) -> RegionData:
    # Callers get their own frames so that the cached copy cannot be mutated through them.
    return dataclasses.replace(
        data,
        table=data.table.copy(),
        geometry=None if data.geometry is None else data.geometry.copy(),
        fraction_readings=dict(data.fraction_readings),
        fraction_readings_zh=dict(data.fraction_readings_zh),
        dictionary=None if data.dictionary is None else data.dictionary.copy(),
    )


def load(source: str | Path | RegionData) -> RegionData:
    """Load a bundled dataset by name (``"city_w"``) or a region file by path.

    Raises ``equity.io.DataError`` (every problem, each naming file, row and column) when
    the file does not hold a valid region table, and ``ValueError`` for a bundled name
    that is not a region table (``"zhejiang"``, ``"international"``).
    """
    if isinstance(source, RegionData):
        return source
    if isinstance(source, str) and is_bundled(source):
        return _fresh(_load_bundled(source))
    if isinstance(source, str) and source in {d.name for d in _DATASETS}:
        kind = next(d.kind for d in _DATASETS if d.name == source)
        hint = (
            "use equity.datasets.reference_points()"
            if kind == "reference"
            else "use equity.datasets.load_fund_series('zhejiang')"
        )
        raise ValueError(f"{source!r} is a {kind} dataset, not a region table; {hint}")
    from equity.io import read_regions

    return read_regions(source)


def load_fund_series(name: str = "zhejiang") -> pd.DataFrame:
    """The Zhejiang fund series (002 Table 3 as printed), loaded lazily from ``equity.zhejiang``."""
    if name != "zhejiang":
        raise ValueError(f"unknown fund series {name!r}; available: 'zhejiang'")
    module = importlib.import_module("equity.zhejiang")
    return module.zhejiang_table3()


def reference_points() -> pd.DataFrame:
    """International reference points (000 1.1, 3.1.1-3.2.2, 4.2.2), one row per documented
    figure.

    Columns: place, place_zh, mechanism, indicator (a short key; ``charity_coverage`` and
    ``oop_share`` are region-table columns the figure can be drawn against, on the same 0-1
    scale), description, value_before, value_after, value_after_high (floats; shares as 0-1
    fractions; NaN where the document gives no such figure; value_after_high only for a
    range), unit, qualifier ('about', 'under' or ''), value_text (the document's wording),
    source (document and section), provenance (always 'source').
    """
    numeric = ("value_before", "value_after", "value_after_high")
    return pd.read_csv(DATA_DIR / "international" / "reference_points.csv",
                       keep_default_na=False, na_values={c: [""] for c in numeric})


def gene_therapy_inclusion() -> pd.DataFrame:
    """000 Table 1 (as of 2023): country, therapy, approved, insured_from (year-month text),
    cost_per_session_usd (US dollars), patient_share (0-1), note; NaN where Table 1 says
    'not disclosed' or 'not approved'."""
    return pd.read_csv(DATA_DIR / "international" / "gene_therapy_table1.csv",
                       keep_default_na=False,
                       na_values={"cost_per_session_usd": [""], "patient_share": [""]})


def reference_dictionary() -> pd.DataFrame:
    """Column dictionary of the international files (file, column, unit, provenance, detail)."""
    return pd.read_csv(DATA_DIR / "international" / "dictionary.csv", dtype=str,
                       keep_default_na=False)


def dataset_dictionary(name: str) -> pd.DataFrame:
    """The data dictionary of a bundled dataset (column, unit, provenance, detail)."""
    if name == "city_w":
        return pd.read_csv(DATA_DIR / "city_w" / "dictionary.csv", dtype=str,
                           keep_default_na=False)
    if name == "international":
        return reference_dictionary()
    raise ValueError(f"no data dictionary for {name!r}")


def template_bytes(fmt: str = "csv", lang: str = "en") -> bytes:
    """A blank region-table template as file bytes.

    ``fmt``: ``"csv"`` (UTF-8 with BOM so that Excel shows Chinese correctly; header only) or
    ``"xlsx"`` (sheet ``regions`` with the header, sheet ``dictionary`` with every column's
    unit, meaning and aliases). ``lang``: ``"en"`` for canonical English headers, ``"zh"`` for
    the first Chinese alias of each column (both load).
    """
    from equity.schema import _SPECS, column_dictionary

    if lang == "en":
        headers = [s.name for s in _SPECS]
    elif lang == "zh":
        headers = [next(a for a in s.aliases if not a.isascii()) for s in _SPECS]
    else:
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    if fmt == "csv":
        return ("\ufeff" + ",".join(headers) + "\r\n").encode("utf-8")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            pd.DataFrame(columns=headers).to_excel(writer, sheet_name="regions", index=False)
            column_dictionary().to_excel(writer, sheet_name="dictionary", index=False)
        return buffer.getvalue()
    raise ValueError(f"fmt must be 'csv' or 'xlsx', not {fmt!r}")
