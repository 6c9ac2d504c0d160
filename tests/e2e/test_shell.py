"""Browser tests of the dashboard shell: Overview numbers, language switch, links, Data uploads.

Screenshots of every page in both languages go to artifacts/screenshots/ for a human to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from equity.report import export_name
from tests.e2e.conftest import MAIN_UPLOAD, app_server, download_button

HEADER = (
    "region_id,region_name,area_type,patients,charity_coverage,oop_share,cost_per_patient,"
    "subsidy_per_patient\n"
)
ROW_A = "A1,North,urban,100,0.8,0.3,200000,18000\n"
GOOD_CSV = HEADER + ROW_A + "B1,South,suburban,50,60%,0.3,200000,18000\n"
# Row 3 as a spreadsheet shows it (header = row 1): "many" is not a number of patients.
BAD_CSV = HEADER + ROW_A + "B1,South,suburban,many,0.6,0.3,200000,18000\n"


@pytest.fixture
def open_page(page: Page, app_ready):
    """``open_page(url)``: go to ``url`` and wait until Streamlit has finished running."""

    def go(url: str) -> None:
        page.goto(url)
        app_ready(page)

    return go


def _shot(page: Page, screenshot, name: str) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main block, so grow the
    viewport to the content's height first (charts re-lay out, hence the short waits)."""
    page.wait_for_timeout(1500)
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stSidebarContent'].map(id => {"
        " const el = document.querySelector(`[data-testid=\"${id}\"]`);"
        " return el ? el.scrollHeight : 0; }))"
    )
    page.set_viewport_size({"width": 1400, "height": min(max(int(height) + 40, 900), 5000)})
    page.wait_for_timeout(2000)
    screenshot(page, name, full_page=False)
    page.set_viewport_size({"width": 1400, "height": 900})


def _main(page: Page):
    return page.get_by_test_id("stMain")


def test_overview_shows_city_w_gap(page: Page, app_url: str, open_page, screenshot) -> None:
    open_page(app_url)
    main = _main(page)
    expect(main.get_by_text("Where the gap stands")).to_be_visible()
    metrics = page.get_by_test_id("stMetricValue")
    expect(metrics.nth(0)).to_have_text("90.0%")
    expect(metrics.nth(1)).to_have_text("65.0%")
    expect(metrics.nth(2)).to_have_text("25.0 points")
    # Both charts drew: the map (a MapLibre canvas) and the ranking (an SVG with bars).
    expect(page.locator(".js-plotly-plot").nth(1)).to_be_visible(timeout=30_000)
    expect(page.locator(".js-plotly-plot .maplibregl-canvas").first).to_be_attached()
    _shot(page, screenshot, "overview_en")
    # A chart image is made only when asked for (kaleido + the system Chromium).
    with page.expect_download(timeout=60_000) as download:
        download_button(page, ".st-key-png_rank").click()
    # the file names the chart and carries the model version (issue 10)
    assert download.value.suggested_filename == export_name("ranking_charity_coverage", "png")
    head = Path(download.value.path()).read_bytes()[:8]
    assert head == b"\x89PNG\r\n\x1a\n"


def test_language_switch_translates(page: Page, app_url: str, open_page, compare_picker,
                                    screenshot) -> None:
    open_page(app_url)
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    expect(_main(page).get_by_text("差距现状")).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").nth(2)).to_have_text("25.0个百分点")
    assert "lang=zh" in page.url
    # The sidebar's choices follow the switch (they showed no dataset chosen and the groups
    # as "Area type", "urban", "suburban" until the page was reloaded).
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radio", name="W市（分区，按文献汇总数据示意拆分）")).to_be_checked()
    expect(sidebar.get_by_test_id("stPopoverButton")).to_contain_text("比较：城区 与 郊区")
    picker = compare_picker(page)
    for label, shown in (("分组依据", "区域类型"), ("A组", "城区"), ("B组", "郊区")):
        expect(picker.get_by_role("combobox", name=label)).to_have_value(shown)
    page.keyboard.press("Escape")
    _shot(page, screenshot, "overview_zh")


def test_language_switch_keeps_page_choices_shown(page: Page, app_url: str, open_page) -> None:
    # A page's own radios kept the English choice's words after a switch, so none was shown
    # as chosen (the Data page's template level and headers).
    open_page(f"{app_url}/data")
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    main = _main(page)
    expect(main.get_by_role("radio", name="县级")).to_be_checked()
    expect(main.get_by_role("radio", name="英文")).to_be_checked()
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    expect(main.get_by_role("radio", name="county", exact=True)).to_be_checked()


def test_link_with_lang_zh_opens_in_chinese(page: Page, app_url: str, open_page) -> None:
    open_page(f"{app_url}/?lang=zh")
    expect(_main(page).get_by_text("差距现状")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("数据集", exact=True)).to_be_visible()


def test_bad_link_value_gives_notice(page: Page, app_url: str, open_page) -> None:
    open_page(f"{app_url}/?dataset=nowhere")
    expect(page.get_by_text("nowhere", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("stMetricValue").nth(0)).to_have_text("90.0%")


def test_data_page_uploads(page: Page, app_url: str, open_page, screenshot) -> None:
    open_page(f"{app_url}/data")
    expect(_main(page).get_by_text("Upload your own")).to_be_visible()
    uploader = page.locator(MAIN_UPLOAD)
    uploader.set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": BAD_CSV.encode()}]
    )
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("row 3")
    expect(error).to_contain_text("patients")
    expect(error).to_contain_text("Nothing was loaded")
    _shot(page, screenshot, "data_bad_upload_en")
    uploader.set_input_files(
        files=[{"name": "good.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}]
    )
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("2 regions loaded")
    assert "dataset=upload" in page.url
    _shot(page, screenshot, "data_good_upload_en")
    # The upload is now the dataset of every page; it has no boundaries, so a tile grid.
    page.get_by_test_id("stSidebarNav").get_by_text("Overview").click()
    expect(page.get_by_test_id("stMetricValue").nth(0)).to_have_text("80.0%")
    expect(page.get_by_test_id("stMetricValue").nth(1)).to_have_text("60.0%")
    expect(page.get_by_text("Tile grid", exact=False).first).to_be_attached()
    _shot(page, screenshot, "overview_upload_tile_grid_en")


# What the browser shows on each uploader: the button's words and the size line, as drawn
# (Streamlit's own English words are there too, at font size 0).
UPLOADER_WORDS_JS = """() => [...document.querySelectorAll('[data-testid=stFileUploader]')]
  .map(u => [u.querySelector('[data-testid=stBaseButton-secondary] p').innerText,
             u.querySelector('[data-testid=stFileUploaderDropzoneInstructions]').innerText
               .replace(/\\s+/g, ' ').trim()])"""


def test_uploaders_speak_chinese(page: Page, app_url: str, open_page, screenshot) -> None:
    # Issue 10: Streamlit draws "Upload" and "50MB per file" in English on a Chinese page.
    open_page(f"{app_url}/data?lang=zh")
    expect(_main(page).get_by_text("上传自己的数据")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(2)
    # The words are written as the uploaders are drawn (dashboard/chrome.py's script): the
    # text itself, which a screen reader reads too.
    page.wait_for_function(f"() => ({UPLOADER_WORDS_JS})().every(u => u[0] === '上传')")
    shown = page.evaluate(UPLOADER_WORDS_JS)
    assert shown == [
        ["上传", "每个文件不超过 50 MB • CSV, TXT, TSV, XLSX, XLSM, PARQUET, GEOJSON, JSON, GPKG, "
         "ZIP"],
        ["上传", "每个文件不超过 50 MB • GEOJSON, JSON, GPKG, ZIP"],
    ]
    page.get_by_test_id("stFileUploader").first.scroll_into_view_if_needed()
    screenshot(page, "data_uploader_zh", full_page=False)
    # The uploader still uploads.
    page.locator(MAIN_UPLOAD).set_input_files(
        files=[{"name": "good.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}])
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("good.csv")


def test_refused_upload_speaks_chinese(page: Page, app_url: str, open_page) -> None:
    """A file of a type the box does not take (dropped, so the browser's own filter does not
    apply): Streamlit says why in English, read aloud and on hover."""
    open_page(f"{app_url}/data?lang=zh")
    boundary = page.locator(".st-key-upload_boundaries")
    boundary.locator("input[type=file]").set_input_files(
        files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}])
    chip = boundary.get_by_test_id("stFileChip")
    expect(chip).to_have_attribute("aria-invalid", "true")
    # What a screen reader reads, and the button that adds another file.
    expect(boundary.get_by_role("alert")).to_have_text(
        "错误: 不允许上传 application/pdf 类型的文件。")
    expect(boundary.get_by_role("button", name="添加文件")).to_be_visible()
    # What the mouse shows.
    chip.hover()
    expect(page.get_by_test_id("stTooltipErrorContent")).to_have_text(
        "不允许上传 application/pdf 类型的文件。")


def test_number_box_speaks_chinese(page: Page, app_url: str, open_page) -> None:
    """Typing in a number box: Streamlit's "Press Enter to apply", and why it refuses a value
    out of range (read aloud, and on hovering the box's error icon), were English."""
    open_page(f"{app_url}/benefit?lang=zh")
    box = _main(page).get_by_test_id("stNumberInput").first
    field = box.locator("input")
    field.fill("-5")
    expect(box.get_by_test_id("InputInstructions")).to_have_text("按回车键确认")
    field.press("Enter")
    refused = "数值超出允许范围，请输入 0 到 1000000000 之间的值。"
    expect(box.get_by_role("alert")).to_have_text("错误: " + refused)
    box.locator(".stTooltipErrorHoverTarget").first.hover()
    expect(page.get_by_test_id("stTooltipErrorContent")).to_have_text("错误: " + refused)
    assert not re.search(r"[A-Za-z]{3,}", box.inner_text()), box.inner_text()


def test_lists_speak_chinese(page: Page, app_url: str, open_page, compare_picker) -> None:
    """A multiselect's "Select all" and a list's "No results" (typing a name that matches
    nothing) were English; the options themselves are the page's own."""
    open_page(f"{app_url}/transfer_fund?lang=zh")
    _main(page).get_by_test_id("stMultiSelect").first.locator("input").click()
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option").first).to_have_text("全选")
    expect(listbox).to_contain_text("浙江")
    page.keyboard.type("zzz")
    expect(listbox).to_have_text("无匹配结果")
    page.keyboard.press("Escape")
    compare_picker(page).get_by_test_id("stSelectbox").first.locator("input").click()
    page.keyboard.type("zzz")
    expect(page.get_by_role("listbox")).to_have_text("无匹配结果")


def test_chart_buttons_speak_chinese(page: Page, app_url: str, open_page) -> None:
    # Issue 10: plotly's mode bar titles and Streamlit's Fullscreen button were English.
    open_page(f"{app_url}/?lang=zh")
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator(".main-svg").first).to_be_visible()
    chart.hover()
    titles = chart.locator(".modebar-btn").evaluate_all(
        "buttons => buttons.map(b => b.getAttribute('data-title'))")
    assert {"将图表下载为PNG", "放大", "缩小", "平移", "自动缩放"} <= set(titles), titles
    # Streamlit's own button keeps its English title; the tooltip shows the catalogue's word.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector("
        "'.js-plotly-plot .modebar-btn[data-title=\"Fullscreen\"]'), '::after').content"
        " === '\"全屏\"'")
    # The map's own control (MapLibre's attribution button) and the buttons' names.
    attribution = page.locator(".maplibregl-ctrl-attrib-button").first
    expect(attribution).to_have_attribute("title", "显示或隐藏地图来源", timeout=15_000)
    expect(page.locator(".maplibregl-canvas").first).to_have_attribute("aria-label", "地图")
    expect(chart.locator('.modebar-btn[data-title="Fullscreen"]')).to_have_attribute(
        "aria-label", "全屏")
    # Streamlit's keyboard-only skip link, shown on the first Tab, in Chinese too.
    page.keyboard.press("Tab")
    skip = page.get_by_test_id("stSkipToContent")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("跳到主要内容")



_TICKS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => [
  (p.querySelector('.gtitle') || {}).textContent || '',
  Array.from(p.querySelectorAll('.xtick text, .ytick text')).map(e => e.textContent)])"""


@pytest.mark.parametrize(("path", "title", "tick"), [
    ("sustainability", "浙江专项基金——收入、支出与结余", "亿"),  # income 1 亿 a year
    ("benefit", "年费用70万元由谁支付", "80万"),  # the waterfall runs to 80.5万
    ("transfer_fund?tab=goal&central_pool=2000000", "各地区分配：公式分配与最优分配", "万"),
])
def test_chart_ticks_speak_chinese(page: Page, app_url: str, open_page, path: str, title: str,
                                   tick: str) -> None:
    """Plotly writes large numbers with SI letters (800k, 1.5M, 2B) in any language; on a
    Chinese page the money axes count in 万 and 亿. The ticks are drawn by Plotly in the
    browser, so only a browser sees them."""
    from equity.datasets import load
    from tests.latin import latin_words, words_of

    open_page(f"{app_url}/{path}{'&' if '?' in path else '?'}lang=zh")
    page.wait_for_function(f"() => ({_TICKS})().some(([t, ticks]) => t === {title!r}"
                           " && ticks.length > 0)", timeout=60_000)
    charts = page.evaluate(_TICKS)
    names = words_of(load("city_w").table["region_name"])  # region names are English in the data
    # A number with a letter after it (800k, 1.5M) is not a "word" to latin_words: both kinds.
    found = {text: words for _, ticks in charts for text in ticks
             if (words := latin_words(text, names) + re.findall(r"\d[A-Za-z]+", text))}
    assert not found, found
    ticks = next(ticks for name, ticks in charts if name == title)
    assert any(text.endswith(tick) for text in ticks), ticks


def test_chart_hover_speaks_chinese(page: Page, app_url: str, open_page) -> None:
    """Plotly's hover labels are drawn in the browser: the waterfall's default one added an
    English "Initial: 700,000" that no plotly locale translates."""
    open_page(f"{app_url}/benefit?lang=zh")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.nth(1).locator(".main-svg").first).to_be_visible(timeout=30_000)
    seen = []
    for chart, spots in ((charts.nth(0), (0.2, 0.5, 0.85)), (charts.nth(1), (0.5, 0.9))):
        chart.scroll_into_view_if_needed()
        box = chart.locator(".nsewdrag").first.bounding_box()
        for fx in spots:
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.5)
            page.wait_for_timeout(400)
            seen += page.locator(".hoverlayer text").all_text_contents()
    assert any("万元" in text for text in seen), seen  # the waterfall's amounts
    assert any(" : " in text and text.endswith("元") for text in seen), seen  # each scheme
    assert not [text for text in seen if re.search("[A-Za-z]", text)], seen


def test_connection_error_speaks_chinese(page: Page, app_url: str, open_page,
                                         screenshot) -> None:
    """The dialog Streamlit opens when the server is gone (a presenter's laptop lost the
    server mid-talk) was English on a Chinese page. A server of its own, stopped under the
    page."""
    with app_server() as (url, proc):
        open_page(f"{url}/?lang=zh")
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        proc.terminate()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible(timeout=60_000)
        expect(dialog).to_contain_text("连接错误")
        # Served on 127.0.0.1, Streamlit says the server is not responding.
        expect(dialog).to_contain_text("服务器没有响应", timeout=10_000)
        expect(dialog.locator("button")).to_have_attribute("aria-label", "关闭")
        screenshot(page, "connection_error_zh", full_page=False)
        assert not re.search(r"[A-Za-z]{3,}", dialog.inner_text()), dialog.inner_text()

def _open_column_menu(page: Page, table) -> None:
    """Open the first column's menu (Streamlit draws it on a click in the header cell)."""
    box = table.bounding_box()
    menu = page.get_by_test_id("stDataFrameColumnMenu")
    for dx in range(20, 400, 15):
        page.mouse.move(box["x"] + dx, box["y"] + 18)
        page.mouse.click(box["x"] + dx, box["y"] + 18)
        try:
            menu.wait_for(timeout=600)
            return
        except Exception:
            page.keyboard.press("Escape")
    raise AssertionError("no column menu opened")


def test_table_toolbar_and_menus_speak_chinese(page: Page, app_url: str, open_page,
                                               screenshot) -> None:
    # Issue 10: a table's toolbar (its buttons' tooltips and names) and a column's menu
    # were Streamlit's English on a Chinese page.
    open_page(f"{app_url}/data?lang=zh")
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    table.hover()
    buttons = table.get_by_test_id("stElementToolbarButton").locator("button")
    expect(buttons.first).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stDataFrame]"
        " [data-testid=stElementToolbarButton] button')].some("
        "b => b.getAttribute('aria-label').startsWith('下载为 CSV'))")
    labels = buttons.evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    assert {"显示/隐藏列", "下载为 CSV", "搜索", "全屏"} <= set(labels), labels
    table.get_by_label("下载为 CSV").hover()
    tip = page.locator(".stTooltipContent")
    expect(tip).to_have_text("下载为 CSV", timeout=5_000)
    _open_column_menu(page, table)
    items = page.get_by_test_id("stDataFrameColumnMenu").get_by_role("menuitem")
    expect(items.first).to_be_visible()
    texts = " ".join(items.all_inner_texts())
    for word in ("升序排列", "降序排列", "统计", "自动调整列宽", "固定列", "隐藏列"):
        assert word in texts, texts
    assert not re.search(r"Sort|Statistics|Autosize|Pin|Hide", texts), texts
    _shot(page, screenshot, "data_zh_column_menu")
    page.keyboard.press("Escape")
    # Back to English: Streamlit's own words again.
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stDataFrame]"
        " [data-testid=stElementToolbarButton] button')].some("
        "b => b.getAttribute('aria-label').startsWith('Download as CSV'))")
    table = page.get_by_test_id("stDataFrame").first
    _open_column_menu(page, table)
    expect(page.get_by_test_id("stDataFrameColumnMenu")).to_contain_text("Sort ascending")


def test_screenshots_other_pages(page: Page, app_url: str, open_page, screenshot) -> None:
    for lang in ("en", "zh"):
        suffix = "" if lang == "en" else "?lang=zh"
        open_page(f"{app_url}/data{suffix}")
        expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
        _shot(page, screenshot, f"data_{lang}")
        open_page(f"{app_url}/methods{suffix}")
        expect(page.locator(".katex").first).to_be_visible()
        _shot(page, screenshot, f"methods_{lang}")
    open_page(f"{app_url}/?lang=zh&presenter=true")
    expect(_main(page).get_by_text("差距现状")).to_be_visible()
    _shot(page, screenshot, "overview_zh_presenter")


def test_sidebar_in_chinese_shows_titles_and_links_by_code(
        page: Page, app_url: str, open_page, compare_picker, screenshot) -> None:
    # Issue 10: the sidebar showed the codes city_w, upload and area_type. It shows the
    # dataset's title and the column's name; the link keeps the codes.
    from equity.i18n import t

    open_page(f"{app_url}/?lang=zh&dataset=city_w&compare_col=area_type")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(t("dataset.city_w.title", "zh"), exact=True)).to_be_visible()
    picker = compare_picker(page)
    expect(picker.get_by_role("combobox", name=t("app.compare_column", "zh"))).to_have_value(
        "区域类型")
    # What a screen reader reads, the pickers' values included: names, no codes.
    for text in (sidebar.aria_snapshot(), picker.aria_snapshot()):
        assert "城区" in text and "郊区" in text
        assert not re.search(r"city_w|area_type|\burban|suburban|\bupload", text), text
    assert not page.get_by_test_id("stAlertContentWarning").count()  # a good link
    page.wait_for_timeout(1000)
    screenshot(page, "sidebar_zh", full_page=False)
    page.keyboard.press("Escape")
    # An upload is named by its file and linked as ?dataset=upload.
    sidebar.get_by_test_id("stSidebarNav").get_by_text("数据", exact=True).click()
    page.locator(MAIN_UPLOAD).set_input_files(
        files=[{"name": "good.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}])
    expect(sidebar.get_by_text(t("app.uploaded", "zh", name="good.csv"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"dataset=upload"))
    screenshot(page, "sidebar_zh_upload", full_page=False)
    # Back to City W by its title: the link drops the default again.
    sidebar.get_by_text(t("dataset.city_w.title", "zh"), exact=True).click()
    expect(sidebar.get_by_role("radio", name=t("dataset.city_w.title", "zh"))).to_be_checked()
    expect(page).not_to_have_url(re.compile(r"dataset="))
    expect(page.get_by_test_id("stMain")).to_contain_text(t("dataset.city_w.title", "zh"))


def test_headline_metrics_are_whole_at_1440(page: Page, app_url: str, open_page) -> None:
    """Issue 10: "1.43 million yu..." was cut in a quarter-width column at 1440 px. The metrics'
    smaller value font and wrapping come from the page's style (dashboard.css); every value is
    shown whole, in both languages, at the smaller size."""
    page.set_viewport_size({"width": 1440, "height": 900})
    for lang in ("en", "zh"):
        open_page(f"{app_url}/transfer_fund?central_pool=2000000&lang={lang}")
        values = page.locator(".st-key-tf_headline").get_by_test_id("stMetricValue")
        expect(values).to_have_count(4)
        sizes = page.evaluate("""() => {
          const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
          return Array.from(document.querySelectorAll(
              '.st-key-tf_headline [data-testid="stMetricValue"]')).map(v => {
            const cut = Array.from(v.querySelectorAll('*')).some(
                el => el.scrollWidth > el.clientWidth + 1
                      || getComputedStyle(el).textOverflow === 'ellipsis');
            return [parseFloat(getComputedStyle(v).fontSize) / root, cut, v.innerText];
          });
        }""")
        for rem, cut, text in sizes:
            assert abs(rem - 1.9) < 0.01, (lang, text, rem)
            assert not cut, (lang, text)
