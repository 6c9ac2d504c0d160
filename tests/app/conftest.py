"""Shared helpers for the AppTest page tests: a fresh app at a given URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120


def make_app(page: str | None = None, **query: str) -> AppTest:
    """Run app.py once (optionally with URL query parameters), then switch to ``page``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def set_bound(at: AppTest, widget, value) -> AppTest:
    """Set a URL-bound widget and rerun until the app has drawn with the new value.

    AppTest sends its own copy of the URL with every run and updates that copy from the
    app's messages only after the run, so the first rerun after changing a URL-bound widget
    still carries the old URL value. A browser updates the URL at once (the Playwright tests
    check a single click suffices); here a second run lets the test see what the user sees.
    """
    widget.set_value(value).run()
    return at.run()


@pytest.fixture
def app_factory():
    return make_app
