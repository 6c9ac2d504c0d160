"""dashboard/page_html.py: a page's HTML carries the type size its link asks for, presenter
mode's or the normal one (issue 10: a page opened at 16 px and jumped to 21 px, or to 17 px);
nothing else is touched."""

from __future__ import annotations

import re

import pytest

from dashboard.css import reserved_height_css, type_size_css
from dashboard.page_html import (
    UNLESS_TOGGLED_OFF,
    UNLESS_TOGGLED_ON,
    TypeSizeFirstPaint,
    asks_presenter,
    is_page,
    with_style,
)
from tests.asgi import run_coroutine

HTML = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body></body></html>"


def _scope(path: str = "/", query: str = "", method: str = "GET", **extra) -> dict:
    return {"type": "http", "method": method, "path": path,
            "query_string": query.encode(), "headers": [(b"accept-encoding", b"gzip")],
            **extra}


@pytest.mark.parametrize(("path", "query", "method", "expected"), [
    ("/", "presenter=true", "GET", True),
    ("/transfer_fund", "lang=zh&presenter=TRUE&central_pool=2000000", "GET", True),
    ("/", "", "GET", False),
    ("/", "presenter=false", "GET", False),
    ("/", "presenter=yes", "GET", False),
    ("/", "presenter=true", "POST", False),
    ("/static/js/index.js", "presenter=true", "GET", False),
    ("/_stcore/health", "presenter=true", "GET", False),
    ("/favicon.png", "presenter=true", "GET", False),
])
def test_asks_presenter(path, query, method, expected) -> None:
    assert asks_presenter(_scope(path, query, method)) is expected


@pytest.mark.parametrize(("path", "method", "expected"), [
    ("/", "GET", True),
    ("/transfer_fund", "GET", True),
    ("/", "HEAD", False),
    ("/static/js/index.js", "GET", False),
    ("/_stcore/host-config", "GET", False),
    ("/media/abc.png", "GET", False),
    ("/favicon.png", "GET", False),
])
def test_is_page(path, method, expected) -> None:
    assert is_page(_scope(path, "", method)) is expected


def test_a_websocket_is_never_a_page() -> None:
    scope = {"type": "websocket", "path": "/_stcore/stream", "query_string": b"presenter=true"}
    assert not asks_presenter(scope)
    assert not is_page(scope)


def test_with_style_goes_before_the_head_closes() -> None:
    assert with_style(HTML, "x{}") == HTML.replace(b"</head>", b"<style>x{}</style></head>")
    assert with_style(b"<p>no head</p>", "x{}") == b"<p>no head</p>"


def _serve(scope: dict, *, content_type: bytes = b"text/html; charset=utf-8",
           chunks: tuple[bytes, ...] = (HTML,)) -> tuple[list[dict], dict]:
    """Run the middleware around an app answering ``chunks``; returns the messages sent and
    the scope the app saw."""
    seen: dict = {}

    async def app(scope, receive, send):
        seen.update(scope)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type),
                                (b"content-length", str(sum(map(len, chunks))).encode())]})
        for i, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk,
                        "more_body": i < len(chunks) - 1})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    run_coroutine(TypeSizeFirstPaint(app)(scope, receive, send))
    return sent, seen


def _guarded(html: bytes) -> list[tuple[str, str]]:
    """(selector, declarations) of the rules in ``html``'s style that carry a ``:has()``."""
    css = html.decode().split("<style>", 1)[1].split("</style>", 1)[0]
    rules = re.findall(r"\s*([^{}]+?)\s*\{\s*([^{}]*?)\s*\}", css)
    return [(selector, body) for selector, body in rules if ":has(" in selector]


def test_a_presenter_link_gets_the_presenter_type_size_in_its_html() -> None:
    sent, seen = _serve(_scope("/transfer_fund", "presenter=true"),
                        chunks=(HTML[:30], HTML[30:]))  # a body in two parts
    start, body = sent
    html = body["body"]
    css = type_size_css(presenter=True, guard=UNLESS_TOGGLED_OFF) + " " + reserved_height_css()
    assert html == HTML.replace(b"</head>", f"<style>{css}</style></head>".encode())
    assert dict(start["headers"])[b"content-length"] == str(len(html)).encode()
    assert b"font-size: 21px" in html and b"padding-top: 2.5rem" in html
    # the presenter rules void once the sidebar's presenter toggle is drawn and off
    assert _guarded(html) == [(UNLESS_TOGGLED_OFF, "font-size: 21px;"),
                              (UNLESS_TOGGLED_OFF + ' [data-testid="stMainBlockContainer"]',
                               "padding-top: 2.5rem;")]
    assert seen["headers"] == []  # asked uncompressed, so it could be edited


@pytest.mark.parametrize("query", ["", "presenter=false", "lang=zh&presenter=no"])
def test_any_other_page_gets_the_normal_type_size_in_its_html(query) -> None:
    sent, seen = _serve(_scope("/", query))
    html = sent[1]["body"]
    css = type_size_css(presenter=False, guard=UNLESS_TOGGLED_ON) + " " + reserved_height_css()
    assert html == HTML.replace(b"</head>", f"<style>{css}</style></head>".encode())
    assert b"font-size: 17px" in html and b"21px" not in html
    # the root font only, on the root itself: void once the presenter toggle is drawn and on
    assert _guarded(html) == [(UNLESS_TOGGLED_ON, "font-size: 17px;")]
    assert seen["headers"] == []


def test_the_first_paints_guard_is_on_the_root_alone_in_a_normal_link() -> None:
    """A ``:has()`` guard before a descendant selector (it guarded every rule until the
    sixteenth session) makes the browser check it in every style recalculation: a new
    session's first chart 2% later (benchmarks/README.md, "Sixteenth session"). The rules
    that are the same in both modes need no guard; only the root font differs."""
    html = _serve(_scope("/", ""))[0][1]["body"].decode()
    assert html.count(":has(") == 1
    assert 'html [data-testid="stMetricValue"] { font-size: 2rem; }' in html
    assert 'html [data-testid="stButtonGroup"] button' in html
    assert type_size_css(presenter=False).startswith("html { font-size: 17px; }")


@pytest.mark.parametrize(("scope", "content_type"), [
    (_scope("/static/js/a.js", "presenter=true"), b"application/javascript"),
    (_scope("/_stcore/host-config", ""), b"application/json"),
    (_scope("/", "", "POST"), b"text/html"),
])
def test_everything_else_passes_untouched(scope, content_type) -> None:
    sent, seen = _serve(scope, content_type=content_type)
    assert sent[1]["body"] == HTML
    assert seen["headers"] == [(b"accept-encoding", b"gzip")]


def test_a_compressed_answer_is_not_edited() -> None:
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html"),
                                (b"content-encoding", b"gzip")]})
        await send({"type": "http.response.body", "body": b"\x1f\x8b..."})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    run_coroutine(TypeSizeFirstPaint(app)(_scope("/", "presenter=true"), None, send))
    assert sent[1]["body"] == b"\x1f\x8b..."


def test_every_page_keeps_room_for_the_first_screens_late_elements() -> None:
    """The Overview's indicator picker is 3.75 rem high at either type size and Transfer fund's
    metrics 4.4-6.5 rem: their room is kept from the first paint, so the chart below never
    moves when their code arrives."""
    for query in ("", "presenter=true"):
        html = _serve(_scope("/", query))[0][1]["body"]
        assert b".st-key-ov_indicator { min-height: 3.75rem; }" in html
        # Transfer fund's headline metrics: placeholders as tall as a metric, the first one as
        # tall as the metric with its change line.
        assert b'.st-key-tf_headline [data-testid="stSkeleton"] { min-height: 4.4rem; }' in html
        assert (b'.st-key-tf_headline [data-testid="stColumn"]:first-child'
                b' [data-testid="stSkeleton"] { min-height: 6.3rem; }') in html
