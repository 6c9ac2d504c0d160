"""Safe rendering for every page: problems as readable lists, notices, escaped Markdown.

Uploaded text (file names, cell values, column names) is never rendered as HTML and has its
Markdown neutralised before it reaches ``st.markdown``-like calls.
"""

from __future__ import annotations

import json
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


PRESENTER_FONT_PX = 21
"""Root font size in presenter mode (Streamlit sizes text in rem); 17 px otherwise."""
DEFAULT_FONT_PX = 17


def type_size_css(presenter: bool, root: str = "html") -> str:
    """The page's type size: a larger root font for readability on shared screens and, in
    presenter mode, less empty space above the title so the chart fits the first screen;
    every rule under the selector ``root``. ``app.py``'s page style and a presenter link's
    first paint (``dashboard.page_html``)."""
    size = PRESENTER_FONT_PX if presenter else DEFAULT_FONT_PX
    css = (f"{root} {{ font-size: {size}px; }}"
           f' {root} [data-testid="stMetricValue"] {{ font-size: 2rem; }}')
    if presenter:
        css += f' {root} [data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; }}'
    return css


def css_string(text: str) -> str:
    """``text`` as a CSS string literal (for ``content:``) that can end neither the string nor
    the style element around it."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\3C ")


def skip_link_css(lang: str) -> str:
    """CSS that writes Streamlit's keyboard-only "Skip to main content" link (shown when it has
    the focus; Streamlit has no setting for its text) in ``lang``."""
    link = '[data-testid="stSkipToContent"]'
    # !important: Streamlit's own focus style sets the link's font size
    return (f"{link}, {link}:focus {{font-size: 0 !important;}} {link}::after {{content: "
            f"{css_string(t('app.skip_to_content', lang))}; font-size: 0.875rem;}}")


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
