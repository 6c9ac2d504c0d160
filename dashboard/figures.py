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


STREAMLIT_TICK_REM = 0.75
"""Font size of a chart's tick labels on screen, in rem: Streamlit's Plotly theme draws them
at 0.75 rem (12.75 px at the pages' 17 px, 15.75 px at presenter mode's 21 px), whatever the
house template says (exports use the template's)."""


def fit_label_margin(fig: Any, presenter: bool) -> Any:
    """Give ``fig``, a chart of horizontal bars, a left margin that holds its y-axis labels
    (region names) as they are drawn on screen, so the browser draws it once
    (``equity.charts.text_width``; automargin stays on, for a wider font and for exports).
    Returns ``fig``, changed in place: call it where the figure is built."""
    from dashboard.css import DEFAULT_FONT_PX, PRESENTER_FONT_PX
    from equity.charts.text_width import label_margin_px

    labels = [*(fig.layout.yaxis.categoryarray or ()),
              *(y for trace in fig.data if getattr(trace, "orientation", None) == "h"
                for y in (trace.y if trace.y is not None else ()))]
    root = PRESENTER_FONT_PX if presenter else DEFAULT_FONT_PX
    fig.layout.margin.l = label_margin_px(labels, STREAMLIT_TICK_REM * root)
    return fig


def ranked_regions(**kwargs: Any) -> Any:
    """``equity.charts.overview.build_ranked_regions_figure(**kwargs)`` with its properties in
    plotly's own order, as a figure read back from its JSON has them (about 20 ms): Streamlit
    identifies a chart by its JSON text, so the same chart replayed from a recording
    (:mod:`dashboard.replay`) is then the same element as the one drawn live, and the
    session's next run does not draw it again."""
    import plotly.graph_objects as go

    from equity.charts.overview import build_ranked_regions_figure

    built = fit_label_margin(build_ranked_regions_figure(**kwargs), bool(kwargs.get("presenter")))
    return go.Figure(built.to_dict())


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
