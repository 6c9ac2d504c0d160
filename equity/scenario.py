"""Scenario parameters of the transfer-fund model, declared once.

``PARAMETERS`` is the single declaration of every scenario key: label, unit, bounds,
step, default, help text (English and Chinese) and source. Everything else reads it:

- the pydantic model :class:`Scenario` takes its defaults and bounds from it, so a
  scenario file is validated against exactly these bounds (unknown keys are errors);
- the app's widgets (the transfer-fund page builds one widget per parameter);
- the URL codec :func:`scenario_from_flat` / :func:`scenario_to_flat`;
- the Methods page (:func:`parameters_table`).

Nested keys are written with a dot: ``weights.patients`` is ``{"weights": {"patients": ...}}``
in a scenario file and ``weights.patients=0.5`` in a URL.

Scenario file format version 1 (``SCENARIO_VERSION``); ``version`` is the only key that is
not a parameter.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCENARIO_VERSION = 1
"""Scenario file format version. A file with another version is refused."""

RECIPIENTS_BELOW_TARGET = "below_target"
INDICATORS = ("charity_coverage", "oop_share", "subsidy_per_patient", "oop_per_patient")
"""Indicators the group gap can be measured on (region-table columns or model outputs)."""


@dataclass(frozen=True)
class Parameter:
    """One scenario parameter.

    ``minimum``/``maximum`` are hard validation bounds (a scenario outside them is refused);
    ``typical_maximum`` is a suggested upper end for a slider where the hard bound is far
    larger than usual values (money). ``choices`` lists fixed options of a ``choice``
    parameter (``None`` when the options come from the data, e.g. area types).
    """

    key: str
    label: dict[str, str]
    help: dict[str, str]
    unit: dict[str, str]
    kind: str  # "money" | "fraction" | "number" | "choice"
    minimum: float | None
    maximum: float | None
    step: float | None
    default: Any
    group: str  # "financing" | "allocation" | "use" | "target" | "compare"
    source: str
    typical_maximum: float | None = None
    choices: tuple[str, ...] | None = None
    symbol: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "fraction", "number")


_NONE = {"en": "", "zh": ""}
_FRACTION = {"en": "fraction (0-1)", "zh": "比例（0-1）"}
_WEIGHT = {"en": "relative weight", "zh": "相对权重"}

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        key="central_pool",
        symbol="G",
        label={"en": "Central transfer pool", "zh": "中央专项转移支付资金池"},
        help={
            "en": "Money the central (or provincial) government puts into the fund each year.",
            "zh": "中央（或省级）财政每年投入基金的资金。",
        },
        unit={"en": "yuan / year", "zh": "元/年"},
        kind="money", minimum=0.0, maximum=1e11, step=100_000.0, default=0.0,
        typical_maximum=50_000_000.0, group="financing",
        source="000 section 4.1.2 (special transfer-payment fund pool)",
    ),
    Parameter(
        key="levy_per_insured",
        symbol="l",
        label={"en": "Levy per insured person", "zh": "按参保人数筹资标准"},
        help={
            "en": "Yuan per insured resident per year, paid by every region on its population "
            "(Zhejiang: 2 yuan per enrollee). Needs a population column.",
            "zh": "每名参保居民每年筹资额，所有地区按其人口缴纳（浙江：每人2元）。需要人口列。",
        },
        unit={"en": "yuan per insured person / year", "zh": "元/人·年"},
        kind="money", minimum=0.0, maximum=1000.0, step=0.5, default=0.0,
        typical_maximum=10.0, group="financing",
        source="002 section 3 (Zhejiang: 2 yuan per enrollee per year)",
    ),
    Parameter(
        key="mutual_aid_share",
        symbol="m",
        label={"en": "Mutual aid share of shortfall", "zh": "互助分担缺口比例"},
        help={
            "en": "Share of the recipients' total shortfall that donor regions cover, each in "
            "proportion to GDP per capita x population. Needs gdp_per_capita and population.",
            "zh": "捐助地区承担受助地区资金缺口的比例，按人均GDP×人口分摊。需要人均GDP和人口列。",
        },
        unit=_FRACTION, kind="fraction", minimum=0.0, maximum=1.0, step=0.05, default=0.0,
        group="financing",
        source="000 section 4.1.2 (inter-regional mutual assistance, pre-negotiated proportion)",
    ),
    Parameter(
        key="charity_pooling_share",
        symbol="p",
        label={"en": "Charity money pooled from donors", "zh": "捐助地区慈善资金统筹比例"},
        help={
            "en": "Share of the charity money spent in donor regions that is pooled and "
            "reallocated; donor regions lose that coverage.",
            "zh": "捐助地区慈善支出中统筹再分配的比例；捐助地区相应失去这部分覆盖。",
        },
        unit=_FRACTION, kind="fraction", minimum=0.0, maximum=1.0, step=0.05, default=0.0,
        group="financing",
        source="000 section 3.1.2 (Australia: national charity-resource allocation)",
    ),
    Parameter(
        key="admin_overhead",
        symbol="a",
        label={"en": "Administrative overhead", "zh": "管理成本比例"},
        help={
            "en": "Share of the gross fund lost to administration.",
            "zh": "基金总额中用于管理而损耗的比例。",
        },
        unit=_FRACTION, kind="fraction", minimum=0.0, maximum=0.5, step=0.01, default=0.0,
        group="financing", source="model choice",
    ),
    Parameter(
        key="take_up",
        symbol="e",
        label={"en": "Take-up of new places", "zh": "新增名额申领率"},
        help={
            "en": "Share of newly funded places that eligible patients actually claim; a "
            "one-window application raises it.",
            "zh": "新增资助名额中符合条件的患者实际申领的比例；“一窗受理”可提高该比例。",
        },
        unit=_FRACTION, kind="fraction", minimum=0.05, maximum=1.0, step=0.05, default=1.0,
        group="use",
        source="000 sections 3.2.2 and 4.2.2 (Singapore one-stop platform: success rate +20%)",
    ),
    Parameter(
        key="target_coverage",
        symbol="c*",
        label={"en": "Target coverage", "zh": "目标覆盖率"},
        help={
            "en": "Regions below this charity coverage are recipients (unless recipients are "
            "chosen by group); it also defines each region's shortfall.",
            "zh": "慈善覆盖率低于此值的地区为受助地区（除非按类型选择）；也用于计算资金缺口。",
        },
        unit=_FRACTION, kind="fraction", minimum=0.0, maximum=1.0, step=0.01, default=0.9,
        group="target", source="000 abstract and 3.1.2 (City W urban centre: 90%)",
    ),
    Parameter(
        key="max_coverage",
        symbol="c_max",
        label={"en": "Maximum reachable coverage", "zh": "最高可达覆盖率"},
        help={
            "en": "No region's coverage can be raised above this share of its patients.",
            "zh": "任何地区的覆盖率都不能提高到此比例以上。",
        },
        unit=_FRACTION, kind="fraction", minimum=0.0, maximum=1.0, step=0.01, default=1.0,
        group="target", source="model choice",
    ),
    Parameter(
        key="breadth_share",
        symbol="u",
        label={"en": "Share spent on new places", "zh": "用于扩大覆盖的比例"},
        help={
            "en": "Share of each allocation that covers more patients; the rest deepens the "
            "subsidy of covered patients (up to their liability).",
            "zh": "分配资金中用于覆盖更多患者的比例；"
            "其余用于提高已覆盖患者的补助（不超过其自付责任）。",
        },
        unit=_FRACTION, kind="fraction", minimum=0.0, maximum=1.0, step=0.05, default=1.0,
        group="use", source="design.md",
    ),
    Parameter(
        key="weights.patients",
        symbol="b_patients",
        label={"en": "Weight: patient numbers", "zh": "权重：患者人数"},
        help={
            "en": "Allocation weight on each recipient's share of patients.",
            "zh": "按受助地区患者人数占比分配的权重。",
        },
        unit=_WEIGHT, kind="number", minimum=0.0, maximum=1.0, step=0.05, default=0.0,
        group="allocation", source="000 section 4.1.2 (allocate by patient numbers)",
    ),
    Parameter(
        key="weights.shortfall",
        symbol="b_shortfall",
        label={"en": "Weight: coverage shortfall", "zh": "权重：覆盖缺口"},
        help={
            "en": "Allocation weight on each recipient's share of the money needed to reach the "
            "target coverage.",
            "zh": "按达到目标覆盖率所需资金占比分配的权重。",
        },
        unit=_WEIGHT, kind="number", minimum=0.0, maximum=1.0, step=0.05, default=1.0,
        group="allocation", source="design.md",
    ),
    Parameter(
        key="weights.disadvantage",
        symbol="b_disadvantage",
        label={"en": "Weight: economic disadvantage", "zh": "权重：经济欠发达程度"},
        help={
            "en": "Allocation weight on patients divided by GDP per capita (favours poorer "
            "regions). Needs gdp_per_capita.",
            "zh": "按患者人数除以人均GDP分配的权重（向欠发达地区倾斜）。需要人均GDP列。",
        },
        unit=_WEIGHT, kind="number", minimum=0.0, maximum=1.0, step=0.05, default=0.0,
        group="allocation",
        source="000 section 4.1.2 (allocate by economic level, favour underdeveloped regions)",
    ),
    Parameter(
        key="weights.equal",
        symbol="b_equal",
        label={"en": "Weight: equal shares", "zh": "权重：平均分配"},
        help={
            "en": "Allocation weight on an equal share per recipient region.",
            "zh": "每个受助地区平均分配的权重。",
        },
        unit=_WEIGHT, kind="number", minimum=0.0, maximum=1.0, step=0.05, default=0.0,
        group="allocation", source="design.md",
    ),
    Parameter(
        key="recipients",
        label={"en": "Recipient regions", "zh": "受助地区"},
        help={
            "en": '"below_target" (every region below the target coverage) or a list of '
            "area_type values; all other regions are donors.",
            "zh": "“below_target”（覆盖率低于目标的地区）或地区类型列表；其余地区为捐助地区。",
        },
        unit=_NONE, kind="choice", minimum=None, maximum=None, step=None,
        default=RECIPIENTS_BELOW_TARGET, group="allocation", source="design.md",
    ),
    Parameter(
        key="compare.column",
        label={"en": "Compare groups by", "zh": "分组依据"},
        help={
            "en": "Region-table column whose values define the two groups compared.",
            "zh": "用于定义两个比较组的地区表列。",
        },
        unit=_NONE, kind="choice", minimum=None, maximum=None, step=None,
        default="area_type", group="compare", source="design.md",
    ),
    Parameter(
        key="compare.a",
        label={"en": "Group A", "zh": "A组"},
        help={"en": "First group (the gap is A - B).", "zh": "第一组（差距 = A - B）。"},
        unit=_NONE, kind="choice", minimum=None, maximum=None, step=None,
        default="urban", group="compare", source="000 section 3.1.2 (urban centre)",
    ),
    Parameter(
        key="compare.b",
        label={"en": "Group B", "zh": "B组"},
        help={"en": "Second group.", "zh": "第二组。"},
        unit=_NONE, kind="choice", minimum=None, maximum=None, step=None,
        default="suburban", group="compare", source="000 section 3.1.2 (suburban)",
    ),
    Parameter(
        key="compare.indicator",
        label={"en": "Gap indicator", "zh": "差距指标"},
        help={
            "en": "Indicator whose patient-weighted group means are compared.",
            "zh": "用于比较组间（按患者加权）均值的指标。",
        },
        unit=_NONE, kind="choice", minimum=None, maximum=None, step=None,
        default="charity_coverage", group="compare", source="design.md",
        choices=INDICATORS,
    ),
)

PARAMETER_BY_KEY: dict[str, Parameter] = {p.key: p for p in PARAMETERS}
NUMERIC_KEYS: tuple[str, ...] = tuple(p.key for p in PARAMETERS if p.numeric)


def _field(key: str) -> Any:
    """A pydantic Field with the default and bounds declared in PARAMETERS."""
    p = PARAMETER_BY_KEY[key]
    if p.numeric:
        return Field(default=p.default, ge=p.minimum, le=p.maximum, allow_inf_nan=False,
                     description=p.help["en"])
    return Field(default=p.default, description=p.help["en"])


_MODEL_CONFIG = ConfigDict(extra="forbid", strict=True, frozen=True)


class Weights(BaseModel):
    """Allocation weights b_* (relative; only their ratios matter)."""

    model_config = _MODEL_CONFIG
    patients: float = _field("weights.patients")
    shortfall: float = _field("weights.shortfall")
    disadvantage: float = _field("weights.disadvantage")
    equal: float = _field("weights.equal")

    @model_validator(mode="after")
    def _some_weight(self) -> Weights:
        if self.patients + self.shortfall + self.disadvantage + self.equal <= 0:
            raise ValueError("at least one weight must be above 0")
        return self


class Compare(BaseModel):
    """The two groups compared: rows where ``column`` equals ``a`` and ``b``."""

    model_config = _MODEL_CONFIG
    column: str = _field("compare.column")
    a: str = _field("compare.a")
    b: str = _field("compare.b")
    indicator: Literal["charity_coverage", "oop_share", "subsidy_per_patient",
                       "oop_per_patient"] = _field("compare.indicator")

    @model_validator(mode="after")
    def _distinct(self) -> Compare:
        if self.a == self.b:
            raise ValueError(f"groups a and b are both {self.a!r}; choose two different groups")
        return self


class Scenario(BaseModel):
    """A transfer-fund scenario (scenario file format version 1). Money in yuan / year,
    fractions as 0-1. Every field is optional and defaults to PARAMETERS' default; with
    every default the fund is zero and nothing changes."""

    model_config = _MODEL_CONFIG
    version: int = Field(default=SCENARIO_VERSION, description="scenario file format version")
    central_pool: float = _field("central_pool")
    levy_per_insured: float = _field("levy_per_insured")
    mutual_aid_share: float = _field("mutual_aid_share")
    charity_pooling_share: float = _field("charity_pooling_share")
    admin_overhead: float = _field("admin_overhead")
    take_up: float = _field("take_up")
    target_coverage: float = _field("target_coverage")
    max_coverage: float = _field("max_coverage")
    breadth_share: float = _field("breadth_share")
    weights: Weights = Field(default_factory=Weights)
    recipients: str | tuple[str, ...] = _field("recipients")
    compare: Compare = Field(default_factory=Compare)

    @field_validator("version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v != SCENARIO_VERSION:
            raise ValueError(f"unsupported scenario version {v}; this program reads version "
                             f"{SCENARIO_VERSION}")
        return v

    @field_validator("recipients", mode="before")
    @classmethod
    def _list_to_tuple(cls, v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, v: str | tuple[str, ...]) -> str | tuple[str, ...]:
        if isinstance(v, str):
            if v != RECIPIENTS_BELOW_TARGET:
                raise ValueError(f'must be "{RECIPIENTS_BELOW_TARGET}" or a list of area_type '
                                 f"values, not {v!r}")
            return v
        if not v:
            raise ValueError("the list of area_type values is empty")
        if len(set(v)) != len(v):
            raise ValueError("the list of area_type values has duplicates")
        return v

    def get(self, key: str) -> Any:
        """Value of a (dotted) parameter key, e.g. ``s.get("weights.patients")``."""
        obj: Any = self
        for part in key.split("."):
            obj = getattr(obj, part)
        return obj

    def replace(self, **values: Any) -> Scenario:
        """A validated copy with some (dotted) keys changed: ``s.replace(**{"weights.equal": 1})``.
        Raises ScenarioError."""
        data = self.to_plain()
        for key, value in values.items():
            _set_dotted(data, key, value)
        return scenario_from_dict(data)

    def to_plain(self) -> dict[str, Any]:
        """Plain nested dict (lists, not tuples), as written to a scenario file."""
        data = self.model_dump()
        if isinstance(data["recipients"], tuple):
            data["recipients"] = list(data["recipients"])
        return data


class ScenarioError(ValueError):
    """An invalid scenario. ``problems`` lists one message per bad key, each naming the key."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("invalid scenario:\n" + "\n".join(f"- {p}" for p in self.problems))


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _problems(err: ValidationError) -> list[str]:
    problems = []
    for e in err.errors():
        key = ".".join(str(part) for part in e["loc"] if not isinstance(part, int)) or "scenario"
        if e["type"] == "extra_forbidden":
            known = ", ".join(["version", *PARAMETER_BY_KEY])
            problems.append(f"{key}: unknown key (known keys: {known})")
            continue
        msg = e["msg"].removeprefix("Value error, ")
        value = e.get("input")
        shown = "" if isinstance(value, dict) else f" (got {json.dumps(value, default=str)})"
        problems.append(f"{key}: {msg}{shown}")
    return problems


def scenario_from_dict(data: dict[str, Any] | Scenario | None) -> Scenario:
    """Validate a nested dict (as read from a scenario file). Raises ScenarioError."""
    if data is None:
        return Scenario()
    if isinstance(data, Scenario):
        return data
    if not isinstance(data, dict):
        raise ScenarioError([f"scenario: expected a JSON object of keys, got "
                             f"{type(data).__name__}"])
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_problems(err)) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a scenario can hold")


def scenario_from_json(text: str | bytes) -> Scenario:
    """Parse and validate a scenario file's text (JSON). Raises ScenarioError whose problems
    name each bad key."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as err:
        raise ScenarioError([f"scenario: not valid JSON ({err})"]) from None
    return scenario_from_dict(data)


def scenario_to_json(s: Scenario, *, full: bool = True) -> str:
    """The scenario as a JSON file's text. ``full=False`` writes only non-default keys."""
    data = s.to_plain()
    if not full:
        flat = scenario_to_flat(s)
        data = {"version": s.version}
        for key in flat:
            _set_dotted(data, key, s.get(key) if not isinstance(s.get(key), tuple)
                        else list(s.get(key)))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _format_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def scenario_to_flat(s: Scenario) -> dict[str, str]:
    """URL query parameters for a scenario: only keys whose value differs from the default.
    ``recipients`` as a comma-separated list of area types (or ``below_target``)."""
    flat: dict[str, str] = {}
    for p in PARAMETERS:
        value = s.get(p.key)
        if value == p.default:
            continue
        if p.numeric:
            flat[p.key] = _format_number(value)
        elif isinstance(value, tuple):
            flat[p.key] = ",".join(value)
        else:
            flat[p.key] = str(value)
    return flat


def _parse_flat_value(p: Parameter, raw: str) -> Any:
    """Read one URL value and check it on its own (bounds, choices); cross-key rules such as
    "not every weight 0" are checked afterwards on the whole scenario."""
    if p.numeric:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("not a number") from None
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        if p.minimum is not None and value < p.minimum:
            raise ValueError(f"below the minimum {_format_number(p.minimum)}")
        if p.maximum is not None and value > p.maximum:
            raise ValueError(f"above the maximum {_format_number(p.maximum)}")
        return value
    if p.choices is not None and raw not in p.choices:
        raise ValueError(f"not one of {', '.join(p.choices)}")
    if p.key == "recipients" and raw != RECIPIENTS_BELOW_TARGET:
        groups = [part.strip() for part in raw.split(",") if part.strip()]
        if not groups:
            raise ValueError("no area_type values")
        return list(dict.fromkeys(groups))
    if not raw:
        raise ValueError("empty")
    return raw


def scenario_from_flat(values: dict[str, str]) -> tuple[Scenario, list[str]]:
    """Scenario from URL query parameters (flat keys as in PARAMETERS, string values).

    Never fails: a value that cannot be read or is out of range falls back to its default and
    yields a notice naming the key. Keys that are not parameters are ignored (the URL also
    carries the app's own keys, such as the language)."""
    notices: list[str] = []
    data: dict[str, Any] = {}
    for key, raw in values.items():
        p = PARAMETER_BY_KEY.get(key)
        if p is None:
            continue
        try:
            value = _parse_flat_value(p, str(raw))
        except ValueError as err:
            notices.append(f"{key}: {raw!r} ignored ({err}); using the default "
                           f"{_show_default(p)}")
            continue
        _set_dotted(data, key, value)
    # Values valid one by one may still clash (all weights 0, a == b): reset that group.
    while True:
        try:
            return Scenario.model_validate(data), notices
        except ValidationError as err:
            first = err.errors()[0]
            group = str(first["loc"][0]) if first["loc"] else ""
            if group not in data:
                raise  # the default scenario is valid, so this cannot happen
            notices.append(f"{group}: {first['msg'].removeprefix('Value error, ')}; "
                           f"using the default {group} settings")
            del data[group]


def _show_default(p: Parameter) -> str:
    return _format_number(p.default) if p.numeric else str(p.default)


def parameters_table(lang: str = "en") -> pd.DataFrame:
    """One row per scenario parameter, for the Methods page and the README: key, symbol,
    label, unit, default, minimum, maximum, step, group, help, source (in ``lang``)."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', not {lang!r}")
    rows = [
        {
            "key": p.key,
            "symbol": p.symbol,
            "label": p.label[lang],
            "unit": p.unit[lang],
            "default": _show_default(p),
            "minimum": p.minimum,
            "maximum": p.maximum,
            "step": p.step,
            "group": p.group,
            "help": p.help[lang],
            "source": p.source,
        }
        for p in PARAMETERS
    ]
    return pd.DataFrame(rows)
