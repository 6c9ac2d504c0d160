"""A session's first screen first: the page's main chart before the controls around it.

On the first run of a browser session the app draws only what the page puts on its first
screen: no sidebar controls (their values come from the link, else their defaults, as the
controls themselves would take them), and on the Overview only the title, the headline and
the ranking with its source line. A small script (:func:`reveal`) waits until the browser
has drawn every chart of that run, then asks for a rerun, which draws the whole page around
them: the same elements in the same places, the rest after them.

Why: the browser renders every element on the one main thread that also evaluates
Streamlit's Plotly module (4.7 MB, fetched when the first chart arrives). Controls, menus and
metrics sent before or with the first chart delay it by 0.2-0.6 s on a two-core machine
(benchmarks/README.md, "Eighth session"); drawn right after it, they cost the chart nothing.

Served by ``serve.py`` (``scripts/start.sh``), which sets :data:`ENV` to "1" unless the
environment already sets it (``EQUITY_FIRST_SCREEN=0`` draws every page whole at once). Plain
``streamlit run app.py`` and AppTest draw every run whole, unless a test sets :data:`ENV`.

The price: the rest of the page arrives after the chart instead of with it, about 0.8 s
after it on a warm two-core machine (``benchmarks/bench_browser.py``, "whole page").
"""

from __future__ import annotations

import functools
import os
from typing import Any

import streamlit as st

ENV = "EQUITY_FIRST_SCREEN"
"""Environment variable that switches the first screen on ("1")."""
_SEEN = "_first_screen_seen"
"""Session key: the session has had its first run."""
_ACTIVE = "_first_screen_active"
"""Session key: the current run is the session's first screen."""
WAIT_MS = 4000
"""The whole page follows at the latest this long after the first screen's script mounted
(a chart that never draws must not hold the controls back)."""

# Runs in the page (Streamlit's components v2, not sandboxed). Waits until the script run is
# over, no element is still a placeholder (an element whose code is still loading, Plotly's
# among them, shows a skeleton) and every Plotly chart has its SVG laid out, then sets a
# trigger value, which reruns the app. Timers, not animation frames: a background tab still
# gets its page.
_JS = """
export default function (component) {
  const { setTriggerValue, data } = component;
  const started = performance.now();
  const limit = (data && data.wait_ms) || 4000;
  let done = false;
  function drawn() {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const svg = chart.querySelector('.main-svg');
      const box = svg ? svg.getBoundingClientRect() : null;
      if (!box || box.width === 0 || box.height === 0) return false;
    }
    return true;
  }
  function check() {
    if (done) return;
    if (drawn() || performance.now() - started > limit) {
      done = true;
      setTriggerValue('drawn', true);
      return;
    }
    setTimeout(check, 16);
  }
  check();
  return () => { done = true; };
}
"""


def enabled() -> bool:
    """True when the server draws a session's first screen first (:data:`ENV` is "1")."""
    return os.environ.get(ENV) == "1"


def begin() -> bool:
    """Called by app.py once at the start of every run: True when this run is the session's
    first screen (enabled, and the session's first run). Any later run draws the whole page,
    whatever started it."""
    first = enabled() and not st.session_state.get(_SEEN, False)
    st.session_state[_SEEN] = True
    st.session_state[_ACTIVE] = first
    return first


def seen() -> bool:
    """True once the session has had its first run."""
    return bool(st.session_state.get(_SEEN, False))


def active() -> bool:
    """True while the current run draws only the first screen (pages stop after their main
    chart; charts leave their Download menus for the next run)."""
    return bool(st.session_state.get(_ACTIVE, False))


@functools.cache
def _component() -> Any:
    return st.components.v2.component("equity_first_screen", js=_JS)


def reveal() -> None:
    """Mount the script that asks for the whole page once the first screen's charts are drawn
    (no height, nothing shown)."""
    _component()(key="first_screen", data={"wait_ms": WAIT_MS}, height=0,
                 on_drawn_change=lambda: None)
