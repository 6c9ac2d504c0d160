"""Benchmark baseline: the barest Streamlit page with one Plotly chart.

A title, one slider, one text line driven by the slider and one Plotly chart: what any
Streamlit app pays to show a chart (server, websocket, frontend bundle, Plotly's JavaScript).
``benchmarks/bench_browser.py`` serves it with ``streamlit run`` exactly as it serves
``app.py`` and reports the app's times as ratios against this page's.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

st.title("Bare chart page")
share = st.slider("Share", min_value=0.0, max_value=1.0, value=0.9, step=0.01, key="bare_slider")
with st.container(key="bare_text"):
    st.markdown(f"### The share is {share:.0%}")
fig = go.Figure(go.Bar(x=["A", "B", "C"], y=[share, 1 - share, 0.5]))
st.plotly_chart(fig)
