"""The payer cascade: who pays how much of one patient's annual medical cost.

A cascade is an ordered list of layers (basic insurance, critical-illness insurance,
a special fund, medical assistance, city supplementary insurance, a manufacturer,
charity). Each layer sees what the layers before it left unpaid and pays part of it;
whatever is left at the end is the patient's out-of-pocket cost. Money is in yuan
per patient per year throughout; rates and eligibility shares are fractions (0-1).

A layer's payment, for an eligible patient (``remaining`` = what is still unpaid when
the layer's turn comes; ``base`` = ``cost`` or ``remaining`` as the layer declares)::

    amount  = max(0, base - deductible)
    formula = sum over tiers k of rate_k * overlap(amount, [lower_k, upper_k))
    paid    = min(formula, cap)                        # if the layer has a cap
    paid    = max(formula, remaining - oop_ceiling)    # if it guarantees a ceiling
    paid    = clip(paid, 0, remaining)

A layer has a cap or an out-of-pocket ceiling, never both: once a cap binds, the
ceiling could not be guaranteed. An ineligible patient gets nothing from the layer.

Cascades are data: pydantic models with labels in English and Chinese, units and a
source for every preset, saved and loaded as JSON (validated; unknown keys are
errors naming the key). The same arithmetic runs on one patient (:func:`benefit`)
and, vectorised with numpy, on millions (:func:`cascade_arrays`,
:func:`run_cascade_chunks`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from equity.errors import EquityError
from equity.i18n import LANGUAGES, Message, msg, t

if TYPE_CHECKING:
    import pandas as pd



def _both(key: str) -> dict[str, str]:
    """A catalogue text in both languages, as ``{"en": ..., "zh": ...}``."""
    return {lang: t(key, lang) for lang in LANGUAGES}


MONEY_UNIT = _both("cascade.unit.money")
FRACTION_UNIT = _both("cascade.unit.fraction")

Payer = Literal[
    "basic_insurance",
    "critical_illness",
    "special_fund",
    "medical_assistance",
    "city_supplementary",
    "manufacturer",
    "charity",
]

PAYER_LABELS: dict[str, dict[str, str]] = {
    payer: _both(f"cascade.payer.{payer}") for payer in Payer.__args__  # type: ignore[attr-defined]
}
"""Who pays, in the order a multi-tiered system usually applies them (003 III(I))."""

OOP_LABEL = _both("cascade.oop")


class CascadeError(EquityError):
    """A cascade that cannot be used; ``problems`` lists each one, naming its key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=True)


class Label(_Strict):
    """A display name in both languages."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)


def _meta(field_key: str, unit: Mapping[str, str] | str = "") -> dict[str, Any]:
    """Label (from the catalogue key ``cascade.field.<field_key>``) and unit of a field."""
    unit_dict = dict(unit) if isinstance(unit, Mapping) else {"en": unit, "zh": unit}
    return {"label": _both(f"cascade.field.{field_key}"), "unit": unit_dict}


class Tier(_Strict):
    """One band of a tiered rate: ``rate`` applies to the amount up to ``upto`` yuan
    (above the previous band's ``upto``); ``upto=None`` means no upper end."""

    upto: float | None = Field(
        default=None, gt=0, json_schema_extra=_meta("upto", MONEY_UNIT)
    )
    rate: float = Field(ge=0, le=1, json_schema_extra=_meta("tier_rate", FRACTION_UNIT))


class Layer(_Strict):
    """One payer in the cascade. Money in yuan per patient per year; rates 0-1."""

    name: str = Field(
        min_length=1,
        pattern=r"^[A-Za-z0-9_\-]+$",
        json_schema_extra=_meta("name"),
        description="identifier used in JSON output (letters, digits, _ and -)",
    )
    payer: Payer = Field(json_schema_extra=_meta("payer"))
    label: Label = Field(json_schema_extra=_meta("label"))
    source: str = Field(
        min_length=1,
        json_schema_extra=_meta("source"),
        description="document and section, or 'illustrative: ...' with the reason",
    )
    illustrative: bool = Field(
        default=False,
        json_schema_extra=_meta("illustrative"),
        description="true when the documents give no rule for this layer and its numbers "
        "are assumed",
    )
    eligibility: float = Field(
        default=1.0,
        ge=0,
        le=1,
        json_schema_extra=_meta("eligibility", FRACTION_UNIT),
    )
    base: Literal["remaining", "cost"] = Field(
        default="remaining",
        json_schema_extra=_meta("base"),
        description="'remaining': what earlier layers left unpaid; 'cost': the total annual cost",
    )
    deductible: float = Field(
        default=0.0, ge=0, json_schema_extra=_meta("deductible", MONEY_UNIT)
    )
    rate: float | None = Field(
        default=None, ge=0, le=1, json_schema_extra=_meta("rate", FRACTION_UNIT)
    )
    tiers: list[Tier] | None = Field(
        default=None,
        json_schema_extra=_meta("tiers", ""),
    )
    cap: float | None = Field(
        default=None,
        ge=0,
        json_schema_extra=_meta("cap", MONEY_UNIT),
    )
    oop_ceiling: float | None = Field(
        default=None,
        ge=0,
        json_schema_extra=_meta("oop_ceiling", MONEY_UNIT),
    )

    @model_validator(mode="after")
    def _consistent(self) -> Layer:
        if self.rate is not None and self.tiers is not None:
            raise PydanticCustomError("cascade.reason.rate_and_tiers",
                                      "give either 'rate' or 'tiers', not both")
        if self.rate is None and self.tiers is None and self.oop_ceiling is None:
            raise PydanticCustomError("cascade.reason.no_rule",
                                      "a layer needs 'rate', 'tiers' or 'oop_ceiling'")
        if self.cap is not None and self.oop_ceiling is not None:
            raise PydanticCustomError(
                "cascade.reason.cap_and_ceiling",
                "give either 'cap' or 'oop_ceiling', not both (a ceiling cannot be guaranteed "
                "once the cap binds)")
        if self.tiers is not None:
            if not self.tiers:
                raise PydanticCustomError("cascade.reason.tiers_empty", "'tiers' is empty")
            previous = 0.0
            for k, tier in enumerate(self.tiers):
                last = k == len(self.tiers) - 1
                if tier.upto is None and not last:
                    raise PydanticCustomError(
                        "cascade.reason.open_tier",
                        "tiers[{k}].upto: only the last tier may be open-ended", {"k": k})
                if tier.upto is not None and tier.upto <= previous:
                    raise PydanticCustomError(
                        "cascade.reason.tier_order",
                        "tiers[{k}].upto must be above the previous band's end", {"k": k})
                if tier.upto is not None:
                    previous = tier.upto
        return self

    def bands(self) -> list[tuple[float, float, float]]:
        """(lower, upper, rate) bands on the amount above the deductible, in yuan."""
        if self.tiers is None:
            return [(0.0, math.inf, self.rate or 0.0)]
        out: list[tuple[float, float, float]] = []
        lower = 0.0
        for tier in self.tiers:
            upper = math.inf if tier.upto is None else tier.upto
            out.append((lower, upper, tier.rate))
            lower = upper
        return out


class Cascade(_Strict):
    """An ordered stack of payers; the patient pays what the last layer leaves."""

    version: int = Field(default=1, ge=1, le=1)
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    label: Label
    source: str = Field(min_length=1)
    unit: Label = Field(default_factory=lambda: Label(**MONEY_UNIT))
    notes: list[str] = Field(default_factory=list)
    layers: list[Layer] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Cascade:
        names = [layer.name for layer in self.layers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise PydanticCustomError(
                "cascade.reason.repeated_names",
                "layer names must be unique; repeated: {names}", {"names": ", ".join(dupes)})
        if "oop" in names:
            raise PydanticCustomError("cascade.reason.reserved_oop",
                                      "'oop' is reserved for the out-of-pocket remainder")
        return self


LAYER_FIELDS: dict[str, dict[str, Any]] = {
    key: {
        "label": (info.json_schema_extra or {}).get("label"),  # type: ignore[union-attr]
        "unit": (info.json_schema_extra or {}).get("unit"),  # type: ignore[union-attr]
        "description": info.description,
    }
    for key, info in Layer.model_fields.items()
}
"""Label (en/zh) and unit of every layer field, for editors and the Methods page."""


# ---------------------------------------------------------------------------
# JSON


def _path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _reason(item: Any) -> Message:
    """A pydantic error as a catalogue reason; our own validators carry their code."""
    kind, ctx = item["type"], dict(item.get("ctx") or {})
    if kind.startswith("cascade.reason."):
        return msg(kind, **ctx)
    if kind == "extra_forbidden":
        return msg("cascade.reason.unknown_key")
    return msg("cascade.reason.other", detail=item["msg"].removeprefix("Value error, "))


def _problems(err: ValidationError) -> list[Message]:
    """One Message per pydantic error: ``params["path"]`` names the key (``layers[2].cap``)."""
    return [msg("cascade.problem", path=_path(item["loc"]) or "cascade", reason=_reason(item))
            for item in err.errors()]


def cascade_from_dict(data: Any) -> Cascade:
    """Validate a cascade given as plain data; raises :class:`CascadeError`."""
    if not isinstance(data, dict):
        raise CascadeError([msg("cascade.problem", path="cascade",
                                reason=msg("cascade.reason.not_object",
                                           kind=type(data).__name__))])
    try:
        return Cascade.model_validate(data)
    except ValidationError as err:
        raise CascadeError(_problems(err)) from None


CASCADE_MAX_DEPTH = 16
"""A cascade nests five levels (layers, a layer, tiers, a tier); deeper input is refused."""


def cascade_from_json(text: str | bytes) -> Cascade:
    """Parse and validate a cascade JSON document; raises :class:`CascadeError`. A document
    nested deeper than CASCADE_MAX_DEPTH is refused before parsing (a hostile file nested
    100,000 levels deep would otherwise exhaust the recursive JSON parser)."""
    from equity.scenario import json_depth

    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if json_depth(text) > CASCADE_MAX_DEPTH:
        raise CascadeError([msg("cascade.problem.too_deep", limit=CASCADE_MAX_DEPTH)])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise CascadeError([msg("cascade.problem.not_json", line=err.lineno,
                                column=err.colno)]) from None
    except RecursionError:
        raise CascadeError([msg("cascade.problem.too_deep", limit=CASCADE_MAX_DEPTH)]) from None
    return cascade_from_dict(data)


def cascade_to_json(cascade: Cascade, *, indent: int = 2) -> str:
    """The cascade as JSON text; ``cascade_from_json`` reads it back unchanged."""
    return json.dumps(cascade.model_dump(mode="json"), ensure_ascii=False, indent=indent)


def load_cascade(path: str | Path) -> Cascade:
    """Read a cascade JSON file; problems are prefixed with the file name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise CascadeError([msg("cascade.problem.cannot_read", file=str(path),
                                detail=str(err.strerror))]) from None
    try:
        return cascade_from_json(text)
    except CascadeError as err:
        raise CascadeError([msg("cascade.problem.in_file", file=path.name, problem=p)
                            for p in err.problems]) from None


def save_cascade(cascade: Cascade, path: str | Path) -> None:
    """Write a cascade as UTF-8 JSON."""
    Path(path).write_text(cascade_to_json(cascade) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# A table of layers, for spreadsheet-style editors

FRAME_COLUMNS: tuple[str, ...] = (
    "name", "payer", "label_en", "label_zh", "eligibility", "base", "deductible", "rate",
    "tiers", "cap", "oop_ceiling", "illustrative", "source",
)
"""Columns of :func:`cascade_to_frame`; ``tiers`` is text such as ``300000:0.8; 700000:0.9; :1``
(band end in yuan, colon, rate; an empty end is the open last band)."""


def _tiers_text(tiers: list[Tier] | None) -> str:
    if tiers is None:
        return ""
    return "; ".join(f"{'' if t.upto is None else f'{t.upto:g}'}:{t.rate:g}" for t in tiers)


def _parse_tiers(text: str, where: str) -> list[dict[str, Any]] | None:
    text = text.strip()
    if not text:
        return None
    tiers = []
    for part in text.split(";"):
        upto, sep, rate = part.strip().partition(":")
        try:
            if not sep:
                raise ValueError
            tiers.append(
                {"upto": float(upto) if upto.strip() else None, "rate": float(rate)}
            )
        except ValueError:
            raise CascadeError([msg("cascade.problem.cell", row=where, column="tiers",
                                    reason=msg("cascade.reason.tiers_text",
                                               got=repr(part.strip())))]) from None
    return tiers


def cascade_to_frame(cascade: Cascade) -> pd.DataFrame:
    """One row per layer (columns :data:`FRAME_COLUMNS`), e.g. for ``st.data_editor``.
    Money in yuan per year; empty cap/ceiling/rate cells mean 'none'."""
    import pandas as pd

    rows = []
    for layer in cascade.layers:
        rows.append({
            "name": layer.name, "payer": layer.payer, "label_en": layer.label.en,
            "label_zh": layer.label.zh, "eligibility": layer.eligibility, "base": layer.base,
            "deductible": layer.deductible, "rate": layer.rate,
            "tiers": _tiers_text(layer.tiers), "cap": layer.cap,
            "oop_ceiling": layer.oop_ceiling, "illustrative": layer.illustrative,
            "source": layer.source,
        })
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(math.isnan(value))
    except TypeError:
        return False


def cascade_from_frame(frame: pd.DataFrame, *, like: Cascade) -> Cascade:
    """Rebuild a cascade from an edited :func:`cascade_to_frame` table; the name, label,
    source and notes come from ``like``. Problems name the row (1-based) and column."""
    unknown = [c for c in frame.columns if c not in FRAME_COLUMNS]
    missing = [c for c in ("name", "payer", "label_en", "label_zh", "source")
               if c not in frame.columns]
    problems = [msg("cascade.problem.column_unknown", column=c) for c in unknown]
    problems += [msg("cascade.problem.column_missing", column=c) for c in missing]
    if problems:
        raise CascadeError(problems)
    layers = []
    for i, row in enumerate(frame.to_dict("records"), start=1):
        where = i
        layer: dict[str, Any] = {
            "name": row["name"], "payer": row["payer"],
            "label": {"en": row["label_en"], "zh": row["label_zh"]}, "source": row["source"],
        }
        for key in ("eligibility", "base", "deductible", "rate", "cap", "oop_ceiling",
                    "illustrative"):
            if key in row and not _blank(row[key]):
                value = row[key]
                layer[key] = value.item() if hasattr(value, "item") else value
        if "tiers" in row and not _blank(row["tiers"]):
            layer["tiers"] = _parse_tiers(str(row["tiers"]), where)
        layers.append(layer)
    data = like.model_dump(mode="json")
    data["layers"] = layers
    try:
        return Cascade.model_validate(data)
    except ValidationError as err:
        out = []
        for item in err.errors():
            loc = item["loc"]
            if len(loc) >= 2 and loc[0] == "layers" and isinstance(loc[1], int):
                # layers[i].label.en -> row i + 1, column label_en
                rest = [str(part) for part in loc[2:]]
                column = "_".join(rest[:2]) if rest[:1] == ["label"] else (rest[0] if rest
                                                                             else "")
                if column:
                    out.append(msg("cascade.problem.cell", row=loc[1] + 1, column=column,
                                   reason=_reason(item)))
                else:
                    out.append(msg("cascade.problem.row", row=loc[1] + 1,
                                   reason=_reason(item)))
            else:
                out.append(msg("cascade.problem", path=_path(loc) or "cascade",
                               reason=_reason(item)))
        raise CascadeError(out) from None


# ---------------------------------------------------------------------------
# Presets

@dataclass(frozen=True)
class PresetReference:
    """Where a preset scheme is documented (seed document number and section) and the year
    it applies from (None when the document gives none)."""

    document: str
    section: str
    applies_from: int | None


def load_presets(directory: str | Path | None = None
                 ) -> tuple[dict[str, Cascade], dict[str, PresetReference]]:
    """Every preset file ``<name>.yaml`` in ``directory`` (default
    ``equity/parameters/cascades``): the cascades by name, and their references. A file's
    name must be its cascade's ``name``; unknown keys anywhere are errors naming the key
    (raises :class:`CascadeError`). Ordered by the year they apply from (oldest first, those
    without a year last), then by name."""
    from equity.parameters import CASCADES_DIR, ParameterFileError, load_preset_files

    folder = CASCADES_DIR if directory is None else Path(directory)
    try:
        files = load_preset_files(folder)
    except ParameterFileError as err:
        raise CascadeError(str(err).splitlines()) from None
    cascades: dict[str, Cascade] = {}
    references: dict[str, PresetReference] = {}
    # Oldest scheme first, those without a year last, then by name: a stable, meaningful order
    # for lists and menus.
    order = sorted(files, key=lambda stem: (files[stem].applies_from is None,
                                            files[stem].applies_from or 0, stem))
    for stem in order:
        preset = files[stem]
        try:
            cascade = cascade_from_dict(preset.cascade)
        except CascadeError as err:
            raise CascadeError([f"{stem}.yaml: cascade.{p}" for p in err.problems]) from None
        if cascade.name != stem:
            raise CascadeError([f"{stem}.yaml: cascade.name is {cascade.name!r}; it must match "
                                "the file name"])
        cascades[stem] = cascade
        references[stem] = PresetReference(preset.document, preset.section, preset.applies_from)
    return cascades, references


PRESETS, PRESET_REFERENCES = load_presets()
"""Cascades from the documents, by name, read from ``equity/parameters/cascades/*.yaml``.
Copy before editing (``model_copy(deep=True)``). ``PRESET_REFERENCES``: document, section and
the year each applies from."""


def get_preset(name: str) -> Cascade:
    """A deep copy of a preset; unknown names raise :class:`CascadeError` listing the known."""
    try:
        return PRESETS[name].model_copy(deep=True)
    except KeyError:
        known = ", ".join(PRESETS)
        raise CascadeError([msg("cascade.problem.unknown_preset", name=repr(name),
                                known=known)]) from None


def resolve_cascade(preset: str | Cascade) -> Cascade:
    return get_preset(preset) if isinstance(preset, str) else preset


# ---------------------------------------------------------------------------
# One patient


@dataclass(frozen=True)
class LayerPayment:
    """What one layer paid for one patient, in yuan."""

    name: str
    payer: str
    label: dict[str, str]
    paid: float
    eligible: bool
    illustrative: bool


CATASTROPHIC_THRESHOLDS: tuple[float, ...] = (0.10, 0.25, 0.40)
"""Out-of-pocket as a share of household income above which spending is catastrophic."""


@dataclass(frozen=True)
class BenefitResult:
    """One patient through a cascade. Money in yuan per year."""

    preset: str
    cost: float
    layers: tuple[LayerPayment, ...]
    oop: float
    income: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def oop_share_of_income(self) -> float | None:
        """Out-of-pocket / household income (may exceed 1); None without an income."""
        if self.income is None:
            return None
        return math.inf if self.income == 0 else self.oop / self.income

    def to_dict(self) -> dict[str, Any]:
        """design.md's benefit JSON: ``{"cost","layers":[{"name","paid"}],"oop"}`` plus extras."""
        out: dict[str, Any] = {
            "preset": self.preset,
            "cost": float(self.cost),
            "layers": [
                {
                    "name": p.name,
                    "paid": float(p.paid),
                    "payer": p.payer,
                    "label_en": p.label["en"],
                    "label_zh": p.label["zh"],
                    "eligible": p.eligible,
                    "illustrative": p.illustrative,
                }
                for p in self.layers
            ],
            "oop": float(self.oop),
        }
        if self.income is not None:
            share = self.oop_share_of_income
            out["income"] = float(self.income)
            out["oop_share_of_income"] = None if share is None or math.isinf(share) else share
            out["catastrophic"] = {
                f"{round(t * 100)}%": bool(self.oop > t * self.income)
                for t in CATASTROPHIC_THRESHOLDS
            }
        out["notes"] = list(self.notes)
        return out


def _check_money(value: float, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CascadeError([msg("cascade.problem.not_yuan", what=what,
                                got=repr(value))]) from None
    if not math.isfinite(number) or number < 0:
        raise CascadeError([msg("cascade.problem.bad_yuan", what=what, got=repr(value))])
    return number


def benefit(
    preset: str | Cascade,
    cost: float,
    *,
    income: float | None = None,
    eligible: Mapping[str, bool] | None = None,
) -> BenefitResult:
    """Run one patient with annual cost ``cost`` (yuan) through a cascade.

    ``eligible`` maps layer names to whether this patient qualifies; a layer not named
    applies when its eligibility share is above 0 (the patient is taken to be one who
    qualifies). ``income`` (household income, yuan/year) adds the out-of-pocket share
    of income and the catastrophic-spending flags to the result.
    """
    cascade = resolve_cascade(preset)
    cost = _check_money(cost, "cost")
    if income is not None:
        income = _check_money(income, "income")
    eligible = dict(eligible or {})
    unknown = sorted(set(eligible) - {layer.name for layer in cascade.layers})
    if unknown:
        raise CascadeError([msg("cascade.problem.unknown_layer", name=repr(name))
                            for name in unknown])
    flags = {
        layer.name: np.array([eligible.get(layer.name, layer.eligibility > 0)])
        for layer in cascade.layers
    }
    arrays = cascade_arrays(cascade, np.array([cost]), eligible=flags)
    payments = tuple(
        LayerPayment(
            name=layer.name,
            payer=layer.payer,
            label=layer.label.model_dump(),
            paid=float(arrays.paid[layer.name][0]),
            eligible=bool(flags[layer.name][0]),
            illustrative=layer.illustrative,
        )
        for layer in cascade.layers
    )
    return BenefitResult(
        preset=cascade.name,
        cost=cost,
        layers=payments,
        oop=float(arrays.oop[0]),
        income=income,
        notes=tuple(cascade.notes),
    )


# ---------------------------------------------------------------------------
# Many patients


@dataclass(frozen=True)
class CascadeArrays:
    """Vectorised cascade result: per patient, yuan per year."""

    cost: np.ndarray
    paid: dict[str, np.ndarray]
    oop: np.ndarray


def _eligibility(
    cascade: Cascade,
    n: int,
    eligible: Mapping[str, np.ndarray] | None,
    rng: np.random.Generator | None,
) -> dict[str, np.ndarray | bool]:
    out: dict[str, np.ndarray | bool] = {}
    given = dict(eligible or {})
    unknown = sorted(set(given) - {layer.name for layer in cascade.layers})
    if unknown:
        raise CascadeError([msg("cascade.problem.unknown_layer", name=repr(name))
                            for name in unknown])
    for layer in cascade.layers:
        if layer.name in given:
            flags = np.asarray(given[layer.name], dtype=bool)
            if flags.shape != (n,):
                raise CascadeError([msg("cascade.problem.flag_count", layer=repr(layer.name),
                                        n=n, shape=str(flags.shape))])
            out[layer.name] = flags
        elif layer.eligibility >= 1:
            out[layer.name] = True
        elif layer.eligibility <= 0:
            out[layer.name] = False
        elif rng is None:
            raise CascadeError([msg("cascade.problem.partial", layer=repr(layer.name),
                                    eligibility=layer.eligibility)])
        else:
            out[layer.name] = rng.random(n) < layer.eligibility
    return out


def cascade_arrays(
    cascade: Cascade,
    cost: np.ndarray,
    *,
    eligible: Mapping[str, np.ndarray] | None = None,
    rng: np.random.Generator | None = None,
) -> CascadeArrays:
    """Vectorised cascade over an array of annual costs (yuan).

    ``eligible`` gives boolean flags per layer name; layers not named are applied to
    everyone (share 1), no one (share 0), or a random ``rng`` draw at their share.
    """
    cost = np.asarray(cost, dtype=np.float64)
    if cost.ndim != 1:
        raise CascadeError([msg("cascade.problem.cost_shape", shape=str(cost.shape))])
    if cost.size and (not np.all(np.isfinite(cost)) or cost.min() < 0):
        raise CascadeError([msg("cascade.problem.cost_values")])
    flags = _eligibility(cascade, cost.size, eligible, rng)
    remaining = cost.copy()
    paid: dict[str, np.ndarray] = {}
    scratch = np.empty_like(cost)
    for layer in cascade.layers:
        base = cost if layer.base == "cost" else remaining
        amount = np.subtract(base, layer.deductible)
        np.maximum(amount, 0.0, out=amount)
        pay = np.zeros_like(cost)
        for lower, upper, rate in layer.bands():
            if rate == 0:
                continue
            # overlap of [0, amount) with the band [lower, upper)
            np.subtract(amount, lower, out=scratch)
            np.clip(scratch, 0.0, upper - lower, out=scratch)
            scratch *= rate
            pay += scratch
        if layer.cap is not None:
            np.minimum(pay, layer.cap, out=pay)
        if layer.oop_ceiling is not None:
            np.subtract(remaining, layer.oop_ceiling, out=scratch)
            np.maximum(pay, scratch, out=pay)
        np.clip(pay, 0.0, remaining, out=pay)
        flag = flags[layer.name]
        if flag is False:
            pay[:] = 0.0
        elif flag is not True:
            pay *= flag
        remaining -= pay
        paid[layer.name] = pay
    # Guard against -0.0 and sub-fen float residue turning into negative out-of-pocket.
    np.maximum(remaining, 0.0, out=remaining)
    return CascadeArrays(cost=cost, paid=paid, oop=remaining)


def run_cascade_chunks(
    cascade: Cascade,
    cost: np.ndarray,
    *,
    eligible: Mapping[str, np.ndarray] | None = None,
    seed: int | None = 0,
    chunk_size: int = 1_000_000,
    progress: Callable[[float], None] | None = None,
) -> CascadeArrays:
    """:func:`cascade_arrays` in chunks, reporting the fraction done to ``progress``.

    Partial eligibility shares are drawn from ``np.random.default_rng(seed)``.
    """
    cost = np.asarray(cost, dtype=np.float64)
    n = cost.size
    if chunk_size < 1:
        raise CascadeError([msg("cascade.problem.chunk_size", got=chunk_size)])
    rng = np.random.default_rng(seed)
    paid = {layer.name: np.empty(n) for layer in cascade.layers}
    oop = np.empty(n)
    for start in range(0, n, chunk_size):
        stop = min(start + chunk_size, n)
        part = None
        if eligible is not None:
            part = {k: np.asarray(v)[start:stop] for k, v in eligible.items()}
        result = cascade_arrays(cascade, cost[start:stop], eligible=part, rng=rng)
        for name, values in result.paid.items():
            paid[name][start:stop] = values
        oop[start:stop] = result.oop
        if progress is not None:
            progress(stop / n)
    if progress is not None and n == 0:
        progress(1.0)
    return CascadeArrays(cost=cost, paid=paid, oop=oop)
