"""UI support for the Streamlit pages (Streamlit allowed here, never in ``equity``).

- :mod:`dashboard.state`: what app.py puts in ``st.session_state`` for the pages (language,
  data, groups compared, presenter mode), read through small accessors.
- :mod:`dashboard.links`: URL binding and link checking for app.py and every page.
- :mod:`dashboard.scenario_ui`: the scenario controls generated from ``equity.scenario``, the
  check of a scenario link, the scenario-file upload and the share link.
- :mod:`dashboard.models`: the cached model calls (``st.cache_data`` / ``st.cache_resource``).
- :mod:`dashboard.fund_tabs`: the Transfer fund page's analysis tabs (protection, goal seek,
  optimum, sensitivity, uncertainty).
- :mod:`dashboard.uploads`: the Data page's upload check (once per file content).
- :mod:`dashboard.render`: problems, notices and escaped Markdown.
"""
