"""The scenario on the Transfer fund page: controls, the link check, the file upload, the link.

Controls are generated from ``equity.scenario.PARAMETERS``, in groups shown one at a time (a
segmented control chooses the group; the others draw nothing, so every rerun of the simulator
re-renders a third as many elements: benchmarks/README.md, thirteenth session). Every
control's value lives in ``st.session_state`` under its parameter key
(``persist_state="session"`` keeps a hidden group's values), and the page writes the whole
scenario into the address bar itself (:func:`write_link`, non-default values only), so a
copied link holds the hidden groups' settings too and opening it reproduces the scenario.
(``bind="query-params"`` would drop a control's value from the address bar while its group
is hidden.)

Link check, once per session: each link value goes through
``equity.scenario.scenario_from_flat``; a usable one becomes the control's value, an unusable
one is replaced by the default with a visible notice (shown until a control moves).
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from dashboard.links import (
    coded_sections,
    dismiss_link_notices,
    link_value,
    share_link,
    translated_choice,
    write_to_link,
)
from dashboard.render import escape_md
from dashboard.state import get_compare
from equity import comparison
from equity.charts.style import capitalise, group_label, indicator_label
from equity.i18n import Message, fmt_money, has, t
from equity.scenario import (
    PARAMETER_BY_KEY,
    PARAMETERS,
    RECIPIENTS_BELOW_TARGET,
    Parameter,
    Scenario,
    ScenarioError,
    flat_value,
    scenario_from_flat,
    scenario_from_json,
    scenario_to_flat,
)

# Control groups, in the order shown; the "compare" groups come from the sidebar (app.py).
# Known groups first in this order, then any other group scenario.yaml declares (so a new
# group of parameters gets its controls without a change here).
GROUP_ORDER: tuple[str, ...] = ("financing", "price", "coordination", "allocation", "use",
                                "target")
GROUPS: tuple[str, ...] = (
    *(g for g in GROUP_ORDER if any(p.group == g for p in PARAMETERS)),
    *dict.fromkeys(p.group for p in PARAMETERS
                   if p.group not in GROUP_ORDER and p.group != "compare"),
)
COLUMNS_PER_ROW = 4
"""Controls a row in the open group; a group of five or six goes in two even rows."""
INDICATOR_KEY = comparison.INDICATOR_KEY
# Gap indicators offered here: both are 0-1 shares, so their gaps read in percentage points.
PAGE_INDICATORS: tuple[str, ...] = ("charity_coverage", "oop_share")
CONTROL_KEYS: tuple[str, ...] = (
    *(p.key for p in PARAMETERS if p.group in GROUPS),
    INDICATOR_KEY,
)


def group_keys(group: str) -> list[str]:
    """The control keys of ``group``, in the order shown (the gap indicator with the target)."""
    keys = [p.key for p in PARAMETERS if p.group == group]
    if group == "target":
        keys.append(INDICATOR_KEY)
    return keys


GROUP_OF: dict[str, str] = {key: group for group in GROUPS for key in group_keys(group)}
"""The group of each control key."""
GROUP_KEY = "tf_group"
"""Session key of the chosen group (its label; ``tf_group_code`` holds the group's code, the
URL's ``group`` too: :func:`dashboard.links.coded_sections`)."""
GROUP_URL_KEY = "group"
NOTICES = "tf_url_notices"
URL_CHECKED = "tf_url_checked"
UPLOAD_KEY = "tf_upload"
NAME_KEY = "name"
UPLOAD_MESSAGE = "tf_upload_message"


# --------------------------------------------------------------------------- values and labels


def widget_value(p: Parameter, value: Any) -> Any:
    return float(value) if p.numeric else value


def shown(p: Parameter, value: Any, lang: str) -> str:
    """A parameter value as the widget shows it: numbers as equity.comparison writes them,
    the recipients and indicator choices by their labels."""
    if p.numeric:
        return comparison.shown(p, value, lang)
    if p.key == "recipients":
        return t("tf.recipients.below_target", lang) if value == RECIPIENTS_BELOW_TARGET \
            else group_label(str(value), lang)
    return indicator_label(str(value), lang)


def label(p: Parameter, lang: str) -> str:
    unit = p.unit[lang]
    suffix = f" {t('tf.unit_suffix', lang, unit=unit)}" if unit and p.kind != "fraction" else ""
    return f"{p.label[lang]}{suffix}"


def page_options(data: Any) -> dict[str, list[str]]:
    """The values the page's choice controls offer for this data."""
    area_types = sorted(data.table["area_type"].astype(str).unique())
    return {"recipients": [RECIPIENTS_BELOW_TARGET, *area_types],
            INDICATOR_KEY: list(PAGE_INDICATORS)}


# --------------------------------------------------------------------------- controls


def clear_notices() -> None:
    """A control moved: the link's notices (this page's and the sidebar's) have been seen."""
    st.session_state.pop(NOTICES, None)
    dismiss_link_notices()


def _control(p: Parameter, lang: str, options: dict[str, list[str]]) -> Any:
    if p.key in options:
        return _choice(p, options[p.key], lang)
    if not p.numeric:  # a choice declared with fixed options (e.g. paired_assistance)
        return _choice(p, list(p.choices or (p.default,)), lang)
    common: dict[str, Any] = {
        "key": p.key,
        "help": p.help[lang],
        # Not bound to the URL: write_link writes every group's values, drawn or not.
        "persist_state": "session",
        "on_change": clear_notices,
    }
    if p.kind == "money":
        digits = 0 if float(p.step or 1).is_integer() else 1
        value = st.number_input(
            label(p, lang), min_value=float(p.minimum or 0.0), max_value=float(p.maximum),
            value=float(p.default), step=float(p.step or 1.0), format=f"%.{digits}f", **common,
        )
        if value >= 10_000:  # a long row of digits, read back the way people say it
            st.caption(f"= {fmt_money(value, lang)}")
        return value
    return st.slider(
        label(p, lang), min_value=float(p.minimum), max_value=float(p.maximum),
        value=float(p.default), step=float(p.step or 0.01),
        format="percent" if p.kind == "fraction" else "%.2f", **common,
    )


def choice_label(p: Parameter, value: str, lang: str) -> str:
    """A fixed choice's label, as every table of parameters shows it
    (:func:`equity.comparison.shown`)."""
    return comparison.shown(p, value, lang)


def _choice(p: Parameter, choices: list[str], lang: str) -> str:
    if p.key == "recipients":
        def fmt(value: str) -> str:
            if value == RECIPIENTS_BELOW_TARGET:
                return t("tf.recipients.below_target", lang)
            return t("tf.recipients.groups", lang, group=group_label(value, lang))
    elif p.key == INDICATOR_KEY:
        def fmt(value: str) -> str:
            return capitalise(indicator_label(value, lang))
    else:
        def fmt(value: str) -> str:
            return choice_label(p, value, lang)
    return translated_choice(p.key, label(p, lang), choices, p.default, lang, format_func=fmt,
                        help=p.help[lang], on_change=clear_notices)


def group_title(group: str, lang: str) -> str:
    code = f"tf.group.{group}"
    return t(code, lang) if has(code) else f"{t('tf.group.other', lang)} ({group})"


def open_group(group: str) -> None:
    """Show ``group``'s controls on the next run (a callback: before the chooser is drawn)."""
    st.session_state.pop(GROUP_KEY, None)
    st.session_state[f"{GROUP_KEY}_code"] = group


def _per_row(count: int) -> int:
    rows = math.ceil(count / COLUMNS_PER_ROW)
    return max(1, math.ceil(count / rows)) if count > COLUMNS_PER_ROW else COLUMNS_PER_ROW


def is_default(key: str, value: Any) -> bool:
    p = PARAMETER_BY_KEY[key]
    return widget_value(p, value) == widget_value(p, p.default)


def controls(lang: str, options: dict[str, list[str]], *,
             presenter: bool = False) -> dict[str, Any]:
    """The scenario panel: the scenario's name (``?name=`` in the link; the page title in
    presenter mode, not read by the model), the presets, and the chosen group's controls (a
    segmented control chooses the group). Returns key -> value for every control, the other
    groups' from the session, for :func:`write_link` to put into the address bar once the page
    is drawn.

    In presenter mode the panel starts folded, so the headline and the chart fill the screen.
    Call :func:`keep_values` first (every control then has a value)."""
    values: dict[str, Any] = {}
    with st.expander(t("tf.controls", lang), expanded=not presenter, icon=":material/tune:"):
        st.text_input(t("tf.name", lang), key=NAME_KEY, max_chars=80,
                      placeholder=t("tf.name_placeholder", lang), bind="query-params",
                      persist_state="session")
        presets_section(lang)
        # Only the chosen group is drawn; the others' values stay in the session.
        group = coded_sections({g: group_title(g, lang) for g in GROUPS}, key=GROUP_KEY,
                               url_key=GROUP_URL_KEY, lang=lang, label=t("tf.groups", lang))
        if group == "allocation":
            st.caption(t("tf.group.allocation_help", lang))
        keys = group_keys(group)
        columns = st.columns(_per_row(len(keys)), gap="medium")
        for i, key in enumerate(keys):
            with columns[i % len(columns)]:
                values[key] = _control(PARAMETER_BY_KEY[key], lang, options)
        elsewhere = [k for k in CONTROL_KEYS if GROUP_OF[k] != group
                     and not is_default(k, st.session_state[k])]
        if elsewhere:  # what the other groups hold, so nothing set is out of sight
            st.caption(escape_md(elsewhere_text(elsewhere, lang)))
    values.update({k: st.session_state[k] for k in CONTROL_KEYS if k not in values})
    return {k: values[k] for k in CONTROL_KEYS}


def elsewhere_text(keys: list[str], lang: str) -> str:
    """"Set in the other groups: <label> = <value>; …" for the controls ``keys``."""
    items = [t("tf.group.elsewhere_item", lang, label=PARAMETER_BY_KEY[k].label[lang],
               value=shown(PARAMETER_BY_KEY[k], st.session_state[k], lang)) for k in keys]
    return t("tf.group.elsewhere", lang, settings=t("tf.group.elsewhere_sep", lang).join(items))


def write_link(values: dict[str, Any]) -> None:
    """Keep the address bar equal to the controls: each non-default value under its key
    (written as a shared link writes it: ``equity.scenario.flat_value``), defaults left out.

    Call it last in a run: the browser handles the address bar's change (the sidebar's
    navigation renders again) in the same batch as the messages that arrived with it, so
    written before the headline's it delayed the headline by about 15 ms (benchmarks/README.md,
    thirteenth session)."""
    for key, value in values.items():
        p = PARAMETER_BY_KEY[key]
        write_to_link(key, None if is_default(key, value) else flat_value(p, value), None)


def keep_values(options: dict[str, list[str]]) -> None:
    """Give every control a value in the session before anything is drawn: its default where
    it has none (a new session; the link's values are set by :func:`check_link`), and its
    default where a choice is no longer offered (another dataset)."""
    for key in CONTROL_KEYS:
        p = PARAMETER_BY_KEY[key]
        if key in options:
            if st.session_state.get(key) not in options[key]:
                st.session_state[key] = p.default
        elif key not in st.session_state:
            st.session_state[key] = widget_value(p, p.default)


def stored_values(options: dict[str, list[str]]) -> dict[str, Any] | None:
    """The controls' values as this rerun will draw them, read from the session before the
    widgets exist (:func:`keep_values` gives each one), or None if one has none or a choice
    the data does not offer.

    A moved control's new value is in ``st.session_state`` when the rerun starts, so the
    page can send the headline ahead of the controls: the browser then draws the headline
    in its first batch instead of after re-rendering every control (issue 10, slider ->
    headline). :func:`controls` still draws the widgets; the page compares its values with
    these and redraws the headline in the rare case they differ (a value the widget
    corrected)."""
    values: dict[str, Any] = {}
    for key in CONTROL_KEYS:
        if key not in st.session_state:
            return None
        value = st.session_state[key]
        if key in options and value not in options[key]:
            return None
        values[key] = value
    return values


# --------------------------------------------------------------------------- presets

PRESETS_KEY = "tf_presets"
PRESETS_APPLIED = "tf_presets_applied"


def preset_widget_values(values: dict[str, Any]) -> dict[str, Any]:
    """A preset combination's values (``equity.presets.Combination.values``) as the page's
    widget values, ``{control key: value}``: the weights spread over their four controls, a
    one-group recipients list as that group. Keys the page has no control for are left out
    (:func:`preset_keys_without_control` names them)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "weights":
            out.update({f"weights.{k}": v for k, v in value.items()})
        elif key == "recipients" and not isinstance(value, str):
            if len(value) == 1:
                out[key] = value[0]
        else:
            out[key] = value
    return {k: widget_value(PARAMETER_BY_KEY[k], v) for k, v in out.items()
            if k in CONTROL_KEYS}


def preset_keys_without_control(values: dict[str, Any]) -> list[str]:
    """Keys a preset sets that no control on this page takes (not yet declared in
    scenario.yaml, or a recipients list of several groups)."""
    shown_keys = set(preset_widget_values(values))
    return [key for key in values if key != "weights" and key not in shown_keys]


def apply_presets(previous: list[str] | tuple[str, ...], now: list[str] | tuple[str, ...]
                  ) -> None:
    """Move the controls from the presets ``previous`` to ``now`` (in session state, before
    the widgets are drawn): a key the new combination sets takes its value when it differs
    from what ``previous`` set (so a control moved by hand after a preset keeps its value
    unless a preset changes it); a key only ``previous`` set goes back to its default."""
    from equity.presets import combine

    old = preset_widget_values(combine(list(previous)).values)
    new = preset_widget_values(combine(list(now)).values)
    for key in old:
        if key not in new:
            st.session_state[key] = widget_value(PARAMETER_BY_KEY[key],
                                                 PARAMETER_BY_KEY[key].default)
    for key, value in new.items():
        if key not in old or old[key] != value:
            st.session_state[key] = value
    st.session_state[PRESETS_APPLIED] = list(now)
    clear_notices()


def _presets_changed() -> None:
    apply_presets(st.session_state.get(PRESETS_APPLIED, []),
                  list(st.session_state.get(PRESETS_KEY) or []))


def _undo_preset(name: str) -> None:
    applied = list(st.session_state.get(PRESETS_APPLIED, []))
    now = [n for n in applied if n != name]
    st.session_state[PRESETS_KEY] = now
    apply_presets(applied, now)


def preset_source(preset: Any, lang: str) -> str:
    """"Document <title>, section <s>" in ``lang`` (the report's document titles)."""
    code = f"report.doc.{preset.document}"
    document = t(code, lang) if has(code) else preset.document
    return t("tf.presets.source", lang, document=document, section=preset.section)


def preset_rows(names: list[str], lang: str) -> list[dict[str, str]]:
    """One row per key the chosen presets set: the control's label, the value as the control
    shows it, the preset whose value stands (``Combination.origin``) and the setting's
    basis (documented / derived / illustrative)."""
    from equity.presets import combine, get_preset

    combination = combine(names)
    rows = []
    for key, origin in combination.origin.items():
        preset = get_preset(origin)
        setting = preset.sets[key]
        value = combination.values[key]
        if key == "weights":
            label_text = t("tf.presets.weights", lang)
            text = t("tf.list_sep", lang).join(
                f"{PARAMETER_BY_KEY[f'weights.{k}'].label[lang]} {v:g}"
                for k, v in value.items())
        elif key in PARAMETER_BY_KEY:
            p = PARAMETER_BY_KEY[key]
            label_text = p.label[lang]
            one = value[0] if isinstance(value, list) and len(value) == 1 else value
            if isinstance(one, list):
                text = ", ".join(group_label(v, lang) for v in one)
            elif p.kind == "choice" and p.choices:
                text = choice_label(p, str(one), lang)
            else:
                text = shown(p, one, lang)
        else:
            label_text, text = key, str(value)
        if key != "weights" and key not in PARAMETER_BY_KEY:
            text = t("tf.presets.no_control", lang, value=text)
        rows.append({
            t("tf.presets.col.parameter", lang): label_text,
            t("tf.presets.col.value", lang): text,
            t("tf.presets.col.set_by", lang): t(preset.title, lang),
            t("tf.presets.col.basis", lang): t(f"presets.basis.{setting.basis}", lang),
        })
    return rows


def presets_section(lang: str) -> None:
    """Pick presets by name; each active one shows its source, description and an undo; a
    table says which preset set which control (a later preset overrides an earlier one)."""
    from equity.presets import combine, get_preset, presets

    available = list(presets())
    if PRESETS_APPLIED not in st.session_state:
        st.session_state[PRESETS_APPLIED] = []
    chosen = st.multiselect(
        t("tf.presets.label", lang), available,
        format_func=lambda name: t(get_preset(name).title, lang),
        placeholder=t("tf.presets.placeholder", lang), help=t("tf.presets.help", lang),
        key=PRESETS_KEY, on_change=_presets_changed,
    )
    if not chosen:
        return
    with st.container(key="tf_presets_box"):
        for name in chosen:
            preset = get_preset(name)
            left, right = st.columns([6, 1], vertical_alignment="center")
            left.markdown(f"**{escape_md(t(preset.title, lang))}** · "
                          f"{escape_md(preset_source(preset, lang))}")
            left.caption(escape_md(t(preset.description, lang)))
            right.button(t("tf.presets.undo", lang), key=f"tf_preset_undo_{name}",
                         on_click=_undo_preset, args=(name,), icon=":material/undo:")
        import pandas as pd

        st.table(pd.DataFrame(preset_rows(list(chosen), lang)))
        combination = combine(list(chosen))
        for o in combination.overridden:
            st.caption(t("tf.presets.overridden", lang,
                         parameter=(PARAMETER_BY_KEY[o.key].label[lang]
                                    if o.key in PARAMETER_BY_KEY else o.key),
                         earlier=t(get_preset(o.earlier).title, lang),
                         later=t(get_preset(o.later).title, lang)))
        for name, target in combination.targets.items():
            st.caption(t("tf.presets.target", lang, indicator=indicator_label(name, lang),
                         value=f"{target:.0%}",
                         preset=t(get_preset(combination.target_origin[name]).title, lang)))


def scenario_of(values: dict[str, Any], compare: dict[str, str]) -> tuple[Scenario, list[str]]:
    """The scenario the widgets describe (validated by equity.scenario), with its notices."""
    flat = {key: str(value) for key, value in values.items()}
    flat.update({f"compare.{k}": str(v) for k, v in compare.items() if k in ("column", "a",
                                                                           "b")})
    return scenario_from_flat(flat)


def set_lever(key: str, value: float) -> None:
    """Set a control to ``value`` rounded up to its step (so a goal-seek answer still reaches
    its target), then rerun the whole page."""
    p = PARAMETER_BY_KEY[key]
    step = float(p.step or 0.0)
    applied = math.ceil(value / step - 1e-9) * step if step else value
    st.session_state[key] = min(float(p.maximum), applied)
    open_group(GROUP_OF[key])  # the moved control in view
    st.session_state["tf_rerun_app"] = True
    clear_notices()


def scenario_name() -> str:
    """The name the user gave this scenario ("" when none)."""
    return " ".join(str(st.session_state.get(NAME_KEY) or "").split())


# --------------------------------------------------------------------------- the link check


def check_link(lang: str, options: dict[str, list[str]]) -> None:
    """Set each control the link gives a usable value; reset each unusable one to its
    default and record a notice saying so (shown until a control moves)."""
    # Only the link the page was opened with is read: later the URL follows the controls,
    # and a control set to a refused combination (every weight 0) is reported by
    # problem_notices instead of being snapped back as if it came from a link.
    if st.session_state.get(URL_CHECKED):
        return
    st.session_state[URL_CHECKED] = True
    # A key given twice has no value here (link_value); the sidebar's check reports it.
    raw = {key: value for key in CONTROL_KEYS if (value := link_value(key)) is not None}
    if not raw:
        return
    _, problems = scenario_from_flat(raw)
    bad: dict[str, Message | None] = {}
    for problem in problems:
        key = problem.params["field"]
        keys = [k for k in CONTROL_KEYS if k == key or k.startswith(key + ".")]
        for k in keys:
            bad[k] = problem
    for key, choices in options.items():
        if key in raw and key not in bad and raw[key] not in choices:
            bad[key] = None  # a value the page does not offer: listed with the others below
    for key in CONTROL_KEYS:
        p = PARAMETER_BY_KEY[key]
        if key in bad:
            st.session_state[key] = widget_value(p, p.default)
        elif key in raw:
            st.session_state[key] = widget_value(p, raw[key])
    if not bad:
        return
    items = [
        t("tf.notice.url_item", lang, label=PARAMETER_BY_KEY[k].label[lang],
          value=raw.get(k, ""), default=shown(PARAMETER_BY_KEY[k], PARAMETER_BY_KEY[k].default,
                                              lang))
        for k in CONTROL_KEYS if k in bad and k in raw
    ]
    groups = [problem for key, problem in bad.items() if key not in raw]
    st.session_state[NOTICES] = [t("tf.notice.url", lang, items="; ".join(items)),
                                 *problem_notices(list(dict.fromkeys(groups)), lang)]


def problem_notices(problems: list[Message | None], lang: str) -> list[str]:
    """Readable notices for scenario_from_flat's cross-key problems (told apart by the field
    each names, never by their text).

    The groups compared are the sidebar's business (app.py warns about them), so their
    problems are left to it."""
    notices = []
    for problem in problems:
        if problem is None:
            continue
        field = problem.params.get("field")
        if field == "weights":
            notices.append(t("tf.notice.weights", lang))
        elif field != "compare":
            notices.append(problem.text(lang))
    return notices


def link_notices() -> list[str]:
    """The link check's notices, shown until a control moves."""
    return list(st.session_state.get(NOTICES, []))


# --------------------------------------------------------------------------- share and upload


def scenario_link(scenario: Scenario) -> tuple[str, bool]:
    """The page's share link for ``scenario``, and whether every control is at its default."""
    flat = {k: v for k, v in scenario_to_flat(scenario).items() if k in CONTROL_KEYS}
    return share_link(flat), not flat


def load_scenario_file(data: Any, lang: str) -> None:
    """Upload callback: validate the file through equity.scenario, then set every control.

    Leaves ``(kind, text, lines)`` under UPLOAD_MESSAGE for :func:`upload_message`."""
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        return
    name = escape_md(upload.name)
    try:
        text = upload.getvalue().decode("utf-8")
        loaded = scenario_from_json(text)
    except UnicodeDecodeError:
        st.session_state[UPLOAD_MESSAGE] = (
            "error", t("tf.share.bad_file", lang, name=name), [t("tf.share.not_text", lang)])
        return
    except ScenarioError as err:
        st.session_state[UPLOAD_MESSAGE] = (
            "error", t("tf.share.bad_file", lang, name=name), err.problems)
        return
    options = page_options(data)
    adjusted: list[str] = []
    for key in CONTROL_KEYS:
        p = PARAMETER_BY_KEY[key]
        value = loaded.get(key)
        if isinstance(value, tuple):  # recipients as a list of groups: the page offers one
            value = value[0] if len(value) == 1 else ",".join(value)
        if key in options and value not in options[key]:
            adjusted.append(t("tf.share.adjusted", lang, label=p.label[lang], value=value,
                              default=shown(p, p.default, lang)))
            value = p.default
        st.session_state[key] = widget_value(p, value)
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
    clear_notices()
    st.session_state[UPLOAD_MESSAGE] = ("ok", t("tf.share.loaded", lang, name=name), adjusted)


def upload_message() -> tuple[str, str, list] | None:
    """The last upload's outcome (shown once): ("ok" | "error", headline, lines)."""
    return st.session_state.pop(UPLOAD_MESSAGE, None)


def current_scenario() -> tuple[Scenario, list]:
    """The scenario the Transfer fund page shows now (validated), and any problems, for the
    other pages: each control's value from the session (the widgets keep their state across
    pages), else from the URL, else its default; the groups compared from the sidebar."""
    flat: dict[str, str] = {}
    for key in CONTROL_KEYS:
        value: Any = st.session_state.get(key)
        if value is None:
            value = st.query_params.get(key)
        if value is not None:
            flat[key] = str(value)
    flat.update({f"compare.{k}": str(v) for k, v in get_compare().items()
                 if k in ("column", "a", "b")})
    return scenario_from_flat(flat)
