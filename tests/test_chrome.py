"""Streamlit's and plotly's own words in the page's language (dashboard/chrome.py): what the
server side hands the browser. The script's behaviour in a page is tested in Chromium
(tests/e2e/test_chrome_words.py, tests/e2e/test_shell.py)."""

from __future__ import annotations

import re

from dashboard import chrome
from equity.i18n import catalogue


def test_english_has_no_words_to_write() -> None:
    # The English catalogue holds the English words themselves: nothing to replace.
    assert chrome.streamlit_words("en") == {}


def test_chinese_words_cover_every_entry_and_keep_their_placeholder() -> None:
    keys = {k for k in catalogue("en") if k.startswith(chrome.STREAMLIT_PREFIX)}
    words = chrome.streamlit_words("zh")
    assert {chrome.STREAMLIT_PREFIX + k for k in words} == keys
    assert words["Download as CSV"] == "下载为 CSV"
    assert words["Sort ascending"] == "升序排列"
    for english, text in words.items():
        assert english.count("{}") == text.count("{}"), english
        # Only a file format's and a key's names stay in Latin letters.
        assert not re.search(r"[A-Za-z]{3,}", re.sub("CSV|Ctrl", "", text)), (english, text)


def test_script_cannot_end_its_element(monkeypatch) -> None:
    monkeypatch.setattr(chrome, "streamlit_words",
                        lambda lang: {"Search": "</script><script>alert(1)</script>"})
    html = chrome.chrome_script("zh")
    assert html.startswith("<script>") and html.endswith("</script>")
    assert html.count("</script>") == 1 and html.count("<script>") == 1
    assert "\\u003c/script>" in html


def test_script_survives_streamlit_s_sanitiser() -> None:
    # st.html passes its body through DOMPurify, which drops a script element whose text
    # holds "<" and a letter or "/" (as in a comment naming "<a value>"): nothing would run.
    body = chrome.chrome_script("zh")[len("<script>"):-len("</script>")]
    assert not re.search(r"<[/\w]", body), re.search(r".{30}<[/\w].{30}", body)


def test_script_carries_the_language_s_words_and_where_to_write_them() -> None:
    zh, en = chrome.chrome_script("zh"), chrome.chrome_script("en")
    assert "升序排列" in zh and "升序排列" not in en
    assert '"__WORDS__"' not in zh and "__SCOPE__" not in zh and "__LABELLED__" not in zh
    for scope in chrome.CHROME_SCOPES + chrome.CHROME_LABELLED:
        assert scope.replace('"', '\\"') in zh


def test_plotly_locale_is_the_catalogue_s() -> None:
    locale = chrome.plotly_locale("zh")
    assert locale["locale"] == "zh"
    assert locale["locales"]["zh"]["dictionary"]["Zoom in"] == "放大"
    # The money-flow Sankey's hover labels, looked up by plotly.js with the colon.
    assert locale["locales"]["zh"]["dictionary"]["incoming flow count:"] == "流入笔数："
