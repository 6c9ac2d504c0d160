"""The Data page's upload: validate a file once per content, make it the dataset if it passes.

A file that validates is stored as ``st.session_state["uploaded_data"]`` and app.py switches
the dataset picker to it at the start of the next run (``_switch_to_upload``).
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from dashboard.render import escape_md
from equity.i18n import t

RESULT = "upload_result"


def _file_key(main, boundaries) -> str:
    digest = hashlib.sha256()
    for f in (main, boundaries):
        if f is not None:
            digest.update(f.name.encode("utf-8", "replace"))
            digest.update(f.getvalue())
    return digest.hexdigest()


def _validate(main, boundaries) -> dict:
    from equity.io import read_regions

    try:
        region_data = read_regions(
            main.getvalue(),
            filename=main.name,
            boundaries=None if boundaries is None else boundaries.getvalue(),
            boundaries_filename=None if boundaries is None else boundaries.name,
        )
    except Exception as exc:  # DataError lists problems; anything else is shown, not raised
        return {"ok": False, "error": exc, "name": main.name}
    return {"ok": True, "data": region_data, "name": main.name}


def forget_upload() -> None:
    """Forget the last check, so adding the same file again loads it again."""
    st.session_state.pop(RESULT, None)


def validated_upload(main: Any, boundaries: Any, lang: str) -> dict:
    """The check of ``main`` (and ``boundaries``): ``{"ok", "name", "data" | "error"}``, run
    once per file content. A file that validates becomes the current dataset (a rerun)."""
    key = _file_key(main, boundaries)
    result = st.session_state.get(RESULT)
    if result is None or result.get("key") != key:
        with st.spinner(t("data.checking", lang, name=escape_md(main.name))):
            result = {"key": key, **_validate(main, boundaries)}
        st.session_state[RESULT] = result
        if result["ok"]:
            # Only a file that validated becomes the current dataset; app.py switches the
            # URL-bound picker at the start of the rerun.
            st.session_state["uploaded_data"] = result["data"]
            st.session_state["_switch_to_upload"] = True
            st.rerun()
    return result
