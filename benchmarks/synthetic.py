"""Seeded synthetic region tables for benchmarks and property tests.

``synthetic_regions(n, seed)`` returns a region table with every required and optional column,
values spread around City W's documented figures (000 3.1.2, 3.2.1): urban regions near 90%
charity coverage, the others near 65%; out-of-pocket share near 30%; subsidy near 18,000 yuan.
Illustrative only: no figure in it is a document's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

AREA_TYPES = ("urban", "suburban", "rural", "remote")


def synthetic_regions(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """A valid region table with ``n`` rows (deterministic for a given seed)."""
    rng = np.random.default_rng(seed)
    area = rng.choice(np.array(AREA_TYPES), size=n, p=[0.3, 0.3, 0.25, 0.15])
    urban = area == "urban"
    centre = np.where(urban, 0.90, 0.65)
    coverage = np.clip(centre + rng.normal(0.0, 0.06, n), 0.05, 1.0)
    patients = rng.integers(5, 400, n).astype(float)
    population = patients * rng.uniform(3_000, 8_000, n)
    gdp = np.where(urban, 1.6, 1.0) * rng.lognormal(np.log(80_000), 0.3, n)
    return pd.DataFrame({
        "region_id": [f"R{i:05d}" for i in range(n)],
        "region_name": [f"Region {i}" for i in range(n)],
        "area_type": area,
        "patients": patients,
        "charity_coverage": coverage,
        "oop_share": np.clip(rng.normal(0.30, 0.04, n), 0.05, 0.6),
        "cost_per_patient": rng.lognormal(np.log(200_000), 0.4, n),
        "subsidy_per_patient": rng.lognormal(np.log(18_000), 0.15, n),
        "population": population,
        "gdp_per_capita": gdp,
        "household_income": rng.lognormal(np.log(40_000), 0.4, n),
        "severity": np.ones(n),
    })
