"""Issue 15: a table with hostile names (HTML, script, Markdown links to javascript:, formula
prefixes) uploaded in a real browser: on every page no element is injected, no dialog opens,
and the names show literally ("Rural & remote", never "Rural &amp; remote")."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from equity.i18n import t
from tests.e2e.conftest import MAIN_UPLOAD

HOSTILE_GROUP = "**B** [x](javascript:alert(8))"
AMPERSAND = "Rural & remote"
NAMES = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "[click](javascript:alert(3))",
    "=HYPERLINK(\"http://x\",\"y\")",
    "<b>bold</b> & <i>it</i>",
    "$x^2$ `code` _em_",
]
PAGES = ("nav.overview", "nav.transfer_fund", "nav.sustainability", "nav.benefit",
         "nav.compare", "nav.data", "nav.methods")
# An element any of the names would create if it were rendered as HTML or Markdown.
INJECTED = """() => [
    ...document.querySelectorAll("img[src='x'], a[href^='javascript' i]"),
    ...[...document.querySelectorAll("script")].filter(s => s.textContent.includes("alert(")),
    ...[...document.querySelectorAll("b, i, strong, em, code")].filter(
        e => ["bold", "it", "B", "code", "em"].includes(e.textContent.trim())),
].length"""


def _hostile_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["region_id", "region_name", "area_type", "patients", "charity_coverage",
                     "oop_share", "cost_per_patient", "subsidy_per_patient"])
    for i, name in enumerate(NAMES):
        group = HOSTILE_GROUP if i % 2 == 0 else AMPERSAND
        writer.writerow([f"R{i}", name, group, 100 + i, 0.6 + i / 50, 0.3, 200000, 18000])
    return out.getvalue().encode()


def _no_injection(page: Page, where: str) -> None:
    assert page.evaluate(INJECTED) == 0, where
    main = page.get_by_test_id("stMain").inner_text()
    assert "&amp;" not in main, where


def test_hostile_names_stay_text_on_every_page(page: Page, app_url: str, app_ready) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{app_url}/data")
    app_ready(page)
    page.locator(MAIN_UPLOAD).set_input_files(
        files=[{"name": "<b>hostile</b>.csv", "mimeType": "text/csv",
                "buffer": _hostile_csv()}])
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("6 regions loaded")
    assert "dataset=upload" in page.url
    # The groups compared are the two hostile area types (sorted: "**B**..." first).
    for key in PAGES:
        page.get_by_test_id("stSidebarNav").get_by_text(t(key, "en"), exact=True).click()
        app_ready(page)
        page.wait_for_timeout(1500)  # charts draw after the script has finished
        _no_injection(page, key)
        if key in ("nav.overview", "nav.transfer_fund"):
            main = page.get_by_test_id("stMain")
            expect(main.get_by_text(HOSTILE_GROUP, exact=False).first).to_be_attached()
            expect(main.get_by_text(AMPERSAND, exact=False).first).to_be_attached()
    assert dialogs == []
