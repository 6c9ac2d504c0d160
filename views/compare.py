"""Compare scenarios: save the current transfer-fund scenario under a name, upload or download
scenario files, and see up to four side by side (parameters with differences highlighted,
headline, gap, cost per point, the groups' coverage and measures on shared axes); a link
reopens the comparison and an HTML report carries it offline. Wiring only.

Saved scenarios live in ``st.session_state["cmp_saved"]`` (name -> scenario JSON); the link's
``cmp=`` holds the compared ones (name -> non-default values), compressed.
"""

from __future__ import annotations

import base64
import json
import zlib
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import exports
from dashboard.models import simulate_cached
from dashboard.render import escape_md
from dashboard.scenario_ui import current_scenario
from dashboard.state import dataset_notes, get_data, get_dataset_title, get_lang, is_presenter
from equity.charts.compare import build_coverage_compare_figure, build_gap_compare_figure
from equity.charts.fund import build_headline
from equity.comparison import MAX_COMPARED, parameter_table, results_table
from equity.i18n import t
from equity.measures import MEASURES
from equity.report_html import build_report
from equity.scenario import (
    ScenarioError,
    scenario_from_flat,
    scenario_from_json,
    scenario_to_flat,
    scenario_to_json,
)

SAVED = "cmp_saved"
# The compared names, kept apart from the multiselect's own key: Streamlit drops a widget's
# state when its page is left, and the choice must survive a visit to the Transfer fund page.
CHOSEN = "cmp_chosen"


def encode_link(scenarios: dict[str, str]) -> str:
    """``cmp=`` value: the scenarios' non-default values, JSON, zlib, URL-safe base64."""
    flat = {name: scenario_to_flat(scenario_from_json(text)) for name, text in scenarios.items()}
    raw = json.dumps(flat, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii")


def decode_link(code: str, lang: str = "en") -> tuple[dict[str, str], list[str]]:
    """Scenarios (name -> JSON) from a ``cmp=`` value, and problems (in ``lang``) with any
    that failed."""
    try:
        data = json.loads(zlib.decompress(base64.urlsafe_b64decode(code.encode("ascii"))))
    except (ValueError, zlib.error):
        return {}, [t("cmp.link_unreadable", lang)]
    if not isinstance(data, dict):
        return {}, [t("cmp.link_unreadable", lang)]
    out, problems = {}, []
    for name, flat in list(data.items())[:MAX_COMPARED]:
        if not isinstance(flat, dict):
            problems.append(t("cmp.link_unreadable", lang))
            continue
        scenario, issues = scenario_from_flat({str(k): str(v) for k, v in flat.items()})
        problems += [f"{name}: {p.text(lang)}" for p in issues]
        out[str(name)] = scenario_to_json(scenario)
    return out, problems


def _saved() -> dict[str, str]:
    return st.session_state.setdefault(SAVED, {})


def _from_link(lang: str) -> None:
    code = st.query_params.get("cmp")
    if not code or st.session_state.get("cmp_link_read") == code:
        return
    st.session_state["cmp_link_read"] = code
    scenarios, problems = decode_link(code, lang)
    _saved().update(scenarios)
    st.session_state[CHOSEN] = list(scenarios)
    for line in problems:
        st.warning(escape_md(t("cmp.link_problem", lang, problem=line)))


def _save_current(lang: str) -> None:
    name = " ".join(str(st.session_state.get("cmp_name", "")).split())
    if not name:
        st.session_state["cmp_message"] = ("error", t("cmp.name_missing", lang))
        return
    scenario, _ = current_scenario()
    _saved()[name] = scenario_to_json(scenario)
    pick = [n for n in st.session_state.get(CHOSEN, []) if n != name]
    st.session_state[CHOSEN] = [*pick, name][-MAX_COMPARED:]
    st.session_state["cmp_message"] = ("ok", t("cmp.saved", lang, name=name))


def _upload(lang: str) -> None:
    problems = []
    for upload in st.session_state.get("cmp_upload") or []:
        name = upload.name.removesuffix(".json")
        try:
            _saved()[name] = scenario_to_json(scenario_from_json(upload.getvalue()))
        except ScenarioError as err:
            problems += [f"{upload.name}: {line}" for line in err.lines(lang)]
    st.session_state["cmp_message"] = ("error", "\n".join(problems)) if problems else \
        ("ok", t("cmp.uploaded", lang))


def _picked() -> None:
    st.session_state[CHOSEN] = list(st.session_state.get("cmp_pick", []))


def store(lang: str) -> None:
    c1, c2 = st.columns([2, 3])
    with c1:
        st.text_input(t("cmp.name", lang), key="cmp_name",
                      value=t("cmp.default_name", lang, n=len(_saved()) + 1))
        st.button(t("cmp.save", lang), on_click=_save_current, args=(lang,),
                  icon=":material/bookmark_add:", key="cmp_save")
    with c2:
        st.file_uploader(t("cmp.upload", lang), type=["json"], accept_multiple_files=True,
                         key="cmp_upload", on_change=_upload, args=(lang,))
    kind, text = st.session_state.pop("cmp_message", (None, ""))
    if kind == "ok":
        st.success(escape_md(text), icon=":material/check_circle:")
    elif kind == "error":
        st.error(escape_md(text), icon=":material/error:")


def side_by_side(names: list[str], lang: str, presenter: bool) -> None:
    data = get_data()
    saved = _saved()
    results = {n: simulate_cached(data, scenario_from_json(saved[n])) for n in names}
    for name, result in results.items():
        st.markdown(f"**{escape_md(name)}**: {escape_md(build_headline(result=result, lang=lang))}")
    st.subheader(t("cmp.results", lang))
    st.dataframe(results_table(results, lang), placeholder=t("app.empty_cell", lang))
    st.subheader(t("cmp.parameters", lang))
    params = parameter_table({n: r.scenario for n, r in results.items()}, lang)
    only_diff = st.toggle(t("cmp.only_diff", lang), key="cmp_only_diff")
    shown = params[params["differs"]] if only_diff else params
    st.dataframe(shown.drop(columns=["differs"]).style.apply(
        lambda row: ["background-color: #FFF3CD" if shown.loc[row.name, "differs"] else ""
                     for _ in row], axis=1), placeholder=t("app.empty_cell", lang))
    st.caption(t("cmp.diff_note", lang))
    entries = list(results.items())
    gap_fig = build_gap_compare_figure(entries=entries, lang=lang, presenter=presenter)
    cover_fig = build_coverage_compare_figure(entries=entries, lang=lang, presenter=presenter)
    exports.chart(gap_fig, name="compare_gap", key="cmp_gap_chart", lang=lang,
                  documents=exports.FUND_DOCUMENTS)
    exports.chart(cover_fig, name="compare_coverage", key="cmp_cover_chart", lang=lang,
                  documents=exports.FUND_DOCUMENTS)
    st.subheader(t("cmp.measures", lang))
    rows = {abbr: {n: r.measures["after"]["charity_coverage"].get(abbr) for n, r in entries}
            for abbr in MEASURES}
    before = {abbr: next(iter(results.values())).measures["before"]["charity_coverage"].get(abbr)
              for abbr in MEASURES}
    table = pd.DataFrame(rows).T
    table.insert(0, t("cmp.before_all", lang), pd.Series(before))
    st.dataframe(table.dropna(how="all"), column_config={c: st.column_config.NumberColumn(
        format="%.3f") for c in table.columns}, placeholder=t("app.empty_cell", lang))
    share(names, lang)
    notes = list(dataset_notes(data, lang)) if data is not None else []
    report = build_report(entries=results, lang=lang, dataset_title=get_dataset_title(),
                          provenance=notes, figures=[gap_fig, cover_fig])
    st.download_button(t("report.download", lang), report, file_name="comparison_report.html",
                       mime="text/html", icon=":material/description:", key="cmp_report")


def share(names: list[str], lang: str) -> None:
    code = encode_link({n: _saved()[n] for n in names})
    st.query_params["cmp"] = code
    st.session_state["cmp_link_read"] = code
    shared = {"lang": lang}
    for key in ("dataset", "compare_col", "compare_a", "compare_b"):
        value = st.session_state.get(key)
        if isinstance(value, str) and value != "upload":
            shared[key] = value
    st.caption(t("cmp.link", lang))
    st.code(f"{st.context.url or ''}?{urlencode({**shared, 'cmp': code})}", language=None,
            wrap_lines=True)


def main() -> None:
    lang = get_lang()
    presenter = is_presenter()
    st.title(t("cmp.title", lang))
    st.caption(t("cmp.intro", lang))
    if get_data() is None:
        st.warning(t("cmp.no_data", lang))
        return
    _from_link(lang)
    store(lang)
    saved = _saved()
    if not saved:
        st.info(t("cmp.empty", lang), icon=":material/info:")
        return
    chosen = [n for n in st.session_state.get(CHOSEN, []) if n in saved][:MAX_COMPARED]
    st.session_state[CHOSEN] = chosen
    st.session_state["cmp_pick"] = chosen
    names = st.multiselect(t("cmp.pick", lang), list(saved), max_selections=MAX_COMPARED,
                           key="cmp_pick", on_change=_picked)
    with st.expander(t("cmp.files", lang), icon=":material/download:"):
        for name in saved:
            st.download_button(t("cmp.download_one", lang, name=name), saved[name],
                               file_name=f"{name}.json", mime="application/json",
                               key=f"cmp_dl_{name}")
    if not names:
        st.query_params.pop("cmp", None)
        return
    side_by_side(names, lang, presenter)


if __name__ == "__main__":
    main()
