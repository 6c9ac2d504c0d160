"""Fund sustainability: how long the transfer fund set on the Transfer fund page lasts, and
Zhejiang's special fund 2020-2024 replayed from Table 3 and projected. Wiring only: the
figures come from equity.sustainability and equity.projection (``python -m equity project``).
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import exports
from dashboard.links import choice
from dashboard.models import simulate_cached
from dashboard.render import escape_md, notice
from dashboard.scenario_ui import current_scenario
from dashboard.state import dataset_notes, get_data, get_dataset_title, get_lang, is_presenter
from equity.charts.projection import build_reserve_figure
from equity.i18n import fmt_count, fmt_money, fmt_number, fmt_pct, t
from equity.projection import project
from equity.report_html import build_report
from equity.sustainability import (
    DEFAULT_FIRST_YEAR,
    DEFAULT_HORIZON,
    FundInputs,
    Growth,
    sustainability,
)
from equity.zhejiang import zhejiang_flags, zhejiang_table3

GROWTH_SOURCES = ("loglinear", "cagr", "custom")


def growth_controls(lang: str, prefix: str) -> tuple[str, Growth]:
    """Where growth comes from (Zhejiang fit or custom rates) and the rates."""
    source = choice(st.radio, t("sust.growth", lang), GROWTH_SOURCES, horizontal=True,
                    format_func=lambda s: t(f"sust.growth.{s}", lang), key=f"{prefix}_growth",
                    help=t("sust.growth_help", lang))
    fitted = Growth.zhejiang("cagr" if source == "cagr" else "loglinear")
    if source != "custom":
        st.caption(t("sust.growth.fitted", lang, enrollment=fmt_pct(fitted.enrollment, lang, 2),
                     patients=fmt_pct(fitted.patients, lang, 2),
                     cost=fmt_pct(fitted.cost, lang, 2)))
        return source, fitted
    cols = st.columns(3)
    rates = [
        col.number_input(t(f"sust.rate.{name}", lang), min_value=-50.0, max_value=100.0,
                         value=round(getattr(fitted, name) * 100, 2), step=0.5, format="%.2f",
                         key=f"{prefix}_rate_{name}") / 100.0
        for col, name in zip(cols, ("enrollment", "patients", "cost"), strict=True)
    ]
    return source, Growth(*rates)


def transfer_fund_section(lang: str, presenter: bool) -> None:
    data = get_data()
    st.header(t("sust.fund.title", lang))
    if data is None:
        st.warning(t("sust.no_data", lang))
        return
    scenario, problems = current_scenario()
    for problem in problems:
        notice(problem.text(lang))
    result = simulate_cached(data, scenario)
    if result.fund.gross <= 0:
        st.info(t("sust.fund.none", lang), icon=":material/info:")
        st.page_link("views/transfer_fund.py", label=t("sust.fund.go", lang),
                     icon=":material/swap_horiz:")
        return
    inputs = FundInputs.from_simulation(result)
    if not math.isfinite(inputs.population) and "population" in data.table.columns:
        inputs = inputs.with_population(float(data.table["population"].sum()))
    with st.expander(t("sust.assumptions", lang), expanded=False, icon=":material/tune:"):
        _, growth = growth_controls(lang, "sust_fund")
        c1, c2, c3 = st.columns(3)
        first = int(c1.number_input(t("sust.first_year", lang), 2000, 2100, DEFAULT_FIRST_YEAR,
                                    key="sust_first_year"))
        horizon = int(c2.slider(t("sust.horizon", lang), 1, 30, DEFAULT_HORIZON,
                                key="sust_horizon"))
        reserve = float(c3.number_input(t("sust.reserve", lang), 0.0, 1e11, 0.0, step=1e6,
                                        key="sust_reserve"))
    s = sustainability(inputs, growth, first_year=first, starting_reserve=reserve,
                       horizon=horizon)
    last = first + horizon
    if s.depletion_year is None:
        head = t("sust.headline.lasts", lang, gross=fmt_money(result.fund.gross, lang),
                 last=last)
    else:
        key = "sust.headline.short_one" if s.years_lasting == 1 else "sust.headline.short"
        head = t(key, lang, gross=fmt_money(result.fund.gross, lang), year=s.depletion_year,
                 years=s.years_lasting)
    if s.solvent_levy is not None:
        levy = t("sust.headline.levy", lang, levy=fmt_number(s.solvent_levy, lang),
                 now=fmt_number(inputs.levy_per_insured, lang), last=last)
        head += ("" if lang == "zh" else " ") + levy
    st.markdown(f"### {escape_md(head)}")
    cols = st.columns(2) + st.columns(2) if presenter else st.columns(4)
    cols[0].metric(t("sust.metric.depletion", lang),
                   t("sust.never", lang) if s.depletion_year is None else str(s.depletion_year))
    cols[1].metric(t("sust.metric.solvent", lang),
                   "–" if s.solvent_levy is None else fmt_number(s.solvent_levy, lang))
    cols[2].metric(t("sust.metric.break_even", lang),
                   "–" if s.break_even_levy is None else fmt_number(s.break_even_levy, lang))
    cols[3].metric(t("sust.metric.levy_now", lang), fmt_number(inputs.levy_per_insured, lang))
    for note in s.notes:
        st.caption(escape_md(note.text(lang)))
    st.caption(t("sust.fund.method", lang, pool=fmt_money(inputs.central_pool, lang),
                 levy=fmt_money(inputs.levy, lang), mutual=fmt_money(inputs.mutual_aid, lang),
                 spent=fmt_money(inputs.allocated, lang),
                 patients=fmt_count(inputs.patients, lang)))
    frame = s.to_frame()
    figure = build_reserve_figure(frame=frame, lang=lang, depletion_year=s.depletion_year,
                                  title=t("sust.fund.chart", lang), presenter=presenter)
    exports.chart(figure, name="fund_reserve", key="sust_fund_chart", lang=lang, data=frame,
                  documents=(("000", ("4.1.2",)), ("002", ("3",))))
    with st.expander(t("sust.table", lang)):
        st.dataframe(_years_table(frame, lang), hide_index=True,
                     placeholder=t("app.empty_cell", lang))
    report = build_report(entries={t("sust.report_name", lang): result}, lang=lang,
                          dataset_title=get_dataset_title(),
                          provenance=list(dataset_notes(data, lang)), figures=[figure],
                          extra_sections=[(t("report.sustainability", lang), head)])
    st.download_button(t("report.download", lang), report, file_name="scenario_report.html",
                       mime="text/html", icon=":material/description:", key="sust_report")


def _years_table(frame, lang: str):
    shown = frame[["year", "kind", "enrollment", "patients", "income", "expenditure", "surplus",
                   "reserve"]].copy()
    shown["kind"] = [t(f"sust.kind.{k}", lang) for k in shown["kind"]]
    for column in ("income", "expenditure", "surplus", "reserve"):
        shown[column] = [fmt_money(v, lang) for v in shown[column]]
    for column in ("enrollment", "patients"):
        shown[column] = [fmt_count(v, lang) for v in shown[column]]
    return shown.rename(columns={c: t(f"sust.col.{c}", lang) for c in shown.columns})


def zhejiang_section(lang: str, presenter: bool) -> None:
    st.header(t("sust.zj.title", lang))
    st.caption(t("sust.zj.intro", lang))
    table = zhejiang_table3(yuan=False)
    st.dataframe(table.rename(columns={c: t(f"sust.zj.col.{c}", lang) for c in table.columns}),
                 hide_index=True, placeholder=t("app.empty_cell", lang))
    for flag in zhejiang_flags():
        st.warning(escape_md(flag.message_zh if lang == "zh" else flag.message_en),
                   icon=":material/report:")
    c1, c2, c3 = st.columns(3)
    fit = choice(c1.radio, t("sust.zj.fit", lang), ("loglinear", "cagr"), horizontal=True,
                 format_func=lambda s: t(f"sust.growth.{s}", lang), key="sust_zj_fit")
    financing = c2.number_input(t("sust.zj.financing", lang), 0.0, 1000.0, 2.0, step=0.5,
                                key="sust_zj_financing")
    horizon = int(c3.slider(t("sust.horizon", lang), 0, 30, 6, key="sust_zj_horizon"))
    r = project(fit=fit, per_capita_financing=float(financing), horizon=horizon)
    cols = st.columns(3)
    cols[0].metric(t("sust.metric.depletion", lang),
                   t("sust.never", lang) if r.depletion_year is None else str(r.depletion_year))
    cols[1].metric(t("sust.zj.break_even", lang), "–" if r.break_even_financing is None
                   else fmt_number(r.break_even_financing, lang))
    cols[2].metric(t("sust.zj.sustainable", lang), "–" if r.sustainable_financing is None
                   else fmt_number(r.sustainable_financing, lang))
    st.caption(t("sust.zj.growth", lang, enrollment=fmt_pct(r.growth["enrollment"], lang, 2),
                 patients=fmt_pct(r.growth["patients"], lang, 2),
                 cost=fmt_pct(r.growth["spending_per_patient"], lang, 2)))
    exports.chart(build_reserve_figure(frame=r.to_frame(), lang=lang,
                                       depletion_year=r.depletion_year,
                                       title=t("sust.zj.chart", lang), presenter=presenter),
                  name="zhejiang_reserve", key="sust_zj_chart", lang=lang, data=r.to_frame,
                  documents=(("002", ("3",)), "003"), source=None)
    st.caption(t("sust.zj.cli", lang, fit=fit, financing=fmt_number(financing, lang),
                 horizon=horizon))


def reference_section(lang: str) -> None:
    """The bundled international reference points (000): what pooled funds achieved elsewhere."""
    from equity.datasets import reference_points
    from equity.report import document_title, titled_references

    with st.expander(t("sust.ref.title", lang), icon=":material/public:"):
        table = reference_points()
        # Chinese: the bundled translations (*_zh); the document itself is in English.
        suffix = "_zh" if lang == "zh" else ""
        columns = ["place", "mechanism", "description", "value_text"]
        shown = pd.DataFrame({t(f"sust.ref.col.{c}", lang): table[f"{c}{suffix}"]
                              for c in columns})
        shown[t("sust.ref.col.source", lang)] = [
            titled_references(text.replace(";", ","), lang) for text in table["source"]]
        st.dataframe(shown, hide_index=True, placeholder=t("app.empty_cell", lang))
        st.caption(t("sust.ref.note", lang, document=document_title("000", lang, short=True)))


def main() -> None:
    lang = get_lang()
    presenter = is_presenter()
    st.title(t("sust.title", lang))
    st.caption(t("sust.intro", lang))
    transfer_fund_section(lang, presenter)
    st.divider()
    zhejiang_section(lang, presenter)
    reference_section(lang)


if __name__ == "__main__":
    main()
