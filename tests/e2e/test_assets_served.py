"""serve.py answers Streamlit's frontend files from memory (dashboard/assets.py): every file a
page's HTML asks for comes back whole, with Streamlit's content type and caching, and without
``Accept-Ranges``, which Streamlit's own handler sends (``FrontendAssets`` leaves range
requests to it)."""

from __future__ import annotations

import re
import urllib.request

from dashboard.assets import CACHE_CONTROL, streamlit_static_dir


def test_the_pages_files_come_from_memory(app_url: str) -> None:
    with urllib.request.urlopen(app_url + "/", timeout=10) as answer:
        html = answer.read().decode()
    urls = sorted(set(re.findall(r'(?:src|href)="\.?/?(static/[^"]+)"', html)))
    assert len(urls) >= 10, urls  # the entry script, its preloaded modules, CSS, a font
    static = streamlit_static_dir()
    for url in urls:
        with urllib.request.urlopen(f"{app_url}/{url}", timeout=10) as answer:
            body = answer.read()
            headers = answer.headers
        assert body == (static / url).read_bytes(), url
        assert headers["Cache-Control"] == CACHE_CONTROL.decode(), url
        assert headers["ETag"] and headers["Accept-Ranges"] is None, url
        if url.endswith(".js"):
            assert headers["Content-Type"] == "application/javascript", url
