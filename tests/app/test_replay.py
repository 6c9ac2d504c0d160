"""A cold server's first screen replayed from its recording (dashboard/replay.py): the same
elements as the live first screen, for exactly the link recorded, never from a recording that
is stale, damaged or made for another link, and the session's next run the same as a live
session's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import first_screen, replay

from .conftest import APP, TIMEOUT

LINKS = [{}, {"lang": "zh"}, {"presenter": "true"}, {"lang": "zh", "presenter": "true"}]


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """First screen on (as serve.py serves), replaying on, recordings in a fresh directory,
    the process not warmed up (another test may have run the warm-up in this process)."""
    import threading

    from dashboard import warmup

    for name in ("_planned", "_started", "_done"):
        monkeypatch.setattr(warmup, name, threading.Event())
    monkeypatch.setenv(first_screen.ENV, "1")
    monkeypatch.setenv(replay.ENV, "1")
    monkeypatch.setenv(replay.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(replay, "_RECORDED", set())
    return tmp_path / "first_screen"


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the first screens drawn from a recording."""
    calls: list[str] = []
    draw = replay.draw_overview

    def counted() -> None:
        calls.append("replayed")
        draw()

    monkeypatch.setattr(replay, "draw_overview", counted)
    return calls


def _session(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _tree(at: AppTest) -> list[tuple[int, str, str]]:
    """Every element in order: depth, type and its message to the browser (a download's
    per-session file id left out)."""
    out: list[tuple[int, str, str]] = []

    def walk(node, depth: int) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            text = re.sub(r'deferred_file_id: "[0-9a-f]+"', "", str(proto)) if proto else ""
            out.append((depth, child.type, text))
            walk(child, depth + 1)

    walk(at._tree, 0)
    return out


@pytest.mark.parametrize("link", LINKS, ids=["root", "zh", "presenter", "zh-presenter"])
def test_the_replayed_first_screen_is_the_live_one(cache: Path, replays: list[str],
                                                    link: dict[str, str]) -> None:
    live = _session(**link)
    assert not live.exception and not replays
    assert len(list(cache.glob("*.json"))) == 1  # recorded
    again = _session(**link)
    assert not again.exception
    assert replays == ["replayed"]
    first = _tree(live)
    assert [kind for _, kind, _ in first].count("plotly_chart") == 1
    # Element for element, message for message: texts, the picker's identity and options,
    # the chart's JSON and config (Streamlit identifies a chart by its JSON text).
    assert _tree(again) == first
    # The next run, asked for once the chart is drawn, draws the same whole page.
    live.run()
    again.run()
    assert not again.exception
    assert replays == ["replayed"]
    assert _tree(again) == _tree(live)
    assert len(again.metric) == 6


def test_a_replayed_session_keeps_the_indicator_picked_on_its_first_screen(
        cache: Path, replays: list[str]) -> None:
    _session()
    at = _session()
    assert replays == ["replayed"]
    at.button_group(key="ov_indicator").set_value("oop_share").run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "out-of-pocket" in spec["layout"]["title"]["text"].lower()
    assert at.query_params["indicator"] == "oop_share"


@pytest.mark.parametrize("link", [
    {"indicator": "oop_share"}, {"compare_a": "suburban", "compare_b": "urban"},
    {"dataset": "city_w"}, {"lang": "fr"}, {"presenter": "yes"}, {"tab": "money"},
    {"lang": "../../zh"}, {"presenter": "true/../../x"},
])
def test_a_link_with_choices_is_neither_recorded_nor_replayed(
        cache: Path, replays: list[str], link: dict[str, str]) -> None:
    _session(**link)
    assert not cache.exists() or not list(cache.glob("*.json"))
    _session()  # the root link: recorded now
    _session(**link)
    assert not replays


def test_no_replay_on_another_page_or_without_a_first_screen(
        cache: Path, replays: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _session()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("views/transfer_fund.py").run()
    assert not at.exception and not replays
    monkeypatch.setenv(first_screen.ENV, "0")  # streamlit run app.py: every run whole
    assert not _session().exception and not replays
    monkeypatch.setenv(first_screen.ENV, "1")
    monkeypatch.setenv(replay.ENV, "0")
    assert not _session().exception and not replays
    monkeypatch.setenv(replay.ENV, "1")
    assert not _session().exception and replays == ["replayed"]


def test_no_replay_once_the_server_has_warmed_up(
        cache: Path, replays: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import warmup

    _session()
    monkeypatch.setattr(warmup, "done", lambda: True)
    assert not _session().exception and not replays


def test_a_recording_from_other_code_or_data_is_not_replayed(
        cache: Path, replays: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _session()
    monkeypatch.setattr(replay, "fingerprint", lambda: "0" * 64)
    at = _session()
    assert not at.exception and not replays
    assert len(at.get("plotly_chart")) == 1  # the live first screen


def test_the_fingerprint_changes_with_any_input_file(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for top in ("app.py", "views", "equity", "data"):
        (tmp_path / top).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "app.py").write_text("a")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "regions.csv").write_text("x\n1\n")
    monkeypatch.setattr(replay, "ROOT", tmp_path)
    monkeypatch.setattr(replay, "INPUTS", ("app.py", "data"))
    replay.fingerprint.cache_clear()
    try:
        before = replay.fingerprint()
        replay.fingerprint.cache_clear()
        assert replay.fingerprint() == before  # the same files, the same fingerprint
        (tmp_path / "data" / "regions.csv").write_text("x\n2\n")
        replay.fingerprint.cache_clear()
        changed = replay.fingerprint()
        assert changed != before
        (tmp_path / "data" / "more.csv").write_text("")
        replay.fingerprint.cache_clear()
        assert replay.fingerprint() not in (before, changed)
    finally:
        replay.fingerprint.cache_clear()


def _recording(cache: Path) -> tuple[Path, dict]:
    _session()
    path = next(cache.glob("*.json"))
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("damage", [
    "not json", "[]", "list", "missing", "wrong type", "bad figure", "other link",
    "no indicators", "unknown link key",
])
def test_a_damaged_recording_is_ignored_and_the_page_drawn_live(
        cache: Path, replays: list[str], damage: str, caplog: pytest.LogCaptureFixture) -> None:
    path, raw = _recording(cache)
    screen = raw["screen"]
    if damage == "not json":
        path.write_text("{not json", encoding="utf-8")
    else:
        if damage == "[]":
            raw = []
        elif damage == "list":
            raw["screen"] = [screen]
        elif damage == "missing":
            del screen["headline"]
        elif damage == "wrong type":
            screen["indicators"] = "charity_coverage"
        elif damage == "bad figure":
            screen["figure"] = {"data": [{"type": "no such trace"}]}
        elif damage == "other link":
            screen["query"] = {"presenter": "true"}
        elif damage == "no indicators":
            screen["indicators"], screen["indicator_labels"] = [], []
        elif damage == "unknown link key":
            screen["query"] = {"dataset": "city_w"}
        path.write_text(json.dumps(raw), encoding="utf-8")
    at = _session()
    assert not at.exception and not replays
    assert len(at.get("plotly_chart")) == 1
    assert "90.0%" in " ".join(m.value for m in at.markdown)


def test_a_recording_is_written_whole_with_its_fingerprint(cache: Path) -> None:
    _session(lang="zh")
    files = list(cache.iterdir())
    assert [f.name for f in files] == ["overview_lang-zh.json"]  # no temporary file left
    raw = json.loads(files[0].read_text(encoding="utf-8"))
    assert raw["fingerprint"] == replay.fingerprint()
    screen = replay.OverviewScreen.from_json(raw["screen"])
    assert screen.query == {"lang": "zh"} and screen.lang == "zh" and not screen.presenter
    assert "90.0%" in screen.headline and screen.title


def test_record_all_records_every_link_once(cache: Path, replays: list[str]) -> None:
    assert replay.missing() == list(replay.LINKS)
    assert replay.record_all() == list(replay.LINKS)
    assert sorted(f.name for f in cache.iterdir()) == [
        "overview.json", "overview_lang-zh.json", "overview_lang-zh_presenter-true.json",
        "overview_presenter-true.json"]
    assert replay.missing() == [] and replay.record_all() == []
    at = _session(lang="zh", presenter="true")
    assert not at.exception and replays == ["replayed"]


def test_links_that_show_the_same_screen_are_recorded_apart(cache: Path,
                                                           replays: list[str]) -> None:
    """``/?lang=en`` and ``/`` draw the same screen; each replays its own recording (one
    would otherwise overwrite the other and fail its link check)."""
    _session()
    _session(lang="en", presenter="false")
    assert sorted(f.name for f in cache.iterdir()) == [
        "overview.json", "overview_lang-en_presenter-false.json"]
    assert not _session().exception
    assert not _session(lang="en", presenter="false").exception
    assert replays == ["replayed", "replayed"]
