"""Plotly figure builders: pure functions ``build_*_figure(*, ..., lang) -> go.Figure``.

No Streamlit here. ``style`` holds the palette and the shared layout; ``overview`` and ``maps``
draw the Overview page; ``fund`` (simulator helper) draws the Transfer fund page.
"""
