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

Scenario file format version 2 (``SCENARIO_VERSION``); ``version`` is the only key that is
not a parameter. Version 2 adds the mechanism levers of issue 12 (price_cut, drug_share,
harmonisation_share, harmonisation_target, industry_levy, take_up_gain, paired_assistance);
a version-1 file is read as version 2 with those levers at their defaults (which change
nothing), so it gives the same result.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from equity.errors import EquityError
from equity.i18n import Message, msg
from equity.indicators import GAP_INDICATORS

SCENARIO_VERSION = 2
"""Scenario file format version written. ``READABLE_VERSIONS`` are read (older ones upgraded);
a file with any other version is refused."""
READABLE_VERSIONS = (1, 2)

RECIPIENTS_BELOW_TARGET = "below_target"
INDICATORS = GAP_INDICATORS
"""Indicators the group gap can be measured on (region-table columns or model outputs)."""

SCENARIO_MAX_BYTES = 1_000_000
"""A scenario file is a few hundred bytes; anything above this is refused unread."""
SCENARIO_MAX_DEPTH = 16
"""A scenario nests two levels (``weights``, ``compare``); deeper input is refused before JSON
parsing, so that a file nested thousands of levels deep never reaches the recursive parser."""


@dataclass(frozen=True)
class Parameter:
    """One scenario parameter, as declared in ``equity/parameters/scenario.yaml``.

    ``minimum``/``maximum`` are hard validation bounds (a scenario outside them is refused);
    ``typical_maximum`` is a suggested upper end for a slider where the hard bound is far
    larger than usual values (money). ``choices`` lists fixed options of a ``choice``
    parameter (``None`` when the options come from the data, e.g. area types).
    ``reference`` names the document and section the parameter comes from; ``source`` is
    that reference as one line.
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
    reference: dict[str, str] | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "fraction", "number")


def _parameters() -> tuple[Parameter, ...]:
    from equity.parameters import load_scenario_parameters

    return tuple(
        Parameter(
            key=spec.key, symbol=spec.symbol, label=spec.label.as_dict(),
            help=spec.help.as_dict(), unit=spec.unit.as_dict(), kind=spec.kind,
            minimum=spec.minimum, maximum=spec.maximum, step=spec.step, default=spec.default,
            group=spec.group, source=spec.reference.line(), reference=spec.reference.as_dict(),
            typical_maximum=spec.typical_maximum,
            choices=tuple(spec.choices) if spec.choices is not None else None,
        )
        for spec in load_scenario_parameters()
    )


PARAMETERS: tuple[Parameter, ...] = _parameters()
"""Every scenario parameter, read once from ``equity/parameters/scenario.yaml``."""

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
            raise PydanticCustomError("scenario.reason.no_weight", "no weight above 0")
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
            raise PydanticCustomError("scenario.reason.same_groups",
                                      "groups a and b are both {group}", {"group": self.a})
        return self


class Scenario(BaseModel):
    """A transfer-fund scenario (scenario file format version 2; version 1 is upgraded).
    Money in yuan / year, fractions as 0-1. Every field is optional and defaults to
    PARAMETERS' default; with every default the fund is zero and nothing changes."""

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
    # Version 2: the mechanism levers (docs/mechanisms.md); defaults change nothing.
    price_cut: float = _field("price_cut")
    drug_share: float = _field("drug_share")
    harmonisation_share: float = _field("harmonisation_share")
    harmonisation_target: Literal["best", "average"] = _field("harmonisation_target")
    industry_levy: float = _field("industry_levy")
    take_up_gain: float = _field("take_up_gain")
    paired_assistance: Literal["off", "adjacency", "table"] = _field("paired_assistance")

    @field_validator("version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v not in READABLE_VERSIONS:
            raise PydanticCustomError("scenario.reason.version", "unsupported version {version}",
                                     {"version": v, "supported": ", ".join(
                                         str(x) for x in READABLE_VERSIONS)})
        # an older file is upgraded: its missing levers take their defaults
        return SCENARIO_VERSION

    @property
    def effective_take_up(self) -> float:
        """Take-up after the rise from a simpler application: ``min(1, e (1 + g))``."""
        return min(1.0, self.take_up * (1.0 + self.take_up_gain))

    @field_validator("recipients", mode="before")
    @classmethod
    def _list_to_tuple(cls, v: Any) -> Any:
        return tuple(v) if isinstance(v, list) else v

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, v: str | tuple[str, ...]) -> str | tuple[str, ...]:
        if isinstance(v, str):
            if v != RECIPIENTS_BELOW_TARGET:
                raise PydanticCustomError("scenario.reason.recipients_word", "not {value}",
                                         {"value": repr(v)})
            return v
        if not v:
            raise PydanticCustomError("scenario.reason.recipients_empty", "empty list")
        if len(set(v)) != len(v):
            raise PydanticCustomError("scenario.reason.recipients_duplicates", "duplicates")
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


class ScenarioError(EquityError):
    """An invalid scenario. ``problems`` lists one :class:`Message` per bad key; each has the
    key in ``params["field"]`` (``"scenario"`` for the file as a whole)."""

    title_code = "error.scenario_title"


def problem(key: str, reason: Message, value: Any = None) -> Message:
    """A scenario problem: ``key`` (dotted) and why; ``value`` the input shown, if any."""
    if value is None:
        return msg("scenario.problem", field=key, reason=reason)
    return msg("scenario.problem.got", field=key, reason=reason, value=value)


def _set_dotted(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    target = data
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _limit(x: Any) -> str:
    return _format_number(float(x)) if isinstance(x, (int, float)) else str(x)


def _reason(e: Any) -> Message:
    """A pydantic error as a catalogue reason (our own validators carry their code)."""
    kind, ctx = e["type"], dict(e.get("ctx") or {})
    if kind.startswith("scenario.reason."):
        return msg(kind, **ctx)
    if kind == "extra_forbidden":
        return msg("scenario.reason.unknown_key", known=", ".join(["version", *PARAMETER_BY_KEY]))
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        return msg("scenario.reason.not_number")
    if kind == "finite_number":
        return msg("scenario.reason.not_finite")
    if kind == "greater_than_equal":
        return msg("scenario.reason.below_min", limit=_limit(ctx.get("ge")))
    if kind == "less_than_equal":
        return msg("scenario.reason.above_max", limit=_limit(ctx.get("le")))
    if kind == "string_type":
        return msg("scenario.reason.not_text")
    if kind == "literal_error":
        return msg("scenario.reason.not_choice", choices=str(ctx.get("expected", "")))
    return msg("scenario.reason.other", detail=e["msg"])


def _problems(err: ValidationError) -> list[Message]:
    problems = []
    for e in err.errors():
        key = ".".join(str(part) for part in e["loc"] if not isinstance(part, int)) or "scenario"
        value = e.get("input")
        shown = (None if e["type"] == "extra_forbidden" or isinstance(value, dict)
                 else json.dumps(value, default=str))
        problems.append(problem(key, _reason(e), shown))
    return problems


def scenario_from_dict(data: dict[str, Any] | Scenario | None) -> Scenario:
    """Validate a nested dict (as read from a scenario file). Raises ScenarioError.

    ``None`` means "every default" here (the API's optional argument); a *file* holding only
    ``null`` is refused by :func:`scenario_from_json`."""
    if data is None:
        return Scenario()
    if isinstance(data, Scenario):
        return data
    if not isinstance(data, dict):
        raise ScenarioError([problem("scenario", msg("scenario.reason.not_object",
                                                     kind=type(data).__name__))])
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_problems(err)) from None


class _ConstantError(ValueError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(name)


def _reject_constant(name: str) -> Any:
    raise _ConstantError(name)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def json_depth(text: str) -> int:
    """Deepest nesting of ``[`` / ``{`` in JSON text, strings skipped (vectorised, no
    recursion), so that hostile nesting is measured without parsing it."""
    bare = _JSON_STRING.sub("", text).encode("utf-8", "ignore")
    codes = np.frombuffer(bare, dtype=np.uint8)
    steps = (np.isin(codes, (ord("["), ord("{"))).astype(np.int64)
             - np.isin(codes, (ord("]"), ord("}"))).astype(np.int64))
    return int(np.cumsum(steps).max()) if steps.size else 0


def _check_shape(text: str | bytes) -> str:
    """The text of a would-be scenario file, or ScenarioError when it cannot be one: too large
    or nested too deep (checked before JSON parsing), or not UTF-8."""
    size = len(text)
    if size > SCENARIO_MAX_BYTES:
        raise ScenarioError([problem("scenario", msg("scenario.reason.too_large",
                                                     limit=SCENARIO_MAX_BYTES))])
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ScenarioError([problem("scenario", msg("scenario.reason.not_utf8"))]) from None
    if json_depth(text) > SCENARIO_MAX_DEPTH:
        raise ScenarioError([problem("scenario", msg("scenario.reason.too_deep",
                                                     limit=SCENARIO_MAX_DEPTH))])
    return text


def scenario_from_json(text: str | bytes) -> Scenario:
    """Parse and validate a scenario file's text (JSON). Raises ScenarioError whose problems
    name each bad key. A file larger than SCENARIO_MAX_BYTES, nested deeper than
    SCENARIO_MAX_DEPTH, or holding only ``null`` is "not a scenario file"."""
    text = _check_shape(text)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except _ConstantError as err:
        raise ScenarioError([problem("scenario", msg("scenario.reason.constant",
                                                     name=err.name))]) from None
    except json.JSONDecodeError as err:
        raise ScenarioError([problem("scenario", msg("scenario.reason.not_json_at",
                                                     line=err.lineno, column=err.colno))]
                            ) from None
    except (ValueError, RecursionError):
        raise ScenarioError([problem("scenario", msg("scenario.reason.too_deep",
                                                     limit=SCENARIO_MAX_DEPTH))]) from None
    if data is None:
        raise ScenarioError([problem("scenario", msg("scenario.reason.null"))])
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
    # Rounded to 12 decimals: 19 steps of 0.05 make 0.9500000000000001.
    x = round(float(x), 12)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def flat_value(p: Parameter, value: Any) -> str:
    """``value`` of ``p`` as a URL query value (numbers without a trailing ``.0``, a list of
    groups comma-separated)."""
    if p.numeric:
        return _format_number(value)
    if isinstance(value, tuple | list):
        return ",".join(value)
    return str(value)


def scenario_to_flat(s: Scenario) -> dict[str, str]:
    """URL query parameters for a scenario: only keys whose value differs from the default.
    ``recipients`` as a comma-separated list of area types (or ``below_target``)."""
    flat: dict[str, str] = {}
    for p in PARAMETERS:
        value = s.get(p.key)
        if value == p.default:
            continue
        flat[p.key] = flat_value(p, value)
    return flat


class _RefusedError(ValueError):
    """A URL value refused on its own, with the catalogue reason."""

    def __init__(self, reason: Message):
        self.reason = reason
        super().__init__(reason.code)


def _parse_flat_value(p: Parameter, raw: str) -> Any:
    """Read one URL value and check it on its own (bounds, choices); cross-key rules such as
    "not every weight 0" are checked afterwards on the whole scenario."""
    if p.numeric:
        try:
            value = float(raw)
        except ValueError:
            raise _RefusedError(msg("scenario.reason.not_number")) from None
        if not math.isfinite(value):
            raise _RefusedError(msg("scenario.reason.not_finite"))
        if p.minimum is not None and value < p.minimum:
            raise _RefusedError(msg("scenario.reason.below_min", limit=_format_number(p.minimum)))
        if p.maximum is not None and value > p.maximum:
            raise _RefusedError(msg("scenario.reason.above_max", limit=_format_number(p.maximum)))
        return value
    if p.choices is not None and raw not in p.choices:
        raise _RefusedError(msg("scenario.reason.not_choice", choices=", ".join(p.choices)))
    if p.key == "recipients" and raw != RECIPIENTS_BELOW_TARGET:
        groups = [part.strip() for part in raw.split(",") if part.strip()]
        if not groups:
            raise _RefusedError(msg("scenario.reason.no_groups"))
        return list(dict.fromkeys(groups))
    if not raw.strip():  # " " names no column or group either (issue 15)
        raise _RefusedError(msg("scenario.reason.empty"))
    return raw


def scenario_from_flat(values: dict[str, str]) -> tuple[Scenario, list[Message]]:
    """Scenario from URL query parameters (flat keys as in PARAMETERS, string values).

    Never fails: a value that cannot be read or is out of range falls back to its default and
    yields a notice (a :class:`Message` whose ``params["field"]`` is the dotted key, code
    ``scenario.notice.ignored``); values valid one by one that clash (every weight 0, groups
    A and B the same) reset their whole group (``weights``, ``compare``) with a notice of code
    ``scenario.notice.group_reset`` whose ``params["reason"]`` says why. Keys that are not
    parameters are ignored (the URL also carries the app's own keys, such as the language)."""
    notices: list[Message] = []
    data: dict[str, Any] = {}
    for key, raw in values.items():
        p = PARAMETER_BY_KEY.get(key)
        if p is None:
            continue
        try:
            value = _parse_flat_value(p, str(raw))
        except _RefusedError as err:
            notices.append(msg("scenario.notice.ignored", field=key, value=str(raw),
                               reason=err.reason, default=_show_default(p)))
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
            notices.append(msg("scenario.notice.group_reset", field=group, reason=_reason(first)))
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
