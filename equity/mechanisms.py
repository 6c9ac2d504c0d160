"""The mechanisms the source documents name, one small pure function each (no Streamlit).

Each function takes region arrays (vectorised: one entry per region) and returns a small
frozen dataclass with ``to_dict()``. Money is in yuan per year unless a name says "per
patient"; fractions are 0-1. Bad input raises :class:`MechanismError` whose problems are
:class:`equity.i18n.Message` codes from ``mechanisms.yaml``.

Symbols as in design.md: P patients, T cost per patient (yuan / year), o final out-of-pocket
share, c charity coverage, s subsidy per covered patient (yuan), L liability before charity
(yuan per patient) from ``o*T = L - c*min(s, L)``; the insurers pay ``T - L`` per patient.

- :func:`price_cut` - joint procurement / price negotiation (000 section 3.1.1);
- :func:`harmonise` - policy coordination of reimbursement (000 section 4.1.2);
- :func:`industry_levy` - a levy on industry promotional spending (003 section IV, Italy);
- :func:`pairs_from_table`, :func:`pairs_from_adjacency`, :func:`paired_assistance` -
  paired assistance between developed and under-developed regions (000 section 4.1.2).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from equity.errors import EquityError
from equity.i18n import Message, msg

try:  # the shared liability equation moves to equity.formulas with the model restructure
    from equity.formulas import liability
except ImportError:  # pragma: no cover - main before the restructure has it in equity.fund
    from equity.fund import liability

if TYPE_CHECKING:
    import geopandas as gpd

ITALY_PROMOTION_LEVY_RATE = 0.05
"""Italy's levy on pharmaceutical promotional spending (003 section IV: 5%; 7% since 2021)."""
ITALY_SHARE_TO_FUND = 0.5
"""Share of that levy paid into the AIFA 5% fund (003 section IV: 50%)."""
EU_PRICE_CUT_RANGE = (0.20, 0.30)
"""EU joint procurement: rare-disease drug prices down 20-30% on average (000 section 3.1.1)."""

Array = np.ndarray


class MechanismError(EquityError):
    """A mechanism's input is out of range or inconsistent (problems as Message codes)."""

    title_code = "mechanisms.error_title"


def _fraction(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise MechanismError([msg("mechanisms.bad_fraction", name=name, value=value)])
    return value


def _arrays(**columns: Any) -> dict[str, Array]:
    out = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in columns.items()}
    sizes = {len(v) for v in out.values()}
    if len(sizes) > 1:
        raise MechanismError([msg("mechanisms.length_mismatch",
                                  lengths=", ".join(f"{k}={len(v)}" for k, v in out.items()))])
    problems = [msg("mechanisms.bad_values", name=k) for k, v in out.items()
                if not np.all(np.isfinite(v)) or np.any(v < 0)]
    if problems:
        raise MechanismError(problems)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, Message):
        return value.to_dict()
    return value


def _to_dict(obj: Any) -> dict[str, Any]:
    return {k: _plain(v) for k, v in obj.__dict__.items()}


@dataclass(frozen=True)
class PayerSavings:
    """Money a mechanism saves each payer, yuan / year (negative = the payer pays more)."""

    insurers: float
    charity: float
    patients: float

    @property
    def total(self) -> float:
        return self.insurers + self.charity + self.patients

    def to_dict(self) -> dict[str, float]:
        return {"insurers": self.insurers, "charity": self.charity, "patients": self.patients,
                "total": self.total}


@dataclass(frozen=True)
class CostShareResult:
    """Per-region figures before and after a mechanism that changes cost or liability.

    ``cost_*`` T and ``liability_*`` L and ``oop_*`` O are yuan per patient; ``oop_share_*``
    o = O / T (0-1); ``savings_*`` are per-region yuan / year; ``savings`` their totals."""

    cost_before: Array
    cost_after: Array
    liability_before: Array
    liability_after: Array
    oop_before: Array
    oop_after: Array
    oop_share_before: Array
    oop_share_after: Array
    savings_insurers: Array
    savings_charity: Array
    savings_patients: Array
    savings: PayerSavings

    def to_dict(self) -> dict[str, Any]:
        out = _to_dict(self)
        out["savings"] = self.savings.to_dict()
        return out


def _shares(T: Array, c: Array, s: Array, P: Array, L: Array, T2: Array, L2: Array
            ) -> CostShareResult:
    """Every payer's bill before and after, from cost and liability per patient."""
    charity = c * np.minimum(s, L)
    charity2 = c * np.minimum(s, L2)
    O, O2 = L - charity, L2 - charity2  # noqa: E741 - design.md names out-of-pocket O
    with np.errstate(divide="ignore", invalid="ignore"):
        o = np.where(T > 0, O / T, 0.0)
        o2 = np.where(T2 > 0, O2 / T2, 0.0)
    ins = P * ((T - L) - (T2 - L2))
    cha = P * (charity - charity2)
    pat = P * (O - O2)
    return CostShareResult(
        cost_before=T, cost_after=T2, liability_before=L, liability_after=L2,
        oop_before=O, oop_after=O2, oop_share_before=o, oop_share_after=o2,
        savings_insurers=ins, savings_charity=cha, savings_patients=pat,
        savings=PayerSavings(float(ins.sum()), float(cha.sum()), float(pat.sum())))


def price_cut(*, patients: Sequence[float], cost_per_patient: Sequence[float],
              oop_share: Sequence[float], charity_coverage: Sequence[float],
              subsidy_per_patient: Sequence[float], cut: float, drug_share: float
              ) -> CostShareResult:
    """Joint procurement / price negotiation (000 section 3.1.1: EU prices down 20-30%).

    A price cut ``k`` (0-1) on the drug share ``d`` (0-1) of the cost per patient T:
    ``T' = T (1 - d k)``. Every payer's share of the bill stays what it was, so the
    liability before charity scales with T: ``L' = L T'/T``; the charity subsidy per covered
    patient stays in yuan (s), so ``O' = L' - c min(s, L')`` and ``o' = O'/T'``.
    Savings per region (yuan / year): insurers ``P((T-L) - (T'-L'))``, charity
    ``P c (min(s, L) - min(s, L'))``, patients ``P (O - O')``; they add up to ``P (T - T')``.
    """
    k, d = _fraction("price_cut", cut), _fraction("drug_share", drug_share)
    a = _arrays(P=patients, T=cost_per_patient, o=oop_share, c=charity_coverage,
                s=subsidy_per_patient)
    T, c, s, P = a["T"], a["c"], a["s"], a["P"]
    L = liability(a["o"] * T, c, s)
    T2 = T * (1.0 - d * k)
    with np.errstate(divide="ignore", invalid="ignore"):
        L2 = np.where(T > 0, L * T2 / T, 0.0)
    return _shares(T, c, s, P, L, T2, L2)


@dataclass(frozen=True)
class HarmonisationResult:
    """Reimbursement harmonisation: insurer shares ``i = 1 - L/T`` before and after (0-1),
    the target share, and the payers' figures (``detail``; insurer savings are negative: the
    cost to insurers is ``cost_to_insurers = sum P (L - L')`` yuan / year)."""

    insurer_share_before: Array
    insurer_share_after: Array
    target_share: float
    target: str
    cost_to_insurers: float
    detail: CostShareResult

    def to_dict(self) -> dict[str, Any]:
        out = _to_dict(self)
        out["detail"] = self.detail.to_dict()
        return out


def harmonise(*, patients: Sequence[float], cost_per_patient: Sequence[float],
              oop_share: Sequence[float], charity_coverage: Sequence[float],
              subsidy_per_patient: Sequence[float], share: float,
              target: Literal["best", "average"] = "best") -> HarmonisationResult:
    """Policy coordination: harmonise reimbursement across regions (000 section 4.1.2).

    Each region's insurer share ``i = 1 - L/T`` moves a fraction ``h`` (0-1) of the way to
    the target ``i*``: the best region's (``max i``) or the patient-weighted average
    ``sum(P i)/sum(P)``: ``i' = i + h max(0, i* - i)``. A region already above the target
    keeps its share (harmonising does not cut anyone's reimbursement: a model choice). Then
    ``L' = (1 - i') T``, ``O' = L' - c min(s, L')``, ``o' = O'/T``; the cost to insurers is
    ``sum P (L - L')`` yuan / year. Regions with T = 0 are left out of the target.
    """
    h = _fraction("harmonisation_share", share)
    if target not in ("best", "average"):
        raise MechanismError([msg("mechanisms.bad_target", value=str(target))])
    a = _arrays(P=patients, T=cost_per_patient, o=oop_share, c=charity_coverage,
                s=subsidy_per_patient)
    T, c, s, P = a["T"], a["c"], a["s"], a["P"]
    L = liability(a["o"] * T, c, s)
    live = T > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        i = np.where(live, 1.0 - L / T, 0.0)
    if not live.any():
        target_share = math.nan
        i2 = i
    else:
        if target == "best":
            target_share = float(i[live].max())
        else:
            weight = P[live].sum()
            target_share = (float((P[live] * i[live]).sum() / weight) if weight > 0
                            else float(i[live].mean()))
        i2 = np.where(live, i + h * np.maximum(0.0, target_share - i), i)
    L2 = np.where(live, (1.0 - i2) * T, L)
    detail = _shares(T, c, s, P, L, T, L2)
    return HarmonisationResult(
        insurer_share_before=i, insurer_share_after=i2, target_share=target_share,
        target=target, cost_to_insurers=float((P * (L - L2)).sum()), detail=detail)


@dataclass(frozen=True)
class LevyResult:
    """An industry levy: ``amount`` to the fund, yuan / year, and how it was worked out."""

    amount: float
    base: float | None
    rate: float | None
    share_to_fund: float | None

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)


def industry_levy(amount: float | None = None, *, base: float | None = None,
                  rate: float = ITALY_PROMOTION_LEVY_RATE,
                  share_to_fund: float = ITALY_SHARE_TO_FUND) -> LevyResult:
    """Industry levy as a financing source (003 section IV: Italy's AIFA 5% fund).

    Either an ``amount`` (yuan / year) or ``base x rate x share_to_fund``: the industry's
    promotional spending (yuan / year) times the levy rate (Italy 5%) times the share paid
    into the fund (Italy 50%). Give one of ``amount`` and ``base``, not both.
    """
    if (amount is None) == (base is None):
        raise MechanismError([msg("mechanisms.levy_amount_or_base")])
    if amount is not None:
        value = float(amount)
        if not math.isfinite(value) or value < 0:
            raise MechanismError([msg("mechanisms.bad_money", name="industry_levy", value=value)])
        return LevyResult(amount=value, base=None, rate=None, share_to_fund=None)
    b = float(base)  # type: ignore[arg-type]
    if not math.isfinite(b) or b < 0:
        raise MechanismError([msg("mechanisms.bad_money", name="industry_levy_base", value=b)])
    r = _fraction("industry_levy_rate", rate)
    f = _fraction("industry_levy_share_to_fund", share_to_fund)
    return LevyResult(amount=b * r * f, base=b, rate=r, share_to_fund=f)


@dataclass(frozen=True)
class TableAdjustment:
    """A region table after the price cut and then the harmonisation (``table``: new
    ``cost_per_patient`` and ``oop_share``, other columns untouched), with each step's
    result (None when the step is off)."""

    table: pd.DataFrame
    price: CostShareResult | None
    harmonisation: HarmonisationResult | None

    def to_dict(self) -> dict[str, Any]:
        return {"price": None if self.price is None else self.price.to_dict(),
                "harmonisation": (None if self.harmonisation is None
                                  else self.harmonisation.to_dict())}


def apply_to_table(table: pd.DataFrame, *, price_cut_share: float = 0.0,
                   drug_share: float = 1.0, harmonisation_share: float = 0.0,
                   harmonisation_target: Literal["best", "average"] = "best"
                   ) -> TableAdjustment:
    """The region table as the transfer fund should see it: first the price cut
    (:func:`price_cut`: T' and o'), then harmonisation on the cut prices (:func:`harmonise`:
    o''). Charity coverage and subsidy are unchanged, so the fund's liability equation gives
    back L'' for each region (except where c = 1 and s >= L'': nobody pays anything there and
    L cannot be read back from o = 0). With both steps off the table is returned unchanged."""
    out = table.copy()
    columns = dict(patients=out["patients"], cost_per_patient=out["cost_per_patient"],
                   oop_share=out["oop_share"], charity_coverage=out["charity_coverage"],
                   subsidy_per_patient=out["subsidy_per_patient"])
    price = None
    if float(price_cut_share) > 0:
        price = price_cut(**columns, cut=price_cut_share, drug_share=drug_share)
        out["cost_per_patient"] = price.cost_after
        out["oop_share"] = price.oop_share_after
        columns.update(cost_per_patient=out["cost_per_patient"], oop_share=out["oop_share"])
    harmonised = None
    if float(harmonisation_share) > 0:
        harmonised = harmonise(**columns, share=harmonisation_share, target=harmonisation_target)
        out["oop_share"] = harmonised.detail.oop_share_after
    return TableAdjustment(table=out, price=price, harmonisation=harmonised)


PAIR_COLUMNS = ("donor_id", "recipient_id", "share", "kind")


def pairs_from_table(table: pd.DataFrame, region_ids: Collection[str] | None = None
                     ) -> pd.DataFrame:
    """A pairing table (``donor_id``, ``recipient_id``, optional ``share``) checked.

    ``share`` is the fraction (0-1) of the donor's contribution its partner gets first; a
    donor's shares add up to at most 1. Rows of a donor without shares split equally. Ids not
    among ``region_ids`` (when given), self-pairs and repeated pairs are errors. Returns the
    columns of :data:`PAIR_COLUMNS` with ``kind = "table"``.
    """
    problems: list[Message] = []
    missing = [c for c in ("donor_id", "recipient_id") if c not in table.columns]
    if missing:
        raise MechanismError([msg("mechanisms.pairs_missing_column", columns=", ".join(missing))])
    frame = pd.DataFrame({"donor_id": table["donor_id"].astype(str).str.strip(),
                          "recipient_id": table["recipient_id"].astype(str).str.strip()})
    if "share" in table.columns:
        frame["share"] = pd.to_numeric(table["share"], errors="coerce")
    else:
        frame["share"] = np.nan
    if region_ids is not None:
        known = {str(r) for r in region_ids}
        unknown = sorted((set(frame["donor_id"]) | set(frame["recipient_id"])) - known)
        if unknown:
            problems.append(msg("mechanisms.pairs_unknown_region", regions=", ".join(unknown)))
    selfish = frame.loc[frame["donor_id"] == frame["recipient_id"], "donor_id"]
    if len(selfish):
        problems.append(msg("mechanisms.pairs_self", regions=", ".join(sorted(set(selfish)))))
    dup = frame.duplicated(["donor_id", "recipient_id"])
    if dup.any():
        problems.append(msg("mechanisms.pairs_duplicate", rows=", ".join(
            str(i + 1) for i in np.flatnonzero(dup.to_numpy()))))
    given = frame["share"].notna()
    if "share" in table.columns:
        raw = table["share"]
        bad_text = raw.notna() & frame["share"].isna()
        bad = bad_text | (given & ((frame["share"] < 0) | (frame["share"] > 1)))
        if bad.any():
            problems.append(msg("mechanisms.pairs_bad_share", rows=", ".join(
                str(i + 1) for i in np.flatnonzero(bad.to_numpy()))))
    for donor, rows in frame.groupby("donor_id", sort=True):
        if rows["share"].notna().any() and rows["share"].isna().any():
            problems.append(msg("mechanisms.pairs_mixed_share", donor=donor))
        if rows["share"].sum() > 1.0 + 1e-9:
            problems.append(msg("mechanisms.pairs_share_over_one", donor=donor,
                                total=float(rows["share"].sum())))
    if problems:
        raise MechanismError(problems)
    counts = frame.groupby("donor_id")["donor_id"].transform("size")
    frame["share"] = frame["share"].where(given, 1.0 / counts)
    frame["kind"] = "table"
    return frame[list(PAIR_COLUMNS)].reset_index(drop=True)


def pairs_from_adjacency(geometry: gpd.GeoDataFrame, donors: Collection[str],
                         recipients: Collection[str], *, id_column: str = "region_id"
                         ) -> pd.DataFrame:
    """Pair each donor with its adjacent recipients, else with its nearest recipient.

    Adjacent = sharing a border (:func:`equity.geo.adjacency`); a donor with no recipient
    among its neighbours is paired with the recipient closest to it (boundary to boundary,
    in the geometry's coordinates), ``kind = "nearest"``. Each donor splits equally among its
    partners (``share = 1 / partners``). Columns of :data:`PAIR_COLUMNS`.
    """
    import shapely

    from equity.geo import adjacency, neighbours

    donors_, recipients_ = [str(d) for d in donors], {str(r) for r in recipients}
    ids = geometry[id_column].astype(str).tolist()
    shapes = dict(zip(ids, geometry.geometry.values, strict=True))
    unknown = sorted((set(donors_) | recipients_) - set(ids))
    if unknown:
        raise MechanismError([msg("mechanisms.pairs_unknown_region", regions=", ".join(unknown))])
    frame = geometry[[id_column, "geometry"]].copy()
    frame[id_column] = frame[id_column].astype(str)
    near = neighbours(adjacency(frame, id_column=id_column))
    rows: list[dict[str, Any]] = []
    for donor in donors_:
        partners = [r for r in near.get(donor, []) if r in recipients_ and r != donor]
        kind = "border"
        if not partners:
            others = sorted(recipients_ - {donor})
            if not others:
                continue
            dist = [float(shapely.distance(shapes[donor], shapes[r])) for r in others]
            partners, kind = [others[int(np.argmin(dist))]], "nearest"
        rows += [{"donor_id": donor, "recipient_id": r, "share": 1.0 / len(partners),
                  "kind": kind} for r in partners]
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))


@dataclass(frozen=True)
class PairedAssistanceResult:
    """Where each donor's contribution went, yuan / year.

    ``flows``: one row per pair (donor_id, recipient_id, kind, amount); ``to_pool``: per
    donor, what did not go to a partner; ``received``: per recipient, the total from its
    partners; ``pool`` the sum of ``to_pool``. ``total = sum(flows) + pool`` to the yuan."""

    flows: pd.DataFrame
    to_pool: dict[str, float]
    received: dict[str, float]
    pool: float
    total: float

    def to_dict(self) -> dict[str, Any]:
        return {"flows": [{k: _plain(v) for k, v in row.items()}
                          for row in self.flows.to_dict("records")],
                "to_pool": self.to_pool, "received": self.received, "pool": self.pool,
                "total": self.total}


def paired_assistance(contributions: Mapping[str, float], pairs: pd.DataFrame,
                      need: Mapping[str, float] | None = None) -> PairedAssistanceResult:
    """Paired assistance (duikou zhiyuan, 000 section 4.1.2): partners first, the rest to the pool.

    Donor d contributes ``C_d`` yuan / year. Its partner r is offered ``C_d x share_dr``
    (``pairs`` from :func:`pairs_from_table` or :func:`pairs_from_adjacency`). With ``need``
    (yuan a recipient can use, e.g. its shortfall ``S_r``), a recipient offered more than its
    need takes ``need_r / offered_r`` of every offer (donors in proportion). What a donor
    does not pass to a partner goes to the common pool: ``pool_d = C_d - sum_r flow_dr``.
    Money closes: ``sum flows + sum pool = sum C`` (the pool is computed as the remainder).
    """
    problems: list[Message] = []
    contrib = {str(k): float(v) for k, v in contributions.items()}
    bad = sorted(k for k, v in contrib.items() if not math.isfinite(v) or v < 0)
    if bad:
        problems.append(msg("mechanisms.bad_values", name=", ".join(bad)))
    needs = None if need is None else {str(k): float(v) for k, v in need.items()}
    if needs is not None:
        bad_need = sorted(k for k, v in needs.items() if not math.isfinite(v) or v < 0)
        if bad_need:
            problems.append(msg("mechanisms.bad_values", name=", ".join(bad_need)))
    if problems:
        raise MechanismError(problems)
    flows = pairs.loc[pairs["donor_id"].astype(str).isin(contrib.keys())].copy()
    flows["donor_id"] = flows["donor_id"].astype(str)
    flows["recipient_id"] = flows["recipient_id"].astype(str)
    flows["amount"] = [contrib[d] * float(sh)
                       for d, sh in zip(flows["donor_id"], flows["share"], strict=True)]
    if needs is not None and len(flows):
        offered = flows.groupby("recipient_id")["amount"].transform("sum").to_numpy()
        cap = np.array([needs.get(r, 0.0) for r in flows["recipient_id"]])
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(offered > cap, np.divide(cap, offered, out=np.zeros_like(cap),
                                                      where=offered > 0), 1.0)
        flows["amount"] = flows["amount"].to_numpy() * scale
    sent = flows.groupby("donor_id")["amount"].sum().to_dict()
    to_pool = {d: c - float(sent.get(d, 0.0)) for d, c in contrib.items()}
    received = {str(k): float(v) for k, v in
                flows.groupby("recipient_id")["amount"].sum().items()}
    flows = flows[["donor_id", "recipient_id", "kind", "amount"]].reset_index(drop=True)
    return PairedAssistanceResult(flows=flows, to_pool=to_pool, received=received,
                                  pool=float(sum(to_pool.values())),
                                  total=float(sum(contrib.values())))


__all__ = [
    "EU_PRICE_CUT_RANGE",
    "ITALY_PROMOTION_LEVY_RATE",
    "ITALY_SHARE_TO_FUND",
    "PAIR_COLUMNS",
    "CostShareResult",
    "HarmonisationResult",
    "LevyResult",
    "MechanismError",
    "PairedAssistanceResult",
    "PayerSavings",
    "TableAdjustment",
    "apply_to_table",
    "harmonise",
    "industry_levy",
    "paired_assistance",
    "pairs_from_adjacency",
    "pairs_from_table",
    "price_cut",
]
