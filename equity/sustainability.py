"""How long a transfer fund lasts: its financing against its spending, year by year.

The transfer-fund model (:mod:`equity.fund`) is annual. This module carries one simulated
year forward with :func:`equity.projection.project`, so every figure here is what
``python -m equity project --preset <custom>`` gives for the same inputs. Money in yuan.

Mapping of the simulated year (year 0, ``first_year``) onto a projection preset::

    per_capita_financing = levy_per_insured x (1 - overhead)       yuan per insured / year
    enrollment           = population paying the levy (persons)    grows at enrollment_growth
    other_income         = (central pool + mutual aid + pooled charity) x (1 - overhead)
                           held at the year-0 amount (pre-negotiated sums)
    patients             = patients in the recipient regions       grow at patient_growth
    spending_per_patient = allocated money / those patients        grows at cost_growth
    reserve (end of year 0) = starting reserve + net fund - allocated

Spending is the allocation of year 0 kept up for a growing number of patients at growing
cost: the benefit the fund promised. The depletion year is the first year the reserve is
negative. The levy that keeps it solvent is the projection's sustainable per-capita
financing divided by (1 - overhead): the smallest levy keeping the reserve >= 0 in every
projected year. Break-even levy: total income equals total spending over the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from equity.i18n import LANGUAGES, Message, msg, t
from equity.projection import PROJECTION_PRESETS, ProjectionPreset, ProjectionResult, project

DEFAULT_FIRST_YEAR = 2025
DEFAULT_HORIZON = 10


@dataclass(frozen=True)
class Growth:
    """Annual growth rates (fractions per year, > -1)."""

    enrollment: float
    patients: float
    cost: float

    @classmethod
    def zhejiang(cls, fit: str = "loglinear") -> Growth:
        """Growth fitted to Zhejiang 2020-2024 (002 Table 3), log-linear or CAGR."""
        preset = PROJECTION_PRESETS["zhejiang_2020_2024"]
        result = project(preset, horizon=0, fit=fit)
        g = result.growth
        return cls(enrollment=g["enrollment"], patients=g["patients"],
                   cost=g["spending_per_patient"])


@dataclass(frozen=True)
class FundInputs:
    """Year-0 figures of a transfer fund (yuan / year unless stated)."""

    central_pool: float
    levy: float
    mutual_aid: float
    charity_pooling: float
    overhead_share: float  # fraction of gross lost to administration
    allocated: float  # money the fund commits to recipients in year 0
    net: float
    population: float  # persons paying the levy
    patients: float  # patients in recipient regions
    levy_per_insured: float  # yuan per insured person / year
    industry_levy: float = 0.0  # held at its year-0 amount, like the central pool

    @classmethod
    def from_simulation(cls, result: Any) -> FundInputs:
        """Year-0 figures from an :func:`equity.fund.simulate` result."""
        f = result.fund
        regions = result.regions
        sc = result.scenario
        recipients = regions["recipient"].to_numpy(dtype=bool)
        patients = float(regions.loc[recipients, "patients"].sum())
        levy_rate = float(sc.levy_per_insured)
        population = f.sources["levy"] / levy_rate if levy_rate > 0 else float("nan")
        return cls(
            central_pool=f.sources["central_pool"], levy=f.sources["levy"],
            mutual_aid=f.sources["mutual_aid"], charity_pooling=f.sources["charity_pooling"],
            overhead_share=float(sc.admin_overhead), allocated=f.allocated, net=f.net,
            population=population, patients=patients, levy_per_insured=levy_rate,
            industry_levy=float(f.sources.get("industry_levy", 0.0)),
        )

    def with_population(self, population: float) -> FundInputs:
        """The same fund with the levy-paying population given (used when the levy is 0 and
        the population cannot be read back from it)."""
        return FundInputs(**{**self.__dict__, "population": float(population)})


@dataclass(frozen=True)
class Sustainability:
    """The fund carried forward. ``projection`` holds the year-by-year account (year 0 is the
    first row, kind "simulated"); levies in yuan per insured person per year."""

    inputs: FundInputs
    growth: Growth
    projection: ProjectionResult
    first_year: int
    starting_reserve: float
    depletion_year: int | None
    years_lasting: int | None  # full years before it runs short; None when it never does
    solvent_levy: float | None  # smallest levy keeping the reserve >= 0 every year
    break_even_levy: float | None
    notes: tuple[Message, ...]

    def to_frame(self):
        frame = self.projection.to_frame()
        frame.loc[0, "kind"] = "simulated"
        return frame

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_year": self.first_year,
            "starting_reserve": self.starting_reserve,
            "depletion_year": self.depletion_year,
            "years_lasting": self.years_lasting,
            "solvent_levy": self.solvent_levy,
            "break_even_levy": self.break_even_levy,
            "growth": self.growth.__dict__,
            "years": self.to_frame().to_dict("records"),
            "notes": [n.to_dict() for n in self.notes],
        }


def preset_for(inputs: FundInputs, growth: Growth, *, first_year: int = DEFAULT_FIRST_YEAR,
               starting_reserve: float = 0.0, horizon: int = DEFAULT_HORIZON
               ) -> ProjectionPreset:
    """The projection preset that carries ``inputs`` forward (see the module docstring)."""
    keep = 1.0 - inputs.overhead_share
    population = inputs.population if np.isfinite(inputs.population) else 0.0
    patients = inputs.patients
    per_patient = inputs.allocated / patients if patients > 0 else 0.0
    return ProjectionPreset(
        name="transfer_fund",
        label={lang: t("projection.preset.transfer_fund", lang) for lang in LANGUAGES},
        source="equity.fund.simulate, carried forward by equity.sustainability",
        base_year=first_year,
        per_capita_financing=inputs.levy_per_insured * keep,
        enrollment=population,
        other_income=(inputs.central_pool + inputs.mutual_aid + inputs.charity_pooling
                      + inputs.industry_levy) * keep,
        patients=patients,
        spending_per_patient=per_patient,
        enrollment_growth=growth.enrollment,
        patient_growth=growth.patients,
        spending_growth=growth.cost,
        reserve=starting_reserve + inputs.net - inputs.allocated,
        horizon=horizon,
    )


def sustainability(inputs: FundInputs, growth: Growth, *, first_year: int = DEFAULT_FIRST_YEAR,
                   starting_reserve: float = 0.0, horizon: int = DEFAULT_HORIZON
                   ) -> Sustainability:
    """Carry a year-0 fund forward ``horizon`` years; see the module docstring."""
    preset = preset_for(inputs, growth, first_year=first_year,
                        starting_reserve=starting_reserve, horizon=horizon)
    result = project(preset)
    keep = 1.0 - inputs.overhead_share
    year0_income = preset.per_capita_financing * preset.enrollment + preset.other_income
    year0 = _year0(preset, inputs, year0_income, starting_reserve)
    years = (year0, *result.years)
    depletion = next((y.year for y in years if y.reserve < 0), None)
    result = ProjectionResult(
        preset=result.preset, years=years, depletion_year=depletion,
        break_even_financing=result.break_even_financing,
        sustainable_financing=result.sustainable_financing, growth=result.growth,
        fit=result.fit, flags=[],
    )
    notes: list[Message] = []
    solvent = break_even = None
    if preset.enrollment <= 0:
        notes.append(msg("sust.note.no_population"))
    elif keep <= 0:
        notes.append(msg("sust.note.all_overhead"))
    else:
        if result.sustainable_financing is not None:
            solvent = result.sustainable_financing / keep
        if result.break_even_financing is not None:
            break_even = max(0.0, result.break_even_financing / keep)
    if inputs.allocated <= 0:
        notes.append(msg("sust.note.nothing_spent"))
    lasting = None if depletion is None else depletion - first_year
    return Sustainability(
        inputs=inputs, growth=growth, projection=result, first_year=first_year,
        starting_reserve=starting_reserve, depletion_year=depletion, years_lasting=lasting,
        solvent_levy=solvent, break_even_levy=break_even, notes=tuple(notes),
    )


def _year0(preset: ProjectionPreset, inputs: FundInputs, income: float, start: float):
    from equity.projection import ProjectionYear

    return ProjectionYear(
        year=preset.base_year, kind="projected", enrollment=preset.enrollment,
        patients=preset.patients, spending_per_patient=preset.spending_per_patient,
        income=income, expenditure=inputs.allocated, surplus=income - inputs.allocated,
        reserve=start + income - inputs.allocated, income_model=income,
    )
