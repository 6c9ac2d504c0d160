"""The cached model calls every page uses (the one place ``st.cache_data`` wraps ``equity``).

Each call is keyed by :func:`data_key` (the region table's identity) and the scenario's JSON
(``equity.scenario.scenario_to_json``), so a slider returning to a value seen before costs a
cache look-up. The data object itself is passed unhashed (``_data``): hashing a table on every
rerun would cost more than the look-up saves. Model modules are imported on first use, so a
page that never runs an analysis never loads it.
"""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st


def scenario_from_json(text: str) -> Any:
    """``equity.scenario.scenario_from_json``, imported on first use: the scenario models
    (pydantic) are not needed by a page that runs no analysis, such as the Overview."""
    from equity.scenario import scenario_from_json as parse

    return parse(text)


# data_key's answers by the id of the data object they were computed for (with a weak reference
# to check that the id was not reused): a fragment's reruns (Transfer fund's controls) get the
# same object every time, and hashing the table took about 1 ms of each slider move.
_DATA_KEYS: dict[int, tuple[weakref.ref, str]] = {}


def data_key(data: Any) -> str:
    """Identity of a region table for the caches: name, size and a hash of its values.

    Computed once per data object: region tables are not changed after they are read (each
    load, upload or bundled dataset's copy is a new object)."""
    held = _DATA_KEYS.get(id(data))
    if held is not None and held[0]() is data:
        return held[1]
    table = data.table
    digest = int(pd.util.hash_pandas_object(table, index=False).sum()) & 0xFFFFFFFFFFFF
    key = f"{data.name}:{len(table)}:{digest:x}"
    ident = id(data)
    try:
        ref = weakref.ref(data, lambda _: _DATA_KEYS.pop(ident, None))
    except TypeError:  # an object without weak references: not remembered
        return key
    _DATA_KEYS[ident] = (ref, key)
    return key


@st.cache_data(show_spinner=False, max_entries=256)
def simulation(key: str, scenario_json: str, _data: Any) -> Any:
    """``equity.fund.simulate`` of the scenario on the data (a SimulationResult)."""
    from equity.fund import simulate

    return simulate(_data, scenario_from_json(scenario_json))


def simulate_cached(data: Any, scenario: Any) -> Any:
    """``equity.fund.simulate(data, scenario)``, cached by the data and the scenario's JSON."""
    from equity.scenario import scenario_to_json

    return simulation(data_key(data), scenario_to_json(scenario), data)


@st.cache_data(show_spinner=False, max_entries=64)
def protection(key: str, scenario_json: str, poverty_line: float, _data: Any) -> Any:
    """Catastrophic spending before/after for this scenario (all thresholds at once, so the
    threshold picker needs no new run); the simulation itself comes from its own cache.
    ``poverty_line`` in yuan a year."""
    from equity.protection import protection_from_simulation

    return protection_from_simulation(simulation(key, scenario_json, _data), _data,
                                      poverty_line=poverty_line)


@st.cache_data(show_spinner=False, max_entries=32)
def goal_seek(key: str, scenario_json: str, target_gap: float, lever: str, _data: Any) -> Any:
    """``equity.solve.goal_seek``: the lever's value that brings the gap to ``target_gap``
    (a 0-1 fraction)."""
    from equity.solve import goal_seek as run

    return run(_data, scenario_from_json(scenario_json), target_gap=target_gap, lever=lever)


@st.cache_data(show_spinner=False, max_entries=32)
def seek(key: str, scenario_json: str, indicator: str, target: float, lever: str,
         _data: Any) -> Any:
    """``equity.solve.seek``: the smallest ``lever`` that brings ``indicator`` (a 0-1 share)
    to ``target`` or below."""
    from equity.solve import seek as run

    return run(_data, scenario_from_json(scenario_json), indicator=indicator, target=target,
               lever=lever)


@st.cache_data(show_spinner=False, max_entries=32)
def optimal(key: str, scenario_json: str, objective: str, _data: Any) -> Any:
    """``equity.solve.optimal_allocation`` for ``objective`` ("min_gap" | "max_min")."""
    from equity.solve import optimal_allocation

    return optimal_allocation(_data, scenario_from_json(scenario_json), objective=objective)


@st.cache_data(show_spinner=False, max_entries=32)
def sensitivity(key: str, scenario_json: str, _data: Any) -> pd.DataFrame:
    """``equity.solve.sensitivity``: the gap with each lever moved down and up."""
    from equity.solve import sensitivity as run

    return run(_data, scenario_from_json(scenario_json))


@st.cache_data(show_spinner=False, max_entries=16)
def uncertainty(key: str, scenario_json: str, draws: int, _data: Any) -> Any:
    """``equity.solve.uncertainty`` with ``draws`` Monte Carlo draws (seed 0: reproducible)."""
    from equity.solve import uncertainty as run

    return run(_data, scenario_from_json(scenario_json), draws=draws, seed=0)


@st.cache_resource(show_spinner=False)
def _geojson(content_key: str, _geometry: Any) -> dict:
    from equity.charts.maps import geometry_to_geojson

    return geometry_to_geojson(_geometry)


def geojson(geometry: Any) -> dict:
    """The region boundaries as simplified GeoJSON, made once per geometry and shared by every
    session (the browser draws fewer vertices). Read-only: every caller gets the same dict."""
    from equity.charts.maps import geometry_key

    return _geojson(geometry_key(geometry), geometry)


def division_key(data: Any) -> str | None:
    """Identity of a table's real division boundaries for the caches (level, area and which
    region is which division), or None when the table is not keyed by Chinese divisions."""
    found = getattr(data, "divisions", None)
    if found is None or found.geometry is None or found.match is None:
        return None
    pairs = found.match.matched[["region_id", "code"]].astype(str)
    digest = int(pd.util.hash_pandas_object(pairs, index=False).sum()) & 0xFFFFFFFFFFFF
    return f"{found.match.level}:{found.match.area}:{len(pairs)}:{digest:x}"


@st.cache_resource(show_spinner=False, max_entries=16)
def _division_geojson(key: str, _found: Any) -> dict:
    from equity.geo import area_geometry, to_geojson
    from equity.geo.shapes import digits_for

    return to_geojson(area_geometry(_found), digits=digits_for(_found.match.area))


def division_geojson(data: Any) -> dict | None:
    """GeoJSON of the whole area a division-keyed table matched (its regions by region_id,
    the area's other divisions by code, as empty outlines), built once per level, area and
    matching and shared by every session. Read-only. None for a table without divisions."""
    key = division_key(data)
    return None if key is None else _division_geojson(key, data.divisions)


@st.cache_resource(show_spinner=False, max_entries=16)
def _division_links(key: str, _found: Any) -> pd.DataFrame:
    from equity.geo import adjacency

    return adjacency(_found.geometry)


def division_links(data: Any) -> pd.DataFrame | None:
    """Neighbouring pairs among the table's regions (``equity.geo.adjacency``: a, b, kind,
    shared_km, distance_km), computed once per matching; None without divisions."""
    key = division_key(data)
    return None if key is None else _division_links(key, data.divisions)


@st.cache_data(show_spinner=False)
def reference_lines() -> list:
    """The documents' reference points drawn on the Overview ranking."""
    from equity.charts.overview import document_reference_lines

    return document_reference_lines()


def _state_se(result: Any, table: pd.DataFrame, state: str) -> Any:
    """``equity.measures.table_se`` of the gap indicator ``before``/``after`` the fund: the
    table's ``<indicator>_se`` column where given (the fund does not change how well a region's
    share was measured), else the binomial se sqrt(y (1 - y) / P) at that state's share."""
    from equity.measures import table_se

    indicator = result.gap.indicator
    frame = pd.DataFrame({
        indicator: result.regions[f"{indicator}_{state}"].to_numpy(float),
        "patients": result.regions["patients"].to_numpy(float),
    })
    if f"{indicator}_se" in table.columns:
        frame[f"{indicator}_se"] = table[f"{indicator}_se"].to_numpy(float)
    return table_se(frame, indicator)


def gap_intervals_of(result: Any, table: pd.DataFrame) -> dict:
    """The headline gap's 95% interval (sampling error of the regions' shares, carried to the
    patient-weighted group means by ``equity.measures.gap_sampling_se``), before and after.

    Returns ``{"source": Message, "before", "after": GapInterval | None}`` (None when a group
    has no patients or a standard error is missing), in the indicator's 0-1 units."""
    from equity.measures import gap_interval, gap_sampling_se

    gap = result.gap
    out: dict[str, Any] = {}
    groups = (table[gap.column].astype(str).to_numpy() if gap.column in table.columns
              else None)
    patients = result.regions["patients"].to_numpy(float)
    for state in ("before", "after"):
        se = _state_se(result, table, state)
        if state == "before":
            out["source"] = se.message
        interval = None
        if groups is not None:
            sampling = gap_sampling_se(se.se, patients, groups == gap.group_a,
                                       groups == gap.group_b)
            if math.isfinite(sampling):
                interval = gap_interval(getattr(gap, state), se_sampling=sampling)
        out[state] = interval
    return out


def measure_intervals_of(result: Any, table: pd.DataFrame, *, draws: int = 1000) -> dict:
    """The HEAT measures of the gap indicator across regions with their standard errors and
    95% intervals, before and after the fund (issue 14), as ``SimulationResult.measures``
    computes the values (patients as weights, regions ranked by gdp_per_capita when present,
    ``order_rules=False``); standard errors as :func:`_state_se`; the bootstrapped measures
    with ``draws`` seeded draws.

    Returns ``{"before", "after": {abbr: MeasureResult}, "source": Message (where the se came
    from)}``."""
    from equity.indicators import MEASURE_INDICATORS
    from equity.measures import summarise

    indicator = result.gap.indicator
    favourable = MEASURE_INDICATORS.get(indicator, indicator != "oop_share")
    patients = result.regions["patients"].to_numpy(float)
    order = (table["gdp_per_capita"].to_numpy(float)
             if "gdp_per_capita" in table.columns else None)
    if order is not None and not np.isfinite(order).all():
        order = None
    out: dict[str, Any] = {}
    for state in ("before", "after"):
        se = _state_se(result, table, state)
        if state == "before":
            out["source"] = se.message
        out[state] = summarise(result.regions[f"{indicator}_{state}"].to_numpy(float),
                               patients, favourable=favourable, order=order,
                               order_rules=False, se=se.se, intervals=True, draws=draws)
    return out


@st.cache_data(show_spinner=False, max_entries=64)
def measure_intervals(key: str, scenario_json: str, _data: Any) -> dict:
    """:func:`measure_intervals_of` for this scenario, cached (the bootstrap takes a moment)."""
    return measure_intervals_of(simulation(key, scenario_json, _data), _data.table)


@st.cache_data(show_spinner=False, max_entries=256)
def gap_intervals(key: str, scenario_json: str, _data: Any) -> dict:
    """:func:`gap_intervals_of` for this scenario, cached."""
    return gap_intervals_of(simulation(key, scenario_json, _data), _data.table)
