"""dashboard/chrome.py's script in Chromium, on a page shaped like Streamlit's: it writes the
catalogue's words in Streamlit's own controls only, follows them as they change or appear, and
puts the English back when the language switches back (issue 10: a Chinese page showed
Streamlit's English in a table's toolbar and menus)."""

from __future__ import annotations

import pytest

from dashboard.chrome import chrome_script

PAGE = """<!doctype html><html><body>
<div data-testid="stElementToolbar">
  <button id="download" aria-label="Download as CSV: Regions"></button>
  <button id="search" aria-label="Search"></button>
</div>
<div class="stTooltipHoverTarget"><span id="help" aria-label="Help for 数据集"></span></div>
<div data-testid="stFileUploaderDropzone">
  <span id="refused" role="alert">Error: <!-- -->text/plain files are not allowed.</span>
</div>
<div data-testid="InputInstructions"><span id="typing">Press Enter to apply</span></div>
<div class="stTooltipErrorContent"><p id="range"><strong>Error</strong>: </p></div>
<div data-testid="stMarkdownContainer"><p id="content">Search</p></div>
<button id="page-button" aria-label="Search"></button>
</body></html>"""


RANGE = "Number is outside the allowed range. Please enter a value between 0 and 100."


def _run(pg, lang: str) -> None:
    script = chrome_script(lang)
    pg.evaluate("body => { const s = document.createElement('script'); s.textContent = body;"
                " document.head.appendChild(s); }", script[len("<script>"):-len("</script>")])


@pytest.fixture
def blank(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_content(PAGE)
    yield pg
    context.close()


def _label(pg, selector: str) -> str:
    return pg.get_attribute(selector, "aria-label")


def test_streamlit_s_words_in_chinese_and_the_page_s_own_untouched(blank) -> None:
    blank.evaluate("text => { document.querySelector('#range').lastChild.nodeValue += text; }",
                   RANGE)
    _run(blank, "zh")
    assert _label(blank, "#download") == "下载为 CSV: Regions"  # the part before ": "
    assert _label(blank, "#search") == "搜索"
    assert _label(blank, "#help") == "“数据集”的说明"  # "Help for {}"
    assert blank.inner_text("#typing") == "按回车键确认"
    # A message with two values (both kept, in the translation's order) after a bold "Error".
    assert blank.inner_text("#range") == "错误: 数值超出允许范围，请输入 0 到 100 之间的值。"
    # Why an upload was refused, in two text nodes as Streamlit writes it: both translated.
    assert blank.inner_text("#refused") == "错误: 不允许上传 text/plain 类型的文件。"
    # The page's own content and controls are the page's: never rewritten.
    assert blank.inner_text("#content") == "Search"
    assert _label(blank, "#page-button") == "Search"


def test_words_that_appear_or_change_later_are_written_too(blank) -> None:
    _run(blank, "zh")
    # A tooltip and a column menu drawn after the script ran, as Streamlit draws them.
    blank.evaluate("""() => {
      const tip = document.createElement('div'); tip.className = 'stTooltipContent';
      tip.innerHTML = '<p id="tip">Download as CSV</p>'; document.body.appendChild(tip);
      const menu = document.createElement('div');
      menu.setAttribute('data-testid', 'stDataFrameColumnMenu');
      menu.innerHTML = '<div role="menuitem" id="sort"><span>↑</span>Sort ascending</div>'
        + '<div role="menuitem" id="name">region_id</div>';
      document.body.appendChild(menu);
    }""")
    blank.wait_for_function("() => document.querySelector('#tip').innerText === '下载为 CSV'")
    blank.wait_for_function("() => document.querySelector('#sort').innerText.includes('升序排列')")
    assert blank.inner_text("#name") == "region_id"  # a column's name is data
    # React writing its English again (a re-render) is answered at once.
    blank.evaluate("() => { document.querySelector('#search').setAttribute('aria-label',"
                   " 'Fullscreen'); document.querySelector('#tip').firstChild.nodeValue ="
                   " 'Search'; }")
    blank.wait_for_function("() => document.querySelector('#search').getAttribute("
                            "'aria-label') === '全屏'")
    blank.wait_for_function("() => document.querySelector('#tip').innerText === '搜索'")


def test_switching_back_to_english_puts_the_english_back(blank) -> None:
    _run(blank, "zh")
    blank.evaluate("""() => { const tip = document.createElement('div');
      tip.className = 'stTooltipContent'; tip.innerHTML = '<p id="tip">Fullscreen</p>';
      document.body.appendChild(tip); }""")
    blank.wait_for_function("() => document.querySelector('#tip').innerText === '全屏'")
    _run(blank, "en")
    assert _label(blank, "#download") == "Download as CSV: Regions"
    assert _label(blank, "#search") == "Search"
    assert _label(blank, "#help") == "Help for 数据集"
    assert blank.inner_text("#tip") == "Fullscreen"
    # English: nothing is watched any more.
    blank.evaluate("""() => { const tip = document.createElement('div');
      tip.className = 'stTooltipContent'; tip.innerHTML = '<p id="late">Search</p>';
      document.body.appendChild(tip); }""")
    blank.wait_for_timeout(200)
    assert blank.inner_text("#late") == "Search"
    # And Chinese again.
    _run(blank, "zh")
    assert _label(blank, "#search") == "搜索"
    assert blank.inner_text("#late") == "搜索"
