"""Issue 15: uploaded names that look like Markdown, HTML or a javascript: link show as text
on every page, escaped once per output ("Rural & remote" never becomes "Rural &amp; remote")."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.synthetic import synthetic_regions
from equity.readers.region_data import RegionData

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOSTILE = "**B** [x](javascript:alert(8))"
AMPERSAND = "Rural & remote"
PAGES = ("overview", "transfer_fund", "data", "methods", "sustainability", "benefit_design",
         "compare")
TEXT_ELEMENTS = ("markdown", "caption", "metric", "success", "info", "warning", "error",
                 "subheader", "header", "title")


def hostile_data() -> RegionData:
    table = synthetic_regions(12, seed=0)
    table["area_type"] = ["urban", AMPERSAND, HOSTILE] * 4
    table["region_name"] = [f"{HOSTILE} {i}" if i % 2 else f"{AMPERSAND} {i}"
                            for i in range(12)]
    return RegionData(name="<b>x</b> & [y](javascript:alert(1))", table=table)


def _texts(at: AppTest) -> list[str]:
    texts = []
    for kind in TEXT_ELEMENTS:
        for element in getattr(at, kind):
            for attr in ("value", "label", "help"):
                value = getattr(element, attr, None)
                if value:
                    texts.append(str(value))
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_hostile_group_and_region_names_render_as_text(page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["uploaded_data"] = hostile_data()
    at.session_state["_switch_to_upload"] = True
    at.query_params["compare_a"] = HOSTILE
    at.query_params["compare_b"] = AMPERSAND
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception
    if page != "overview":  # the page itself ran, not the default one
        assert at.title[0].value != "Where the gap stands"
    assert at.session_state["compare"]["a"] == HOSTILE  # the hostile group is on screen
    texts = _texts(at)
    for text in texts:
        # Markdown source: the bold, the link target and the entity never arrive raw.
        assert "**B**" not in text, text
        assert "](javascript" not in text, text
        assert "&amp;" not in text, text
        assert "<b>" not in text, text
    if page in ("overview", "transfer_fund"):
        # The names are there, escaped for Markdown (one backslash per special character).
        joined = "\n".join(texts)
        assert r"\*\*B\*\* \[x\]\(javascript\:alert\(8\)\)" in joined
        assert r"Rural \& remote" in joined
