"""A session's first screen in Chromium (dashboard/first_screen.py): the ranking is drawn
before the sidebar's controls and the metrics arrive, the whole page follows on its own, the
link's values hold throughout, and the chart does not move when the rest arrives."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from equity.i18n import t

# Polled every animation frame: the first frame in which a chart is drawn, with what else
# the page holds in that frame and where the chart sits.
FIRST_CHART_JS = """() => {
  for (const svg of document.querySelectorAll('.js-plotly-plot .main-svg')) {
    const box = svg.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) {
      return {
        controls: document.querySelectorAll('[data-testid="stSidebar"] .st-key-lang').length,
        metrics: document.querySelectorAll('[data-testid="stMetric"]').length,
        top: document.querySelector('.st-key-rank').getBoundingClientRect().top,
        // What is above the chart in that frame, should it move later.
        skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
        above: Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid]'))
          .filter((el) => el.getBoundingClientRect().bottom <= box.top)
          .map((el) => el.getAttribute('data-testid') + ':'
               + Math.round(el.getBoundingClientRect().height)).slice(0, 40).join(' '),
      };
    }
  }
  return false;
}"""


# What is above the ranking in the whole page (to compare with the first frame's list).
ABOVE_JS = """(limit) => Array.from(
    document.querySelectorAll('[data-testid="stMain"] [data-testid]'))
  .filter((el) => el.getBoundingClientRect().bottom <= limit + 40)
  .map((el) => el.getAttribute('data-testid') + ':'
       + Math.round(el.getBoundingClientRect().height)).slice(0, 40).join(' ')"""


def test_first_chart_comes_before_the_controls_then_the_whole_page(
        page: Page, app_url: str, app_ready, compare_picker, screenshot) -> None:
    page.goto(f"{app_url}/?lang=zh&compare_a=suburban&compare_b=urban&indicator=oop_share")
    first = page.wait_for_function(FIRST_CHART_JS, polling="raf", timeout=60_000).json_value()
    assert first["controls"] == 0 and first["metrics"] == 0
    screenshot(page, "first_screen_zh")
    app_ready(page)  # the whole page, without anything done by the test
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.locator(".st-key-lang input[type=radio]").nth(1)).to_be_checked()
    expect(sidebar.get_by_test_id("stPopoverButton")).to_contain_text("比较：郊区 与 城区")
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    expect(page.locator(".st-key-menu_rank")).to_be_visible()  # the chart's Download menu
    top = page.locator(".st-key-rank").bounding_box()["y"]
    # The ranking stays where it was drawn.
    assert abs(top - first["top"]) < 1, (
        f"ranking at {top} in the whole page, {first['top']} in its first frame; first frame"
        f" {first}; whole page above it: {page.evaluate(ABOVE_JS, first['top'])}")
    assert "lang=zh" in page.url and "compare_a=suburban" in page.url
    assert "indicator=oop_share" in page.url
    assert not page.get_by_test_id("stAlert").count()  # no notice for a good link
    screenshot(page, "first_screen_then_whole_zh")
    expect(compare_picker(page).locator(".st-key-compare_a input")).to_have_value("郊区")
    page.keyboard.press("Escape")


def test_a_bad_link_value_is_reported_once_the_controls_arrive(
        page: Page, app_url: str, app_ready) -> None:
    page.goto(f"{app_url}/?lang=xx")
    app_ready(page)
    expect(page.get_by_test_id("stAlert").first).to_contain_text("xx")
    expect(page.get_by_test_id("stMain")).to_contain_text(t("ov.title", "en"))


# The first frame with Transfer fund's before / after chart drawn: where it sits, and how many
# placeholders (elements whose code is still loading) the page holds then.
TF_CHART_JS = """() => {
  const chart = document.querySelector('.st-key-tf_before_after .js-plotly-plot .main-svg');
  const box = chart ? chart.getBoundingClientRect() : null;
  if (!box || box.width === 0 || box.height === 0) return false;
  return {top: box.top,
          placeholders: document.querySelectorAll('[data-testid="stSkeleton"]').length};
}"""


def test_a_presenter_links_chart_stays_where_it_was_drawn(browser, app_url: str,
                                                          app_ready) -> None:
    """In presenter mode Transfer fund's headline metrics sit above its chart; when they were
    still placeholders as the chart was drawn, the chart moved down 85 px when they arrived
    (one first visit in four). Their placeholders now take the metrics' height
    (dashboard/css.py): within 0.5 rem, whether or not they had arrived."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{app_url}/transfer_fund?lang=zh&central_pool=1000000&presenter=true")
        first = page.wait_for_function(TF_CHART_JS, polling="raf", timeout=60_000).json_value()
        app_ready(page)
        expect(page.get_by_test_id("stMetric").first).to_be_visible()
        last = page.evaluate(TF_CHART_JS)
        root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert root == 21  # presenter mode's type size
        assert abs(last["top"] - first["top"]) <= 0.5 * root, (first, last)
        assert last["top"] + 300 < 1080  # and the chart is on the first screen
    finally:
        context.close()
