"""Opening a group of the Transfer fund page's scenario panel in an AppTest (only the open
group's controls are drawn)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard.scenario_ui import GROUP_KEY, GROUP_OF, group_title


def open_group(at: AppTest, key: str, lang: str = "en") -> AppTest:
    """Open the group of control ``key`` (or the group named ``key``) and rerun."""
    group = GROUP_OF.get(key, key)
    at.session_state[GROUP_KEY] = group_title(group, lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
