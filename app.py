"""Entry point: page config, the shared pickers (language, dataset, comparison groups,
presenter mode) and the navigation. Pages live in ``views/``; shared state in
``st.session_state`` is read through ``app_support``.

Run: ``streamlit run app.py``. The language, dataset, groups and presenter mode are bound to
the page URL (``?lang=zh&dataset=city_w&compare_a=urban``): a copied link reopens the same view,
and a value the app cannot use falls back to its default with a visible notice.
"""

from __future__ import annotations

import streamlit as st

from app_support import DEFAULT_COMPARE, escape_md, notice
from equity import MODEL_VERSION
from equity.i18n import LANGUAGE_NAMES, LANGUAGES, t

st.set_page_config(
    page_title="Coverage equity · 覆盖公平",
    page_icon=":material/balance:",
    layout="wide",
    initial_sidebar_state="expanded",
)

# Dataset option of the last uploaded file (set by the Data page when a file validates).
UPLOAD = "upload"


def _url_value(key: str) -> str | None:
    """The raw value a link gave for ``key``, if any (read before the bound widget consumes it)."""
    return st.query_params.get(key)


def _check_url(
    key: str, options: list[str], fallback: str, notices: list[tuple], *, fold: bool = False
) -> None:
    """Record a notice when the link's value for ``key`` is not one of ``options``.

    Streamlit drops such a value silently and shows the default; people who followed a link
    should see that it did not apply. ``fold``: compare case-insensitively (true/false)."""
    raw = _url_value(key)
    if raw is None:
        return
    value = raw.lower() if fold else raw
    if value not in options:
        notices.append((key, raw, fallback))


def _keep_valid(key: str, options: list[str], default: str) -> None:
    """Reset a picker whose options changed under it (another dataset or grouping column).

    Without this Streamlit keeps the old value, finds it differs from the new default and
    writes it into the URL, where the next run would reject it. Only runs after the widget
    existed, so a value arriving in a link is left to the binding (and to ``_check_url``)."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default


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


def _sidebar_style(presenter: bool) -> None:
    # Larger base font for readability on shared screens; Streamlit sizes text in rem.
    size = 21 if presenter else 17
    st.html(
        f"<style>html {{ font-size: {size}px; }}"
        ' [data-testid="stMetricValue"] { font-size: 2rem; }</style>'
    )


pending_upload = st.session_state.pop("_switch_to_upload", False)
if pending_upload and "uploaded_data" in st.session_state:
    st.session_state["dataset"] = UPLOAD

notices: list[tuple[str, str, str]] = []

with st.sidebar:
    # The title goes above the language switch but depends on it: reserve its place first.
    title_slot = st.empty()
    _check_url("lang", list(LANGUAGES), LANGUAGE_NAMES[LANGUAGES[0]], notices)
    lang = st.radio(
        "Language · 语言",
        LANGUAGES,
        captions=[LANGUAGE_NAMES[code] for code in LANGUAGES],
        horizontal=True,
        key="lang",
        bind="query-params",
    )
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
        _check_url("dataset", names, titles[0], notices)
        dataset = st.radio(
            t("app.dataset", lang),
            names,
            captions=[escape_md(title) for title in titles],
            help=t("app.dataset_help", lang),
            key="dataset",
            bind="query-params",
        )
        region_data = uploaded if dataset == UPLOAD else _bundled(dataset)
        dataset_title = titles[names.index(dataset)]

    compare = dict(DEFAULT_COMPARE)
    if region_data is not None:
        table = region_data.table
        st.subheader(t("app.compare", lang))
        columns = _categorical_columns(table) or ["area_type"]
        _check_url("compare_col", columns, columns[0], notices)
        _keep_valid("compare_col", columns, columns[0])
        column = st.selectbox(
            t("app.compare_column", lang),
            columns,
            help=t("app.compare_column_help", lang),
            key="compare_col",
            bind="query-params",
        )
        values = sorted(table[column].astype(str).unique()) if column in table else []
        if len(values) >= 1:
            default_a = DEFAULT_COMPARE["a"] if DEFAULT_COMPARE["a"] in values else values[0]
            rest = [v for v in values if v != default_a] or values
            default_b = DEFAULT_COMPARE["b"] if DEFAULT_COMPARE["b"] in rest else rest[0]
            _check_url("compare_a", values, default_a, notices)
            _keep_valid("compare_a", values, default_a)
            a = st.selectbox(
                t("app.compare_a", lang), values, index=values.index(default_a),
                key="compare_a", bind="query-params",
            )
            _check_url("compare_b", values, default_b, notices)
            _keep_valid("compare_b", values, default_b)
            b = st.selectbox(
                t("app.compare_b", lang), values, index=values.index(default_b),
                key="compare_b", bind="query-params",
            )
            compare = {"column": column, "a": a, "b": b}
            if a == b:
                st.warning(t("app.compare_same", lang, value=escape_md(a)))

    st.divider()
    _check_url("presenter", ["true", "false"], t("app.off", lang), notices, fold=True)
    presenter = st.toggle(
        t("app.presenter", lang), help=t("app.presenter_help", lang),
        key="presenter", bind="query-params",
    )
    st.caption(t("app.link_help", lang))

_sidebar_style(presenter)

st.session_state["region_data"] = region_data
st.session_state["dataset_title"] = dataset_title
st.session_state["compare"] = compare

for key, raw, fallback in notices:
    notice(
        t("url.bad_value", lang, param=t(f"url.param.{key}", lang), value=raw, fallback=fallback)
    )
if region_data is None:
    st.error(t("app.data_missing", lang))

pages = [
    st.Page("views/overview.py", title=t("nav.overview", lang), icon=":material/map:",
            default=True),
    st.Page("views/transfer_fund.py", title=t("nav.transfer_fund", lang),
            icon=":material/swap_horiz:", url_path="transfer_fund"),
    st.Page("views/sustainability.py", title=t("nav.sustainability", lang),
            icon=":material/savings:", url_path="sustainability"),
    st.Page("views/benefit_design.py", title=t("nav.benefit", lang),
            icon=":material/layers:", url_path="benefit"),
    st.Page("views/compare.py", title=t("nav.compare", lang),
            icon=":material/compare:", url_path="compare"),
    st.Page("views/data.py", title=t("nav.data", lang), icon=":material/table:",
            url_path="data"),
    st.Page("views/methods.py", title=t("nav.methods", lang), icon=":material/functions:",
            url_path="methods"),
]
page = st.navigation(pages)
page.run()

st.divider()
st.caption(t("app.footer", lang, version=MODEL_VERSION))
