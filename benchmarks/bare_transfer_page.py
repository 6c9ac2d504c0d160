"""Benchmark baseline: the Transfer fund page without the model.

The same title, controls (generated from PARAMETERS, the chosen group drawn), headline, metrics,
section chooser and Results charts as ``views/transfer_fund.py`` — drawn by the page's own
helpers and ``dashboard`` — but the result is one fixed SimulationResult made once per
process, and nothing on a rerun validates a scenario, hashes the data or calls the model.
``benchmarks/bench_rerun.py`` times a slider move on both pages; the difference is what the
model and its wiring cost per rerun.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_NAME = "transfer_fund_page"
if _NAME not in sys.modules:
    spec = importlib.util.spec_from_file_location(_NAME, ROOT / "views" / "transfer_fund.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    spec.loader.exec_module(module)
page = sys.modules[_NAME]

from dashboard import scenario_ui as ui  # noqa: E402
from dashboard.links import coded_sections  # noqa: E402
from dashboard.state import get_compare, get_data, get_lang, is_presenter  # noqa: E402
from equity.charts.style import group_label  # noqa: E402
from equity.i18n import t  # noqa: E402


@st.cache_resource(show_spinner=False)
def fixed_result():
    from equity.fund import simulate

    return simulate(get_data(), {"central_pool": 1_000_000.0})


lang = get_lang()
presenter = is_presenter()
st.title(t("tf.title", lang))
data = get_data()
compare = get_compare()
options = ui.page_options(data)
st.caption(t("tf.intro", lang, a=group_label(compare["a"], lang),
             b=group_label(compare["b"], lang)))
headline_box = st.container(key="tf_headline")
ui.keep_values(options)
values = ui.controls(lang, options)
result = fixed_result()
with headline_box:
    page.headline(result, lang, presenter)
if coded_sections({name: t(f"tf.tab.{name}", lang) for name in page.TABS}, key="tf_tab",
                  url_key="tab", lang=lang, label=t("tf.tabs", lang)) == page.TABS[0]:
    page.results_tab(result, data, lang, presenter)
ui.write_link(values)
