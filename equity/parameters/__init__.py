"""The model's parameters and benefit presets, declared as data files with metadata.

- ``scenario.yaml``: every transfer-fund scenario parameter (label and help in English and
  Chinese, unit, bounds, step, default, group and the document and section it comes from).
  :mod:`equity.scenario` builds ``PARAMETERS``, the pydantic ``Scenario``, the URL codec and
  the Methods table from it.
- ``cascades/<name>.yaml``: one payer-cascade preset per file, with the document, section and
  the year the scheme applies from, and the cascade itself (layers as in
  :class:`equity.cascade.Cascade`). Adding a scheme is adding a file here: no Python.

Both are read by strict pydantic models (unknown keys are errors naming the key), so a typo in
a file fails at load time, not as a silently ignored setting.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PARAMETERS_DIR = Path(__file__).resolve().parent
SCENARIO_FILE = PARAMETERS_DIR / "scenario.yaml"
CASCADES_DIR = PARAMETERS_DIR / "cascades"


class ParameterFileError(ValueError):
    """A parameter or preset file that does not follow its declared format."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in both languages."""

    en: str
    zh: str

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}


class Reference(_Strict):
    """Where a number comes from: a document (seed number such as "000", or "design.md", or
    "model choice"), the section, and what it says."""

    document: str = Field(min_length=1)
    section: str | None = None
    note: str | None = None

    def line(self) -> str:
        """One line: ``000 section 4.1.2 (special transfer-payment fund pool)``."""
        text = self.document if self.section is None else f"{self.document} {self.section}"
        return text if self.note is None else f"{text} ({self.note})"

    def as_dict(self) -> dict[str, str]:
        return self.model_dump(exclude_none=True)


class ScenarioParameterSpec(_Strict):
    """One scenario parameter as written in ``scenario.yaml``."""

    key: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)?$")
    symbol: str = ""
    label: Text
    help: Text
    unit: Text = Text(en="", zh="")
    kind: Literal["money", "fraction", "number", "choice"]
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    default: float | str
    typical_maximum: float | None = None
    group: Literal["financing", "allocation", "use", "target", "compare", "price",
                   "coordination"]
    reference: Reference
    choices: list[str] | None = None


class ScenarioParametersFile(_Strict):
    parameters: list[ScenarioParameterSpec] = Field(min_length=1)


class PresetFile(_Strict):
    """A payer-cascade preset file: where the scheme is documented and since when it applies,
    and the cascade (validated by :class:`equity.cascade.Cascade`)."""

    document: str = Field(min_length=1, description="seed document number, e.g. '002'")
    section: str = Field(min_length=1, description="section of that document")
    applies_from: int | None = Field(
        ge=1990, le=2100,
        description="year the scheme applies from; null (written out) when the document "
        "gives no year")
    cascade: dict[str, Any]


def _problems(err: ValidationError, where: str) -> str:
    lines = []
    for item in err.errors():
        key = ".".join(str(part) for part in item["loc"]) or "file"
        reason = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
        lines.append(f"{where}: {key}: {reason}")
    return "\n".join(lines)


def read_yaml(path: Path) -> Any:
    """A YAML file's data (safe loader)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ParameterFileError(f"{path.name}: cannot read ({err})") from None


def parse_scenario_parameters(data: Any, where: str = "scenario.yaml"
                              ) -> tuple[ScenarioParameterSpec, ...]:
    """Validate the scenario parameter declarations; raises ParameterFileError."""
    try:
        specs = ScenarioParametersFile.model_validate(data).parameters
    except ValidationError as err:
        raise ParameterFileError(_problems(err, where)) from None
    keys = [s.key for s in specs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ParameterFileError(f"{where}: parameters declared twice: {', '.join(repeated)}")
    for s in specs:
        numeric = s.kind != "choice"
        if numeric and (s.minimum is None or s.maximum is None or s.step is None
                        or not isinstance(s.default, float)):
            raise ParameterFileError(f"{where}: {s.key}: a {s.kind} parameter needs minimum, "
                                     "maximum, step and a numeric default")
        if numeric and not s.minimum <= s.default <= s.maximum:
            raise ParameterFileError(f"{where}: {s.key}: default outside its bounds")
        if s.choices is not None and s.default not in s.choices:
            raise ParameterFileError(f"{where}: {s.key}: default is not one of the choices")
    return tuple(specs)


@cache
def load_scenario_parameters() -> tuple[ScenarioParameterSpec, ...]:
    """The declarations in ``equity/parameters/scenario.yaml`` (read once)."""
    return parse_scenario_parameters(read_yaml(SCENARIO_FILE), SCENARIO_FILE.name)


def parse_preset(data: Any, where: str) -> PresetFile:
    """Validate one preset file's data; raises ParameterFileError naming each bad key."""
    try:
        return PresetFile.model_validate(data)
    except ValidationError as err:
        raise ParameterFileError(_problems(err, where)) from None


def load_preset_files(directory: Path = CASCADES_DIR) -> dict[str, PresetFile]:
    """Every ``*.yaml`` preset in ``directory`` by file stem (sorted by name)."""
    return {path.stem: parse_preset(read_yaml(path), path.name)
            for path in sorted(directory.glob("*.yaml"))}


__all__ = [
    "CASCADES_DIR",
    "SCENARIO_FILE",
    "ParameterFileError",
    "PresetFile",
    "Reference",
    "ScenarioParameterSpec",
    "load_preset_files",
    "load_scenario_parameters",
    "parse_preset",
    "parse_scenario_parameters",
]
