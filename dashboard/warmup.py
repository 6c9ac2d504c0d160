"""Work done once per server process before the first visitor arrives.

``streamlit run serve.py`` starts the app through :class:`streamlit.App` with :func:`lifespan`,
which starts :func:`warm` in a background thread as the server starts. While the first
browser downloads Streamlit's frontend (a second or more), this thread imports what the
first page needs (pandas, the model's readers, the chart builders), reads the bundled City W
data (its boundaries need geopandas) and the catalogue, and builds the Overview's two
figures once, so plotly has made the validators those figures use. Without it the first
visitor of a new server paid all of that (about 1 s on the two-core machine;
``benchmarks/bench_browser.py``, cold start).

``app.py`` calls :func:`wait` first: a session never imports in parallel with the warm-up
(Python's import locks would serialise it anyway), and under plain ``streamlit run app.py``
or AppTest, where no warm-up was started, :func:`wait` returns at once. Nothing here is
kept apart from what the modules cache themselves (``equity.datasets``' bundled tables,
plotly's validators); a failure is logged and leaves the app to do the work itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

_LOG = logging.getLogger(__name__)
_started = threading.Event()
_done = threading.Event()

WAIT_SECONDS = 60.0
"""A session waits at most this long for the warm-up, then goes on (it would do the same
work itself)."""


def warm() -> None:
    """Import and build what the Overview's first run needs (see the module docstring)."""
    started = time.monotonic()
    try:
        # The Overview's own imports first, then what it calls.
        import dashboard.division_maps
        import dashboard.exports
        import dashboard.links  # noqa: F401
        from dashboard.figures import ranking as shared_ranking
        from dashboard.state import DEFAULT_COMPARE
        from equity.charts.maps import build_choropleth_figure, geometry_to_geojson
        from equity.charts.overview import INDICATORS
        from equity.datasets import load
        from equity.i18n import t

        t("app.title", "zh")  # reads the catalogue
        data = load("city_w")
        # The Overview's ranking in English, as its first session asks for it: built here once
        # for every session (dashboard.figures), the other language's once on its first visit.
        shared_ranking(data, indicator=INDICATORS[0], compare=dict(DEFAULT_COMPARE), lang="en",
                       presenter=False)[0].to_dict()
        first_run_of_the_process()
        if data.geometry is not None:
            build_choropleth_figure(geojson=geometry_to_geojson(data.geometry),
                                    table=data.table, indicator=INDICATORS[0], lang="en",
                                    schematic=True,
                                    group_column=DEFAULT_COMPARE["column"]).to_dict()
    except Exception:  # a warm-up must never stop the server
        _LOG.exception("warm-up failed; the first session does the work itself")
    finally:
        _LOG.info("warm-up took %.2f s", time.monotonic() - started)
        _done.set()


def first_run_of_the_process() -> None:
    """What Streamlit does once per process, on the first script run, that the warm-up can do
    instead (measured in a profile of a new server's first run: 0.15-0.3 s before its first
    chart left, on the two-core machine):

    - the first element a process draws has Streamlit check whether it runs in a REPL, with
      ``inspect.stack()``, whose first call maps every loaded module (1,600 of them here) to
      its real path: 60 ms alone; ``inspect`` keeps that map, so a later call is ~2 ms;
    - ``st.set_page_config`` reads the page icon with Pillow (imported on first use).

    (Page scripts are compiled without Streamlit's "magic", ``.streamlit/config.toml``: the
    pages never use it, and its rewriting of each page's syntax tree took 25 ms a page.)
    """
    import inspect

    import PIL.Image  # noqa: F401

    inspect.stack()


def start() -> threading.Thread:
    """Start :func:`warm` in a daemon thread (once per process)."""
    _started.set()
    thread = threading.Thread(target=warm, name="equity-warmup", daemon=True)
    thread.start()
    return thread


def wait(timeout: float = WAIT_SECONDS) -> bool:
    """Block until a started warm-up has finished (at most ``timeout`` seconds); True when
    there is nothing to wait for."""
    if not _started.is_set():
        return True
    return _done.wait(timeout)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """:class:`streamlit.App` lifespan: start the warm-up, then serve."""
    start()
    yield
