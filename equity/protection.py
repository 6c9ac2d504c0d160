"""Financial protection: catastrophic spending and impoverishment among patients.

A patient's out-of-pocket spending is catastrophic at threshold t when it exceeds
t x household income (t = 10%, 25%, 40%); a patient is pushed below the poverty
line when household income is at or above the line and income minus out-of-pocket
is below it. Shares are of all patients. Money in yuan per year.

Patients are simulated from region figures: annual cost lognormal with the region's
mean ``cost_per_patient`` and spread ``cost_sigma``; household income lognormal with
the region's median ``household_income`` (the region table's column is a median,
design.md) and spread ``income_sigma``. The spreads are illustrative (the documents
give none); with sigma = 0 every patient has exactly the region's figure. Draws are
seeded (``numpy.random.SeedSequence(seed)``, one child per region) and the same
draws serve "before" and "after", so a difference is the policy's, not the dice's.

Out-of-pocket from a region table (design.md's charity model): the patient's
liability before charity, L, satisfies o*T = L - c*min(s, L) for the region's
out-of-pocket share o, coverage c, subsidy s and mean cost T. Each simulated patient
has liability (L/T) x own cost; a patient with a charity subsidy pays
max(0, liability - s). Exactly round(c x n) of the n simulated patients are covered
(stratified draw), and a patient covered before stays covered after when coverage
rises. Without charity columns the out-of-pocket share is applied to each patient's
cost instead. :func:`run_population` puts simulated patients through a payer cascade
(:mod:`equity.cascade`) instead, in chunks, for national-scale runs;
:func:`cascade_by_region` does the same region by region.

Source for the income default: about 60% of patient households earn under 30,000
yuan a year (003 III(II)); with spread ``INCOME_SIGMA`` that fixes the median.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from equity.cascade import Cascade, cascade_arrays, resolve_cascade
from equity.errors import EquityError
from equity.formulas import liability_share, weighted_mean
from equity.i18n import Message, msg

THRESHOLDS: tuple[float, ...] = (0.10, 0.25, 0.40)
"""Catastrophic-spending thresholds, out-of-pocket / household income (design.md)."""

COST_SIGMA = 1.0
"""Illustrative spread (sigma of ln cost) of annual cost between patients of a region."""
INCOME_SIGMA = 0.7
"""Illustrative spread (sigma of ln income) of household income within a region."""
LOW_INCOME_LINE = 30_000.0
LOW_INCOME_SHARE = 0.60
"""About 60% of patient households earn under 30,000 yuan a year (003 III(II))."""
DEFAULT_POVERTY_LINE = 10_000.0
"""Illustrative household poverty line, yuan per year; the documents give none."""
MAX_DRAWS = 20_000
"""Simulated patients per region at most (regions with fewer patients simulate each)."""


def income_median_for(
    share_below: float = LOW_INCOME_SHARE,
    line: float = LOW_INCOME_LINE,
    sigma: float = INCOME_SIGMA,
) -> float:
    """Median household income (yuan) at which ``share_below`` of a lognormal with
    spread ``sigma`` lies under ``line``: median = line * exp(-z(share) * sigma)."""
    if sigma == 0:
        return line
    return float(line * math.exp(-NormalDist().inv_cdf(share_below) * sigma))


INCOME_MEDIAN_CHINA = income_median_for()
"""Derived: about 25,100 yuan, so that 60% of households are under 30,000 at INCOME_SIGMA."""


class ProtectionError(EquityError):
    """Input the protection model cannot use; ``problems`` names row and column."""


# ---------------------------------------------------------------------------
# Draws and shares


def lognormal_from_mean(
    rng: np.random.Generator, mean: float, sigma: float, n: int
) -> np.ndarray:
    """``n`` lognormal draws with arithmetic mean ``mean``; exactly ``mean`` if sigma is 0."""
    if sigma == 0 or mean == 0:
        return np.full(n, float(mean))
    draws = rng.standard_normal(n)
    draws *= sigma
    draws += math.log(mean) - sigma * sigma / 2
    return np.exp(draws, out=draws)


def lognormal_from_median(
    rng: np.random.Generator, median: float, sigma: float, n: int
) -> np.ndarray:
    """``n`` lognormal draws with median ``median``; exactly ``median`` if sigma is 0."""
    if sigma == 0 or median == 0:
        return np.full(n, float(median))
    draws = rng.standard_normal(n)
    draws *= sigma
    draws += math.log(median)
    return np.exp(draws, out=draws)


def _key(threshold: float) -> str:
    return f"catastrophic_{threshold * 100:g}"


def protection_counts(
    oop: np.ndarray,
    income: np.ndarray,
    *,
    thresholds: Sequence[float] = THRESHOLDS,
    poverty_line: float | None = DEFAULT_POVERTY_LINE,
) -> dict[str, int]:
    """Numbers of patients over each threshold and pushed under the poverty line."""
    out = {_key(t): int(np.count_nonzero(oop > t * income)) for t in thresholds}
    if poverty_line is not None:
        pushed = (income >= poverty_line) & (income - oop < poverty_line)
        out["impoverished"] = int(np.count_nonzero(pushed))
    return out


def protection_shares(
    oop: np.ndarray,
    income: np.ndarray,
    *,
    thresholds: Sequence[float] = THRESHOLDS,
    poverty_line: float | None = DEFAULT_POVERTY_LINE,
) -> dict[str, float]:
    """Shares (0-1) of patients over each threshold and pushed under the poverty line."""
    n = len(oop)
    counts = protection_counts(oop, income, thresholds=thresholds, poverty_line=poverty_line)
    return {k: (v / n if n else math.nan) for k, v in counts.items()}


def _check_settings(thresholds: Sequence[float], cost_sigma: float, income_sigma: float,
                    poverty_line: float | None, max_draws: int = 1,
                    draws: int | None = None) -> None:
    problems = []
    if max_draws < 1:
        problems.append(msg("protection.problem.at_least_one", field="max_draws",
                            got=repr(max_draws)))
    if draws is not None and draws < 1:
        problems.append(msg("protection.problem.at_least_one", field="draws", got=repr(draws)))
    for t in thresholds:
        if not (math.isfinite(t) and t > 0):
            problems.append(msg("protection.problem.threshold", got=repr(t)))
    for name, value in (("cost_sigma", cost_sigma), ("income_sigma", income_sigma)):
        if not (math.isfinite(value) and value >= 0):
            problems.append(msg("protection.problem.spread", field=name, got=repr(value)))
    if poverty_line is not None and not (math.isfinite(poverty_line) and poverty_line >= 0):
        problems.append(msg("protection.problem.yuan", field="poverty_line",
                            got=repr(poverty_line)))
    if problems:
        raise ProtectionError(problems)


# ---------------------------------------------------------------------------
# National scale: a cascade over millions of simulated patients


@dataclass(frozen=True)
class PopulationResult:
    """Totals and shares for simulated patients put through a cascade (yuan per year)."""

    preset: str
    patients: int
    total_cost: float
    paid: dict[str, float]
    oop_total: float
    shares: dict[str, float]
    settings: dict[str, Any]

    @property
    def oop_mean(self) -> float:
        return self.oop_total / self.patients if self.patients else math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "preset": self.preset,
            "patients": self.patients,
            "total_cost": float(self.total_cost),
            "paid": {k: float(v) for k, v in self.paid.items()},
            "oop_total": float(self.oop_total),
            "oop_mean": float(self.oop_mean),
            "shares": {k: float(v) for k, v in self.shares.items()},
            "settings": self.settings,
        }


def run_population(
    cascade: str | Cascade,
    *,
    patients: int,
    cost_mean: float,
    cost_sigma: float = COST_SIGMA,
    income_median: float = INCOME_MEDIAN_CHINA,
    income_sigma: float = INCOME_SIGMA,
    thresholds: Sequence[float] = THRESHOLDS,
    poverty_line: float | None = DEFAULT_POVERTY_LINE,
    seed: int = 0,
    chunk_size: int = 1_000_000,
    progress: Callable[[float], None] | None = None,
) -> PopulationResult:
    """Simulate ``patients`` patients (cost lognormal with mean ``cost_mean``, income
    lognormal with median ``income_median``) through a cascade, ``chunk_size`` at a
    time so that memory stays flat; ``progress`` receives the fraction done (0-1].

    Partial eligibility shares of the cascade's layers are drawn per patient.
    """
    cascade = resolve_cascade(cascade)
    _check_settings(thresholds, cost_sigma, income_sigma, poverty_line)
    if patients < 0 or chunk_size < 1:
        raise ProtectionError([msg("protection.problem.population_size")])
    for name, value in (("cost_mean", cost_mean), ("income_median", income_median)):
        if not (math.isfinite(value) and value >= 0):
            raise ProtectionError([msg("protection.problem.yuan", field=name, got=repr(value))])
    rng = np.random.default_rng(seed)
    paid = {layer.name: 0.0 for layer in cascade.layers}
    total_cost = oop_total = 0.0
    counts: dict[str, int] = {}
    done = 0
    while done < patients:
        n = min(chunk_size, patients - done)
        cost = lognormal_from_mean(rng, cost_mean, cost_sigma, n)
        income = lognormal_from_median(rng, income_median, income_sigma, n)
        result = cascade_arrays(cascade, cost, rng=rng)
        total_cost += float(cost.sum())
        for name, values in result.paid.items():
            paid[name] += float(values.sum())
        oop_total += float(result.oop.sum())
        part = protection_counts(
            result.oop, income, thresholds=thresholds, poverty_line=poverty_line
        )
        for key, value in part.items():
            counts[key] = counts.get(key, 0) + value
        done += n
        if progress is not None:
            progress(done / patients)
    shares = {k: v / patients for k, v in counts.items()} if patients else {}
    return PopulationResult(
        preset=cascade.name,
        patients=patients,
        total_cost=total_cost,
        paid=paid,
        oop_total=oop_total,
        shares=shares,
        settings={
            "cost_mean": cost_mean, "cost_sigma": cost_sigma, "income_median": income_median,
            "income_sigma": income_sigma, "poverty_line": poverty_line,
            "thresholds": list(thresholds), "seed": seed, "chunk_size": chunk_size,
        },
    )


# ---------------------------------------------------------------------------
# Region by region, before and after a transfer fund


@dataclass(frozen=True)
class ProtectionResult:
    """Per-region shares before and after; ``overall`` is patient-weighted."""

    regions: pd.DataFrame
    overall: dict[str, float]
    mode: str  # "charity" or "oop_share"
    settings: dict[str, Any]
    notes: tuple[Message, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        records = []
        for row in self.regions.to_dict("records"):
            records.append(
                {
                    k: (
                        v if isinstance(v, str) or v is None
                        else (int(v) if k in ("simulated",) else float(v))
                    )
                    for k, v in row.items()
                }
            )
        return {
            "regions": records,
            "overall": {k: float(v) for k, v in self.overall.items()},
            "mode": self.mode,
            "settings": self.settings,
            "notes": [n.to_dict() for n in self.notes],
        }


def _column(table: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in table.columns), None)


def _numbers(table: pd.DataFrame, column: str, *, fraction: bool = False) -> np.ndarray:
    """A column as floats, checked in one vectorised pass (finite, >= 0, <= 1 for a fraction):
    these tables are the model's own results or region tables, so a bad row is rare, but it
    must name its row rather than turn into a wrong share."""
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(values) | (values < 0) | ((values > 1) if fraction else False)
    if bad.any():
        ids = table["region_id"].astype(str).tolist() if "region_id" in table.columns else None
        code = "protection.problem.fraction" if fraction else "protection.problem.number"
        problems = [
            msg(code, where=msg("protection.where.region", row=int(i) + 1, region=repr(ids[i]))
                if ids else msg("protection.where.row", row=int(i) + 1),
                column=column, got=repr(table[column].iloc[i]))
            for i in np.flatnonzero(bad)
        ]
        raise ProtectionError(problems)
    return values


def _draw_count(patients: float, draws: int | None, max_draws: int) -> int:
    """Patients to simulate in a region: none without patients, else ``draws`` if set,
    else one per patient up to ``max_draws``."""
    if patients <= 0:
        return 0
    if draws is not None:
        return draws
    return min(max(round(patients), 1), max_draws)


def _region_inputs(
    table: pd.DataFrame, income_median: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """patients, mean cost, median income per region (checked), and notes."""
    missing = [c for c in ("patients", "cost_per_patient") if c not in table.columns]
    if missing:
        raise ProtectionError([msg("protection.problem.missing", column=c) for c in missing])
    patients = _numbers(table, "patients")
    cost = _numbers(table, "cost_per_patient")
    notes: list[Message] = []
    if "household_income" in table.columns:
        income = _numbers(table, "household_income")
    else:
        median = INCOME_MEDIAN_CHINA if income_median is None else float(income_median)
        income = np.full(len(table), median)
        notes.append(
            msg("protection.note.income_derived", median=f"{median:,.0f}", sigma=INCOME_SIGMA)
            if income_median is None else
            msg("protection.note.income_given", median=f"{median:,.0f}"))
    return patients, cost, income, notes


def protection_by_region(
    table: pd.DataFrame,
    *,
    cost_sigma: float = COST_SIGMA,
    income_sigma: float = INCOME_SIGMA,
    thresholds: Sequence[float] = THRESHOLDS,
    poverty_line: float | None = DEFAULT_POVERTY_LINE,
    seed: int = 0,
    max_draws: int = MAX_DRAWS,
    draws: int | None = None,
    income_median: float | None = None,
    progress: Callable[[float], None] | None = None,
) -> ProtectionResult:
    """Catastrophic-spending and impoverishment shares per region, before and after.

    ``table`` has one row per region with ``patients``, ``cost_per_patient`` (mean,
    yuan/year), optionally ``household_income`` (median, yuan/year; if the column is
    absent ``income_median`` or the national default is used and a note says so), and
    either the charity columns ``charity_coverage_before/_after``,
    ``subsidy_per_patient_before/_after`` (or one ``subsidy_per_patient``) and
    ``oop_share_before``, or only ``oop_share_before/_after``. A table with plain
    ``oop_share`` (and ``charity_coverage``) columns is read as "before" = "after".

    Each region simulates one draw per patient (at most ``max_draws``), so a small
    region's shares are one realisation; ``draws=N`` simulates N patients in every
    region with patients instead, which estimates the expected shares more smoothly.

    Returns columns ``catastrophic_10_before`` ... ``impoverished_after``,
    ``mean_oop_before/_after`` per region, plus ``simulated`` (patients drawn).
    """
    _check_settings(thresholds, cost_sigma, income_sigma, poverty_line, max_draws, draws)
    table = table.reset_index(drop=True)
    patients, cost, income, notes = _region_inputs(table, income_median)

    before_after = _column(table, "oop_share_before") is not None
    o_before_col = "oop_share_before" if before_after else _column(table, "oop_share")
    if o_before_col is None:
        raise ProtectionError([msg("protection.problem.missing",
                                   column="oop_share_before (or oop_share)")])
    o_before = _numbers(table, o_before_col, fraction=True)
    c_before_col = _column(table, "charity_coverage_before" if before_after else "charity_coverage")
    charity = c_before_col is not None and (
        _column(table, "subsidy_per_patient_before", "subsidy_per_patient") is not None
    )
    if not before_after:
        notes.append(msg("protection.note.no_before_after"))

    if charity:
        mode = "charity"
        c_before = _numbers(table, c_before_col, fraction=True)  # type: ignore[arg-type]
        c_after = (
            _numbers(table, "charity_coverage_after", fraction=True)
            if before_after and "charity_coverage_after" in table.columns else c_before
        )
        s_before_col = _column(table, "subsidy_per_patient_before", "subsidy_per_patient")
        s_after_col = _column(table, "subsidy_per_patient_after", "subsidy_per_patient_before",
                              "subsidy_per_patient")
        s_before = _numbers(table, s_before_col)  # type: ignore[arg-type]
        s_after = _numbers(table, s_after_col)  # type: ignore[arg-type]
    else:
        mode = "oop_share"
        o_after = (
            _numbers(table, "oop_share_after", fraction=True)
            if before_after and "oop_share_after" in table.columns else o_before
        )
        notes.append(msg("protection.note.no_charity"))

    children = np.random.SeedSequence(seed).spawn(len(table))
    rows = []
    for i in range(len(table)):
        rng = np.random.default_rng(children[i])
        n = _draw_count(patients[i], draws, max_draws)
        cost_i = lognormal_from_mean(rng, cost[i], cost_sigma, n)
        income_i = lognormal_from_median(rng, income[i], income_sigma, n)
        if mode == "charity":
            lam = liability_share(o_before[i], c_before[i], s_before[i], cost[i])
            liability = lam * cost_i
            # Stratified: exactly round(c n) covered; rank order keeps the covered set nested.
            rank = (rng.permutation(n) + 0.5) / max(n, 1)
            oop_b = liability - (rank < c_before[i]) * np.minimum(s_before[i], liability)
            oop_a = liability - (rank < c_after[i]) * np.minimum(s_after[i], liability)
        else:
            oop_b = o_before[i] * cost_i
            oop_a = o_after[i] * cost_i
        row: dict[str, Any] = {"simulated": n}
        for state, oop in (("before", oop_b), ("after", oop_a)):
            shares = protection_shares(
                oop, income_i, thresholds=thresholds, poverty_line=poverty_line
            )
            row[f"mean_oop_{state}"] = float(oop.mean()) if n else math.nan
            for key, value in shares.items():
                row[f"{key}_{state}"] = value
        rows.append(row)
        if progress is not None:
            progress((i + 1) / len(table))

    keep = [c for c in ("region_id", "region_name", "area_type") if c in table.columns]
    result = pd.concat(
        [table[keep].copy(), pd.DataFrame({"patients": patients}), pd.DataFrame(rows)], axis=1
    )
    value_columns = [c for c in result.columns if c.endswith(("_before", "_after"))]
    overall: dict[str, float] = {}
    weight = patients.sum()
    for column in value_columns:
        values = result[column].to_numpy(dtype=float)
        ok = np.isfinite(values) & (patients > 0)
        overall[column] = weighted_mean(values, patients, ok)
    if patients.size and weight > 0 and (patients > max_draws).any():
        notes.append(msg("protection.note.draws", max_draws=f"{max_draws:,}"))
    return ProtectionResult(
        regions=result,
        overall=overall,
        mode=mode,
        settings={
            "cost_sigma": cost_sigma, "income_sigma": income_sigma,
            "thresholds": list(thresholds), "poverty_line": poverty_line, "seed": seed,
            "max_draws": max_draws, "draws": draws,
        },
        notes=tuple(notes),
    )


def cascade_by_region(
    cascade: str | Cascade,
    table: pd.DataFrame,
    *,
    cost_sigma: float = COST_SIGMA,
    income_sigma: float = INCOME_SIGMA,
    thresholds: Sequence[float] = THRESHOLDS,
    poverty_line: float | None = DEFAULT_POVERTY_LINE,
    seed: int = 0,
    max_draws: int = MAX_DRAWS,
    draws: int | None = None,
    income_median: float | None = None,
    progress: Callable[[float], None] | None = None,
) -> pd.DataFrame:
    """The regional distribution of out-of-pocket cost if every region ran ``cascade``.

    Per region (``patients``, ``cost_per_patient`` mean, ``household_income`` median;
    yuan/year), simulated patients go through the cascade (partial eligibility drawn per
    patient). Returns one row per region: ``simulated``, ``mean_oop``, ``p50_oop``,
    ``p90_oop`` (yuan), ``paid_<layer>`` (yuan per patient, mean), the catastrophic
    shares and ``impoverished``. Draws are seeded as in :func:`protection_by_region`;
    ``df.attrs["notes"]`` says when a default income was used.
    """
    cascade = resolve_cascade(cascade)
    _check_settings(thresholds, cost_sigma, income_sigma, poverty_line, max_draws, draws)
    table = table.reset_index(drop=True)
    patients, cost, income, notes = _region_inputs(table, income_median)
    children = np.random.SeedSequence(seed).spawn(len(table))
    rows = []
    for i in range(len(table)):
        rng = np.random.default_rng(children[i])
        n = _draw_count(patients[i], draws, max_draws)
        cost_i = lognormal_from_mean(rng, cost[i], cost_sigma, n)
        income_i = lognormal_from_median(rng, income[i], income_sigma, n)
        arrays = cascade_arrays(cascade, cost_i, rng=rng)
        row: dict[str, Any] = {"simulated": n}
        empty = n == 0
        row["mean_oop"] = math.nan if empty else float(arrays.oop.mean())
        row["p50_oop"] = math.nan if empty else float(np.quantile(arrays.oop, 0.5))
        row["p90_oop"] = math.nan if empty else float(np.quantile(arrays.oop, 0.9))
        for name, values in arrays.paid.items():
            row[f"paid_{name}"] = math.nan if empty else float(values.mean())
        row.update(protection_shares(arrays.oop, income_i, thresholds=thresholds,
                                     poverty_line=poverty_line))
        rows.append(row)
        if progress is not None:
            progress((i + 1) / len(table))
    keep = [c for c in ("region_id", "region_name", "area_type") if c in table.columns]
    frame = pd.concat(
        [table[keep].copy(), pd.DataFrame({"patients": patients}), pd.DataFrame(rows)], axis=1
    )
    frame.attrs["notes"] = notes
    return frame


def protection_from_simulation(
    simulation: Any, data: Any, **kwargs: Any
) -> ProtectionResult:
    """:func:`protection_by_region` for a transfer-fund result: joins
    ``simulation.regions`` (before/after columns) with the region data's
    ``cost_per_patient`` and ``household_income`` (when present) on ``region_id``.

    ``data`` is a ``RegionData`` (its ``.table``) or a region DataFrame.
    """
    regions = simulation.regions
    table = getattr(data, "table", data)
    extra = [c for c in ("cost_per_patient", "household_income") if c in table.columns
             and c not in regions.columns]
    merged = regions.merge(table[["region_id", *extra]], on="region_id", how="left",
                           validate="one_to_one")
    return protection_by_region(merged, **kwargs)


__all__ = [
    "COST_SIGMA",
    "DEFAULT_POVERTY_LINE",
    "INCOME_MEDIAN_CHINA",
    "INCOME_SIGMA",
    "THRESHOLDS",
    "PopulationResult",
    "ProtectionError",
    "ProtectionResult",
    "cascade_by_region",
    "income_median_for",
    "liability_share",
    "lognormal_from_mean",
    "lognormal_from_median",
    "protection_by_region",
    "protection_counts",
    "protection_from_simulation",
    "protection_shares",
    "run_population",
]
