"""Transfer fund page in a real browser: controls move the headline, links reproduce it,
the language switch translates it. Screenshots: artifacts/screenshots/transfer_fund_{en,zh}.png.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from playwright.sync_api import expect

from equity.charts.fund import build_headline
from equity.datasets import load
from equity.fund import simulate
from equity.scenario import scenario_from_flat
from tests.e2e.conftest import wait_for_app

HEADLINE = ".st-key-tf_headline h3"


def _open(page, app_url: str, query: dict[str, str] | None = None) -> None:
    url = f"{app_url}/transfer_fund"
    if query:
        url += "?" + urlencode(query)
    page.goto(url)
    wait_for_app(page)
    expect(page.locator(HEADLINE).first).to_be_visible(timeout=30_000)


def _headline(page) -> str:
    return page.locator(HEADLINE).first.inner_text().strip()


def _expected(query: dict[str, str], lang: str = "en") -> str:
    scenario, notices = scenario_from_flat(query)
    assert notices == []
    return build_headline(result=simulate(load("city_w"), scenario), lang=lang)


def _open_tab(page, name: str, inside: str) -> None:
    """Choose a section (or group of controls) on its segmented control, a radio group, and
    wait for an element inside it. A click that lands while the app is still rerunning can be
    dropped by the browser, so it is repeated once."""
    for attempt in range(2):
        page.get_by_role("radio", name=name, exact=True).click()
        wait_for_app(page)
        try:
            expect(page.locator(inside).first).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            if attempt:
                raise


def _screenshot_whole_page(page, screenshot, name: str) -> None:
    """Streamlit scrolls inside its own container, so grow the viewport to the content first."""
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 200, 6000)})
    page.wait_for_timeout(1500)  # let plotly re-lay out at the new size
    screenshot(page, name)
    page.set_viewport_size({"width": 1400, "height": 900})


def test_typing_an_amount_and_moving_a_slider_change_the_headline(page, app_url):
    _open(page, app_url, {"central_pool": "1000000"})
    expect(page.locator(HEADLINE).first).to_have_text(_expected({"central_pool": "1000000"}))
    box = page.locator(".st-key-central_pool input")
    box.fill("2000000")
    box.press("Enter")
    expect(page.locator(HEADLINE).first).to_have_text(_expected({"central_pool": "2000000"}))
    expect(page).to_have_url(re.compile(r"central_pool=2000000"))
    # Another group of the scenario panel: only the open group's controls are drawn.
    expect(page.locator(".st-key-breadth_share")).to_have_count(0)
    _open_tab(page, "Use and take-up", ".st-key-breadth_share")
    expect(page.locator(".st-key-central_pool")).to_have_count(0)
    # A slider: keyboard steps the share spent on new places down from 100% to 95%.
    thumb = page.locator(".st-key-breadth_share input[type='range']")
    thumb.focus()
    thumb.press("ArrowLeft")
    expect(page.locator(HEADLINE).first).to_have_text(
        _expected({"central_pool": "2000000", "breadth_share": "0.95"}))
    # The closed group's value stays in the address bar beside the open one's.
    expect(page).to_have_url(re.compile(r"central_pool=2000000.*breadth_share=0\.95|"
                                        r"breadth_share=0\.95.*central_pool=2000000"))
    expect(page.get_by_text("Set in the other groups: Central transfer pool = 2 million yuan"))\
        .to_be_visible()


def test_the_headline_never_blanks_while_a_slider_moves(page, app_url):
    """Every text the headline shows while the slider steps down is a whole headline: the
    last one until the new one replaces it, never an empty box (an st.empty placeholder blanked
    it, and shifted the page up, for as long as the model ran). Seven presses, each checked."""
    _open(page, app_url, {"central_pool": "1000000", "group": "use"})
    thumb = page.locator(".st-key-breadth_share input[type='range']")
    page.evaluate("""() => {
      window.__headlines = [];
      const box = document.querySelector('.st-key-tf_headline');
      new MutationObserver(() => window.__headlines.push(box.innerText.trim()))
        .observe(box, {subtree: true, childList: true, characterData: true});
    }""")
    for step in range(1, 8):
        thumb.focus()
        thumb.press("ArrowLeft")
        share = f"{1 - step * 0.05:.2f}".rstrip("0")
        expect(page.locator(HEADLINE).first).to_have_text(
            _expected({"central_pool": "1000000", "breadth_share": share}))
        wait_for_app(page)
    seen = page.evaluate("() => window.__headlines")
    assert seen, "the headline never changed"
    assert all(text.startswith("A fund of 1 million yuan") for text in seen), \
        sorted({text[:40] for text in seen})


def test_a_shared_link_reproduces_the_headline(page, app_url):
    query = {"central_pool": "1500000", "weights.equal": "0.5", "take_up": "0.8"}
    _open(page, app_url, query)
    expect(page.locator(HEADLINE).first).to_have_text(_expected(query))
    assert "1.5 million yuan" in _headline(page)
    expect(page.locator(".stAlert")).to_have_count(0)  # a good link gives no notice


def test_the_copied_link_reopens_the_same_view(page, app_url, browser):
    _open(page, app_url, {"central_pool": "1000000"})
    _open_tab(page, "Use and take-up", ".st-key-take_up")
    thumb = page.locator(".st-key-take_up input[type='range']")
    thumb.focus()
    thumb.press("ArrowLeft")
    expected = _expected({"central_pool": "1000000", "take_up": "0.95"})
    expect(page.locator(HEADLINE).first).to_have_text(expected)
    _open_tab(page, "Save and share", "[data-testid='stCode']")
    link = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert link.startswith(f"{app_url}/transfer_fund?")
    other = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        other.goto(link)
        wait_for_app(other)
        expect(other.locator(HEADLINE).first).to_have_text(expected)
    finally:
        other.context.close()


def test_goal_seek_answer_can_be_applied(page, app_url):
    _open(page, app_url, {"central_pool": "1000000"})
    _open_tab(page, "Goal seek and optimum", ".st-key-tf_goal_target")
    target = page.locator(".st-key-tf_goal_target input")
    target.fill("5")
    target.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Find the amount").click()
    expect(page.get_by_text("Reachable: with Central transfer pool at 1.4 million yuan")) \
        .to_be_visible()
    page.get_by_role("button", name="Use this value").click()
    # Rounded up to the input's 100,000-yuan step so the target is still met.
    expect(page.locator(HEADLINE).first).to_have_text(_expected({"central_pool": "1500000"}))
    expect(page).to_have_url(re.compile(r"central_pool=1500000"))


def test_the_scenario_survives_a_visit_to_another_page(page, app_url):
    query = {"central_pool": "1000000", "recipients": "suburban"}
    _open(page, app_url, query)
    expect(page.locator(HEADLINE).first).to_have_text(_expected(query))
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Overview").click()
    wait_for_app(page)
    expect(page.locator(HEADLINE)).to_have_count(0)
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text="Transfer fund").click()
    wait_for_app(page)
    expect(page.locator(HEADLINE).first).to_have_text(_expected(query))
    expect(page).to_have_url(re.compile(r"recipients=suburban"))


def test_a_bad_link_value_shows_a_notice(page, app_url):
    _open(page, app_url, {"central_pool": "1000000", "admin_overhead": "0.9"})
    expect(page.get_by_text("could not be used and were replaced by defaults")).to_be_visible()
    expect(page.locator(HEADLINE).first).to_have_text(_expected({"central_pool": "1000000"}))


def test_language_switch_and_screenshots(page, app_url, screenshot):
    query = {"central_pool": "1000000", "weights.equal": "0.5", "recipients": "suburban"}
    _open(page, app_url, {**query, "group": "use"})
    expect(page.locator(HEADLINE).first).to_have_text(_expected(query))
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    _screenshot_whole_page(page, screenshot, "transfer_fund_en")
    page.locator("[data-testid='stSidebar'] label").filter(has_text="中文").first.click()
    wait_for_app(page)
    expect(page.locator("h1").filter(has_text="转移支付基金模拟器")).to_be_visible()
    expect(page.locator(HEADLINE).first).to_have_text(_expected(query, "zh"))
    expect(page).to_have_url(re.compile(r"lang=zh"))
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    _screenshot_whole_page(page, screenshot, "transfer_fund_zh")
    # The choice of recipients survives the language switch and the next interaction.
    thumb = page.locator(".st-key-breadth_share input[type='range']")
    thumb.focus()
    thumb.press("ArrowLeft")
    changed = {**query, "breadth_share": "0.95"}
    expect(page.locator(HEADLINE).first).to_have_text(_expected(changed, "zh"))
    expect(page).to_have_url(re.compile(r"recipients=suburban"))


def test_financial_protection_tab_in_both_languages(page, app_url, screenshot):
    from equity.charts.fund import build_protection_headline
    from equity.protection import protection_from_simulation

    query = {"central_pool": "1000000", "recipients": "suburban"}
    scenario, _ = scenario_from_flat(query)
    result = simulate(load("city_w"), scenario)
    overall = protection_from_simulation(result, load("city_w")).overall
    _open(page, app_url, query)
    heading = page.locator("h4").filter(has_text="household income")
    _open_tab(page, "Financial protection", ".st-key-tf_prot_threshold")
    expect(heading.first).to_have_text(build_protection_headline(
        overall=overall, threshold=0.40, fund_gross=result.fund.gross, lang="en"))
    # Only the open tab is drawn, so the one plot on the page is the protection chart.
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=30_000)
    _screenshot_whole_page(page, screenshot, "transfer_fund_protection_en")
    page.locator("[data-testid='stSidebar'] label").filter(has_text="中文").first.click()
    wait_for_app(page)
    expect(page.locator("h1").filter(has_text="转移支付基金模拟器")).to_be_visible()
    _open_tab(page, "经济风险保护", ".st-key-tf_prot_threshold")
    expect(page.locator("h4").filter(has_text="家庭收入").first).to_have_text(
        build_protection_headline(overall=overall, threshold=0.40,
                                  fund_gross=result.fund.gross, lang="zh"))
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    _screenshot_whole_page(page, screenshot, "transfer_fund_protection_zh")
