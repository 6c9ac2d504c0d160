"""Entry point: page config, the shared pickers (language, dataset, comparison groups,
presenter mode) and the navigation. Pages live in ``views/``; shared state in
``st.session_state`` is read through ``dashboard.state``; URL binding and link checks are
``dashboard.links``.

Run: ``streamlit run app.py``. The language, dataset, groups and presenter mode are bound to
the page URL (``?lang=zh&dataset=city_w&compare_a=urban``): a copied link reopens the same view,
and a value the app cannot use falls back to its default with a visible notice.
"""

from __future__ import annotations

import streamlit as st

from dashboard import first_screen, replay, warmup

# A new server's first visitor: the Overview's first screen from its recording, before
# anything else is imported (dashboard/replay.py); the next run draws the whole page.
if replay.replay():
    st.stop()
# Under `streamlit run serve.py` the server's warm-up may still be importing (or put off
# until now); let it finish.
warmup.wait()

from dashboard import shell  # noqa: E402
from dashboard.links import (  # noqa: E402
    UPLOAD,
    LinkNotice,
    check_link,
    coded_choice,
    dismiss_link_notices,
    keep_valid,
    language_changed,
    remember_link_notices,
    seed_choice,
    show_link_notices,
)
from dashboard.render import escape_md  # noqa: E402
from dashboard.state import DEFAULT_COMPARE, is_presenter  # noqa: E402
from equity import MODEL_VERSION  # noqa: E402
from equity.charts.style import column_label, group_name  # noqa: E402
from equity.i18n import LANGUAGE_NAMES, LANGUAGES, t  # noqa: E402

shell.page_config(is_presenter())


@st.cache_resource(show_spinner=False)
def _bundled(name: str):
    from equity.datasets import load

    return load(name)


def _datasets() -> list:
    from equity.datasets import list_datasets

    return [d for d in list_datasets() if d.kind == "regions"]


def _categorical_columns(table) -> list[str]:
    skip = {"region_id", "region_name"}
    columns = []
    for column in table.columns:
        if column in skip:
            continue
        series = table[column]
        if series.dtype.kind in "biufcmM":
            continue
        if 2 <= series.astype(str).nunique() < len(series) or column == "area_type":
            columns.append(str(column))
    if "area_type" in columns:
        columns.remove("area_type")
        columns.insert(0, "area_type")
    return columns


# A session's first run draws the page's first screen only; the controls follow once its
# charts are drawn (dashboard/first_screen.py).
first = first_screen.begin()


def _pick(widget, key: str, label: str, options: list[str], default: str, **kwargs) -> str:
    """A sidebar choice: its widget, or on the first screen only its value (the widget comes
    with the rest of the page)."""
    if first:
        return seed_choice(key, options, default)
    return coded_choice(widget, key, label, options, default, **kwargs)


pending_upload = st.session_state.pop("_switch_to_upload", False)
if pending_upload and "uploaded_data" in st.session_state:
    st.session_state["dataset"] = UPLOAD

notices: list[LinkNotice] = []

with st.sidebar:
    if first:
        first_screen.reveal()
    # The title goes above the language switch but depends on it: reserve its place first.
    title_slot = st.empty()
    check_link("lang", list(LANGUAGES), LANGUAGE_NAMES[LANGUAGES[0]], notices)
    lang = _pick(
        st.radio, "lang", t("app.language", "en"), LANGUAGES, LANGUAGES[0],
        format_func=LANGUAGE_NAMES.__getitem__, horizontal=True,
        on_change=language_changed,
    )
    if not first:
        title_slot.title(t("app.title", lang))

    try:
        infos = _datasets()
    except ImportError:
        infos = []
    names = [d.name for d in infos]
    titles = [d.title_zh if lang == "zh" else d.title_en for d in infos]
    uploaded = st.session_state.get("uploaded_data")
    if uploaded is not None:
        names.append(UPLOAD)
        titles.append(t("app.uploaded", lang, name=uploaded.name))
    region_data = None
    dataset_title = ""
    if names:
        check_link("dataset", names, titles[0], notices)
        # Shown by title, the code kept in the URL (?dataset=city_w): bind="query-params"
        # would put the displayed title there.
        title_of = dict(zip(names, titles, strict=True))
        dataset = _pick(
            st.radio, "dataset", t("app.dataset", lang), names, names[0],
            format_func=lambda name: escape_md(title_of[name]),
            help=t("app.dataset_help", lang), on_change=dismiss_link_notices,
        )
        region_data = uploaded if dataset == UPLOAD else _bundled(dataset)
        dataset_title = titles[names.index(dataset)]

    compare = dict(DEFAULT_COMPARE)
    if region_data is not None:
        table = region_data.table
        columns = _categorical_columns(table) or ["area_type"]
        check_link("compare_col", columns, columns[0], notices)
        keep_valid("compare_col", columns, columns[0])
        column = seed_choice("compare_col", columns, columns[0])
        values = sorted(table[column].astype(str).unique()) if column in table else []
        if values:
            default_a = DEFAULT_COMPARE["a"] if DEFAULT_COMPARE["a"] in values else values[0]
            rest = [v for v in values if v != default_a] or values
            default_b = DEFAULT_COMPARE["b"] if DEFAULT_COMPARE["b"] in rest else rest[0]
            check_link("compare_a", values, default_a, notices)
            check_link("compare_b", values, default_b, notices)
            compare = {"column": column, "a": seed_choice("compare_a", values, default_a),
                       "b": seed_choice("compare_b", values, default_b)}
        if not first:
            # The pickers sit in a popover whose button names the groups compared: the sidebar
            # then fits a 900 px screen and says what is compared at a glance (a closed
            # popover's content is not in the page; benchmarks/README.md, fourteenth session).
            label = (t("app.compare_label", lang, a=escape_md(group_name(compare["a"], lang)),
                       b=escape_md(group_name(compare["b"], lang)))
                     if values else t("app.compare", lang))
            with st.popover(
                label,
                icon=":material/compare_arrows:", width="stretch", key="compare_box",
            ):
                st.markdown(f"**{t('app.compare', lang)}**")
                # Shown in words when the catalogue knows the column, its name kept in the URL.
                coded_choice(
                    st.selectbox, "compare_col", t("app.compare_column", lang), columns,
                    columns[0], format_func=lambda name: escape_md(column_label(name, lang)),
                    help=t("app.compare_column_help", lang), on_change=dismiss_link_notices,
                )
                if values:
                    coded_choice(
                        st.selectbox, "compare_a", t("app.compare_a", lang), values, default_a,
                        format_func=lambda v: escape_md(group_name(v, lang)),
                        on_change=dismiss_link_notices,
                    )
                    coded_choice(
                        st.selectbox, "compare_b", t("app.compare_b", lang), values, default_b,
                        format_func=lambda v: escape_md(group_name(v, lang)),
                        on_change=dismiss_link_notices,
                    )
            if values and compare["a"] == compare["b"]:
                st.warning(t("app.compare_same", lang,
                             value=escape_md(group_name(compare["a"], lang))))

    check_link("presenter", ["true", "false"], t("app.off", lang), notices, fold=True)
    if first:
        presenter = is_presenter()
    else:
        presenter = st.toggle(
            t("app.presenter", lang), help=t("app.presenter_help", lang),
            key="presenter", bind="query-params", on_change=dismiss_link_notices,
        )
        st.caption(t("app.link_help", lang))

shell.page_style(presenter, lang)

st.session_state["region_data"] = region_data
st.session_state["dataset_title"] = dataset_title
st.session_state["compare"] = compare

if not first:  # the link's notices come with the controls they are about
    show_link_notices(remember_link_notices(notices), lang)
if region_data is None:
    st.error(t("app.data_missing", lang))

page = st.navigation(shell.pages(lang))
page.run()

if not first:
    st.divider()
    st.caption(t("app.footer", lang, version=MODEL_VERSION))
