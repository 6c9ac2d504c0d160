"""A session's first screen (dashboard/first_screen.py): as served by serve.py, the first run
of a session draws the page's first screen only, with the link's values, and any later run
draws the whole page. AppTest runs app.py directly, where the first screen is off unless
``EQUITY_FIRST_SCREEN`` is set, as here."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import first_screen
from equity.i18n import t

from .conftest import APP, TIMEOUT


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(first_screen.ENV, "1")


def _first(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _charts(at: AppTest) -> list:
    return at.get("plotly_chart")


def _reveal(at: AppTest) -> list:
    return [e for e in at.get("bidi_component")]


def test_first_screen_is_the_headline_and_the_ranking(served) -> None:
    at = _first()
    assert not at.exception
    assert [e.value for e in at.title] == [t("ov.title", "en")]
    assert any("90.0%" in m.value and "65.0%" in m.value for m in at.markdown)
    assert len(_charts(at)) == 1  # the ranking; the map comes with the rest
    assert not at.metric
    # no sidebar controls yet: they come once the chart is drawn
    assert not at.sidebar.radio and not at.sidebar.selectbox and not at.sidebar.toggle
    assert len(_reveal(at)) == 1
    # the chart's source line is there, its Download menu not yet
    assert not at.get("popover")
    assert not any(t("app.footer", "en", version="")[:8] in c.value for c in at.caption)


def test_the_next_run_draws_the_whole_page(served) -> None:
    at = _first()
    at.run()  # what the script in the page asks for once the ranking is drawn
    assert not at.exception
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.sidebar.radio(key="dataset").value == "city_w"
    assert at.sidebar.toggle(key="presenter").value is False
    assert {m.value for m in at.metric} >= {"90.0%", "65.0%", "25.0 points"}
    assert len(_charts(at)) == 2  # ranking and map
    assert at.get("popover")  # the Download menus
    assert not _reveal(at)


def test_first_screen_takes_the_links_values(served) -> None:
    at = _first(lang="zh", compare_a="suburban", compare_b="urban", indicator="oop_share",
                presenter="true")
    assert not at.exception
    assert [e.value for e in at.title] == [t("ov.title", "zh")]
    headline = " ".join(m.value for m in at.markdown)
    assert "郊区" in headline and "-25.0个百分点" in headline
    title = json.loads(_charts(at)[0].proto.spec)["layout"]["title"]["text"]
    assert "自付" in title  # the link's indicator, in Chinese
    at.run()
    assert at.radio(key="lang").value == "zh"
    assert at.selectbox(key="compare_a").value == "suburban"
    assert at.toggle(key="presenter").value is True
    assert not at.warning  # a good link gives no notice


def test_a_bad_link_value_is_reported_with_the_controls(served) -> None:
    at = _first(lang="xx", compare_a="moon")
    assert not at.exception
    assert [e.value for e in at.title] == [t("ov.title", "en")]  # the defaults meanwhile
    assert not at.warning  # the notice comes with the control it is about
    at.run()
    notices = " ".join(w.value for w in at.warning)
    assert "xx" in notices and "moon" in notices
    assert at.radio(key="lang").value == "en"
    assert at.selectbox(key="compare_a").value == "urban"


def test_every_page_opens_whole_after_its_first_screen(served) -> None:
    for page in ("views/transfer_fund.py", "views/sustainability.py",
                 "views/benefit_design.py", "views/compare.py", "views/data.py",
                 "views/methods.py"):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.sidebar.radio, page  # first screen: no controls
        assert len(_reveal(at)) == 1, page
        at.run()
        assert not at.exception, page
        assert at.sidebar.radio(key="lang").value == "en", page
        assert not _reveal(at), page


def test_off_without_the_server_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(first_screen.ENV, raising=False)
    at = _first()
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.metric and not _reveal(at)
