"""The model's two shared equations, written once (design.md).

- Liability: a region's final out-of-pocket per patient ``O = o*T`` is what remains of the
  liability before charity ``L`` after a share ``c`` of patients gets a subsidy ``s``:
  ``o*T = L - c*min(s, L)``. The right side is continuous and strictly increasing in L while
  c < 1, so there is exactly one solution: if ``o*T + c*s >= s`` then ``L = o*T + c*s``
  (the subsidy is below the liability), otherwise ``L = o*T / (1 - c)`` (the subsidy covers
  the whole liability, covered patients pay nothing).
- Patient-weighted mean of an indicator over a set of regions:
  ``sum(y_i P_i) / sum(P_i)``, undefined (NaN) when the set has no patients.

Used by the transfer fund (equity.fund), goal seeking and uncertainty (equity.solve) and
financial protection (equity.protection).
"""

from __future__ import annotations

import math

import numpy as np


def liability(oop: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Liability before charity L (yuan per patient) solving ``oop = L - c min(s, L)``.

    ``oop`` = o*T out-of-pocket per patient (yuan), ``c`` charity coverage (0-1), ``s``
    subsidy per covered patient (yuan). Broadcasts; c = 1 always takes the first branch."""
    oop, c, s = np.asarray(oop, dtype=float), np.asarray(c, dtype=float), np.asarray(s, float)
    high = oop + c * s
    one_minus_c = 1.0 - c
    low = np.divide(oop, one_minus_c, out=np.zeros(np.broadcast(high, one_minus_c).shape),
                    where=one_minus_c > 0)
    return np.where(high >= s, high, low)


def liability_share(oop_share: float, coverage: float, subsidy: float, cost: float) -> float:
    """L / T for one region: the liability before charity as a share of the cost per patient
    (fractions 0-1, money in yuan); 0 when the cost is 0."""
    if cost <= 0:
        return 0.0
    return float(liability(oop_share * cost, coverage, subsidy)) / cost


def oop_after_charity(L: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Out-of-pocket per patient ``L - c min(s, L)`` (yuan): the liability equation forwards."""
    return L - c * np.minimum(s, L)


def weighted_mean(y: np.ndarray, P: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Patient-weighted mean ``sum(y P) / sum(P)`` over ``mask`` (all regions if None);
    NaN when those regions have no patients."""
    if mask is not None:
        y, P = y[mask], P[mask]
    total = P.sum()
    return float((y * P).sum() / total) if total > 0 else math.nan


def group_gap(y: np.ndarray, P: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """``D = mean_A - mean_B``: the patient-weighted means of ``y`` in groups A and B (masks)."""
    return weighted_mean(y, P, a) - weighted_mean(y, P, b)


__all__ = ["group_gap", "liability", "liability_share", "oop_after_charity", "weighted_mean"]
