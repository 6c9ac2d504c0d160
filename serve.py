"""Server entry point: ``streamlit run serve.py`` serves ``app.py`` through ``st.App``, whose
lifespan warms the process up before the first visitor (``dashboard/warmup.py``).

``streamlit run app.py`` serves the same app without the warm-up and with Python's default GIL
switch interval.
"""

import sys

import streamlit as st

from dashboard.warmup import lifespan

# Streamlit's event loop sends a run's messages one per loop turn, each turn waiting for the
# GIL while a script thread builds charts; at Python's default 5 ms switch interval a page's
# headline could leave the server 50-125 ms after it was drawn (benchmarks/README.md,
# slider -> headline). 0.5 ms hands the GIL over ten times sooner.
sys.setswitchinterval(0.0005)

app = st.App("app.py", lifespan=lifespan)
