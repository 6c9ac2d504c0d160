"""Colours and layout shared by every chart.

Palette: Okabe & Ito (2008), "Color Universal Design", distinguishable with the common forms of
colour blindness. One rule everywhere: favourable indicators (coverage: higher is better) are
blue, adverse indicators (out-of-pocket share: higher is worse) are vermillion. Group A / group B
are told apart by fill pattern as well as shade, so they survive greyscale printing.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import plotly.io as pio

from equity.i18n import fmt_tick_zh, has, t
from equity.indicators import ADVERSE_INDICATORS, FAVOURABLE_INDICATORS, is_favourable  # noqa: F401

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

FAVOURABLE: str = OKABE_ITO["blue"]
"""Colour of indicators where more is better (charity coverage, newly covered patients)."""
ADVERSE: str = OKABE_ITO["vermillion"]
"""Colour of indicators where more is worse (out-of-pocket share and amounts)."""
FAVOURABLE_LIGHT: str = OKABE_ITO["sky_blue"]
ADVERSE_LIGHT: str = OKABE_ITO["orange"]
NEUTRAL: str = "#555555"
REFERENCE: str = OKABE_ITO["black"]
GAIN: str = FAVOURABLE
LOSS: str = ADVERSE

# Sequential scales for maps: white -> the indicator's colour, so "darker" always means "more".
FAVOURABLE_SCALE: list[list[float | str]] = [[0.0, "#F2F7FB"], [0.5, "#56B4E9"], [1.0, "#0072B2"]]
ADVERSE_SCALE: list[list[float | str]] = [[0.0, "#FDF3EC"], [0.5, "#E69F00"], [1.0, "#D55E00"]]

# Categorical colours for groups beyond A/B (e.g. several area types), Okabe-Ito order without
# the two indicator colours so a group is never mistaken for "good" or "bad".
GROUP_COLOURS: tuple[str, ...] = (
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)
GROUP_PATTERNS: tuple[str, ...] = ("", "/", ".", "x", "-", "|")
"""Bar fill patterns: group A solid, group B hatched, further groups dotted, crossed, ..."""

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Noto Sans, Source Han Sans SC, Arial, sans-serif"
BASE_FONT = 16
PRESENTER_FONT = 22


def plain_label(text: object) -> str:
    """``text`` made safe for plotly's text fields, which read a few HTML tags (<b>, <a href>,
    <br>): ``&``, ``<`` and ``>`` become entities, so an uploaded name shows literally and can
    never become a link or markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def capitalise(text: str) -> str:
    """``text`` with its first letter upper-case (a label at the start of a title or list)."""
    return text[:1].upper() + text[1:]


def group_name(value: object, lang: str) -> str:
    """A group value as people read it (``group.<value>`` in the catalogue: known area types
    translated), others as given. Plain text, for Markdown and widgets."""
    key = f"group.{value}"
    return t(key, lang) if has(key) else str(value)


def column_label(column: str, lang: str) -> str:
    """A grouping column as people read it (``app.column.<name>``: "area type"),
    else its name as the data spells it."""
    key = f"app.column.{column}"
    return t(key, lang) if has(key) else column


def group_label(value: object, lang: str) -> str:
    """:func:`group_name` made safe for a plotly text field (see :func:`plain_label`)."""
    return plain_label(group_name(value, lang))


def indicator_label(column: str, lang: str, *, capital: bool = False) -> str:
    """The plain name of an indicator column (``ind.<column>``: "charity coverage" /
    Chinese label); ``capital``: first letter upper-case, for a label or a title's start."""
    key = f"ind.{column}"
    name = t(key, lang) if has(key) else column.replace("_", " ")
    return capitalise(name) if capital else name


def region_labels(table) -> list[str]:
    """One safe label per row: the region name, with the region id added where two regions
    share a name (a chart category must be unique or bars would stack)."""
    names = table["region_name"].astype(str)
    duplicated = names.duplicated(keep=False)
    ids = table["region_id"].astype(str)
    labels = names.where(~duplicated, names + " (" + ids + ")")
    # plain_label on whole columns (a loop per row took seconds at 100,000 regions).
    labels = (labels.str.replace("&", "&amp;", regex=False)
              .str.replace("<", "&lt;", regex=False).str.replace(">", "&gt;", regex=False))
    return [str(label) for label in labels]


def indicator_colour(indicator: str) -> str:
    """Blue for a favourable indicator, vermillion for an adverse one."""
    return FAVOURABLE if is_favourable(indicator) else ADVERSE


def indicator_scale(indicator: str) -> list[list[float | str]]:
    """Sequential colour scale for maps of ``indicator`` (darker = more)."""
    return FAVOURABLE_SCALE if is_favourable(indicator) else ADVERSE_SCALE


def nice_step(span: float, count: int = 6) -> float:
    """A tick step of 1, 2, 2.5 or 5 x 10^k giving at most about ``count`` intervals over
    ``span`` (> 0)."""
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if raw <= m * power * (1 + 1e-9))


def amount_axis(low: float, high: float, lang: str, count: int = 6) -> dict:
    """Axis settings for large amounts (yuan, people) running from ``low`` to ``high``.

    English: Plotly's own short forms (500k, 1.5M, 2B). Chinese: ticks at a round step written
    in the Chinese units of 10^4 or 10^8 (:func:`equity.i18n.fmt_tick_zh`), since Plotly's
    suffixes are Latin letters; these ticks are fixed, so a zoomed-in chart shows fewer of
    them. A hover label that shows the axis' value writes it whole (1,500,000), not with
    Plotly's letters."""
    if lang != "zh":
        return {"exponentformat": "B"}
    whole = {"tickmode": "array", "exponentformat": "none", "separatethousands": True}
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    if not (math.isfinite(low) and math.isfinite(high)) or high - low <= 0:
        return {**whole, "tickvals": [0], "ticktext": ["0"]}
    step = nice_step(high - low, count)
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    values = [i * step for i in range(first, last + 1)]
    top = max(abs(v) for v in values)
    return {**whole, "tickvals": values, "ticktext": [fmt_tick_zh(v, top=top) for v in values]}


def font_size(presenter: bool = False) -> int:
    """Base font size in px for charts: 16, or 22 in presenter mode."""
    return PRESENTER_FONT if presenter else BASE_FONT


def _house_layout(size: int) -> dict:
    """The house layout at base font ``size`` (px): large fonts, a CJK-capable font family so
    Chinese renders in exports too, a horizontal legend above the plot, room for the title."""
    axis = {"automargin": True, "title": {"font": {"size": size}}, "tickfont": {"size": size}}
    return {
        "title": {"x": 0.0, "xanchor": "left", "pad": {"l": 8},
                  "font": {"size": round(size * 1.3)}},
        "font": {"family": FONT_FAMILY, "size": size, "color": "#222222"},
        "separators": ".,",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left",
                   "x": 0.0, "font": {"size": size}},
        "margin": {"l": 10, "r": 20, "t": round(size * 6), "b": 10},
        "hoverlabel": {"font": {"size": size, "family": FONT_FAMILY}},
        # A template's xaxis / yaxis apply to every x / y axis of a figure.
        "xaxis": axis,
        "yaxis": axis,
    }


def _house_template(size: int) -> go.layout.Template:
    # From plain data: copying the registered template object validates it all again (4x).
    template = go.layout.Template(pio.templates["plotly_white"].to_plotly_json())
    template.layout.update(_house_layout(size))
    return template


HOUSE_TEMPLATE = "equity"
"""Plotly's default template in any process that draws these charts: plotly_white with the
house layout at 16 px. Built and validated once, here: a figure takes a default template as it
is built, without validating it again. Naming a template in ``update_layout`` had plotly look it
up, deep-copy and validate it for every figure, and the house layout set explicitly was
validated again too: 20 ms a figure, 9 figures a Transfer fund rerun."""
PRESENTER_TEMPLATE = "equity_presenter"
"""The same at 22 px, for presenter mode (registered on first use)."""
pio.templates[HOUSE_TEMPLATE] = _house_template(BASE_FONT)
pio.templates.default = HOUSE_TEMPLATE


def drawn_font(fig: go.Figure) -> go.layout.Font:
    """The font ``fig`` is drawn with: its own where it sets one, else its template's."""
    own, house = fig.layout.font, fig.layout.template.layout.font
    return go.layout.Font(family=own.family or house.family, size=own.size or house.size,
                          color=own.color or house.color)


def apply_style(
    fig: go.Figure, *, title: str, lang: str, presenter: bool = False, height: int | None = None
) -> go.Figure:
    """Give ``fig`` the house look (in place) and return it.

    The house template (:data:`HOUSE_TEMPLATE`, or :data:`PRESENTER_TEMPLATE` at 22 px) holds
    the fonts, legend, margins and axis defaults; here only the title, ``meta`` (language and
    mode, read by exports) and ``height`` are set. A builder that sets one of the template's
    values itself keeps its own.
    """
    name = PRESENTER_TEMPLATE if presenter else HOUSE_TEMPLATE
    if presenter and PRESENTER_TEMPLATE not in pio.templates:
        pio.templates[PRESENTER_TEMPLATE] = _house_template(PRESENTER_FONT)
    if presenter or pio.templates.default != HOUSE_TEMPLATE:
        fig.layout.template = pio.templates[name]
    layout: dict = {"title_text": title, "meta": {"lang": lang, "presenter": presenter}}
    if height is not None:
        layout["height"] = height
    fig.update_layout(**layout)
    if lang == "zh":
        # Any axis not given Chinese ticks by amount_axis: whole numbers (2,000,000) rather
        # than Plotly's SI letters (2M), which are Latin on a Chinese page (ticks and hover).
        for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
            if axis.exponentformat is None:
                axis.update(exponentformat="none", separatethousands=True)
    return fig
