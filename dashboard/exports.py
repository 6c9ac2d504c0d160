"""Every chart with its downloads: the plotly chart, its source line, and PNG / SVG / CSV.

``chart(fig, name=..., lang=...)`` replaces ``st.plotly_chart``. Under the chart: the source
line ("Data: … · Sources: … · Model …") and three compact download buttons. Nothing is
rendered until a button is clicked (``st.download_button``'s deferred ``data=callable``), and a
download does not rerun the page (``on_click="ignore"``). PNG and SVG come from the warm
kaleido in :mod:`equity.report` (one shared Chromium per process), 1600 px wide, with the
chart's title, the source line and the model version in the image. The modebar camera gives
the same width (client-side, without the source line).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import first_screen
from dashboard.chrome import plotly_locale
from dashboard.render import escape_md
from dashboard.state import get_data, get_dataset_title
from equity.i18n import LANGUAGES, t
from equity.report import (
    ensure_browser_path,
    export_name,
    figure_frame,
    figure_to_image,
    scenario_tables,
    scenario_workbook,
    source_line,
    to_csv_bytes,
)

# Source documents (codes, or (code, sections) pairs) for a chart's source line.
FUND_DOCUMENTS: tuple[Any, ...] = (("000", ("4.1.2",)),)
"""The transfer fund: the special transfer-payment fund pool of document 000, section 4.1.2."""
BENEFIT_DOCUMENTS: tuple[Any, ...] = (("002", ("3",)), ("003", ("IV(II)",)))
"""Benefit cascades: Zhejiang's special fund (002 section 3; 003 part IV(II))."""
DATASET_DOCUMENTS: dict[str, tuple[Any, ...]] = {
    "city_w": (("000", ("abstract", "3.1.2")),),
    "zhejiang": (("002", ("3",)),),
    "international": (("000", ("3.1.1", "3.2.2")),),
}
"""The documents each bundled dataset is built from (data/<name>/dictionary.csv)."""

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGE_WIDTH = 1600
"""Width in CSS pixels of a downloaded PNG / SVG (and of the modebar camera's PNG)."""


def plot_config(name: str, fig: Any = None) -> dict[str, Any]:
    """The plotly config every chart uses: no plotly logo; the camera saves a 1600 px PNG
    named like the download buttons' files; plotly's own words in the figure's language
    (``layout.meta.lang``, set by ``equity.charts.style.apply_style``)."""
    layout = getattr(fig, "layout", None)
    height = getattr(layout, "height", None) or 700
    meta = getattr(layout, "meta", None)
    lang = meta.get("lang", "en") if isinstance(meta, dict) else "en"
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "width": IMAGE_WIDTH, "height": height,
                                 "scale": 1, "filename": export_name(name, "png")[:-4]},
        **plotly_locale(lang if lang in LANGUAGES else "en"),
    }


def chart_source(lang: str, documents: Sequence[Any] = (), dataset: str | None = None) -> str:
    """The source line under a chart: the current dataset's title and the documents it is
    built from (unless ``dataset`` is given; ``""`` for none), then ``documents`` by short
    title, then the model version."""
    cited: list[Any] = []
    if dataset is None:
        data = get_data()
        title = get_dataset_title()
        cited.extend(DATASET_DOCUMENTS.get(str(getattr(data, "name", "")), ()))
    else:
        title = dataset
    for doc in documents:
        if doc not in cited:
            cited.append(doc)
    return source_line(lang, dataset=title or None, documents=cited)


def chart(fig: Any, *, name: str, lang: str, data: pd.DataFrame | Callable[[], pd.DataFrame]
          | None = None, documents: Sequence[Any] = (), dataset: str | None = None,
          source: str | None = None, key: str | None = None) -> None:
    """Draw ``fig`` (full width), its source line and a Download menu (PNG / SVG / CSV).

    ``name``: the file stem and the widgets' key stem (unique on the page). ``data``: the
    chart's numbers for the CSV (a frame, or a callable run only on click); by default the
    figure's own traces (:func:`equity.report.figure_frame`). ``documents``: source document
    codes, or (code, sections) pairs, for the source line, after the current dataset's
    (``dataset``: another title, ``""`` for a chart that uses no dataset); ``source``
    replaces the whole line.
    """
    key = key or name
    line = source if source is not None else chart_source(lang, documents, dataset)
    st.plotly_chart(fig, width="stretch", config=plot_config(name, fig), key=key)
    downloads(fig, name=name, lang=lang, data=data, source=line, key=key)


def downloads(fig: Any, *, name: str, lang: str, data: Any = None, source: str = "",
              key: str | None = None) -> None:
    """The source line and the Download menu of ``fig``: PNG, SVG and CSV buttons in a popover
    (see :func:`chart`)."""
    key = key or name

    def csv() -> bytes:
        frame = data() if callable(data) else data
        return to_csv_bytes(figure_frame(fig) if frame is None else frame)

    box = st.container(horizontal=True, vertical_alignment="center", gap="small",
                       key=f"exports_{key}")
    box.caption(escape_md(source))  # plain text (a dataset title is uploaded text)
    if first_screen.active():  # the menu follows once the chart is drawn
        return
    # One "Download" menu per chart rather than three buttons in a row: less under every
    # chart on a shared screen, and a closed popover's buttons are not drawn at all (on
    # Transfer fund's slider -> headline the difference was inside the noise;
    # benchmarks/README.md).
    menu = box.popover(t("export.menu", lang), type="tertiary", icon=":material/download:",
                       help=t("export.menu_help", lang), key=f"menu_{key}")
    if ensure_browser_path() is not None:
        menu.download_button(
            t("export.png", lang), data=lambda: figure_to_image(fig, "png", source=source),
            file_name=export_name(name, "png"), mime="image/png", on_click="ignore",
            type="tertiary", icon=":material/image:", help=t("export.png_help", lang),
            key=f"png_{key}")
        menu.download_button(
            t("export.svg", lang), data=lambda: figure_to_image(fig, "svg", source=source),
            file_name=export_name(name, "svg"), mime="image/svg+xml", on_click="ignore",
            type="tertiary", icon=":material/draw:", help=t("export.svg_help", lang),
            key=f"svg_{key}")
    menu.download_button(
        t("export.csv", lang), data=csv, file_name=export_name(name, "csv"), mime="text/csv",
        on_click="ignore", type="tertiary", icon=":material/table:",
        help=t("export.csv_help", lang), key=f"csv_{key}")
    if ensure_browser_path() is None:
        menu.caption(t("export.unavailable", lang, reason="BROWSER_PATH"))


def results(result: Any, lang: str, *, key: str = "tf_results") -> None:
    """The current scenario's per-region results: the regions table as CSV, every table
    (regions, groups, measures, fund accounting, about) as one XLSX."""
    dataset = get_dataset_title()
    st.markdown(f"**{t('export.results_header', lang)}**")
    st.caption(t("export.results_caption", lang))
    box = st.container(horizontal=True, gap="small", key=f"exports_{key}")
    box.download_button(
        t("export.results_csv", lang),
        data=lambda: to_csv_bytes(scenario_tables(result, lang, dataset=dataset)["regions"]),
        file_name=export_name("scenario_regions", "csv"), mime="text/csv", on_click="ignore",
        icon=":material/table:", key=f"{key}_csv")
    box.download_button(
        t("export.results_xlsx", lang),
        data=lambda: scenario_workbook(result, lang, dataset=dataset),
        file_name=export_name("scenario_results", "xlsx"), mime=XLSX_MIME, on_click="ignore",
        icon=":material/download:", key=f"{key}_xlsx")
