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
from equity.readers.problems import Problem, rows_message

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:=])")


def escape_md(text: object) -> str:
    """``text`` with every Markdown / HTML special character backslash-escaped, so it shows
    literally in ``st.markdown``, ``st.error`` and widget labels. Line breaks become spaces."""
    plain = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", plain)


def problem_lines(exc: BaseException, lang: str) -> list[str]:
    """Plain-text lines in ``lang``, one per problem, for any error: every problem the package
    raises (a file Problem, a Message) renders itself with ``text(lang)``."""
    problems = getattr(exc, "problems", None)
    if not problems:
        return [t("error.unexpected", lang, message=str(exc) or type(exc).__name__)]
    return [_file_line(p, lang) if isinstance(p, Problem) else
            p.text(lang) if hasattr(p, "text") else str(p) for p in problems]


def _file_line(problem: Problem, lang: str) -> str:
    """A file problem as the page writes it: the command line's place and message, with the
    column in typographic quotes (column “patients”), easier to spot on screen."""
    parts = [problem.file]
    if problem.row is not None:
        parts.append(rows_message(problem.row_label, [problem.row]).text(lang))
    if problem.column is not None:
        parts.append(t("error.where_col", lang, column=problem.column))
    where = t("readers.where.sep", lang).join(parts)
    return t("readers.line", lang, where=where, message=problem.message_in(lang))


def _title_code(exc: BaseException) -> str:
    """Catalogue key of the heading above ``exc``'s problems, told by the error's class."""
    return exc.title_code if isinstance(exc, EquityError) else "error.title"


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
