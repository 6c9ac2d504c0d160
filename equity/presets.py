"""Scenario presets from the source documents, as data files (no Streamlit).

One YAML file per preset under ``equity/parameters/presets/``: its name, the catalogue keys of
its title and description, the document and section it comes from, the scenario keys it
``sets`` and, optionally, the ``targets`` it aims at (e.g. Japan's out-of-pocket share under
10%, for goal seeking). Every setting says its ``basis``:

- ``documented``: the figure is in the document's section;
- ``derived``: worked out from documented figures (the note says how);
- ``illustrative``: the document gives no figure; the value is an example, said so.

:func:`combine` applies several presets in order (a later one overrides an earlier one) and
records which preset set each key, so a page can show it and undo one preset
(:meth:`Combination.without`). Files are read by strict pydantic models: an unknown field or
scenario key is an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from equity.errors import EquityError
from equity.i18n import has, msg, t

PRESETS_DIR = Path(__file__).resolve().parent / "parameters" / "presets"

_FRACTION_KEYS = frozenset({
    "mutual_aid_share", "charity_pooling_share", "admin_overhead", "take_up", "target_coverage",
    "max_coverage", "breadth_share", "price_cut", "drug_share", "harmonisation_share"})
_MONEY_KEYS = frozenset({"central_pool", "levy_per_insured", "industry_levy"})
_NUMBER_KEYS = frozenset({"take_up_gain"})
_CHOICES = {"harmonisation_target": ("best", "average"),
            "paired_assistance": ("off", "adjacency", "table")}
WEIGHT_KEYS = ("patients", "shortfall", "disadvantage", "equal")
SCENARIO_KEYS = frozenset(_FRACTION_KEYS | _MONEY_KEYS | _NUMBER_KEYS | set(_CHOICES)
                          | {"weights", "recipients"})
"""Every scenario key a preset may set (the existing ones and those issue 12 adds)."""
TARGET_INDICATORS = frozenset({"oop_share", "charity_coverage", "coverage_gap",
                               "catastrophic_share"})
"""Indicators a preset may set a target for (fractions 0-1)."""


class PresetError(EquityError):
    """A preset file or a preset name that cannot be used."""

    title_code = "presets.error_title"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_value(key: str, value: Any) -> Any:
    """The value if it suits ``key``; else ValueError (pydantic reports it with the file)."""
    if key in _FRACTION_KEYS:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"{key} must be a fraction between 0 and 1, got {value!r}")
        return float(value)
    if key in _MONEY_KEYS or key in _NUMBER_KEYS:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"{key} must be a number of at least 0, got {value!r}")
        return float(value)
    if key in _CHOICES:
        if value not in _CHOICES[key]:
            raise ValueError(f"{key} must be one of {', '.join(_CHOICES[key])}, got {value!r}")
        return value
    if key == "weights":
        if not isinstance(value, dict) or set(value) != set(WEIGHT_KEYS) or any(
                isinstance(v, bool) or not isinstance(v, int | float) or v < 0
                for v in value.values()):
            raise ValueError(f"weights must give {', '.join(WEIGHT_KEYS)}, each >= 0")
        return {k: float(value[k]) for k in WEIGHT_KEYS}
    if key == "recipients":
        if value == "below_target":
            return value
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return list(value)
        raise ValueError("recipients must be below_target or a list of area_type values")
    raise ValueError(f"unknown scenario key {key!r}")


class Setting(_Strict):
    """One value a preset sets, with its basis and a note saying where it comes from."""

    value: Any
    basis: Literal["documented", "derived", "illustrative"]
    note: str = Field(min_length=1)


class Preset(_Strict):
    """A preset file: name, catalogue keys of its title and description, source, settings."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str
    document: str = Field(min_length=1)
    section: str = Field(min_length=1)
    sets: dict[str, Setting]
    targets: dict[str, Setting] = Field(default_factory=dict)

    @field_validator("sets")
    @classmethod
    def _known_keys(cls, sets: dict[str, Setting]) -> dict[str, Setting]:
        if not sets:
            raise ValueError("a preset must set at least one scenario key")
        return {k: s.model_copy(update={"value": _check_value(k, s.value)})
                for k, s in sets.items()}

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, targets: dict[str, Setting]) -> dict[str, Setting]:
        for key, s in targets.items():
            if key not in TARGET_INDICATORS:
                raise ValueError(f"unknown target indicator {key!r}")
            if isinstance(s.value, bool) or not isinstance(s.value, int | float) or not (
                    0 <= s.value <= 1):
                raise ValueError(f"target {key} must be a fraction between 0 and 1")
        return targets

    def values(self) -> dict[str, Any]:
        """The scenario values this preset sets: ``{key: value}``."""
        return {k: s.value for k, s in self.sets.items()}

    def illustrative_keys(self) -> list[str]:
        """Keys whose value is an example, not a documented figure."""
        return [k for k, s in self.sets.items() if s.basis == "illustrative"]

    def source(self) -> str:
        """``000 section 3.1.1``."""
        return f"{self.document} section {self.section}"

    def summary(self, lang: str = "en") -> dict[str, Any]:
        """Name, title and description in ``lang``, source, and every setting with its basis."""
        return {
            "name": self.name, "title": t(self.title, lang),
            "description": t(self.description, lang),
            "document": self.document, "section": self.section,
            "sets": {k: {"value": s.value, "basis": s.basis, "note": s.note}
                     for k, s in self.sets.items()},
            "targets": {k: {"value": s.value, "basis": s.basis, "note": s.note}
                        for k, s in self.targets.items()},
        }


def load_preset_file(path: str | Path) -> Preset:
    """Read and validate one preset file; :class:`PresetError` naming the file otherwise."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise PresetError([msg("presets.unreadable", file=path.name, detail=str(err))]) from None
    try:
        preset = Preset.model_validate(data)
    except ValidationError as err:
        raise PresetError([msg("presets.invalid", file=path.name,
                               field=".".join(str(p) for p in e["loc"]), detail=e["msg"])
                           for e in err.errors()]) from None
    problems = []
    if preset.name != path.stem:
        problems.append(msg("presets.name_mismatch", file=path.name, name=preset.name))
    for key in (preset.title, preset.description):
        if not has(key):
            problems.append(msg("presets.missing_text", file=path.name, key=key))
    if problems:
        raise PresetError(problems)
    return preset


@cache
def presets() -> dict[str, Preset]:
    """Every bundled preset by name, in file-name order (read once)."""
    return {p.stem: load_preset_file(p) for p in sorted(PRESETS_DIR.glob("*.yaml"))}


def get_preset(name: str) -> Preset:
    """The bundled preset ``name``; :class:`PresetError` listing the names otherwise."""
    found = presets().get(name)
    if found is None:
        raise PresetError([msg("presets.unknown", name=name, names=", ".join(presets()))])
    return found


@dataclass(frozen=True)
class Override:
    """Key ``key`` set by ``earlier`` was then set again by ``later``."""

    key: str
    earlier: str
    later: str


@dataclass(frozen=True)
class Combination:
    """Several presets applied in order: the flat scenario ``values``, which preset set each
    key (``origin``), the ``targets`` (with their ``target_origin``) and what was
    overridden. ``names`` keeps the order."""

    names: tuple[str, ...]
    values: dict[str, Any]
    origin: dict[str, str]
    targets: dict[str, float]
    target_origin: dict[str, str]
    overridden: list[Override] = field(default_factory=list)

    def without(self, name: str) -> Combination:
        """The same presets in the same order without ``name`` (undo one preset)."""
        return combine([n for n in self.names if n != name])

    def keys_set_by(self, name: str) -> list[str]:
        """Keys whose final value comes from preset ``name``."""
        return [k for k, origin in self.origin.items() if origin == name]

    def to_dict(self) -> dict[str, Any]:
        return {"presets": list(self.names), "values": self.values, "origin": self.origin,
                "targets": self.targets, "target_origin": self.target_origin,
                "overridden": [o.__dict__ for o in self.overridden]}


def combine(names: list[str] | tuple[str, ...]) -> Combination:
    """Apply the presets ``names`` in order; a later preset overrides an earlier one's keys.

    A name given twice is an error (the order would be ambiguous)."""
    repeated = sorted({n for n in names if list(names).count(n) > 1})
    if repeated:
        raise PresetError([msg("presets.repeated", names=", ".join(repeated))])
    chosen = [get_preset(n) for n in names]
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    targets: dict[str, float] = {}
    target_origin: dict[str, str] = {}
    overridden: list[Override] = []
    for preset in chosen:
        for key, value in preset.values().items():
            if key in origin:
                overridden.append(Override(key, origin[key], preset.name))
            values[key], origin[key] = value, preset.name
        for key, s in preset.targets.items():
            targets[key], target_origin[key] = float(s.value), preset.name
    return Combination(names=tuple(names), values=values, origin=origin, targets=targets,
                       target_origin=target_origin, overridden=overridden)


def flat_values(values: dict[str, Any]) -> dict[str, Any]:
    """Preset values as dotted scenario keys (``weights`` split into ``weights.patients``
    ...), ready for :meth:`equity.scenario.Scenario.replace`."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def apply(names: list[str] | tuple[str, ...], base: Any = None) -> Any:
    """The scenario ``base`` (a Scenario, a scenario dict or None for every default) with the
    presets ``names`` applied in order (a later one overriding an earlier one). Raises
    PresetError for an unknown preset and ScenarioError when the result is not valid."""
    from equity.scenario import scenario_from_dict

    scenario = scenario_from_dict(base)
    if not names:
        return scenario
    return scenario.replace(**flat_values(combine(names).values))


__all__ = [
    "PRESETS_DIR",
    "SCENARIO_KEYS",
    "TARGET_INDICATORS",
    "WEIGHT_KEYS",
    "Combination",
    "Override",
    "Preset",
    "PresetError",
    "Setting",
    "apply",
    "combine",
    "flat_values",
    "get_preset",
    "load_preset_file",
    "presets",
]
