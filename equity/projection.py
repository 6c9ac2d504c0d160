"""Multi-year projection of a rare-disease fund's income, spending and reserve.

For each projected year t = base_year + k (k = 1 .. horizon), money in yuan::

    enrollment_t  = enrollment * (1 + enrollment_growth) ** k            (persons)
    patients_t    = patients * (1 + patient_growth) ** k                 (persons, expected)
    spending_t    = spending_per_patient * (1 + spending_growth) ** k    (yuan / patient / year)
    income_t      = per_capita_financing * enrollment_t + other_income   (yuan / year)
    expenditure_t = patients_t * spending_t
    surplus_t     = income_t - expenditure_t
    reserve_t     = reserve_{t-1} + surplus_t                            (reserve_base = reserve)

The reserve may go negative; the first year it does is the depletion year.
Break-even financing is the per-capita financing f at which projected income equals
projected spending over the horizon: f = (sum expenditure - sum other) / sum enrollment.
Sustainable financing is the smallest f >= 0 that keeps the reserve >= 0 in every
projected year, given the starting reserve.

The preset ``zhejiang_2020_2024`` first replays Table 3 of 002 as printed (observed
years; the printed 2024 income and surplus are kept and flagged, see
:mod:`equity.zhejiang`) and then projects from 2024 with growth rates fitted to
2020-2024: by default the slope of a least-squares line through ln(value) on year
(log-linear fit, all five years); ``fit="cagr"`` uses (last / first) ** (1/4) - 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from equity.errors import EquityError
from equity.i18n import LANGUAGES, msg, t
from equity.zhejiang import FINANCING_PER_ENROLLEE_YUAN, zhejiang_flags, zhejiang_table3

Fit = Literal["loglinear", "cagr"]
FIT_DESCRIPTIONS = {
    "loglinear": "least-squares slope of ln(value) on year over 2020-2024; growth = exp(slope) - 1",
    "cagr": "compound annual growth 2020-2024: (value_2024 / value_2020) ** (1/4) - 1",
}
DEFAULT_HORIZON = 6


class ProjectionError(EquityError):
    """Projection inputs that cannot be used; ``problems`` names each key."""


MAX_GROWTH = 10.0
"""Growth rates above 1,000% a year are refused: no fund series grows so, and compounding
them over a horizon overflows floating point."""


class ProjectionPreset(BaseModel):
    """Starting point and growth assumptions of a projection. Money in yuan."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    name: str
    label: dict[str, str]
    source: str
    base_year: int = Field(description="last observed year; projection starts the year after")
    per_capita_financing: float = Field(ge=0, description="yuan per enrollee per year")
    enrollment: float = Field(ge=0, description="persons enrolled in the base year")
    other_income: float = Field(default=0.0, description="yuan per year from other sources")
    patients: float = Field(ge=0, description="patients paid for in the base year")
    spending_per_patient: float = Field(ge=0, description="yuan per patient in the base year")
    enrollment_growth: float = Field(gt=-1, le=MAX_GROWTH, description="fraction per year")
    patient_growth: float = Field(gt=-1, le=MAX_GROWTH, description="fraction per year")
    spending_growth: float = Field(gt=-1, le=MAX_GROWTH,
                                   description="fraction per year (per patient)")
    reserve: float = Field(description="reserve at the end of the base year, yuan")
    horizon: int = Field(default=DEFAULT_HORIZON, ge=0, le=50, description="projected years")
    history: Literal["zhejiang_table3"] | None = None
    fit: Fit | None = Field(default=None, description="how growth was fitted to the history")


OVERRIDABLE = (
    "per_capita_financing",
    "enrollment",
    "other_income",
    "patients",
    "spending_per_patient",
    "enrollment_growth",
    "patient_growth",
    "spending_growth",
    "reserve",
    "fit",
)
"""Keyword overrides :func:`project` accepts; anything else is an error naming the key."""


def fitted_growth(values: np.ndarray, years: np.ndarray, fit: Fit) -> float:
    """Annual growth rate of a positive series (fraction per year)."""
    values = np.asarray(values, dtype=float)
    years = np.asarray(years, dtype=float)
    if fit == "cagr":
        return float((values[-1] / values[0]) ** (1.0 / (years[-1] - years[0])) - 1.0)
    slope = np.polyfit(years, np.log(values), 1)[0]
    return float(math.exp(slope) - 1.0)


def _zhejiang_history() -> pd.DataFrame:
    t3 = zhejiang_table3(yuan=True)
    return pd.DataFrame(
        {
            "year": t3["year"].to_numpy(),
            "enrollment": t3["enrollment_persons"].to_numpy(),
            "patients": t3["patients"].to_numpy(dtype=float),
            "income": t3["income_yuan"].to_numpy(),
            "expenditure": t3["expenditure_yuan"].to_numpy(),
            "surplus": t3["surplus_yuan"].to_numpy(),
            "reserve": t3["cumulative_surplus_yuan"].to_numpy(),
        }
    )


def _zhejiang_preset(fit: Fit = "loglinear") -> ProjectionPreset:
    h = _zhejiang_history()
    years = h["year"].to_numpy()
    spending = (h["expenditure"] / h["patients"]).to_numpy()
    last = h.iloc[-1]
    return ProjectionPreset(
        name="zhejiang_2020_2024",
        label={lang: t("projection.preset.zhejiang_2020_2024", lang) for lang in LANGUAGES},
        source="002 Table 3 (replayed as printed); financing 2 yuan per enrollee (002 3.2; "
        "003 IV(II)); growth fitted to 2020-2024",
        base_year=int(last["year"]),
        per_capita_financing=FINANCING_PER_ENROLLEE_YUAN,
        enrollment=float(last["enrollment"]),
        patients=float(last["patients"]),
        spending_per_patient=float(last["expenditure"] / last["patients"]),
        enrollment_growth=fitted_growth(h["enrollment"].to_numpy(), years, fit),
        patient_growth=fitted_growth(h["patients"].to_numpy(), years, fit),
        spending_growth=fitted_growth(spending, years, fit),
        reserve=float(last["reserve"]),
        history="zhejiang_table3",
        fit=fit,
    )


PROJECTION_PRESETS: dict[str, ProjectionPreset] = {"zhejiang_2020_2024": _zhejiang_preset()}


@dataclass(frozen=True)
class ProjectionYear:
    """One year of a projection; money in yuan, people in persons."""

    year: int
    kind: str  # "observed" (replayed as printed) or "projected"
    enrollment: float
    patients: float
    spending_per_patient: float
    income: float
    expenditure: float
    surplus: float
    reserve: float
    income_model: float  # per-capita financing x enrollment + other income

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": int(self.year),
            "income": float(self.income),
            "expenditure": float(self.expenditure),
            "surplus": float(self.surplus),
            "reserve": float(self.reserve),
            "kind": self.kind,
            "enrollment": float(self.enrollment),
            "patients": float(self.patients),
            "spending_per_patient": float(self.spending_per_patient),
            "income_model": float(self.income_model),
        }


@dataclass(frozen=True)
class ProjectionResult:
    """Year-by-year fund account plus the derived figures; money in yuan."""

    preset: ProjectionPreset
    years: tuple[ProjectionYear, ...]
    depletion_year: int | None
    break_even_financing: float | None  # yuan per enrollee per year, over the horizon
    sustainable_financing: float | None  # yuan per enrollee per year keeping reserve >= 0
    growth: dict[str, float]
    fit: str
    flags: list[dict[str, Any]] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([y.to_dict() for y in self.years])

    def to_dict(self) -> dict[str, Any]:
        """design.md's project JSON ``{"years":[{year,income,expenditure,surplus,reserve}]}``
        plus the depletion year, break-even financing, fitted growth and flags."""
        return {
            "preset": self.preset.name,
            "years": [y.to_dict() for y in self.years],
            "depletion_year": self.depletion_year,
            "break_even_financing": self.break_even_financing,
            "sustainable_financing": self.sustainable_financing,
            "per_capita_financing": float(self.preset.per_capita_financing),
            "growth": {k: float(v) for k, v in self.growth.items()},
            "fit": self.fit,
            "flags": self.flags,
        }


def _apply_overrides(preset: ProjectionPreset, overrides: dict[str, Any]) -> ProjectionPreset:
    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        known = ", ".join(OVERRIDABLE)
        raise ProjectionError([msg("projection.problem.unknown_setting", field=k, known=known)
                               for k in unknown])
    values = preset.model_dump()
    fit = overrides.get("fit")
    if fit is not None and fit != preset.fit:
        if preset.history != "zhejiang_table3":
            raise ProjectionError([msg("projection.problem.no_history")])
        if fit not in FIT_DESCRIPTIONS:
            raise ProjectionError([msg("projection.problem.fit",
                                       choices=", ".join(FIT_DESCRIPTIONS))])
        refit = _zhejiang_preset(fit).model_dump()
        for key in ("enrollment_growth", "patient_growth", "spending_growth", "fit"):
            values[key] = refit[key]
    values.update({k: v for k, v in overrides.items() if k != "fit"})
    try:
        return ProjectionPreset.model_validate(values)
    except ValidationError as err:
        problems = []
        for item in err.errors():
            key = ".".join(str(p) for p in item["loc"]) or "preset"
            problems.append(msg("projection.problem.invalid", field=key, detail=item["msg"],
                                got=repr(item.get("input"))))
        raise ProjectionError(problems) from None


def project(
    preset: str | ProjectionPreset = "zhejiang_2020_2024",
    *,
    horizon: int | None = None,
    **overrides: Any,
) -> ProjectionResult:
    """Replay a preset's history (if any) and project ``horizon`` years beyond it.

    ``overrides`` replace preset values by name (see :data:`OVERRIDABLE`), e.g.
    ``project(per_capita_financing=5)``; ``fit="cagr"`` refits the growth rates.
    """
    if isinstance(preset, str):
        if preset not in PROJECTION_PRESETS:
            known = ", ".join(PROJECTION_PRESETS)
            raise ProjectionError([msg("projection.problem.unknown_preset", name=repr(preset),
                                       known=known)])
        preset = PROJECTION_PRESETS[preset]
    if horizon is not None:
        overrides = {**overrides, "horizon": horizon}
        if not isinstance(horizon, int) or isinstance(horizon, bool):
            raise ProjectionError([msg("projection.problem.horizon_type", got=repr(horizon))])
    p = _apply_overrides(preset, {k: v for k, v in overrides.items() if k != "horizon"})
    if "horizon" in overrides:
        p = _apply_overrides_horizon(p, overrides["horizon"])

    years: list[ProjectionYear] = []
    flags: list[dict[str, Any]] = []
    if p.history == "zhejiang_table3":
        h = _zhejiang_history()
        for row in h.itertuples(index=False):
            years.append(
                ProjectionYear(
                    year=int(row.year),
                    kind="observed",
                    enrollment=float(row.enrollment),
                    patients=float(row.patients),
                    spending_per_patient=float(row.expenditure / row.patients),
                    income=float(row.income),
                    expenditure=float(row.expenditure),
                    surplus=float(row.surplus),
                    reserve=float(row.reserve),
                    # Observed years were financed at the documented levy; an override
                    # of the financing applies to projected years only.
                    income_model=float(row.enrollment) * FINANCING_PER_ENROLLEE_YUAN,
                )
            )
        flags = [f.to_dict() for f in zhejiang_flags()]

    reserve = p.reserve
    enrollment_sum = expenditure_sum = other_sum = 0.0
    required = 0.0
    for k in range(1, p.horizon + 1):
        enrollment = p.enrollment * (1 + p.enrollment_growth) ** k
        patients = p.patients * (1 + p.patient_growth) ** k
        spending = p.spending_per_patient * (1 + p.spending_growth) ** k
        income = p.per_capita_financing * enrollment + p.other_income
        expenditure = patients * spending
        surplus = income - expenditure
        reserve += surplus
        years.append(
            ProjectionYear(
                year=p.base_year + k,
                kind="projected",
                enrollment=enrollment,
                patients=patients,
                spending_per_patient=spending,
                income=income,
                expenditure=expenditure,
                surplus=surplus,
                reserve=reserve,
                income_model=income,
            )
        )
        enrollment_sum += enrollment
        expenditure_sum += expenditure
        other_sum += p.other_income
        if enrollment_sum > 0:
            required = max(required, (expenditure_sum - other_sum - p.reserve) / enrollment_sum)

    depletion = next((y.year for y in years if y.reserve < 0), None)
    break_even = sustainable = None
    if p.horizon > 0 and enrollment_sum > 0:
        break_even = (expenditure_sum - other_sum) / enrollment_sum
        sustainable = max(0.0, required)
    return ProjectionResult(
        preset=p,
        years=tuple(years),
        depletion_year=depletion,
        break_even_financing=break_even,
        sustainable_financing=sustainable,
        growth={
            "enrollment": p.enrollment_growth,
            "patients": p.patient_growth,
            "spending_per_patient": p.spending_growth,
        },
        fit=FIT_DESCRIPTIONS.get(p.fit or "", "growth rates as given"),
        flags=flags,
    )


def _apply_overrides_horizon(p: ProjectionPreset, horizon: int) -> ProjectionPreset:
    try:
        return ProjectionPreset.model_validate({**p.model_dump(), "horizon": horizon})
    except ValidationError:
        raise ProjectionError([msg("projection.problem.horizon_range",
                                   got=repr(horizon))]) from None
