"""The region table: its columns, units, Chinese aliases and checks (pandera).

One row per region (and per year, where a ``year`` column is present). Fractions are
stored as floats on the 0-1 scale; money in yuan; counts in persons. The readers in
``equity.readers`` turn a user's file into this shape, and :func:`region_schema` is the
pandera schema the parsed table must pass (run lazily so that every problem in a file
is reported at once).

Column names are matched with :func:`normalise_name`: Unicode NFKC, case-insensitive,
ignoring spaces, underscores, hyphens, dots and slashes, and ignoring a trailing unit in
brackets, so ``"Charity coverage (%)"``, ``"charity_coverage"`` and the Chinese alias with a
full-width bracketed ``%`` all name ``charity_coverage``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from equity.i18n import t

if TYPE_CHECKING:  # pandera costs ~0.6 s to import; only region_schema() needs it
    import pandera.pandas as pa

ALIASES_FILE = Path(__file__).resolve().parent.parent / "data" / "schema" / "aliases.yaml"
"""Header aliases (English and Chinese), group-label aliases and preferred sheet names."""


@cache
def _aliases() -> dict[str, Any]:
    return yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))


def boolean_words() -> dict[str, tuple[str, ...]]:
    """Cell values read as yes (``"true"``) and no (``"false"``), lower-case, both languages."""
    words = _aliases()["booleans"]
    return {k: tuple(str(w).lower() for w in words[k]) for k in ("true", "false")}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the region table.

    ``unit`` is the unit of the stored value (fractions on the 0-1 scale); ``dtype`` is
    ``"str"``, ``"float"`` or ``"int"``; ``aliases`` are the other header names accepted
    (English and Chinese, from ``data/schema/aliases.yaml``), matched after
    :func:`normalise_name`. Its words live in the catalogue (``schema.<name>.meaning``,
    ``.unit``, ``.expected``): :meth:`meaning`, :meth:`unit_in` and :meth:`expected_in` give
    them in a language; ``meaning_en``/``meaning_zh``, ``unit_zh``, ``expected``/``expected_zh``
    are shorthands.
    """

    name: str
    unit: str
    required: bool
    dtype: str
    minimum: float | None = None
    maximum: float | None = None
    strictly_positive: bool = False
    plausible: bool = False
    """True when ``maximum`` is a plausibility bound (no region has more) rather than a limit
    of the quantity itself (a share's 100%, a year): a cell above it is refused as
    implausible, which keeps 1e300 patients from overflowing the model."""

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(_aliases()["columns"][self.name])

    def meaning(self, lang: str) -> str:
        """What the column holds, in ``lang``."""
        return t(f"schema.{self.name}.meaning", lang)

    def unit_in(self, lang: str) -> str:
        """The unit of the stored value, in ``lang``."""
        return t(f"schema.{self.name}.unit", lang)

    def expected_in(self, lang: str) -> str:
        """What a valid cell holds, in a user's words, in ``lang`` (used in problems)."""
        return t(f"schema.{self.name}.expected", lang)

    meaning_en = property(lambda self: self.meaning("en"))
    meaning_zh = property(lambda self: self.meaning("zh"))
    unit_zh = property(lambda self: self.unit_in("zh"))
    expected = property(lambda self: self.expected_in("en"))
    expected_zh = property(lambda self: self.expected_in("zh"))


PERSONS_MAX = 2e9
"""Plausible most persons in one region (more than live in any country)."""
MONEY_PER_PERSON_MAX = 1e9
"""Plausible most yuan per patient or household per year (gene therapies cost about 2e7)."""
GDP_PER_CAPITA_MAX = 1e8
"""Plausible most GDP per resident, yuan (about 500 times the richest regions')."""
SEVERITY_MAX = 1000.0
"""Plausible largest relative need (1 = average)."""

_SPECS: tuple[ColumnSpec, ...] = (
    ColumnSpec("region_id", "text", True, "str"),
    ColumnSpec("region_name", "text", True, "str"),
    ColumnSpec("area_type", "text", True, "str"),
    ColumnSpec("patients", "persons", True, "float", minimum=0.0, maximum=PERSONS_MAX,
               plausible=True),
    ColumnSpec("charity_coverage", "fraction (0-1)", True, "float", minimum=0.0, maximum=1.0),
    ColumnSpec("oop_share", "fraction (0-1)", True, "float", minimum=0.0, maximum=1.0),
    ColumnSpec("cost_per_patient", "yuan / year", True, "float", minimum=0.0,
               maximum=MONEY_PER_PERSON_MAX, plausible=True),
    ColumnSpec("subsidy_per_patient", "yuan / year", True, "float", minimum=0.0,
               maximum=MONEY_PER_PERSON_MAX, plausible=True),
    ColumnSpec("population", "persons", False, "float", minimum=0.0, maximum=PERSONS_MAX,
               plausible=True),
    ColumnSpec("assistance_coverage", "fraction (0-1)", False, "float", minimum=0.0,
               maximum=1.0),
    ColumnSpec("gdp_per_capita", "yuan", False, "float", minimum=0.0,
               maximum=GDP_PER_CAPITA_MAX, plausible=True),
    ColumnSpec("household_income", "yuan / year", False, "float", minimum=0.0,
               maximum=MONEY_PER_PERSON_MAX, plausible=True),
    ColumnSpec("severity", "index", False, "float", minimum=0.0, strictly_positive=True,
               maximum=SEVERITY_MAX, plausible=True),
    ColumnSpec("year", "year", False, "int", minimum=1900.0, maximum=2100.0),
)

COLUMNS: dict[str, ColumnSpec] = {spec.name: spec for spec in _SPECS}
REQUIRED_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if s.required)
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if not s.required)
FRACTION_COLUMNS: tuple[str, ...] = ("charity_coverage", "oop_share", "assistance_coverage")
TEXT_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if s.dtype == "str")
NUMERIC_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if s.dtype != "str")
SE_SUFFIX = "_se"
SE_COLUMNS: tuple[str, ...] = tuple(f"{name}{SE_SUFFIX}" for name in (
    *FRACTION_COLUMNS, "cost_per_patient", "subsidy_per_patient"))
"""Optional standard-error columns (issue 14): ``<indicator>_se`` holds the standard error
of that region's ``<indicator>`` estimate, in the indicator's stored units (a fraction's se
as a fraction). Empty cells are allowed (then the binomial se of a share is used). HEAT Plus
files fill them from their ``se`` column; :func:`equity.measures.table_se` reads them."""

DEFAULT_SEVERITY = 1.0
"""design.md: severity is 'relative need, default 1' when a file has no severity column."""

# Group labels written in Chinese (or in other common English forms) are read as the
# canonical English labels the scenario's default comparison uses (urban vs suburban).
# Values not listed are kept exactly as written (trimmed).
AREA_TYPE_ALIASES: dict[str, str] = dict(_aliases()["area_types"])

_BRACKET_SUFFIX = re.compile(r"\s*[\(\[（【][^\)\]）】]*[\)\]）】]\s*$")
_SEPARATORS = re.compile(r"[\s_\-\./·]+")


def normalise_name(name: object) -> str:
    """Matching key of a header: NFKC, casefolded, bracketed unit suffix and separators dropped."""
    text = unicodedata.normalize("NFKC", str(name)).strip()
    text = _BRACKET_SUFFIX.sub("", text)
    return _SEPARATORS.sub("", text.casefold())


def _build_alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in _SPECS:
        # A Shapefile's .dbf truncates field names to 10 characters (charity_co, cost_per_p).
        for alias in (spec.name, *spec.aliases, spec.name[:10]):
            key = normalise_name(alias)
            if key in index and index[key] != spec.name:
                raise RuntimeError(f"alias {alias!r} names both {index[key]} and {spec.name}")
            index[key] = spec.name
    return index


ALIAS_INDEX: dict[str, str] = _build_alias_index()
"""Normalised header -> canonical column name."""

SHEET_NAMES: frozenset[str] = frozenset(normalise_name(n) for n in _aliases()["sheets"])
"""Normalised names of the workbook sheet read first (else the first sheet)."""


def canonical_column(name: object) -> str | None:
    """The canonical column a header names, or None when it is not a region-table column."""
    return ALIAS_INDEX.get(normalise_name(name))


def canonical_area_type(value: str) -> str:
    """A group label in canonical form: aliases (Chinese names, Urban ...) mapped, others
    trimmed."""
    trimmed = str(value).strip()
    return AREA_TYPE_ALIASES.get(normalise_name(trimmed), trimmed)


def column_dictionary() -> pd.DataFrame:
    """The column dictionary (one row per column) for templates, the README and the Data page."""
    return pd.DataFrame(
        [
            {
                "column": s.name,
                "unit": s.unit,
                "unit_zh": s.unit_in("zh"),
                "required": "yes" if s.required else "no",
                "meaning_en": s.meaning("en"),
                "meaning_zh": s.meaning("zh"),
                "aliases": "; ".join(s.aliases),
            }
            for s in _SPECS
        ]
    )


def _checks(spec: ColumnSpec) -> list[pa.Check]:
    import pandera.pandas as pa

    checks: list[pa.Check] = []
    if spec.dtype == "str":
        checks.append(pa.Check.str_length(min_value=1, name="non_empty"))
    if spec.minimum is not None:
        if spec.strictly_positive:
            checks.append(pa.Check.gt(spec.minimum, name="minimum"))
        else:
            checks.append(pa.Check.ge(spec.minimum, name="minimum"))
    if spec.maximum is not None:
        checks.append(pa.Check.le(spec.maximum, name="maximum"))
    if spec.dtype == "int":
        checks.append(pa.Check(lambda s: (s % 1) == 0, element_wise=False, name="whole"))
    return checks


def region_schema(columns: list[str] | tuple[str, ...]) -> pa.DataFrameSchema:
    """Pandera schema for a parsed region table holding ``columns`` (canonical names).

    Numeric columns arrive as float64 (``year`` too, checked to be whole); every present
    column must be complete. Keys: ``region_id`` unique, or ``(region_id, year)`` when
    there is a year column. The patient total must be above 0 (weighted means need it).
    Optional ``<indicator>_se`` columns (:data:`SE_COLUMNS`) are numbers >= 0 or empty.
    """
    import pandera.pandas as pa

    present = [c for c in columns if c in COLUMNS]
    se_present = [c for c in columns if c in SE_COLUMNS]
    has_year = "year" in present
    schema_columns = {
        name: pa.Column(
            str if COLUMNS[name].dtype == "str" else float,
            checks=_checks(COLUMNS[name]),
            nullable=False,
            unique=(name == "region_id" and not has_year),
            required=COLUMNS[name].required,
        )
        for name in present
    }
    # A standard error is a number >= 0; a cell may be empty (no se for that region).
    schema_columns.update({
        name: pa.Column(float, checks=[pa.Check.ge(0.0, name="minimum")], nullable=True,
                        required=False, coerce=True)
        for name in se_present
    })
    frame_checks = []
    if "patients" in present:
        frame_checks.append(
            pa.Check(lambda df: bool(df["patients"].sum() > 0), name="patients_total_positive")
        )
    return pa.DataFrameSchema(
        schema_columns,
        checks=frame_checks,
        unique=["region_id", "year"] if has_year and "region_id" in present else None,
        strict=False,
    )
