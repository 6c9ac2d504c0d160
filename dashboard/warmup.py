"""Work done once per server process before the first visitor arrives.

``streamlit run serve.py`` starts the app through :class:`streamlit.App` with :func:`lifespan`,
which starts :func:`warm` in a background thread as the server starts. While the first
browser downloads Streamlit's frontend (a second or more), this thread imports what the
first page needs (pandas, the model's readers, the chart builders), reads the bundled City W
data (its boundaries need geopandas) and the catalogue, and builds the Overview's two
figures once, so plotly has made the validators those figures use. Without it the first
visitor of a new server paid all of that (about 1 s on the two-core machine;
``benchmarks/bench_browser.py``, cold start).

When a first screen recorded by an earlier server can be replayed (:mod:`dashboard.replay`),
the warm-up is put off: its 0.9 s of CPU would compete with the browser drawing that screen.
A session's next run, a request for a page that will not be replayed
(:class:`StartOnPageRequest`) or :data:`IDLE_SECONDS` after the start, whichever comes first,
starts it.

``app.py`` calls :func:`wait` first (after a replay): a session never imports in parallel
with the warm-up (Python's import locks would serialise it anyway), and under plain
``streamlit run app.py`` or AppTest, where no warm-up was started, :func:`wait` returns at
once. Nothing here is kept apart from what the modules cache themselves
(``equity.datasets``' bundled tables, plotly's validators); a failure is logged and leaves
the app to do the work itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

_LOG = logging.getLogger(__name__)
_planned = threading.Event()
"""This process warms up (its server started through :func:`lifespan`)."""
_started = threading.Event()
_done = threading.Event()
_lock = threading.Lock()

WAIT_SECONDS = 60.0
"""A session waits at most this long for the warm-up, then goes on (it would do the same
work itself)."""
IDLE_SECONDS = 5.0
"""With a recorded first screen, the warm-up starts this long after the server at the
latest, visitor or not."""


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


def start() -> None:
    """Start :func:`warm` in a daemon thread (once per process; later calls do nothing)."""
    with _lock:
        if _started.is_set():
            return
        _started.set()
    threading.Thread(target=warm, name="equity-warmup", daemon=True).start()


def start_later(seconds: float | None = None) -> None:
    """:func:`start` in ``seconds`` (default :data:`IDLE_SECONDS`), unless something starts
    it sooner; nothing in a process that does not warm up (AppTest, ``streamlit run
    app.py``)."""
    if not _planned.is_set():
        return
    timer = threading.Timer(IDLE_SECONDS if seconds is None else seconds, start)
    timer.daemon = True
    timer.start()


def done() -> bool:
    """True once the warm-up has finished (never, in a process that does not warm up)."""
    return _done.is_set()


def wait(timeout: float = WAIT_SECONDS) -> bool:
    """Start this process's warm-up if it is still put off, then block until it has finished
    (at most ``timeout`` seconds); True when there is nothing to wait for (a process that does
    not warm up: AppTest, ``streamlit run app.py``)."""
    if _planned.is_set():
        start()
    if not _started.is_set():
        return True
    return _done.wait(timeout)


def _start_or_put_off() -> None:
    # A recorded first screen (dashboard/replay.py) needs none of the warm-up's work, and the
    # warm-up's 0.9 s of CPU would compete with the browser drawing it on two cores: put it
    # off until that screen is drawn (the session's next run starts it), at most
    # IDLE_SECONDS.
    from dashboard import replay

    if replay.available():
        _LOG.info("first screen recorded: warm-up put off")
        start_later()  # at the latest; a page request that needs it starts it at once
    else:
        start()


class StartOnPageRequest:
    """ASGI middleware (``serve.py``): a request for a page's HTML is the first sign of a
    visitor. When the warm-up is still put off (a recorded first screen,
    :mod:`dashboard.replay`) and this page's first screen will not be replayed (another page,
    another link), start it now: that visitor's first run needs it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if _planned.is_set() and not _started.is_set():
            from dashboard.page_html import is_page

            if is_page(scope) and not _will_be_replayed(scope):
                start()
        await self.app(scope, receive, send)


def _will_be_replayed(scope: Any) -> bool:
    import streamlit as st

    from dashboard import replay

    base = "/" + str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = str(scope.get("path", ""))
    if not path.startswith(base):
        return False
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    return replay.replayable(path[len(base):], query)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """:class:`streamlit.App` lifespan: start the warm-up (or put it off while a recorded
    first screen can be replayed, :mod:`dashboard.replay`), then serve."""
    _planned.set()
    threading.Thread(target=_start_or_put_off, name="equity-warmup-plan", daemon=True).start()
    yield
