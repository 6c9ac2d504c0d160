"""URL binding and link checking, for app.py and every page.

Widgets bind to the URL with ``bind="query-params"``: the address bar holds every non-default
value and a copied link reopens the same view. (The Transfer fund page's scenario controls,
drawn one group at a time, are written by ``dashboard.scenario_ui.write_link`` instead.)
Streamlit silently drops a link value a widget cannot use; people who followed the link should
see that it did not apply, so each check here records a :class:`LinkNotice` that the caller
shows. Choices whose *displayed* text changes with the language are bound by hand
(:func:`coded_choice`; on Transfer fund :func:`translated_choice`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from dashboard.render import notice
from dashboard.state import SIDEBAR_KEYS, get_lang
from equity.i18n import has, t

# Dataset option of the last uploaded file (set by the Data page when a file validates); an
# upload cannot travel in a link.
UPLOAD = "upload"
LINK_NOTICES = "link_notices"
TRANSLATED_CHOICES = "_translated_choices"
"""Session key of the keys of every choice shown in the page's language (:func:`choice`)."""


@dataclass(frozen=True)
class LinkNotice:
    """A link value for ``key`` that could not be used: ``raw`` as given, ``fallback`` shown."""

    key: str
    raw: str
    fallback: str

    def text(self, lang: str) -> str:
        return t("url.bad_value", lang, param=t(f"url.param.{self.key}", lang), value=self.raw,
                 fallback=self.fallback)


@dataclass(frozen=True)
class RepeatedNotice:
    """A link that gives ``key`` more than once (``values``, as given): none of them is used
    (a bound widget ignores such a key), so the page shows ``key``'s default."""

    key: str
    values: tuple[str, ...]

    def text(self, lang: str) -> str:
        from equity.scenario import PARAMETER_BY_KEY

        if has(f"url.param.{self.key}"):
            param = t(f"url.param.{self.key}", lang)
        elif self.key in PARAMETER_BY_KEY:
            param = PARAMETER_BY_KEY[self.key].label[lang]
        else:
            param = self.key
        return t("url.repeated", lang, param=param,
                 values=t("url.repeated_sep", lang).join(f"“{v}”" for v in self.values))


def repeated_link_keys() -> dict[str, tuple[str, ...]]:
    """URL keys given more than once (``take_up=0.5&take_up=0.7``), with their values."""
    repeated = {}
    for key in st.query_params:
        values = st.query_params.get_all(key)
        if len(values) > 1:
            repeated[key] = tuple(values)
    return repeated


def link_value(key: str) -> str | None:
    """The raw value a link gave for ``key``, if any (read before the bound widget consumes it).

    None for a key given more than once: no value wins silently (a :class:`RepeatedNotice`
    says so)."""
    if len(st.query_params.get_all(key)) > 1:
        return None
    return st.query_params.get(key)


def check_link(key: str, options: Sequence[str], fallback: str, notices: list, *,
               fold: bool = False) -> None:
    """Record a notice when the link's value for ``key`` is not one of ``options``.

    The first check of a run also records a :class:`RepeatedNotice` for every key the link
    gives more than once (the page's own keys included: Streamlit drops them without a word).
    ``fold``: compare case-insensitively (true/false)."""
    if not any(isinstance(item, RepeatedNotice) for item in notices):
        notices.extend(RepeatedNotice(k, v) for k, v in repeated_link_keys().items())
    raw = link_value(key)
    if raw is None:
        return
    value = raw.lower() if fold else raw
    if value not in options:
        notices.append(LinkNotice(key, raw, fallback))


def keep_valid(key: str, options: Sequence[str], default: str) -> None:
    """Reset a picker whose options changed under it (another dataset or grouping column).

    Without this Streamlit keeps the old value, finds it differs from the new default and
    writes it into the URL, where the next run would reject it. Only runs after the widget
    existed, so a value arriving in a link is left to the binding (and to ``check_link``)."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default


def remember_link_notices(found: Sequence[Any]) -> list[Any]:
    """The sidebar's link notices to show on this run: those found now, else those found on an
    earlier run and not yet dismissed.

    A bound widget corrects the URL as soon as it has read it, so a rerun that follows at once
    (a page's own link check, a tab opening) would find nothing and drop the notice before
    anyone read it. It stays until the user moves a control (:func:`dismiss_link_notices`)."""
    if found:
        # Merged with the earlier ones: a repeated key a widget has since corrected is gone
        # from the URL, while one no widget on this page reads is still there.
        kept = st.session_state.get(LINK_NOTICES, [])
        st.session_state[LINK_NOTICES] = list(dict.fromkeys([*kept, *found]))
    return list(st.session_state.get(LINK_NOTICES, []))


def dismiss_link_notices() -> None:
    """Forget the sidebar's link notices (an on_change callback of every control)."""
    st.session_state.pop(LINK_NOTICES, None)


def language_changed() -> None:
    """The language switch's on_change: the link notices go (as for every control), and the
    sidebar's coded choices are set again, so that Streamlit sends their values in the new
    language's words. The browser keeps a choice by its shown text: without this, after a
    switch the dataset showed no choice at all and the groups the old language's words."""
    dismiss_link_notices()
    for key in (*SIDEBAR_KEYS[1:], *st.session_state.get(TRANSLATED_CHOICES, ())):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def choice(widget: Callable[..., Any], label: str, options: Sequence[Any], *, key: str,
           format_func: Callable[[Any], str], default: Any = None, **kwargs: Any) -> Any:
    """``widget`` (``st.radio`` or ``st.selectbox``) over ``options`` shown through
    ``format_func`` in the page's language, starting at ``default`` (the first option when
    None, or when the kept value is no longer an option). Its key is remembered, so that a
    language switch sets it again (:func:`language_changed`) and the browser shows it in the
    new language's words."""
    options = list(options)
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0] if default is None else default
    remembered = st.session_state.setdefault(TRANSLATED_CHOICES, [])
    if key not in remembered:
        remembered.append(key)
    return widget(label, options, key=key, format_func=format_func, **kwargs)


def show_link_notices(notices: Sequence[Any], lang: str) -> None:
    for item in notices:
        notice(item.text(lang))


def seed_from_link(key: str, url_key: str, options: Sequence[Any], fallback: str,
                   lang: str) -> None:
    """Before the widget ``key`` first exists in this session, take its value from the link's
    ``url_key`` (an option's ``str()``: a code such as ``oop_share`` or ``0.25``, never a
    translated label). A value that is not an option gives a notice, kept with the sidebar's.

    For widgets whose displayed text is translated, which ``bind="query-params"`` would put in
    the URL; :func:`write_to_link` writes the code back."""
    if key in st.session_state:
        return
    raw = link_value(url_key)
    if raw is None:
        return
    for option in options:
        if str(option) == raw:
            st.session_state[key] = option
            return
    item = LinkNotice(url_key, raw, fallback)
    st.session_state[LINK_NOTICES] = [*st.session_state.get(LINK_NOTICES, []), item]
    notice(item.text(lang))


def write_to_link(url_key: str, value: Any, default: Any) -> None:
    """Keep ``url_key`` in the URL equal to ``value`` (absent when it is the default)."""
    if value is None or value == default:
        if url_key in st.query_params:
            del st.query_params[url_key]
    elif st.query_params.get(url_key) != str(value):
        st.query_params[url_key] = str(value)


def coded_sections(labels: dict[str, str], *, key: str, url_key: str, lang: str,
                   label: str) -> str:
    """A segmented control over ``labels`` (code -> translated label) choosing which section
    of a page is drawn; returns the chosen code. The code is in the URL (``?tab=money``) and
    survives a language switch. ``label`` names the control for screen readers (not shown).

    Not ``st.tabs``: every rerun of a page re-renders its tab panels, and each panel of
    Streamlit's tabs (react-aria's ``useTabPanel``) then walks its whole content looking for
    something focusable, checking each candidate's visibility (a style recalculation), and
    does so again on every change inside it, such as a chart redrawing. On Transfer fund that
    walk decided when a moved slider's headline appeared (benchmarks/README.md, fifteenth
    session). A section that is not chosen draws nothing, as a closed tab did.

    Binding the control itself would put the translated label in the URL; here the control's
    state keeps the label, ``<key>_code`` and the URL the code. A change reruns the page (or
    the fragment it is in)."""
    codes = list(labels)
    code_key = f"{key}_code"
    if st.session_state.get(key) not in labels.values():
        code = st.session_state.get(code_key)
        if code not in labels:
            seed_from_link(code_key, url_key, codes, labels[codes[0]], lang)
            code = st.session_state.get(code_key)
        # the first section unless the session or the link chose another
        st.session_state[key] = labels[code if code in labels else codes[0]]
    st.segmented_control(label, list(labels.values()), key=key, required=True,
                         label_visibility="collapsed")
    by_label = {text: code for code, text in labels.items()}
    code = by_label.get(st.session_state.get(key), codes[0])
    st.session_state[code_key] = code
    write_to_link(url_key, code, codes[0])
    return code


def coded_choice(widget: Callable[..., Any], key: str, label: str, options: Sequence[str],
                 default: str, *, format_func: Callable[[str], str], **kwargs: Any) -> str:
    """``widget`` (``st.radio`` or ``st.selectbox``) over code ``options`` shown through
    ``format_func`` (names, not codes), with the code in the URL under ``key``.

    ``bind="query-params"`` would write the displayed name into the URL (the language's
    own name instead of ``zh``), so
    the binding is done here: a new session takes a usable link value, a value the options no
    longer hold (another dataset, another grouping column) falls back to ``default``, and the
    URL follows the widget (the default left out). Report unusable link values with
    :func:`check_link` before calling this."""
    options = list(options)
    seed_choice(key, options, default)
    value = widget(label, options, format_func=format_func, key=key, **kwargs)
    write_to_link(key, value, default)
    return value


def seed_choice(key: str, options: Sequence[str], default: str) -> str:
    """The value :func:`coded_choice` starts its widget at, kept under ``key``: the value held,
    else (a new session) a usable link value, else ``default``. Alone, it is the choice on a
    session's first screen, before the widget is drawn (``dashboard.first_screen``)."""
    if st.session_state.get(key) not in options:
        raw = link_value(key) if key not in st.session_state else None
        st.session_state[key] = raw if raw in options else default
    return str(st.session_state[key])


def translated_choice(key: str, label: str, choices: list[str], default: str, lang: str, *,
                      format_func: Callable[[str], str], help: str | None = None,
                      on_change: Callable[[], None] | None = None) -> str:
    """A selectbox with translated options whose language-independent value is kept under
    ``key`` in the session (the Transfer fund page writes it into the URL with its other
    controls: ``dashboard.scenario_ui.write_link``).

    Streamlit stores the *displayed* text, so a language switch would orphan the stored
    choice. Instead each language has its own widget key (``tf_choice_<key>_<lang>``) seeded
    from ``st.session_state[key]``; a value not among ``choices`` becomes ``default``.
    """
    if st.session_state.get(key) not in choices:
        st.session_state[key] = default
    widget_key = f"tf_choice_{key}_{lang}"
    if st.session_state.get(widget_key) != st.session_state[key]:
        st.session_state[widget_key] = st.session_state[key]
    return st.selectbox(label, choices, format_func=format_func, key=widget_key, help=help,
                        on_change=_choice_changed, args=(widget_key, key, on_change))


def _choice_changed(widget_key: str, key: str, then: Callable[[], None] | None) -> None:
    st.session_state[key] = st.session_state[widget_key]
    if then is not None:
        then()


def share_link(page_values: dict[str, Any]) -> str:
    """This page's address with the sidebar's settings ahead of ``page_values`` (the page's own
    non-default URL values)."""
    shared: dict[str, str] = {"lang": get_lang()}
    dataset = st.session_state.get("dataset")
    if isinstance(dataset, str) and dataset != UPLOAD:
        shared["dataset"] = dataset
    for key in SIDEBAR_KEYS[2:]:
        value = st.session_state.get(key)
        if isinstance(value, str):
            shared[key] = value
    base = st.context.url or ""
    return f"{base}?{urlencode({**shared, **page_values})}"
