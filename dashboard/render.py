"""Safe rendering for every page: problems as readable lists, notices, escaped Markdown.

Uploaded text (file names, cell values, column names) is never rendered as HTML and has its
Markdown neutralised before it reaches ``st.markdown``-like calls.
"""

from __future__ import annotations

import re

import streamlit as st

from dashboard.state import get_lang
from equity.errors import EquityError
from equity.i18n import t
from equity.io import Problem

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:=])")


def escape_md(text: object) -> str:
    """``text`` with every Markdown / HTML special character backslash-escaped, so it shows
    literally in ``st.markdown``, ``st.error`` and widget labels. Line breaks become spaces."""
    plain = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", plain)


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


def _title_code(exc: BaseException) -> str:
    """Catalogue key of the heading above ``exc``'s problems, told by the error's class."""
    if isinstance(exc, EquityError):
        return exc.title_code
    from equity.scenario import ScenarioError

    # ScenarioError may not derive from EquityError yet; its own heading either way.
    return "error.scenario_title" if isinstance(exc, ScenarioError) else "error.title"


def show_error(exc: BaseException, *, nothing_loaded: bool = False) -> None:
    """Render ``exc`` as a readable list of problems (never a traceback, never raw HTML)."""
    lang = get_lang()
    title = t(_title_code(exc), lang)
    items = "\n".join(f"- {escape_md(line)}" for line in problem_lines(exc, lang))
    body = f"**{title}**\n\n{items}"
    if nothing_loaded:
        body += f"\n\n{t('error.nothing_loaded', lang)}"
    st.error(body, icon=":material/error:")


def notice(message: str) -> None:
    """A visible, non-blocking notice (e.g. a URL value that fell back to its default)."""
    st.warning(escape_md(message), icon=":material/info:")
