"""The server's estimate of how wide an axis's labels are (``equity.charts.text_width``).

Expected widths were measured in Chromium (canvas ``measureText`` with the charts' font family
at 16 px); the estimate must not fall short of them (a short margin makes Plotly draw the
chart twice) and must not waste much room either.
"""

from __future__ import annotations

import pytest

from equity.charts.text_width import TICK_GAP_PX, char_em, label_margin_px, text_width_px

MEASURED_16PX = {
    "Suburban district A / 郊区甲": 203.90,
    "Urban district A / 中心城区甲": 208.59,
    "Hangzhou": 75.92,
    "温州市下辖某县级市": 144.00,
    "Very long region name number one with words": 347.41,
}


@pytest.mark.parametrize(("text", "measured"), MEASURED_16PX.items())
def test_estimate_is_the_measured_width(text, measured):
    estimate = text_width_px(text, 16)
    assert measured - 0.5 <= estimate <= measured * 1.01 + 0.5


def test_widths_scale_with_the_font_size():
    assert text_width_px("Hangzhou", 32) == pytest.approx(2 * text_width_px("Hangzhou", 16))


def test_wide_and_unknown_characters():
    assert char_em("郊") == 1.0 and char_em("Ａ") == 1.0  # an ideograph, a full-width letter
    assert char_em("é") > char_em("e")  # not in the table: a generous width
    assert text_width_px("", 16) == 0.0


def test_margin_is_the_widest_label_with_spare_and_the_tick_gap():
    labels = ["Hangzhou", "Suburban district A / 郊区甲", 42]
    widest = text_width_px("Suburban district A / 郊区甲", 16)
    margin = label_margin_px(labels, 16)
    assert isinstance(margin, int)
    # Plotly needs the widest label plus its 11 px gap (measured: 10.5-11.4 px); 3% spare
    assert widest + TICK_GAP_PX + 1 <= margin <= widest * 1.03 + TICK_GAP_PX + 1
    assert label_margin_px([], 16) == TICK_GAP_PX


@pytest.mark.parametrize(("presenter", "tick_px"), [(False, 12.75), (True, 15.75)])
def test_a_region_chart_gets_room_for_its_names_as_drawn_on_screen(presenter, tick_px):
    """``dashboard.figures.fit_label_margin``: the names of a ranking's categories and of a
    horizontal bar trace, at Streamlit's on-screen tick size (0.75 rem of 17 or 21 px)."""
    import plotly.graph_objects as go

    from dashboard.figures import fit_label_margin

    fig = go.Figure(go.Bar(x=[1, 2], y=["Hangzhou", "Urban district A / 中心城区甲"],
                           orientation="h"))
    fig.update_yaxes(categoryarray=["Hangzhou", "Urban district A / 中心城区甲"])
    fig.add_trace(go.Bar(x=[1], y=["Very long region name number one with words"]))  # vertical
    assert fit_label_margin(fig, presenter) is fig
    widest = text_width_px("Urban district A / 中心城区甲", tick_px)
    assert widest + TICK_GAP_PX <= fig.layout.margin.l <= widest * 1.03 + TICK_GAP_PX + 1
