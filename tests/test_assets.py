"""dashboard/assets.py: Streamlit's frontend files answered from memory, exactly as Streamlit
answers them (issue 10: during the warm-up every file took 3-8 ms through Streamlit's
threaded file handler, and a page needs about sixty before it opens its WebSocket); anything
else passes through."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from streamlit.web.bootstrap import _initialize_mimetypes
from streamlit.web.server.starlette.starlette_static_routes import (
    create_streamlit_static_handler,
)

from dashboard.assets import CACHE_CONTROL, FrontendAssets, asset_paths, streamlit_static_dir
from tests.asgi import run_coroutine

STATIC = streamlit_static_dir()


def _scope(path: str, method: str = "GET", headers: list | None = None) -> dict:
    return {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
            "root_path": "", "query_string": b"", "headers": headers or [],
            "scheme": "http", "server": ("127.0.0.1", 8501), "http_version": "1.1"}


class Inner:
    """The app behind the middleware: records what reached it and answers 418."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b"inner"})


async def _call(app, scope) -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict] = []
    asked = 0

    async def receive():
        nonlocal asked
        asked += 1
        if asked == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(60)  # the client stays: Starlette's disconnect watch waits here
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.lower(): v for k, v in start.get("headers", [])}, body


def _one_of_each_kind() -> list[str]:
    """One URL per file extension Streamlit ships (js, css, woff2, png, svg, ...)."""
    seen: dict[str, str] = {}
    for url in sorted(asset_paths(STATIC)):
        seen.setdefault(Path(url).suffix, url)
    return sorted(seen.values())


def test_every_frontend_file_is_listed_and_nothing_else() -> None:
    paths = asset_paths(STATIC)
    assert len(paths) > 100  # Streamlit 1.67 ships 360 files
    assert all(url.startswith("/static/") for url in paths)
    assert "/index.html" not in paths and "/static/index.html" not in paths
    assert all(file.is_file() and STATIC / "static" in file.parents for file in paths.values())


@pytest.mark.parametrize("url", _one_of_each_kind())
def test_answers_as_streamlit_does(url: str) -> None:
    """Status, body, content type and caching equal Streamlit's own handler's answer (with
    the content types its server registers at start), and Streamlit's app is not asked."""
    _initialize_mimetypes()
    theirs = create_streamlit_static_handler(directory=str(STATIC), base_url=None)
    status, headers, body = run_coroutine(_call(theirs, _scope(url)))
    inner = Inner()
    ours = FrontendAssets(inner, static_dir=STATIC, base_path="")
    our_status, our_headers, our_body = run_coroutine(_call(ours, _scope(url)))
    assert inner.paths == []
    assert (our_status, our_body) == (status, body) == (200, (STATIC / url[1:]).read_bytes())
    for name in (b"content-type", b"content-length", b"cache-control", b"etag"):
        assert our_headers[name] == headers[name], name
    assert b"accept-ranges" in headers and b"accept-ranges" not in our_headers
    assert our_headers[b"cache-control"] == CACHE_CONTROL


@pytest.mark.parametrize(("path", "method", "headers"), [
    ("/", "GET", []),  # a page: Streamlit's index.html (and the type size middleware)
    ("/transfer_fund", "GET", []),
    ("/_stcore/health", "GET", []),
    ("/static/js/not-a-file.js", "GET", []),
    ("/static/js", "GET", []),
    ("/static/../index.html", "GET", []),
    ("/static/js/%2e%2e/%2e%2e/index.html", "GET", []),
    ("//static/js/x.js", "GET", []),
    ("/app/static/x.png", "GET", []),
    ("HEAD", "HEAD", []),  # replaced below by a real file
    ("POST", "POST", []),
    ("RANGE", "GET", [(b"range", b"bytes=0-99")]),
])
def test_anything_else_passes_through(path: str, method: str, headers: list) -> None:
    if path in {"HEAD", "POST", "RANGE"}:
        path = _one_of_each_kind()[0]
    inner = Inner()
    status, _, body = run_coroutine(_call(FrontendAssets(inner, static_dir=STATIC, base_path=""),
                                 _scope(path, method, headers)))
    assert (status, body, inner.paths) == (418, b"inner", [path])


def test_a_file_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "static" / "js").mkdir(parents=True)
    file = tmp_path / "static" / "js" / "index.abc.js"
    file.write_text("console.log(1)")
    inner = Inner()
    app = FrontendAssets(inner, static_dir=tmp_path, base_path="")
    first = run_coroutine(_call(app, _scope("/static/js/index.abc.js")))
    file.write_text("changed on disk")  # hashed files never change; the first read stands
    second = run_coroutine(_call(app, _scope("/static/js/index.abc.js")))
    assert first[2] == second[2] == b"console.log(1)"
    assert inner.paths == []


def test_revalidation_with_the_etag_gets_304() -> None:
    url = _one_of_each_kind()[0]
    app = FrontendAssets(Inner(), static_dir=STATIC, base_path="")
    _, headers, _ = run_coroutine(_call(app, _scope(url)))
    status, again, body = run_coroutine(_call(app, _scope(url, headers=[(b"if-none-match",
                                                                 headers[b"etag"])])))
    assert (status, body) == (304, b"")
    assert again[b"etag"] == headers[b"etag"] and b"content-length" not in again
    status, _, body = run_coroutine(
        _call(app, _scope(url, headers=[(b"if-none-match", b'"other"')])))
    assert status == 200 and body


def test_a_base_url_path_is_followed(tmp_path: Path) -> None:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "index.abc.css").write_text("body{}")
    inner = Inner()
    app = FrontendAssets(inner, static_dir=tmp_path, base_path="/dash/")
    status, headers, body = run_coroutine(_call(app, _scope("/dash/static/css/index.abc.css")))
    assert (status, body) == (200, b"body{}")
    assert headers[b"content-type"].startswith(b"text/css")
    run_coroutine(_call(app, _scope("/static/css/index.abc.css")))
    assert inner.paths == ["/static/css/index.abc.css"]


def test_a_file_gone_since_the_start_is_left_to_streamlit(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    file = tmp_path / "static" / "gone.js"
    file.write_text("x")
    inner = Inner()
    app = FrontendAssets(inner, static_dir=tmp_path, base_path="")
    file.unlink()
    status, _, _ = run_coroutine(_call(app, _scope("/static/gone.js")))
    assert status == 418 and inner.paths == ["/static/gone.js"]
