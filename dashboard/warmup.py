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
        from equity.charts.maps import build_choropleth_figure, geometry_to_geojson
        from equity.charts.overview import INDICATORS, build_ranked_regions_figure
        from equity.datasets import load
        from equity.i18n import t

        t("app.title", "zh")  # reads the catalogue
        data = load("city_w")
        compare = {"column": "area_type", "a": "urban", "b": "suburban"}
        build_ranked_regions_figure(table=data.table, indicator=INDICATORS[0], compare=compare,
                                    lang="en").to_dict()
        if data.geometry is not None:
            build_choropleth_figure(geojson=geometry_to_geojson(data.geometry),
                                    table=data.table, indicator=INDICATORS[0], lang="en",
                                    schematic=True, group_column="area_type").to_dict()
    except Exception:  # a warm-up must never stop the server
        _LOG.exception("warm-up failed; the first session does the work itself")
    finally:
        _LOG.info("warm-up took %.2f s", time.monotonic() - started)
        _done.set()


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
