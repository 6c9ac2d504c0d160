"""Browser tests: Playwright driving Debian's Chromium against ``streamlit run serve.py`` (the
app behind the server entry point that warms it up, as ``scripts/start.sh`` starts it).

Fixtures:
- ``app_url``: base URL of one ``streamlit run`` server started for the whole session.
- ``page``: a fresh Playwright page (1400x900) in a fresh browser context.
- ``screenshot``: ``screenshot(page, "name")`` saves ``artifacts/screenshots/name.png``.

Outside CI the tests skip when /usr/bin/chromium is missing; in CI (CI=true) they fail,
because scripts/test.sh installs it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
MAIN_UPLOAD = ".st-key-upload_file input[type=file]"
"""The Data page's table upload box (by its key: the boundary box is drawn beside it)."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, *, timeout: float,
                 interval: float) -> bool:
    """Poll ``url``'s ``/_stcore/health`` every ``interval`` seconds until it answers 200
    (True), or until ``proc`` exits or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(interval)


@contextmanager
def app_server(script: Path = ROOT / "serve.py",
               env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """``streamlit run script`` on a free port of 127.0.0.1, as scripts/start.sh starts it
    (``env``: variables to set for it); yields its base URL and process once
    ``/_stcore/health`` answers, and stops it on the way out (a test may stop it sooner).
    Its log goes to ``artifacts/streamlit-<port>.log``."""
    port = _free_port()
    log = (ROOT / "artifacts").resolve()
    log.mkdir(exist_ok=True)
    log_file = open(log / f"streamlit-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
        # As shipped: first screens recorded and replayed (into this run's EQUITY_CACHE_DIR).
        env={**os.environ, "EQUITY_REPLAY": "1", **(env or {})},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        if not wait_healthy(url, proc, timeout=60, interval=0.3):
            pytest.fail(f"streamlit did not start; see {log_file.name}")
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log_file.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: scripts/test.sh should have installed it")
        pytest.skip(f"{CHROMIUM} not installed")
    with app_server() as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser(app_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(pg, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def wait_for_app(pg, timeout: float = 30_000) -> None:
    """Wait until Streamlit has drawn the whole page and is idle: the sidebar's language
    switch is there (a session's first screen has no sidebar controls: the whole page follows
    once its charts are drawn, dashboard/first_screen.py), its app element says the script is
    not running (``data-test-script-state``; before the first run it says "initial", and the
    running indicator alone is idle then too) and no running indicator shows. Elements drawn
    by lazily loaded components may still appear a moment later: wait for those by
    locator."""
    pg.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    pg.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " const state = app && app.getAttribute('data-test-script-state');"
        " const s = document.querySelector('[data-testid=\"stStatusWidget\"]');"
        " const whole = document.querySelector('.st-key-lang');"
        " return whole && (state === null || state === 'notRunning')"
        " && (!s || s.innerText === ''); }",
        timeout=timeout,
    )
    pg.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=timeout)


def download_button(pg, selector: str):
    """The button of the download element at ``selector``. A chart's own downloads
    (``.st-key-png_<chart>``, ``svg_``, ``csv_``) sit in the chart's Download menu
    (``.st-key-menu_<chart>``), which is opened here when it is closed."""
    button = pg.locator(f"{selector} button").first
    chart = re.fullmatch(r"\.st-key-(?:png|svg|csv)_(.+)", selector)
    if chart and not button.is_visible():
        menu = pg.locator(f".st-key-menu_{chart.group(1)} button").first
        menu.scroll_into_view_if_needed()
        menu.click()
        button.wait_for(state="visible")
    return button


@pytest.fixture
def app_ready():
    """``wait_for_app`` as a fixture, for tests that must not ``import conftest`` (tests/app
    has a conftest.py too, so the module name ``conftest`` is ambiguous in a full run)."""
    return wait_for_app


def open_compare(pg):
    """Open the sidebar's comparison popover (``.st-key-compare_box``) and return its body, which
    holds the grouping column's and the two groups' select boxes (a closed popover's content
    is not in the page)."""
    body = pg.get_by_test_id("stPopoverBody").filter(has=pg.locator(".st-key-compare_col"))
    if not body.count():
        pg.locator(".st-key-compare_box button").first.click()
    body.wait_for(state="visible")
    return body


@pytest.fixture
def compare_picker():
    """:func:`open_compare` as a fixture (see ``app_ready``)."""
    return open_compare
