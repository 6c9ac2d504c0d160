"""The transfer-fund scenario currently set, for pages other than the Transfer fund page.

The Transfer fund page keeps each control's value in ``st.session_state[<parameter key>]``
(its widgets persist their state for the session) and in the URL. Other pages read it from
there, in that order, falling back to each parameter's default; the sidebar's groups come
from app.py. Not a page: imported by views/sustainability.py, views/benefit_design.py and
views/compare.py.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_support import get_compare
from equity.scenario import PARAMETERS, Scenario, scenario_from_flat

# Groups of the Transfer fund page's controls (views/transfer_fund.py GROUPS).
SCENARIO_GROUPS: tuple[str, ...] = ("financing", "allocation", "use", "target")
SCENARIO_KEYS: tuple[str, ...] = (
    *(p.key for p in PARAMETERS if p.group in SCENARIO_GROUPS), "compare.indicator",
)


def current_scenario() -> tuple[Scenario, list[str]]:
    """The scenario the Transfer fund page shows now (validated), and any problems."""
    flat: dict[str, str] = {}
    for key in SCENARIO_KEYS:
        value: Any = st.session_state.get(key)
        if value is None:
            value = st.query_params.get(key)
        if value is not None:
            flat[key] = str(value)
    flat.update({f"compare.{k}": str(v) for k, v in get_compare().items()
                 if k in ("column", "a", "b")})
    return scenario_from_flat(flat)


def data_key(data: Any) -> str:
    """Identity of a region table for the caches: name, size and a hash of its values."""
    import pandas as pd

    table = data.table
    digest = int(pd.util.hash_pandas_object(table, index=False).sum()) & 0xFFFFFFFFFFFF
    return f"{data.name}:{len(table)}:{digest:x}"


@st.cache_data(show_spinner=False, max_entries=64)
def _simulate(key: str, scenario_json: str, _data: Any) -> Any:
    from equity.fund import simulate
    from equity.scenario import scenario_from_json

    return simulate(_data, scenario_from_json(scenario_json))


def simulate_cached(data: Any, scenario: Scenario) -> Any:
    """``equity.fund.simulate(data, scenario)``, cached by the data and the scenario's JSON."""
    from equity.scenario import scenario_to_json

    return _simulate(data_key(data), scenario_to_json(scenario), data)
