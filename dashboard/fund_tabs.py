"""The Transfer fund page's analysis tabs: financial protection, goal seeking, the optimal
allocation, sensitivity and uncertainty. Each is a section function the page calls inside its
tab; the ones with their own inputs are fragments, so those inputs rerun only that section.
Model calls go through :mod:`dashboard.models` (cached)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import exports, models
from dashboard.links import seed_from_link, write_to_link
from dashboard.render import escape_md
from dashboard.scenario_ui import set_lever, shown
from equity.charts import fund as charts
from equity.i18n import fmt_count, fmt_money, fmt_pct, fmt_points, t
from equity.scenario import PARAMETER_BY_KEY, Scenario, scenario_to_json

# Levers goal seeking can move (equity.solve.LEVERS).
GOAL_LEVERS: tuple[str, ...] = ("central_pool", "levy_per_insured")


def pts(fraction: float, lang: str) -> str:
    """A 0-1 gap in percentage points, without a "-0.0" for a gap that rounds to nothing."""
    return fmt_points(round(float(fraction) * 100.0, 1) + 0.0, lang)


@st.fragment
def protection_section(data: Any, key: str, scenario: Scenario, result: Any, lang: str,
                       presenter: bool) -> None:
    """Financial protection: its own inputs (threshold, poverty line) rerun only this."""
    from equity.protection import DEFAULT_POVERTY_LINE, THRESHOLDS

    st.caption(t("tf.prot.intro", lang))
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    # In the URL as a fraction (?threshold=0.25), like every other share in a link.
    seed_from_link("tf_prot_threshold", "threshold", THRESHOLDS, f"{THRESHOLDS[-1]:.0%}", lang)
    threshold = c1.segmented_control(
        t("tf.prot.threshold", lang), list(THRESHOLDS),
        default=None if "tf_prot_threshold" in st.session_state else THRESHOLDS[-1],
        format_func=lambda v: f"{v * 100:g}%", help=t("tf.prot.threshold_help", lang),
        key="tf_prot_threshold",
    )
    if threshold is None:  # a segmented control can be clicked off; keep showing something
        threshold = THRESHOLDS[-1]
    write_to_link("threshold", threshold, THRESHOLDS[-1])
    line = c2.number_input(
        t("tf.prot.poverty_line", lang), min_value=0.0, max_value=1_000_000.0,
        value=float(DEFAULT_POVERTY_LINE), step=1_000.0, format="%.0f",
        help=t("tf.prot.poverty_help", lang), key="tf_prot_poverty",
    )
    try:
        # A national table simulates up to 20,000 patients a region: seconds, not instant.
        with st.spinner(t("tf.prot.running", lang)):
            answer = models.protection(key, scenario_to_json(scenario), float(line), data)
        shown = charts.build_protection_headline(overall=answer.overall, threshold=threshold,
                                                 fund_gross=result.fund.gross, lang=lang)
        figure = charts.build_protection_figure(frame=answer.regions, threshold=threshold,
                                                lang=lang, presenter=presenter)
        table = charts.build_protection_table(frame=answer.regions, threshold=threshold,
                                              lang=lang)
    except (ValueError, KeyError) as err:
        st.error(t("tf.notice.model_error", lang, message=escape_md(err)))
        return
    st.markdown(f"#### {escape_md(shown)}")
    overall = answer.overall
    st.markdown(escape_md(t(
        "tf.prot.impoverished", lang, line=fmt_money(float(line), lang),
        before=fmt_pct(overall["impoverished_before"], lang),
        after=fmt_pct(overall["impoverished_after"], lang),
    )))
    exports.chart(figure, name="protection", key="tf_protection", lang=lang, data=table,
                  documents=exports.FUND_DOCUMENTS)
    share = st.column_config.NumberColumn(format="%.1f")
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            t("tf.prot.col.patients", lang): st.column_config.NumberColumn(format="%d"),
            **{t(f"tf.prot.col.{c}", lang): share
               for c in ("before", "after", "change", "impoverished_before",
                         "impoverished_after")},
        },
        placeholder=t("app.empty_cell", lang),
    )
    st.caption(t("tf.prot.table_caption", lang, threshold=f"{threshold * 100:g}%"))
    with st.expander(t("tf.prot.notes", lang), expanded=True, icon=":material/info:"):
        st.markdown("\n".join(f"- {escape_md(n)}"
                              for n in charts.build_protection_notes(protection=answer,
                                                                     lang=lang)))


@st.fragment
def goal_section(data: Any, key: str, scenario: Scenario, lang: str) -> None:
    """Goal seek: its own inputs rerun only this fragment."""
    if st.session_state.pop("tf_rerun_app", False):
        st.rerun()
    st.subheader(t("tf.goal.title", lang))
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    target = c1.number_input(t("tf.goal.target", lang), min_value=0.0, max_value=100.0,
                             value=10.0, step=0.5, format="%.1f", key="tf_goal_target")
    lever = c2.selectbox(t("tf.goal.lever", lang), list(GOAL_LEVERS),
                         format_func=lambda k: PARAMETER_BY_KEY[k].label[lang],
                         key="tf_goal_lever")
    scenario_json = scenario_to_json(scenario)
    if c3.button(t("tf.goal.button", lang), type="primary", key="tf_goal_run"):
        try:
            with st.spinner(t("tf.goal.running", lang)):
                answer = models.goal_seek(key, scenario_json, target / 100.0, lever, data)
        except ValueError as err:
            answer = err
        st.session_state["tf_goal_answer"] = (scenario_json, lever, target, answer)
    stored = st.session_state.get("tf_goal_answer")
    if stored is None:
        return
    asked_json, asked_lever, asked_target, answer = stored
    p = PARAMETER_BY_KEY[asked_lever]
    lever_label = p.label[lang]
    if isinstance(answer, Exception):
        st.error(t("tf.goal.failed", lang, message=escape_md(answer)), icon=":material/block:")
    elif answer.reachable and answer.value <= 0:
        st.success(t("tf.goal.already", lang, lever=lever_label, gap=pts(answer.gap, lang)),
                   icon=":material/check_circle:")
    elif answer.reachable:
        st.success(t("tf.goal.reachable", lang, lever=lever_label,
                     value=shown(p, answer.value, lang), target=f"{asked_target:.1f}",
                     gap=pts(answer.gap, lang)), icon=":material/check_circle:")
        if asked_json == scenario_json:
            st.button(t("tf.goal.apply", lang), key="tf_goal_apply", on_click=set_lever,
                      args=(asked_lever, float(answer.value)))
    else:
        st.error(t("tf.goal.unreachable", lang, lever=lever_label, target=f"{asked_target:.1f}",
                   best=pts(answer.gap, lang),
                   value=shown(p, answer.value, lang)), icon=":material/block:")
    if asked_json != scenario_json:
        st.caption(t("tf.goal.stale", lang))


SEEK_INDICATORS: tuple[str, ...] = ("oop_share", "catastrophic_share")
"""Goals beside the coverage gap: the patient-weighted out-of-pocket share (Japan's "under
10%", 000 3.2.1) and the share of patients facing catastrophic spending."""


@st.fragment
def seek_section(data: Any, key: str, scenario: Scenario, lang: str) -> None:
    """The smallest fund, levy, industry levy or price cut that brings out-of-pocket burden to
    a target (equity.solve.seek); "not reachable" said with the closest value."""
    from equity.solve import SEEK_LEVERS

    st.subheader(t("tf.seek.title", lang))
    c1, c2, c3, c4 = st.columns([1.2, 0.8, 1, 0.8], vertical_alignment="bottom")
    indicator = c1.selectbox(t("tf.seek.indicator", lang), list(SEEK_INDICATORS),
                             format_func=lambda k: t(f"tf.seek.ind.{k}", lang),
                             key="tf_seek_indicator")
    target = c2.number_input(t("tf.seek.target", lang), min_value=0.0, max_value=100.0,
                             value=10.0, step=0.5, format="%.1f", key="tf_seek_target")
    lever = c3.selectbox(t("tf.goal.lever", lang), list(SEEK_LEVERS),
                         format_func=lambda k: PARAMETER_BY_KEY[k].label[lang],
                         key="tf_seek_lever")
    if not c4.button(t("tf.seek.button", lang), key="tf_seek_run"):
        return
    try:
        with st.spinner(t("tf.goal.running", lang)):
            answer = models.seek(key, scenario_to_json(scenario), indicator, target / 100.0,
                                 lever, data)
    except ValueError as err:
        st.error(t("tf.goal.failed", lang, message=escape_md(err)), icon=":material/block:")
        return
    p = PARAMETER_BY_KEY[lever]
    words = {"indicator": t(f"tf.seek.ind.{indicator}", lang), "lever": p.label[lang],
             "target": fmt_pct(answer.target, lang), "value": shown(p, answer.value, lang),
             "closest": fmt_pct(answer.achieved, lang)}
    if answer.reachable and answer.value <= 0:
        st.success(t("tf.seek.met_without", lang, **words), icon=":material/check_circle:")
    elif answer.reachable:
        st.success(t("tf.seek.reached", lang, **words), icon=":material/check_circle:")
    else:
        st.error(t("tf.seek.unreachable", lang, **words), icon=":material/block:")


@st.fragment
def optimal_section(data: Any, key: str, scenario: Scenario, result: Any, lang: str,
                    presenter: bool) -> None:
    st.subheader(t("tf.optimal.title", lang))
    if result.fund.gross <= 0:
        st.info(t("tf.optimal.no_fund", lang))
        return
    objective = st.segmented_control(
        t("tf.optimal.objective", lang), ["min_gap", "max_min"], default="min_gap",
        format_func=lambda o: t(f"tf.optimal.{o}", lang), key="tf_optimal_objective",
    ) or "min_gap"
    with st.spinner(t("tf.optimal.title", lang)):
        answer = models.optimal(key, scenario_to_json(scenario), objective, data)
    names = dict(zip(result.regions["region_id"].astype(str),
                     result.regions["region_name"].astype(str), strict=True))
    # The optimum is solved on the charity-coverage gap whatever the page's gap indicator.
    st.markdown(t("tf.optimal.summary", lang,
                  indicator=charts.indicator_label("charity_coverage", lang),
                  formula=pts(answer.gap_formula, lang),
                  optimal=pts(answer.gap_optimal, lang)))
    unspent = charts.build_optimal_unspent_text(
        optimal=answer, max_coverage=float(scenario.get("max_coverage")), lang=lang)
    if unspent:
        st.caption(escape_md(unspent))
    exports.chart(charts.build_optimal_figure(optimal=answer.regions, names=names, lang=lang,
                                              presenter=presenter), name="optimal",
                  key="tf_optimal", lang=lang, documents=exports.FUND_DOCUMENTS)


def sensitivity_section(data: Any, key: str, scenario: Scenario, lang: str,
                        presenter: bool) -> None:
    scenario_json = scenario_to_json(scenario)
    with st.spinner(t("tf.tornado.running", lang)):
        frame = models.sensitivity(key, scenario_json, data)
    exports.chart(charts.build_tornado_figure(sensitivity=frame, lang=lang,
                                              presenter=presenter), name="sensitivity",
                  key="tf_tornado", lang=lang, data=frame, documents=exports.FUND_DOCUMENTS)
    gap = models.simulation(key, scenario_json, data).gap
    st.markdown("\n".join(f"- {escape_md(line)}" for line in
                          charts.build_tornado_notes(sensitivity=frame, gap=gap, lang=lang)))


@st.fragment
def uncertainty_section(data: Any, key: str, scenario: Scenario, lang: str,
                        presenter: bool) -> None:
    from equity.solve import DEFAULT_SPREADS

    st.caption(escape_md(charts.build_uncertainty_inputs_text(spreads=DEFAULT_SPREADS,
                                                              lang=lang)))
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    draws = int(c1.number_input(t("tf.unc.draws", lang), min_value=100, max_value=5000,
                                value=500, step=100, key="tf_unc_draws"))
    scenario_json = scenario_to_json(scenario)
    if c2.button(t("tf.unc.button", lang), key="tf_unc_run"):
        with st.spinner(t("tf.unc.running", lang, draws=fmt_count(draws, lang))):
            answer = models.uncertainty(key, scenario_json, draws, data)
        st.session_state["tf_unc_answer"] = (scenario_json, draws, answer)
    stored = st.session_state.get("tf_unc_answer")
    if stored is None:
        return
    asked_json, asked_draws, answer = stored
    if asked_json != scenario_json:
        st.caption(t("tf.unc.stale", lang))
    gap = answer.gap
    st.markdown(t("tf.unc.summary", lang, p5=pts(gap[5], lang), p50=pts(gap[50], lang),
                  p95=pts(gap[95], lang)))
    # Issue 14: input uncertainty and the shares' sampling error together (independent).
    sampling = models.gap_intervals(key, asked_json, data)["after"]
    if sampling is not None:
        from equity.measures import gap_interval

        both = gap_interval(answer.base_gap, se_sampling=sampling.se_sampling,
                            draws=answer.gap_draws)
        st.markdown(t("tf.unc.combined", lang, lower=pts(both.lower, lang),
                      upper=pts(both.upper, lang)))
    exports.chart(
        charts.build_uncertainty_figure(percentiles=answer.regions, draws=asked_draws,
                                        indicator="charity_coverage", lang=lang,
                                        presenter=presenter),
        name="uncertainty", key="tf_uncertainty", lang=lang, data=answer.regions,
        documents=exports.FUND_DOCUMENTS)


def goal_tab(data: Any, key: str, scenario: Scenario, result: Any, lang: str,
             presenter: bool) -> None:
    """Goal seeking, then the optimal allocation."""
    goal_section(data, key, scenario, lang)
    st.divider()
    seek_section(data, key, scenario, lang)
    st.divider()
    optimal_section(data, key, scenario, result, lang, presenter)


def risk_tab(data: Any, key: str, scenario: Scenario, lang: str, presenter: bool) -> None:
    """Sensitivity (tornado), then uncertainty (Monte Carlo)."""
    sensitivity_section(data, key, scenario, lang, presenter)
    st.divider()
    uncertainty_section(data, key, scenario, lang, presenter)
