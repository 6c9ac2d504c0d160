"""The Data page's upload: validate a file once per content, make it the dataset if it passes.

A file that validates is stored as ``st.session_state["uploaded_data"]`` and app.py switches
the dataset picker to it at the start of the next run (``_switch_to_upload``).
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import streamlit as st

from dashboard.render import escape_md
from equity.i18n import fmt_count, t

# Uploads taking longer than this show the seconds elapsed, so a large file is never a silent
# wait (issue 15: 40 s with no message).
TICK_SECONDS = 0.5

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


def _megabytes(upload: Any) -> str:
    return f"{upload.size / 1_048_576:.1f}"


def _checked_with_progress(main: Any, boundaries: Any, lang: str) -> dict:
    """:func:`_validate` under an ``st.status`` box that names its stages (received, reading
    and checking against the documented limits, boundaries, outcome) and counts the seconds.

    The check runs in a worker thread while this (the script) thread updates the box every
    ``TICK_SECONDS``: each update is a Streamlit call, the point where a session that has
    ended stops its script. The worker cannot be interrupted; the readers' own limits
    (size, unpacked size, rows, columns, vertices) bound it."""
    from equity.readers import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS

    name = escape_md(main.name)
    with st.status(t("data.checking", lang, name=name), expanded=True) as status:
        st.write(t("data.stage_received", lang, name=name, mb=_megabytes(main)))
        st.write(t("data.stage_reading", lang, mb=MAX_FILE_BYTES // 1_048_576,
                   rows=fmt_count(MAX_ROWS, lang), columns=fmt_count(MAX_COLUMNS, lang)))
        if boundaries is not None:
            st.write(t("data.stage_boundaries", lang, name=escape_md(boundaries.name),
                       mb=_megabytes(boundaries)))
        clock = st.empty()
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(_validate, main, boundaries)
            while True:
                try:
                    result = future.result(timeout=TICK_SECONDS)
                    break
                except TimeoutError:  # still reading: say so, and let a closed session stop
                    clock.caption(t("data.stage_elapsed", lang,
                                    seconds=f"{time.monotonic() - start:.0f}"))
        seconds = f"{time.monotonic() - start:.1f}"
        if result["ok"]:
            table = result["data"].table
            status.update(label=t("data.stage_done", lang, name=name, seconds=seconds,
                                  rows=fmt_count(len(table), lang)),
                          state="complete", expanded=False)
        else:
            status.update(label=t("data.stage_failed", lang, name=name, seconds=seconds),
                          state="error", expanded=False)
    return result


def forget_upload() -> None:
    """Forget the last check, so adding the same file again loads it again."""
    st.session_state.pop(RESULT, None)


def validated_upload(main: Any, boundaries: Any, lang: str) -> dict:
    """The check of ``main`` (and ``boundaries``): ``{"ok", "name", "data" | "error"}``, run
    once per file content. A file that validates becomes the current dataset (a rerun)."""
    key = _file_key(main, boundaries)
    result = st.session_state.get(RESULT)
    if result is None or result.get("key") != key:
        result = {"key": key, **_checked_with_progress(main, boundaries, lang)}
        st.session_state[RESULT] = result
        if result["ok"]:
            # Only a file that validated becomes the current dataset; app.py switches the
            # URL-bound picker at the start of the rerun.
            st.session_state["uploaded_data"] = result["data"]
            st.session_state["_switch_to_upload"] = True
            st.rerun()
    return result
