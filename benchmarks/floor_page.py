"""Benchmark reference: the bare chart page plus the least this product's first screen carries.

``bare_chart_page.py`` (title, slider, text line, one Plotly chart) with, added, what every
page of the app needs before it can draw anything of its own:

- the data as a pandas DataFrame (the bundled City W table, read with ``pd.read_csv``; the
  chart plots it);
- the sidebar's controls as ``app.py`` draws them: the language and dataset radios, the
  comparison's column and two groups (select boxes in a popover), the presenter-mode toggle;
- the seven pages' navigation.

No model, no catalogue, no styling, no second chart. ``benchmarks/bench_browser.py`` serves it
beside the app and the bare page: the app's ratio to this page is the cost of the app's own
pages; this page's ratio to the bare page is the cost of the product's required controls and
data, which no page of the app can go below.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

TABLE = Path(__file__).resolve().parents[1] / "data" / "city_w" / "regions.csv"
PAGES = ("Overview", "Transfer fund", "Sustainability", "Benefit design", "Compare", "Data",
         "Methods")


def chart_page() -> None:
    table = pd.read_csv(TABLE)
    st.title("Bare chart page")
    share = st.slider("Share", min_value=0.0, max_value=1.0, value=0.9, step=0.01,
                      key="bare_slider")
    with st.container(key="bare_text"):
        st.markdown(f"### The share is {share:.0%}")
    fig = go.Figure(go.Bar(x=table["region_name"], y=table["charity_coverage"] * share))
    st.plotly_chart(fig)


def other_page() -> None:
    st.title("Another page")


with st.sidebar:
    st.title("Coverage equity dashboard")
    st.radio("Language · 语言", ["English", "中文"], horizontal=True, key="lang")
    st.radio("Dataset", ["City W (illustrative)", "Zhejiang special fund",
                         "International comparison"], key="dataset")
    with st.popover("Comparing: urban vs suburban", icon=":material/compare_arrows:",
                    width="stretch", key="compare_box"):
        st.markdown("**Compare**")
        st.selectbox("Grouping column", ["Area type", "Economic level"], key="compare_col")
        st.selectbox("Group A", ["urban", "suburban"], key="compare_a")
        st.selectbox("Group B", ["suburban", "urban"], key="compare_b")
    st.toggle("Presenter mode", key="presenter")
    st.caption("The address bar holds this view: copy it to share.")

pages = [st.Page(chart_page, title=PAGES[0], icon=":material/map:", default=True)] + [
    st.Page(other_page, title=title, icon=":material/table:", url_path=f"page{i}")
    for i, title in enumerate(PAGES[1:], start=1)
]
st.navigation(pages).run()
