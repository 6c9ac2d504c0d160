"""Issue 10: no English word is left on a Chinese page except region names that are English in
the data. Every page (and every Transfer fund tab, with the results its buttons compute) is
drawn with ``lang=zh``; every text AppTest can see is read: titles, Markdown, captions,
metrics, widget labels, help and options, tab and expander labels, table headers and cells,
chart titles, axis titles, legends, hover text and annotations. Any Latin-letter word that is
not a code fails the test (see ``tests/latin.py`` for what counts as a code)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from equity.datasets import load
from equity.report import DOCUMENTS
from tests.latin import latin_words, words_of

APP = str(Path(__file__).resolve().parents[2] / "app.py")

# Proto fields that are not shown as text: ids, keys, icons, URL keys, chart specs (read
# separately), Vega/plotly config, a dataframe's column config (its labels are read below).
_NOT_SHOWN = {"id", "form_id", "key", "icon", "url", "spec", "config", "theme", "css",
              "query_param_key", "page_script_hash", "mime", "file_id", "src", "type",
              "columns", "column_order", "language", "format", "fragment_id", "deprecation"}


def _strings(message, path: str = "") -> Iterator[tuple[str, str]]:
    for field, value in message.ListFields():
        if field.name in _NOT_SHOWN:
            continue
        items = value if field.is_repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in items:
                yield from _strings(item, f"{path}.{field.name}")
        elif field.type == field.TYPE_STRING:
            for item in items:
                yield f"{path}.{field.name}", item


def _chart(spec: dict) -> Iterator[tuple[str, str]]:
    def title(obj) -> str | None:
        text = obj.get("title") if isinstance(obj, dict) else None
        return text.get("text") if isinstance(text, dict) else text

    layout = spec.get("layout", {})
    if title(layout):
        yield "chart title", title(layout)
    for name, part in layout.items():  # axes, colour bars, legends
        if isinstance(part, dict) and title(part):
            yield f"chart {name} title", title(part)
    for note in layout.get("annotations") or []:
        yield "chart annotation", note.get("text", "")
    for trace in spec.get("data", []):
        for field in ("name", "text", "hovertext", "hovertemplate", "texttemplate", "x", "y",
                      "labels"):
            values = trace.get(field)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str):
                    yield f"chart trace {field}", value
        for value in (trace.get("node") or {}).get("label") or []:
            yield "chart sankey label", str(value)
        bar = (trace.get("marker") or {}).get("colorbar") or trace.get("colorbar") or {}
        if title(bar):
            yield "chart colour bar", title(bar)


def _nodes(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def shown_texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) for every text on the page AppTest can see."""
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        kind = getattr(node, "type", type(node).__name__)
        if kind == "html":  # the page's CSS
            continue
        if kind == "radio" and node.key == "lang":
            continue  # the language switch names each language in its own script, on purpose
        if kind == "code":
            continue  # the share link: a URL
        if kind == "latex":
            # Symbols are letters; only the words in \text{...} are read.
            for words in _latex_words(proto.body):
                yield "latex text", words
            continue
        if kind == "plotly_chart":
            yield from _chart(json.loads(proto.spec))
        if kind in ("arrow_data_frame", "dataframe", "table"):
            yield from _table(node, proto)
            continue
        for path, text in _strings(proto):
            yield f"{kind}{path}", text


def _latex_words(body: str) -> list[str]:
    import re

    return re.findall(r"\\text\{([^{}]*)\}", body)


def _table(node, proto) -> Iterator[tuple[str, str]]:
    frame = node.value
    labels = {}
    if getattr(proto, "columns", ""):
        for column, config in json.loads(proto.columns).items():
            if isinstance(config, dict) and config.get("label"):
                labels[column] = config["label"]
    for column in frame.columns:
        yield "table header", str(labels.get(str(column), column))
    if "placeholder" in proto.DESCRIPTOR.fields_by_name and frame.isna().any().any():
        # The data grid draws on a canvas and writes "None" in an empty cell unless told
        # otherwise (st.table leaves it blank).
        yield "table empty cell", proto.placeholder if proto.HasField("placeholder") else "None"
    editable = getattr(proto, "editing_mode", 0) != 0
    if editable:
        return  # cells the user edits (a cascade's English label column, payer codes)
    for column in frame.columns:
        # object or pandas' string dtype (pandas 3 reads text as "str", not object)
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            for value in frame[column].dropna().unique():
                yield f"table cell {column}", str(value)


def _allowed() -> set[str]:
    """Latin words a Chinese page may show: region names and column names as the data spells
    them, and the documents' authors as their papers spell them."""
    from equity.i18n import t
    from equity.scenario import PARAMETERS

    city_w = load("city_w")
    # The data as its files spell it: names, column names and category values (the Data
    # page's table shows the file), the boundaries' columns.
    text_columns = [c for c in city_w.table.columns
                    if not pd.api.types.is_numeric_dtype(city_w.table[c])]
    allowed = words_of(v for c in text_columns for v in city_w.table[c])
    allowed |= words_of(city_w.table.columns) | words_of(city_w.geometry.columns)
    allowed |= words_of(t(f"doc.{code}.title", "zh") for code in DOCUMENTS)
    # Methods' parameter table: the keys links and scenario files use, and the symbols.
    allowed |= words_of(p.key for p in PARAMETERS) | words_of(p.symbol for p in PARAMETERS)
    return allowed


def _open(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "zh"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _compare_with_two_scenarios() -> AppTest:
    at = _open("views/compare.py", central_pool="5000000")
    for name, pool in (("甲", None), ("乙", 2_000_000.0)):
        if pool is not None:
            at.session_state["central_pool"] = pool
            at.run()
        at.text_input(key="cmp_name").set_value(name)
        at.button(key="cmp_save").click().run()
    return at


def _goal_seek() -> AppTest:
    at = _open("views/transfer_fund.py", tab="goal", central_pool="1000000")
    at.button(key="tf_goal_run").click().run()
    at.button(key="tf_seek_run").click().run()
    return at


def _uncertainty() -> AppTest:
    at = _open("views/transfer_fund.py", tab="risk", central_pool="2000000")
    at.number_input(key="tf_unc_draws").set_value(100)
    at.button(key="tf_unc_run").click().run()
    return at


def _benefit_protection() -> AppTest:
    at = _open("views/benefit_design.py", central_pool="5000000")
    at.button(key="ben_run").click().run()
    return at


PAGES = {
    "overview": lambda: _open("views/overview.py"),
    "data": lambda: _open("views/data.py"),
    "methods": lambda: _open("views/methods.py"),
    "sustainability": lambda: _open("views/sustainability.py"),
    "benefit": _benefit_protection,
    "compare": _compare_with_two_scenarios,
    **{f"transfer_fund_{tab}": (lambda tab=tab: _open("views/transfer_fund.py", tab=tab,
                                                        central_pool="1000000"))
       for tab in ("results", "money", "measures", "protection", "share")},
    "transfer_fund_goal": _goal_seek,
    "transfer_fund_risk": _uncertainty,
}


@pytest.mark.parametrize("page", list(PAGES))
def test_chinese_page_has_no_english_words(page: str) -> None:
    at = PAGES[page]()
    assert not at.exception, [e.value for e in at.exception]
    allowed = _allowed()
    texts = list(shown_texts(at))
    assert len(texts) > 20  # the page drew
    found = {(where, text[:200]): words for where, text in texts
             if (words := latin_words(text, allowed))}
    assert not found, "\n".join(f"{where}: {words} in {text!r}"
                                for (where, text), words in found.items())


def test_every_data_grid_names_its_empty_cells() -> None:
    """The scan above sees only the tables its states draw with gaps; every data grid the
    pages can draw says what an empty cell shows, in the page's language."""
    import ast

    root = Path(APP).parent
    calls = []
    for path in [*root.glob("views/*.py"), *root.glob("dashboard/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("dataframe", "data_editor")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "st"):
                given = {k.arg: ast.unparse(k.value) for k in node.keywords}
                calls.append((f"{path.name}:{node.lineno}", given.get("placeholder")))
    assert len(calls) >= 9
    assert all(p == "t('app.empty_cell', lang)" for _, p in calls), calls
