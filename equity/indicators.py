"""The model's indicators, declared once: key, unit kind, direction and catalogue label.

Every list of indicators in the package (the ones the HEAT measures summarise, the ones a group
gap can be measured on, the fractions shown in percentage points, which are favourable for the
chart colours) is derived from :data:`INDICATORS` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Indicator:
    """One indicator.

    ``unit``: "fraction" (0-1, gaps in percentage points), "money" (yuan per patient per year)
    or "count" (patients). ``favourable``: True when more is better (coverage), False when
    less is better (out-of-pocket). ``label_key``: catalogue key of its display name.
    ``measured``: summarised by the HEAT measures across regions. ``gap``: a group gap can be
    measured on it (a scenario's ``compare.indicator``)."""

    key: str
    unit: Literal["fraction", "money", "count"]
    favourable: bool
    label_key: str
    measured: bool = False
    gap: bool = False


INDICATORS: tuple[Indicator, ...] = (
    Indicator("charity_coverage", "fraction", True, "ind.charity_coverage",
              measured=True, gap=True),
    Indicator("oop_share", "fraction", False, "ind.oop_share", measured=True, gap=True),
    Indicator("subsidy_per_patient", "money", True, "tf.indicator.subsidy_per_patient",
              gap=True),
    Indicator("oop_per_patient", "money", False, "tf.indicator.oop_per_patient", gap=True),
    Indicator("assistance_coverage", "fraction", True, "tf.indicator.assistance_coverage"),
    Indicator("newly_covered", "count", True, "tf.indicator.newly_covered"),
    Indicator("cost_per_patient", "money", False, "tf.indicator.cost_per_patient"),
    Indicator("oop_yuan", "money", False, "tf.indicator.oop_yuan"),
)

INDICATOR_BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}

MEASURE_INDICATORS: dict[str, bool] = {i.key: i.favourable for i in INDICATORS if i.measured}
"""Indicators the HEAT measures summarise across regions, with favourable (True: more is
better)."""

GAP_INDICATORS: tuple[str, ...] = tuple(i.key for i in INDICATORS if i.gap)
"""Indicators a group gap can be measured on (region-table columns or model outputs)."""

FRACTION_INDICATORS: tuple[str, ...] = tuple(
    i.key for i in INDICATORS if i.unit == "fraction" and (i.measured or i.gap))
"""Gap indicators on the 0-1 scale: their gaps are reported in percentage points."""

FAVOURABLE_INDICATORS: frozenset[str] = frozenset(i.key for i in INDICATORS if i.favourable)
ADVERSE_INDICATORS: frozenset[str] = frozenset(i.key for i in INDICATORS if not i.favourable)


def is_favourable(indicator: str) -> bool:
    """True if more of ``indicator`` is better; ``ValueError`` for an indicator of unknown sense.

    Prefix matches count, so ``charity_coverage_after`` and ``oop_share_before`` work.
    """
    for name in FAVOURABLE_INDICATORS:
        if indicator == name or indicator.startswith(name + "_"):
            return True
    for name in ADVERSE_INDICATORS:
        if indicator == name or indicator.startswith(name + "_"):
            return False
    raise ValueError(f"unknown indicator direction for {indicator!r}")


__all__ = [
    "ADVERSE_INDICATORS",
    "FAVOURABLE_INDICATORS",
    "FRACTION_INDICATORS",
    "GAP_INDICATORS",
    "INDICATORS",
    "INDICATOR_BY_KEY",
    "MEASURE_INDICATORS",
    "Indicator",
    "is_favourable",
]
