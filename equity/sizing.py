"""National special fund sizing and "spend according to revenue" (003 section V; no Streamlit).

003 section V: the initial scale of a national rare-disease fund "may be estimated based on
the number of diseases included in the National Rare Disease Catalog, the registered number of
patients ..., and the costs of drugs that have been approved but not yet included in the NRDL
..., combined with a fixed annual cap on individual out-of-pocket expenses", then set "on the
principle of determining coverage based on revenue" (yi shou ding zhi), giving priority to drugs for
paediatric rare diseases, then diseases that are life-threatening or severely impair quality of
life, then innovative drugs for unmet clinical needs.

For drug j with patients P_j and annual cost per patient T_j (yuan), under a per-patient
annual out-of-pocket cap K (yuan), the patient pays ``min(T_j, K)`` and the fund
``N_j = P_j max(0, T_j - K)`` yuan / year; the fund needed is ``sum_j N_j``.
Spending according to revenue with budget B: drugs are taken in priority order (children
first, then life-threatening, then unmet need; ties keep the table's order) and a drug is
funded, for all its patients, when its N_j fits in what is left of B; one that does not fit
is skipped and the next one tried (``strict_order=True`` stops at the first that does not fit).

The bundled example is Zhejiang's Table 2 (002): :func:`zhejiang_example`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from equity.errors import EquityError
from equity.i18n import Message, msg
from equity.schema import boolean_words

ZHEJIANG_OOP_CAP = 100_000.0
"""Zhejiang's annual individual out-of-pocket cap, yuan (002 section 3; 003 section IV)."""
ZHEJIANG_TIERS = ((300_000.0, 0.80), (700_000.0, 0.90), (math.inf, 1.00))
"""Zhejiang's tiers on the drug cost summed over a year: (upper bound yuan, share the fund
pays) - 80% to 300,000, 90% to 700,000, 100% above (003 section IV(II))."""

DRUG_COLUMNS = ("disease", "drug", "patients", "annual_cost")
PRIORITY_COLUMNS = ("children", "life_threatening", "unmet_need")
"""003 section V's priority criteria, in its order."""

# Illustrative priority flags for the four Table 2 drugs: a reading of each disease for the
# worked example (not in the documents). Pompe disease's infantile form is fatal in infancy;
# Fabry disease damages kidneys and heart; Gaucher disease severely impairs quality of life;
# phenylketonuria is found by newborn screening and treated from childhood.
ZHEJIANG_PRIORITY_FLAGS: dict[str, tuple[bool, bool, bool]] = {
    "Myozyme": (True, True, False),
    "Fabrazyme": (False, True, False),
    "Cerezyme": (False, True, False),
    "Kuvan": (True, False, False),
}


class SizingError(EquityError):
    """A drug table or setting that cannot be used for fund sizing."""

    title_code = "sizing.error_title"


def _truthy(value: Any) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return None if (isinstance(value, float) and math.isnan(value)) else bool(value)
    text = str(value).strip().lower()
    words = boolean_words()  # English and Chinese yes / no, declared with the other aliases
    if text in words["true"]:
        return True
    if text in words["false"]:
        return False
    return None


def check_drugs(table: pd.DataFrame) -> pd.DataFrame:
    """The drug table checked: disease, drug, patients (>= 0), annual_cost (yuan, >= 0) and the
    priority flags (true/false, 1/0, yes/no; missing columns read as false)."""
    missing = [c for c in DRUG_COLUMNS if c not in table.columns]
    if missing:
        raise SizingError([msg("sizing.missing_column", columns=", ".join(missing))])
    out = pd.DataFrame({"disease": table["disease"].astype(str),
                        "drug": table["drug"].astype(str)})
    problems: list[Message] = []
    for column in ("patients", "annual_cost"):
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | ~np.isfinite(values.fillna(0)) | (values < 0)
        if bad.any():
            problems.append(msg("sizing.bad_number", column=column, rows=", ".join(
                str(i + 1) for i in np.flatnonzero(bad.to_numpy()))))
        out[column] = values.astype(float)
    for column in PRIORITY_COLUMNS:
        if column not in table.columns:
            out[column] = False
            continue
        flags = [_truthy(v) for v in table[column]]
        bad_rows = [str(i + 1) for i, f in enumerate(flags) if f is None]
        if bad_rows:
            problems.append(msg("sizing.bad_flag", column=column, rows=", ".join(bad_rows)))
        out[column] = [bool(f) for f in flags]
    if problems:
        raise SizingError(problems)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class SizingResult:
    """Fund sizing: per-drug ``table`` (with ``patient_pays``, ``fund_need``, ``priority`` 1 =
    first, ``funded``), totals in yuan / year, and the ``assumptions`` as Messages."""

    oop_cap: float
    table: pd.DataFrame
    total_need: float
    budget: float | None
    funded_need: float
    unfunded_need: float
    left_over: float | None
    strict_order: bool
    assumptions: list[Message] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for row in self.table.to_dict("records"):
            rows.append({k: (bool(v) if isinstance(v, bool | np.bool_) else
                             int(v) if isinstance(v, np.integer) else
                             float(v) if isinstance(v, float | np.floating) else v)
                         for k, v in row.items()})
        return {"oop_cap": self.oop_cap, "budget": self.budget, "total_need": self.total_need,
                "funded_need": self.funded_need, "unfunded_need": self.unfunded_need,
                "left_over": self.left_over, "strict_order": self.strict_order,
                "drugs": rows, "assumptions": [a.to_dict() for a in self.assumptions]}


def priority_order(table: pd.DataFrame) -> np.ndarray:
    """Row positions in 003 section V's order: children, then life-threatening, then unmet
    need (lexicographic on the three flags, each true first); ties keep the table order."""
    keys = [~table[c].to_numpy(dtype=bool) for c in reversed(PRIORITY_COLUMNS)]
    keys.insert(0, np.arange(len(table)))
    return np.lexsort(keys)


def size_fund(drugs: pd.DataFrame, *, oop_cap: float, budget: float | None = None,
              strict_order: bool = False,
              assumptions: list[Message] | None = None) -> SizingResult:
    """The fund needed per year under an out-of-pocket cap, and what fits a budget.

    ``drugs``: disease, drug, patients P, annual_cost T (yuan per patient per year) and the
    flags children, life_threatening, unmet_need. ``oop_cap`` K (yuan per patient per year).
    ``N_j = P_j max(0, T_j - K)``; patients pay ``P_j min(T_j, K)``. With ``budget`` B (yuan /
    year), drugs are funded in priority order while their N_j fits what is left (see the
    module docstring); ``left_over = B - funded``.
    """
    table = check_drugs(drugs)
    cap = float(oop_cap)
    if not math.isfinite(cap) or cap < 0:
        raise SizingError([msg("sizing.bad_amount", name="oop_cap", value=cap)])
    if budget is not None and (not math.isfinite(float(budget)) or float(budget) < 0):
        raise SizingError([msg("sizing.bad_amount", name="budget", value=float(budget))])
    P, T = table["patients"].to_numpy(), table["annual_cost"].to_numpy()
    table["patient_pays"] = P * np.minimum(T, cap)
    table["fund_need"] = P * np.maximum(0.0, T - cap)
    order = priority_order(table)
    rank = np.empty(len(table), dtype=int)
    rank[order] = np.arange(1, len(table) + 1)
    table["priority"] = rank
    total = float(table["fund_need"].sum())
    funded = np.zeros(len(table), dtype=bool)
    if budget is None:
        funded[:] = True
        left = None
    else:
        left = float(budget)
        for j in order:
            need = float(table["fund_need"].iat[j])
            if need <= left + 1e-6:
                funded[j] = True
                left -= need
            elif strict_order:
                break
    table["funded"] = funded
    table = table.iloc[order].reset_index(drop=True)
    funded_need = float(table.loc[table["funded"], "fund_need"].sum())
    return SizingResult(oop_cap=cap, table=table, total_need=total,
                        budget=None if budget is None else float(budget),
                        funded_need=funded_need, unfunded_need=total - funded_need,
                        left_over=None if left is None else max(0.0, left),
                        strict_order=strict_order, assumptions=list(assumptions or []))


def zhejiang_cost_from_payment(paid: float) -> float:
    """Annual drug cost per patient T (yuan) whose Zhejiang fund payment is ``paid`` (yuan).

    Inverts the tiers (80% to 300,000, 90% to 700,000, 100% above): the fund pays
    ``0.8 T`` up to T = 300,000 (240,000), ``240,000 + 0.9 (T - 300,000) = 0.9 T - 30,000``
    up to T = 700,000 (600,000), then ``T - 100,000``."""
    paid = float(paid)
    if paid <= 240_000.0:
        return paid / 0.8
    if paid <= 600_000.0:
        return (paid + 30_000.0) / 0.9
    return paid + 100_000.0


def zhejiang_example(year: int = 2024) -> tuple[pd.DataFrame, list[Message], float]:
    """Table 2 (002) as a drug table for ``year``, the assumptions, and that year's fund
    income from Table 3 (yuan) as the example budget.

    Annual cost per patient = the Zhejiang tiers inverted at the average fund payment per
    patient (payment / patients): every patient is taken to have the average cost, and the
    drug cost to be the whole cost. Drugs without figures that year are left out. The
    priority flags are illustrative (:data:`ZHEJIANG_PRIORITY_FLAGS`)."""
    from equity.zhejiang import YEARS, zhejiang_table2, zhejiang_table3

    if year not in YEARS:
        raise SizingError([msg("sizing.bad_year", year=year,
                               years=", ".join(str(y) for y in YEARS))])
    t2 = zhejiang_table2(yuan=True)
    t2 = t2[t2["disease"].str.lower() != "total"]
    rows, left_out = [], []
    for _, r in t2.iterrows():
        P, paid = r[f"patients_{year}"], r[f"payment_{year}_yuan"]
        if pd.isna(P) or pd.isna(paid) or float(P) <= 0:
            left_out.append(str(r["drug"]))
            continue
        flags = ZHEJIANG_PRIORITY_FLAGS.get(str(r["drug"]), (False, False, False))
        rows.append({"disease": r["disease"], "drug": r["drug"], "patients": float(P),
                     "annual_cost": zhejiang_cost_from_payment(float(paid) / float(P)),
                     "children": flags[0], "life_threatening": flags[1],
                     "unmet_need": flags[2]})
    t3 = zhejiang_table3(yuan=True)
    income = float(t3.loc[t3["year"] == year, "income_yuan"].iloc[0])
    assumptions = [msg("sizing.assume_average_cost", year=year),
                   msg("sizing.assume_drug_only"),
                   msg("sizing.assume_flags_illustrative"),
                   msg("sizing.assume_budget", year=year, budget=income)]
    if left_out:
        assumptions.append(msg("sizing.assume_left_out", drugs=", ".join(left_out), year=year))
    return pd.DataFrame(rows), assumptions, income


def zhejiang_sizing(year: int = 2024, *, oop_cap: float = ZHEJIANG_OOP_CAP,
                    budget: float | None = None, strict_order: bool = False) -> SizingResult:
    """The bundled worked example: Table 2's drugs in ``year`` under ``oop_cap`` (default
    Zhejiang's 100,000 yuan) against ``budget`` (default: that year's income in Table 3),
    with the assumptions attached."""
    drugs, assumptions, income = zhejiang_example(year)
    if budget is not None:
        assumptions = [a for a in assumptions if a.code != "sizing.assume_budget"]
    return size_fund(drugs, oop_cap=oop_cap, budget=income if budget is None else budget,
                     strict_order=strict_order, assumptions=assumptions)


__all__ = [
    "DRUG_COLUMNS",
    "PRIORITY_COLUMNS",
    "ZHEJIANG_OOP_CAP",
    "ZHEJIANG_PRIORITY_FLAGS",
    "ZHEJIANG_TIERS",
    "SizingError",
    "SizingResult",
    "check_drugs",
    "priority_order",
    "size_fund",
    "zhejiang_cost_from_payment",
    "zhejiang_example",
    "zhejiang_sizing",
]
