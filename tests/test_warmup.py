"""The server entry point's warm-up and the figures shared across sessions (issue 10: a new
server's first visitor should not pay for imports and first figures)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest

from tests.asgi import run_coroutine

ROOT = Path(__file__).resolve().parents[1]


def test_serve_py_is_an_st_app_that_streamlit_run_serves() -> None:
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "serve.py")
    assert found.is_asgi_app and found.import_string == "serve:app"
    # app.py stays a plain script (AppTest and `streamlit run app.py` keep working).
    assert not discover_asgi_app(ROOT / "app.py").is_asgi_app


def test_warm_up_loads_the_first_page_without_error(caplog: pytest.LogCaptureFixture) -> None:
    from dashboard import warmup
    from equity import datasets

    datasets._load_bundled.cache_clear()
    with caplog.at_level(logging.INFO, logger="dashboard.warmup"):
        warmup.warm()
    # (Outside a server Streamlit warns that caches live in memory; only the warm-up's own
    # failure message counts here.)
    failed = [r for r in caplog.records if r.name == "dashboard.warmup"
              and r.levelno >= logging.WARNING]
    assert not failed, caplog.text
    assert "warm-up took" in caplog.text
    # The bundled table it read is the one the first session gets (cached by equity.datasets).
    assert datasets._load_bundled.cache_info().currsize >= 1


def test_wait_returns_at_once_without_a_warm_up_and_after_one() -> None:
    from dashboard import warmup

    if not warmup._started.is_set():
        assert warmup.wait(timeout=0.01) is True

    async def run() -> None:
        async with warmup.lifespan(None):
            assert warmup._planned.is_set()
            assert await asyncio.to_thread(warmup.wait, 120.0) is True

    run_coroutine(run())
    assert warmup._done.is_set()


CALLS: list[dict] = []


def fake_builder(*, table: object, title: str, presenter: bool = False) -> go.Figure:
    CALLS.append({"title": title, "presenter": presenter})
    return go.Figure(layout={"title": {"text": title}})


def test_shared_figures_are_built_once_per_arguments() -> None:
    from streamlit.testing.v1 import AppTest

    CALLS.clear()

    def script() -> None:
        import streamlit as st

        from dashboard import figures
        from tests.test_warmup import fake_builder

        a = figures.shared(fake_builder, data_key="d1", data_args=("table",), table=[1],
                           title="x")
        b = figures.shared(fake_builder, data_key="d1", data_args=("table",), table=[2],
                           title="x")
        c = figures.shared(fake_builder, data_key="d1", data_args=("table",), table=[1],
                           title="y")
        d = figures.shared(fake_builder, data_key="d2", data_args=("table",), table=[1],
                           title="x")
        st.write(str([a is b, a is c, a is d]))

    at = AppTest.from_function(script).run()
    assert not at.exception
    # Same key and same plain arguments: one figure (the table is identified by data_key);
    # another title or another data key: built again.
    assert at.markdown[0].value == "[True, False, False]"
    assert [c["title"] for c in CALLS] == ["x", "y", "x"]
    at.run()
    assert len(CALLS) == 3  # a rerun (or another session) builds nothing


def test_the_overview_draws_the_ranking_the_warm_up_built(monkeypatch) -> None:
    """The warm-up builds the Overview's ranking through the same shared call the page makes
    (``dashboard.figures.ranking``): a new server's first visitor gets it built, and so does
    any visitor of the default view. Checked by making the builder fail after the warm-up."""
    from streamlit.testing.v1 import AppTest

    from dashboard import warmup
    from equity.charts import overview

    warmup.warm()

    def not_again(**_: object) -> None:
        raise AssertionError("the ranking was built again")

    # Under the real builder's name: the shared cache keys a figure by its builder's name.
    not_again.__module__ = overview.build_ranked_regions_figure.__module__
    not_again.__qualname__ = overview.build_ranked_regions_figure.__qualname__
    monkeypatch.setattr(overview, "build_ranked_regions_figure", not_again)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) >= 1


def test_the_warm_up_does_the_first_runs_once_per_process_work() -> None:
    """Streamlit's first element in a process runs ``inspect.stack()`` (its REPL check), whose
    first call maps every loaded module to its path, and the page icon needs Pillow: the
    warm-up does both, so the first visitor's run does not."""
    import inspect
    import os
    import sys

    import pandas

    from dashboard import warmup

    warmup.first_run_of_the_process()
    assert "PIL.Image" in sys.modules
    assert inspect.modulesbyfile.get(os.path.realpath(pandas.__file__)) == "pandas"


@pytest.fixture
def fresh_warmup(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The warm-up's process state as in a new server, with :func:`warm` replaced by a
    recorder of its calls."""
    from dashboard import warmup

    calls: list[str] = []

    def fake_warm() -> None:
        calls.append("warm")
        warmup._done.set()

    for name in ("_planned", "_started", "_done"):
        monkeypatch.setattr(warmup, name, threading.Event())
    monkeypatch.setattr(warmup, "warm", fake_warm)
    return calls


def _settle(calls: list[str], expected: int) -> None:
    deadline = time.monotonic() + 10
    while len(calls) < expected and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("recorded", [False, True])
def test_the_warm_up_is_put_off_while_a_first_screen_can_be_replayed(
        fresh_warmup: list[str], monkeypatch: pytest.MonkeyPatch, recorded: bool) -> None:
    from dashboard import replay, warmup

    monkeypatch.setattr(replay, "available", lambda: recorded)
    monkeypatch.setattr(warmup, "IDLE_SECONDS", 30.0)

    async def serve() -> None:
        async with warmup.lifespan(None):
            pass

    run_coroutine(serve())
    _settle(fresh_warmup, 0 if recorded else 1)
    time.sleep(0.2)
    # With a recording the warm-up waits (at most IDLE_SECONDS); without one it starts.
    assert fresh_warmup == ([] if recorded else ["warm"])
    assert warmup.wait(5.0) is True  # a session that needs it starts it and waits
    assert fresh_warmup == ["warm"]


@pytest.mark.parametrize(("path", "query", "starts"), [
    ("/", b"", False),                       # replayed: the warm-up stays put off
    ("/", b"lang=zh", False),
    ("/transfer_fund", b"", True),           # another page needs the model at once
    ("/", b"indicator=oop_share", True),     # a link with choices is drawn live
    ("/static/js/index.js", b"", False),     # not a page
])
def test_a_page_request_starts_a_put_off_warm_up_unless_it_will_be_replayed(
        fresh_warmup: list[str], monkeypatch: pytest.MonkeyPatch, path: str, query: bytes,
        starts: bool) -> None:
    from dashboard import replay, warmup

    monkeypatch.setenv(replay.ENV, "1")
    monkeypatch.setattr(replay, "load", lambda q: object() if set(q) <= {"lang"} else None)
    warmup._planned.set()
    passed: list[str] = []

    async def app(scope, receive, send) -> None:
        passed.append(scope["path"])

    scope = {"type": "http", "method": "GET", "path": path, "query_string": query,
             "headers": []}
    run_coroutine(warmup.StartOnPageRequest(app)(scope, None, None))
    _settle(fresh_warmup, 1 if starts else 0)
    time.sleep(0.05)
    assert passed == [path]  # every request goes on to Streamlit
    assert fresh_warmup == (["warm"] if starts else [])


def test_a_process_that_does_not_warm_up_never_starts_it_later(
        fresh_warmup: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import warmup

    warmup.start_later(0.01)  # as a replayed first screen asks, under AppTest
    time.sleep(0.2)
    assert fresh_warmup == [] and not warmup._started.is_set()
    warmup._planned.set()  # a server's process
    warmup.start_later(0.01)
    _settle(fresh_warmup, 1)
    assert fresh_warmup == ["warm"]
