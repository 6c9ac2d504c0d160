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

import pandas as pd

from equity.errors import EquityError
from equity.i18n import msg, t
from equity.readers import RegionData, read_regions
from equity.readers.problems import Items
from equity.readers.region_data import with_notes

__all__ = [
    "DATA_DIR", "DEFAULT_DATASET", "DatasetError", "DatasetInfo", "RegionData",
    "dataset_dictionary", "gene_therapy_inclusion", "is_bundled", "list_datasets", "load",
    "load_fund_series", "reference_dictionary", "reference_points", "template_bytes",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DATASET = "city_w"


class DatasetError(EquityError):
    """A bundled dataset name used where another kind of dataset is needed."""


@dataclass(frozen=True)
class DatasetInfo:
    """One bundled dataset as listed by :func:`list_datasets`; its title and description
    live in the catalogue (``dataset.<name>.title`` / ``.description``)."""

    name: str
    kind: str  # "regions" | "fund_series" | "reference"

    def title(self, lang: str) -> str:
        """The dataset's title in ``lang``."""
        return t(f"dataset.{self.name}.title", lang)

    def description_in(self, lang: str) -> str:
        """The dataset's description in ``lang``."""
        return t(f"dataset.{self.name}.description", lang)

    title_en = property(lambda self: self.title("en"))
    title_zh = property(lambda self: self.title("zh"))
    description = property(lambda self: self.description_in("en"))


_DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo("city_w", "regions"),
    DatasetInfo("international", "reference"),
    DatasetInfo("zhejiang", "fund_series"),
)

CITY_W_NOTES = ("dataset.city_w.note.1", "dataset.city_w.note.2")
"""Catalogue keys of City W's notes (what is documented, what is illustrative)."""


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
    if name == "city_w":
        folder = DATA_DIR / "city_w"
        data = read_regions(folder / "regions.csv", boundaries=folder / "boundaries.geojson")
        dictionary = pd.read_csv(folder / "dictionary.csv", dtype=str, keep_default_na=False)
        notes = tuple(msg(key) for key in CITY_W_NOTES)
        return with_notes(dataclasses.replace(data, name="city_w", dictionary=dictionary), notes)
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

    Raises ``equity.readers.DataError`` (every problem, each naming file, row and column) when
    the file does not hold a valid region table, and ``ValueError`` for a bundled name
    that is not a region table (``"zhejiang"``, ``"international"``).
    """
    if isinstance(source, RegionData):
        return source
    if isinstance(source, str) and is_bundled(source):
        return _fresh(_load_bundled(source))
    if isinstance(source, str) and source in {d.name for d in _DATASETS}:
        kind = next(d.kind for d in _DATASETS if d.name == source)
        raise DatasetError([msg("dataset.not_regions", name=source,
                                kind=msg(f"dataset.kind.{kind}"),
                                hint=msg(f"dataset.hint.{kind}"),
                                regions=Items(_bundled_region_names()))])
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
    """The data dictionary of a bundled dataset (column, unit, provenance, detail; the
    international and Zhejiang ones name the file first), in English as filed; see
    ``equity.report.dictionary_in`` for it in a page's language."""
    if name == "city_w":
        return pd.read_csv(DATA_DIR / "city_w" / "dictionary.csv", dtype=str,
                           keep_default_na=False)
    if name == "international":
        return reference_dictionary()
    if name == "zhejiang":
        return importlib.import_module("equity.zhejiang").zhejiang_dictionary()
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
