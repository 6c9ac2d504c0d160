"""Data: choose a bundled dataset or upload one; validation report, table, dictionary, downloads.

Wiring only; one function per section."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.links import choice, dismiss_link_notices
from dashboard.render import escape_md, show_error
from dashboard.state import (
    dataset_description,
    dataset_notes,
    get_data,
    get_dataset_title,
    get_lang,
)
from dashboard.uploads import forget_upload, validated_upload
from equity.i18n import fmt_count, t
from equity.readers import BOUNDARY_EXTENSIONS as BOUNDARY_TYPES
from equity.readers import UPLOAD_EXTENSIONS as UPLOAD_TYPES
from equity.report import dictionary_in, dictionary_sheet, safe_frame, to_csv_bytes, to_xlsx_bytes


def _use_dataset(name: str) -> None:
    # Runs before app.py's widgets are drawn, so the URL-bound picker may still be set.
    st.session_state["dataset"] = name
    dismiss_link_notices()


def bundled_section(data: Any, lang: str) -> None:
    """The bundled datasets, each with a button to use it."""
    st.title(t("data.title", lang))
    if data is not None:
        st.markdown(t("data.current", lang, name=f"**{escape_md(get_dataset_title())}**"))

    # --- bundled datasets ---------------------------------------------------------------------
    st.header(t("data.bundled_header", lang))
    try:
        from equity.datasets import list_datasets

        bundled = [d for d in list_datasets() if d.kind == "regions"]
    except ImportError:
        bundled = []
    current = st.session_state.get("dataset")
    for info in bundled:
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(f"**{info.title_zh if lang == 'zh' else info.title_en}**")
            left.caption(dataset_description(info.name, info.description, lang))
            in_use = current == info.name
            right.button(
                t("data.in_use" if in_use else "data.use", lang),
                key=f"use_{info.name}",
                disabled=in_use,
                on_click=_use_dataset,
                args=(info.name,),
                width="stretch",
            )


def upload_section(lang: str) -> None:
    """Upload a table (and boundaries): a file that validates becomes the dataset."""
    st.header(t("data.upload_header", lang))
    main_file = st.file_uploader(
        t("data.upload_label", lang), type=list(UPLOAD_TYPES), help=t("data.upload_help", lang),
        key="upload_file",
    )
    boundary_file = st.file_uploader(
        t("data.boundaries_label", lang), type=list(BOUNDARY_TYPES), key="upload_boundaries")
    if main_file is None:
        forget_upload()
        return
    result = validated_upload(main_file, boundary_file, lang)
    if result["ok"]:
        loaded = result["data"]
        st.success(
            t("data.valid", lang, name=escape_md(result["name"]), rows=len(loaded.table)),
            icon=":material/check_circle:",
        )
        readings = loaded.fraction_readings_in(lang)
        if readings:
            st.markdown(f"**{t('data.readings', lang)}**")
            st.markdown(
                "\n".join(
                    "- " + t("data.reading_line", lang, column=escape_md(c),
                             reading=escape_md(r))
                    for c, r in readings.items()
                )
            )
    else:
        error = result["error"]
        count = len(getattr(error, "problems", []) or [error])
        st.markdown(t("data.invalid", lang, name=escape_md(result["name"]), count=count))
        show_error(error, nothing_loaded=True)


# Rows the table view shows; the downloads below hold every row (a 100,000-row table would
# send megabytes to the browser on every rerun). A comment, not a docstring: Streamlit's magic
# writes a bare string in a page script onto the page.
TABLE_ROWS = 2_000


def table_section(data: Any, lang: str) -> None:
    """The current table as loaded (its first ``TABLE_ROWS`` rows, with a note when longer).

    Shown neutralised (``safe_frame``: a text cell starting with = + - @ gets a leading
    apostrophe), because the table's own toolbar "Download as CSV" exports what it shows and
    a spreadsheet would run ``=HYPERLINK(...)`` as a formula."""
    st.header(t("data.table_header", lang))
    table = data.table
    if len(table) > TABLE_ROWS:
        st.caption(t("data.table_first", lang, shown=fmt_count(TABLE_ROWS, lang),
                     rows=fmt_count(len(table), lang)))
        table = table.head(TABLE_ROWS)
    st.dataframe(safe_frame(table), hide_index=True, width="stretch",
                 placeholder=t("app.empty_cell", lang))


def dictionary_section(data: Any, lang: str) -> None:
    """What each column means, its unit and where it comes from; then the notes."""
    st.header(t("data.dictionary_header", lang))
    try:
        from equity.schema import column_dictionary

        schema_dict = column_dictionary()
    except ImportError:
        schema_dict = None
    meaning_col = "meaning_zh" if lang == "zh" else "meaning_en"
    if data.dictionary is not None and len(data.dictionary):
        shown = dictionary_in(data.dictionary, data.name, lang)
        if schema_dict is not None:
            meanings = schema_dict.set_index("column")[meaning_col]
            shown.insert(1, "meaning", shown["column"].map(meanings).fillna(""))
            if lang == "zh" and "unit_zh" in schema_dict:
                units_zh = schema_dict.set_index("column")["unit_zh"]
                shown["unit"] = shown["column"].map(units_zh).fillna(shown["unit"])
        headers = {
            "column": t("data.col.column", lang),
            "meaning": t("data.col.meaning", lang),
            "unit": t("data.col.unit", lang),
            "provenance": t("data.col.provenance", lang),
            "detail": t("data.col.detail", lang),
        }
        st.table(shown.rename(columns=headers), hide_index=True)
    elif schema_dict is not None:
        st.caption(t("data.dictionary_none", lang))
        unit_col = "unit_zh" if lang == "zh" and "unit_zh" in schema_dict else "unit"
        shown = pd.DataFrame(
            {
                t("data.col.column", lang): schema_dict["column"],
                t("data.col.unit", lang): schema_dict[unit_col],
                t("data.col.required", lang): schema_dict["required"].map(
                    lambda v: t("data.yes" if str(v) == "yes" else "data.no", lang)
                ),
                t("data.col.meaning", lang): schema_dict[meaning_col],
            }
        )
        st.table(shown, hide_index=True)

    notes = dataset_notes(data, lang)
    if notes:
        st.subheader(t("data.notes", lang))
        st.markdown("\n".join(f"- {escape_md(note)}" for note in notes))


def downloads_section(data: Any, lang: str) -> None:
    """The table (CSV, XLSX) and the empty templates."""
    st.header(t("data.downloads_header", lang))
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in data.name)[:60] or "data"
    sheets = {"regions": data.table}
    if data.dictionary is not None:
        sheets["dictionary"] = dictionary_sheet(data.dictionary, data.name, lang)
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(
        t("data.download_csv", lang), data=lambda: to_csv_bytes(data.table),
        file_name=f"{stem}.csv",
        mime="text/csv", on_click="ignore", icon=":material/download:", key="dl_csv",
    )
    c2.download_button(
        t("data.download_xlsx", lang), data=lambda: to_xlsx_bytes(sheets, about={"dataset": stem}),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore", icon=":material/download:", key="dl_xlsx",
    )
    try:
        from equity.datasets import template_bytes

        c3.download_button(
            t("data.template_csv", lang), data=template_bytes("csv", lang),
            file_name=f"region_template_{lang}.csv", mime="text/csv", on_click="ignore",
            icon=":material/description:", key="dl_tpl_csv",
        )
        c4.download_button(
            t("data.template_xlsx", lang), data=lambda: template_bytes("xlsx", lang),
            file_name=f"region_template_{lang}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore", icon=":material/description:", key="dl_tpl_xlsx",
        )
    except ImportError:
        pass


def division_templates_section(lang: str) -> None:
    """Templates for a Chinese province or prefecture at prefecture or county level: codes and
    names filled in (``equity.geo.template_bytes``), every figure left to the user."""
    from equity.geo import children, divisions, template_bytes

    st.subheader(t("geo.page.tpl.header", lang))  # part of "Upload your own"
    st.caption(t("geo.page.tpl.intro", lang))
    index = divisions()
    provinces = index[index["level"] == "province"]
    names = dict(zip(index["code"], index["name"], strict=False))
    c1, c2, c3, c4 = st.columns(4, vertical_alignment="bottom")
    province = c1.selectbox(
        t("geo.page.tpl.province", lang), list(provinces["code"]),
        format_func=lambda code: f"{names[code]} ({code})", key="geo_tpl_province",
    )
    prefectures = children(province, "prefecture")
    whole = ""  # the province itself
    pick = choice(
        c2.selectbox, t("geo.page.tpl.prefecture", lang), [whole, *prefectures["code"]],
        format_func=lambda code: (t("geo.page.tpl.whole_province", lang) if code == whole
                                  else f"{names.get(code, code)} ({code})"),
        key=f"geo_tpl_prefecture_{province}",
    )
    area = pick or province
    if pick:  # a prefecture lists its counties only
        level = "county"
        choice(c3.radio, t("geo.page.tpl.level", lang), ["county"], key="geo_tpl_level_county",
               format_func=lambda v: t(f"geo.level.{v}", lang), horizontal=True)
    else:
        level = choice(c3.radio, t("geo.page.tpl.level", lang), ["prefecture", "county"],
                       default="county", key="geo_tpl_level", horizontal=True,
                       format_func=lambda v: t(f"geo.level.{v}", lang))
    headers = choice(c4.radio, t("geo.page.tpl.headers", lang), ["en", "zh"], default=lang,
                     key="geo_tpl_headers", horizontal=True,
                     format_func=lambda v: t(f"geo.page.tpl.headers.{v}", lang))
    listed = children(area, level)
    if listed.empty:
        st.info(t("geo.page.tpl.none", lang, area=names.get(area, area),
                  level=t(f"geo.level_plural.{level}", lang)))
        return
    st.caption(t("geo.page.tpl.count", lang, count=len(listed), area=names.get(area, area),
                 level=t(f"geo.level_plural.{level}", lang)))
    stem = f"template_{area}_{level}_{headers}"
    left, right = st.columns(2)
    left.download_button(
        t("geo.page.tpl.csv", lang), data=template_bytes(area, level, "csv", headers),
        file_name=f"{stem}.csv", mime="text/csv", on_click="ignore",
        icon=":material/description:", key="dl_geo_csv",
    )
    right.download_button(
        t("geo.page.tpl.xlsx", lang), data=lambda: template_bytes(area, level, "xlsx", headers),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore", icon=":material/description:", key="dl_geo_xlsx",
    )


def main() -> None:
    lang, data = get_lang(), get_data()
    bundled_section(data, lang)
    upload_section(lang)
    division_templates_section(lang)
    if data is None:
        return
    table_section(data, lang)
    dictionary_section(data, lang)
    downloads_section(data, lang)


main()
