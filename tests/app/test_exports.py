"""Every chart on every page has its downloads under it: PNG, SVG and CSV, deferred (nothing
is rendered until a click) and not rerunning the page; a source line naming the dataset, the
documents by title and the model version; and the Transfer fund page's results as CSV/XLSX."""

from __future__ import annotations

import json
import re

import pytest

from equity import MODEL_VERSION
from equity.i18n import t

FORMATS = ("png", "svg", "csv")


def _key(element) -> str:
    """The user key of an element (Streamlit ids end in ``-<key>``)."""
    return element.proto.id.rsplit("-", 1)[-1]


def _chart_keys(at) -> list[str]:
    return [_key(c) for c in at.get("plotly_chart")]


def _buttons(at) -> dict[str, object]:
    return {_key(b): b.proto for b in at.get("download_button")}


def _assert_downloads_under_every_chart(at) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    charts = _chart_keys(at)
    assert charts, "the page drew no chart"
    buttons = _buttons(at)
    for chart in charts:
        for fmt in FORMATS:
            proto = buttons.get(f"{fmt}_{chart}")
            assert proto is not None, f"no {fmt} download under chart {chart}"
            # deferred: the file is made on click, and a click does not rerun the page
            assert proto.deferred_file_id, f"{fmt}_{chart} was rendered before a click"
            assert proto.ignore_rerun, f"{fmt}_{chart} reruns the page"
    # the modebar camera saves the same 1600 px width, named like the downloads
    for element in at.get("plotly_chart"):
        options = json.loads(element.proto.config)["toImageButtonOptions"]
        assert options["width"] == 1600 and options["format"] == "png"
        assert options["filename"].endswith(f"_model-{MODEL_VERSION}")
    # "under": in page order, each chart is followed by its own Download menu holding its
    # three buttons (a closed menu's buttons are not drawn: a lighter page to rerun)
    flat = _walk(at)
    for chart in charts:
        at_chart = flat.index(chart)
        assert flat[at_chart + 1: at_chart + 5] == [
            f"menu_{chart}", *(f"{f}_{chart}" for f in FORMATS)], flat
    return charts


def _walk(at) -> list[str]:
    """Keys of charts and download buttons in the order the page shows them."""
    out: list[str] = []

    def visit(node) -> None:
        kind = getattr(node, "type", None)
        if kind in ("plotly_chart", "download_button"):
            out.append(_key(node))
        elif kind == "popover":
            out.append(node.proto.id.rsplit("-", 1)[-1])
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(at._tree)
    return out


def _captions(at) -> str:
    # As shown: the source line is Markdown-escaped (a dataset title is uploaded text).
    return "\n".join(re.sub(r"\\(.)", r"\1", c.value) for c in at.caption)


@pytest.mark.parametrize(("lang", "zoom_in", "fullscreen"), [
    ("en", "Zoom in", "Fullscreen"), ("zh", "放大", "全屏")])
def test_plotly_speaks_the_page_language(make_app, lang, zoom_in, fullscreen):
    # Plotly's mode bar ("Zoom in", "Download plot as a PNG") was English on a Chinese page:
    # every chart passes the catalogue's words as its locale, and Streamlit's own Fullscreen
    # button, which plotly does not translate, gets them from the page's CSS.
    at = make_app("views/transfer_fund.py", lang=lang)
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    assert len(configs) >= 3
    for config in configs:
        assert config["locale"] == lang
        words = config["locales"][lang]["dictionary"]
        assert words["Zoom in"] == zoom_in
        assert set(words) >= {"Autoscale", "Download plot as a PNG", "Pan", "Reset axes",
                              "Reset view", "Zoom", "Zoom out"}
    page_css = " ".join(h.proto.body for h in at.get("html"))
    assert f'[data-title="Fullscreen"]::after {{content: "{fullscreen}";}}' in page_css


def test_overview_charts_have_downloads_and_a_titled_source(make_app):
    at = make_app()
    charts = _assert_downloads_under_every_chart(at)
    assert {"rank", "map"} <= set(charts)
    captions = _captions(at)
    # dataset, document 000 by its short title with its sections, the model version
    assert f"Model {MODEL_VERSION}" in captions
    assert "Li, Wang and Xu, hemophilia policy analysis, abstract and §3.1.2" in captions
    assert "000" not in re.sub(r"\d{4,}", "", captions)  # no raw code such as "000 abstract"


def test_overview_source_line_in_chinese(make_app):
    at = make_app(lang="zh")
    _assert_downloads_under_every_chart(at)
    captions = _captions(at)
    assert f"模型版本 {MODEL_VERSION}" in captions
    assert t("doc.000.short", "zh") + "，摘要及第3.1.2节" in captions
    labels = {b.label for b in _buttons(at).values()}
    assert labels >= {"PNG", "SVG", "CSV"}
    assert _popover_labels(at.main) == {"下载"}  # the charts' menus (the sidebar has its own)


def _popover_labels(root) -> set[str]:
    labels: set[str] = set()

    def visit(node) -> None:
        if getattr(node, "type", None) == "popover":
            labels.add(node.proto.popover.label)
        for child in getattr(node, "children", {}).values():
            visit(child)

    visit(root)
    return labels


@pytest.mark.parametrize("tab, charts", [
    ("results", {"tf_before_after", "tf_region_change", "tf_map"}),
    ("money", {"tf_money_flow"}),
    ("protection", {"tf_protection"}),
    ("goal", {"tf_optimal"}),
    ("risk", {"tf_tornado"}),
])
def test_transfer_fund_tabs(make_app, tab, charts):
    at = make_app("views/transfer_fund.py", tab=tab, central_pool="2000000")
    shown = _assert_downloads_under_every_chart(at)
    assert charts <= set(shown)
    # the dataset's document and the fund's section, one mention of the document
    assert ("Li, Wang and Xu, hemophilia policy analysis, abstract, §3.1.2 and §4.1.2"
            in _captions(at))
    if tab == "results":
        buttons = _buttons(at)
        for key in ("tf_results_csv", "tf_results_xlsx"):
            assert buttons[key].deferred_file_id and buttons[key].ignore_rerun


def test_sustainability_charts(make_app):
    at = make_app("views/sustainability.py", central_pool="5000000", levy_per_insured="1")
    shown = _assert_downloads_under_every_chart(at)
    assert {"sust_fund_chart", "sust_zj_chart"} <= set(shown)
    assert "Wang, Rong and Wang, Zhejiang policy lessons, §3" in _captions(at)


def test_benefit_design_charts(make_app):
    at = make_app("views/benefit_design.py")
    shown = _assert_downloads_under_every_chart(at)
    assert {"ben_waterfall", "ben_curve"} <= set(shown)


def test_benefit_design_protection_chart(make_app):
    at = make_app("views/benefit_design.py", central_pool="5000000")
    at.button(key="ben_run").click().run()
    shown = _assert_downloads_under_every_chart(at)
    assert "ben_protection_chart" in shown


def test_transfer_fund_uncertainty_chart(make_app):
    at = make_app("views/transfer_fund.py", tab="risk", central_pool="2000000")
    at.number_input(key="tf_unc_draws").set_value(100)
    at.button(key="tf_unc_run").click().run()
    shown = _assert_downloads_under_every_chart(at)
    assert "tf_uncertainty" in shown


def test_compare_charts(make_app):
    at = make_app("views/compare.py", central_pool="5000000")
    for name, pool in (("Pool 5m", None), ("Pool 2m", 2_000_000.0)):
        if pool is not None:
            at.session_state["central_pool"] = pool
            at.run()
        at.text_input(key="cmp_name").set_value(name)
        at.button(key="cmp_save").click().run()
    shown = _assert_downloads_under_every_chart(at)
    assert {"cmp_gap_chart", "cmp_cover_chart"} <= set(shown)


def test_data_dictionary_detail_in_chinese_with_documents_by_title(make_app):
    at = make_app("views/data.py", lang="zh")
    assert not at.exception, [e.value for e in at.exception]
    dictionary = next(tb.value for tb in at.table if "说明" in tb.value.columns)
    details = dict(zip(dictionary.iloc[:, 0], dictionary["说明"], strict=True))
    assert details["oop_share"] == ("各区均为0.30：血友病患者的自付费用最高占医疗总费用的30%（"
                                    + t("doc.000.short", "zh") + "，摘要及第3.2.1节）。"
                                    "文献未给出各区差异。")
    joined = " ".join(details.values())
    assert "000 abstract" not in joined and "(000" not in joined
    assert not re.search(r"\b(the|document|every)\b", joined)  # no English sentence left


def test_data_dictionary_in_english_names_documents_by_title(make_app):
    at = make_app("views/data.py")
    dictionary = next(tb.value for tb in at.table if "Detail" in tb.value.columns)
    joined = " ".join(dictionary["Detail"])
    assert "000 abstract" not in joined and "(000" not in joined
    assert "Li, Wang and Xu, hemophilia policy analysis, abstract and §3.2.1" in joined
