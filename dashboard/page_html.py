"""The page's type size from its first paint, presenter link or not.

The page's style (root font 17 px, 21 px in presenter mode with less space above the title)
is an ``st.html`` element of ``app.py``. On a first visit the browser fetches the script that
renders ``st.html`` only after it has drawn the page's title, so every page opened at
Chromium's 16 px and jumped to its own size 0.1-0.3 s later: a presenter link from 16 to 21
px while the audience watched (issue 10; it also made a first-screen check in CI measure the
wrong layout), any other link from 16 to 17 px, moving every line of text.
:class:`TypeSizeFirstPaint` puts the same style into the page's HTML: presenter mode's when
the link asks for it (``?presenter=true``), the normal one otherwise. The rules that differ
between the modes (the root font; presenter mode's space above the title) hold only while
the sidebar's presenter toggle does not say otherwise (:data:`UNLESS_TOGGLED_OFF`,
:data:`UNLESS_TOGGLED_ON`): the style stays in the page's head for the whole visit, and
switching presenter mode in the page must still change the size. The guard also outranks
the styles Streamlit adds to the head after it (a plain ``html`` rule there reset the page to
16 px). The rules that are the same in both modes carry no guard: a ``:has()`` before a
descendant selector is checked in every style recalculation of the page, and guarding them
all made a new session's first chart 2% later (benchmarks/README.md, "Sixteenth session").

ASGI middleware for ``serve.py``; the model and the pages do not import it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from dashboard.css import reserved_height_css, type_size_css

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Match the page unless app.py's presenter toggle (key "presenter") is drawn and off / on.
UNLESS_TOGGLED_OFF = "html:not(:has(.st-key-presenter input:not(:checked)))"
UNLESS_TOGGLED_ON = "html:not(:has(.st-key-presenter input:checked))"

# Requests that are never a page's HTML: Streamlit's assets, its API and WebSocket, media.
NOT_PAGES = ("/static/", "/_stcore/", "/media/", "/component/", "/app/static/")


def is_page(scope: Scope) -> bool:
    """True for a GET of a page (answered with Streamlit's index.html), not of an asset, the
    API or the WebSocket."""
    path = str(scope.get("path", ""))
    return (scope.get("type") == "http" and scope.get("method") == "GET"
            and not path.startswith(NOT_PAGES) and "." not in path.rsplit("/", 1)[-1])


def asks_presenter(scope: Scope) -> bool:
    """True for a GET of a page whose link asks for presenter mode, read as ``app.py`` reads
    it (``presenter=true``, any case)."""
    if not is_page(scope):
        return False
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    return any(value.lower() == "true" for value in query.get("presenter", []))


def with_style(html: bytes, css: str) -> bytes:
    """``html`` with ``<style>css</style>`` before its ``</head>`` (unchanged without one)."""
    return html.replace(b"</head>", f"<style>{css}</style>".encode() + b"</head>", 1)


def first_paint_css(presenter: bool) -> str:
    """The type size a page's HTML carries (presenter mode's unless the toggle is drawn and
    off, or the normal one unless it is drawn and on) and the room kept for the first
    screen's elements whose code may come after its chart (``dashboard.css``)."""
    return (type_size_css(presenter=presenter,
                          guard=UNLESS_TOGGLED_OFF if presenter else UNLESS_TOGGLED_ON)
            + " " + reserved_height_css())


class TypeSizeFirstPaint:
    """ASGI middleware: a page's HTML carries the type size its link asks for (presenter
    mode's or the normal one); every other request and answer passes through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.css = {presenter: first_paint_css(presenter) for presenter in (False, True)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_page(scope):
            await self.app(scope, receive, send)
            return
        css = self.css[asks_presenter(scope)]
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
                html = with_style(b"".join(body), css)
                headers = [(k, v) for k, v in start.get("headers", [])
                           if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(html)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": html})
                return
            await send(message)

        await self.app(scope, receive, edit)
