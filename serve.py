"""Server entry point: ``streamlit run serve.py`` serves ``app.py`` through ``st.App``, whose
lifespan warms the process up before the first visitor (``dashboard/warmup.py``).

``streamlit run app.py`` serves the same app without the warm-up.
"""

import streamlit as st

from dashboard.warmup import lifespan

app = st.App("app.py", lifespan=lifespan)
