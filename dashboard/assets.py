"""Streamlit's frontend files (JavaScript, CSS, fonts) answered from memory.

Streamlit serves its hashed, never-changing frontend files with Starlette's ``StaticFiles``:
a file's lookup, opening and every 64 kB read each hop to a worker thread and back, and each
hop waits for Python's GIL. While anything else in the process holds it (the warm-up's
imports on a cold start, another visitor's script building charts), every file takes 3-8 ms
instead of 1-2, and a page asks for about sixty before it can open its WebSocket, then 4.7 MB
of Plotly for its first chart (``benchmarks/bench_assets.py``: the first load's files take
0.35-0.55 s during the warm-up, 0.1 s once answered from memory). :class:`FrontendAssets`
answers a GET of any file under Streamlit's ``static/static/`` folder itself, from bytes read
once, in one send: no thread, no file system after the first time.

Only exact paths found in that folder when the server starts are answered (a dictionary
lookup of the request's path: nothing a request says is ever joined to a file path); every
other request, a HEAD, a range request and any path under another base URL pass through to
Streamlit untouched. The headers are those Streamlit gives these files (content type, length,
``Cache-Control: public, immutable`` and its ETag, so a browser that revalidates gets a 304),
without ``Accept-Ranges``: a range request is Streamlit's to answer.
The bytes read stay in memory for the server's life: at most the folder's size (26 MB for
Streamlit 1.67), in practice the 5-10 MB a page's files take.

ASGI middleware for ``serve.py``; the model and the pages do not import it.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from dashboard.page_html import ASGIApp, Receive, Scope, Send

MEMORY_ASSETS_ENV = "EQUITY_MEMORY_ASSETS"
"""Environment variable: "0" has ``serve.py`` leave the frontend's files to Streamlit."""
CACHE_CONTROL = b"public, immutable, max-age=31536000"
"""What Streamlit's static handler sends for its hashed files (one year, never revalidated)."""


def streamlit_static_dir() -> Path:
    """The folder Streamlit serves its frontend from (its ``index.html`` and ``static/``)."""
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def asset_paths(static_dir: Path, base_path: str = "") -> dict[str, Path]:
    """URL path -> file for every file under ``static_dir / "static"`` (the hashed frontend
    files), each URL as the browser asks for it: ``/<base_path>/static/js/index.abc.js``."""
    prefix = "/" + base_path.strip("/") if base_path.strip("/") else ""
    folder = static_dir / "static"
    paths: dict[str, Path] = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            file = Path(root) / name
            paths[f"{prefix}/{file.relative_to(static_dir).as_posix()}"] = file
    return paths


def content_type(name: str) -> bytes:
    """The Content-Type Streamlit's handler (Starlette's ``FileResponse``) gives ``name``:
    its guessed media type, text types with ``charset=utf-8``."""
    media = mimetypes.guess_type(name)[0] or "text/plain"
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return media.encode("latin-1")


@dataclass(frozen=True)
class Answer:
    """One file's complete answer: its bytes and headers."""

    body: bytes
    etag: bytes
    headers: tuple[tuple[bytes, bytes], ...]

    @classmethod
    def of(cls, file: Path) -> Answer:
        stat = file.stat()
        body = file.read_bytes()
        # Starlette's ETag for the same file (its time and size), not a hash of 4.7 MB.
        etag = b'"' + hashlib.md5(f"{stat.st_mtime}-{stat.st_size}".encode(),
                                  usedforsecurity=False).hexdigest().encode() + b'"'
        return cls(body=body, etag=etag, headers=(
            (b"content-type", content_type(file.name)),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", CACHE_CONTROL),
            (b"etag", etag),
        ))


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


class FrontendAssets:
    """ASGI middleware: a GET of one of Streamlit's frontend files is answered from memory
    (see the module docstring); every other request passes through to ``app``."""

    def __init__(self, app: ASGIApp, static_dir: Path | None = None,
                 base_path: str | None = None) -> None:
        self.app = app
        if base_path is None:
            import streamlit

            base_path = str(streamlit.get_option("server.baseUrlPath") or "")
        self.paths = asset_paths(static_dir or streamlit_static_dir(), base_path)
        self.answers: dict[str, Answer] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        file = (self.paths.get(scope.get("path", ""))
                if scope.get("type") == "http" and scope.get("method") == "GET" else None)
        if file is None or _header(scope, b"range") is not None:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        answer = self.answers.get(path)
        if answer is None:
            try:
                # Read in the event loop, once per file: a few ms at most from the page cache,
                # less than the thread hops it saves on this very request.
                answer = self.answers[path] = Answer.of(file)
            except OSError:  # gone since the server started: Streamlit answers as it would
                await self.app(scope, receive, send)
                return
        if _header(scope, b"if-none-match") == answer.etag:
            await send({"type": "http.response.start", "status": 304,
                        "headers": [h for h in answer.headers if h[0] != b"content-length"]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": list(answer.headers)})
        await send({"type": "http.response.body", "body": answer.body})
