"""Exports: CSV and XLSX tables safe to open in a spreadsheet, and PNG / SVG chart images.

Spreadsheet safety: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by Excel / LibreOffice (CSV injection, OWASP). Such cells are
written with a leading apostrophe, which spreadsheets show as plain text. Numbers are untouched:
a negative number is data, not a formula.
"""

from __future__ import annotations

import atexit
import html
import io
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
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


def whole_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with float columns that hold only whole numbers (counts, yuan) as integers, so a
    spreadsheet shows 120, not 120.0; missing cells stay empty."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_float_dtype(series):
            finite = series.dropna()
            if len(finite) and np.isfinite(finite).all() and (finite == finite.round()).all() \
                    and finite.abs().max() < 2**53:
                out[column] = series.round().astype("Int64")
    return out


def export_name(stem: str, ext: str) -> str:
    """A download's file name carrying the model version: ``stem_model-0.3.0.csv``."""
    return f"{stem}_model-{MODEL_VERSION}.{ext}"


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as UTF-8 CSV with a byte-order mark (so Excel shows Chinese), no index, whole
    numbers written as integers. (A CSV has no place for metadata; name the file with
    :func:`export_name` so it carries the model version.)"""
    text = safe_frame(whole_numbers(df)).to_csv(index=False, lineterminator="\r\n")
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
            safe_frame(whole_numbers(frame)).to_excel(
                writer, sheet_name=_sheet_name(name, used), index=False)
        about_frame = pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]})
        safe_frame(about_frame).to_excel(writer, sheet_name=_sheet_name("about", used), index=False)
    return buffer.getvalue()


def ensure_browser_path() -> str | None:
    """Point kaleido at Debian's Chromium (``BROWSER_PATH``) unless the caller chose another."""
    if "BROWSER_PATH" not in os.environ and Path(CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = CHROMIUM
    return os.environ.get("BROWSER_PATH")


_server_lock = threading.Lock()
_server_started = False


def _warm_kaleido() -> None:
    """Start kaleido's one shared Chromium once per process and keep it.

    A fresh kaleido per image costs a browser start (about 4-5 s on the 2-core machine); the
    shared server renders a chart in a fraction of that. ``mathjax=False``: kaleido would
    otherwise load MathJax from a CDN for every page, a request off the machine; no chart here
    uses LaTeX. Plotly's own bundled plotly.js is used (kaleido's default when plotly is
    installed), so nothing is fetched.
    """
    global _server_started
    with _server_lock:
        if _server_started:
            return
        import kaleido

        kaleido.start_sync_server(n=1, timeout=120, mathjax=False, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _server_started = True


def stamped(fig: Any, *, source: str | None = None) -> Any:
    """A copy of ``fig`` with "model <version>" in its bottom-right corner and, when given, a
    ``source`` line (dataset, documents) in its bottom-left, so an exported chart says where it
    comes from and which model drew it. ``fig`` is not changed."""
    import plotly.graph_objects as go

    out = go.Figure(fig)
    grey = {"size": 11, "color": "#666666"}
    out.add_annotation(text=f"model {MODEL_VERSION}", xref="paper", yref="paper", x=1.0, y=0.0,
                       xanchor="right", yanchor="top", yshift=-4, showarrow=False, font=grey)
    if source:
        out.add_annotation(text=html.escape(source), xref="paper", yref="paper", x=0.0, y=0.0,
                           xanchor="left", yanchor="top", yshift=-4, showarrow=False, font=grey)
    return out


def figure_to_image(fig: Any, fmt: str = "png", *, width: int = 1600, height: int | None = None,
                    scale: float = 1.0, stamp: bool = True, source: str | None = None) -> bytes:
    """Render a plotly figure to PNG or SVG bytes with kaleido and the system Chromium.

    ``width``/``height`` in CSS pixels (width 1600 by default, so a PNG drops into a report at
    print quality; height defaults to the figure's own or 700). ``stamp``: write the model
    version (and ``source``, when given) into the image, on a copy. The first call starts one
    shared Chromium that later calls reuse. Raises ``ValueError`` for another format and
    ``RuntimeError`` (with kaleido's reason) when no browser can render.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, not {fmt!r}")
    if ensure_browser_path() is None:
        raise RuntimeError("could not render the chart: no Chromium found (set BROWSER_PATH)")
    import plotly.graph_objects as go

    figure = stamped(fig, source=source) if stamp else go.Figure(fig)
    h = height or figure.layout.height or 700
    try:
        _warm_kaleido()
        import kaleido

        return kaleido.calc_fig_sync(
            figure.to_plotly_json(),
            opts={"format": fmt, "width": width, "height": h, "scale": scale},
        )
    except Exception as err:  # kaleido raises many types; callers need one with a reason
        raise RuntimeError(f"could not render the chart as {fmt.upper()}: {err}") from err
