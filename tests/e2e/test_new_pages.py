"""Fund sustainability, Benefit design and Compare pages in a real browser: two scenarios
built on the Transfer fund page, compared, the comparison link opened in a new context, the
HTML report downloaded and checked offline. Screenshots of each page in both languages and in
presenter mode: artifacts/screenshots/{sustainability,benefit,compare}_{en,zh,presenter}.png.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

from equity.charts.fund import build_headline
from equity.datasets import load
from equity.fund import simulate
from tests.e2e.conftest import wait_for_app

URL_ATTRIBUTES = {"src", "href", "action", "data", "poster", "srcset", "formaction"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v or "" for k, v in attrs if k in URL_ATTRIBUTES]


def _nav(page, label: str) -> None:
    page.get_by_role("link", name=label).first.click()
    wait_for_app(page)


def _save(page, name: str) -> None:
    field = page.locator(".st-key-cmp_name input")
    field.fill(name)
    field.press("Enter")
    wait_for_app(page)
    page.locator(".st-key-cmp_save button").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Saved “{name}”.")).to_be_visible(timeout=30_000)


def _set_pool(page, yuan: int, shown: str) -> None:
    field = page.locator(".st-key-central_pool input")
    field.fill(str(yuan))
    field.press("Enter")
    wait_for_app(page)
    # the page reads the amount back under the field once the app has taken it
    expect(page.get_by_text(f"= {shown}").first).to_be_visible(timeout=30_000)


def _link(page, count: int) -> str:
    """The comparison link once it carries ``count`` scenarios (the code block is redrawn
    after the save's rerun, so an early read can still hold the previous link)."""
    from urllib.parse import parse_qs, urlparse

    for _ in range(60):
        text = page.locator("[data-testid='stCode'] code").first.inner_text().replace("\n", "")
        code = parse_qs(urlparse(text).query).get("cmp", [""])[0]
        if code and len(_compare_page().decode_link(code)[0]) == count:
            return text
        page.wait_for_timeout(500)
    raise AssertionError(f"the link never carried {count} scenarios: {text}")


def _compare_page():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "compare_page", Path(__file__).resolve().parents[2] / "views" / "compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compare_two_scenarios_reopen_the_link_and_download_the_report(page, app_url, browser):
    page.goto(f"{app_url}/transfer_fund?central_pool=5000000")
    wait_for_app(page)
    _nav(page, "Compare scenarios")
    _save(page, "Pool 5m")
    _nav(page, "Transfer fund")
    _set_pool(page, 2_000_000, "2 million yuan")
    _nav(page, "Compare scenarios")
    _save(page, "Pool 2m")
    data = load("city_w")
    for pool, _name in ((5e6, "Pool 5m"), (2e6, "Pool 2m")):
        sentence = build_headline(result=simulate(data, {"central_pool": pool}), lang="en")
        expect(page.get_by_text(sentence[:60]).first).to_be_visible(timeout=30_000)
    link = _link(page, 2)

    with page.expect_download() as info:
        page.locator(".st-key-cmp_report button").click()
    report = Path(info.value.path()).read_text(encoding="utf-8")
    assert build_headline(result=simulate(data, {"central_pool": 5e6}), lang="en") in report
    links = _Links()
    links.feed(report)
    assert all(not u or u.startswith("#") for u in links.urls), links.urls

    other = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        fresh = other.new_page()
        fresh.goto(link)
        wait_for_app(fresh)
        chosen = fresh.locator(".st-key-cmp_pick")
        expect(chosen).to_contain_text("Pool 5m", timeout=30_000)
        expect(chosen).to_contain_text("Pool 2m")
    finally:
        other.close()


def _whole(page, screenshot, name: str) -> None:
    """Grow the viewport to the content (Streamlit scrolls inside its own container), then
    give plotly and the data editor time to draw at the new size."""
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 200, 6000)})
    page.wait_for_timeout(6000)
    screenshot(page, name)


@pytest.mark.parametrize("mode", ["en", "zh", "presenter"])
@pytest.mark.parametrize("path", ["sustainability", "benefit", "compare"])
def test_screenshots(page, app_url, screenshot, path, mode):
    query = {"en": "", "zh": "lang=zh&", "presenter": "presenter=true&"}[mode]
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_url}/{path}?{query}central_pool=5000000&levy_per_insured=1")
    wait_for_app(page)
    expect(page.locator("h1").first).to_be_visible()
    assert not page.locator("[data-testid='stException']").count()
    if path != "compare":  # nothing saved yet on a fresh compare page, so no chart
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    _whole(page, screenshot, f"{path}_{mode}")
