"""Exports: CSV and XLSX tables safe to open in a spreadsheet, and PNG / SVG chart images.

Spreadsheet safety: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by Excel / LibreOffice (CSV injection, OWASP). Such cells are
written with a leading apostrophe, which spreadsheets show as plain text. Numbers are untouched:
a negative number is data, not a formula.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from equity import MODEL_VERSION

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CHROMIUM = "/usr/bin/chromium"
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot start a formula."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
            out[column] = series.map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as UTF-8 CSV with a byte-order mark (so Excel shows Chinese), no index."""
    text = safe_frame(df).to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def _sheet_name(name: str, used: set[str]) -> str:
    # Excel forbids []:*?/\ in sheet names and caps them at 31 characters.
    cleaned = "".join("_" if ch in '[]:*?/\\' else ch for ch in str(name)).strip("'")
    cleaned = cleaned[:31] or "sheet"
    candidate, n = cleaned, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = cleaned[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def to_xlsx_bytes(
    data: pd.DataFrame | Mapping[str, pd.DataFrame], *, about: Mapping[str, str] | None = None
) -> bytes:
    """An XLSX workbook: one sheet ``data`` for a frame, or one sheet per entry of a mapping.

    A last sheet ``about`` records the model version (and any ``about`` key/value pairs), so a
    downloaded file says which version of the model produced it.
    """
    sheets = {"data": data} if isinstance(data, pd.DataFrame) else dict(data)
    info = {"model_version": MODEL_VERSION, **dict(about or {})}
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=_sheet_name(name, used), index=False)
        about_frame = pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]})
        safe_frame(about_frame).to_excel(writer, sheet_name=_sheet_name("about", used), index=False)
    return buffer.getvalue()


def ensure_browser_path() -> str | None:
    """Point kaleido at Debian's Chromium (``BROWSER_PATH``) unless the caller chose another."""
    if "BROWSER_PATH" not in os.environ and Path(CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = CHROMIUM
    return os.environ.get("BROWSER_PATH")


def figure_to_image(fig: Any, fmt: str = "png", *, width: int = 1200, height: int | None = None,
                    scale: float = 1.0, stamp: bool = True) -> bytes:
    """Render a plotly figure to PNG or SVG bytes with kaleido and the system Chromium.

    ``width``/``height`` in CSS pixels (height defaults to the figure's own or 700).
    ``stamp``: write "model <version>" in the bottom-right corner of the image (on a copy;
    ``fig`` is not changed), so a chart pasted into a report says which model drew it.
    Raises ``ValueError`` for another format and ``RuntimeError`` (with kaleido's reason) when
    no browser can render.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, not {fmt!r}")
    ensure_browser_path()
    import plotly.graph_objects as go
    import plotly.io as pio

    if stamp:
        fig = go.Figure(fig)
        fig.add_annotation(
            text=f"model {MODEL_VERSION}", xref="paper", yref="paper", x=1.0, y=0.0,
            xanchor="right", yanchor="top", yshift=-4, showarrow=False,
            font={"size": 11, "color": "#777777"},
        )
    h = height or fig.layout.height or 700
    try:
        return pio.to_image(fig, format=fmt, width=width, height=h, scale=scale)
    except Exception as err:  # kaleido raises many types; callers need one with a reason
        raise RuntimeError(f"could not render the chart as {fmt.upper()}: {err}") from err
