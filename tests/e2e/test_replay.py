"""A new server's first visitor in Chromium (dashboard/replay.py): the Overview's first
screen replayed from the recording an earlier server made, then the whole page drawn around
the same chart; a first visitor of another page gets it as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from equity.i18n import t
from tests.e2e.conftest import ROOT, app_server, wait_for_app

MARK = "Replayed headline (test marker)"

# The first frame with a drawn chart: the headline then, and a mark on the chart's element
# (a chart drawn again by the next run would be a new element without it).
FIRST_CHART_JS = """(mark) => {
  const svg = document.querySelector('.st-key-rank .js-plotly-plot .main-svg');
  const box = svg ? svg.getBoundingClientRect() : null;
  if (!box || box.width === 0 || box.height === 0) return false;
  document.querySelector('.st-key-rank .js-plotly-plot').dataset.replayMark = mark;
  return {
    headline: Array.from(document.querySelectorAll('[data-testid="stMain"] h3'))
      .map((h) => h.innerText).join(' '),
    controls: document.querySelectorAll('[data-testid="stSidebar"] .st-key-lang').length,
  };
}"""


def _mark(recording: Path) -> dict:
    """Replace the recording's headline with :data:`MARK`, so the test can tell the replayed
    first screen from the live one (the recording's fingerprint is the code's and the data's,
    not its own text's); returns the recorded screen as it was."""
    raw = json.loads(recording.read_text(encoding="utf-8"))
    screen = dict(raw["screen"])
    raw["screen"]["headline"] = "### " + MARK
    recording.write_text(json.dumps(raw), encoding="utf-8")
    return screen


def _first_frame(browser, url: str, width: int, height: int):
    """A new browser context on ``url``: its context, page and first frame with a chart."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    first = page.wait_for_function(FIRST_CHART_JS, arg="kept", polling="raf",
                                   timeout=60_000).json_value()
    return context, page, first


def test_a_new_servers_first_visitor_gets_the_recorded_first_screen(
        browser, tmp_path: Path, screenshot) -> None:
    env = {"EQUITY_CACHE_DIR": str(tmp_path)}
    with app_server(env=env) as (url, _):  # an earlier server: its first visitor records
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(url)
        wait_for_app(page, timeout=60_000)
        context.close()
    recorded = _mark(tmp_path / "first_screen" / "overview.json")
    assert "90.0%" in recorded["headline"]

    with app_server(env=env) as (url, _):
        context, page, first = _first_frame(browser, url, 1400, 900)
        assert first["headline"].startswith(MARK) and first["controls"] == 0
        screenshot(page, "replayed_first_screen", full_page=False)
        wait_for_app(page, timeout=60_000)  # the whole page, drawn live
        expect(page.get_by_test_id("stMetric").first).to_be_visible()
        expect(page.locator('[data-testid="stMain"] h3').first).to_contain_text("90.0%")
        assert MARK not in page.locator('[data-testid="stMain"]').inner_text()
        # The same chart element: the whole page's run did not draw it again.
        assert page.locator(".st-key-rank .js-plotly-plot").get_attribute(
            "data-replay-mark") == "kept"
        expect(page.locator(".st-key-menu_rank")).to_be_visible()
        # The picker drawn by the replay works on: the out-of-pocket ranking.
        page.locator(".st-key-ov_indicator button").nth(1).click()
        title = page.locator(".st-key-rank .gtitle")
        expect(title.filter(has_text="Out-of-pocket")).to_have_count(1)
        wait_for_app(page, timeout=60_000)
        expect(title).to_have_count(1)  # the charity ranking gone, not left beside it
        assert "indicator=oop_share" in page.url
        context.close()

    with app_server(env=env) as (url, _):  # a first visitor of another page
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/transfer_fund")
        wait_for_app(page, timeout=60_000)
        expect(page.locator(".st-key-tf_headline")).to_be_visible()
        context.close()


def test_start_sh_records_first_screens_that_a_server_replays(browser, tmp_path: Path,
                                                               screenshot) -> None:
    """``python -m dashboard.replay`` (run by scripts/start.sh) records in AppTest what a
    served session would: a presenter link in Chinese replays it, chart and all."""
    env = {"EQUITY_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "dashboard.replay"], cwd=ROOT,
                          env={**os.environ, **env, "EQUITY_REPLAY": "1"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == t("replay.recorded", "en", count=4,
                                    directory=tmp_path / "first_screen")
    recorded = _mark(tmp_path / "first_screen" / "overview_lang-zh_presenter-true.json")
    assert "90.0%" in recorded["headline"] and recorded["presenter"] is True

    with app_server(env=env) as (url, _):
        context, page, first = _first_frame(browser, f"{url}/?lang=zh&presenter=true", 1920, 1080)
        assert first["headline"].startswith(MARK)
        box = page.locator(".st-key-rank").bounding_box()
        assert box["y"] + box["height"] <= 1080  # presenter mode: the chart on the first screen
        wait_for_app(page, timeout=60_000)
        expect(page.locator('[data-testid="stMain"] h3').first).to_contain_text("个百分点")
        assert page.locator(".st-key-rank .js-plotly-plot").get_attribute(
            "data-replay-mark") == "kept"
        screenshot(page, "replayed_presenter_zh_whole", full_page=False)
        context.close()
