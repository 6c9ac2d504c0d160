"""Goal seeking, optimal allocation, sensitivity and uncertainty for the transfer-fund model.

The gap throughout is the signed group gap after the fund, ``D = A - B`` of the scenario's
``compare`` indicator (patient-weighted group means; see ``equity.fund``).

- :func:`goal_seek`: the smallest central pool (or levy per insured) that brings D down to a
  target, or "not reachable" with the closest gap.
- :func:`seek`: the smallest central pool, levy, industry levy or price cut that brings a
  chosen indicator (coverage gap, patient-weighted out-of-pocket share, catastrophic share)
  to a target, e.g. Japan's out-of-pocket under 10% (000 section 3.2.1); "not reachable"
  with the closest value.
- :func:`optimal_allocation`: for the scenario's net fund, the allocation that minimises |D|
  (or maximises the lowest regional coverage), as an exact linear programme (HiGHS).
- :func:`sensitivity`: each numeric parameter moved down and up by a step; the gap at each
  end (a tornado chart).
- :func:`uncertainty`: Monte Carlo over take-up, cost per patient and subsidy; percentile
  bands of the gap and of every region's coverage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from equity.formulas import group_gap, liability
from equity.fund import (
    Regions,
    adjusted,
    allocation_weights,
    gap_after,
    group_masks,
    indicator_values,
    prepare,
    recipients_mask,
    run_model,
    simulate,
)
from equity.i18n import Message, msg
from equity.scenario import (
    PARAMETER_BY_KEY,
    PARAMETERS,
    Scenario,
    ScenarioError,
    scenario_from_dict,
)

LEVERS = ("central_pool", "levy_per_insured")
PERCENTILES = (5, 25, 50, 75, 95)
CHUNK_CELLS = 100_000


def _inputs(data: Any, scenario: Scenario | dict | None) -> tuple[Regions, Scenario]:
    return prepare(data), scenario_from_dict(scenario)


def _on_adjusted(r: Regions, sc: Scenario) -> tuple[Regions, Scenario]:
    """The regions after the price cut and harmonisation, and the scenario with those two
    levers then off (so that they are not applied twice): for the optimiser and the Monte
    Carlo, which work on the arrays directly. Paired assistance is not modelled there (the
    whole net fund is allocated by the weights)."""
    if sc.price_cut <= 0 and sc.harmonisation_share <= 0:
        return r, sc
    return adjusted(r, sc)[0], sc.model_copy(update={"price_cut": 0.0,
                                                     "harmonisation_share": 0.0})


def _with(sc: Scenario, key: str, value: float) -> Scenario:
    """Copy with one numeric key changed, without re-validation (callers keep values in
    bounds)."""
    if "." in key:
        group, name = key.split(".")
        return sc.model_copy(update={group: getattr(sc, group).model_copy(update={name: value})})
    return sc.model_copy(update={key: value})


# --------------------------------------------------------------------------- goal seek


def lever_to_fill(data: Any, scenario: Scenario | dict | None = None, *,
                  lever: str = "central_pool") -> float:
    """The lever value at which every recipient is full (beyond it more money stays unspent):
    yuan / year for the central pool, yuan per insured person for the levy, with every other
    source as in the scenario. A natural upper end for a slider; 0 when the other sources
    already fill everyone."""
    if lever not in LEVERS:
        raise ValueError(f"lever must be one of {', '.join(LEVERS)}, not {lever!r}")
    r, sc = _inputs(data, scenario)
    out = run_model(r, _with(sc, lever, 0.0))
    gross_needed = float(out.capacity.sum()) / (1.0 - sc.admin_overhead)
    missing = max(gross_needed - out.gross, 0.0)
    if lever == "central_pool":
        return missing
    if r.population is None or np.nansum(r.population) <= 0:
        raise ValueError("lever levy_per_insured needs a population column in the region table")
    return missing / float(np.nansum(r.population))


@dataclass(frozen=True)
class GoalSeekResult:
    """``value``: the smallest lever value (yuan / year for central_pool, yuan per insured
    person / year for levy_per_insured) whose gap after is at most ``target_gap``; when not
    reachable, the lever value giving the closest gap. ``gap``: the gap at ``value``."""

    reachable: bool
    lever: str
    value: float
    gap: float
    message: Message
    """How the search ended, as a catalogue code (``solve.goal.*``)."""
    target_gap: float
    gap_before: float
    upper: float
    tolerance: float
    evaluations: int


def goal_seek(data: Any, scenario: Scenario | dict | None = None, *, target_gap: float,
              lever: str = "central_pool", upper: float | None = None,
              tolerance_yuan: float = 1.0, grid: int = 24) -> GoalSeekResult:
    """Smallest lever value that brings the gap after (D = A - B) to ``target_gap`` or below.

    Every other setting stays as in ``scenario``; the lever is searched from 0. ``upper``
    defaults to the money at which every recipient is full (beyond it nothing changes). The
    search scans ``grid`` points, then bisects between the last point above the target and
    the first at or below it until the bracket is narrower than ``tolerance_yuan`` (for the
    levy: that many yuan of levy income). Scanning first keeps the answer the smallest one
    even where D is not monotone (recipients in group A)."""
    if lever not in LEVERS:
        raise ValueError(f"lever must be one of {', '.join(LEVERS)}, not {lever!r}")
    if not math.isfinite(target_gap):
        raise ValueError("target_gap must be a finite number")
    r, sc = _inputs(data, scenario)
    if lever == "levy_per_insured" and r.population is None:
        raise ValueError("lever levy_per_insured needs a population column in the region table")
    base = _with(sc, lever, 0.0)
    out0 = run_model(r, base)
    unit_money = 1.0 if lever == "central_pool" else float(np.nansum(r.population))
    if unit_money <= 0:
        raise ValueError("lever levy_per_insured: total population is zero")
    if upper is None:
        upper = lever_to_fill(r, sc, lever=lever) * 1.000001 + 1.0 / unit_money
    upper = min(float(upper), PARAMETER_BY_KEY[lever].maximum or float(upper))
    tol = tolerance_yuan / unit_money
    evaluations = 0

    def gap(x: float) -> float:
        nonlocal evaluations
        evaluations += 1
        return gap_after(r, _with(base, lever, x))

    ma, mb = group_masks(r, sc, None)
    if not ma.any() or not mb.any():
        raise ValueError(f"compare: the data has no region in group {sc.compare.a!r} or "
                         f"{sc.compare.b!r}")
    before = indicator_values(r, out0, sc.compare.indicator)[0]
    gap_before = group_gap(before, r.P, ma, mb)
    g0 = gap(0.0)
    if g0 <= target_gap:
        return GoalSeekResult(True, lever, 0.0, g0, msg("solve.goal.met_without"),
                              target_gap, gap_before, upper, tol, evaluations)
    xs = np.linspace(0.0, upper, grid + 1)
    gs = [g0]
    hit = None
    for x in xs[1:]:
        gs.append(gap(float(x)))
        if gs[-1] <= target_gap:
            hit = len(gs) - 1
            break
    if hit is None:
        best = int(np.argmin(gs))
        return GoalSeekResult(
            False, lever, float(xs[best]), float(gs[best]),
            msg("solve.goal.unreachable", smallest=f"{gs[best]:.4f}",
                target=f"{target_gap:.4f}"),
            target_gap, gap_before, upper, tol, evaluations)
    lo, hi = float(xs[hit - 1]), float(xs[hit])
    g_hi = gs[hit]
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        g_mid = gap(mid)
        if g_mid <= target_gap:
            hi, g_hi = mid, g_mid
        else:
            lo = mid
    return GoalSeekResult(True, lever, hi, g_hi, msg("solve.goal.reached"), target_gap,
                          gap_before, upper, tol, evaluations)


# --------------------------------------------------------------------------- seek any indicator

SEEK_LEVERS = ("central_pool", "levy_per_insured", "industry_levy", "price_cut")
"""Levers :func:`seek` can move: money (yuan / year; the levy in yuan per insured person) or
the price cut (fraction 0-1)."""
SEEK_INDICATORS = ("coverage_gap", "oop_share", "catastrophic_share")
"""``coverage_gap``: the gap after D = A - B of the scenario's compare indicator;
``oop_share``: the patient-weighted mean out-of-pocket share after, ``sum P o' / sum P``;
``catastrophic_share``: the share of patients in regions whose out-of-pocket per patient
after is above ``CATASTROPHIC_THRESHOLD`` of household income (needs household_income)."""
CATASTROPHIC_THRESHOLD = 0.40
"""Out-of-pocket above 40% of household income counts as catastrophic (the highest of
equity.cascade.CATASTROPHIC_THRESHOLDS)."""


@dataclass(frozen=True)
class SeekResult:
    """``value``: the smallest lever value whose indicator after is at most ``target``;
    when not reachable, the lever value giving the closest (lowest) indicator, ``achieved``
    that indicator. ``before``: the indicator with every lever as in the scenario but this
    one at 0. ``message``: a catalogue code (``model.seek.*``) saying how it ended."""

    reachable: bool
    indicator: str
    lever: str
    target: float
    value: float
    achieved: float
    before: float
    upper: float
    message: Message
    evaluations: int

    def to_dict(self) -> dict[str, Any]:
        return {"reachable": self.reachable, "indicator": self.indicator, "lever": self.lever,
                "target": self.target, "value": self.value, "achieved": self.achieved,
                "before": self.before, "upper": self.upper,
                "message": self.message.to_dict(), "evaluations": self.evaluations}


def indicator_after(r: Regions, sc: Scenario, indicator: str,
                    pairs: pd.DataFrame | None = None) -> float:
    """One of :data:`SEEK_INDICATORS` after the scenario (price cut, harmonisation and fund
    applied), as a fraction 0-1 (the coverage gap in the compare indicator's units)."""
    if indicator == "coverage_gap":
        return gap_after(r, sc, pairs)
    out = run_model(adjusted(r, sc)[0], sc, pairs)
    total = float(r.P.sum())
    if total <= 0:
        return math.nan
    if indicator == "oop_share":
        return float((r.P * out.o_after).sum() / total)
    if indicator == "catastrophic_share":
        income = r.table["household_income"].to_numpy(dtype=float, na_value=np.nan)
        hit = out.O_after > CATASTROPHIC_THRESHOLD * income
        return float(r.P[hit].sum() / total)
    raise ValueError(f"indicator must be one of {', '.join(SEEK_INDICATORS)}, not "
                     f"{indicator!r}")


def seek(data: Any, scenario: Scenario | dict | None = None, *, indicator: str, target: float,
         lever: str = "central_pool", upper: float | None = None,
         pairs: pd.DataFrame | None = None, grid: int = 24) -> SeekResult:
    """Smallest value of ``lever`` that brings ``indicator`` after to ``target`` or below.

    Every other setting stays as in ``scenario``; the lever is searched from 0 up to
    ``upper``: for money, the amount at which every recipient is full (:func:`lever_to_fill`;
    beyond it more money changes nothing), for the price cut its declared maximum (0.9).
    ``grid`` points are scanned, then the bracket around the first point at or below the
    target is bisected to 1 yuan (the levy: 1 yuan of levy income; the price cut: 1e-4).
    Not reachable: the lever value with the lowest indicator and that value, said in the
    message. Raises ValueError for an unknown lever or indicator, or a catastrophic share
    without a household_income column."""
    if lever not in SEEK_LEVERS:
        raise ValueError(f"lever must be one of {', '.join(SEEK_LEVERS)}, not {lever!r}")
    if indicator not in SEEK_INDICATORS:
        raise ValueError(f"indicator must be one of {', '.join(SEEK_INDICATORS)}, not "
                         f"{indicator!r}")
    if not math.isfinite(target):
        raise ValueError("target must be a finite number")
    r, sc = _inputs(data, scenario)
    if indicator == "catastrophic_share" and "household_income" not in r.table.columns:
        raise ValueError("indicator catastrophic_share needs a household_income column")
    if lever == "levy_per_insured" and (r.population is None or np.nansum(r.population) <= 0):
        raise ValueError("lever levy_per_insured needs a population column in the region table")
    base = _with(sc, lever, 0.0)
    if lever == "price_cut":
        top, tol = float(PARAMETER_BY_KEY["price_cut"].maximum or 0.9), 1e-4
    else:
        unit = float(np.nansum(r.population)) if lever == "levy_per_insured" else 1.0
        # the money that fills every recipient, whichever money lever carries it
        fill = lever_to_fill(r, base, lever="levy_per_insured" if lever == "levy_per_insured"
                             else "central_pool")
        top, tol = fill * 1.000001 + 1.0 / unit, 1.0 / unit
    if upper is not None:
        top = float(upper)
    top = min(top, float(PARAMETER_BY_KEY[lever].maximum or top))
    evaluations = 0

    def value_at(x: float) -> float:
        nonlocal evaluations
        evaluations += 1
        return indicator_after(r, _with(base, lever, x), indicator, pairs)

    v0 = value_at(0.0)
    labels = {"indicator": indicator, "lever": lever, "target": f"{target:.4f}"}
    if v0 <= target:
        return SeekResult(True, indicator, lever, target, 0.0, v0, v0, top,
                          msg("model.seek.met_without", **labels), evaluations)
    xs = np.linspace(0.0, top, grid + 1)
    vs = [v0]
    hit = None
    for x in xs[1:]:
        vs.append(value_at(float(x)))
        if vs[-1] <= target:
            hit = len(vs) - 1
            break
    if hit is None:
        best = int(np.argmin(vs))
        return SeekResult(
            False, indicator, lever, target, float(xs[best]), float(vs[best]), v0, top,
            msg("model.seek.unreachable", closest=f"{vs[best]:.4f}",
                value=f"{xs[best]:,.4f}", **labels), evaluations)
    lo, hi, v_hi = float(xs[hit - 1]), float(xs[hit]), vs[hit]
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        v_mid = value_at(mid)
        if v_mid <= target:
            hi, v_hi = mid, v_mid
        else:
            lo = mid
    return SeekResult(True, indicator, lever, target, hi, v_hi, v0, top,
                      msg("model.seek.reached", value=f"{hi:,.4f}", **labels), evaluations)


def preset_goal(names: list[str] | tuple[str, ...]) -> dict[str, float]:
    """The targets the presets set, as :func:`seek` indicators: ``{"oop_share": 0.10}`` for
    japan_rescue_fund (000 section 3.2.1: out-of-pocket under 10%)."""
    from equity.presets import combine

    return {k: v for k, v in combine(names).targets.items() if k in SEEK_INDICATORS}


# --------------------------------------------------------------------------- optimal allocation


@dataclass(frozen=True)
class OptimalResult:
    """The LP's allocation next to the formula's. ``regions``: region_id, region_name,
    area_type, recipient, allocation_formula, allocation_optimal (yuan / year),
    coverage_before, coverage_after_formula, coverage_after_optimal (0-1). Gaps are
    charity-coverage gaps D = A - B; ``min_coverage_*`` the lowest regional coverage."""

    objective: str
    regions: pd.DataFrame
    net_fund: float
    gap_before: float
    gap_formula: float
    gap_optimal: float
    min_coverage_formula: float
    min_coverage_optimal: float
    newly_covered_formula: float
    newly_covered_optimal: float
    status: str


def optimal_allocation(data: Any, scenario: Scenario | dict | None = None, *,
                       objective: str = "min_gap") -> OptimalResult:
    """Best allocation of the scenario's net fund, solved exactly with HiGHS.

    Linearisation: only the breadth channel is used (as if ``breadth_share`` = 1), so
    coverage after is linear in each recipient's money x_i:
    ``c'_i = c_i + e x_i / (s_i P_i)`` with ``0 <= x_i <= (c_max - c_i)^+ P_i s_i / e``
    (the money that reaches c_max) and ``sum x_i <= F``. Deepening the subsidy changes no
    coverage, so it cannot help these objectives. Donor regions keep the coverage the
    scenario leaves them (after any charity pooling).

    ``objective="min_gap"``: minimise |D| for the charity-coverage gap between the compare
    groups; ``"max_min"``: maximise the lowest coverage of any region with patients. Ties
    are broken by a second LP that, holding the first optimum, covers the most patients."""
    if objective not in ("min_gap", "max_min"):
        raise ValueError(f"objective must be 'min_gap' or 'max_min', not {objective!r}")
    r, sc = _on_adjusted(*_inputs(data, scenario))
    sim = simulate(r, sc)
    out = run_model(r, sc)
    F = out.net
    e = sc.effective_take_up
    rec = np.flatnonzero(out.recipients & (r.s > 0) & (r.P > 0))
    c0 = np.where(out.recipients, r.c, out.c_after)  # donors after pooling
    per_yuan = e / (r.s[rec] * r.P[rec])  # coverage per yuan of breadth money
    x_max = np.maximum(sc.max_coverage - r.c[rec], 0.0) * r.P[rec] * r.s[rec] / e
    n = rec.size
    ma, mb = group_masks(r, sc.model_copy(update={"compare": sc.compare.model_copy(
        update={"indicator": "charity_coverage"})}), None)
    PA, PB = r.P[ma].sum(), r.P[mb].sum()
    if objective == "min_gap" and (PA <= 0 or PB <= 0):
        raise ValueError(f"compare: the data has no patients in group {sc.compare.a!r} or "
                         f"{sc.compare.b!r}")
    newly_per_yuan = e / r.s[rec]
    # Second-stage preference: patients covered, and among equal ways to cover them the
    # regions with the lowest coverage (a tie-break far below any real difference).
    preference = newly_per_yuan * (1.0 + 1e-4 * (1.0 - r.c[rec]))
    budget_row = sparse.csr_matrix(np.ones((1, n)))

    if n == 0 or F <= 0:
        x = np.zeros(n)
        status = "nothing to allocate"
    elif objective == "min_gap":
        d0 = group_gap(c0, r.P, ma, mb)
        slope = per_yuan * r.P[rec] * (ma[rec] / PA - mb[rec] / PB)  # dD/dx_i
        # variables [x, t]; minimise t with t >= D and t >= -D
        a_ub = sparse.vstack([
            sparse.hstack([budget_row, sparse.csr_matrix((1, 1))]),
            sparse.hstack([sparse.csr_matrix(slope), sparse.csr_matrix([[-1.0]])]),
            sparse.hstack([sparse.csr_matrix(-slope), sparse.csr_matrix([[-1.0]])]),
        ]).tocsr()
        b_ub = np.array([F, -d0, d0])
        bounds = [*zip(np.zeros(n), x_max, strict=True), (0.0, None)]
        cost = np.zeros(n + 1)
        cost[-1] = 1.0
        first = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        x, status = _second_stage(first, cost, a_ub, b_ub, bounds, preference, n)
    else:
        # variables [x, z]; maximise z with z <= c_i' for every region with patients
        has_p = r.P > 0
        fixed = np.flatnonzero(has_p & ~np.isin(np.arange(r.n), rec))
        z_cap = float(c0[fixed].min()) if fixed.size else 1.0
        rows = sparse.hstack([sparse.diags(-per_yuan), sparse.csr_matrix(np.ones((n, 1)))])
        a_ub = sparse.vstack([sparse.hstack([budget_row, sparse.csr_matrix((1, 1))]),
                              rows]).tocsr()
        b_ub = np.concatenate(([F], r.c[rec]))
        bounds = [*zip(np.zeros(n), x_max, strict=True), (None, z_cap)]
        cost = np.zeros(n + 1)
        cost[-1] = -1.0
        first = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        x, status = _second_stage(first, cost, a_ub, b_ub, bounds, preference, n)

    alloc = np.zeros(r.n)
    alloc[rec] = x
    cov_opt = c0.copy()
    cov_opt[rec] = r.c[rec] + per_yuan * x
    cov_formula = sim.regions["charity_coverage_after"].to_numpy()

    def gap_of(cov: np.ndarray) -> float:
        if PA <= 0 or PB <= 0:
            return math.nan
        return group_gap(cov, r.P, ma, mb)

    has_p = r.P > 0
    regions = pd.DataFrame({
        "region_id": r.table["region_id"].array,
        "region_name": r.table["region_name"].array,
        "area_type": r.table["area_type"].array,
        "recipient": out.recipients,
        "allocation_formula": sim.regions["allocation"].to_numpy(),
        "allocation_optimal": alloc,
        "coverage_before": r.c,
        "coverage_after_formula": cov_formula,
        "coverage_after_optimal": cov_opt,
    })
    return OptimalResult(
        objective=objective, regions=regions, net_fund=F, gap_before=gap_of(r.c),
        gap_formula=gap_of(cov_formula), gap_optimal=gap_of(cov_opt),
        min_coverage_formula=float(cov_formula[has_p].min()),
        min_coverage_optimal=float(cov_opt[has_p].min()),
        newly_covered_formula=float(sim.newly_covered),
        newly_covered_optimal=float((x * newly_per_yuan).sum()),
        status=status,
    )


def _second_stage(first: Any, cost: np.ndarray, a_ub: Any, b_ub: np.ndarray,
                  bounds: list, preference: np.ndarray, n: int) -> tuple[np.ndarray, str]:
    """Hold the first LP's optimum (within 1e-9) and maximise ``preference @ x``."""
    if first.status != 0:
        return np.zeros(n), f"solver: {first.message}"
    best = float(first.fun)
    hold = sparse.csr_matrix(cost.reshape(1, -1))
    a2 = sparse.vstack([a_ub, hold]).tocsr()
    b2 = np.concatenate((b_ub, [best + 1e-9 * max(1.0, abs(best))]))
    cost2 = np.concatenate((-preference, [0.0]))
    second = linprog(cost2, A_ub=a2, b_ub=b2, bounds=bounds, method="highs")
    if second.status != 0:
        return np.asarray(first.x[:n]), "optimal"
    return np.asarray(second.x[:n]), "optimal"


# --------------------------------------------------------------------------- sensitivity


def sensitivity(data: Any, scenario: Scenario | dict | None = None, *,
                step: float = 0.1) -> pd.DataFrame:
    """Gap after (D = A - B) with each numeric parameter moved down and up by ``step``.

    Fractions and weights move by ``step`` in absolute terms (0.1 = ten points), clipped to
    their bounds; money parameters move by ``step`` relative to their value (+-10%), so a
    money lever at 0 stays at 0 and shows no effect. A combination the scenario rules refuse
    (every weight at 0) gives NaN. Rows are sorted by the swing |gap_high - gap_low|, largest
    first: columns parameter, label_en, label_zh, low_value, high_value, gap_low, gap_high,
    base_gap."""
    if not (math.isfinite(step) and step > 0):
        raise ValueError("step must be a positive number")
    r, sc = _inputs(data, scenario)
    base = gap_after(r, sc)
    rows = []
    for p in PARAMETERS:
        if not p.numeric:
            continue
        value = float(sc.get(p.key))
        delta = step * value if p.kind == "money" else step
        low = max(value - delta, p.minimum if p.minimum is not None else -math.inf)
        high = min(value + delta, p.maximum if p.maximum is not None else math.inf)
        gaps = []
        for v in (low, high):
            try:
                trial = sc.replace(**{p.key: v})
            except ScenarioError:
                gaps.append(math.nan)
                continue
            gaps.append(gap_after(r, trial))
        rows.append({
            "parameter": p.key, "label_en": p.label["en"], "label_zh": p.label["zh"],
            "low_value": low, "high_value": high, "gap_low": gaps[0], "gap_high": gaps[1],
            "base_gap": base,
        })
    table = pd.DataFrame(rows)
    # a refused combination (NaN gap) has no swing to show: it sorts last
    swing = (table["gap_high"] - table["gap_low"]).abs().fillna(0.0)
    return table.iloc[np.argsort(-swing.to_numpy(), kind="stable")].reset_index(drop=True)


# --------------------------------------------------------------------------- uncertainty


DEFAULT_SPREADS = {"take_up": 0.10, "cost_per_patient": 0.10, "subsidy_per_patient": 0.10}
"""Standard deviations of the Monte Carlo draws: take_up absolute (fraction points), cost and
subsidy relative (log-normal factor with this sd of log)."""


@dataclass(frozen=True)
class UncertaintyResult:
    """Percentile bands. ``gap``: {percentile: gap after}; ``regions``: region_id plus one
    column of coverage after per percentile (``p5`` ... ``p95``); ``gap_draws``: every draw's
    gap after; ``base_gap``: the gap with no uncertainty."""

    percentiles: tuple[int, ...]
    gap: dict[int, float]
    regions: pd.DataFrame
    gap_draws: np.ndarray
    base_gap: float
    draws: int
    seed: int
    spreads: dict[str, float]
    sampling_se: float = math.nan
    """The sampling se of the gap after (issue 14: the regions' ``<indicator>_se`` or binomial
    standard errors carried to D, :func:`equity.measures.gap_sampling_se`); NaN when the
    indicator has none."""

    def combined_interval(self, conf_level: float = 0.95) -> Any:
        """The gap after under both uncertain inputs (the draws) and the estimates' sampling
        error (independent: each draw plus Normal(0, sampling_se^2) noise, seeded), as an
        :class:`equity.measures.GapInterval`; None when there is no sampling se."""
        from equity.measures import DEFAULT_SEED, gap_interval

        if not math.isfinite(self.sampling_se):
            return None
        # a seed other than the draws' own: the same seed would replay the take-up noise
        # and make the sampling noise correlated with the inputs
        seed = DEFAULT_SEED if self.seed != DEFAULT_SEED else DEFAULT_SEED + 1
        return gap_interval(self.base_gap, se_sampling=self.sampling_se,
                            draws=self.gap_draws, conf_level=conf_level, seed=seed)


def uncertainty(data: Any, scenario: Scenario | dict | None = None, *, draws: int = 1000,
                seed: int = 0, spreads: dict[str, float] | None = None,
                chunk: int | None = None) -> UncertaintyResult:
    """Monte Carlo over uncertain inputs, vectorised over draws x regions.

    Each draw scales every region alike (a systematic error in the documented figures):
    take-up ``e + N(0, sd)`` clipped to its bounds [0.05, 1], cost per patient and subsidy
    multiplied by log-normal factors ``exp(N(0, sd))``. The out-of-pocket share o stays as
    observed, so the liability L follows the drawn cost and subsidy. Allocation weights do
    not depend on these factors (shortfall shares scale together), the fund's mutual-aid
    and pooled money scale with the subsidy. Seeded: the same seed gives the same bands.

    ``chunk`` draws are computed at a time (default: about 100,000 cells, which keeps the
    working arrays in the CPU cache - several times faster than one big block)."""
    spreads = {**DEFAULT_SPREADS, **(spreads or {})}
    unknown = set(spreads) - set(DEFAULT_SPREADS)
    if unknown:
        raise ValueError(f"spreads: unknown input(s) {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(DEFAULT_SPREADS)}")
    if draws < 1:
        raise ValueError("draws must be at least 1")
    r, sc = _on_adjusted(*_inputs(data, scenario))
    base_out = run_model(r, sc)
    ma, mb = group_masks(r, sc, None)
    PA, PB = r.P[ma].sum(), r.P[mb].sum()
    if PA <= 0 or PB <= 0:
        raise ValueError(f"compare: the data has no patients in group {sc.compare.a!r} or "
                         f"{sc.compare.b!r}")
    rng = np.random.default_rng(seed)
    take_min = PARAMETER_BY_KEY["take_up"].minimum or 0.0
    e_all = np.clip(sc.effective_take_up + spreads["take_up"] * rng.standard_normal(draws),
                    take_min, 1.0)
    kT_all = np.exp(spreads["cost_per_patient"] * rng.standard_normal(draws))
    ks_all = np.exp(spreads["subsidy_per_patient"] * rng.standard_normal(draws))

    R = recipients_mask(r, sc)
    w = allocation_weights(r, sc, R, base_out.shortfall, [])
    scaled_gross = base_out.mutual.sum() + base_out.pooled.sum()  # money that scales with s
    fixed_gross = sc.central_pool + sc.industry_levy + base_out.levy.sum()
    net_all = (fixed_gross + scaled_gross * ks_all) * (1.0 - sc.admin_overhead)
    # Regions the fund can reach (recipients with weight, subsidy and patients) are the only
    # columns that vary between draws; every other region keeps its scenario coverage.
    live = np.flatnonzero(R & (w > 0) & (r.s > 0) & (r.P > 0))
    if chunk is None:
        chunk = max(1, CHUNK_CELLS // max(1, live.size))
    c, P, s0, wl = r.c[live], r.P[live], r.s[live], w[live]
    cmax, u = sc.max_coverage, sc.breadth_share
    # With cost x kT and subsidy x ks: L - s = kT O - ks (1 - c) s when positive (module
    # docstring of equity.fund), the money to reach c_max scales with ks / e.
    b_unit = np.maximum(cmax - c, 0.0) * P * s0
    depth_people = np.maximum(c, cmax) * P
    cover_gain = 1.0 / (s0 * P)
    base_cover = np.where(R, r.c, base_out.c_after)
    indicator = sc.compare.indicator
    coverage_gap = indicator == "charity_coverage"
    if not coverage_gap:
        chunk = max(1, CHUNK_CELLS // r.n)
        oop0 = r.o * r.T
    wa = np.where(ma, r.P / PA, 0.0)
    wb = np.where(mb, r.P / PB, 0.0)
    gap_fixed = float(base_cover @ wa - base_cover @ wb)
    gap_fixed -= float(base_cover[live] @ wa[live] - base_cover[live] @ wb[live])
    weight_gap = wa[live] - wb[live]
    cover = np.empty((live.size, draws))  # regions x draws: percentiles along rows
    gaps = np.empty(draws)
    for start in range(0, draws, chunk):
        sl = slice(start, min(start + chunk, draws))
        e = e_all[sl, None]
        ks_e = (ks_all[sl] / e_all[sl])[:, None]
        B = ks_e * b_unit
        H = np.maximum(kT_all[sl, None] * (r.o[live] * r.T[live])
                       - ks_all[sl, None] * ((1.0 - c) * s0), 0.0)
        K = B + H * depth_people
        A = _fill_rows(net_all[sl], wl, K)
        if u >= 1.0:
            b = np.minimum(A, B)
        else:
            gain = (1.0 / ks_e) * H / s0  # e H / s
            b = np.minimum(B, np.maximum(u * A, (A - H * (c * P)) / (1.0 + gain)))
        cov = c + (e / ks_all[sl, None]) * b * cover_gain
        cover[:, sl] = cov.T
        if coverage_gap:
            gaps[sl] = gap_fixed + cov @ weight_gap
            continue
        # Out-of-pocket and subsidy indicators move in every region (cost and subsidy scale
        # everywhere): the whole table, with the liability of the drawn cost and subsidy.
        s_all = ks_all[sl, None] * r.s
        oop = kT_all[sl, None] * oop0
        L_all = liability(oop, r.c, s_all)
        min_s_l = np.minimum(s_all, L_all)
        c_after = np.repeat(base_cover[None, :], cov.shape[0], axis=0)
        c_after[:, live] = cov
        s_after = s_all.copy()
        covered = cov * P
        s_after[:, live] += np.divide(A - b, covered, out=np.zeros_like(covered),
                                      where=covered > 0)
        relief = c_after * np.minimum(s_after, L_all) - r.c * min_s_l
        if indicator == "subsidy_per_patient":
            y = s_after
        elif indicator == "oop_per_patient":
            y = oop - relief
        else:
            y = r.o - relief / np.where(r.T > 0, kT_all[sl, None] * r.T, 1.0)
        gaps[sl] = y @ wa - y @ wb
    pct_live = np.percentile(cover, PERCENTILES, axis=1, overwrite_input=True)
    pct = np.repeat(base_cover[None, :], len(PERCENTILES), axis=0)
    pct[:, live] = pct_live
    return _uncertainty_result(r, sc, pct, gaps, draws, seed, spreads)


def _uncertainty_result(r: Regions, sc: Scenario, pct: np.ndarray, gaps: np.ndarray,
                        draws: int, seed: int, spreads: dict[str, float]) -> UncertaintyResult:
    regions = pd.DataFrame({"region_id": r.table["region_id"].array,
                            "region_name": r.table["region_name"].array})
    for q, row in zip(PERCENTILES, pct, strict=True):
        regions[f"p{q}"] = row.astype(float)
    gap_pct = np.percentile(gaps, PERCENTILES)
    return UncertaintyResult(
        percentiles=PERCENTILES,
        gap={q: float(v) for q, v in zip(PERCENTILES, gap_pct, strict=True)},
        regions=regions, gap_draws=gaps, base_gap=gap_after(r, sc), draws=draws, seed=seed,
        spreads=dict(spreads), sampling_se=_sampling_se(r, sc),
    )


def _sampling_se(r: Regions, sc: Scenario) -> float:
    from equity.fund import region_se
    from equity.measures import gap_sampling_se

    out = run_model(r, sc)
    ma, mb = group_masks(r, sc, None)
    after = indicator_values(r, out, sc.compare.indicator)[1]
    return gap_sampling_se(region_se(r, sc.compare.indicator, after).se, r.P, ma, mb)


def _fill_rows(F: np.ndarray, w: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Water-filling per row (draw) with common weights w > 0 and K >= 0 (d, n), the batch
    form of ``equity.fund.water_fill``: lambda = (F - money of full regions) / (weight of
    the others), repeated; the set of full regions only grows, so comparing its size is
    enough to see that every row has settled (at most n rounds, a handful in practice)."""
    q = K / w
    total_w = w.sum()
    lam = F / total_w
    n_full = np.zeros(K.shape[0], dtype=np.int64)
    for _ in range(K.shape[1] + 1):
        full = q <= lam[:, None]
        count = full.sum(axis=1)
        if np.array_equal(count, n_full):
            break
        n_full = count
        money_full = (K * full).sum(axis=1)
        weight_rest = total_w - full @ w
        with np.errstate(divide="ignore", invalid="ignore"):
            lam = np.where(weight_rest > 0, (F - money_full) / weight_rest, np.inf)
    A = np.minimum(K, np.where(np.isfinite(lam), lam, 0.0)[:, None] * w)
    return np.where(np.isinf(lam)[:, None], K, A)
