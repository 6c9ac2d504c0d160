"""The region table: its columns, units, Chinese aliases and checks (pandera).

One row per region (and per year, where a ``year`` column is present). Fractions are
stored as floats on the 0-1 scale; money in yuan; counts in persons. The readers in
``equity.io`` turn a user's file into this shape, and :func:`region_schema` is the
pandera schema the parsed table must pass (run lazily so that every problem in a file
is reported at once).

Column names are matched with :func:`normalise_name`: Unicode NFKC, case-insensitive,
ignoring spaces, underscores, hyphens, dots and slashes, and ignoring a trailing unit in
brackets, so ``"Charity coverage (%)"``, ``"charity_coverage"`` and ``"慈善救助覆盖率（%）"``
all name ``charity_coverage``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the region table.

    ``unit`` is the unit of the stored value (fractions on the 0-1 scale); ``dtype`` is
    ``"str"``, ``"float"`` or ``"int"``; ``aliases`` are the other header names accepted
    (English and Chinese), matched after :func:`normalise_name`; ``expected`` says, in a
    user's words, what a valid cell holds (used in error messages), and ``expected_zh``
    says the same in Chinese.
    """

    name: str
    unit: str
    required: bool
    dtype: str
    meaning_en: str
    meaning_zh: str
    aliases: tuple[str, ...]
    unit_zh: str = ""
    expected: str = ""
    expected_zh: str = ""
    minimum: float | None = None
    maximum: float | None = None
    strictly_positive: bool = False


_SPECS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "region_id", "text", True, "str",
        "unique key of the region", "地区唯一编码",
        ("地区编码", "地区代码", "区域编码", "行政区划代码", "编码", "id", "region id",
         "region code", "code"),
        unit_zh="文本", expected="a non-empty text key, unique in the file",
        expected_zh="非空的文本编码，在文件中唯一",
    ),
    ColumnSpec(
        "region_name", "text", True, "str",
        "name shown to people (any script)", "地区名称",
        ("地区名称", "地区", "区域名称", "区县", "名称", "name", "region name", "region",
         "district", "district name"),
        unit_zh="文本", expected="a non-empty name", expected_zh="非空的名称",
    ),
    ColumnSpec(
        "area_type", "text", True, "str",
        "group label, e.g. urban / suburban / rural / remote",
        "区域类型，如 中心城区 / 郊区 / 农村 / 偏远地区",
        ("区域类型", "地区类型", "城乡类型", "类型", "area type", "area", "type", "group"),
        unit_zh="文本", expected="a group label such as urban or suburban",
        expected_zh="分组标签，如“中心城区”（urban）或“郊区”（suburban）",
    ),
    ColumnSpec(
        "patients", "persons", True, "float",
        "rare-disease patients in scope", "纳入范围的罕见病患者人数",
        ("患者数", "患者人数", "罕见病患者数", "病人数", "patient count", "number of patients",
         "n patients"),
        unit_zh="人", expected="a number of persons, 0 or more",
        expected_zh="人数（人），不小于0", minimum=0.0,
    ),
    ColumnSpec(
        "charity_coverage", "fraction (0-1)", True, "float",
        "share of patients receiving a charity subsidy", "获得慈善救助的患者比例",
        ("慈善救助覆盖率", "慈善覆盖率", "慈善援助覆盖率", "charity coverage",
         "charity subsidy coverage", "charity subsidy coverage rate", "charity coverage rate"),
        unit_zh="比例（0-1）", expected="a share between 0 and 1 (or 0-100, or 0%-100%)",
        expected_zh="0到1之间的比例（也可写作0-100或0%-100%）",
        minimum=0.0, maximum=1.0,
    ),
    ColumnSpec(
        "oop_share", "fraction (0-1)", True, "float",
        "share of total medical cost the patient still pays after every payer, charity included",
        "患者在所有支付方（含慈善）之后仍自付的医疗费用比例",
        ("自付比例", "个人自付比例", "自付占比", "out of pocket share", "out-of-pocket share",
         "oop", "oop share", "out of pocket"),
        unit_zh="比例（0-1）", expected="a share between 0 and 1 (or 0-100, or 0%-100%)",
        expected_zh="0到1之间的比例（也可写作0-100或0%-100%）",
        minimum=0.0, maximum=1.0,
    ),
    ColumnSpec(
        "cost_per_patient", "yuan / year", True, "float",
        "total medical cost per patient", "患者人均年医疗总费用",
        ("人均医疗费用", "患者人均医疗费用", "人均费用", "cost per patient",
         "medical cost per patient", "cost"),
        unit_zh="元/年", expected="an amount in yuan per year, 0 or more",
        expected_zh="每年的金额（元/年），不小于0", minimum=0.0,
    ),
    ColumnSpec(
        "subsidy_per_patient", "yuan / year", True, "float",
        "average charity subsidy per covered patient", "每名受助患者的年均慈善救助金额",
        ("人均慈善救助", "人均救助金额", "人均慈善救助金额", "subsidy per patient", "subsidy",
         "charity subsidy"),
        unit_zh="元/年", expected="an amount in yuan per year, 0 or more",
        expected_zh="每年的金额（元/年），不小于0", minimum=0.0,
    ),
    ColumnSpec(
        "population", "persons", False, "float",
        "insured residents (per-capita levies, weights)", "参保居民人数（用于人均筹资与权重）",
        ("参保人数", "参保人口", "人口", "常住人口", "insured", "insured population"),
        unit_zh="人", expected="a number of persons, 0 or more",
        expected_zh="人数（人），不小于0", minimum=0.0,
    ),
    ColumnSpec(
        "assistance_coverage", "fraction (0-1)", False, "float",
        "share of patients receiving medical assistance", "获得医疗救助的患者比例",
        ("医疗救助覆盖率", "救助覆盖率", "assistance coverage", "medical assistance coverage"),
        unit_zh="比例（0-1）", expected="a share between 0 and 1 (or 0-100, or 0%-100%)",
        expected_zh="0到1之间的比例（也可写作0-100或0%-100%）",
        minimum=0.0, maximum=1.0,
    ),
    ColumnSpec(
        "gdp_per_capita", "yuan", False, "float",
        "economic level: GDP per resident", "人均地区生产总值",
        ("人均GDP", "人均地区生产总值", "gdp per capita", "gdp"),
        unit_zh="元", expected="an amount in yuan, 0 or more",
        expected_zh="金额（元），不小于0", minimum=0.0,
    ),
    ColumnSpec(
        "household_income", "yuan / year", False, "float",
        "median patient household income", "患者家庭年收入中位数",
        ("家庭收入", "家庭年收入", "household income", "median household income", "income"),
        unit_zh="元/年", expected="an amount in yuan per year, 0 or more",
        expected_zh="每年的金额（元/年），不小于0", minimum=0.0,
    ),
    ColumnSpec(
        "severity", "index", False, "float",
        "relative need; 1 when the column is absent", "相对需要程度；缺省为 1",
        ("严重程度", "病情严重程度", "severity index"),
        unit_zh="指数", expected="a number above 0 (1 = average need)",
        expected_zh="大于0的数（1表示平均需要程度）", minimum=0.0,
        strictly_positive=True,
    ),
    ColumnSpec(
        "year", "year", False, "int",
        "calendar year of the figures", "数据年份",
        ("年份", "年度"),
        unit_zh="年", expected="a whole year such as 2023",
        expected_zh="整数年份，如2023", minimum=1900.0, maximum=2100.0,
    ),
)

COLUMNS: dict[str, ColumnSpec] = {spec.name: spec for spec in _SPECS}
REQUIRED_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if s.required)
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if not s.required)
FRACTION_COLUMNS: tuple[str, ...] = ("charity_coverage", "oop_share", "assistance_coverage")
TEXT_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if s.dtype == "str")
NUMERIC_COLUMNS: tuple[str, ...] = tuple(s.name for s in _SPECS if s.dtype != "str")
DEFAULT_SEVERITY = 1.0
"""design.md: severity is 'relative need, default 1' when a file has no severity column."""

# Group labels written in Chinese (or in other common English forms) are read as the
# canonical English labels the scenario's default comparison uses (urban vs suburban).
# Values not listed here are kept exactly as written (trimmed).
AREA_TYPE_ALIASES: dict[str, str] = {
    "urban": "urban", "urbancentre": "urban", "urbancenter": "urban", "city": "urban",
    "城区": "urban", "中心城区": "urban", "市区": "urban", "城市": "urban", "主城区": "urban",
    "suburban": "suburban", "suburb": "suburban", "suburbs": "suburban",
    "郊区": "suburban", "近郊": "suburban", "远郊": "suburban", "郊县": "suburban",
    "rural": "rural", "农村": "rural", "乡村": "rural",
    "remote": "remote", "偏远": "remote", "偏远地区": "remote", "边远地区": "remote",
}

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


def canonical_column(name: object) -> str | None:
    """The canonical column a header names, or None when it is not a region-table column."""
    return ALIAS_INDEX.get(normalise_name(name))


def canonical_area_type(value: str) -> str:
    """A group label in canonical form: aliases (中心城区, Urban ...) mapped, others trimmed."""
    trimmed = str(value).strip()
    return AREA_TYPE_ALIASES.get(normalise_name(trimmed), trimmed)


def column_dictionary() -> pd.DataFrame:
    """The column dictionary (one row per column) for templates, the README and the Data page."""
    return pd.DataFrame(
        [
            {
                "column": s.name,
                "unit": s.unit,
                "unit_zh": s.unit_zh,
                "required": "yes" if s.required else "no",
                "meaning_en": s.meaning_en,
                "meaning_zh": s.meaning_zh,
                "aliases": "; ".join(s.aliases),
            }
            for s in _SPECS
        ]
    )


def _checks(spec: ColumnSpec) -> list[pa.Check]:
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
    """
    present = [c for c in columns if c in COLUMNS]
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
