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


def type_size_css(presenter: bool, guard: str = "html") -> str:
    """The page's type size: a larger root font for readability on shared screens and, in
    presenter mode, less empty space above the title so the chart fits the first screen.
    ``app.py``'s page style and a link's first paint (``dashboard.page_html``).

    The rules that differ between the modes (the root font, presenter mode's space above the
    title) are under the selector ``guard`` (the first paint's guard makes them void once the
    sidebar's presenter toggle says otherwise); the rest, the same in both modes, under
    ``html``."""
    size = PRESENTER_FONT_PX if presenter else DEFAULT_FONT_PX
    # Transfer fund's headline metrics: a slightly smaller value font, and wrapping instead
    # of an ellipsis, keep "1.43 million yuan" whole in a quarter-width column at 1440 px.
    # Under ``html`` (one element more than Streamlit's own class rules) so they outrank them.
    headline = 'html .st-key-tf_headline [data-testid="stMetricValue"]'
    css = (f"{guard} {{ font-size: {size}px; }}"
           ' html [data-testid="stMetricValue"] { font-size: 2rem; }'
           f" {headline} {{ font-size: 1.9rem; }}"
           f" {headline} * {{ white-space: normal; overflow: visible; text-overflow: clip; }}"
           # Segmented controls (Transfer fund's sections and groups of settings): 0.7 rem
           # a side instead of 1 rem keeps the seven sections on one row at 1440 px.
           ' html [data-testid="stButtonGroup"] button'
           " { padding-left: 0.7rem; padding-right: 0.7rem; }")
    if presenter:
        css += f' {guard} [data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; }}'
    return css


RESERVED_HEIGHTS_REM: dict[str, float] = {"ov_indicator": 3.75}
"""Element key -> its height (rem), kept for it while its code loads. Streamlit draws a 43 px
placeholder for an element whose code has not arrived; on a busy machine the Overview's
indicator picker (label and buttons: 3.75 rem, 63.75 px at 17 px and 78.75 px at 21 px) could
still be one when the ranking below it was drawn, and the ranking then moved down 21 px
(``tests/e2e/test_first_screen.py``)."""


PLACEHOLDER_HEIGHTS_REM: dict[str, float] = {
    ".st-key-tf_headline": 4.4,
    '.st-key-tf_headline [data-testid="stColumn"]:first-child': 6.3,
}
"""Where (a CSS selector) -> the height (rem) of the placeholders Streamlit draws there while
an element's code loads (2.5 rem otherwise). Transfer fund's headline metrics, above its chart
in presenter mode, were still placeholders in one first visit in four or more when the chart
was drawn, which then moved down 85 px in front of the audience. Measured at 17 and 21 px,
1,000-1,920 px wide, both languages: a metric is 4.4-4.75 rem, the first one (the gap after)
6.06-6.54 rem with the line saying how the gap changed, which it has whenever a fund is set.
Without a fund the row is 1.6-1.9 rem lower than its placeholder."""


def reserved_height_css() -> str:
    """A minimum height for each element of :data:`RESERVED_HEIGHTS_REM` (its key's class)
    and for the placeholders where :data:`PLACEHOLDER_HEIGHTS_REM` says."""
    return " ".join(
        [f".st-key-{key} {{ min-height: {rem}rem; }}"
         for key, rem in RESERVED_HEIGHTS_REM.items()]
        + [f'{where} [data-testid="stSkeleton"] {{ min-height: {rem}rem; }}'
           for where, rem in PLACEHOLDER_HEIGHTS_REM.items()])


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (for ``content:``) that can end neither the string nor
    the style element around it."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\3C ")
