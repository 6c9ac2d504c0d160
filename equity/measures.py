"""Summary measures of inequality, as WHO's Health Equity Assessment Toolkit (HEAT) defines them.

One function per measure, named by its HEAT abbreviation (``d``, ``r``, ``par`` ... ``rci``);
each returns a :class:`MeasureResult`. A measure that does not apply to the data (too few
subgroups, a zero mean, no order, no reference subgroup, all estimates zero, ...) returns
``value = nan`` with a plain-language ``reason``; it never raises. Malformed input (arrays of
different lengths, text where numbers belong) raises :class:`ValueError` naming the argument.

Inputs
------
``estimates``  one value per subgroup (region, area type, wealth quintile ...), in the
               indicator's own units: a fraction 0-1, a percent 0-100, deaths per 1000 ...
``population`` subgroup sizes (persons; for this project usually patients). Population shares
               ``p_j = pop_j / sum(pop)`` weight every weighted measure.
``favourable`` True for an indicator where more is better (coverage), False where more is worse
               (out-of-pocket share). It decides which subgroup is "best".
``order``      optional ordering of the subgroups from least to most advantaged (wealth quintile
               1..5, or an economic level such as GDP per capita). Needed by SII, RII, ACI and
               RCI; it also changes which subgroups D, R and PAR compare (HEAT's rules),
               unless ``order_rules=False`` (the order then only ranks for SII ... RCI).
``reference``  optional reference subgroup (row index, or a 0/1 mask with exactly one 1).
``scale``      the indicator scale (1 for fractions, 100 for percent, 1000 per thousand), used
               only by SII/RII, which turn estimates into counts. ``None`` infers it from the
               largest estimate as WHO's ``healthequal`` package does (<=1 -> 1, <=100 -> 100,
               <=1000 -> 1000, ...).

Conventions (HEAT-Measures ``R/calc-*.R`` at WHOequity/HEAT-Measures@f4777e6, reproduced against
WHO's stored results in ``tests/fixtures/heat/``; see ``tests/test_measures.py``)
-----------------------------------------------------------------------------------------------
* ``mu = sum_j p_j y_j`` - the population-weighted mean, never a separately supplied average.
* D, PAR, BGSD, MD*, SII and ACI are in the indicator's units; BGV in squared units; COV, PAF,
  IDISU and IDISW in percent (x100) as HEAT reports them; R and RII are ratios; RCI is a
  *fraction* (HEAT's code and WHO's stored values; HEAT's Technical Notes print ``ACI/mu*100``).
* TI and MLD: HEAT multiplies them by 1000. The functions here return the plain index (HEAT's
  value / 1000), the design's JSON convention; ``summarise(..., heat_units=True)`` gives HEAT's.
* HEAT computes the "many-subgroup" measures (BGV ... MLD, SII ... RCI) only for more than two
  subgroups, and D, R, PAR, PAF from two. That rule is kept. HEAT shows BGV ... MLD only for
  non-ordered dimensions; they do not depend on the order, so here they are computed for
  ordered data too.
* Missing estimates (NaN) drop their row, as HEAT does, and HEAT's validation rules then decide
  which measures still apply (e.g. ordered measures need every estimate; the non-ordered
  complex measures need at least 85% of them).
* Where R's ``glm`` would print a diverging fit with a warning (subgroups perfectly separated,
  e.g. 0%, 50%, 100%), SII and RII are NaN with a reason instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from equity.i18n import Message, msg, t

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ANALYTIC",
    "BOOTSTRAP",
    "MEASURES",
    "NEEDS_SE",
    "ORDER",
    "SE_SOURCES",
    "GapInterval",
    "MeasureInfo",
    "MeasureResult",
    "SubgroupSE",
    "Subgroups",
    "aci",
    "as_records",
    "as_values",
    "bgsd",
    "bgv",
    "binomial_se",
    "cov",
    "d",
    "gap_interval",
    "gap_sampling_se",
    "idisu",
    "idisw",
    "mdbu",
    "mdbw",
    "mdmu",
    "mdmw",
    "mdru",
    "mdrw",
    "measure_table",
    "mld",
    "paf",
    "par",
    "prepare",
    "r",
    "rci",
    "result_to_dict",
    "rii",
    "sii",
    "subgroup_se",
    "summarise",
    "table_se",
    "ti",
    "truncated_normal_draws",
    "z_value",
]

NAN = math.nan
ZERO_REPLACEMENT = 1e-6
"""TI and MLD replace a zero estimate by this value, in the indicator's own units (HEAT:
``est_nonzero <- ifelse(est==0, 0.000001, est)``)."""
RII_LIMITS = (0.0, 700.0)
"""HEAT's ``HEAT_measures_outlier2NA`` turns an RII outside this range into NA."""
HEAT_TI_MLD_FACTOR = 1000.0
"""HEAT reports TI and MLD multiplied by 1000 ("added 1000 * per git 374")."""
MIN_SHARE_PRESENT = 0.85
"""HEAT's ``test_under85_pct``: the non-ordered complex measures need >= 85% of estimates."""


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True, slots=True)
class MeasureResult:
    """One summary measure: its HEAT abbreviation, its value, why it is NaN if it is, and its
    uncertainty.

    ``message``: a :class:`~equity.i18n.Message` (code ``measures.reason.*``) saying why the
    measure does not apply, or None; ``reason`` is its English text. ``se``, ``lower`` and
    ``upper``: the standard error and the confidence interval (NaN when none was computed or
    none exists; see :func:`summarise`). ``interval``: how the interval was obtained,
    "analytic" or "bootstrap" (None = no interval). For R and RII ``se`` is on the log scale
    (the interval is ``exp(ln value -/+ z se)``), as HEAT reports it.
    """

    measure: str
    value: float
    message: Message | None = None
    se: float = NAN
    lower: float = NAN
    upper: float = NAN
    interval: str | None = None

    @property
    def reason(self) -> str | None:
        """Why the measure is NaN, in English (None when it applies)."""
        return None if self.message is None else self.message.text("en")

    @property
    def ok(self) -> bool:
        """True when the measure applied and has a finite value."""
        return self.message is None and math.isfinite(self.value)

    def __float__(self) -> float:
        return self.value


@dataclass(frozen=True, slots=True)
class MeasureInfo:
    """What a measure is, for labels, tables and the Methods page.

    ``groups``: "two" = defined from two subgroups on (D, R, PAR, PAF); "many" = HEAT computes it
    only for more than two subgroups. ``units``: "indicator" (the estimate's own units),
    "squared" (units squared), "percent", "ratio", "fraction" or "index" (TI/MLD; x1000 in HEAT
    units).
    """

    abbr: str
    name_en: str
    name_zh: str
    kind: str  # "absolute" | "relative"
    ordered: bool
    groups: str  # "two" | "many"
    weighted: bool
    units: str
    reading_en: str
    reading_zh: str

    def name(self, lang: str) -> str:
        """The measure's name in ``lang`` ("en" or "zh")."""
        return t(f"measures.name.{self.abbr}", lang)

    def reading(self, lang: str) -> str:
        """The measure's plain reading in ``lang``."""
        return t(f"measures.reading.{self.abbr}", lang)


def _info(
    abbr: str, kind: str, ordered: bool, groups: str, weighted: bool, units: str
) -> MeasureInfo:
    # names and readings live in the catalogue (measures.yaml, both languages)
    return MeasureInfo(
        abbr, t(f"measures.name.{abbr}", "en"), t(f"measures.name.{abbr}", "zh"), kind,
        ordered, groups, weighted, units, t(f"measures.reading.{abbr}", "en"),
        t(f"measures.reading.{abbr}", "zh"),
    )


MEASURES: dict[str, MeasureInfo] = {
    m.abbr: m
    for m in (
        _info(*row)
        for row in (
            # abbr, kind, ordered, groups, weighted, units
            ("D", "absolute", False, "two", False, "indicator"),
            ("R", "relative", False, "two", False, "ratio"),
            ("PAR", "absolute", False, "two", True, "indicator"),
            ("PAF", "relative", False, "two", True, "percent"),
            ("BGV", "absolute", False, "many", True, "squared"),
            ("BGSD", "absolute", False, "many", True, "indicator"),
            ("COV", "relative", False, "many", True, "percent"),
            ("MDMU", "absolute", False, "many", False, "indicator"),
            ("MDMW", "absolute", False, "many", True, "indicator"),
            ("MDBU", "absolute", False, "many", False, "indicator"),
            ("MDBW", "absolute", False, "many", True, "indicator"),
            ("MDRU", "absolute", False, "many", False, "indicator"),
            ("MDRW", "absolute", False, "many", True, "indicator"),
            ("IDISU", "relative", False, "many", False, "percent"),
            ("IDISW", "relative", False, "many", True, "percent"),
            ("TI", "relative", False, "many", True, "index"),
            ("MLD", "relative", False, "many", True, "index"),
            ("SII", "absolute", True, "many", True, "indicator"),
            ("RII", "relative", True, "many", True, "ratio"),
            ("ACI", "absolute", True, "many", True, "indicator"),
            ("RCI", "relative", True, "many", True, "fraction"),
        )
    )
}

ORDER: tuple[str, ...] = tuple(MEASURES)
"""All measure abbreviations in display order."""


# --------------------------------------------------------------------------- prepared input


class Subgroups:
    """Validated subgroup data, prepared once and shared by every measure.

    Build it with :func:`prepare`. Arrays hold only the rows with a non-missing estimate, in
    the order given. Derived quantities are computed on first use and cached.
    """

    def __init__(
        self,
        y: np.ndarray,
        pop: np.ndarray,
        *,
        favourable: bool,
        order: np.ndarray | None,
        order_problem: Message | None,
        reference: int | None,
        reference_problem: Message | None,
        scale: float | None,
        n_given: int,
        n_missing: int,
        missing_extremes: bool,
        order_rules: bool,
        population_problem: Message | None,
        input_problem: Message | None,
        se: np.ndarray | None = None,
    ) -> None:
        self.y = y
        self.pop = pop
        self.n = y.size
        self.favourable = favourable
        self.order = order
        self.order_problem = order_problem
        self.reference = reference
        self.reference_problem = reference_problem
        self._scale = scale
        self.n_given = n_given
        self.n_missing = n_missing
        self.missing_extremes = missing_extremes
        self.order_rules = order_rules
        self.population_problem = population_problem
        self.input_problem = input_problem
        self.se = se
        """Standard errors of the kept estimates (indicator units), or None."""

    # -- derived quantities

    @cached_property
    def share(self) -> np.ndarray:
        """Population shares p_j."""
        return self.pop / self.pop.sum()

    @cached_property
    def mu(self) -> float:
        """Population-weighted mean mu = sum p_j y_j (indicator units)."""
        mu = float(self.share @ self.y)
        # rounding can put mu a hair outside [min, max]; clamping keeps it exact for a constant
        # indicator, so every measure of "no inequality" is exactly 0 (or 1 for ratios)
        return min(max(mu, self.y_min), self.y_max)

    @cached_property
    def y_min(self) -> float:
        return float(self.y.min())

    @cached_property
    def y_max(self) -> float:
        return float(self.y.max())

    @cached_property
    def absdev(self) -> np.ndarray:
        """|y_j - mu|."""
        return np.abs(self.y - self.mu)

    @cached_property
    def best(self) -> float:
        """Best subgroup estimate: max for favourable, min for adverse indicators."""
        return self.y_max if self.favourable else self.y_min

    @cached_property
    def sorted_index(self) -> np.ndarray:
        """Row indices from least to most advantaged (stable for ties)."""
        assert self.order is not None
        return np.argsort(self.order, kind="stable")

    @cached_property
    def scale(self) -> float:
        """Indicator scale for SII/RII: given, or inferred from the largest estimate."""
        if self._scale is not None:
            return self._scale
        top = self.y_max if self.n else 0.0
        if top <= 1.0:
            return 1.0
        scale = 100.0
        while top > scale:
            scale *= 10.0
        return scale

    @cached_property
    def all_zero(self) -> bool:
        return bool(self.n) and not self.y.any()

    @cached_property
    def logit_fit(self) -> _LogitFit:
        """HEAT's logistic fit for SII and RII (shared by both)."""
        return _logit_ends(self)

    # -- shared applicability checks; each returns a reason or None

    def common_problem(self, *, weighted: bool) -> Message | None:
        if self.input_problem:
            return self.input_problem
        if self.n < 2:
            return msg("measures.reason.too_few", n=self.n)
        if self.all_zero:
            return msg("measures.reason.all_zero")
        if weighted and self.population_problem:
            return self.population_problem
        return None

    def many_problem(self, *, weighted: bool) -> Message | None:
        """Checks for HEAT's non-ordered complex measures (more than two subgroups)."""
        reason = self.common_problem(weighted=weighted)
        if reason:
            return reason
        if self.n_given <= 2:
            return msg("measures.reason.more_than_two", n=self.n_given)
        if self.n_missing and self.n / self.n_given < MIN_SHARE_PRESENT:
            return msg(
                "measures.reason.too_many_missing", missing=self.n_missing, n=self.n_given,
                share=f"{MIN_SHARE_PRESENT:.0%}",
            )
        return None

    def ordered_problem(self) -> Message | None:
        """Checks for the ordered measures SII, RII, ACI, RCI."""
        reason = self.common_problem(weighted=True)
        if reason:
            return reason
        if self.order is None:
            return self.order_problem or msg("measures.reason.needs_order")
        if self.n_given <= 2:
            return msg("measures.reason.more_than_two", n=self.n_given)
        if self.n_missing:
            return msg("measures.reason.ordered_missing", missing=self.n_missing)
        return None

    def pair(self) -> tuple[float, float] | Message:
        """The two estimates (y1, y2) D and R compare, or a reason why there are none."""
        idx = self.pair_index()
        if isinstance(idx, Message):
            return idx
        return float(self.y[idx[0]]), float(self.y[idx[1]])

    def pair_index(self) -> tuple[int, int] | Message:
        """Row indices (in the kept rows) of the two subgroups D and R compare.

        HEAT (``get_est_se_min_max`` with ``ascending <- ifelse(ordered, favourable, TRUE)``):
        with a reference subgroup: favourable (ref, min of others), adverse (max of others, ref);
        ordered: favourable (highest, lowest order), adverse (lowest, highest order);
        otherwise (max, min).
        """
        reason = self.common_problem(weighted=False)
        if reason:
            return reason
        if self.n_missing and self.n_given == 2:
            return msg("measures.reason.pair_missing")
        if self.reference is not None:
            ref = self.reference
            others = np.delete(np.arange(self.n), ref)
            if self.favourable:
                return ref, int(others[np.argmin(self.y[others])])
            return int(others[np.argmax(self.y[others])]), ref
        if self.reference_problem:
            return self.reference_problem
        if self.order_rules and self.order is not None:
            if self.missing_extremes:
                return msg("measures.reason.extreme_missing")
            low, high = int(self.sorted_index[0]), int(self.sorted_index[-1])
            if self.favourable:
                return high, low
            return low, high
        if self.order_rules and self.order_problem:
            return self.order_problem
        # first maximum and first minimum, as healthequal's which(est == max(est))[1]
        return int(np.argmax(self.y)), int(np.argmin(self.y))

    def par_reference(self) -> float | Message:
        """Reference estimate for PAR/PAF (HEAT ``calc_par``): the reference subgroup if any;
        else for ordered data the highest order (whether or not the indicator is favourable);
        else the best subgroup."""
        idx = self.par_reference_index()
        if isinstance(idx, Message):
            return idx
        return self.best if idx < 0 else float(self.y[idx])

    def par_reference_index(self) -> int | Message:
        """Row index of the PAR/PAF reference subgroup (see :meth:`par_reference`)."""
        if self.reference is not None:
            return self.reference
        if self.reference_problem:
            return self.reference_problem
        if self.order_rules and self.order is not None:
            return int(np.argmax(self.order))
        if self.order_rules and self.order_problem:
            return self.order_problem
        return int(np.argmax(self.y) if self.favourable else np.argmin(self.y))


def _as_vector(values: Any, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers, got {values!r:.80}") from exc
    if arr.ndim != 1:
        arr = arr.reshape(-1) if arr.size == 1 else arr
        if arr.ndim != 1:
            raise ValueError(f"{name}: expected a one-dimensional sequence, got shape {arr.shape}")
    return arr


def _reference_index(reference: Any, n: int) -> tuple[int | None, Message | None]:
    """Row index of the reference subgroup in the *given* rows, or a reason it is unusable."""
    if reference is None:
        return None, None
    if isinstance(reference, (int, np.integer)) and not isinstance(reference, bool):
        idx = int(reference)
        if not -n <= idx < n:
            raise ValueError(f"reference: index {idx} is outside 0..{n - 1}")
        return idx % n, None
    mask = _as_vector(reference, "reference")
    if mask.size != n:
        raise ValueError(f"reference: {mask.size} values for {n} subgroups")
    flagged = np.flatnonzero(mask == 1)
    if flagged.size == 1:
        return int(flagged[0]), None
    if flagged.size == 0:
        return None, None
    # HEAT's reference_group_exists(): exactly one flagged row, otherwise there is none
    return None, msg("measures.reason.many_references", n=int(flagged.size))


def prepare(
    estimates: Any,
    population: Any,
    *,
    favourable: bool = True,
    order: Any = None,
    reference: Any = None,
    scale: float | None = None,
    order_rules: bool = True,
    se: Any = None,
) -> Subgroups:
    """Check and prepare subgroup data once for any number of measures.

    See the module docstring for the arguments; ``se`` (optional) is one standard error per
    subgroup in the estimates' units (NaN = unknown). Raises ValueError only for malformed
    input (lengths differ, non-numbers, a negative se); every other problem becomes a
    NaN-with-reason later.
    """
    y = _as_vector(estimates, "estimates")
    pop = _as_vector(population, "population")
    n_given = y.size
    if pop.size != n_given:
        raise ValueError(f"population: {pop.size} values for {n_given} estimates")
    if scale is not None and not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale: must be a positive number, got {scale!r}")

    ref_idx, reference_problem = _reference_index(reference, n_given)
    se_arr: np.ndarray | None = None
    if se is not None:
        se_arr = _as_vector(se, "se")
        if se_arr.size != n_given:
            raise ValueError(f"se: {se_arr.size} values for {n_given} estimates")
        if (se_arr < 0).any() or np.isinf(se_arr).any():
            raise ValueError("se: standard errors must be finite and non-negative")

    order_arr: np.ndarray | None = None
    order_problem: Message | None = None
    if order is not None:
        order_arr = _as_vector(order, "order")
        if order_arr.size != n_given:
            raise ValueError(f"order: {order_arr.size} values for {n_given} subgroups")
        n_bad = int(np.isnan(order_arr).sum())
        if n_bad:
            order_problem = msg("measures.reason.order_missing", n=n_bad)
            order_arr = None
        elif n_given and not order_arr.any():
            # HEAT data carry subgroup_order = 0 for non-ordered dimensions
            order_arr = None

    missing = np.isnan(y)
    n_missing = int(missing.sum())
    missing_extremes = False
    if n_missing:
        if order_arr is not None:
            missing_extremes = bool(
                missing[int(np.argmin(order_arr))] or missing[int(np.argmax(order_arr))]
            )
        if ref_idx is not None:
            if missing[ref_idx]:
                reference_problem = msg("measures.reason.reference_missing")
                ref_idx = None
            else:
                ref_idx -= int(missing[:ref_idx].sum())
        keep = ~missing
        y, pop = y[keep], pop[keep]
        if se_arr is not None:
            se_arr = se_arr[keep]
        if order_arr is not None:
            order_arr = order_arr[keep]

    input_problem = None
    if np.isinf(y).any():
        input_problem = msg("measures.reason.infinite")
    population_problem = None
    if np.isnan(pop).any():
        population_problem = msg("measures.reason.population_missing")
    elif (pop < 0).any() or np.isinf(pop).any():
        population_problem = msg("measures.reason.population_invalid")
    elif y.size and pop.sum() <= 0:
        population_problem = msg("measures.reason.population_zero")

    return Subgroups(
        y,
        pop,
        favourable=bool(favourable),
        order=order_arr,
        order_problem=order_problem,
        reference=ref_idx,
        reference_problem=reference_problem,
        scale=None if scale is None else float(scale),
        n_given=n_given,
        n_missing=n_missing,
        missing_extremes=missing_extremes,
        order_rules=bool(order_rules),
        population_problem=population_problem,
        input_problem=input_problem,
        se=se_arr,
    )


def _subgroups(data: Any, population: Any, kwargs: dict[str, Any]) -> Subgroups:
    if isinstance(data, Subgroups):
        if population is not None or kwargs:
            raise ValueError("pass either prepared Subgroups or raw arrays with options, not both")
        return data
    if population is None:
        raise ValueError("population: required (one size per subgroup)")
    return prepare(data, population, **kwargs)


def _nan(measure: str, reason: Message) -> MeasureResult:
    return MeasureResult(measure, NAN, reason)


def _ok(measure: str, value: float) -> MeasureResult:
    # extreme inputs (e.g. a denominator of 1e-320) can overflow; HEAT turns those into NA
    if not math.isfinite(value):
        return MeasureResult(measure, NAN, msg("measures.reason.not_finite"))
    return MeasureResult(measure, value)


def _mean_problem(s: Subgroups) -> Message | None:
    if s.mu == 0:
        return msg("measures.reason.mean_zero")
    return None


# --------------------------------------------------------------------------- simple measures


def d(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """D - Difference.

    ``D = y1 - y2``, in the indicator's units. Absolute, simple, ordered or non-ordered,
    unweighted, two groups (from two subgroups on).

    Which subgroups (HEAT): with a reference subgroup, favourable: y1 = reference,
    y2 = lowest other; adverse: y1 = highest other, y2 = reference. Ordered (``order``):
    favourable: highest minus lowest order; adverse: lowest minus highest order. Otherwise
    y1 = max, y2 = min for both directions (also with ``order_rules=False``), so D >= 0.
    For ordered data D > 0 means the better-off do better on a favourable indicator (or the
    worse-off fare worse on an adverse one).

    Reference: HEAT-Measures ``R/calc-d.R``; HEAT Technical Notes, "Difference".
    """
    s = _subgroups(data, population, options)
    pair = s.pair()
    if isinstance(pair, Message):
        return _nan("D", pair)
    return _ok("D", pair[0] - pair[1])


def r(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """R - Ratio.

    ``R = y1 / y2`` for the same two subgroups as D. Relative, simple, ordered or non-ordered,
    unweighted, two groups. NaN when y2 is zero (HEAT sets an infinite R to NA).

    Reference: HEAT-Measures ``R/calc-r.R``; HEAT Technical Notes, "Ratio".
    """
    s = _subgroups(data, population, options)
    pair = s.pair()
    if isinstance(pair, Message):
        return _nan("R", pair)
    y1, y2 = pair
    if y2 == 0:
        return _nan("R", msg("measures.reason.denominator_zero"))
    return _ok("R", y1 / y2)


def _par_value(s: Subgroups) -> float | Message:
    reason = s.common_problem(weighted=True)
    if reason:
        return reason
    ref = s.par_reference()
    if isinstance(ref, Message):
        return ref
    value = ref - s.mu
    # HEAT clamps: the reference can never be "worse" than the mean
    if (s.favourable and value < 0) or (not s.favourable and value > 0):
        value = 0.0
    return value


def par(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """PAR - Population attributable risk.

    ``PAR = y_ref - mu`` with ``mu = sum p_j y_j``, clamped at 0 on the wrong side
    (favourable: PAR >= 0; adverse: PAR <= 0). In the indicator's units. y_ref is the reference
    subgroup if one is given; otherwise, for ordered data, the highest order (most advantaged,
    whether or not the indicator is favourable; not with ``order_rules=False``); otherwise the
    best subgroup (max for favourable, min for adverse). Absolute, complex, ordered or
    non-ordered, weighted, two or more groups.

    Note: WHO's ``healthequal`` ignores the reference subgroup here and always uses the best.

    Reference: HEAT-Measures ``R/calc-par.R``; HEAT Technical Notes, "Population attributable
    risk".
    """
    s = _subgroups(data, population, options)
    value = _par_value(s)
    if isinstance(value, Message):
        return _nan("PAR", value)
    return _ok("PAR", value)


def paf(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """PAF - Population attributable fraction.

    ``PAF = 100 * PAR / mu`` (percent), clamped like PAR. Relative, complex, ordered or
    non-ordered, weighted, two or more groups. Favourable: >= 0; adverse: <= 0.

    Reference: HEAT-Measures ``R/calc-paf.R``; HEAT Technical Notes, "Population attributable
    fraction".
    """
    s = _subgroups(data, population, options)
    value = _par_value(s)
    if isinstance(value, Message):
        return _nan("PAF", value)
    reason = _mean_problem(s)
    if reason:
        return _nan("PAF", reason)
    value = 100.0 * value / s.mu
    if (s.favourable and value < 0) or (not s.favourable and value > 0):
        value = 0.0
    return _ok("PAF", value)


# --------------------------------------------------------------------------- variance family


def bgv(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """BGV - Between-group variance.

    ``BGV = sum_j p_j (y_j - mu)^2``, in squared indicator units. Absolute, complex,
    non-ordered, weighted, more than two groups. Same for favourable and adverse indicators.

    Reference: HEAT-Measures ``R/calc-bgv.R``; HEAT Technical Notes, "Between-group variance".
    """
    s = _subgroups(data, population, options)
    reason = s.many_problem(weighted=True)
    if reason:
        return _nan("BGV", reason)
    return _ok("BGV", float(s.share @ (s.absdev * s.absdev)))


def bgsd(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """BGSD - Between-group standard deviation.

    ``BGSD = sqrt(BGV)``, in the indicator's units. Absolute, complex, non-ordered, weighted,
    more than two groups.

    Reference: HEAT-Measures ``R/calc-bgsd.R``; HEAT Technical Notes, "Between-group standard
    deviation".
    """
    s = _subgroups(data, population, options)
    v = bgv(s)
    if v.message:
        return _nan("BGSD", v.message)
    return _ok("BGSD", math.sqrt(v.value))


def cov(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """COV - Coefficient of variation.

    ``COV = 100 * BGSD / mu`` (percent). Relative, complex, non-ordered, weighted, more than two
    groups.

    Reference: HEAT-Measures ``R/calc-cov.R``; HEAT Technical Notes, "Coefficient of variation".
    """
    s = _subgroups(data, population, options)
    sd = bgsd(s)
    if sd.message:
        return _nan("COV", sd.message)
    reason = _mean_problem(s)
    if reason:
        return _nan("COV", reason)
    return _ok("COV", 100.0 * sd.value / s.mu)


# --------------------------------------------------------------------------- mean differences


def mdmu(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """MDMU - Mean difference from mean (unweighted).

    ``MDMU = (1/n) sum_j |y_j - mu|`` with the population-weighted ``mu``; indicator units.
    Absolute, complex, non-ordered, unweighted (mu is weighted), more than two groups.

    Reference: HEAT-Measures ``R/calc-mdmu.R``; HEAT Technical Notes, "Mean difference from
    mean".
    """
    s = _subgroups(data, population, options)
    reason = s.many_problem(weighted=True)
    if reason:
        return _nan("MDMU", reason)
    return _ok("MDMU", float(s.absdev.mean()))


def mdmw(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """MDMW - Mean difference from mean (weighted).

    ``MDMW = sum_j p_j |y_j - mu|``; indicator units. Absolute, complex, non-ordered, weighted,
    more than two groups.

    Reference: HEAT-Measures ``R/calc-mdmw.R``; HEAT Technical Notes, "Mean difference from
    mean".
    """
    s = _subgroups(data, population, options)
    reason = s.many_problem(weighted=True)
    if reason:
        return _nan("MDMW", reason)
    return _ok("MDMW", float(s.share @ s.absdev))


def mdbu(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """MDBU - Mean difference from best performing subgroup (unweighted).

    ``MDBU = (1/n) sum_j |y_best - y_j|``, y_best = max (favourable) or min (adverse) estimate,
    regardless of any reference subgroup or order. Indicator units. Absolute, complex,
    non-ordered, unweighted, more than two groups.

    Reference: HEAT-Measures ``R/calc-mdbu.R``; HEAT Technical Notes, "Mean difference from
    best performing subgroup".
    """
    s = _subgroups(data, population, options)
    reason = s.many_problem(weighted=False)
    if reason:
        return _nan("MDBU", reason)
    return _ok("MDBU", float(np.abs(s.best - s.y).mean()))


def mdbw(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """MDBW - Mean difference from best performing subgroup (weighted).

    ``MDBW = sum_j p_j |y_best - y_j|``; indicator units. For a favourable indicator it equals
    ``max - mu`` (= PAR without a reference). Absolute, complex, non-ordered, weighted, more
    than two groups.

    Reference: HEAT-Measures ``R/calc-mdbw.R``; HEAT Technical Notes, "Mean difference from
    best performing subgroup".
    """
    s = _subgroups(data, population, options)
    reason = s.many_problem(weighted=True)
    if reason:
        return _nan("MDBW", reason)
    # y_best lies on one side of every y_j, so the weighted mean of |y_best - y_j| is |y_best - mu|
    return _ok("MDBW", abs(s.best - s.mu))


def _reference_problem(s: Subgroups) -> Message | None:
    if s.reference is None:
        return s.reference_problem or msg("measures.reason.needs_reference")
    return None


def mdru(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """MDRU - Mean difference from reference subgroup (unweighted).

    ``MDRU = (1/n) sum_j |y_ref - y_j|``; indicator units. Absolute, complex, non-ordered,
    unweighted, more than two groups. Needs a reference subgroup.

    Reference: HEAT-Measures ``R/calc-mdru.R``; HEAT Technical Notes, "Mean difference from
    reference subgroup".
    """
    s = _subgroups(data, population, options)
    reason = s.many_problem(weighted=False) or _reference_problem(s)
    if reason:
        return _nan("MDRU", reason)
    return _ok("MDRU", float(np.abs(s.y[s.reference] - s.y).mean()))


def mdrw(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """MDRW - Mean difference from reference subgroup (weighted).

    ``MDRW = sum_j p_j |y_ref - y_j|``; indicator units. Absolute, complex, non-ordered,
    weighted, more than two groups. Needs a reference subgroup.

    Reference: HEAT-Measures ``R/calc-mdrw.R``; HEAT Technical Notes, "Mean difference from
    reference subgroup".
    """
    s = _subgroups(data, population, options)
    reason = s.many_problem(weighted=True) or _reference_problem(s)
    if reason:
        return _nan("MDRW", reason)
    return _ok("MDRW", float(s.share @ np.abs(s.y[s.reference] - s.y)))


def idisu(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """IDISU - Index of disparity (unweighted).

    ``IDISU = 100 * MDMU / mu = 100 * (1/n) sum_j |y_j - mu| / mu`` (percent). Relative,
    complex, non-ordered, unweighted (mu weighted), more than two groups.

    Reference: HEAT-Measures ``R/calc-idisu.R``; Keppel & Pearcy (2002); HEAT Technical Notes,
    "Index of disparity".
    """
    s = _subgroups(data, population, options)
    m = mdmu(s)
    reason = m.message or _mean_problem(s)
    if reason:
        return _nan("IDISU", reason)
    return _ok("IDISU", 100.0 * m.value / s.mu)


def idisw(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """IDISW - Index of disparity (weighted).

    ``IDISW = 100 * MDMW / mu = 100 * sum_j p_j |y_j - mu| / mu`` (percent). Relative, complex,
    non-ordered, weighted, more than two groups.

    Reference: HEAT-Measures ``R/calc-idisw.R``; HEAT Technical Notes, "Index of disparity".
    """
    s = _subgroups(data, population, options)
    m = mdmw(s)
    reason = m.message or _mean_problem(s)
    if reason:
        return _nan("IDISW", reason)
    return _ok("IDISW", 100.0 * m.value / s.mu)


# --------------------------------------------------------------------------- entropy family


def _entropy_problem(s: Subgroups) -> Message | None:
    reason = s.many_problem(weighted=True)
    if reason:
        return reason
    if (s.y < 0).any():
        return msg("measures.reason.negative")
    if s.mu <= 0:
        return msg("measures.reason.mean_zero")
    return None


_TINY_MEAN = msg("measures.reason.tiny_mean")


def _log_ratios(s: Subgroups) -> tuple[np.ndarray, np.ndarray]:
    # HEAT replaces zeros (in the indicator's own units) but keeps mu from the original values
    nonzero = np.where(s.y == 0, ZERO_REPLACEMENT, s.y)
    with np.errstate(over="ignore", divide="ignore"):
        ratios = nonzero / s.mu
        return np.log(ratios), ratios


def ti(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """TI - Theil index.

    ``TI = sum_j p_j r_j ln(r_j)``, ``r_j = y_j / mu``; a zero y_j is replaced by 1e-6 (in the
    indicator's units) as HEAT does. Plain index here; HEAT reports ``1000 * TI``
    (``summarise(..., heat_units=True)``). Relative, complex, non-ordered, weighted, more than
    two groups; 0 = no inequality.

    Reference: HEAT-Measures ``R/calc-ti.R``; HEAT Technical Notes, "Theil index".
    """
    s = _subgroups(data, population, options)
    reason = _entropy_problem(s)
    if reason:
        return _nan("TI", reason)
    logs, ratios = _log_ratios(s)
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(s.share @ (ratios * logs))
    if not math.isfinite(value):
        return _nan("TI", _TINY_MEAN)
    # TI >= 0 (r ln r >= r - 1 and sum p_j r_j >= 1); a negative value is rounding noise
    return _ok("TI", max(value, 0.0))


def mld(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """MLD - Mean log deviation.

    ``MLD = sum_j p_j (-ln(y_j / mu))``; zeros replaced by 1e-6 as for TI. Plain index here;
    HEAT reports ``1000 * MLD``. Relative, complex, non-ordered, weighted, more than two groups;
    0 = no inequality.

    Reference: HEAT-Measures ``R/calc-mld.R``; HEAT Technical Notes, "Mean log deviation".
    """
    s = _subgroups(data, population, options)
    reason = _entropy_problem(s)
    if reason:
        return _nan("MLD", reason)
    logs, _ = _log_ratios(s)
    with np.errstate(over="ignore", invalid="ignore"):
        value = -float(s.share @ logs)
    if not math.isfinite(value):
        return _nan("MLD", _TINY_MEAN)
    # MLD >= 0 (Jensen's inequality); a negative value is rounding noise
    return _ok("MLD", max(value, 0.0))


# --------------------------------------------------------------------------- ordered measures

_MAX_NEWTON = 30


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


class _LogitFit:
    """Ends (rank 0 and rank 1) of HEAT's logistic fit, or the reason there is none."""

    __slots__ = ("coef", "data", "high", "low", "reason")

    def __init__(
        self, low: float = NAN, high: float = NAN, reason: Message | None = None,
        coef: tuple[float, float] | None = None,
        data: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.low, self.high, self.reason = low, high, reason
        # (b0, b1) and (rank, binomial weight, observed proportion) for the standard error
        self.coef, self.data = coef, data


def _logit_ends(s: Subgroups) -> _LogitFit:
    """Fit HEAT's ``glm(cbind(est, pop - est) ~ rank, weights = pop, family = binomial)``.

    HEAT: ``pop <- ceiling(pop)``; ``est <- round(est / scale * pop)``; rank = midpoint of the
    cumulative population share (ordered from least to most advantaged). With the count response
    *and* ``weights = pop``, each subgroup enters with binomial weight pop^2 and proportion
    est/pop; the maximum-likelihood equations are ``sum pop_j^2 (f_j - p_j) (1, rank_j) = 0``.
    Solved by Newton's method (= IRLS for the canonical logit link), started from a weighted
    least-squares fit of the empirical logits, which lands within a few iterations.
    Returns expit(b0) (rank 0) and expit(b0 + b1) (rank 1).
    """
    reason = s.ordered_problem()
    if reason:
        return _LogitFit(reason=reason)
    idx = s.sorted_index
    pop = np.ceil(s.pop[idx])
    counts = np.round(s.y[idx] / s.scale * pop)  # numpy rounds half to even, like R's round()
    if (counts < 0).any() or (counts > pop).any():
        return _LogitFit(reason=msg("measures.reason.outside_scale", scale=f"{s.scale:g}"))
    total = pop.sum()
    if total <= 0:
        return _LogitFit(reason=msg("measures.reason.population_zero"))
    cum = np.cumsum(pop) / total
    rank = cum - pop / (2.0 * total)
    keep = pop > 0
    if not keep.all():  # empty subgroups carry no information (zero weight)
        pop, counts, rank = pop[keep], counts[keep], rank[keep]
    frac = counts / pop
    if not (frac > 0).any():
        return _LogitFit(reason=msg("measures.reason.no_events"))
    if (frac >= 1).all():
        return _LogitFit(1.0, 1.0)
    w = pop * pop
    w = w / w.sum()

    # start: weighted least squares on empirical logits (0.5 added to avoid infinite logits)
    adj = (counts + 0.5) / (pop + 1.0)
    z = np.log(adj / (1.0 - adj))
    b0, b1 = _wls(rank, z, w * adj * (1.0 - adj))

    wf = w * frac

    def loglik(c0: float, c1: float) -> float:
        eta = c0 + c1 * rank
        return float(wf @ eta - w @ np.logaddexp(0.0, eta))

    current = loglik(b0, b1)
    for _ in range(_MAX_NEWTON):
        eta = b0 + b1 * rank
        with np.errstate(over="ignore"):  # exp overflow -> p = 0, the correct limit
            p = 1.0 / (1.0 + np.exp(-eta))
        resid = wf - w * p  # score contributions
        g0 = resid.sum()
        g1 = resid @ rank
        h = w * p * (1.0 - p)
        h00 = h.sum()
        h01 = h @ rank
        h11 = h @ (rank * rank)
        det = h00 * h11 - h01 * h01
        if not det > 0:
            return _LogitFit(reason=msg("measures.reason.fit_degenerate"))
        step0 = (h11 * g0 - h01 * g1) / det
        step1 = (h00 * g1 - h01 * g0) / det
        # Damped Newton: a full step from a poor start can overshoot into the flat tails
        # (p ~ 0 or 1, singular Hessian); halve it until the likelihood does not fall.
        for _halving in range(60):
            trial = loglik(b0 + step0, b1 + step1)
            if trial >= current - 1e-12 * (1.0 + abs(current)):
                break
            step0 *= 0.5
            step1 *= 0.5
        current = trial
        b0 += step0
        b1 += step1
        # Newton converges quadratically: after a step of size e the error is O(e^2), so a
        # step below 1e-7 leaves the coefficients accurate to ~1e-14 without another pass
        if abs(step0) + abs(step1) < 1e-7 * (1.0 + abs(b0) + abs(b1)):
            break
        if not (math.isfinite(b0) and math.isfinite(b1)) or abs(b1) > 1e3:
            break
    else:
        return _LogitFit(reason=msg("measures.reason.fit_diverged"))
    if not (math.isfinite(b0) and math.isfinite(b1)) or abs(b1) > 1e3:
        return _LogitFit(reason=msg("measures.reason.fit_diverged"))
    return _LogitFit(_expit(b0), _expit(b0 + b1), coef=(b0, b1), data=(rank, w, frac))


def _wls(x: np.ndarray, z: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    sw = w.sum()
    mx = (w @ x) / sw
    mz = (w @ z) / sw
    dx = x - mx
    sxx = w @ (dx * dx)
    slope = float((w @ (dx * (z - mz))) / sxx) if sxx > 0 else 0.0
    return float(mz - slope * mx), slope


def sii(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """SII - Slope index of inequality.

    ``SII = scale * (expit(b0 + b1) - expit(b0))`` from HEAT's logistic regression of the
    subgroup proportions on the midpoint rank (0 = least, 1 = most advantaged), i.e. the modelled
    difference between the top and bottom of the economic scale, in the indicator's units.
    Counts as HEAT: ``pop = ceil(pop)``, ``est = round(y / scale * pop)``, fitted with
    ``weights = pop`` on top of the counts. Positive SII = higher values among the better-off
    (good for a favourable indicator, bad for an adverse one). Absolute, complex, ordered,
    weighted, more than two groups. Needs ``order``; estimates within 0..scale.

    Reference: HEAT-Measures ``R/calc-sii.R`` (glm + marginaleffects::avg_comparisons);
    HEAT Technical Notes, "Slope index of inequality".
    """
    s = _subgroups(data, population, options)
    fit = s.logit_fit
    if fit.reason:
        return _nan("SII", fit.reason)
    return _ok("SII", s.scale * (fit.high - fit.low))


def rii(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """RII - Relative index of inequality.

    ``RII = expit(b0 + b1) / expit(b0)`` from the same logistic fit as SII: the modelled ratio
    between the top and bottom of the economic scale. A ratio (1 = equal); NaN outside
    [0, 700] (HEAT's outlier rule). Relative, complex, ordered, weighted, more than two groups.

    Reference: HEAT-Measures ``R/calc-rii.R``; HEAT Technical Notes, "Relative index of
    inequality".
    """
    s = _subgroups(data, population, options)
    fit = s.logit_fit
    if fit.reason:
        return _nan("RII", fit.reason)
    if fit.low == 0:
        return _nan("RII", msg("measures.reason.rii_bottom_zero"))
    value = fit.high / fit.low
    lo, hi = RII_LIMITS
    if not lo <= value <= hi:
        return _nan(
            "RII",
            msg("measures.reason.rii_outlier", value=f"{value:.4g}", low=f"{lo:g}", high=f"{hi:g}"),
        )
    return _ok("RII", value)


def _aci_value(s: Subgroups) -> float | Message:
    reason = s.ordered_problem()
    if reason:
        return reason
    idx = s.sorted_index
    share = s.share[idx]
    rank = np.cumsum(share) - 0.5 * share
    return float(2.0 * (share * s.y[idx]) @ rank - s.mu)


def aci(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """ACI - Absolute concentration index.

    ``ACI = sum_j p_j (2 R_j - 1) y_j = 2 sum_j p_j y_j R_j - mu``, with R_j the midpoint
    cumulative population share of subgroup j ordered from least to most advantaged. Indicator
    units. Positive = concentrated among the better-off. Absolute, complex, ordered, weighted,
    more than two groups. Needs ``order``.

    Reference: HEAT-Measures ``R/calc-aci.R`` (a WLS fit algebraically equal to the formula);
    HEAT Technical Notes, "Absolute concentration index".
    """
    s = _subgroups(data, population, options)
    value = _aci_value(s)
    if isinstance(value, Message):
        return _nan("ACI", value)
    return _ok("ACI", value)


def rci(data: Any, population: Any = None, **options: Any) -> MeasureResult:
    """RCI - Relative concentration index.

    ``RCI = ACI / mu`` as a *fraction* (-1..1), as HEAT's code (``calc_rci``) and WHO's stored
    values have it. HEAT's Technical Notes print ``RCI = ACI / mu * 100`` (-100..100); multiply
    by 100 for that reading. Relative, complex, ordered, weighted, more than two groups.

    Reference: HEAT-Measures ``R/calc-rci.R``; HEAT Technical Notes, "Relative concentration
    index".
    """
    s = _subgroups(data, population, options)
    value = _aci_value(s)
    if isinstance(value, Message):
        return _nan("RCI", value)
    reason = _mean_problem(s)
    if reason:
        return _nan("RCI", reason)
    return _ok("RCI", value / s.mu)


# --------------------------------------------------------------------------- uncertainty

ANALYTIC = ("D", "R", "PAR", "PAF", "BGV", "TI", "MLD", "SII", "RII", "ACI", "RCI")
"""Measures with an analytic standard error in WHO's ``healthequal`` (WHOequity/healthequal
``R/<measure>.R``)."""
BOOTSTRAP = ("BGSD", "COV", "MDMU", "MDMW", "MDBU", "MDBW", "MDRU", "MDRW", "IDISU", "IDISW")
"""Measures whose interval ``healthequal`` takes from a parametric bootstrap (no se)."""
NEEDS_SE = ("D", "R", "BGV", "TI", "MLD", *BOOTSTRAP)
"""Measures whose uncertainty comes from the subgroups' standard errors; the others (PAR, PAF,
SII, RII, ACI, RCI) take it from the population counts or the fit's residuals, as in
``healthequal``, and need no ``se``."""
DEFAULT_DRAWS = 1000
"""Bootstrap draws (``healthequal`` uses 100; more draws make the interval's ends steadier)."""
DEFAULT_SEED = 123456
"""``healthequal``'s default seed; numpy's generator, so the draws differ from R's."""


def z_value(conf_level: float = 0.95) -> float:
    """Two-sided standard-normal quantile for ``conf_level`` (1.959964 for 0.95)."""
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level: must lie strictly between 0 and 1, got {conf_level!r}")
    return NormalDist().inv_cdf(1.0 - (1.0 - conf_level) / 2.0)


def _exp(x: float) -> float:
    """exp that overflows to inf instead of raising (the interval is then dropped)."""
    return math.exp(x) if x < 709.0 else math.inf


def _with_interval(
    res: MeasureResult, se: float, lower: float, upper: float, how: str
) -> MeasureResult:
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return res
    return replace(res, se=float(se), lower=float(lower), upper=float(upper), interval=how)


def _symmetric(res: MeasureResult, se: float, z: float, shown_se: float | None = None):
    """``value -/+ z se``; ``shown_se`` is the se reported when HEAT reports another one."""
    return _with_interval(
        res, se if shown_se is None else shown_se, res.value - z * se, res.value + z * se,
        "analytic",
    )


def _se_d_r(abbr: str, s: Subgroups, res: MeasureResult, z: float) -> MeasureResult:
    """D: se = sqrt(se1^2 + se2^2). R: se(ln R) = sqrt((se1^2 + R^2 se2^2) / y2^2) / R and the
    interval exp(ln R -/+ z se) (healthequal ``d.R``, ``r.R``)."""
    idx = s.pair_index()
    if s.se is None or isinstance(idx, Message):
        return res
    se1, se2 = float(s.se[idx[0]]), float(s.se[idx[1]])
    if not (math.isfinite(se1) and math.isfinite(se2)):
        return res
    if abbr == "D":
        return _symmetric(res, math.hypot(se1, se2), z)
    ratio = res.value
    y2 = float(s.y[idx[1]])
    if not ratio > 0:
        return res
    # sqrt((se1^2 + R^2 se2^2) / y2^2) / R, written so that tiny y2 cannot underflow to 0
    se_log = math.hypot(se1, ratio * se2) / abs(y2) / ratio
    if not math.isfinite(se_log):
        return res
    log_r = math.log(ratio)
    return _with_interval(
        res, se_log, _exp(log_r - z * se_log), _exp(log_r + z * se_log), "analytic"
    )


def _se_par_paf(
    abbr: str, s: Subgroups, res: MeasureResult, z: float, heat_units: bool
) -> MeasureResult:
    """PAF's se from the 2x2 table of the reference subgroup against the rest, in counts
    (healthequal ``paf.R``; Walter's formula): c = y_ref / scale * P_ref, d = P_ref - c,
    a = mu / scale * P - c, b = P - a - P_ref, N = P,
    se = sqrt(c N (a d (N - c) + b c^2) / ((a + c)^3 (c + d)^3)) - a *fraction*.
    PAR's se = mu * se (``parisk.R``). HEAT adds the fraction-scale se to PAF in percent; with
    ``heat_units`` that is reproduced, otherwise PAF's se is 100 x it (percent, like PAF)."""
    idx = s.par_reference_index()
    if isinstance(idx, Message):
        return res
    total = float(s.pop.sum())
    ref_pop = float(s.pop[idx])
    ref_est = float(s.y[idx])
    c = ref_est / s.scale * ref_pop
    d_ = ref_pop - c
    a = s.mu / s.scale * total - c
    b = total - a - ref_pop
    denom = (a + c) ** 3 * (c + d_) ** 3
    with np.errstate(all="ignore"):
        inner = c * total * (a * d_ * (total - c) + b * c * c) / denom if denom else NAN
    if not (math.isfinite(inner) and inner >= 0):
        return res
    se_frac = math.sqrt(inner)
    if abbr == "PAR":
        return _symmetric(res, abs(s.mu) * se_frac, z)
    if heat_units:
        return _symmetric(res, se_frac, z)
    return _symmetric(res, 100.0 * se_frac, z)


def _se_bgv(s: Subgroups, res: MeasureResult, z: float) -> MeasureResult:
    """healthequal ``bgv.R``: se = sqrt(4 S_e2 + 2 (S2^2 - S4 + S_e4)) with
    S_e2 = sum p^2 se^2 (y - mu)^2, S2 = sum p^2 se^2, S4 = sum p^4 se^4,
    S_e4 = sum p^2 (1 - p)^2 se^4."""
    if s.se is None or not np.isfinite(s.se).all():
        return res
    p2 = s.share**2
    v = s.se**2
    se2 = float(p2 @ (v * (s.y - s.mu) ** 2))
    s2 = float(p2 @ v)
    s4 = float((p2 * p2) @ (v * v))
    se4 = float((p2 * (1.0 - s.share) ** 2) @ (v * v))
    inner = 4.0 * se2 + 2.0 * (s2 * s2 - s4 + se4)
    return _symmetric(res, math.sqrt(max(inner, 0.0)), z)


def _se_entropy(
    abbr: str, s: Subgroups, res: MeasureResult, z: float, heat_units: bool
) -> MeasureResult:
    """healthequal ``ti.R``/``mld.R`` (delta method on the plain index, r_j = y_j / mu with
    zeros replaced and mu from the replaced values):
    TI: se = sqrt(sum (1 + ln r_j - sum_k p_k r_k (1 + ln r_k))^2 p_j^2 se_j^2 / mu^2);
    MLD: se = sqrt(sum p_j^2 se_j^2 / mu^2 (1 - 1 / r_j)^2).
    The se is of the plain index; HEAT adds it unscaled to its x1000 value (``heat_units``),
    which is reproduced; in plain units the interval is value -/+ z se."""
    if s.se is None or not np.isfinite(s.se).all():
        return res
    nonzero = np.where(s.y == 0, ZERO_REPLACEMENT, s.y)
    mu = float(s.share @ nonzero)
    ratio = nonzero / mu
    factor = (s.share * s.se / mu) ** 2
    with np.errstate(all="ignore"):
        if abbr == "TI":
            grad = 1.0 + np.log(ratio)
            grad = grad - float(s.share @ (ratio * grad))
        else:
            grad = 1.0 - 1.0 / ratio
        se = math.sqrt(float(factor @ (grad * grad)))
    if not math.isfinite(se):
        return res
    return _symmetric(res, se, z)


def _se_concentration(abbr: str, s: Subgroups, res: MeasureResult, z: float) -> MeasureResult:
    """healthequal ``aci.R``/``rci.R``: the index is the slope of the Gaussian GLM
    ``lhs ~ 0 + rank sqrt(pop) + sqrt(pop)`` with lhs = 2 sigma_R^2 y sqrt(pop) (ACI) or
    2 sigma_R^2 (y / mu) sqrt(pop) (RCI), sigma_R^2 = sum p_j (R_j - 1/2)^2; se is the model
    se of that slope, sqrt(RSS / (n - 2) [(X'X)^-1]_11). It needs no subgroup se."""
    if s.n < 3:
        return res
    idx = s.sorted_index
    pop = s.pop[idx]
    y = s.y[idx]
    share = pop / pop.sum()
    rank = np.cumsum(share) - 0.5 * share
    sigma = float(share @ (rank - 0.5) ** 2)
    root = np.sqrt(pop)
    lhs = 2.0 * sigma * y * root
    if abbr == "RCI":
        lhs = lhs / s.mu
    x = np.column_stack([rank * root, root])
    xtx = x.T @ x
    det = float(np.linalg.det(xtx))
    if not det > 0:
        return res
    beta = np.linalg.solve(xtx, x.T @ lhs)
    rss = float(((lhs - x @ beta) ** 2).sum())
    se = math.sqrt(rss / (s.n - 2) * float(np.linalg.inv(xtx)[0, 0]))
    return _symmetric(res, se, z)


def _se_logit(
    abbr: str, s: Subgroups, res: MeasureResult, z: float, heat_units: bool
) -> MeasureResult:
    """healthequal ``sii.R``/``rii.R``: ``marginaleffects::avg_comparisons`` on the
    quasibinomial fit with ``vcov = "HC1"``: the sandwich
    V = n / (n - 2) A^-1 B A^-1, A = sum m_j p_j (1 - p_j) x_j x_j', B = sum m_j^2 (f_j - p_j)^2
    x_j x_j' (x_j = (1, rank_j), m_j the binomial weight pop_j^2, f_j the observed share), and
    the delta method: SII = p1 - p0 with gradient (p1 q1 - p0 q0, p1 q1); ln RII = ln p1 - ln p0
    with gradient (p0 - p1, q1) (q = 1 - p). SII's se is on the 0-1 scale in HEAT and its
    interval is scaled (``heat_units``); in plain units the se is scaled too. RII's se is of
    ln RII and its interval exp(ln RII -/+ z se)."""
    fit = s.logit_fit
    if fit.coef is None or fit.data is None:
        return res
    rank, w, frac = fit.data
    n = rank.size
    if n < 3:
        return res
    b0, b1 = fit.coef
    with np.errstate(over="ignore"):
        p = 1.0 / (1.0 + np.exp(-(b0 + b1 * rank)))
    x = np.column_stack([np.ones_like(rank), rank])
    a = x.T @ ((w * p * (1.0 - p))[:, None] * x)
    score = (w * (frac - p))[:, None] * x
    try:
        a_inv = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return res
    vcov = n / (n - 2.0) * a_inv @ (score.T @ score) @ a_inv
    p0, p1 = fit.low, fit.high
    if abbr == "SII":
        grad = np.array([p1 * (1 - p1) - p0 * (1 - p0), p1 * (1 - p1)])
    else:
        grad = np.array([p0 - p1, 1 - p1])
    var = float(grad @ vcov @ grad)
    if not (math.isfinite(var) and var >= 0):
        return res
    se = math.sqrt(var)
    if abbr == "SII":
        lower, upper = res.value - z * se * s.scale, res.value + z * se * s.scale
        return _with_interval(res, se if heat_units else se * s.scale, lower, upper, "analytic")
    log_rii = math.log(res.value)
    return _with_interval(
        res, se, _exp(log_rii - z * se), _exp(log_rii + z * se), "analytic"
    )


def _bounds(scale: float) -> tuple[float, float]:
    """Where the bootstrap truncates a simulated estimate. healthequal: [0, 100] for a percent
    (scale 100), [0, inf) otherwise. A share on the 0-1 scale (scale 1) is bounded at 1 here
    too: it is the same rule for the same indicator written as a fraction."""
    if scale in (1.0, 100.0):
        return 0.0, scale
    return 0.0, math.inf


def truncated_normal_draws(
    mean: Any, sd: Any, *, low: float = 0.0, high: float = math.inf, draws: int = DEFAULT_DRAWS,
    seed: int | np.random.Generator | None = DEFAULT_SEED,
) -> np.ndarray:
    """``draws`` x n draws, column j from Normal(mean_j, sd_j) truncated to [low, high].

    healthequal's rejection loop (``repeat {x <- rnorm(1, est, se); if (x >= 0 & x <= 100)
    break}``), vectorised: every cell is drawn at once, the cells outside the bounds drawn
    again (a few rounds), and any cell still outside after that (a mean far outside the
    bounds) drawn by inverse-CDF sampling - the same truncated normal. A column with sd 0 is
    its mean in every draw."""
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = int(draws)
    varying = sd > 0
    with np.errstate(all="ignore"):
        out = mean + np.where(varying, sd, 0.0) * rng.standard_normal((draws, mean.size))
        bad = ((out < low) | (out > high)) & varying
        for _round in range(_REJECTION_ROUNDS):
            if not bad.any():
                break
            rows, cols = np.nonzero(bad)
            redraw = mean[cols] + sd[cols] * rng.standard_normal(cols.size)
            out[rows, cols] = redraw
            bad[rows, cols] = (redraw < low) | (redraw > high)
        if bad.any():
            from scipy.special import ndtr, ndtri

            rows, cols = np.nonzero(bad)
            m, v = mean[cols], sd[cols]
            # a tiny sd overflows (low - m) / v to -inf, and ndtr(-inf) = 0 is the right limit
            lo = ndtr((low - m) / v)
            hi = ndtr((high - m) / v) if math.isfinite(high) else np.ones_like(m)
            sim = m + v * ndtri(lo + rng.random(cols.size) * (hi - lo))
            out[rows, cols] = np.clip(np.where(np.isnan(sim), m, sim), low, high)
    return out


_REJECTION_ROUNDS = 12
"""Rejection rounds before the inverse-CDF fallback: with at least 1/2 of draws accepted
(a mean inside the bounds) fewer than 1 cell in 4,000 is left after 12 rounds."""


def _bootstrap_values(
    abbr: str, s: Subgroups, sim: np.ndarray, cache: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """The measure on every simulated data set (rows of ``sim``), as healthequal computes it:
    mu and the best subgroup are re-computed from the draws; IDISW keeps the *original*
    weighted mean (healthequal ``idisw.R`` computes the simulated mean and does not use it).
    ``cache`` shares the per-draw mean and deviations between the measures of one call."""
    c = {} if cache is None else cache

    def get(key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in c:
            c[key] = make()
        return c[key]

    with np.errstate(all="ignore"):
        if abbr in ("MDBU", "MDBW", "MDRU", "MDRW"):
            if abbr in ("MDBU", "MDBW"):
                dev = get("best_dev", lambda: np.abs(
                    sim - (sim.max(axis=1) if s.favourable else sim.min(axis=1))[:, None]))
            else:
                dev = get("ref_dev", lambda: np.abs(sim - sim[:, [s.reference]]))
            # MDBU and MDRU are unweighted and apply even when the populations do not
            return dev.mean(axis=1) if abbr in ("MDBU", "MDRU") else dev @ s.share
        p = s.share
        if abbr == "IDISW":
            return 100.0 * (np.abs(sim - s.mu) @ p) / s.mu
        mu = get("mu", lambda: sim @ p)
        if abbr in ("BGSD", "COV"):
            sd = get("sd", lambda: np.sqrt(((sim - mu[:, None]) ** 2) @ p))
            return sd if abbr == "BGSD" else 100.0 * sd / mu
        dev = get("mean_dev", lambda: np.abs(sim - mu[:, None]))
        if abbr in ("MDMU", "IDISU"):
            md = get("mdmu", lambda: dev.mean(axis=1))
            return md if abbr == "MDMU" else 100.0 * md / mu
        return dev @ p  # MDMW


def _interval(
    abbr: str, s: Subgroups, res: MeasureResult, *, z: float, heat_units: bool,
    conf_level: float, sim: Callable[[], np.ndarray | None],
    cache: dict[str, np.ndarray] | None = None,
) -> MeasureResult:
    """``res`` with its se and interval, or ``res`` unchanged when there is none."""
    if res.message is not None or not math.isfinite(res.value):
        return res
    # extreme inputs (subnormal shares, populations of 1e300) can overflow anywhere below;
    # such a measure keeps its value and simply has no interval, like HEAT's NA
    try:
        with np.errstate(all="ignore"):
            out = _interval_of(
                abbr, s, res, z=z, heat_units=heat_units, conf_level=conf_level, sim=sim,
                cache=cache,
            )
    except (OverflowError, ZeroDivisionError, ValueError, np.linalg.LinAlgError):
        return res
    if out.interval is not None and not (
        out.lower <= out.upper and (math.isnan(out.se) or out.se >= 0)
    ):
        return res
    return out


def _interval_of(
    abbr: str, s: Subgroups, res: MeasureResult, *, z: float, heat_units: bool,
    conf_level: float, sim: Callable[[], np.ndarray | None],
    cache: dict[str, np.ndarray] | None,
) -> MeasureResult:
    if abbr in ("D", "R"):
        return _se_d_r(abbr, s, res, z)
    if abbr in ("PAR", "PAF"):
        return _se_par_paf(abbr, s, res, z, heat_units)
    if abbr == "BGV":
        return _se_bgv(s, res, z)
    if abbr in ("TI", "MLD"):
        return _se_entropy(abbr, s, res, z, heat_units)
    if abbr in ("ACI", "RCI"):
        return _se_concentration(abbr, s, res, z)
    if abbr in ("SII", "RII"):
        return _se_logit(abbr, s, res, z, heat_units)
    draws = sim()
    if draws is None:
        return res
    values = _bootstrap_values(abbr, s, draws, cache)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return res
    tail = (1.0 - conf_level) / 2.0
    # numpy's default "linear" quantile is R's type 7, which healthequal's quantile() uses
    lower, upper = np.quantile(values, [tail, 1.0 - tail])
    # healthequal reports no se for a bootstrapped measure; neither is one reported here
    return _with_interval(res, NAN, float(lower), float(upper), "bootstrap")


# --------------------------------------------------------------------------- summaries

_FUNCTIONS: dict[str, Callable[[Subgroups], MeasureResult]] = {
    "D": d,
    "R": r,
    "PAR": par,
    "PAF": paf,
    "BGV": bgv,
    "BGSD": bgsd,
    "COV": cov,
    "MDMU": mdmu,
    "MDMW": mdmw,
    "MDBU": mdbu,
    "MDBW": mdbw,
    "MDRU": mdru,
    "MDRW": mdrw,
    "IDISU": idisu,
    "IDISW": idisw,
    "TI": ti,
    "MLD": mld,
    "SII": sii,
    "RII": rii,
    "ACI": aci,
    "RCI": rci,
}


def summarise(
    estimates: Any,
    population: Any,
    *,
    favourable: bool = True,
    order: Any = None,
    reference: Any = None,
    heat_units: bool = False,
    measures: Sequence[str] | None = None,
    scale: float | None = None,
    order_rules: bool = True,
    se: Any = None,
    intervals: bool | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = DEFAULT_SEED,
    conf_level: float = 0.95,
) -> dict[str, MeasureResult]:
    """Every requested HEAT summary measure for one indicator across subgroups.

    Args:
        estimates: one value per subgroup in the indicator's own units (design.md: fractions
            0-1 for coverage and out-of-pocket share).
        population: subgroup sizes (persons), the weights.
        favourable: True if more is better (coverage), False if more is worse (out-of-pocket).
        order: economic level or subgroup order (least to most advantaged), for SII/RII/ACI/RCI
            and HEAT's ordered rules for D/R/PAR; None for non-ordered subgroups.
        reference: reference subgroup (row index or a 0/1 mask), for MDRU/MDRW and HEAT's
            reference rules for D/R/PAR/PAF.
        heat_units: False (default): TI and MLD as plain indices (design.md's JSON).
            True: TI and MLD x 1000, as HEAT reports them. Nothing else changes: COV, PAF and
            IDIS* are in percent either way.
        measures: abbreviations to compute (any case); None = all 21.
        scale: indicator scale for SII/RII (1, 100, 1000 ...); None infers it.
        order_rules: True (HEAT): with an ``order``, D and R compare the highest and lowest
            ordered subgroups and PAR/PAF use the highest. False: the order only ranks
            subgroups for SII/RII/ACI/RCI, and D, R, PAR, PAF keep the non-ordered rules
            (best and worst subgroup) - for regions ranked by an economic level, which is not
            one of HEAT's ordered dimensions, and as design.md defines PAR (y_best - mu).
        se: one standard error per subgroup, in the estimates' units (NaN = unknown); see
            :func:`subgroup_se` for where they come from. Needed by D, R, BGV, TI, MLD and the
            bootstrapped measures (:data:`NEEDS_SE`).
        intervals: compute se and a ``conf_level`` interval for every measure. None (default):
            only when ``se`` is given (so the point estimates alone stay cheap). PAR, PAF, SII,
            RII, ACI and RCI get theirs without ``se``, as in healthequal.
        draws, seed: the parametric bootstrap (BGSD, COV, MD*, IDIS*): ``draws`` data sets
            drawn from truncated normals around the estimates, one seeded numpy generator
            shared by the measures of this call (so they are reproducible).
        conf_level: 0.95 for 95% intervals.

    Returns:
        ``{abbr: MeasureResult}`` in the order requested (or :data:`ORDER`).

    Raises:
        ValueError: malformed input, or an unknown measure name.
    """
    if measures is None:
        wanted: Sequence[str] = ORDER
    else:
        wanted = [m.upper() for m in measures]
        unknown = [m for m in wanted if m not in _FUNCTIONS]
        if unknown:
            raise ValueError(
                f"measures: unknown {', '.join(unknown)}; known: {', '.join(ORDER)}"
            )
    s = prepare(
        estimates, population, favourable=favourable, order=order, reference=reference,
        scale=scale, order_rules=order_rules, se=se,
    )
    if intervals is None:
        intervals = se is not None
    if intervals:
        if int(draws) < 1:
            raise ValueError(f"draws: must be at least 1, got {draws!r}")
        z = z_value(conf_level)
    sim_cache: list[np.ndarray | None] = []
    boot_cache: dict[str, np.ndarray] = {}  # per-draw mean and deviations shared by measures

    def simulated() -> np.ndarray | None:
        # one draw matrix for every bootstrapped measure of this call, made on first use
        if not sim_cache:
            ok = s.se is not None and s.n > 0 and bool(np.isfinite(s.se).all())
            low, high = _bounds(s.scale)
            sim_cache.append(
                truncated_normal_draws(s.y, s.se, low=low, high=high, draws=draws, seed=seed)
                if ok else None
            )
        return sim_cache[0]

    out: dict[str, MeasureResult] = {}
    for abbr in wanted:
        res = _FUNCTIONS[abbr](s)
        if heat_units and abbr in ("TI", "MLD") and res.message is None:
            res = MeasureResult(abbr, res.value * HEAT_TI_MLD_FACTOR)
        if intervals:
            res = _interval(
                abbr, s, res, z=z, heat_units=heat_units, conf_level=conf_level, sim=simulated,
                cache=boot_cache,
            )
        out[abbr] = res
    return out


def as_values(results: dict[str, MeasureResult], *, missing: Any = None) -> dict[str, Any]:
    """``{abbr: float}`` for JSON: plain Python floats; NaN replaced by ``missing`` (None)."""
    return {
        k: (float(v.value) if math.isfinite(v.value) else missing) for k, v in results.items()
    }


def measure_table(
    results: dict[str, MeasureResult], lang: str = "en", *, heat_units: bool = False
) -> pd.DataFrame:
    """A display table: measure, name, value, se, lower, upper (NaN without an interval),
    units, reading, note (why it is empty, in ``lang``).

    ``lang`` is "en" or "zh". Pass the same ``heat_units`` as to :func:`summarise` so that the
    units column reads "index x 1000" for HEAT's TI and MLD.
    """
    import pandas as pd

    if lang not in ("en", "zh"):
        raise ValueError(f"lang: expected 'en' or 'zh', got {lang!r}")
    rows = []
    for abbr, res in results.items():
        info = MEASURES[abbr]
        units = t(f"measures.units.{info.units}", lang)
        if heat_units and info.units == "index":
            units += " × 1000"
        rows.append(
            {
                "measure": abbr,
                "name": info.name(lang),
                "value": res.value,
                "se": res.se,
                "lower": res.lower,
                "upper": res.upper,
                "units": units,
                "reading": info.reading(lang),
                "note": "" if res.message is None else res.message.text(lang),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["measure", "name", "value", "se", "lower", "upper", "units", "reading", "note"],
    )


# --------------------------------------------------------------------------- where se come from

SE_SOURCES = ("heat_plus", "column", "binomial", "mixed", "none")
"""Where the subgroups' standard errors came from (``measures.se_source.<source>``)."""


@dataclass(frozen=True)
class SubgroupSE:
    """Standard errors for the subgroups, where they came from, and the message saying so.

    ``se``: one per subgroup in the estimates' units (NaN where none could be found);
    ``source``: one of :data:`SE_SOURCES`; ``message``: ``measures.se_source.<source>`` for the
    page and the JSON output; ``n_binomial``: how many were filled by the binomial formula."""

    se: np.ndarray
    source: str
    message: Message
    n_binomial: int = 0


def binomial_se(share: Any, patients: Any, *, scale: float = 1.0) -> np.ndarray:
    """sqrt(y (1 - y) / P) for a share y among P patients, in the estimate's units.

    ``scale`` is the indicator scale (1 for a fraction, 100 for a percent): y is divided by it
    and the result multiplied back. NaN where P is not positive or y is outside 0..scale."""
    y = _as_vector(share, "share") / float(scale)
    n = _as_vector(patients, "patients")
    if y.size != n.size:
        raise ValueError(f"patients: {n.size} values for {y.size} shares")
    with np.errstate(all="ignore"):
        se = np.sqrt(y * (1.0 - y) / n) * float(scale)
    bad = ~((n > 0) & (y >= 0) & (y <= 1))
    return np.where(bad, NAN, se)


def subgroup_se(
    estimates: Any, *, se: Any = None, source: str = "column", patients: Any = None,
    scale: float = 1.0,
) -> SubgroupSE:
    """The subgroups' standard errors, and where they came from.

    Order of preference (issue 14): given standard errors ``se`` - the ``se`` column of a HEAT
    Plus file (``source="heat_plus"``) or an ``<indicator>_se`` column of a region table
    (``source="column"``); where those are missing (None, or NaN for some subgroups) and
    ``patients`` is given, the binomial se sqrt(y (1 - y) / P) of a share among P patients
    (:func:`binomial_se`). ``source`` of the result: the given one when every se was given,
    "binomial" when all were computed, "mixed" when some were, "none" when some are still
    missing and nothing could fill them.
    """
    if source not in ("heat_plus", "column"):
        raise ValueError(f"source: expected 'heat_plus' or 'column', got {source!r}")
    y = _as_vector(estimates, "estimates")
    if se is None:
        given = np.full(y.size, NAN)
    else:
        given = _as_vector(se, "se")
        if given.size != y.size:
            raise ValueError(f"se: {given.size} values for {y.size} estimates")
        if (given < 0).any():
            raise ValueError("se: standard errors must be non-negative")
    missing = np.isnan(given) & ~np.isnan(y)
    out = given.copy()
    n_binomial = 0
    if missing.any() and patients is not None:
        filled = binomial_se(y, patients, scale=scale)
        use = missing & ~np.isnan(filled)
        out[use] = filled[use]
        n_binomial = int(use.sum())
    still_missing = int((np.isnan(out) & ~np.isnan(y)).sum())
    if still_missing:
        kind = "none"
    elif n_binomial == 0:
        kind = source
    elif n_binomial == int((~np.isnan(y)).sum()):
        kind = "binomial"
    else:
        kind = "mixed"
    message = msg(
        f"measures.se_source.{kind}", n=int(y.size), n_binomial=n_binomial,
        missing=still_missing,
    )
    return SubgroupSE(out, kind, message, n_binomial)


def table_se(
    table: pd.DataFrame, indicator: str, *, population: str = "patients", scale: float = 1.0,
) -> SubgroupSE:
    """Standard errors for ``indicator`` in a region table: its optional ``<indicator>_se``
    column, else the binomial se of the share among the ``population`` column's patients."""
    given = table[f"{indicator}_se"].to_numpy(float) if f"{indicator}_se" in table else None
    patients = table[population].to_numpy(float) if population in table else None
    return subgroup_se(
        table[indicator].to_numpy(float), se=given, source="column", patients=patients,
        scale=scale,
    )


# --------------------------------------------------------------------------- output


def result_to_dict(res: MeasureResult) -> dict[str, Any]:
    """One measure for JSON: ``{"value", "se", "lower", "upper", "interval", "reason"}``;
    plain floats, NaN -> None; ``reason`` is ``Message.to_dict()`` (code, params, English) or
    None."""

    def plain(x: float) -> float | None:
        return float(x) if math.isfinite(x) else None

    return {
        "value": plain(res.value),
        "se": plain(res.se),
        "lower": plain(res.lower),
        "upper": plain(res.upper),
        "interval": res.interval,
        "reason": None if res.message is None else res.message.to_dict(),
    }


def as_records(results: dict[str, MeasureResult]) -> dict[str, dict[str, Any]]:
    """``{abbr: result_to_dict(result)}`` - the measures with their uncertainty, for JSON
    (the richer sibling of :func:`as_values`)."""
    return {k: result_to_dict(v) for k, v in results.items()}


# --------------------------------------------------------------------------- gap interval


@dataclass(frozen=True)
class GapInterval:
    """A gap (D = mean of group A - mean of group B) with its interval.

    ``value``: the gap as computed (no uncertainty); ``lower``/``upper``: the interval;
    ``se_sampling``: the sampling error of the subgroup estimates carried to the gap;
    ``se_inputs``: the standard deviation of the Monte Carlo draws (uncertain inputs; 0 when
    none were given); ``se_total`` = sqrt(se_sampling^2 + se_inputs^2); ``method``:
    "analytic" (value -/+ z se_sampling) or "combined" (percentiles of draw + sampling noise).
    """

    value: float
    lower: float
    upper: float
    se_sampling: float
    se_inputs: float
    se_total: float
    method: str
    conf_level: float


def gap_sampling_se(se: Any, population: Any, in_a: Any, in_b: Any) -> float:
    """Sampling se of D = mean_A - mean_B with patient-weighted group means.

    mean_A = sum_{j in A} P_j y_j / P_A, so var(mean_A) = sum_{j in A} (P_j / P_A)^2 se_j^2
    (independent regional estimates); var(D) = var(mean_A) + var(mean_B). NaN if a needed se
    is missing or a group has no patients."""
    se = _as_vector(se, "se")
    pop = _as_vector(population, "population")
    a = np.asarray(in_a, dtype=bool)
    b = np.asarray(in_b, dtype=bool)
    if not (se.size == pop.size == a.size == b.size):
        raise ValueError("se, population, in_a and in_b must have one value per region")
    var = 0.0
    for mask in (a, b):
        total = float(pop[mask].sum())
        if not total > 0:
            return NAN
        w = pop[mask] / total
        var += float((w * w) @ (se[mask] ** 2))
    return math.sqrt(var) if math.isfinite(var) else NAN


def gap_interval(
    value: float, *, se_sampling: float, draws: Any = None, conf_level: float = 0.95,
    seed: int | None = DEFAULT_SEED,
) -> GapInterval:
    """The gap's interval under sampling error and, if ``draws`` are given, uncertain inputs.

    Without ``draws``: value -/+ z se_sampling. With ``draws`` (the gap after the fund in each
    Monte Carlo draw over the inputs, e.g. ``equity.solve.uncertainty(...).gap_draws``): the
    two sources are independent (input figures vs. how well each region's share is measured),
    so the gap is draw + e with e ~ Normal(0, se_sampling^2) drawn once per draw (seeded); the
    interval is the percentiles of those sums, and se_total = sqrt(var(draws) + se_sampling^2).
    """
    z = z_value(conf_level)
    value = float(value)
    se_sampling = float(se_sampling)
    if not (math.isfinite(se_sampling) and se_sampling >= 0):
        raise ValueError(f"se_sampling: must be a finite non-negative number, got {se_sampling!r}")
    if draws is None:
        return GapInterval(
            value, value - z * se_sampling, value + z * se_sampling, se_sampling, 0.0,
            se_sampling, "analytic", conf_level,
        )
    d = _as_vector(draws, "draws")
    d = d[np.isfinite(d)]
    if d.size < 2:
        raise ValueError("draws: need at least 2 finite Monte Carlo draws")
    rng = np.random.default_rng(seed)
    total = d + se_sampling * rng.standard_normal(d.size)
    tail = (1.0 - conf_level) / 2.0
    lower, upper = np.quantile(total, [tail, 1.0 - tail])
    se_inputs = float(d.std(ddof=1))
    return GapInterval(
        value, float(lower), float(upper), se_sampling, se_inputs,
        math.hypot(se_sampling, se_inputs), "combined", conf_level,
    )
