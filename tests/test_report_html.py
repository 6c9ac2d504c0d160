"""The self-contained HTML report: headline, parameters, charts, no request to any host."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from equity.charts.compare import build_coverage_compare_figure, build_gap_compare_figure
from equity.charts.fund import build_headline
from equity.comparison import parameter_table, results_table
from equity.datasets import load
from equity.fund import simulate
from equity.report_html import build_report, cited_documents

URL_ATTRIBUTES = {"src", "href", "action", "data", "poster", "srcset", "formaction"}


class _Links(HTMLParser):
    """Every URL-valued attribute of every element, and the tags seen (script bodies are not
    parsed as tags, so strings inside plotly.js are not counted as elements)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in URL_ATTRIBUTES]


@pytest.fixture(scope="module")
def two():
    data = load("city_w")
    a = simulate(data, {"central_pool": 5e6})
    b = simulate(data, {"central_pool": 2e6, "levy_per_insured": 1.0})
    return {"Pool 5m": a, "Cheaper <b>&variant": b}


def test_report_is_offline_and_has_the_headline(two):
    entries = {"Pool 5m": two["Pool 5m"]}
    fig = build_gap_compare_figure(entries=list(entries.items()), lang="en")
    text = build_report(entries=entries, lang="en", dataset_title="City W",
                        provenance=["000 3.1.2: coverage 90% urban, 65% suburban"],
                        figures=[fig])
    assert build_headline(result=two["Pool 5m"], lang="en") in text
    links = _Links()
    links.feed(text)
    assert all(not u or u.startswith("#") for u in links.urls), links.urls
    assert "link" not in links.tags and "iframe" not in links.tags
    assert text.count("<script") >= 2  # plotly.js inlined, then the figure
    assert "<script src=" not in text.replace(" ", "")
    assert "Integrating Medical Aid and Philanthropic Support" in text  # 000 cited


def test_comparison_marks_differences_and_escapes_names(two):
    text = build_report(entries=two, lang="zh", dataset_title="W市",
                        figures=[build_coverage_compare_figure(entries=list(two.items()),
                                                               lang="zh")])
    assert "Cheaper &lt;b&gt;&amp;variant" in text and "<b>&variant" not in text
    assert '<tr class="diff"><th>中央专项转移支付资金池</th>' in text
    assert '<tr><th>互助分担缺口比例</th>' in text  # same in both: not highlighted
    assert text.startswith('<!DOCTYPE html><html lang="zh-CN">')
    assert "转移支付基金情景比较" in text


def test_parameter_and_results_tables(two):
    params = parameter_table({n: r.scenario for n, r in two.items()}, "en")
    assert params.loc["Central transfer pool", "Pool 5m"] == "5 million yuan"
    assert params.loc["Central transfer pool", "differs"]
    assert params.loc["Levy per insured person", "differs"]
    assert params["differs"].sum() == 2
    results = results_table(two, "en")
    gap = two["Pool 5m"].gap
    assert results.loc["Gap after", "Pool 5m"] == f"{abs(gap.after) * 100:.1f} points"
    assert results.loc["Gross fund", "Pool 5m"] == "5 million yuan"


def test_cited_documents_in_number_order():
    docs = cited_documents(["002 section 3", "see 000 4.1.2", "no number"], "en")
    assert [d[:3] for d in docs] == ["000", "002"]
