"""How wide a chart's text is, estimated on the server: room for an axis's labels before the
browser measures them.

Why: a Plotly axis with ``automargin`` first draws the chart in its given margin, measures its
tick labels and, when they need more room, draws the whole chart again. For the Overview's
ranking (region names on the y-axis) that second pass was a quarter of the chart's first
draw (benchmarks/README.md, fifteenth session). A margin at least as wide as the labels
needs makes the first pass the only one; ``automargin`` stays on, so a browser whose font is
wider than estimated still gets whole labels (after the second pass, as before).

Widths are those of the first family of ``equity.charts.style.FONT_FAMILY`` (Noto Sans CJK SC,
whose Latin letters are Noto Sans's), measured in Chromium with a canvas at 100 px. On screen
Streamlit's theme draws tick labels in Source Sans, whose Latin letters are about 6% narrower
(Chinese falls back to Noto Sans CJK, one em a character): there the estimate leaves that
much room to spare (:func:`dashboard.figures.fit_label_margin`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable

# Advance widths in em of Noto Sans CJK SC's ASCII glyphs (canvas measureText at 100 px).
_ASCII_EM: dict[str, float] = {
    **dict.fromkeys("0123456789", 0.555),
    "a": 0.563, "b": 0.618, "c": 0.510, "d": 0.620, "e": 0.554, "f": 0.325, "g": 0.564,
    "h": 0.607, "i": 0.275, "j": 0.275, "k": 0.552, "l": 0.284, "m": 0.926, "n": 0.610,
    "o": 0.606, "p": 0.620, "q": 0.620, "r": 0.388, "s": 0.468, "t": 0.377, "u": 0.607,
    "v": 0.521, "w": 0.802, "x": 0.498, "y": 0.521, "z": 0.475,
    "A": 0.608, "B": 0.657, "C": 0.638, "D": 0.688, "E": 0.589, "F": 0.552, "G": 0.689,
    "H": 0.728, "I": 0.293, "J": 0.535, "K": 0.646, "L": 0.543, "M": 0.812, "N": 0.723,
    "O": 0.742, "P": 0.633, "Q": 0.742, "R": 0.635, "S": 0.596, "T": 0.599, "U": 0.721,
    "V": 0.575, "W": 0.878, "X": 0.573, "Y": 0.531, "Z": 0.603,
    " ": 0.224, "/": 0.392, "(": 0.338, ")": 0.338, "-": 0.347, ".": 0.278, ",": 0.278,
    "%": 0.921, ":": 0.278, "'": 0.278, "&": 0.680, "_": 0.559, "+": 0.555,
}
_WIDE_EM = 1.0
"""A CJK ideograph or other full-width character: one em."""
_OTHER_EM = 0.75
"""Any other character (accented Latin, symbols): wider than most Latin letters, so the
estimate errs towards room to spare."""
TICK_GAP_PX = 11
"""What Plotly adds to the widest tick label of a y-axis with no title (measured in
Chromium at 13, 16 and 21 px: 10.5-11.4 px)."""


def char_em(char: str) -> float:
    """The advance width of ``char`` in em."""
    if char in _ASCII_EM:
        return _ASCII_EM[char]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE_EM
    return _OTHER_EM


def text_width_px(text: str, size: float) -> float:
    """Estimated width in px of ``text`` on one line at font ``size`` px."""
    return sum(char_em(c) for c in text) * size


def label_margin_px(labels: Iterable[object], size: float, *, spare: float = 0.03) -> int:
    """A left margin (px) wide enough for a y-axis whose tick labels are ``labels`` at font
    ``size`` px: the widest label, ``spare`` more (a share of it, for rounding and kerning),
    and Plotly's gap between the labels and the plot."""
    widest = max((text_width_px(str(label), size) for label in labels), default=0.0)
    return math.ceil(widest * (1.0 + spare)) + TICK_GAP_PX
