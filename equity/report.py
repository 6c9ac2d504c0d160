"""Exports: CSV and XLSX tables safe to open in a spreadsheet, and PNG / SVG chart images.

Spreadsheet safety: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by Excel / LibreOffice (CSV injection, OWASP). Such cells are
written with a leading apostrophe, which spreadsheets show as plain text. Numbers are untouched:
a negative number is data, not a formula.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import html
import io
import os
import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from equity import MODEL_VERSION
from equity.i18n import has, t

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
    about_frame = pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]})
    # "about" last; a caller's own sheet of that name would get the suffix " (2)".
    return _workbook([*sheets.items(), ("about", about_frame)])


def ensure_browser_path() -> str | None:
    """Point kaleido at Debian's Chromium (``BROWSER_PATH``) unless the caller chose another."""
    if "BROWSER_PATH" not in os.environ and Path(CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = CHROMIUM
    return os.environ.get("BROWSER_PATH")


RENDER_SECONDS = 120.0
"""Longest wait, in seconds, for Chromium to start or to render one chart before an export
gives up with an error."""


class _ChartRenderer:
    """kaleido's Chromium, opened once per process and kept, driven from an event loop of its
    own thread.

    A fresh kaleido per image costs a browser start (about 4-5 s on the 2-core machine); the
    kept one renders a chart in a fraction of that. kaleido's own sync server would do the
    same, but when its browser fails to start its thread dies unreported and every later
    call waits forever (a PNG download that never ends): here the opening and every chart are
    awaited with a deadline, and a failure is raised. ``mathjax=False``: kaleido would
    otherwise load MathJax from a CDN for every page, a request off the machine; no chart here
    uses LaTeX. Plotly's own bundled plotly.js is used (kaleido's default when plotly is
    installed), so nothing is fetched.
    """

    def __init__(self) -> None:
        import kaleido

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido",
                                       daemon=True)
        self.thread.start()
        try:
            self.kaleido = kaleido.Kaleido(n=1, timeout=RENDER_SECONDS, mathjax=False)
            self._await(self.kaleido.open())
        except BaseException:
            self.close()
            raise

    def _await(self, coroutine: Any) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout=RENDER_SECONDS)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"Chromium gave no answer in {RENDER_SECONDS:.0f} s") from None

    def render(self, fig: dict[str, Any], opts: dict[str, Any]) -> bytes:
        """``fig`` (plotly JSON) as image bytes, ``opts`` as kaleido takes them."""
        return self._await(self.kaleido.calc_fig(fig, opts=opts))

    def close(self) -> None:
        """Close the browser (if it opened) and stop the thread; never raises."""
        kept = getattr(self, "kaleido", None)
        if kept is not None and self.thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(kept.close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)


_renderer_lock = threading.Lock()
_renderer: _ChartRenderer | None = None


def _render(fig: dict[str, Any], opts: dict[str, Any]) -> bytes:
    """Render with this process's kept Chromium, opening it on first use; a renderer that
    failed is closed, so the next export starts a new one."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = _ChartRenderer()
            atexit.register(_renderer.close)
        renderer = _renderer
    try:
        return renderer.render(fig, opts)
    except BaseException:
        with _renderer_lock:
            if _renderer is renderer:
                _renderer = None
        renderer.close()
        raise


STAMP_HEIGHT = 26
"""Pixels added under a chart's bottom margin for the source line / model stamp."""
AXIS_ROOM = 90
"""Pixels kept under a chart with axes for its tick labels and axis title (presenter size)."""
NO_AXES: frozenset[str] = frozenset({
    "choropleth", "choroplethmap", "choroplethmapbox", "scattergeo", "scattermap",
    "scattermapbox", "sankey", "pie", "sunburst", "treemap", "icicle", "funnelarea", "table",
    "indicator"})
"""Trace types drawn without x/y axes (maps, Sankey...): no room for tick labels needed."""


def stamped_json(fig: Any, *, source: str | None = None) -> dict[str, Any]:
    """``fig`` as plotly JSON with its ``source`` line (dataset, documents, model version), when
    given, in a strip added below the chart's bottom margin so it never sits on the axis
    labels. Works on the JSON dict (no second validation of every property, about 25 ms a
    chart); ``fig`` is not changed.
    When ``source`` already names the model version (:func:`source_line`) it is written once,
    bottom left; otherwise "model <version>" goes bottom right."""
    raw = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else dict(fig)
    layout = dict(raw.get("layout") or {})
    margin = dict(layout.get("margin") or {})
    bottom = margin.get("b")
    bottom = 80 if bottom is None else bottom  # plotly's default bottom margin
    # Charts with axes grow their bottom margin for tick labels and the axis title
    # (automargin), past what the layout says: keep room for both, so the stamp sits below.
    if any(trace.get("type", "scatter") not in NO_AXES for trace in raw.get("data") or ()):
        bottom = max(bottom, AXIS_ROOM)
    margin["b"] = bottom + STAMP_HEIGHT
    layout["margin"] = margin
    grey = {"size": 12, "color": "#555555"}
    common = {"xref": "paper", "yref": "paper", "y": 0.0, "yanchor": "top",
              "yshift": -bottom - 4, "showarrow": False, "font": grey}
    notes = list(layout.get("annotations") or ())
    if source:
        notes.append({**common, "text": html.escape(source), "x": 0.0, "xanchor": "left"})
    if not source or MODEL_VERSION not in source:
        notes.append({**common, "text": f"model {MODEL_VERSION}", "x": 1.0, "xanchor": "right"})
    layout["annotations"] = notes
    raw["layout"] = layout
    return raw


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
    raw = stamped_json(fig, source=source) if stamp else fig.to_plotly_json()
    h = height or (raw.get("layout") or {}).get("height") or 700
    if stamp:  # the stamp's strip is added to the chart, not taken from it
        h += STAMP_HEIGHT
    try:
        return _render(raw, {"format": fmt, "width": width, "height": h, "scale": scale})
    except Exception as err:  # kaleido raises many types; callers need one with a reason
        raise RuntimeError(f"could not render the chart as {fmt.upper()}: {err}") from err


# --------------------------------------------------------------------------- sources, citations

DOCUMENTS: tuple[str, ...] = ("000", "001", "002", "003", "004")
"""The five source documents (``/work/shared/seeds/``); titles in the catalogue,
``doc.<code>.title`` (full) and ``doc.<code>.short`` (for a chart's source line)."""

# A document code standing alone ("000", not "2000" or "000.5"), then any "section(s) 3.1.2",
# "abstract" and "and 4.2.2" that follow it, e.g. "000 abstract and 3.1.2", "000, 3.2.1".
_DOC_REF = re.compile(
    # not the thousands of a number ("18,000 yuan")
    r"(?<![\w.,])(?P<doc>00[0-4])(?![\w.])"
    r"(?P<rest>(?:,?\s*(?:sections?\s+|and\s+|§\s*)?(?:abstract|(?!00[0-4](?![\w.]))\d+(?:\.\d+)*(?![\w])))*)"
)
_SECTION = re.compile(r"abstract|\d+(?:\.\d+)*")


def document_title(code: str, lang: str, *, short: bool = False) -> str:
    """The title of source document ``code`` ("000") in ``lang``; ``short``: the brief form a
    chart's source line uses. An unknown code is returned as it is."""
    key = f"doc.{code}.{'short' if short else 'title'}"
    return t(key, lang) if has(key) else str(code)


def cite(code: str, lang: str, sections: Sequence[str] = (), *, short: bool = False) -> str:
    """Document ``code`` by title, with its sections: "Li, Wang and Xu, hemophilia policy
    analysis, §3.1.2 and §4.2.2" (in Chinese the catalogue's section and list forms);
    "abstract" is translated."""
    parts = [t("doc.abstract", lang) if s == "abstract" else t("doc.section", lang, section=s)
             for s in sections]
    title = document_title(code, lang, short=short)
    if not parts:
        return title
    sep = "，" if lang == "zh" else ", "
    joined = parts[0] if len(parts) == 1 else (
        t("doc.list_sep", lang).join(parts[:-1]) + t("doc.and", lang) + parts[-1])
    return title + sep + joined


def titled_references(text: str, lang: str, *, short: bool = True) -> str:
    """``text`` with each raw document reference ("000 abstract and 3.1.2", "002 section 3")
    replaced by the document's title and its sections (:func:`cite`), so no reader sees a code."""

    def replace(match: re.Match) -> str:
        sections = _SECTION.findall(match.group("rest") or "")
        tail = " " if (match.group("rest") or "").endswith(" ") else ""
        return cite(match.group("doc"), lang, sections, short=short) + tail

    return _DOC_REF.sub(replace, str(text))


def source_line(lang: str, *, dataset: str | None = None,
                documents: Sequence[str | tuple[str, Sequence[str]]] = ()) -> str:
    """A chart's source line: "Data: <dataset> · Sources: <documents by short title> · Model
    <version>" in ``lang``. ``documents``: codes ("000") or (code, sections) pairs."""
    parts: list[str] = []
    if dataset:
        parts.append(t("export.source.data", lang, dataset=dataset))
    if documents:
        # one mention per document, its sections gathered in order ("abstract, §3.1.2, §4.1.2")
        sections: dict[str, list[str]] = {}
        for d in documents:
            code, given = (d, ()) if isinstance(d, str) else (d[0], d[1])
            listed = sections.setdefault(code, [])
            listed.extend(p for p in given if p not in listed)
        cited = [cite(code, lang, listed, short=True) for code, listed in sections.items()]
        parts.append(t("export.source.documents", lang,
                       documents=t("export.source.list_sep", lang).join(cited)))
    parts.append(t("export.source.model", lang, version=MODEL_VERSION))
    return t("export.source.sep", lang).join(parts)


# --------------------------------------------------------------------------- scenario tables

SCENARIO_TABLES: tuple[str, ...] = ("regions", "groups", "measures", "fund", "about")
"""The tables :func:`scenario_tables` returns, in sheet order."""

# Region columns exported, and how each is shown: "yuan" rounded to whole yuan (integers),
# "pct" a 0-1 fraction as percent, "points" a 0-1 change as percentage points, "count" whole
# persons, "expected" an expected number of patients (two decimals), "text" as it is.
REGION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("region_id", "text"), ("region_name", "text"), ("area_type", "group"),
    ("patients", "count"), ("recipient", "yesno"), ("allocation", "yuan"),
    ("breadth_money", "yuan"), ("depth_money", "yuan"), ("newly_covered", "expected"),
    ("charity_coverage_before", "pct"), ("charity_coverage_after", "pct"),
    ("change", "points"), ("subsidy_per_patient_before", "yuan"),
    ("subsidy_per_patient_after", "yuan"), ("oop_share_before", "pct"),
    ("oop_share_after", "pct"), ("oop_per_patient_before", "yuan"),
    ("oop_per_patient_after", "yuan"), ("oop_yuan_saved", "yuan"),
    ("donor_contribution", "yuan"), ("levy", "yuan"), ("mutual_aid", "yuan"),
    ("charity_pooled_out", "yuan"), ("patients_losing_cover", "expected"), ("status", "status"),
)


def _whole(values: Any) -> pd.Series:
    """Whole numbers (yuan, persons) as a nullable integer column: 120, not 120.0."""
    series = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
    finite = series.where(np.isfinite(series))
    return finite.round().astype("Int64")


def _shown(series: pd.Series, kind: str, lang: str) -> pd.Series:
    if kind in ("yuan", "count"):
        return _whole(series)
    if kind == "pct":
        return (series.astype(float) * 100.0).round(2)
    if kind == "points":
        return (series.astype(float) * 100.0).round(2)
    if kind == "expected":
        return series.astype(float).round(2)
    if kind == "yesno":
        return series.map(lambda v: t("export.yes" if bool(v) else "export.no", lang))
    if kind == "group":
        return series.map(lambda v: _group_label(str(v), lang))
    if kind == "status":
        return series.astype(str).map(
            lambda v: t(f"export.status.{v}", lang) if has(f"export.status.{v}") else v)
    return series.astype(object)


def _group_label(value: str, lang: str) -> str:
    key = f"group.{value}"
    return t(key, lang) if has(key) else str(value)


def scenario_tables(result: Any, lang: str, *, dataset: str | None = None
                    ) -> dict[str, pd.DataFrame]:
    """The current scenario's results as plain tables for CSV / XLSX, headers in ``lang`` with
    their units ("allocation (yuan/year)"): ``regions`` (one row per region), ``groups``
    (the two compared groups and their gap), ``measures`` (HEAT measures before/after),
    ``fund`` (fund accounting), ``about`` (model version, dataset, scenario).

    ``result``: an :class:`equity.fund.SimulationResult`. Money is rounded to whole yuan and
    persons to whole patients, held as integers; shares are percent (two decimals), changes
    percentage points. Pure: no files, no Streamlit.
    """
    frame = result.regions
    regions = pd.DataFrame({
        t(f"export.col.{column}", lang): _shown(frame[column], kind, lang).reset_index(drop=True)
        for column, kind in REGION_COLUMNS if column in frame.columns
    })

    gap = result.gap
    indicator = t(f"ind.{gap.indicator}", lang) if has(f"ind.{gap.indicator}") else gap.indicator
    groups = pd.DataFrame({
        t("export.col.group", lang): [_group_label(gap.group_a, lang),
                                      _group_label(gap.group_b, lang),
                                      t("export.row.gap", lang)],
        t("export.col.indicator", lang): [indicator] * 3,
        t("export.col.before_pct", lang): [round(v * 100.0, 2) for v in
                                           (gap.a_before, gap.b_before, gap.before)],
        t("export.col.after_pct", lang): [round(v * 100.0, 2) for v in
                                          (gap.a_after, gap.b_after, gap.after)],
        t("export.col.change_points", lang): [round((a - b) * 100.0, 2) for a, b in
                                              ((gap.a_after, gap.a_before),
                                               (gap.b_after, gap.b_before),
                                               (gap.after, gap.before))],
    })

    from equity.measures import MEASURES

    rows = []
    for ind, values in result.measures["after"].items():
        before = result.measures["before"].get(ind, {})
        label = t(f"ind.{ind}", lang) if has(f"ind.{ind}") else ind
        for abbr, after in values.items():
            info = MEASURES.get(abbr)
            name = (info.name_zh if lang == "zh" else info.name_en) if info else abbr
            units = info.units if info else ""
            unit_key = f"export.units.{units}"
            b = before.get(abbr, float("nan"))
            rows.append({
                t("export.col.indicator", lang): label,
                t("export.col.measure", lang): abbr,
                t("export.col.measure_name", lang): name,
                t("export.col.measure_units", lang): t(unit_key, lang) if has(unit_key) else units,
                t("export.col.before", lang): b,
                t("export.col.after", lang): after,
                t("export.col.measure_change", lang): after - b,
            })
    measures = pd.DataFrame(rows)

    f = result.fund
    items = [(t(f"export.fund.{k}", lang), getattr(f, k)) for k in
             ("gross", "overhead", "net", "allocated", "unspent", "unclaimed", "spent_breadth",
              "spent_depth")]
    for source, amount in f.sources.items():
        name_key = f"tf.flow.{source}"
        name = t(name_key, lang) if has(name_key) else source
        items.append((t("export.fund.source", lang, source=name), amount))
    fund = pd.DataFrame({t("export.col.item", lang): [k for k, _ in items],
                         t("export.col.amount", lang): _whole([v for _, v in items])})

    from equity.scenario import scenario_to_json

    about_rows = [
        ("model_version", MODEL_VERSION),
        ("dataset", dataset or ""),
        ("indicator", indicator),
        ("groups", f"{_group_label(gap.group_a, lang)} / {_group_label(gap.group_b, lang)}"),
        ("language", lang),
        ("scenario", scenario_to_json(result.scenario)),
    ]
    about = pd.DataFrame({t("export.col.key", lang): [t(f"export.about.{k}", lang)
                                                      for k, _ in about_rows],
                          t("export.col.value", lang): [str(v) for _, v in about_rows]})
    return {"regions": regions, "groups": groups, "measures": measures, "fund": fund,
            "about": about}


def scenario_workbook(result: Any, lang: str, *, dataset: str | None = None) -> bytes:
    """:func:`scenario_tables` as one XLSX workbook, one sheet per table, sheet names in
    ``lang``; the ``about`` sheet (model version, dataset, scenario) is the last one."""
    tables = scenario_tables(result, lang, dataset=dataset)
    sheets = {t(f"export.sheet.{name}", lang): tables[name] for name in SCENARIO_TABLES}
    return _workbook(sheets)


def _workbook(sheets: Mapping[str, pd.DataFrame] | Sequence[tuple[str, pd.DataFrame]]
              ) -> bytes:
    """Sheets as they are, in order (no extra ``about`` sheet; the caller adds it if wanted).
    Text cells are neutralised and whole numbers written as integers."""
    buffer = io.BytesIO()
    used: set[str] = set()
    items = sheets.items() if isinstance(sheets, Mapping) else sheets
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in items:
            safe_frame(whole_numbers(frame)).to_excel(
                writer, sheet_name=_sheet_name(name, used), index=False)
    return buffer.getvalue()


# --------------------------------------------------------------------------- a chart's data

_TRACE_FIELDS: tuple[str, ...] = (
    "x", "y", "z", "locations", "labels", "values", "parents", "text", "base", "lat", "lon",
)


def _plain_values(values: Any) -> list:
    if values is None:
        return []
    array = np.asarray(values, dtype=object)
    return list(array.ravel()) if array.ndim else [array.item()]


def figure_frame(fig: Any) -> pd.DataFrame:
    """The numbers a plotly figure draws, as one long table: a row per point, with the trace's
    name and each of its data fields (x, y, z, locations, labels, values, text, base...); a
    Sankey's links as source / target / value by node label. For a chart's CSV download when
    the page has no better table. Fields a trace lacks are left empty."""
    frames: list[pd.DataFrame] = []
    for i, trace in enumerate(getattr(fig, "data", ())):
        name = getattr(trace, "name", None) or f"{trace.type} {i + 1}"
        if trace.type == "sankey":
            labels = list(trace.node.label or ())
            link = trace.link

            def label(j: Any, labels: list = labels) -> Any:
                return labels[int(j)] if labels and 0 <= int(j) < len(labels) else j

            frames.append(pd.DataFrame({
                "trace": name,
                "source": [label(j) for j in _plain_values(link.source)],
                "target": [label(j) for j in _plain_values(link.target)],
                "value": _plain_values(link.value),
            }))
            continue
        columns: dict[str, list] = {}
        for field in _TRACE_FIELDS:
            if field not in trace:
                continue
            values = _plain_values(trace[field])
            if len(values) > 1 or (values and field not in ("text", "base")):
                columns[field] = values
        if not columns:
            continue
        n = max(len(v) for v in columns.values())
        columns = {k: v if len(v) == n else (v * n if len(v) == 1 else v + [None] * (n - len(v)))
                   for k, v in columns.items()}
        frames.append(pd.DataFrame({"trace": [name] * n, **columns}))
    if not frames:
        return pd.DataFrame({"trace": []})
    out = pd.concat(frames, ignore_index=True, sort=False)
    for column in out.columns:
        converted = pd.to_numeric(out[column], errors="coerce")
        if converted.notna().sum() == out[column].notna().sum():
            out[column] = converted
    return out


def reference_text(reference: Mapping[str, Any], lang: str, *, note_key: str | None = None,
                   short: bool = True) -> str:
    """A parameter's source (``{"document", "section", "note"}`` as in
    ``equity/parameters/scenario.yaml``) in ``lang``: the document by title with its sections,
    then the note (``note_key`` in the catalogue when it has one, else the note as written);
    "model choice" and "design.md" are named in ``lang`` too. ``short``: the document's short
    title (a table column); otherwise its full title."""
    document = str(reference.get("document", ""))
    if document in DOCUMENTS:
        text = cite(document, lang, _SECTION.findall(str(reference.get("section", ""))),
                    short=short)
    elif document == "model choice":
        text = t("doc.model_choice", lang)
    elif document == "design.md":
        text = t("doc.design", lang)
    else:
        text = document
    note = reference.get("note")
    if note_key and has(note_key):
        note = t(note_key, lang)
    if note:
        text += f"（{note}）" if lang == "zh" else f" ({note})"
    return text


def unit_key(unit: str) -> str:
    """The catalogue key of a data dictionary's unit ("fraction (0-1)" ->
    ``dict.unit.fraction_0_1``): lower case, every run of other characters one underscore."""
    return "dict.unit." + re.sub(r"[^0-9a-z]+", "_", str(unit).lower()).strip("_")


def dictionary_in(dictionary: pd.DataFrame, dataset: str, lang: str) -> pd.DataFrame:
    """A dataset's data dictionary in ``lang``, for the Data page's table and the XLSX
    ``dictionary`` sheet. ``dictionary`` is not changed.

    - ``detail``: the catalogue's ``dict.<dataset>.<column>`` when it has the row (documents
      named by short title), else the file's own text with raw document references
      ("000 abstract and 3.1.2") by title;
    - ``unit``: ``dict.unit.<unit>`` (:func:`unit_key`) when the catalogue knows the unit;
    - ``provenance``: ``data.prov.<value>`` (source / derived / illustrative).

    Column and file names stay as in the data (they are what a reader finds in the file)."""
    out = dictionary.copy()
    if "unit" in out.columns:
        out["unit"] = [t(unit_key(u), lang) if isinstance(u, str) and has(unit_key(u)) else u
                       for u in out["unit"]]
    if "provenance" in out.columns:
        out["provenance"] = [t(f"data.prov.{v}", lang) if has(f"data.prov.{v}") else v
                             for v in out["provenance"]]
    if "detail" not in out.columns or "column" not in out.columns:
        return out
    titles = {f"doc{code}": document_title(code, lang, short=True) for code in DOCUMENTS}

    def detail(column: Any, text: Any) -> Any:
        key = f"dict.{dataset}.{column}"
        if has(key):
            return t(key, lang, **titles)
        return titled_references(text, lang) if isinstance(text, str) else text

    out["detail"] = [detail(c, d) for c, d in zip(out["column"], out["detail"], strict=True)]
    return out


def dictionary_sheet(dictionary: pd.DataFrame, dataset: str, lang: str) -> pd.DataFrame:
    """The ``dictionary`` sheet of a dataset's XLSX download in ``lang``: :func:`dictionary_in`
    with the headers in words (``data.col.<name>``: column, unit, provenance, detail, file)."""
    sheet = dictionary_in(dictionary, dataset, lang)
    return sheet.rename(columns={c: t(f"data.col.{c}", lang) for c in sheet.columns
                                 if has(f"data.col.{c}")})
