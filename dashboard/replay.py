"""A cold server's first screen, replayed from a recording of the same screen.

The first visitor of a new server process used to wait for the process to import pandas, the
model and the chart builders and to read the data (about 0.9 s of work on the two-core
machine, competing with the browser for the cores) before the Overview's ranking could be
sent. Yet the Overview's first screen of a link without choices (``/``, ``/?lang=zh``,
``/?presenter=true``) is the same for every visitor as long as the code, the bundled data and
the libraries are the same. So the first time a session draws such a first screen, the
Overview records what it drew (:class:`OverviewScreen`: the texts, the picker's options and
labels, the ranking's figure and config), under a fingerprint of everything it was drawn from
(:func:`fingerprint`). A later server process replays it on a session's first run before the
warm-up has finished, with nothing imported beyond Streamlit, Plotly and the catalogue, and
the warm-up waits until that screen is drawn (:mod:`dashboard.warmup`). The session's next
run, which the first screen's script asks for once the chart is drawn, draws the whole page
as always.

Kept honest by: the fingerprint (a changed file, data file, Streamlit or Plotly version makes
a recording unusable); replaying only for exactly the link that was recorded, on the default
page, on a session's first run; a recording parsed as JSON and checked field by field, never
unpickled, and anything unusable ignored (the live page is drawn instead); and a test that
the replayed first screen equals the live one element by element
(``tests/app/test_replay.py``).

``EQUITY_REPLAY=0`` switches replaying and recording off; recordings live in
``$EQUITY_CACHE_DIR/first_screen`` (default ``.cache/`` beside ``app.py``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import platform
import tempfile
import threading
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import streamlit as st

ENV = "EQUITY_REPLAY"
"""Environment variable: "0" neither records nor replays."""
CACHE_ENV = "EQUITY_CACHE_DIR"
"""Environment variable: the directory that holds ``first_screen/`` (default ``.cache``)."""
ROOT = Path(__file__).resolve().parents[1]
INPUTS: tuple[str, ...] = ("app.py", "dashboard", "views", "equity", "data",
                           ".streamlit/config.toml")
"""What a first screen is drawn from, relative to the app's directory (files and folders)."""
LINK_KEYS: frozenset[str] = frozenset({"lang", "presenter"})
"""The only link parameters a recorded first screen may carry."""
VERSION = 1
"""The recording format's version (part of the fingerprint)."""

_LOG = logging.getLogger(__name__)
_current = threading.local()
"""``screen``: the recording (and its figure) the Overview draws in this script run."""
_RECORDED: set[str] = set()
"""Links recorded by this process (each once)."""


def enabled() -> bool:
    """True unless :data:`ENV` is "0"."""
    return os.environ.get(ENV, "1") != "0"


def directory() -> Path:
    """Where recordings live."""
    return Path(os.environ.get(CACHE_ENV) or ROOT / ".cache") / "first_screen"


@functools.cache
def fingerprint() -> str:
    """SHA-256 of every file in :data:`INPUTS` (path and bytes), of the Python, Streamlit
    and Plotly versions and of the installed pandas and NumPy (their ``__init__.py``'s size
    and time: a reinstall changes them; importing them to ask their versions would cost what
    a replay saves): a recording made under another fingerprint is not replayed. About 20 ms
    (1.2 MB), once per process."""
    from importlib.util import find_spec

    import plotly

    digest = hashlib.sha256(
        f"{VERSION} {platform.python_version()} {st.__version__} {plotly.__version__}".encode())
    for name in ("pandas", "numpy"):
        spec = find_spec(name)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        stat = origin.stat() if origin is not None and origin.exists() else None
        digest.update(f"{name} {origin} {stat and stat.st_size} {stat and stat.st_mtime_ns}"
                      .encode())
    for top in INPUTS:
        path = ROOT / top
        files = [path] if path.is_file() else sorted(
            f for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        for file in files:
            data = file.read_bytes()
            digest.update(f"\0{file.relative_to(ROOT).as_posix()}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class OverviewScreen:
    """The Overview's first screen as a session drew it: every text as shown (Markdown
    already escaped), the indicator picker's codes and labels, the ranking's figure (Plotly
    JSON) and config. ``query`` is the link it was drawn for; ``choices`` the sidebar's
    choices as that run left them in the session (``dashboard.state.SIDEBAR_KEYS``: the
    controls drawn by the next run start from them); ``rank_header`` is "" in presenter mode
    (no subheader there), ``reference_caption`` "" when the chart has no documents'
    reference lines."""

    query: dict[str, str]
    choices: dict[str, str]
    lang: str
    presenter: bool
    title: str
    intro: str
    headline: str
    picker_label: str
    indicators: list[str]
    indicator_labels: list[str]
    picker_caption: str
    rank_header: str
    figure: dict[str, Any]
    config: dict[str, Any]
    source: str
    reference_caption: str

    @classmethod
    def from_json(cls, raw: Any) -> OverviewScreen:
        """Check every field's type (ValueError naming the field). By hand, not pydantic:
        importing it and building the model cost 90 ms on the cold start this module
        shortens."""
        if not isinstance(raw, dict):
            raise ValueError("not an object")
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = raw.get(field.name)
            kind = {"str": str, "bool": bool, "dict[str, Any]": dict,
                    "dict[str, str]": dict, "list[str]": list}[str(field.type)]
            if not isinstance(value, kind):
                raise ValueError(f"{field.name}: expected {field.type}")
            if field.type == "list[str]" and not all(isinstance(v, str) for v in value):
                raise ValueError(f"{field.name}: expected strings")
            if field.type == "dict[str, str]" and not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                raise ValueError(f"{field.name}: expected strings")
            values[field.name] = value
        screen = cls(**values)
        if len(screen.indicators) != len(screen.indicator_labels) or not screen.indicators:
            raise ValueError("indicators: one label per indicator")
        if not canonical(screen.query):
            raise ValueError("query: not a recordable link")
        from dashboard.state import SIDEBAR_KEYS

        if not set(screen.choices) <= set(SIDEBAR_KEYS):
            raise ValueError("choices: not the sidebar's")
        return screen


def canonical(query: dict[str, str]) -> bool:
    """True for a link a recording may be made for: no parameter but the language and
    presenter mode, spelt as the app writes them (``lang=zh``, ``presenter=true``)."""
    from equity.i18n import LANGUAGES

    return (set(query) <= LINK_KEYS and query.get("lang", LANGUAGES[0]) in LANGUAGES
            and query.get("presenter", "false") in ("true", "false"))


def _file(query: dict[str, str]) -> Path:
    """The recording of the link ``query`` (canonical: its values are codes, so the name is
    safe): one file per link, ``overview.json`` for the root, ``overview_lang-zh.json``..."""
    return directory() / ("overview" + "".join(f"_{key}-{query[key]}" for key in sorted(query))
                          + ".json")


def _link() -> dict[str, str] | None:
    """The session's link parameters, when they are ones a recording may carry (each once)."""
    query = {}
    for key in st.query_params:
        values = st.query_params.get_all(key)
        if key not in LINK_KEYS or len(values) != 1:
            return None
        query[key] = values[0]
    return query


def _on_default_page() -> bool:
    """True when the browser asked for the app's default page (its root URL)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        manager = ctx.pages_manager if ctx is not None else None
        return manager is not None and not manager.intended_page_name and \
            not manager.intended_page_script_hash
    except Exception:  # a Streamlit without these: never replay
        return False


def load(query: dict[str, str]) -> OverviewScreen | None:
    """The recording for the link ``query``, if one was made under this fingerprint for
    exactly this link; None otherwise (and for anything unreadable, logged)."""
    if not canonical(query):
        return None
    path = _file(query)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        _LOG.warning("first-screen recording %s unreadable: %s", path, err)
        return None
    if not isinstance(raw, dict) or raw.get("fingerprint") != fingerprint():
        return None
    try:
        screen = OverviewScreen.from_json(raw.get("screen"))
    except ValueError as err:
        _LOG.warning("first-screen recording %s unusable: %s", path, err)
        return None
    return screen if screen.query == query else None


def available() -> bool:
    """True when any link's recording is there under this fingerprint: a new process's first
    visitor may not need the warm-up for their first chart."""
    return enabled() and any(_fingerprint_of(path)
                             for path in sorted(directory().glob("overview*.json")))


def _fingerprint_of(path: Path) -> bool:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("fingerprint") == fingerprint()
    except (OSError, ValueError, AttributeError):
        return False


def replayable(path: str, query_string: str) -> bool:
    """True when a page request for ``path`` (relative to the app's base URL) with
    ``query_string`` will have its first screen replayed (a recording for exactly that
    link)."""
    from urllib.parse import parse_qs

    if not enabled() or path.strip("/"):
        return False
    query: dict[str, str] = {}
    for key, values in parse_qs(query_string, keep_blank_values=True).items():
        if key not in LINK_KEYS or len(values) != 1:
            return False
        query[key] = values[0]
    return load(query) is not None


def record(screen: OverviewScreen) -> None:
    """Keep ``screen`` for later processes (once per link and process; written whole or not
    at all: another file renamed over the old one)."""
    done = json.dumps(screen.query, sort_keys=True)
    if not enabled() or done in _RECORDED or not canonical(screen.query):
        return
    _RECORDED.add(done)
    path = _file(screen.query)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent,
                                         suffix=".tmp", delete=False) as out:
            json.dump({"fingerprint": fingerprint(), "screen": asdict(screen)}, out,
                      ensure_ascii=False)
        os.replace(out.name, path)
    except OSError as err:  # a read-only checkout: nothing recorded, nothing lost
        _LOG.info("first screen not recorded (%s)", err)


def recordable_link() -> dict[str, str] | None:
    """The session's link, when a first screen drawn for it may be recorded
    (:func:`canonical`, each parameter once)."""
    query = _link()
    if query is None or not enabled() or not canonical(query):
        return None
    return query


def replay() -> bool:
    """On a session's first run of the default page, while this process has not warmed up,
    draw the Overview's first screen from its recording and return True (the caller stops
    the run there); otherwise draw nothing and return False."""
    from dashboard import first_screen, warmup

    if (not enabled() or not first_screen.enabled() or warmup.done()
            or first_screen.seen() or not _on_default_page()):
        return False
    query = _link()
    screen = load(query) if query is not None else None
    if screen is None:
        return False
    import plotly.graph_objects as go

    from dashboard import shell

    try:  # everything built before anything is drawn
        figure = go.Figure(screen.figure)
        pages = shell.pages(screen.lang)
    except (ValueError, TypeError) as err:
        _LOG.warning("first-screen recording not replayed: %s", err)
        return False
    first_screen.begin()
    st.session_state.update(screen.choices)
    shell.page_config(screen.presenter)
    with st.sidebar:
        first_screen.reveal()
        st.empty()  # where app.py keeps the title's place
    shell.page_style(screen.presenter, screen.lang)
    warmup.start_later()  # at the latest; the session's next run starts it at once
    page = st.navigation(pages)
    # The page draws it (views/overview.py): an element's identity includes its page's.
    _current.screen = (screen, figure)
    try:
        page.run()
    finally:
        _current.screen = None
    return True


def replaying() -> bool:
    """True in the Overview's script while :func:`replay` runs it."""
    return getattr(_current, "screen", None) is not None


def draw_overview() -> None:
    """The Overview's first screen from the recording :func:`replay` loaded, element for
    element as ``views/overview.py`` draws it live."""
    screen, figure = _current.screen
    st.title(screen.title)
    st.caption(screen.intro)
    st.markdown(screen.headline)
    if screen.presenter:
        _ranking(screen, figure)
        _picker(screen)
    else:
        _picker(screen)
        _ranking(screen, figure)


def _picker(screen: OverviewScreen) -> None:
    labels = dict(zip(screen.indicators, screen.indicator_labels, strict=True))
    st.segmented_control(screen.picker_label, screen.indicators, default=screen.indicators[0],
                         format_func=labels.__getitem__, key="ov_indicator",
                         persist_state="session", required=True)
    st.caption(screen.picker_caption)


def _ranking(screen: OverviewScreen, figure: Any) -> None:
    if screen.rank_header:
        st.subheader(screen.rank_header)
    st.plotly_chart(figure, width="stretch", config=screen.config, key="rank")
    st.container(horizontal=True, vertical_alignment="center", gap="small",
                 key="exports_rank").caption(screen.source)
    if screen.reference_caption:
        st.caption(screen.reference_caption)


LINKS: tuple[dict[str, str], ...] = ({}, {"lang": "zh"}, {"presenter": "true"},
                                     {"lang": "zh", "presenter": "true"})
"""The links whose first screens :func:`record_all` records."""


def missing() -> list[dict[str, str]]:
    """The links of :data:`LINKS` without a recording under this fingerprint."""
    return [query for query in LINKS if load(query) is None]


def record_all(timeout: float = 120.0) -> list[dict[str, str]]:
    """Record the first screen of every link of :data:`LINKS` that has none, by drawing it
    live in Streamlit's ``AppTest`` (as a session's first run under ``serve.py``); returns the
    links recorded. ``scripts/start.sh`` calls this before it starts the server, so even the
    first start after a change replays (about 5 s once per change; nothing when every
    recording is there)."""
    if not enabled():
        return []
    todo = missing()
    if not todo:
        return []
    from streamlit.testing.v1 import AppTest

    from dashboard import first_screen

    os.environ[first_screen.ENV] = "1"
    done = []
    for query in todo:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if not at.exception and load(query) is not None:
            done.append(query)
    return done


if __name__ == "__main__":  # python -m dashboard.replay: what scripts/start.sh runs
    from equity.i18n import t

    logging.basicConfig(level=logging.WARNING)
    try:
        recorded = record_all()
    except Exception as err:  # a start must never fail for want of a recording
        print(t("replay.not_recorded", "en", message=err))
    else:
        if recorded:
            print(t("replay.recorded", "en", count=len(recorded), directory=directory()))
