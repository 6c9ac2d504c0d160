"""Presenter mode's type size from the first paint of a presenter link.

Presenter mode's style (root font 21 px instead of 17 px, less space above the title) is an
``st.html`` element of ``app.py``. On a first visit the browser fetches the script that
renders ``st.html`` only after it has drawn the page's title, so a presenter link opened at
16 px and jumped to 21 px a third of a second later, moving the headline and the chart while
the audience watched (issue 10; it also made a first-screen check in CI measure the wrong
layout). :class:`PresenterFirstPaint` puts the same style into the page's HTML when the link
asks for presenter mode (``?presenter=true``), so the first paint has it. Its rules hold
unless the sidebar's presenter toggle is drawn and off (:data:`UNLESS_TOGGLED_OFF`): the
style stays in the page's head for the whole visit, and switching presenter mode off in the
page must still bring back 17 px. The selector also outranks the styles Streamlit adds to the
head after it (a plain ``html`` rule there reset the page to 16 px).

ASGI middleware for ``serve.py``; the model and the pages do not import it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from dashboard.css import type_size_css

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Matches the page unless app.py's presenter toggle (key "presenter") is drawn and off.
UNLESS_TOGGLED_OFF = "html:not(:has(.st-key-presenter input:not(:checked)))"

# Requests that are never a page's HTML: Streamlit's assets, its API and WebSocket, media.
NOT_PAGES = ("/static/", "/_stcore/", "/media/", "/component/", "/app/static/")


def asks_presenter(scope: Scope) -> bool:
    """True for a GET of a page (answered with Streamlit's index.html, not an asset) whose
    link asks for presenter mode, read as ``app.py`` reads it (``presenter=true``, any
    case)."""
    path = str(scope.get("path", ""))
    if (scope.get("type") != "http" or scope.get("method") != "GET"
            or path.startswith(NOT_PAGES) or "." in path.rsplit("/", 1)[-1]):
        return False
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    return any(value.lower() == "true" for value in query.get("presenter", []))


def with_style(html: bytes, css: str) -> bytes:
    """``html`` with ``<style>css</style>`` before its ``</head>`` (unchanged without one)."""
    return html.replace(b"</head>", f"<style>{css}</style>".encode() + b"</head>", 1)


class PresenterFirstPaint:
    """ASGI middleware: a presenter link's page HTML carries presenter mode's type size;
    every other request and answer passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.css = type_size_css(presenter=True, root=UNLESS_TOGGLED_OFF)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not asks_presenter(scope):
            await self.app(scope, receive, send)
            return
        # The page's HTML is a few kB: asked for uncompressed so it can be edited.
        scope = dict(scope)
        scope["headers"] = [(k, v) for k, v in scope.get("headers", [])
                            if k.lower() != b"accept-encoding"]
        start: Message | None = None
        body: list[bytes] = []

        async def edit(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if (b"text/html" in headers.get(b"content-type", b"")
                        and b"content-encoding" not in headers):
                    start = message  # held until the whole body is here
                    return
            elif start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                html = with_style(b"".join(body), self.css)
                headers = [(k, v) for k, v in start.get("headers", [])
                           if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(html)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": html})
                return
            await send(message)

        await self.app(scope, receive, edit)
