"""Coverage-equity model for rare-disease medical security.

The package never imports Streamlit: it can be used from a notebook, the command
line (``python -m equity``) or the app with the same results.

Public entry points (imported lazily so that ``import equity`` stays cheap):

- ``load(path_or_dataset_name)`` -> validated region data (``equity.io`` / ``equity.datasets``)
- ``simulate(data, scenario)`` -> transfer-fund result with ``to_dict()`` (``equity.fund``)
- ``benefit(preset, cost)`` -> payer cascade for one patient (``equity.cascade``)
- ``project(preset)`` -> multi-year fund projection (``equity.projection``)
"""

from __future__ import annotations

import importlib
from typing import Any

MODEL_VERSION = "0.1.0"
"""Version of the model's results. Bump it whenever any number the model returns changes;
reference outputs under ``tests/`` change only together with it."""

_LAZY = {
    "load": "equity.datasets",
    "simulate": "equity.fund",
    "benefit": "equity.cascade",
    "project": "equity.projection",
}

__all__ = ["MODEL_VERSION", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'equity' has no attribute {name!r}")
