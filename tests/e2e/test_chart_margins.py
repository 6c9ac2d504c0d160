"""Charts with region names on their y-axis are drawn once, in Chromium: the left margin the
server gives them (``equity.charts.text_width``) already holds the names, so Plotly's
``automargin`` has nothing to add and no second drawing pass is made. Overview's ranking and
Transfer fund's change by region, in English and Chinese, at 17 px and in presenter mode.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app

# The chart's margin as given and as Plotly laid it out (the two differ when automargin
# pushed it, i.e. drew the chart again), and its widest tick label.
MARGIN_JS = """(selector) => {
  const gd = document.querySelector(selector + ' .js-plotly-plot');
  const labels = [...gd.querySelectorAll('.ytick text')].map(t => t.getBBox().width);
  return {given: gd.layout.margin.l, drawn: gd._fullLayout._size.l,
          widest: Math.max(...labels), n: labels.length};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize(("path", "query", "key"), [
    ("", {}, "rank"),
    ("transfer_fund", {"central_pool": "1000000"}, "tf_region_change"),
])
def test_region_names_fit_the_given_margin(page, app_url, lang, presenter, path, query, key):
    params = {**query, "lang": lang, **({"presenter": "true"} if presenter else {})}
    page.goto(f"{app_url}/{path}?{urlencode(params)}")
    wait_for_app(page)
    selector = f".st-key-{key}"
    expect(page.locator(f"{selector} .ytick text").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)  # the chart's last layout pass, if any
    margin = page.evaluate(MARGIN_JS, selector)
    assert margin["n"] >= 10, margin  # City W's ten regions
    assert margin["drawn"] == margin["given"], margin  # no second pass
    # and the margin is not much wider than the names need
    # (the estimate is Noto Sans's; Source Sans, drawn on screen, is ~6% narrower; 3% spare)
    assert margin["given"] <= margin["widest"] * 1.12 + 14, margin
