"""Server entry point: ``streamlit run serve.py`` serves ``app.py`` through ``st.App``, whose
lifespan warms the process up before the first visitor (``dashboard/warmup.py``).

``streamlit run app.py`` serves the same app without the warm-up, with Python's default GIL
switch interval, with Streamlit's own file serving (``dashboard/assets.py``), without the
page's type size in its first paint (``dashboard/page_html.py``) and with every run drawn
whole (no first screen first, ``dashboard/first_screen.py``).
"""

import os
import sys

import streamlit as st
from starlette.middleware import Middleware

from dashboard import first_screen
from dashboard.assets import MEMORY_ASSETS_ENV, FrontendAssets
from dashboard.page_html import TypeSizeFirstPaint
from dashboard.warmup import StartOnPageRequest, lifespan

# Streamlit's event loop sends a run's messages one per loop turn, each turn waiting for the
# GIL while a script thread builds charts; at Python's default 5 ms switch interval a page's
# headline could leave the server 50-125 ms after it was drawn (benchmarks/README.md,
# slider -> headline). 0.5 ms hands the GIL over ten times sooner.
sys.setswitchinterval(0.0005)

# A session's first run draws the page's first screen, the rest once its charts are drawn
# (EQUITY_FIRST_SCREEN=0 in the environment draws every page whole at once).
os.environ.setdefault(first_screen.ENV, "1")

# Streamlit's frontend files come from memory, not through a worker thread per read, so a
# page's files come about twice as fast while the warm-up imports or a script runs
# (EQUITY_MEMORY_ASSETS=0 leaves them to Streamlit); a page carries its type size (presenter
# mode's for a presenter link) from its first paint.
# A page whose first screen will not be replayed from its recording starts a put-off warm-up
# as soon as its HTML is asked for (dashboard/replay.py, dashboard/warmup.py).
middleware = [Middleware(StartOnPageRequest), Middleware(TypeSizeFirstPaint)]
if os.environ.get(MEMORY_ASSETS_ENV, "1") != "0":
    middleware.insert(0, Middleware(FrontendAssets))
app = st.App("app.py", lifespan=lifespan, middleware=middleware)
