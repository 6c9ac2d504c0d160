"""The dashboard works without the internet: no page asks for anything outside the machine.

Records every request the browser makes (``page.on("request")``: documents, scripts, fonts,
images, favicons, map tiles, websockets) while a user opens Overview, moves a slider on
Transfer fund, and opens Data and Methods, then fails on any request to a host other than
the loopback addresses. ``data:`` and ``blob:`` URLs never leave the browser and are allowed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about"}


def non_local(urls: list[str]) -> list[str]:
    """The URLs whose host is not a loopback address (``data:``/``blob:`` are local)."""
    bad = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            continue
        if parts.hostname not in LOCAL_HOSTS:
            bad.append(url)
    return bad


def test_non_local_detects_outside_hosts() -> None:
    # The check itself: a favicon from a font server and a map tile count, loopback does not.
    urls = [
        "http://127.0.0.1:8501/static/js/index.js",
        "ws://localhost:8501/_stcore/stream",
        "http://[::1]:8501/",
        "data:image/svg+xml;base64,AAAA",
        "blob:http://127.0.0.1:8501/1234",
        "https://fonts.example.org/s/i/icon.svg",
        "http://127.0.0.1.example.org/x",
    ]
    assert non_local(urls) == urls[-2:]


def _wait_idle(page: Page, app_ready) -> None:
    app_ready(page)
    # Lazily loaded parts (charts, the map, page icons) request their files after the run.
    page.wait_for_timeout(1500)


def test_no_request_leaves_the_machine(page: Page, app_url: str, app_ready) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda ws: requests.append(ws.url))

    page.goto(app_url)
    app_ready(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    _wait_idle(page, app_ready)

    page.goto(f"{app_url}/transfer_fund?central_pool=1000000&group=use")
    app_ready(page)
    headline = page.locator(".st-key-tf_headline")
    expect(headline).to_be_visible(timeout=60_000)
    before = headline.inner_text()
    thumb = page.locator(".st-key-breadth_share input[type='range']")
    thumb.focus()
    thumb.press("ArrowLeft")
    page.wait_for_function(
        "before => document.querySelector('.st-key-tf_headline').innerText !== before",
        arg=before, timeout=60_000,
    )
    _wait_idle(page, app_ready)

    for path in ("data", "methods"):
        page.goto(f"{app_url}/{path}")
        _wait_idle(page, app_ready)

    # The recorder saw the pages load (so an empty list cannot pass by accident).
    assert any(urlsplit(url).path.endswith(".js") for url in requests)
    assert any("/_stcore/stream" in url for url in requests)
    outside = sorted(set(non_local(requests)))
    assert not outside, "requests to hosts outside the machine:\n" + "\n".join(outside)
