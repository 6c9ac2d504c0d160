"""What every run of ``app.py`` draws around a page, whatever the page: the page config, the
page's style and the seven pages of the navigation.

Imports nothing heavy (no pandas, no model): a cold server's first screen replayed from its
recording (:mod:`dashboard.replay`) draws the same shell before the model is imported.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.chrome import chrome_script, modebar_css
from dashboard.css import reserved_height_css, type_size_css
from equity.i18n import LANGUAGES, t

ICON = Path(__file__).resolve().parent / "icon.png"
"""The page icon: a local file (a Material icon as page icon is fetched from a font server,
and nothing may be requested from outside the machine)."""

PAGES: tuple[tuple[str, str, str, str | None], ...] = (
    ("views/overview.py", "nav.overview", ":material/map:", None),
    ("views/transfer_fund.py", "nav.transfer_fund", ":material/swap_horiz:", "transfer_fund"),
    ("views/sustainability.py", "nav.sustainability", ":material/savings:", "sustainability"),
    ("views/benefit_design.py", "nav.benefit", ":material/layers:", "benefit"),
    ("views/compare.py", "nav.compare", ":material/compare:", "compare"),
    ("views/data.py", "nav.data", ":material/table:", "data"),
    ("views/methods.py", "nav.methods", ":material/functions:", "methods"),
)
"""The pages in navigation order: script (relative to app.py), catalogue key of the title,
icon, URL path (None: the default page, at the app's root)."""


def page_config(presenter: bool) -> None:
    """``st.set_page_config``: bilingual tab title, local icon, wide layout; in presenter mode
    the sidebar starts collapsed (the whole width for the headline and the chart)."""
    st.set_page_config(
        page_title=t("app.page_title", "en"),  # bilingual text, the same in both
        page_icon=str(ICON),
        layout="wide",
        initial_sidebar_state="collapsed" if presenter else "expanded",
    )


def page_style(presenter: bool, lang: str) -> None:
    """The page's style (type size, reserved heights, the mode bar's titles in ``lang``)."""
    st.html(f"<style>{type_size_css(presenter)} {reserved_height_css()}"
            f" {modebar_css(lang)}</style>")
    # Streamlit's own words (a table's toolbar, a column's menu): written in Chinese by a
    # script, which puts the English back when the language switches back.
    if lang != LANGUAGES[0] or st.session_state.get("_chrome_translated"):
        st.session_state["_chrome_translated"] = True
        st.html(chrome_script(lang), unsafe_allow_javascript=True)


def pages(lang: str) -> list:
    """The navigation's ``st.Page`` objects, titled in ``lang`` (the first is the default)."""
    return [
        st.Page(script, title=t(key, lang), icon=icon, url_path=url_path,
                default=url_path is None)
        for script, key, icon, url_path in PAGES
    ]
