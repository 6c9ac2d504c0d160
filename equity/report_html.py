"""One scenario, or several side by side, as a single self-contained HTML file.

The file opens offline and asks no host for anything: styles are inline, the charts are
plotly figures with plotly.js inlined once (interactive), and no element carries a ``src``
or ``href`` pointing elsewhere. Text is in one language (``lang``), from the catalogue
(``report.yaml``); every value from users (scenario names, data titles, notes) is escaped.

Contents: headline per scenario, parameters (differences marked when several), results
(gross fund, gap before/after, points closed, cost per point), charts, HEAT measures, the
data's provenance and the documents cited.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from equity import MODEL_VERSION
from equity.i18n import t

DOCUMENTS = ("000", "001", "002", "003", "004")
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
_STYLE = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Noto Sans",Arial,sans-serif;margin:2rem auto;
max-width:1200px;color:#222;padding:0 1rem;line-height:1.5}
h1{font-size:1.8rem}h2{font-size:1.35rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f4f4f4}tr.diff td,tr.diff th{background:#FFF3CD}
.headline{font-size:1.2rem;font-weight:600}.meta,.note{color:#555;font-size:.9rem}
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def frame_html(frame: pd.DataFrame, *, diff: Sequence[bool] | None = None,
               index: bool = True) -> str:
    """A table with every cell escaped; rows where ``diff`` is True get class ``diff``."""
    head = ([""] if index else []) + [str(c) for c in frame.columns]
    out = ["<table><thead><tr>", *(f"<th>{_esc(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for i, (label, row) in enumerate(frame.iterrows()):
        marked = diff is not None and bool(diff[i])
        out.append('<tr class="diff">' if marked else "<tr>")
        if index:
            out.append(f"<th>{_esc(label)}</th>")
        out.extend(f"<td>{_esc(_cell(v))}</td>" for v in row)
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "–" if value != value else f"{value:.4g}"
    return str(value)


def figures_html(figures: Sequence[go.Figure]) -> str:
    """The figures as HTML; plotly.js is inlined with the first one (no request to a host)."""
    parts = []
    for i, fig in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0),
                                 config=_PLOTLY_CONFIG, default_width="100%"))
    return "".join(parts)


def cited_documents(texts: Sequence[str], lang: str) -> list[str]:
    """Titles of the source documents (000-004) named in ``texts``, in number order."""
    found = {m for text in texts for m in re.findall(r"\b(00[0-4])\b", text)}
    return [t(f"report.doc.{d}", lang) for d in DOCUMENTS if d in found]


def build_report(*, entries: Mapping[str, Any], lang: str, dataset_title: str,
                 provenance: Sequence[str] = (), figures: Sequence[go.Figure] = (),
                 extra_sections: Sequence[tuple[str, str]] = ()) -> str:
    """The report as one HTML document.

    ``entries``: scenario name -> ``equity.fund.SimulationResult`` (one for a scenario report,
    up to four for a comparison); ``figures``: charts to include (built by the caller in
    ``lang``); ``extra_sections``: (heading, plain text) pairs, e.g. sustainability."""
    from equity.charts.fund import build_headline, build_measures_table
    from equity.comparison import parameter_table, results_table
    from equity.measures import MEASURES
    from equity.scenario import PARAMETERS

    several = len(entries) > 1
    title = t("report.title_compare" if several else "report.title", lang)
    meta = t("report.meta", lang, dataset=dataset_title, version=MODEL_VERSION)
    body = [f"<h1>{_esc(title)}</h1>", f'<p class="meta">{_esc(meta)}</p>']
    body.append(f"<h2>{_esc(t('report.headline', lang))}</h2>")
    for name, result in entries.items():
        prefix = f"{name}: " if several else ""
        sentence = prefix + build_headline(result=result, lang=lang)
        body.append(f'<p class="headline">{_esc(sentence)}</p>')
    body.append(f"<h2>{_esc(t('report.results', lang))}</h2>")
    body.append(frame_html(results_table(entries, lang)))
    body.append(f"<h2>{_esc(t('report.parameters', lang))}</h2>")
    params = parameter_table({n: r.scenario for n, r in entries.items()}, lang)
    if several:
        body.append(f'<p class="note">{_esc(t("report.diff_note", lang))}</p>')
    body.append(frame_html(params.drop(columns=["differs"]),
                           diff=params["differs"].tolist() if several else None))
    if figures:
        body.append(f"<h2>{_esc(t('report.charts', lang))}</h2>")
        body.append(figures_html(figures))
    body.append(f"<h2>{_esc(t('report.measures', lang))}</h2>")
    for name, result in entries.items():
        indicator = result.gap.indicator if result.gap.indicator in (
            "charity_coverage", "oop_share") else "charity_coverage"
        table = build_measures_table(measures=result.measures, indicator=indicator,
                                     info=MEASURES, lang=lang)
        if several:
            body.append(f"<h3>{_esc(name)}</h3>")
        body.append(frame_html(table, index=False))
    for heading, text in extra_sections:
        body.append(f"<h2>{_esc(heading)}</h2><p>{_esc(text)}</p>")
    body.append(f"<h2>{_esc(t('report.provenance', lang))}</h2><ul>")
    body.append(f"<li>{_esc(dataset_title)}</li>")
    body.extend(f"<li>{_esc(line)}</li>" for line in provenance)
    body.append("</ul>")
    sources = [p.source for p in PARAMETERS] + list(provenance)
    body.append(f"<h2>{_esc(t('report.documents', lang))}</h2><ol>")
    body.extend(f"<li>{_esc(doc)}</li>" for doc in cited_documents(sources, lang))
    body.append("</ol>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f"<title>{_esc(title)}</title><style>{_STYLE}</style></head><body>"
            + "".join(body) + "</body></html>")
