"""Helpers the pages share: the state app.py sets, and safe rendering of problems.

app.py fills ``st.session_state`` before running a page:
``lang`` ("en" | "zh"), ``region_data`` (equity.datasets.RegionData), ``compare``
({"column", "a", "b"}) and ``presenter`` (bool). Pages read them only through these helpers.

Uploaded text (file names, cell values, column names) is never rendered as HTML and has its
Markdown neutralised before it reaches ``st.markdown``-like calls.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from equity.i18n import LANGUAGES, has, t
from equity.readers import Problem

DEFAULT_COMPARE: dict[str, str] = {"column": "area_type", "a": "urban", "b": "suburban"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:=])")


def escape_md(text: object) -> str:
    """``text`` with every Markdown / HTML special character backslash-escaped, so it shows
    literally in ``st.markdown``, ``st.error`` and widget labels. Line breaks become spaces."""
    plain = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", plain)


def get_lang() -> str:
    """The current language code, "en" unless the user chose another supported one."""
    lang = st.session_state.get("lang", LANGUAGES[0])
    return lang if lang in LANGUAGES else LANGUAGES[0]


def get_data() -> Any:
    """The RegionData currently selected (``None`` only if no dataset could be loaded)."""
    return st.session_state.get("region_data")


def get_dataset_title() -> str:
    """The current dataset's title in the current language (its name if it has no title)."""
    title = st.session_state.get("dataset_title")
    if title:
        return str(title)
    data = get_data()
    return "" if data is None else str(data.name)


def dataset_description(name: str, english: str, lang: str) -> str:
    """A bundled dataset's description in ``lang`` (the data layer's English otherwise)."""
    key = f"dataset.{name}.description"
    return t(key, lang) if has(key) else english


def dataset_notes(data: Any, lang: str) -> tuple[str, ...]:
    """The current dataset's notes in ``lang``: the data layer's own Chinese notes
    (``RegionData.notes_zh``, uploads included) when it has them."""
    notes_in = getattr(data, "notes_in", None)
    if notes_in is not None and (lang != "zh" or getattr(data, "notes_zh", ())):
        return tuple(notes_in(lang))
    return tuple(getattr(data, "notes", ()) or ())


def get_compare() -> dict[str, str]:
    """The two compared groups: ``{"column": ..., "a": ..., "b": ...}``."""
    compare = st.session_state.get("compare")
    return dict(compare) if compare else dict(DEFAULT_COMPARE)


def is_presenter() -> bool:
    """True when presenter mode (larger fonts) is on."""
    return bool(st.session_state.get("presenter", False))


def problem_lines(exc: BaseException, lang: str) -> list[str]:
    """Plain-text lines, one per problem, for a DataError, ScenarioError or any other error."""
    problems = getattr(exc, "problems", None)
    if not problems:
        return [t("error.unexpected", lang, message=str(exc) or type(exc).__name__)]
    lines = []
    for problem in problems:
        if isinstance(problem, str):
            lines.append(problem)
            continue
        if lang == "zh" and isinstance(problem, Problem):
            # The data layer writes each problem in Chinese too (message_zh, 第N行, “X”列).
            lines.append(problem.text("zh"))
            continue
        row = getattr(problem, "row", None)
        column = getattr(problem, "column", None)
        row_label = getattr(problem, "row_label", "row")
        if row is not None and row_label != "row":
            # e.g. "feature 3" in a GeoJSON: keep the reader's own word for a record
            parts = [f"{row_label} {row}"]
            if column:
                parts.append(t("error.where_col", lang, column=column))
            where = ", ".join(parts)
        elif row is not None and column:
            where = t("error.where_row_col", lang, row=row, column=column)
        elif row is not None:
            where = t("error.where_row", lang, row=row)
        elif column:
            where = t("error.where_col", lang, column=column)
        else:
            where = ""
        file = getattr(problem, "file", "") or ""
        comma, colon = ("，", "：") if lang == "zh" else (", ", ": ")
        prefix = comma.join(p for p in (file, where) if p)
        message = getattr(problem, "message", str(problem))
        lines.append(f"{prefix}{colon}{message}" if prefix else str(message))
    return lines


def show_error(exc: BaseException, *, nothing_loaded: bool = False) -> None:
    """Render ``exc`` as a readable list of problems (never a traceback, never raw HTML)."""
    lang = get_lang()
    is_scenario = type(exc).__name__ == "ScenarioError"
    title = t("error.scenario_title" if is_scenario else "error.title", lang)
    items = "\n".join(f"- {escape_md(line)}" for line in problem_lines(exc, lang))
    body = f"**{title}**\n\n{items}"
    if nothing_loaded:
        body += f"\n\n{t('error.nothing_loaded', lang)}"
    st.error(body, icon=":material/error:")


def notice(message: str) -> None:
    """A visible, non-blocking notice (e.g. a URL value that fell back to its default)."""
    st.warning(escape_md(message), icon=":material/info:")
