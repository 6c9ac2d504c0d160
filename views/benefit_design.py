"""Benefit design: the payer cascade (equity.benefit) with the documents' presets, editable
layers, one patient's waterfall, out-of-pocket against cost for two schemes, and catastrophic
spending by region before and after the current transfer fund. Wiring only.

The scheme travels in the URL: ``?scheme=<preset>``, and an edited scheme as ``cascade=`` (its
JSON, compressed) when short enough; otherwise the page offers it as a cascade file.
"""

from __future__ import annotations

import base64
import zlib

import pandas as pd
import streamlit as st

from dashboard import exports
from dashboard.links import choice
from dashboard.models import simulate_cached
from dashboard.render import escape_md
from dashboard.scenario_ui import current_scenario
from dashboard.state import get_data, get_lang, is_presenter
from equity.cascade import (
    LAYER_FIELDS,
    PRESETS,
    Cascade,
    CascadeError,
    benefit,
    cascade_from_frame,
    cascade_from_json,
    cascade_to_frame,
    cascade_to_json,
    get_preset,
)
from equity.charts import fund as fund_charts
from equity.charts.benefit import build_oop_curve_figure, build_waterfall_figure
from equity.i18n import fmt_money, fmt_pct, has, t
from equity.report import DOCUMENTS, document_title

URL_LIMIT = 1800  # characters of an encoded cascade kept in the URL; longer ones go to a file
PAYERS = ("basic_insurance", "critical_illness", "special_fund", "medical_assistance",
          "city_supplementary", "manufacturer", "charity")


def encode(cascade: Cascade) -> str:
    raw = cascade_to_json(cascade, indent=None).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii")


def decode(code: str) -> Cascade:
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(code.encode("ascii")))
    except (ValueError, zlib.error):
        raise CascadeError(["cascade: the link's scheme is not readable"]) from None
    return cascade_from_json(raw)


def _label(name: str, lang: str) -> str:
    return getattr(PRESETS[name].label, lang)


def _pick_scheme(lang: str) -> Cascade:
    """The preset picker (kept in ``?scheme=``) and the base cascade the editor starts from."""
    names = list(PRESETS)
    if "ben_scheme" not in st.session_state:
        raw = st.query_params.get("scheme")
        st.session_state["ben_scheme"] = raw if raw in names else names[0]
        code = st.query_params.get("cascade")
        if code:
            try:
                st.session_state["ben_base"] = cascade_to_json(decode(code))
            except CascadeError as err:
                st.warning(t("ben.url_bad", lang, problems="; ".join(err.lines(lang))))
    name = choice(st.selectbox, t("ben.preset", lang), names,
                  format_func=lambda n: _label(n, lang), key="ben_scheme",
                  on_change=_preset_changed)
    if name == names[0]:
        st.query_params.pop("scheme", None)
    else:
        st.query_params["scheme"] = name
    base = st.session_state.get("ben_base")
    return cascade_from_json(base) if base else get_preset(name)


# Each document placeholder set to its bare code: the catalogue's English as the file has it.
DOCUMENT_CODES = {f"doc{code}": code for code in DOCUMENTS}


def preset_text(name: str, part: str, text: str, lang: str) -> str:
    """A preset's ``source`` or ``note.<n>`` in ``lang`` (``ben.preset.<name>.<part>``, its
    documents by short title) while ``text`` is still the preset's own; an edited or uploaded
    cascade's text as it is."""
    key = f"ben.preset.{name}.{part}"
    if not has(key) or t(key, "en", **DOCUMENT_CODES) != text:
        return text
    return t(key, lang, **{f"doc{code}": document_title(code, lang, short=True)
                           for code in DOCUMENTS})


def _preset_changed() -> None:
    st.session_state.pop("ben_base", None)
    st.query_params.pop("cascade", None)


EDITOR_ORDER = ("position", "label_en", "label_zh", "payer", "base", "deductible", "rate",
                "tiers", "cap", "oop_ceiling", "eligibility", "illustrative", "name", "source")


def _field_labels(lang: str) -> dict[str, str]:
    """Editor column headers from the cascade's own field metadata (equity.benefit)."""
    out = {}
    for column in EDITOR_ORDER[1:]:
        field_ = "label" if column.startswith("label_") else column
        meta = LAYER_FIELDS[field_]["label"] or {}
        text = meta.get(lang, column)
        out[column] = (t("ben.col.label_in", lang, label=text,
                         language=t(f"ben.col.language.{column[-2:]}", lang))
                       if column.startswith("label_") else text)
    return out


def layers_from_editor(edited: pd.DataFrame, base: Cascade) -> Cascade:
    """The cascade an edited table describes: rows in Position order (blank positions, e.g.
    new rows, last, ties keep their row order), validated by equity.benefit."""
    ordered = edited.assign(_p=pd.to_numeric(edited["position"], errors="coerce"))
    ordered = ordered.sort_values("_p", kind="stable", na_position="last")
    return cascade_from_frame(ordered.drop(columns=["position", "_p"]), like=base)


def edit_layers(base: Cascade, lang: str) -> Cascade | None:
    """The layers in an editor (add, remove, reorder by position); None while invalid."""
    frame = cascade_to_frame(base)
    frame.insert(0, "position", range(1, len(frame) + 1))
    key = "ben_editor_" + str(zlib.crc32(cascade_to_json(base).encode()))
    label = _field_labels(lang)
    edited = st.data_editor(
        frame, num_rows="dynamic", hide_index=True, key=key, column_order=EDITOR_ORDER,
        column_config={
            "position": st.column_config.NumberColumn(t("ben.col.position", lang), step=1),
            "payer": st.column_config.SelectboxColumn(label["payer"], options=list(PAYERS)),
            "base": st.column_config.SelectboxColumn(label["base"],
                                                     options=["remaining", "cost"]),
            "eligibility": st.column_config.NumberColumn(label["eligibility"], min_value=0.0,
                                                         max_value=1.0),
            "rate": st.column_config.NumberColumn(label["rate"], min_value=0.0, max_value=1.0),
            **{c: st.column_config.Column(label[c]) for c in EDITOR_ORDER
               if c not in ("position", "payer", "base", "eligibility", "rate")},
        },
        placeholder=t("app.empty_cell", lang),
    )
    st.caption(t("ben.editor_help", lang))
    try:
        return layers_from_editor(edited, base)
    except CascadeError as err:
        items = "\n".join(f"- {escape_md(line)}" for line in err.lines(lang))
        st.error(f"{t('ben.invalid', lang)}\n\n{items}", icon=":material/error:")
        return None


def share(cascade: Cascade, lang: str) -> None:
    """Put an edited scheme in the URL when short, else offer it as a file (always offered)."""
    preset = PRESETS[st.session_state["ben_scheme"]]
    if cascade.model_dump() == preset.model_dump():
        st.query_params.pop("cascade", None)
    else:
        code = encode(cascade)
        if len(code) <= URL_LIMIT:
            st.query_params["cascade"] = code
            st.caption(t("ben.in_url", lang))
        else:
            st.query_params.pop("cascade", None)
            st.caption(t("ben.too_long", lang))
    st.download_button(t("ben.download", lang), cascade_to_json(cascade),
                       file_name=f"{cascade.name}.json", mime="application/json",
                       icon=":material/download:", key="ben_download")


def one_patient(cascade: Cascade, lang: str, presenter: bool) -> None:
    c1, c2 = st.columns(2)
    cost = c1.number_input(t("ben.cost", lang), 0.0, 1e9, 700_000.0, step=10_000.0,
                           format="%.0f", key="ben_cost")
    income = c2.number_input(t("ben.income", lang), 0.0, 1e9, 30_000.0, step=1_000.0,
                             format="%.0f", key="ben_income")
    result = benefit(cascade, cost, income=income)
    st.markdown("### " + escape_md(t("ben.headline", lang, cost=fmt_money(cost, lang),
                                     oop=fmt_money(result.oop, lang),
                                     share=fmt_pct(result.oop / cost if cost else 0.0, lang))))
    cols = st.columns(len(result.layers) + 1)
    for col, p in zip(cols, result.layers, strict=False):
        col.metric(p.label[lang], fmt_money(p.paid, lang))
    cols[-1].metric(t("ben.chart.oop", lang), fmt_money(result.oop, lang))
    exports.chart(build_waterfall_figure(result=result, lang=lang, presenter=presenter),
                  name="one_patient", key="ben_waterfall", lang=lang, dataset="",
                  documents=exports.BENEFIT_DOCUMENTS)
    flags = result.to_dict().get("catastrophic", {})
    if income > 0:
        hit = [k for k, v in flags.items() if v]
        st.caption(t("ben.catastrophic_one", lang, share=fmt_pct(result.oop / income, lang),
                     thresholds=", ".join(hit) if hit else t("ben.none", lang)))
    for number, note in enumerate(cascade.notes, start=1):
        st.caption(escape_md(preset_text(cascade.name, f"note.{number}", note, lang)))


def two_schemes(cascade: Cascade, lang: str, presenter: bool) -> None:
    others = [n for n in PRESETS if n != st.session_state["ben_scheme"]]
    other = choice(st.selectbox, t("ben.second", lang), others,
                   format_func=lambda n: _label(n, lang), key="ben_second")
    top = st.number_input(t("ben.max_cost", lang), 10_000.0, 1e8, 2_000_000.0, step=100_000.0,
                          format="%.0f", key="ben_max_cost")
    fig = build_oop_curve_figure(
        schemes=[(getattr(cascade.label, lang), cascade), (_label(other, lang), PRESETS[other])],
        max_cost=top, lang=lang, presenter=presenter)
    exports.chart(fig, name="oop_curve", key="ben_curve", lang=lang, dataset="",
                  documents=exports.BENEFIT_DOCUMENTS)


def by_region(lang: str, presenter: bool) -> None:
    from equity.protection import protection_from_simulation

    data = get_data()
    if data is None:
        st.warning(t("ben.no_data", lang))
        return
    scenario, _ = current_scenario()
    result = simulate_cached(data, scenario)
    if result.fund.gross <= 0:
        st.info(t("ben.region_none", lang), icon=":material/info:")
    else:
        st.caption(t("ben.region_intro", lang, gross=fmt_money(result.fund.gross, lang)))
    threshold = st.radio(t("ben.threshold", lang), (0.10, 0.25, 0.40), index=0, horizontal=True,
                         format_func=lambda x: f"{x:.0%}", key="ben_threshold")
    if st.button(t("ben.run", lang), icon=":material/play_arrow:", key="ben_run"):
        bar = st.progress(0.0, text=t("ben.running", lang))
        answer = protection_from_simulation(
            result, data, progress=lambda f: bar.progress(f, text=t("ben.running", lang)))
        bar.progress(1.0, text=t("ben.done", lang))
        st.session_state["ben_protection"] = answer
    answer = st.session_state.get("ben_protection")
    if answer is None:
        return
    st.markdown("**" + escape_md(fund_charts.build_protection_headline(
        overall=answer.overall, threshold=threshold, fund_gross=result.fund.gross,
        lang=lang)) + "**")
    st.caption(t("ben.impoverished", lang,
                 before=fmt_pct(answer.overall.get("impoverished_before", float("nan")), lang),
                 after=fmt_pct(answer.overall.get("impoverished_after", float("nan")), lang)))
    exports.chart(fund_charts.build_protection_figure(frame=answer.regions, threshold=threshold,
                                                      lang=lang, presenter=presenter),
                  name="protection_by_region", key="ben_protection_chart", lang=lang,
                  documents=exports.FUND_DOCUMENTS)
    st.dataframe(fund_charts.build_protection_table(frame=answer.regions, threshold=threshold,
                                                    lang=lang),
                 hide_index=True, placeholder=t("app.empty_cell", lang))


def main() -> None:
    lang = get_lang()
    presenter = is_presenter()
    st.title(t("ben.title", lang))
    st.caption(t("ben.intro", lang))
    base = _pick_scheme(lang)
    st.caption(escape_md(t("ben.source", lang,
                           source=preset_text(base.name, "source", base.source, lang))))
    cascade = edit_layers(base, lang)
    if cascade is None:
        return
    share(cascade, lang)
    st.header(t("ben.one.title", lang))
    one_patient(cascade, lang, presenter)
    st.header(t("ben.two.title", lang))
    two_schemes(cascade, lang, presenter)
    st.header(t("ben.region.title", lang))
    by_region(lang, presenter)


if __name__ == "__main__":
    main()
