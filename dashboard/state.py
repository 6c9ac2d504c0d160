"""The state app.py sets for the pages, read through accessors.

app.py fills ``st.session_state`` before running a page: ``lang`` ("en" | "zh"),
``region_data`` (equity.datasets.RegionData), ``dataset_title``, ``compare``
({"column", "a", "b"}) and ``presenter`` (bool). Pages read them only through these helpers.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from equity.i18n import LANGUAGES, has, t

SIDEBAR_KEYS: tuple[str, ...] = ("lang", "dataset", "compare_col", "compare_a", "compare_b")
"""URL keys app.py's sidebar binds (language, dataset, groups compared), in link order; each
is also the session key of the choice."""
DEFAULT_COMPARE: dict[str, str] = {"column": "area_type", "a": "urban", "b": "suburban"}

# Bundled datasets whose boundaries are drawn, not surveyed (data/city_w/boundaries.geojson
# marks each feature "schematic": true; the reader keeps only id and shape, so the fact is
# restated here by name until RegionData carries it).
SCHEMATIC_MAPS: frozenset[str] = frozenset({"city_w"})


def get_lang() -> str:
    """The current language code, "en" unless the user chose another supported one."""
    lang = st.session_state.get("lang", LANGUAGES[0])
    return lang if lang in LANGUAGES else LANGUAGES[0]


def get_data() -> Any:
    """The RegionData currently selected (``None`` only if no dataset could be loaded)."""
    return st.session_state.get("region_data")


def get_dataset_title() -> str:
    """The current dataset's title in the current language (its name if it has no title)."""
    title = st.session_state.get("dataset_title")
    if title:
        return str(title)
    data = get_data()
    return "" if data is None else str(data.name)


def dataset_description(name: str, english: str, lang: str) -> str:
    """A bundled dataset's description in ``lang`` (the data layer's English otherwise)."""
    from equity.report import titled_references

    key = f"dataset.{name}.description"
    # documents by title, never as codes ("000 3.1.2")
    return titled_references(t(key, lang), lang) if has(key) else english


def dataset_notes(data: Any, lang: str) -> tuple[str, ...]:
    """The current dataset's notes in ``lang``: the data layer's own Chinese notes
    (``RegionData.notes_zh``, uploads included) when it has them."""
    notes_in = getattr(data, "notes_in", None)
    if notes_in is not None and (lang != "zh" or getattr(data, "notes_zh", ())):
        notes = tuple(notes_in(lang))
    else:
        notes = tuple(getattr(data, "notes", ()) or ())
    from equity.datasets import is_bundled

    if is_bundled(str(getattr(data, "name", ""))):  # documents by title (an upload's notes
        from equity.report import titled_references  # are its own text)

        notes = tuple(titled_references(note, lang) for note in notes)
    return notes


def is_schematic(data: Any) -> bool:
    """True when ``data``'s map is schematic (drawn, not real boundaries): the map says so."""
    flag = getattr(data, "schematic", None)
    if isinstance(flag, bool):
        return flag
    return getattr(data, "name", None) in SCHEMATIC_MAPS


def get_compare() -> dict[str, str]:
    """The two compared groups: ``{"column": ..., "a": ..., "b": ...}``."""
    compare = st.session_state.get("compare")
    return dict(compare) if compare else dict(DEFAULT_COMPARE)


def is_presenter() -> bool:
    """True when presenter mode (larger fonts) is on: as the toggle left it, else (before the
    toggle exists: set_page_config, a session's first screen) as the link asks."""
    if "presenter" in st.session_state:
        return bool(st.session_state["presenter"])
    return str(st.query_params.get("presenter", "")).lower() == "true"
