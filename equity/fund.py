"""The cross-regional transfer-fund model (annual, region level), as in design.md.

Symbols (per region i; money in yuan / year, fractions 0-1):
P patients, c charity coverage, s subsidy per covered patient, T total cost per patient,
o final out-of-pocket share, O = o*T out-of-pocket per patient (average over covered and
uncovered patients), L the patient's liability before charity.

Liability. ``o*T = L - c*min(s, L)``, solved for L in :mod:`equity.formulas` (one solution
while c < 1: ``L = o*T + c*s`` when that is at least s, else ``L = o*T / (1 - c)``).

Financing (gross fund, yuan / year):
- central pool G;
- levy ``l x population`` paid by *every* region, recipients included: the Zhejiang fund
  takes 2 yuan from every enrollee of the province (002 section 3), and the levy comes out
  of insurance funds, so it changes no region's coverage. Needs ``population``;
- mutual aid ``m x sum(S over recipients)`` paid by donor regions (all regions that are not
  recipients), each in proportion to ``gdp_per_capita x population``;
- charity pooling: ``p x c x P x s`` from each donor region. That region's charity then
  covers fewer patients: its coverage falls to ``c x (1 - p)`` at the same subsidy.
Overhead ``a x gross`` is lost; the rest is the net fund F.
A missing optional column never stops the model: the lever or weight term that needs it
counts as zero, and the result's ``warnings`` say so.

Recipients: regions with ``c < c*`` ("below_target"), or regions whose area_type is in the
chosen list. Shortfall ``S_i = max(0, c* - c_i) x P_i x s_i``.
Weights (sums over recipients): ``w = b_patients P/sum(P) + b_shortfall S/sum(S) +
b_disadvantage (P/g)/sum(P/g) + b_equal/n`` with g = gdp_per_capita.

Use of an allocation A (with breadth share u, take-up e, maximum coverage c_max):
breadth money b buys ``e x b / s`` new places; the (1 - e) share is allocated but not
claimed (``unclaimed``); depth money d raises the subsidy of every covered patient,
``s' = s + d / (c' P)``, never above L. Normally ``b = u A`` and ``d = (1 - u) A``, exactly
design.md's ``newly = e u A / s`` and ``s' = s + (1-u) A / (c' P)``. When one channel is
full (coverage at c_max, or subsidy at L) the rest of A goes to the other channel of the
same region. A region's capacity, the most it can use, is therefore
``K = (c_max - c)^+ P s / e + (L - s)^+ max(c, c_max) P``:
the money that reaches c_max with take-up e, plus the money that lifts every patient then
covered to the liability.

Water-filling: ``A_i = min(K_i, lambda w_i)`` with lambda such that ``sum A = F`` (or every
recipient full); what nobody can use is the unspent reserve. Accounting closes:
``gross = overhead + allocated + unspent``, and ``allocated = breadth + depth + unclaimed``.

After: ``c' = c + newly/P``; ``O' = L - c' min(s', L)``; ``o' = O'/T``. Computed as
"before minus the change", so that a region the fund does not touch keeps exactly its
"before" values.

Mechanisms (docs/mechanisms.md; every default leaves the model exactly as above):
- price cut k on the drug share d and reimbursement harmonisation h are applied to the
  region table *before* the fund (``equity.mechanisms.apply_to_table``): the model runs on
  T' = T (1 - d k) and the harmonised liability L''; "before" in the result stays the
  table as given, so the price cut's and harmonisation's effect on out-of-pocket shows in
  before -> after; the savings by payer and the cost to insurers are reported (``levers``);
- industry levy I (yuan / year) adds to the gross fund like the central pool;
- take-up gain g: the fund works with take-up ``min(1, e (1 + g))``;
- paired assistance: each donor's mutual aid net of overhead, ``(1 - a) M_d``, goes first to
  its partners (by a pairing table, or by adjacency of the boundaries: adjacent recipients,
  else the nearest), up to each partner's capacity K_r; the rest of the net fund is
  water-filled as above over the capacity left. So ``allocated = paired + water-filled``
  and the accounting still closes: ``gross = overhead + allocated + unspent``.

Group gap: patient-weighted means of an indicator in groups A and B, ``D = A - B`` and
``R = A / B``; points closed ``= 100 (|D_before| - |D_after|)`` for fraction indicators
(indicator units otherwise); cost per point ``= gross / points closed``.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from equity import MODEL_VERSION
from equity.errors import EquityError
from equity.formulas import group_gap, liability, weighted_mean
from equity.i18n import Message, msg
from equity.indicators import FRACTION_INDICATORS, MEASURE_INDICATORS
from equity.scenario import RECIPIENTS_BELOW_TARGET, Scenario, scenario_from_dict
from equity.schema import COLUMNS, REQUIRED_COLUMNS

if TYPE_CHECKING:
    from equity.datasets import RegionData

REQUIRED = REQUIRED_COLUMNS
"""Columns the model needs (declared in equity.schema)."""
__all__ = ["FRACTION_INDICATORS", "MEASURE_INDICATORS", "REQUIRED", "liability"]
STATUSES = ("gains", "loses", "unchanged")
_STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES))
_NUMERIC_INPUTS = ("patients", "charity_coverage", "oop_share", "cost_per_patient",
                   "subsidy_per_patient", "population", "gdp_per_capita", "year")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Regions:
    """Numeric inputs of the model, prepared once from a region table (arrays of length n).

    ``L`` is the liability before charity and ``oop`` = O, the out-of-pocket per patient (yuan)."""

    table: pd.DataFrame
    area_type: np.ndarray
    P: np.ndarray
    c: np.ndarray
    o: np.ndarray
    T: np.ndarray
    s: np.ndarray
    oop: np.ndarray
    L: np.ndarray
    population: np.ndarray | None
    gdp: np.ndarray | None
    warnings: tuple[Message, ...] = ()
    geometry: Any = field(default=None, repr=False, compare=False)
    """Region boundaries (a GeoDataFrame with region_id) when the data has them; paired
    assistance by adjacency reads them."""
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Results that depend on the data only (the "before" measures), computed once."""

    @property
    def n(self) -> int:
        return int(self.P.size)

    @property
    def region_id(self) -> np.ndarray:
        return self.table["region_id"].to_numpy(dtype=object)

    @property
    def region_name(self) -> np.ndarray:
        return self.table["region_name"].to_numpy(dtype=object)


class ModelInputError(EquityError):
    """Region data the model cannot run on (a missing column, a value out of range, a group
    column the table does not have); ``problems`` are :class:`Message` objects."""


def _rows(bad: np.ndarray) -> str:
    return ", ".join(str(int(i) + 1) for i in np.flatnonzero(bad)[:5])


def _numeric(table: pd.DataFrame, column: str, source: str, *,
             validated: bool) -> np.ndarray | None:
    """A column as floats. A table that came through equity.io is trusted as validated; a
    bare table gets one vectorised check against the bounds equity.schema declares (so a
    caller handing the model its own DataFrame still gets the row, not a wrong result).
    An optional column that is absent or entirely empty gives None; its empty cells stay NaN
    (the lever that needs them leaves those regions out, with a warning)."""
    spec = COLUMNS[column]
    if column not in table.columns:
        return None
    series = table[column]
    if validated and pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return None if not spec.required and np.isnan(values).all() else values
    try:
        if not pd.api.types.is_float_dtype(series.dtype):
            series = pd.to_numeric(series, errors="raise")
        values = series.to_numpy(dtype=float, na_value=np.nan)
    except (ValueError, TypeError):
        raise ModelInputError([msg("model.problem.not_numbers", source=source,
                                   column=column)]) from None
    if spec.required:
        bad = ~np.isfinite(values)
        if bad.any():
            raise ModelInputError([msg("model.problem.not_finite", source=source,
                                       column=column, rows=_rows(bad))])
    elif np.isnan(values).all():
        return None
    lo, hi = spec.minimum, spec.maximum
    # One pass for the usual case (every value in range); the row search only on failure.
    in_range = values.size == 0 or np.isnan(values).all() or (
        (lo is None or np.nanmin(values) >= lo) and (hi is None or np.nanmax(values) <= hi))
    if not in_range:
        checked = np.nan_to_num(values, nan=lo if lo is not None else 0.0)
        bad = np.zeros(values.shape, dtype=bool)
        if lo is not None:
            bad |= checked < lo
        if hi is not None:
            bad |= checked > hi
        if bad.any():
            limit = (msg("model.limit.at_least", lo=f"{lo:g}") if hi is None else
                     msg("model.limit.between", lo=f"{lo:g}", hi=f"{hi:g}"))
            raise ModelInputError([msg("model.problem.range", source=source, column=column,
                                       limit=limit, rows=_rows(bad))])
    return values


def _names(r: Regions, mask: np.ndarray, limit: int = 3) -> Message:
    names = ", ".join(str(x) for x in r.region_name[mask][:limit])
    more = int(mask.sum()) - min(limit, int(mask.sum()))
    return msg("model.names.more", names=names, more=more) if more > 0 else \
        msg("model.names", names=names)


_PREPARED: dict[int, tuple[weakref.ref, tuple, Regions]] = {}
_PREPARED_MAX = 8


def _fingerprint(table: pd.DataFrame) -> tuple:
    """Cheap check that a cached table has not been changed in place: shape, columns and the
    sum of every numeric column the model reads."""
    sums = []
    for col in _NUMERIC_INPUTS:
        if col not in table.columns:
            sums.append(None)
            continue
        values = table[col].to_numpy()
        sums.append(float(np.nansum(values)) if values.dtype.kind in "fiu" else None)
    return (table.shape, tuple(table.columns), tuple(sums))


def prepare(data: RegionData | pd.DataFrame | str | Path | Regions,
            name: str | None = None) -> Regions:
    """Numeric model inputs from region data (a RegionData, a table, a file or a bundled
    dataset name). A table with a ``year`` column is reduced to its latest year (a warning
    says so). Raises ValueError naming the column and rows for unusable values.

    The result for a RegionData or DataFrame object is remembered (by identity, checked
    against a fingerprint of its numbers), so that the app, which simulates the same data
    for every move of a slider, prepares it and measures its "before" state once."""
    if isinstance(data, Regions):
        return data
    if isinstance(data, (pd.DataFrame, _region_data_type())):
        table = data if isinstance(data, pd.DataFrame) else data.table
        key = id(data)
        hit = _PREPARED.get(key)
        fingerprint = _fingerprint(table)
        if hit is not None and hit[0]() is data and hit[1] == fingerprint:
            return hit[2]
        regions = _prepare(data, name)
        if len(_PREPARED) >= _PREPARED_MAX:
            _PREPARED.pop(next(iter(_PREPARED)))
        _PREPARED[key] = (weakref.ref(data), fingerprint, regions)
        return regions
    return _prepare(data, name)


def _region_data_type() -> type:
    from equity.datasets import RegionData

    return RegionData


def _prepare(data: RegionData | pd.DataFrame | str | Path, name: str | None) -> Regions:
    geometry = None
    if isinstance(data, pd.DataFrame):
        table, source, validated = data, name or "region table", False
    else:
        from equity.datasets import load

        loaded = load(data)
        table, source, validated = loaded.table, loaded.name, True
        geometry = loaded.geometry
    missing = [col for col in REQUIRED if col not in table.columns]
    if missing:
        raise ModelInputError([msg("model.problem.missing_columns", source=source,
                                   columns=", ".join(missing))])
    warnings: list[Message] = []
    if "year" in table.columns and table["year"].nunique() > 1:
        latest = table["year"].max()
        table = table[table["year"] == latest]
        warnings.append(msg("model.warning.several_years", year=_plain(latest)))
    table = table.reset_index(drop=True)
    text = {col: "str" for col in ("region_id", "region_name", "area_type")
            if table[col].dtype != "str"}
    if text:
        table = table.astype(text)
    if table.empty:
        raise ModelInputError([msg("model.problem.no_rows", source=source)])
    P, c, o, T, s, population, gdp = (
        _numeric(table, col, source, validated=validated)
        for col in ("patients", "charity_coverage", "oop_share", "cost_per_patient",
                    "subsidy_per_patient", "population", "gdp_per_capita"))
    oop = o * T
    L = liability(oop, c, s)
    above = L > T * (1 + 1e-9)
    if above.any():
        warnings.append(msg("model.warning.liability_above_cost", count=int(above.sum())))
    no_subsidy = (s <= 0) & (P > 0)
    if no_subsidy.any():
        names = ", ".join(map(str, table["region_name"].to_numpy()[no_subsidy][:5]))
        warnings.append(msg("model.warning.no_subsidy", names=names))
    return Regions(
        table=table,
        area_type=table["area_type"].to_numpy(dtype=object),
        P=P, c=c, o=o, T=T, s=s, oop=oop, L=L,
        population=population, gdp=gdp,
        warnings=tuple(warnings), geometry=geometry,
    )


# --------------------------------------------------------------------------- core maths


Array = np.ndarray | float
"""A region array (n,), a draws x regions array (d, n), or a scalar: the core maths broadcasts."""


def capacity(c: Array, P: Array, s: Array, L: Array, e: Array, c_max: Array) -> np.ndarray:
    """Most money a region can use (yuan): reach c_max with take-up e, then lift every covered
    patient's subsidy to L. Broadcasts over a leading draws axis."""
    headroom = np.maximum(c_max - c, 0.0) * P
    breadth = np.divide(headroom * s, e, out=np.zeros(np.broadcast(headroom, s, e).shape),
                        where=s > 0)
    depth = np.maximum(L - s, 0.0) * np.maximum(c, c_max) * P
    return np.where(s > 0, breadth + depth, 0.0)


def water_fill(F: float, w: np.ndarray, K: np.ndarray) -> np.ndarray:
    """``A = min(K, lambda w)`` with ``sum(A) = min(F, sum K)`` (exact, by sorting K/w).

    Regions with w = 0 get nothing. Yuan in, yuan out."""
    A = np.zeros_like(K, dtype=float)
    live = np.flatnonzero((w > 0) & (K > 0))
    if F <= 0 or live.size == 0:
        return A
    wl, Kl = w[live], K[live]
    total = Kl.sum()
    _overflow_check(total, wl.sum())
    if total <= F:
        A[live] = Kl
        return A
    ratio = Kl / wl
    order = np.argsort(ratio, kind="stable")
    r, ws, ks = ratio[order], wl[order], Kl[order]
    cap_before = np.concatenate(([0.0], np.cumsum(ks)[:-1]))  # full regions below index k
    w_from = np.cumsum(ws[::-1])[::-1]  # weights of regions k.. (not yet full)
    # Money used if lambda = r_k: the regions below k are full, the rest get r_k w.
    used_at = cap_before + r * w_from
    k = int(np.searchsorted(used_at, F, side="left"))
    lam = (F - cap_before[k]) / w_from[k]
    A[live] = np.minimum(Kl, lam * wl)
    return A


def split(A: Array, u: Array, e: Array, c: Array, P: Array, s: Array, L: Array,
          c_max: Array) -> tuple[np.ndarray, np.ndarray]:
    """Breadth money b and depth money d (b + d = A) for allocations A <= capacity.

    With B the money that reaches c_max and H = (L - s)^+ the room to deepen:
    normally b = u A; if the depth share does not fit under L, i.e.
    (1-u) A > H (c P + e b / s), the rest buys places, b = (A - H c P) / (1 + e H / s)
    (which is then larger than u A); b never exceeds B, the remainder deepens.
    So ``b = min(B, max(u A, (A - H c P) / (1 + e H / s)))``. Broadcasts."""
    shape = np.broadcast(A, c, P, s, e).shape
    b_need = np.divide(np.maximum(c_max - c, 0.0) * P * s, e, out=np.zeros(shape),
                       where=np.broadcast_to(s > 0, shape))
    head = np.maximum(L - s, 0.0)
    gain = np.divide(e * head, s, out=np.zeros(shape), where=np.broadcast_to(s > 0, shape))
    b = np.minimum(b_need, np.maximum(u * A, (A - head * c * P) / (1.0 + gain)))
    return b, A - b


@dataclass(frozen=True)
class Outcome:
    """Arrays of one model run (per region) and the fund totals, before results are built."""

    recipients: np.ndarray
    levy: np.ndarray
    mutual: np.ndarray
    pooled: np.ndarray
    shortfall: np.ndarray
    weight: np.ndarray
    capacity: np.ndarray
    A: np.ndarray
    breadth: np.ndarray
    depth: np.ndarray
    newly: np.ndarray
    c_after: np.ndarray
    s_after: np.ndarray
    O_after: np.ndarray
    o_after: np.ndarray
    central: float
    gross: float
    overhead: float
    net: float
    warnings: tuple[Message, ...]
    industry: float = 0.0
    take_up: float = 1.0
    """Take-up the fund worked with (after any take-up gain)."""
    paired: np.ndarray | None = None
    """Money each region received from its paired donors (yuan / year), None when off."""
    paired_result: Any = None
    """The :class:`equity.mechanisms.PairedAssistanceResult`, None when off."""


def recipients_mask(r: Regions, sc: Scenario, warnings: list[Message] | None = None) -> np.ndarray:
    """Boolean mask of recipient regions."""
    if sc.recipients == RECIPIENTS_BELOW_TARGET:
        return r.c < sc.target_coverage
    chosen = list(sc.recipients)
    mask = np.isin(r.area_type, chosen)
    absent = [g for g in chosen if g not in set(r.area_type)]
    if absent and warnings is not None:
        warnings.append(msg("model.warning.recipients_absent",
                            groups=", ".join(map(repr, absent))))
    return mask


def allocation_weights(r: Regions, sc: Scenario, R: np.ndarray, S: np.ndarray,
                       warnings: list[Message]) -> np.ndarray:
    """Allocation weight w of every region (0 outside the recipients R); S the shortfall."""
    b = sc.weights
    w = np.zeros(r.n)
    n_rec = int(R.sum())
    if n_rec == 0:
        return w
    P_r = np.where(R, r.P, 0.0)
    if b.patients > 0 and P_r.sum() > 0:
        w += b.patients * P_r / P_r.sum()
    if b.shortfall > 0 and S.sum() > 0:
        w += b.shortfall * S / S.sum()
    if b.disadvantage > 0:
        if r.gdp is None:
            warnings.append(msg("model.warning.disadvantage_no_gdp"))
        elif (bad := R & ~(r.gdp > 0)).any():
            warnings.append(msg("model.warning.disadvantage_missing", names=_names(r, bad)))
        else:
            ratio = np.divide(P_r, r.gdp, out=np.zeros(r.n), where=R)
            if ratio.sum() > 0:
                w += b.disadvantage * ratio / ratio.sum()
    if b.equal > 0:
        w += b.equal * R / n_rec
    return w


def run_model(r: Regions, sc: Scenario, pairs: pd.DataFrame | None = None) -> Outcome:
    """One run of the model's equations on prepared regions: the arrays before any result
    table is built (goal seeking and the optimiser call this many times). ``r`` are the
    regions the fund sees, i.e. after any price cut or harmonisation (:func:`adjusted`).
    ``pairs``: a pairing table for ``paired_assistance = "table"``
    (:func:`equity.mechanisms.pairs_from_table`). Raises ModelInputError when the region
    numbers are so large that the sums overflow."""
    # Overflow is reported once, as a problem, instead of as numpy warnings and a crash.
    with np.errstate(over="ignore", invalid="ignore"):
        return _equations(r, sc, pairs)


_ADJUSTED_MAX = 16


def adjusted(r: Regions, sc: Scenario) -> tuple[Regions, Any]:
    """The regions as the fund sees them after the price cut and the harmonisation
    (``equity.mechanisms.apply_to_table``), and that adjustment (None when both are off:
    then ``r`` itself is returned, so every default gives exactly today's numbers). The
    liability is taken from the mechanisms (not read back from o), so it is exact even where
    c = 1. Remembered per lever values in ``r.cache``."""
    if sc.price_cut <= 0 and sc.harmonisation_share <= 0:
        return r, None
    key = ("adjusted", sc.price_cut, sc.drug_share, sc.harmonisation_share,
           sc.harmonisation_target)
    hit = r.cache.get(key)
    if hit is not None:
        return hit
    from equity.mechanisms import apply_to_table

    columns = ["patients", "cost_per_patient", "oop_share", "charity_coverage",
               "subsidy_per_patient"]
    frame = pd.DataFrame({"patients": r.P, "cost_per_patient": r.T, "oop_share": r.o,
                          "charity_coverage": r.c, "subsidy_per_patient": r.s})
    adj = apply_to_table(frame[columns], price_cut_share=sc.price_cut,
                         drug_share=sc.drug_share, harmonisation_share=sc.harmonisation_share,
                         harmonisation_target=sc.harmonisation_target)
    T2 = adj.table["cost_per_patient"].to_numpy(dtype=float)
    o2 = adj.table["oop_share"].to_numpy(dtype=float)
    last = adj.harmonisation.detail if adj.harmonisation is not None else adj.price
    L2 = np.asarray(last.liability_after, dtype=float)
    table = r.table.copy()
    table["cost_per_patient"], table["oop_share"] = T2, o2
    regions = dataclasses.replace(r, table=table, T=T2, o=o2, oop=np.asarray(
        last.oop_after, dtype=float), L=L2, cache={})
    if sum(1 for k in r.cache if isinstance(k, tuple) and k[:1] == ("adjusted",)) \
            >= _ADJUSTED_MAX:
        r.cache.pop(next(k for k in r.cache if isinstance(k, tuple) and k[:1] == ("adjusted",)))
    r.cache[key] = (regions, adj)
    return regions, adj


def _pairs(r: Regions, sc: Scenario, donors: np.ndarray, R: np.ndarray,
           pairs: pd.DataFrame | None, warnings: list[Message]) -> pd.DataFrame | None:
    """The pairing table paired assistance uses, or None (with a warning) when there is
    none: the table given, or pairs by adjacency of the data's boundaries."""
    if sc.paired_assistance == "table":
        if pairs is None:
            warnings.append(msg("model.warning.paired_no_table"))
        return pairs
    if r.geometry is None:
        warnings.append(msg("model.warning.paired_no_geometry"))
        return None
    from equity.mechanisms import pairs_from_adjacency

    ids = np.asarray(r.region_id, dtype=str)
    known = set(r.geometry["region_id"].astype(str))
    donor_ids = [i for i in ids[donors] if i in known]
    recipient_ids = [i for i in ids[R] if i in known]
    key = ("pairs", tuple(donor_ids), tuple(recipient_ids))
    if key not in r.cache:
        r.cache[key] = pairs_from_adjacency(r.geometry, donor_ids, recipient_ids)
    return r.cache[key]


def _paired_allocation(r: Regions, sc: Scenario, R: np.ndarray, mutual: np.ndarray,
                       K: np.ndarray, pairs: pd.DataFrame | None,
                       warnings: list[Message]) -> tuple[np.ndarray, Any]:
    """Money each region gets straight from its paired donors (yuan / year): each donor's
    mutual aid net of overhead, ``(1 - a) M_d``, offered to its partners in the pairing's
    shares, each recipient taking at most its capacity K_r. Returns (per region, result)."""
    from equity.mechanisms import paired_assistance

    payers = mutual > 0
    table = _pairs(r, sc, payers, R, pairs, warnings)
    direct = np.zeros(r.n)
    if table is None or not len(table):
        return direct, None
    ids = np.asarray(r.region_id, dtype=str)
    keep = set(ids[R])
    table = table.loc[table["recipient_id"].astype(str).isin(keep)]
    net_share = 1.0 - sc.admin_overhead
    contributions = {i: float(m) * net_share for i, m in zip(ids[payers], mutual[payers],
                                                              strict=True)}
    need = {i: float(k) for i, k in zip(ids[R], K[R], strict=True)}
    result = paired_assistance(contributions, table, need)
    index = {i: n for n, i in enumerate(ids)}
    for rid, amount in result.received.items():
        direct[index[rid]] += amount
    # never above capacity, even by round-off
    return np.minimum(direct, K), result


def _overflow_check(*totals: float) -> None:
    # A sum is finite only when every element is, so the totals the model computes anyway
    # tell whether any region's numbers overflowed.
    if not all(math.isfinite(x) for x in totals):
        raise ModelInputError([msg("model.problem.overflow")])


def _equations(r: Regions, sc: Scenario, pairs: pd.DataFrame | None = None) -> Outcome:
    warnings: list[Message] = list(r.warnings)
    R = recipients_mask(r, sc, warnings)
    donors = ~R
    S = np.where(R, np.maximum(sc.target_coverage - r.c, 0.0) * r.P * r.s, 0.0)

    levy = np.zeros(r.n)
    if sc.levy_per_insured > 0:
        if r.population is None:
            warnings.append(msg("model.warning.levy_no_population"))
        else:
            unknown = np.isnan(r.population)
            if unknown.any():
                warnings.append(msg("model.warning.levy_missing", names=_names(r, unknown)))
            levy = np.where(unknown, 0.0, sc.levy_per_insured * r.population)
    mutual = np.zeros(r.n)
    if sc.mutual_aid_share > 0:
        if r.population is None or r.gdp is None:
            warnings.append(msg("model.warning.mutual_no_columns"))
        elif not donors.any():
            warnings.append(msg("model.warning.mutual_all_recipients"))
        else:
            to_pay = r.gdp * r.population
            unknown = donors & np.isnan(to_pay)
            if unknown.any():
                warnings.append(msg("model.warning.mutual_missing", names=_names(r, unknown)))
            capacity_to_pay = np.where(donors & ~unknown, to_pay, 0.0)
            if capacity_to_pay.sum() > 0:
                mutual = sc.mutual_aid_share * S.sum() * capacity_to_pay / capacity_to_pay.sum()
            else:
                warnings.append(msg("model.warning.mutual_zero"))
    pooled = np.zeros(r.n)
    # Pooling takes charity money, so only donors whose charity pays a subsidy give any (and
    # lose coverage); a donor without a subsidy amount keeps its coverage: pooling it would
    # lower coverage while moving 0 yuan.
    pools = donors
    if sc.charity_pooling_share > 0:
        if "no_subsidy" not in r.cache:
            r.cache["no_subsidy"] = r.s <= 0
        no_subsidy = r.cache["no_subsidy"]
        if not donors.any():
            warnings.append(msg("model.warning.pooling_all_recipients"))
        elif no_subsidy.any():
            # c = 0 or P = 0 pools nothing and loses nothing either way
            pools = donors & ~no_subsidy
            if (idle := donors & no_subsidy & (r.c > 0) & (r.P > 0)).any():
                warnings.append(msg("model.warning.pooling_no_subsidy", names=_names(r, idle)))
        pooled = np.where(pools, sc.charity_pooling_share * r.c * r.P * r.s, 0.0)

    industry = float(sc.industry_levy)
    gross = sc.central_pool + industry + levy.sum() + mutual.sum() + pooled.sum()
    # Region numbers so large that the sums overflow (a population of 1e300): no allocation
    # can be computed from them.
    _overflow_check(gross, S.sum())
    overhead = sc.admin_overhead * gross
    net = gross - overhead

    w = allocation_weights(r, sc, R, S, warnings)
    if net > 0 and not (w > 0).any():
        warnings.append(msg("model.warning.no_weight"))
    e, u, cmax = sc.effective_take_up, sc.breadth_share, sc.max_coverage
    K = np.where(R, capacity(r.c, r.P, r.s, r.L, e, cmax), 0.0)
    direct, paired_result = None, None
    if sc.paired_assistance != "off" and mutual.sum() > 0:
        direct, paired_result = _paired_allocation(r, sc, R, mutual, K, pairs, warnings)
    if direct is None or not direct.any():
        A = water_fill(net, w, K)
    else:
        A = direct + water_fill(max(net - float(direct.sum()), 0.0), w, K - direct)
    b, d = split(A, u, e, r.c, r.P, r.s, r.L, cmax)
    newly = np.divide(e * b, r.s, out=np.zeros(r.n), where=r.s > 0)
    c_gain = np.divide(newly, r.P, out=np.zeros(r.n), where=r.P > 0)
    covered_after = (r.c + c_gain) * r.P
    s_gain = np.divide(d, covered_after, out=np.zeros(r.n), where=covered_after > 0)
    c_after = np.where(pools, r.c * (1.0 - sc.charity_pooling_share), r.c + c_gain)
    # "never above L" (design.md); the clamp only bites on round-off, e.g. subnormal coverages.
    s_after = np.minimum(r.s + s_gain, np.maximum(r.s, r.L))
    # Change in charity money per patient, subtracted from "before" so untouched regions are
    # exactly unchanged.
    relief = c_after * np.minimum(s_after, r.L) - r.c * np.minimum(r.s, r.L)
    O_after = r.oop - relief
    o_after = r.o - np.divide(relief, r.T, out=np.zeros(r.n), where=r.T > 0)
    return Outcome(
        recipients=R, levy=levy, mutual=mutual, pooled=pooled, shortfall=S, weight=w,
        capacity=K, A=A, breadth=b, depth=d, newly=newly, c_after=c_after, s_after=s_after,
        O_after=O_after, o_after=o_after, central=float(sc.central_pool), gross=float(gross),
        overhead=float(overhead), net=float(net), warnings=tuple(warnings), industry=industry,
        take_up=float(e), paired=direct if paired_result is not None else None,
        paired_result=paired_result,
    )


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FundAccount:
    """Where the money comes from and goes (yuan / year).

    ``gross = overhead + allocated + unspent``; ``net = gross - overhead``;
    ``allocated = spent_breadth + spent_depth + unclaimed`` (``unclaimed``: breadth money
    that take-up below 1 leaves unclaimed). ``sources``: central_pool, levy, mutual_aid,
    charity_pooling (and industry_levy when above 0). ``donors``: one row per paying
    region with columns region_id, region_name, area_type, levy, mutual_aid,
    charity_pooling, total."""

    gross: float
    overhead: float
    net: float
    allocated: float
    unspent: float
    unclaimed: float
    spent_breadth: float
    spent_depth: float
    sources: dict[str, float]
    donors: pd.DataFrame


@dataclass(frozen=True)
class GroupGap:
    """Patient-weighted means of ``indicator`` in groups A and B (``column == group_a`` /
    ``group_b``), before and after; ``before``/``after`` are D = A - B, ``ratio_*`` = A / B.
    ``points_closed`` = 100 (|D before| - |D after|) for fraction indicators (percentage
    points), indicator units otherwise; ``cost_per_point`` = gross fund / points_closed
    (NaN when nothing is closed)."""

    indicator: str
    column: str
    group_a: str
    group_b: str
    a_before: float
    b_before: float
    a_after: float
    b_after: float
    before: float
    after: float
    ratio_before: float
    ratio_after: float
    points_closed: float
    cost_per_point: float
    interval: dict[str, Any] | None = None
    """The gap's 95% interval from the regions' sampling error (issue 14):
    ``{"before"|"after": {"lower", "upper", "se", "method"}, "se_source", "reason"}``, the se
    of D from :func:`equity.measures.gap_sampling_se` (each region's ``<indicator>_se``
    column, else the binomial se of a share among its patients); None when the indicator is
    not a share and the table gives no se for it."""


def group_masks(r: Regions, sc: Scenario, warnings: list[Message] | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of groups A and B (``compare.column`` equal to ``compare.a`` / ``b``);
    appends a warning for a group no region belongs to."""
    col = sc.compare.column
    key = ("groups", col, sc.compare.a, sc.compare.b)
    if key not in r.cache:
        if col == "area_type":
            values = r.area_type
        elif col in r.table.columns:
            values = r.table[col].astype(str).to_numpy(dtype=object)
        else:
            raise ModelInputError([msg("model.problem.no_compare_column", column=col)])
        r.cache[key] = (values == sc.compare.a, values == sc.compare.b)
    ma, mb = r.cache[key]
    if warnings is not None:
        for name, group, m in (("compare.a", sc.compare.a, ma), ("compare.b", sc.compare.b, mb)):
            if not m.any():
                warnings.append(msg("model.warning.group_empty", field=name, column=col,
                                    group=group))
    return ma, mb


def compare_problems(data: Regions | RegionData | pd.DataFrame | str | Path,
                     scenario: Scenario | dict | None) -> list[Message]:
    """Problems that make the scenario's group comparison impossible on this data (a missing
    column or a group no region belongs to), each naming the scenario key; [] when fine."""
    r, sc = prepare(data), scenario_from_dict(scenario)
    problems: list[Message] = []
    try:
        group_masks(r, sc, problems)
    except ModelInputError as err:
        return list(err.problems)
    return problems


def indicator_values(r: Regions, out: Outcome, indicator: str) -> tuple[np.ndarray, np.ndarray]:
    """(before, after) arrays of a gap indicator."""
    return {
        "charity_coverage": (r.c, out.c_after),
        "oop_share": (r.o, out.o_after),
        "subsidy_per_patient": (r.s, out.s_after),
        "oop_per_patient": (r.oop, out.O_after),
    }[indicator]


def _gap(r: Regions, sc: Scenario, out: Outcome, warnings: list[Message] | None) -> GroupGap:
    ma, mb = group_masks(r, sc, warnings)
    before, after = indicator_values(r, out, sc.compare.indicator)
    a0, b0 = weighted_mean(before, r.P, ma), weighted_mean(before, r.P, mb)
    a1, b1 = weighted_mean(after, r.P, ma), weighted_mean(after, r.P, mb)
    d0, d1 = a0 - b0, a1 - b1
    scale = 100.0 if sc.compare.indicator in FRACTION_INDICATORS else 1.0
    closed = scale * (abs(d0) - abs(d1))
    # No money, no price: a gap that pooling alone moves has no cost per point (not 0).
    cost = out.gross / closed if closed > 0 and out.gross > 0 else math.nan

    def ratio(x: float, y: float) -> float:
        return x / y if y != 0 else math.nan

    return GroupGap(
        indicator=sc.compare.indicator, column=sc.compare.column, group_a=sc.compare.a,
        group_b=sc.compare.b, a_before=a0, b_before=b0, a_after=a1, b_after=b1, before=d0,
        after=d1, ratio_before=ratio(a0, b0), ratio_after=ratio(a1, b1), points_closed=closed,
        cost_per_point=cost,
        interval=_gap_interval(r, sc.compare.indicator, (before, after), (d0, d1), ma, mb),
    )


def region_se(r: Regions, indicator: str, values: np.ndarray) -> Any:
    """Standard errors of one indicator's regional values (an
    :class:`equity.measures.SubgroupSE`): the table's ``<indicator>_se`` column where given,
    else, for a share (0-1), the binomial ``sqrt(y (1 - y) / P)`` among the region's patients.
    For the "after" values the same column se is kept (the fund moves a share by a computed
    amount; how well the share was measured does not change) and the binomial se is taken at
    the new share."""
    from equity.measures import subgroup_se

    column = f"{indicator}_se"
    given = (r.table[column].to_numpy(dtype=float, na_value=np.nan)
             if column in r.table.columns else None)
    patients = r.P if indicator in FRACTION_INDICATORS else None
    return subgroup_se(values, se=given, source="column", patients=patients)


def _gap_interval(r: Regions, indicator: str, values: tuple[np.ndarray, np.ndarray],
                  gaps: tuple[float, float], ma: np.ndarray, mb: np.ndarray
                  ) -> dict[str, Any] | None:
    from equity.measures import gap_interval, gap_sampling_se

    out: dict[str, Any] = {}
    source = None
    for when, v, gap in zip(("before", "after"), values, gaps, strict=True):
        se = region_se(r, indicator, v)
        source = source or se
        sd = gap_sampling_se(se.se, r.P, ma, mb)
        if not (math.isfinite(sd) and math.isfinite(gap)):
            return None
        iv = gap_interval(gap, se_sampling=sd)
        out[when] = {"lower": iv.lower, "upper": iv.upper, "se": iv.se_sampling,
                     "method": iv.method}
    out["se_source"] = source.source
    out["reason"] = source.message.to_dict()
    return out


def gap_after(r: Regions, sc: Scenario, pairs: pd.DataFrame | None = None) -> float:
    """Only the gap after (D = A - B), for goal seeking and sensitivity."""
    out = run_model(adjusted(r, sc)[0], sc, pairs)
    ma, mb = group_masks(r, sc, None)
    after = indicator_values(r, out, sc.compare.indicator)[1]
    return group_gap(after, r.P, ma, mb)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain-Python dicts (NaN -> None), built column by column (fast)."""
    columns = {}
    for name in frame.columns:
        values = frame[name].tolist()
        if pd.api.types.is_float_dtype(frame[name].dtype):
            values = [v if math.isfinite(v) else None for v in values]
        columns[str(name)] = values
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _plain(x: Any) -> Any:
    """JSON-safe plain Python value (NaN/inf -> None, numpy scalars -> float/int)."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    return x


REGION_JSON_COLUMNS = (
    "region_id", "region_name", "area_type", "patients", "recipient", "allocation",
    "newly_covered", "charity_coverage_before", "charity_coverage_after",
    "subsidy_per_patient_before", "subsidy_per_patient_after", "oop_share_before",
    "oop_share_after", "oop_per_patient_before", "oop_per_patient_after", "oop_yuan_saved",
    "donor_contribution", "charity_pooled_out", "change", "status",
)


@dataclass(frozen=True)
class SimulationResult:
    """Outcome of one scenario. ``regions`` has one row per region (money in yuan / year,
    fractions 0-1, ``oop_yuan_saved`` = (O - O') x P yuan / year, ``change`` = coverage after
    minus before, ``status`` gains / loses / unchanged). ``measures``: HEAT measures across
    regions (patients as population, ordered by gdp_per_capita when present) for
    charity_coverage and oop_share, ``{"before"|"after": {indicator: {abbr: value}}}`` on the
    0-1 scale (TI, MLD not x1000; COV, PAF, IDIS* in percent as HEAT)."""

    scenario: Scenario
    regions: pd.DataFrame
    fund: FundAccount
    gap: GroupGap
    newly_covered: float
    oop_yuan_saved: float
    levers: dict[str, Any]
    """What the mechanism levers did (:func:`levers_report`)."""
    warnings: tuple[Message, ...]
    """What the model had to assume or leave out, as :class:`Message` codes."""
    _measure_inputs: dict[str, Any] = field(repr=False, compare=False)

    @cached_property
    def measures(self) -> dict[str, dict[str, dict[str, float]]]:
        from equity.measures import summarise

        m = self._measure_inputs

        def across_regions(values: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
            block = {}
            for indicator, favourable in MEASURE_INDICATORS.items():
                # The economic order ranks regions for SII/RII/ACI/RCI only; D, R and PAR keep
                # design.md's best-region definition rather than HEAT's richest-vs-poorest rule.
                res = summarise(values[indicator], m["patients"], favourable=favourable,
                                order=m["order"], order_rules=False)
                block[indicator] = {k: float(v.value) for k, v in res.items()}
            return block

        cache = m["cache"]
        if "measures_before" not in cache:
            cache["measures_before"] = across_regions(m["before"])
        before = {k: dict(v) for k, v in cache["measures_before"].items()}
        return {"before": before, "after": across_regions(m["after"])}

    def measure_intervals(self, *, draws: int | None = None, seed: int | None = None
                          ) -> dict[str, Any]:
        """Each measure with its standard error and 95% interval (issue 14), before and
        after: ``{"before"|"after": {indicator: {abbr: {"value", "se", "lower", "upper",
        "interval", "reason"}}}, "se_source": {"before"|"after": {indicator: {"source",
        "message"}}}}``. The regions' standard errors: an ``<indicator>_se`` column, else the
        binomial se among each region's patients (:func:`region_se`). The bootstrapped
        measures are seeded (``equity.measures.DEFAULT_SEED``), so the output is stable."""
        from equity.measures import DEFAULT_DRAWS, DEFAULT_SEED, as_records, summarise

        m = self._measure_inputs
        r = m["regions"]
        out: dict[str, Any] = {"before": {}, "after": {}, "se_source": {"before": {},
                                                                         "after": {}}}
        for when in ("before", "after"):
            for indicator, favourable in MEASURE_INDICATORS.items():
                values = m[when][indicator]
                se = region_se(r, indicator, values)
                res = summarise(values, m["patients"], favourable=favourable,
                                order=m["order"], order_rules=False, se=se.se,
                                intervals=True, draws=draws or DEFAULT_DRAWS,
                                seed=DEFAULT_SEED if seed is None else seed)
                out[when][indicator] = as_records(res)
                out["se_source"][when][indicator] = {"source": se.source,
                                                     "message": se.message.to_dict()}
        return out

    def to_dict(self, *, intervals: bool | None = None) -> dict[str, Any]:
        """design.md's simulate JSON (plus extra keys): plain Python values, NaN -> None.
        ``intervals`` (default: as asked of :func:`simulate`): add ``measure_intervals``
        (:meth:`measure_intervals`)."""
        f = self.fund
        regions = _records(self.regions[list(REGION_JSON_COLUMNS)])
        result = _plain({
            "model_version": MODEL_VERSION,
            "scenario": self.scenario.to_plain(),
            "fund": {
                "gross": f.gross, "overhead": f.overhead, "net": f.net,
                "allocated": f.allocated, "unspent": f.unspent, "unclaimed": f.unclaimed,
                "spent_breadth": f.spent_breadth, "spent_depth": f.spent_depth,
                "sources": f.sources,
            },
            "gap": dataclasses.asdict(self.gap),
            "newly_covered": self.newly_covered,
            "oop_yuan_saved": self.oop_yuan_saved,
            "levers": self.levers,
            "measures": self.measures,
            "warnings": [w.to_dict() for w in self.warnings],
        })
        result["fund"]["donors"] = _records(f.donors)
        result["regions"] = regions
        if self._measure_inputs.get("intervals") if intervals is None else intervals:
            result["measure_intervals"] = _plain(self.measure_intervals())
        return result


def levers_report(adj: Any, out: Outcome) -> dict[str, Any]:
    """What the mechanism levers did, as plain values (yuan / year, fractions 0-1):
    ``price_cut``: savings by payer (insurers, charity, patients, total) or None;
    ``harmonisation``: target insurer share and cost to insurers, or None;
    ``industry_levy``: yuan into the gross fund; ``take_up``: the take-up the fund used;
    ``paired``: flows per pair (donor_id, recipient_id, kind, amount), what each donor's
    mutual aid left for the pool and what each recipient received, or None."""
    price = None if adj is None or adj.price is None else adj.price.savings.to_dict()
    harmonisation = None
    if adj is not None and adj.harmonisation is not None:
        h = adj.harmonisation
        harmonisation = {"target": h.target, "target_share": h.target_share,
                         "cost_to_insurers": h.cost_to_insurers,
                         "savings": h.detail.savings.to_dict()}
    paired = None
    if out.paired_result is not None:
        pr = out.paired_result
        paired = {"flows": _records(pr.flows), "to_pool": pr.to_pool,
                  "received": pr.received, "paired_total": float(pr.flows["amount"].sum()),
                  "offered": pr.total}
    return {"price_cut": price, "harmonisation": harmonisation,
            "industry_levy": out.industry, "take_up": out.take_up, "paired": paired}


def simulate(data: RegionData | pd.DataFrame | str | Path | Regions,
             scenario: Scenario | dict | None = None, *,
             pairs: pd.DataFrame | None = None, intervals: bool = False) -> SimulationResult:
    """Run the transfer-fund model for one scenario.

    ``data``: RegionData, a region table, a file path or a bundled dataset name ("city_w").
    ``scenario``: a Scenario, a dict as in a scenario file, or None for every default (then
    the fund is zero and every "after" equals its "before").
    ``pairs``: the pairing table for ``paired_assistance = "table"`` (columns donor_id,
    recipient_id, optional share; :func:`equity.mechanisms.pairs_from_table`).
    ``intervals``: also give each measure's standard error and 95% interval
    (``measure_intervals`` in :meth:`SimulationResult.to_dict`); off by default (slower).
    Raises ScenarioError for an invalid scenario and ValueError for unusable data."""
    sc = scenario_from_dict(scenario)
    r = prepare(data)
    if pairs is not None:
        from equity.mechanisms import pairs_from_table

        pairs = pairs_from_table(pairs, r.region_id.astype(str))
    rm, adj = adjusted(r, sc)
    out = run_model(rm, sc, pairs)
    warnings = list(out.warnings)
    gap = _gap(r, sc, out, warnings)

    contribution = out.levy + out.mutual + out.pooled
    covered_before = r.c * r.P
    saved = (r.oop - out.O_after) * r.P
    change = out.c_after - r.c
    # A region whose out-of-pocket falls (price cut, harmonisation) gains too, unless it
    # loses coverage; with every lever off O' < O only where coverage or subsidy rose.
    cheaper = out.O_after < r.oop - 1e-9 * np.maximum(r.oop, 1.0)
    status = pd.Categorical.from_codes(
        np.where((change > 0) | (out.s_after > r.s) | (cheaper & (change >= 0)), 0,
                 np.where(change < 0, 1, 2)),
        dtype=_STATUS_DTYPE)
    ids, names, areas = (r.table[col].array for col in ("region_id", "region_name", "area_type"))
    regions = pd.DataFrame({
        "region_id": ids,
        "region_name": names,
        "area_type": areas,
        "patients": r.P,
        "recipient": out.recipients,
        "allocation": out.A,
        "breadth_money": out.breadth,
        "depth_money": out.depth,
        "capacity": out.capacity,
        "weight": out.weight,
        "shortfall": out.shortfall,
        "newly_covered": out.newly,
        "charity_coverage_before": r.c,
        "charity_coverage_after": out.c_after,
        "subsidy_per_patient_before": r.s,
        "subsidy_per_patient_after": out.s_after,
        "oop_share_before": r.o,
        "oop_share_after": out.o_after,
        "oop_per_patient_before": r.oop,
        "oop_per_patient_after": out.O_after,
        "liability": r.L,
        "oop_yuan_saved": saved,
        "donor_contribution": contribution,
        "levy": out.levy,
        "mutual_aid": out.mutual,
        "charity_pooled_out": out.pooled,
        "paired_received": out.paired if out.paired is not None else np.zeros(r.n),
        "cost_per_patient_after": rm.T,
        "patients_losing_cover": np.where(out.recipients, 0.0,
                                          covered_before - out.c_after * r.P),
        "change": change,
        "status": status,
    })
    payers = contribution > 0
    donors = pd.DataFrame({
        "region_id": ids[payers],
        "region_name": names[payers],
        "area_type": areas[payers],
        "levy": out.levy[payers],
        "mutual_aid": out.mutual[payers],
        "charity_pooling": out.pooled[payers],
        "total": contribution[payers],
    })
    allocated = float(out.A.sum())
    unspent = out.net - allocated
    if abs(unspent) <= 1e-9 * max(out.net, 1.0):
        # summation round-off (a millionth of a fen): the whole net fund was allocated
        allocated, unspent = out.net, 0.0
    unclaimed = float(((1.0 - out.take_up) * out.breadth).sum())
    sources = {"central_pool": out.central, "levy": float(out.levy.sum()),
               "mutual_aid": float(out.mutual.sum()),
               "charity_pooling": float(out.pooled.sum())}
    if out.industry > 0:
        # only when used, so that every default gives exactly the version-1 result
        sources["industry_levy"] = out.industry
    fund = FundAccount(
        gross=out.gross, overhead=out.overhead, net=out.net, allocated=allocated,
        unspent=unspent, unclaimed=unclaimed,
        spent_breadth=float((out.take_up * out.breadth).sum()),
        spent_depth=float(out.depth.sum()),
        sources=sources,
        donors=donors,
    )
    measure_inputs = {
        "patients": r.P,
        "order": r.gdp,
        "cache": r.cache,
        "before": {"charity_coverage": r.c, "oop_share": r.o},
        "after": {"charity_coverage": out.c_after, "oop_share": out.o_after},
        "regions": r,
        "intervals": intervals,
    }
    return SimulationResult(
        scenario=sc, regions=regions, fund=fund, gap=gap,
        newly_covered=float(out.newly.sum()), oop_yuan_saved=float(saved.sum()),
        levers=levers_report(adj, out),
        warnings=tuple({(w.code, repr(w.params)): w for w in warnings}.values()),
        _measure_inputs=measure_inputs,
    )
