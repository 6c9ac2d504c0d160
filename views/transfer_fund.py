"""Transfer fund page: the simulator. Wiring only: read widgets, call ``equity``, draw.

Controls are generated from ``equity.scenario.PARAMETERS`` and bound to the page URL
(``bind="query-params"``), so the address bar always holds the scenario (non-default values
only) and opening a copied link reproduces it. A link value that cannot be used falls back to
its default with a visible notice. The model runs through ``st.cache_data`` keyed by the data
and the scenario's JSON; the heavier analyses sit in lazily-run tabs and fragments so a
slider move reruns only the simulation and the charts on screen.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from app_support import escape_md, get_compare, get_data, get_lang, is_presenter, notice
from equity.charts import fund as charts
from equity.i18n import fmt_count, fmt_money, fmt_pct, fmt_points, t
from equity.scenario import (
    PARAMETER_BY_KEY,
    PARAMETERS,
    RECIPIENTS_BELOW_TARGET,
    Parameter,
    Scenario,
    ScenarioError,
    scenario_from_flat,
    scenario_from_json,
    scenario_to_flat,
    scenario_to_json,
)

# Control groups, in the order shown; the "compare" groups come from the sidebar (app.py).
GROUPS: tuple[str, ...] = ("financing", "allocation", "use", "target")
INDICATOR_KEY = "compare.indicator"
# Levers goal seeking can move (equity.solve.LEVERS).
GOAL_LEVERS: tuple[str, ...] = ("central_pool", "levy_per_insured")
# Gap indicators offered here: both are 0-1 shares, so their gaps read in percentage points.
PAGE_INDICATORS: tuple[str, ...] = ("charity_coverage", "oop_share")
CONTROL_KEYS: tuple[str, ...] = (
    *(p.key for p in PARAMETERS if p.group in GROUPS),
    INDICATOR_KEY,
)
NOTICES = "tf_url_notices"
RESETS = "tf_url_resets"
URL_CHECKED = "tf_url_checked"


# --------------------------------------------------------------------------- model calls (cached)


def data_key(data: Any) -> str:
    """Identity of a region table for the caches: name, size and a hash of its values."""
    table = data.table
    digest = int(pd.util.hash_pandas_object(table, index=False).sum()) & 0xFFFFFFFFFFFF
    return f"{data.name}:{len(table)}:{digest:x}"


@st.cache_data(show_spinner=False, max_entries=256)
def simulate(key: str, scenario_json: str, _data: Any) -> Any:
    from equity.fund import simulate as run

    return run(_data, scenario_from_json(scenario_json))


@st.cache_data(show_spinner=False, max_entries=64)
def protection(key: str, scenario_json: str, poverty_line: float, _data: Any) -> Any:
    """Catastrophic spending before/after for this scenario (all thresholds at once, so the
    threshold picker needs no new run); the simulation itself comes from its own cache."""
    from equity.protection import protection_from_simulation

    return protection_from_simulation(simulate(key, scenario_json, _data), _data,
                                      poverty_line=poverty_line)


@st.cache_data(show_spinner=False, max_entries=32)
def goal_seek(key: str, scenario_json: str, target_gap: float, lever: str, _data: Any) -> Any:
    from equity.solve import goal_seek as run

    return run(_data, scenario_from_json(scenario_json), target_gap=target_gap, lever=lever)


@st.cache_data(show_spinner=False, max_entries=32)
def optimal(key: str, scenario_json: str, objective: str, _data: Any) -> Any:
    from equity.solve import optimal_allocation

    return optimal_allocation(_data, scenario_from_json(scenario_json), objective=objective)


@st.cache_data(show_spinner=False, max_entries=32)
def sensitivity(key: str, scenario_json: str, _data: Any) -> pd.DataFrame:
    from equity.solve import sensitivity as run

    return run(_data, scenario_from_json(scenario_json))


@st.cache_data(show_spinner=False, max_entries=16)
def uncertainty(key: str, scenario_json: str, draws: int, _data: Any) -> Any:
    from equity.solve import uncertainty as run

    return run(_data, scenario_from_json(scenario_json), draws=draws, seed=0)


@st.cache_data(show_spinner=False, max_entries=8)
def geojson(key: str, _data: Any) -> dict:
    from equity.charts.maps import geometry_to_geojson

    return geometry_to_geojson(_data.geometry)


# --------------------------------------------------------------------------- URL checks


def _raw_url_values() -> dict[str, str]:
    return {key: st.query_params[key] for key in CONTROL_KEYS if key in st.query_params}


def _check_url(lang: str, options: dict[str, list[str]]) -> None:
    """Record a notice and schedule a reset to the default for each unusable link value.

    The bound widgets drop unreadable values and clamp out-of-range ones on their own, without
    telling anyone; the design wants the default and a visible notice, so the value is reset
    on an immediate rerun (a URL value wins over session state only on a widget's first run).
    """
    # Only the link the page was opened with is checked: later the URL follows the controls,
    # and a control set to a refused combination (every weight 0) is reported by
    # _problem_notices instead of being snapped back as if it came from a link.
    if st.session_state.get(URL_CHECKED):
        return
    st.session_state[URL_CHECKED] = True
    raw = _raw_url_values()
    if not raw:
        return
    _, problems = scenario_from_flat(raw)
    bad: dict[str, str] = {}
    for problem in problems:
        key = problem.params["field"]
        keys = [k for k in CONTROL_KEYS if k == key or k.startswith(key + ".")]
        for k in keys:
            bad[k] = problem
    for key, choices in options.items():
        if key in raw and key not in bad and raw[key] not in choices:
            bad[key] = f"{key}: {raw[key]!r} is not offered here; using the default"
    if not bad:
        return
    items = [
        t("tf.notice.url_item", lang, label=PARAMETER_BY_KEY[k].label[lang],
          value=raw.get(k, ""), default=_shown(PARAMETER_BY_KEY[k], PARAMETER_BY_KEY[k].default,
                                               lang))
        for k in CONTROL_KEYS if k in bad and k in raw
    ]
    groups = [problem for key, problem in bad.items() if key not in raw]
    st.session_state[NOTICES] = [t("tf.notice.url", lang, items="; ".join(items)),
                                 *_problem_notices(list(dict.fromkeys(groups)), lang)]
    st.session_state[RESETS] = {k: PARAMETER_BY_KEY[k].default for k in bad}


def _problem_notices(problems: list[str], lang: str) -> list[str]:
    """Readable notices for scenario_from_flat's cross-key problems (the text names the key).

    The groups compared are the sidebar's business (app.py warns about them), so their
    problems are left to it."""
    notices = []
    for problem in problems:
        if problem.params.get("field") == "weights":
            notices.append(t("tf.notice.weights", lang))
        elif problem.params.get("field") != "compare":
            notices.append(problem.text(lang))
    return notices


def _apply_resets() -> None:
    for key, value in st.session_state.pop(RESETS, {}).items():
        st.session_state[key] = _widget_value(PARAMETER_BY_KEY[key], value)


def _clear_notices() -> None:
    st.session_state.pop(NOTICES, None)


# --------------------------------------------------------------------------- controls


def _widget_value(p: Parameter, value: Any) -> Any:
    return float(value) if p.numeric else value


def _shown(p: Parameter, value: Any, lang: str) -> str:
    """A parameter value as the widget shows it: money in yuan, fractions in percent."""
    if p.kind == "money":
        return fmt_money(float(value), lang)
    if p.kind == "fraction":
        return f"{float(value):.0%}"
    if p.numeric:
        return f"{float(value):g}"
    if p.key == "recipients":
        return t("tf.recipients.below_target", lang) if value == RECIPIENTS_BELOW_TARGET \
            else charts.group_label(str(value), lang)
    return charts.indicator_label(str(value), lang)


def _pts(fraction: float, lang: str) -> str:
    """A 0-1 gap in percentage points, without a "-0.0" for a gap that rounds to nothing."""
    return fmt_points(round(float(fraction) * 100.0, 1) + 0.0, lang)


def _label(p: Parameter, lang: str) -> str:
    unit = p.unit[lang]
    suffix = f" {t('tf.unit_suffix', lang, unit=unit)}" if unit and p.kind != "fraction" else ""
    return f"{p.label[lang]}{suffix}"


def _page_options(data: Any) -> dict[str, list[str]]:
    """The values the page's choice controls offer for this data."""
    area_types = sorted(data.table["area_type"].astype(str).unique())
    return {"recipients": [RECIPIENTS_BELOW_TARGET, *area_types],
            INDICATOR_KEY: list(PAGE_INDICATORS)}


def _control(p: Parameter, lang: str, options: dict[str, list[str]]) -> Any:
    if p.key in options:
        return _choice(p, options[p.key], lang)
    common: dict[str, Any] = {
        "key": p.key,
        "help": p.help[lang],
        "bind": "query-params",
        "persist_state": "session",
        "on_change": _clear_notices,
    }
    if p.kind == "money":
        digits = 0 if float(p.step or 1).is_integer() else 1
        value = st.number_input(
            _label(p, lang), min_value=float(p.minimum or 0.0), max_value=float(p.maximum),
            value=float(p.default), step=float(p.step or 1.0), format=f"%.{digits}f", **common,
        )
        if value >= 10_000:  # a long row of digits, read back the way people say it
            st.caption(f"= {fmt_money(value, lang)}")
        return value
    return st.slider(
        _label(p, lang), min_value=float(p.minimum), max_value=float(p.maximum),
        value=float(p.default), step=float(p.step or 0.01),
        format="percent" if p.kind == "fraction" else "%.2f", **common,
    )


def _choice(p: Parameter, choices: list[str], lang: str) -> str:
    """A selectbox whose value is kept under ``p.key`` and in the URL by hand.

    The displayed option is translated and Streamlit stores (and would bind to the URL) the
    *displayed* text, so a language switch would orphan the stored choice. Instead the
    language-independent value lives in ``st.session_state[p.key]`` and in the URL, and each
    language has its own widget key seeded from it.
    """
    key = p.key
    if key not in st.session_state or st.session_state[key] not in choices:
        raw = st.query_params.get(key)
        st.session_state[key] = raw if raw in choices else p.default
    widget_key = f"tf_choice_{key}_{lang}"
    if st.session_state.get(widget_key) != st.session_state[key]:
        st.session_state[widget_key] = st.session_state[key]
    if p.key == "recipients":
        def fmt(value: str) -> str:
            if value == RECIPIENTS_BELOW_TARGET:
                return t("tf.recipients.below_target", lang)
            return t("tf.recipients.groups", lang, group=charts.group_label(value, lang))
    else:
        def fmt(value: str) -> str:
            return _capitalise(charts.indicator_label(value, lang))
    value = st.selectbox(_label(p, lang), choices, format_func=fmt, key=widget_key,
                         help=p.help[lang], on_change=_choice_changed, args=(widget_key, key))
    if value == p.default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


def _choice_changed(widget_key: str, key: str) -> None:
    st.session_state[key] = st.session_state[widget_key]
    _clear_notices()


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def controls(lang: str, options: dict[str, list[str]]) -> dict[str, Any]:
    """One widget per page parameter, in four groups; returns key -> widget value."""
    values: dict[str, Any] = {}
    with st.expander(t("tf.controls", lang), expanded=True, icon=":material/tune:"):
        columns = st.columns(len(GROUPS), gap="medium")
        for column, group in zip(columns, GROUPS, strict=True):
            with column:
                st.markdown(f"**{t(f'tf.group.{group}', lang)}**")
                if group == "allocation":
                    st.caption(t("tf.group.allocation_help", lang))
                keys = [p.key for p in PARAMETERS if p.group == group]
                if group == "target":
                    keys.append(INDICATOR_KEY)
                for key in keys:
                    values[key] = _control(PARAMETER_BY_KEY[key], lang, options)
    return values


def scenario_of(values: dict[str, Any], compare: dict[str, str]) -> tuple[Scenario, list[str]]:
    """The scenario the widgets describe (validated by equity.scenario), with its notices."""
    flat = {key: str(value) for key, value in values.items()}
    flat.update({f"compare.{k}": str(v) for k, v in compare.items() if k in ("column", "a",
                                                                           "b")})
    return scenario_from_flat(flat)


# --------------------------------------------------------------------------- results


def headline(result: Any, lang: str, presenter: bool = False) -> None:
    st.markdown(f"### {escape_md(charts.build_headline(result=result, lang=lang))}")
    for line in charts.build_headline_notes(result=result, lang=lang):
        st.caption(escape_md(line))
    gap = result.gap
    before, after = abs(gap.before) * 100.0, abs(gap.after) * 100.0
    cost = getattr(gap, "cost_per_point", math.nan)
    if presenter:  # larger text: two metrics a row, so money amounts are not cut short
        top, bottom = st.columns(2), st.columns(2)
        c1, c2, c3, c4 = (*top, *bottom)
    else:
        c1, c2, c3, c4 = st.columns(4)
    # A slightly smaller value font keeps "1.2 million yuan" whole in a quarter-width column.
    st.html("<style>.st-key-tf_headline [data-testid='stMetricValue'] "
            "{font-size: 1.9rem;}</style>")
    c1.metric(t("tf.metric.gap_after", lang), _pts(gap.after, lang),
              delta=f"{after - before:+.1f}", delta_color="inverse")
    c2.metric(t("tf.metric.newly_covered", lang), fmt_count(round(result.newly_covered), lang))
    # Money in a metric is rounded to 100 yuan so it never spills out of its column.
    c3.metric(t("tf.metric.oop_saved", lang), fmt_money(round(result.oop_yuan_saved, -2), lang))
    c4.metric(
        t("tf.metric.cost_per_point", lang),
        fmt_money(round(cost, -2), lang) if cost is not None and math.isfinite(cost)
        else t("tf.metric.not_applicable", lang),
    )


def results_tab(result: Any, data: Any, key: str, lang: str, presenter: bool) -> None:
    column = result.gap.indicator
    favourable = column != "oop_share"
    # Presenter mode enlarges all text: one chart a row keeps titles and labels whole.
    left, right = (st.container(), st.container()) if presenter else st.columns(2, gap="large")
    with left:
        st.plotly_chart(
            charts.build_before_after_figure(gap=result.gap, lang=lang, presenter=presenter),
            key="tf_before_after",
        )
    with right:
        st.plotly_chart(
            charts.build_region_change_figure(regions=result.regions, column=column,
                                              favourable=favourable, lang=lang,
                                              presenter=presenter),
            key="tf_region_change",
        )
    if data.geometry is None:
        st.info(t("tf.chart.no_map", lang))
        return
    schematic = any("schematic" in note.lower() for note in data.notes)
    st.plotly_chart(
        charts.build_change_map_figure(geojson=geojson(key, data), regions=result.regions,
                                       column=column, favourable=favourable,
                                       schematic=schematic, lang=lang, presenter=presenter),
        key="tf_map",
    )


def money_tab(result: Any, lang: str, presenter: bool) -> None:
    fund = result.fund
    st.plotly_chart(
        charts.build_money_flow_figure(fund=fund, regions=result.regions, lang=lang,
                                       presenter=presenter),
        key="tf_money_flow",
    )
    st.caption(t("tf.flow.accounting", lang, gross=fmt_money(fund.gross, lang),
                 overhead=fmt_money(fund.overhead, lang),
                 allocated=fmt_money(fund.allocated, lang),
                 unspent=fmt_money(fund.unspent, lang)))


def measures_tab(result: Any, lang: str) -> None:
    from equity.measures import MEASURES

    column = result.gap.indicator
    st.subheader(t("tf.measures.title", lang, indicator=charts.indicator_label(column, lang)))
    table = charts.build_measures_table(measures=result.measures, indicator=column,
                                        info=MEASURES, lang=lang)
    st.markdown(charts.build_measures_summary(table=table, lang=lang))
    number = st.column_config.NumberColumn(format="%.4f")
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={t(f"tf.measures.col.{c}", lang): number
                       for c in ("before", "after", "change")},
    )
    st.caption(t("tf.measures.caption", lang))


@st.fragment
def protection_section(data: Any, key: str, scenario: Scenario, result: Any, lang: str,
                       presenter: bool) -> None:
    """Financial protection: its own inputs (threshold, poverty line) rerun only this."""
    from equity.protection import DEFAULT_POVERTY_LINE, THRESHOLDS

    st.caption(t("tf.prot.intro", lang))
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    threshold = c1.segmented_control(
        t("tf.prot.threshold", lang), list(THRESHOLDS), default=THRESHOLDS[-1],
        format_func=lambda v: f"{v * 100:g}%", help=t("tf.prot.threshold_help", lang),
        key="tf_prot_threshold",
    )
    if threshold is None:  # a segmented control can be clicked off; keep showing something
        threshold = THRESHOLDS[-1]
    line = c2.number_input(
        t("tf.prot.poverty_line", lang), min_value=0.0, max_value=1_000_000.0,
        value=float(DEFAULT_POVERTY_LINE), step=1_000.0, format="%.0f",
        help=t("tf.prot.poverty_help", lang), key="tf_prot_poverty",
    )
    try:
        # A national table simulates up to 20,000 patients a region: seconds, not instant.
        with st.spinner(t("tf.prot.running", lang)):
            answer = protection(key, scenario_to_json(scenario), float(line), data)
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
    st.plotly_chart(figure, key="tf_protection")
    share = st.column_config.NumberColumn(format="%.1f")
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            t("tf.prot.col.patients", lang): st.column_config.NumberColumn(format="%d"),
            **{t(f"tf.prot.col.{c}", lang): share
               for c in ("before", "after", "change", "impoverished_before",
                         "impoverished_after")},
        },
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
                answer = goal_seek(key, scenario_json, target / 100.0, lever, data)
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
        st.success(t("tf.goal.already", lang, lever=lever_label, gap=_pts(answer.gap, lang)),
                   icon=":material/check_circle:")
    elif answer.reachable:
        st.success(t("tf.goal.reachable", lang, lever=lever_label,
                     value=_shown(p, answer.value, lang), target=f"{asked_target:.1f}",
                     gap=_pts(answer.gap, lang)), icon=":material/check_circle:")
        if asked_json == scenario_json:
            st.button(t("tf.goal.apply", lang), key="tf_goal_apply", on_click=_apply_goal,
                      args=(asked_lever, float(answer.value)))
    else:
        st.error(t("tf.goal.unreachable", lang, lever=lever_label, target=f"{asked_target:.1f}",
                   best=_pts(answer.gap, lang),
                   value=_shown(p, answer.value, lang)), icon=":material/block:")
    if asked_json != scenario_json:
        st.caption(t("tf.goal.stale", lang))


def _apply_goal(key: str, value: float) -> None:
    p = PARAMETER_BY_KEY[key]
    step = float(p.step or 0.0)
    # Round up to the widget's step so the applied value still reaches the target.
    applied = math.ceil(value / step - 1e-9) * step if step else value
    st.session_state[key] = min(float(p.maximum), applied)
    st.session_state["tf_rerun_app"] = True
    _clear_notices()


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
        answer = optimal(key, scenario_to_json(scenario), objective, data)
    names = dict(zip(result.regions["region_id"].astype(str),
                     result.regions["region_name"].astype(str), strict=True))
    # The optimum is solved on the charity-coverage gap whatever the page's gap indicator.
    st.markdown(t("tf.optimal.summary", lang,
                  indicator=charts.indicator_label("charity_coverage", lang),
                  formula=_pts(answer.gap_formula, lang),
                  optimal=_pts(answer.gap_optimal, lang)))
    st.plotly_chart(charts.build_optimal_figure(optimal=answer.regions, names=names, lang=lang,
                                                presenter=presenter), key="tf_optimal")


def sensitivity_section(data: Any, key: str, scenario: Scenario, lang: str,
                        presenter: bool) -> None:
    with st.spinner(t("tf.tornado.running", lang)):
        frame = sensitivity(key, scenario_to_json(scenario), data)
    st.plotly_chart(charts.build_tornado_figure(sensitivity=frame, lang=lang,
                                                presenter=presenter), key="tf_tornado")


@st.fragment
def uncertainty_section(data: Any, key: str, scenario: Scenario, lang: str,
                        presenter: bool) -> None:
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    draws = int(c1.number_input(t("tf.unc.draws", lang), min_value=100, max_value=5000,
                                value=500, step=100, key="tf_unc_draws"))
    scenario_json = scenario_to_json(scenario)
    if c2.button(t("tf.unc.button", lang), key="tf_unc_run"):
        with st.spinner(t("tf.unc.running", lang, draws=fmt_count(draws, lang))):
            answer = uncertainty(key, scenario_json, draws, data)
        st.session_state["tf_unc_answer"] = (scenario_json, draws, answer)
    stored = st.session_state.get("tf_unc_answer")
    if stored is None:
        return
    asked_json, asked_draws, answer = stored
    if asked_json != scenario_json:
        st.caption(t("tf.unc.stale", lang))
    gap = answer.gap
    st.markdown(t("tf.unc.summary", lang, p5=_pts(gap[5], lang), p50=_pts(gap[50], lang),
                  p95=_pts(gap[95], lang)))
    st.plotly_chart(
        charts.build_uncertainty_figure(percentiles=answer.regions, draws=asked_draws,
                                        indicator="charity_coverage", lang=lang,
                                        presenter=presenter),
        key="tf_uncertainty",
    )


def share_tab(scenario: Scenario, data: Any, lang: str) -> None:
    st.info(t("tf.share.link", lang), icon=":material/link:")
    flat = {k: v for k, v in scenario_to_flat(scenario).items() if k in CONTROL_KEYS}
    if not flat:
        st.caption(t("tf.share.defaults", lang))
    st.caption(t("tf.share.query", lang))
    # st.code has a copy button: the full link, with the sidebar's settings (app.py's URL
    # keys) ahead of this page's scenario keys.
    st.code(share_link(flat), language=None, wrap_lines=True)
    st.download_button(
        t("tf.share.download", lang), data=scenario_to_json(scenario),
        file_name="scenario.json", mime="application/json", icon=":material/download:",
        key="tf_download",
    )
    st.file_uploader(t("tf.share.upload", lang), type=["json"], key="tf_upload",
                     on_change=_load_scenario_file, args=(data, lang))
    message = st.session_state.pop("tf_upload_message", None)
    if message is not None:
        kind, text, problems = message
        if kind == "ok":
            st.success(text, icon=":material/check_circle:")
            for line in problems:
                notice(line)
        else:
            items = "\n".join(
                f"- {escape_md(p if isinstance(p, str) else p.text(lang))}" for p in problems)
            st.error(f"{text}\n\n{items}", icon=":material/error:")


def share_link(flat: dict[str, str]) -> str:
    """This page's address with the sidebar's settings and the scenario's non-default values."""
    shared: dict[str, str] = {"lang": get_lang()}
    dataset = st.session_state.get("dataset")
    if isinstance(dataset, str) and dataset != "upload":
        shared["dataset"] = dataset
    for key in ("compare_col", "compare_a", "compare_b"):
        value = st.session_state.get(key)
        if isinstance(value, str):
            shared[key] = value
    base = st.context.url or ""
    return f"{base}?{urlencode({**shared, **flat})}"


def _load_scenario_file(data: Any, lang: str) -> None:
    """Upload callback: validate the file through equity.scenario, then set every control."""
    upload = st.session_state.get("tf_upload")
    if upload is None:
        return
    name = escape_md(upload.name)
    try:
        text = upload.getvalue().decode("utf-8")
        loaded = scenario_from_json(text)
    except UnicodeDecodeError:
        st.session_state["tf_upload_message"] = (
            "error", t("tf.share.bad_file", lang, name=name), [t("tf.share.not_text", lang)])
        return
    except ScenarioError as err:
        st.session_state["tf_upload_message"] = (
            "error", t("tf.share.bad_file", lang, name=name), err.problems)
        return
    options = _page_options(data)
    adjusted: list[str] = []
    for key in CONTROL_KEYS:
        p = PARAMETER_BY_KEY[key]
        value = loaded.get(key)
        if isinstance(value, tuple):  # recipients as a list of groups: the page offers one
            value = value[0] if len(value) == 1 else ",".join(value)
        if key in options and value not in options[key]:
            adjusted.append(t("tf.share.adjusted", lang, label=p.label[lang], value=value,
                              default=_shown(p, p.default, lang)))
            value = p.default
        st.session_state[key] = _widget_value(p, value)
    # The groups compared live in the sidebar (app.py); set them when the data has them.
    compare = loaded.compare
    values = (set(data.table[compare.column].astype(str))
              if compare.column in data.table.columns else set())
    if compare.a in values and compare.b in values:
        st.session_state["compare_col"] = compare.column
        st.session_state["compare_a"] = compare.a
        st.session_state["compare_b"] = compare.b
    else:
        adjusted.append(t("tf.share.compare_missing", lang, column=compare.column, a=compare.a,
                          b=compare.b))
    _clear_notices()
    st.session_state["tf_upload_message"] = ("ok", t("tf.share.loaded", lang, name=name),
                                             adjusted)


# --------------------------------------------------------------------------- page


def main() -> None:
    lang = get_lang()
    presenter = is_presenter()
    st.title(t("tf.title", lang))
    data = get_data()
    if data is None:
        st.warning(t("tf.notice.no_data", lang))
        return
    compare = get_compare()
    options = _page_options(data)
    st.caption(t("tf.intro", lang, a=charts.group_label(compare["a"], lang),
                 b=charts.group_label(compare["b"], lang)))

    simulator(data, compare, options, lang, presenter)


@st.fragment
def simulator(data: Any, compare: dict[str, str], options: dict[str, list[str]], lang: str,
              presenter: bool) -> None:
    """Controls and results. A fragment: moving a control reruns this, not app.py's sidebar;
    the sidebar's own pickers (language, data, groups) rerun the whole app and so this too."""
    _apply_resets()
    _check_url(lang, options)
    headline_box = st.container(key="tf_headline")
    values = controls(lang, options)
    if RESETS in st.session_state:
        st.rerun()
    for line in st.session_state.get(NOTICES, []):
        notice(line)

    scenario, problems = scenario_of(values, compare)
    for line in _problem_notices(problems, lang):
        notice(line)
    key = data_key(data)
    try:
        result = simulate(key, scenario_to_json(scenario), data)
    except (ValueError, KeyError) as err:
        st.error(t("tf.notice.model_error", lang, message=escape_md(err)))
        return
    for warning in result.warnings:
        notice(warning.text(lang))
    with headline_box:
        headline(result, lang, presenter)

    tabs = st.tabs(
        [t(f"tf.tab.{name}", lang) for name in ("results", "money", "measures", "protection",
                                                 "goal", "risk", "share")],
        key="tf_tab", on_change="rerun",
    )
    with tabs[0]:
        if tabs[0].open:
            results_tab(result, data, key, lang, presenter)
    with tabs[1]:
        if tabs[1].open:
            money_tab(result, lang, presenter)
    with tabs[2]:
        if tabs[2].open:
            measures_tab(result, lang)
    with tabs[3]:
        if tabs[3].open:
            protection_section(data, key, scenario, result, lang, presenter)
    with tabs[4]:
        if tabs[4].open:
            goal_section(data, key, scenario, lang)
            st.divider()
            optimal_section(data, key, scenario, result, lang, presenter)
    with tabs[5]:
        if tabs[5].open:
            sensitivity_section(data, key, scenario, lang, presenter)
            st.divider()
            uncertainty_section(data, key, scenario, lang, presenter)
    with tabs[6]:
        if tabs[6].open:
            share_tab(scenario, data, lang)


# Streamlit runs a page as "__main__"; benchmarks/bare_transfer_page.py imports the helpers.
if __name__ == "__main__":
    main()
