"""CSS the pages put into their style: the type size, the room kept for a first screen's
late elements, and CSS string literals.

Imports nothing heavy: ``serve.py``'s middleware (:mod:`dashboard.page_html`) uses it while
the server starts, and importing pandas there made the server answer 0.35 s later
(benchmarks/README.md, cold start).
"""

from __future__ import annotations

import json

PRESENTER_FONT_PX = 21
"""Root font size in presenter mode (Streamlit sizes text in rem); 17 px otherwise."""
DEFAULT_FONT_PX = 17


def type_size_css(presenter: bool, root: str = "html") -> str:
    """The page's type size: a larger root font for readability on shared screens and, in
    presenter mode, less empty space above the title so the chart fits the first screen;
    every rule under the selector ``root``. ``app.py``'s page style and a presenter link's
    first paint (``dashboard.page_html``)."""
    size = PRESENTER_FONT_PX if presenter else DEFAULT_FONT_PX
    css = (f"{root} {{ font-size: {size}px; }}"
           f' {root} [data-testid="stMetricValue"] {{ font-size: 2rem; }}')
    if presenter:
        css += f' {root} [data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; }}'
    return css


RESERVED_HEIGHTS_REM: dict[str, float] = {"ov_indicator": 3.75}
"""Element key -> its height (rem), kept for it while its code loads. Streamlit draws a 43 px
placeholder for an element whose code has not arrived; on a busy machine the Overview's
indicator picker (label and buttons: 3.75 rem, 63.75 px at 17 px and 78.75 px at 21 px) could
still be one when the ranking below it was drawn, and the ranking then moved down 21 px
(``tests/e2e/test_first_screen.py``)."""


def reserved_height_css() -> str:
    """A minimum height for each element of :data:`RESERVED_HEIGHTS_REM` (its key's class)."""
    return " ".join(f".st-key-{key} {{ min-height: {rem}rem; }}"
                    for key, rem in RESERVED_HEIGHTS_REM.items())


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (for ``content:``) that can end neither the string nor
    the style element around it."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\3C ")
