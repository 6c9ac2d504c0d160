"""Transfer fund at 1920x1080: the inequality measures tab (issue 14's interval chart, the
"what it means" column whole, no table scrolling inside itself) and the presets section
(issue 12), in English and Chinese. Screenshots:
artifacts/screenshots/transfer_fund_measures_{en,zh}.png and
transfer_fund_presets_{en,zh}.png."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app

WIDTH, HEIGHT = 1920, 1080
TITLES = {"en": ("Inequality in charity coverage across regions", "Zhejiang",
                 "Zhejiang: per-capita levy", "Australia",
                 "Australia: national charity allocation"),
          "zh": ("各地区慈善救助覆盖率的不平等", "浙江", "浙江：按人头筹资", "澳大利亚",
                 "澳大利亚：全国慈善资源统筹分配")}


def _open(page, app_url: str, query: dict[str, str]) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{app_url}/transfer_fund?{urlencode(query)}")
    wait_for_app(page)
    expect(page.locator(".st-key-tf_headline h3").first).to_be_visible(timeout=30_000)


def _whole_page(page, screenshot, name: str) -> None:
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": min(int(height) + 200, 7000)})
    page.wait_for_timeout(1500)
    screenshot(page, name)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_measures_tab_chart_and_whole_table(page, app_url, screenshot, lang):
    _open(page, app_url, {"lang": lang, "central_pool": "1000000", "tab": "measures"})
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=30_000)
    title = page.locator(".js-plotly-plot .gtitle").first
    expect(title).to_contain_text(TITLES[lang][0])
    table = page.locator("[data-testid='stTable']").first
    expect(table).to_be_visible()
    # the table grows with its rows: nothing scrolls inside it, no cell is cut
    clipped = table.evaluate(
        "t => [t, ...t.querySelectorAll('*')].filter(e => e.scrollHeight > e.clientHeight + 2"
        " && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)).length")
    assert clipped == 0
    cut = table.evaluate(
        "t => [...t.querySelectorAll('td')].filter(c => c.scrollWidth > c.clientWidth + 2)"
        ".length")
    assert cut == 0
    _whole_page(page, screenshot, f"transfer_fund_measures_{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_presets_section(page, app_url, screenshot, lang):
    _, zhejiang, zhejiang_title, australia, australia_title = TITLES[lang]
    _open(page, app_url, {"lang": lang})
    picker = page.locator(".st-key-tf_presets input").first
    for typed, title in ((zhejiang, zhejiang_title), (australia, australia_title)):
        picker.click()
        picker.fill(typed)
        page.get_by_role("option", name=title).first.click()
        wait_for_app(page)
        page.keyboard.press("Escape")
    box = page.locator(".st-key-tf_presets_box")
    expect(box).to_be_visible(timeout=30_000)
    expect(box.locator("[data-testid='stTable']")).to_contain_text(zhejiang_title)
    expect(page.locator(".st-key-levy_per_insured input")).to_have_value("2.0")
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    screenshot(page, f"transfer_fund_presets_{lang}", full_page=False)
