"""Fixtures for the AppTest page tests of the shell (a fresh app at a given URL).

Helpers are fixtures rather than importable functions: tests/e2e has a conftest.py too, and
``from conftest import ...`` would pick whichever was imported first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def _make_app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def _set_bound(at: AppTest, widget, value) -> AppTest:
    widget.set_value(value).run()
    return at.run()


@pytest.fixture
def make_app() -> Callable[..., AppTest]:
    """``make_app(page=None, **query)``: run app.py once (with URL query parameters), then
    switch to ``page`` (e.g. "views/data.py") and run it."""
    return _make_app


@pytest.fixture
def set_bound() -> Callable[..., AppTest]:
    """``set_bound(at, widget, value)``: set a URL-bound widget and rerun until the app has
    drawn with the new value.

    AppTest sends its own copy of the URL with every run and updates that copy from the
    app's messages only after the run, so the first rerun after changing a URL-bound widget
    still carries the old URL value. A browser updates the URL at once (the Playwright tests
    check that one click suffices); here a second run lets the test see what the user sees.
    """
    return _set_bound
