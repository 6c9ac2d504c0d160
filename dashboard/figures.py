"""Charts built once per server and shared by every session.

A chart builder in ``equity.charts`` is a pure function of its arguments, so the same
arguments give the same figure: :func:`shared` builds it once per (builder, data, arguments)
and hands every later session the same object (``st.cache_resource``, no copy). A new visitor
of the Overview then waits for no figure to be built (about 0.1 s a figure on the two-core
machine, most of a warm server's script run). Callers must treat the figure as read-only:
``st.plotly_chart`` and the exports in :mod:`dashboard.exports` only read it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st


@st.cache_resource(show_spinner=False, max_entries=128)
def _built(builder: str, data_key: str, arguments: str, _kwargs: dict[str, Any]) -> Any:
    module, name = builder.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(**_kwargs)


def shared(builder: Callable[..., Any], *, data_key: str, data_args: tuple[str, ...] = (),
           **kwargs: Any) -> Any:
    """``builder(**kwargs)``, built once per server for the same arguments (read-only).

    ``data_key`` identifies the arguments named in ``data_args`` (tables, GeoJSON: too large to
    hash on every rerun), e.g. :func:`dashboard.models.data_key`; every other argument is
    part of the key through its ``repr`` (strings, numbers, dicts of them, frozen
    dataclasses)."""
    plain = sorted((k, v) for k, v in kwargs.items() if k not in data_args)
    return _built(f"{builder.__module__}.{builder.__qualname__}", data_key, repr(plain), kwargs)


def ranked_regions(**kwargs: Any) -> Any:
    """``equity.charts.overview.build_ranked_regions_figure(**kwargs)`` with its properties in
    plotly's own order, as a figure read back from its JSON has them (about 20 ms): Streamlit
    identifies a chart by its JSON text, so the same chart replayed from a recording
    (:mod:`dashboard.replay`) is then the same element as the one drawn live, and the
    session's next run does not draw it again."""
    import plotly.graph_objects as go

    from equity.charts.overview import build_ranked_regions_figure

    return go.Figure(build_ranked_regions_figure(**kwargs).to_dict())


def ranking(data: Any, *, indicator: str, compare: dict[str, str], lang: str,
            presenter: bool) -> tuple[Any, tuple[Any, ...]]:
    """The Overview's ranking of regions for ``data`` (an ``equity.readers.RegionData``) and
    the documents' reference lines drawn on it, shared (the page and the server's warm-up,
    ``dashboard/warmup.py``, ask for the same figure)."""
    from dashboard import models
    from equity.charts.overview import reference_lines_for

    references = tuple(reference_lines_for(indicator, models.reference_lines()))
    fig = shared(ranked_regions, data_key=models.data_key(data),
                 data_args=("table",), table=data.table, indicator=indicator,
                 compare=compare, lang=lang, references=references, presenter=presenter)
    return fig, references
