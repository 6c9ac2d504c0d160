"""Transfer fund page: the simulator. Wiring only: read widgets, call ``equity``, draw.

The scenario controls, the check of a scenario link, the file upload and the share link live
in :mod:`dashboard.scenario_ui`; the cached model calls in :mod:`dashboard.models`; the
analysis tabs (protection, goal seeking, risk) in :mod:`dashboard.fund_tabs`. The heavier
analyses sit in lazily-run tabs and fragments so a slider move reruns only the simulation and
the charts on screen.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import streamlit as st

from dashboard import division_maps, exports, fund_tabs, models
from dashboard import figures as shared_figures
from dashboard import scenario_ui as ui
from dashboard.links import coded_sections
from dashboard.render import escape_md, notice
from dashboard.state import get_compare, get_data, get_lang, is_presenter, is_schematic
from equity.charts import fund as charts
from equity.charts.style import group_name, indicator_label
from equity.i18n import fmt_count, fmt_money, t
from equity.scenario import PARAMETER_BY_KEY, Scenario, scenario_to_json

TABS: tuple[str, ...] = ("results", "money", "measures", "protection", "goal", "risk", "share")
REDRAW_KEY = "tf_headline_redraw"
"""Set for one run when the headline drawn ahead of the controls was not the scenario's."""


def headline(result: Any, lang: str, presenter: bool = False,
             gap_ci: Any = None) -> None:
    """The headline sentence, its notes and the four metrics; ``gap_ci``: the gap after's
    ``equity.measures.GapInterval`` (a caption under the metrics) or None."""
    st.markdown(f"### {escape_md(charts.build_headline(result=result, lang=lang))}")
    for line in charts.build_headline_notes(result=result, lang=lang):
        st.caption(escape_md(line))
    gap = result.gap
    before, after = abs(gap.before) * 100.0, abs(gap.after) * 100.0
    cost = getattr(gap, "cost_per_point", math.nan)
    # One row even in presenter mode (values wrap rather than being cut), so the chart still
    # fits on the first screen.
    c1, c2, c3, c4 = st.columns(4)
    # Their value font and wrapping: dashboard.css.type_size_css, in the page's style (one
    # element fewer in every rerun of the simulator: benchmarks/README.md, twelfth session).
    change = round(after - before, 1) + 0.0
    # The delta is the change in the gap's size (either direction), said in words; no arrow
    # at all when nothing changed (a red "+0.0" read as a loss).
    delta = None if change == 0 else t("tf.metric.gap_delta", lang, change=f"{change:+.1f}")
    c1.metric(t("tf.metric.gap_after", lang), fund_tabs.pts(gap.after, lang), delta=delta,
              delta_color="inverse",
              help=t("tf.metric.gap_after_help", lang, before=fund_tabs.pts(gap.before, lang)))
    c2.metric(t("tf.metric.newly_covered", lang), fmt_count(round(result.newly_covered), lang))
    # Money in a metric is rounded to 100 yuan so it never spills out of its column.
    c3.metric(t("tf.metric.oop_saved", lang), fmt_money(round(result.oop_yuan_saved, -2), lang))
    c4.metric(
        t("tf.metric.cost_per_point", lang),
        fmt_money(round(cost, -2), lang) if cost is not None and math.isfinite(cost)
        else t("tf.metric.not_applicable", lang),
    )
    if gap_ci is not None and not presenter:  # presenter: the screen's height goes to the chart
        st.caption(t("tf.metric.gap_interval", lang, lower=fund_tabs.pts(gap_ci.lower, lang),
                     upper=fund_tabs.pts(gap_ci.upper, lang)))


def results_figures(result: Any, data: Any, lang: str, presenter: bool) -> dict[str, Any]:
    """The Results tab's figures, built and not drawn: the gap before and after, each
    region's change and (unless the regions are Chinese divisions, whose map draws itself)
    the change map or tile grid."""
    column = result.gap.indicator
    favourable = column != "oop_share"
    figures = {
        "before_after": charts.build_before_after_figure(gap=result.gap, lang=lang,
                                                         presenter=presenter),
        "region_change": shared_figures.fit_label_margin(charts.build_region_change_figure(
            regions=result.regions, column=column, favourable=favourable, lang=lang,
            presenter=presenter), presenter),
    }
    if division_maps.has_divisions(data):
        return figures
    if data.geometry is None or not len(data.geometry):  # no boundaries: a tile grid
        figures["map"] = charts.build_change_tile_figure(
            regions=result.regions, column=column, favourable=favourable, lang=lang,
            presenter=presenter)
    else:
        figures["map"] = charts.build_change_map_figure(
            geojson=models.geojson(data.geometry), regions=result.regions, column=column,
            favourable=favourable, schematic=is_schematic(data), lang=lang, presenter=presenter)
    return figures


def results_tab(result: Any, data: Any, lang: str, presenter: bool,
                figures: dict[str, Any] | None = None) -> None:
    """The Results tab; ``figures``: :func:`results_figures` of the same result, if built."""
    column = result.gap.indicator
    figures = figures or results_figures(result, data, lang, presenter)
    # Presenter mode enlarges all text: one chart a row keeps titles and labels whole.
    left, right = (st.container(), st.container()) if presenter else st.columns(2, gap="large")
    with left:
        exports.chart(figures["before_after"], name="gap_before_after", key="tf_before_after",
                      lang=lang, documents=exports.FUND_DOCUMENTS)
    with right:
        exports.chart(figures["region_change"], name="region_change", key="tf_region_change",
                      lang=lang, documents=exports.FUND_DOCUMENTS)
    if division_maps.has_divisions(data):  # real Chinese divisions: before / after / change
        division_maps.division_map(
            data, table=result.regions, indicator=column, lang=lang, key="tf_map",
            presenter=presenter,
            before=result.regions.set_index(result.regions["region_id"].astype(str))[
                f"{column}_before"],
            after=result.regions.set_index(result.regions["region_id"].astype(str))[
                f"{column}_after"],
        )
    else:
        exports.chart(figures["map"], name="change_map", key="tf_map", lang=lang,
                      documents=exports.FUND_DOCUMENTS)
    exports.results(result, lang)


def money_tab(result: Any, lang: str, presenter: bool) -> None:
    fund = result.fund
    exports.chart(
        charts.build_money_flow_figure(
            fund=fund, regions=result.regions, lang=lang, presenter=presenter,
            pairs=(result.levers.get("paired") or {}).get("flows")),
        name="money_flow", key="tf_money_flow", lang=lang, documents=exports.FUND_DOCUMENTS)
    st.caption(t("tf.flow.accounting", lang, gross=fmt_money(fund.gross, lang),
                 overhead=fmt_money(fund.overhead, lang),
                 allocated=fmt_money(fund.allocated, lang),
                 unspent=fmt_money(fund.unspent, lang)))


def measures_tab(result: Any, data: Any, lang: str, presenter: bool) -> None:
    """HEAT measures across regions with their 95% intervals (chart), where the standard
    errors came from, the headline gap's interval, why D is not the headline gap, and the
    table with each measure's plain reading (wrapped, no inner scroll)."""
    from equity.charts.measures import build_measures_interval_figure
    from equity.indicators import is_favourable
    from equity.measures import MEASURES

    column = result.gap.indicator
    key = models.data_key(data)
    scenario_json = scenario_to_json(result.scenario)
    st.subheader(t("tf.measures.title", lang, indicator=indicator_label(column, lang)))
    with st.spinner(t("tf.measures.running", lang)):
        answer = models.measure_intervals(key, scenario_json, data)
    gaps = models.gap_intervals(key, scenario_json, data)
    table = charts.build_measures_table(measures=result.measures, indicator=column,
                                        info=MEASURES, lang=lang, intervals=answer)
    st.markdown(charts.build_measures_summary(table=table, lang=lang))
    st.caption(t("tf.measures.se_source", lang, source=answer["source"].text(lang)))
    gap_line = charts.build_gap_interval_text(gap=result.gap, before=gaps["before"],
                                              after=gaps["after"], lang=lang)
    if gap_line:
        st.markdown(escape_md(gap_line))
    st.info(escape_md(charts.build_d_versus_gap_text(result=result, lang=lang)),
            icon=":material/help:")
    exports.chart(
        build_measures_interval_figure(
            before=answer["before"], after=answer["after"],
            favourable=is_favourable(column),
            title=t("tf.measures.chart_title", lang, indicator=indicator_label(column, lang)),
            lang=lang, presenter=presenter),
        name="measures_intervals", key="tf_measures_chart", lang=lang, data=table,
        documents=exports.FUND_DOCUMENTS)
    # st.table wraps long text and grows with its rows: the "what it means" column is whole
    # and nothing scrolls inside the page.
    st.table(charts.format_measures_table(table=table, lang=lang))
    st.caption(t("tf.measures.caption", lang))


def share_tab(scenario: Scenario, data: Any, lang: str) -> None:
    st.info(t("tf.share.link", lang), icon=":material/link:")
    link, defaults = ui.scenario_link(scenario)
    if defaults:
        st.caption(t("tf.share.defaults", lang))
    st.caption(t("tf.share.query", lang))
    # st.code has a copy button: the full link, the sidebar's settings ahead of the scenario.
    st.code(link, language=None, wrap_lines=True)
    st.download_button(
        t("tf.share.download", lang), data=scenario_to_json(scenario),
        file_name="scenario.json", mime="application/json", icon=":material/download:",
        key="tf_download",
    )
    st.file_uploader(t("tf.share.upload", lang), type=["json"], key=ui.UPLOAD_KEY,
                     on_change=ui.load_scenario_file, args=(data, lang))
    message = ui.upload_message()
    if message is not None:
        kind, text, problems = message
        if kind == "ok":
            st.success(text, icon=":material/check_circle:")
            for line in problems:
                notice(line)
        else:
            items = "\n".join(
                f"- {escape_md(p.text(lang) if hasattr(p, 'text') else p)}" for p in problems)
            st.error(f"{text}\n\n{items}", icon=":material/error:")


@st.fragment
def simulator(data: Any, compare: dict[str, str], options: dict[str, list[str]], lang: str,
              presenter: bool) -> None:
    """Controls and results. A fragment: moving a control reruns this, not app.py's sidebar;
    the sidebar's own pickers (language, data, groups) rerun the whole app and so this too."""
    ui.check_link(lang, options)
    ui.keep_values(options)
    # Notices go above the headline, where the eye is, not below the scenario panel.
    title_box, notice_box = st.container(), st.container()
    # A container, not an st.empty: a container keeps the last run's headline on screen until
    # each of its elements is replaced, where an st.empty blanked it (and shifted the page up)
    # for as long as the model ran. Drawn once a run (see REDRAW_KEY).
    headline_box = st.container(key="tf_headline")
    mechanism_box = st.container()
    key = models.data_key(data)

    def outcome(values: dict[str, Any]) -> tuple[Scenario, list[Any], Any]:
        scenario, problems = ui.scenario_of(values, compare)
        return scenario, problems, models.simulation(key, scenario_to_json(scenario), data)

    def draw_headline(result: Any) -> None:
        # Computed, not cached: on a control move it is a cache miss anyway, and the cache's
        # own work (key, pickling, the simulation read back) cost more than the 1-2 ms here.
        gaps = models.gap_intervals_of(result, data.table)
        with headline_box:
            headline(result, lang, presenter, gap_ci=gaps["after"])

    # On a rerun the controls' values are known before they are drawn: the headline goes
    # out first, so the browser shows it before re-rendering the controls and charts.
    early = None if st.session_state.pop(REDRAW_KEY, False) else ui.stored_values(options)
    first = None
    prebuilt = None
    if early is not None:
        try:
            first = outcome(early)
        except (ValueError, KeyError):
            early = None  # the full path below reports it
        else:
            draw_headline(first[2])
            if st.session_state.get("tf_tab_code") == TABS[0]:
                # The open Results tab's charts are built before the controls are drawn, not
                # after: while they are built the headline's message is alone on the wire,
                # and the browser draws it before the rerun's hundred other messages arrive
                # (with them, it waits for all of them; benchmarks/README.md).
                prebuilt = results_figures(first[2], data, lang, presenter)
    values = ui.controls(lang, options, presenter=presenter)
    with title_box:
        title(compare, lang, presenter)
    if first is not None and values != early:
        # A widget corrected a value the session held: the headline drawn is not this
        # scenario's. Run again, drawing the headline after the controls (rare; at most once).
        st.session_state[REDRAW_KEY] = True
        st.rerun()
    if first is not None:
        scenario, problems, result = first
    else:
        scenario, problems = ui.scenario_of(values, compare)
        result = None
    with notice_box:
        for line in [*ui.link_notices(), *ui.problem_notices(problems, lang)]:
            notice(line)
    if result is None:
        try:
            result = models.simulation(key, scenario_to_json(scenario), data)
        except (ValueError, KeyError) as err:
            st.error(t("tf.notice.model_error", lang, message=escape_md(err)))
            ui.write_link(values)
            return
    with notice_box:
        for warning in result.warnings:
            notice(warning.text(lang))
    if first is None:
        draw_headline(result)
    if not presenter:  # presenter mode: under the results tab's charts, off the first screen
        with mechanism_box:
            mechanisms_note(values, compare, data, key, result, lang, presenter)

    def results_section() -> None:
        results_tab(result, data, lang, presenter, figures=prebuilt)
        if presenter:
            mechanisms_note(values, compare, data, key, result, lang, presenter)

    open_tab = coded_sections({name: t(f"tf.tab.{name}", lang) for name in TABS},
                              key="tf_tab", url_key="tab", lang=lang,
                              label=t("tf.tabs", lang))
    sections = {
        "results": results_section,
        "money": lambda: money_tab(result, lang, presenter),
        "measures": lambda: measures_tab(result, data, lang, presenter),
        "protection": lambda: fund_tabs.protection_section(data, key, scenario, result, lang,
                                                           presenter),
        "goal": lambda: fund_tabs.goal_tab(data, key, scenario, result, lang, presenter),
        "risk": lambda: fund_tabs.risk_tab(data, key, scenario, lang, presenter),
        "share": lambda: share_tab(scenario, data, lang),
    }
    try:
        sections[open_tab]()  # the others compute and draw nothing
    finally:
        # Last: the browser handles the address bar's change with the messages that arrive
        # with it, so it must not arrive with the headline's (dashboard.scenario_ui.write_link).
        ui.write_link(values)


def mechanisms_note(values: dict[str, Any], compare: dict[str, str], data: Any, key: str,
                    result: Any, lang: str, presenter: bool) -> None:
    """One sentence per active mechanism: what it does and how the gap and the patients' bill
    would differ without it (the same scenario with that control at its default, cached)."""
    active = charts.active_mechanisms(values)
    if not active:
        return
    without = {}
    for name in active:
        changed = dict(values)
        changed[name] = PARAMETER_BY_KEY[name].default
        other, problems = ui.scenario_of(changed, compare)
        if not problems:
            # a refused scenario leaves the effect out; the sentence on what it does stays
            with contextlib.suppress(ValueError, KeyError):
                without[name] = models.simulation(key, scenario_to_json(other), data)
    sentences = charts.build_mechanism_sentences(values=values, table=data.table,
                                                 result=result, without=without, lang=lang)
    with st.expander(t("tf.mech.title", lang), expanded=not presenter,
                     icon=":material/account_tree:"):
        st.markdown("\n".join(f"- {escape_md(line)}" for line in sentences))


def title(compare: dict[str, str], lang: str, presenter: bool) -> None:
    """The page title; in presenter mode the scenario's name, when it has one."""
    name = ui.scenario_name() if presenter else ""
    st.title(escape_md(name) if name else t("tf.title", lang))
    if presenter:  # the audience reads the headline; the screen's height goes to the chart
        return
    st.caption(t("tf.intro", lang, a=escape_md(group_name(compare["a"], lang)),
                 b=escape_md(group_name(compare["b"], lang))))


def main() -> None:
    lang = get_lang()
    data = get_data()
    if data is None:
        st.title(t("tf.title", lang))
        st.warning(t("tf.notice.no_data", lang))
        return
    simulator(data, get_compare(), ui.page_options(data), lang, is_presenter())


# Streamlit runs a page as "__main__"; benchmarks/bare_transfer_page.py imports the helpers.
if __name__ == "__main__":
    main()
