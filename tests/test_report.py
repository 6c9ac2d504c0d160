"""Exports: spreadsheet-safe CSV / XLSX and chart images through kaleido + Chromium."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from equity import MODEL_VERSION
from equity.report import figure_to_image, neutralise, to_csv_bytes, to_xlsx_bytes

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "=HYPERLINK(\"http://x\")"]


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_name": ["城区甲", *DANGEROUS, "plain - text"],
            "patients": [120, -5, 0, 1, 2, 3, 4, 5, 6],
        }
    )


@pytest.mark.parametrize("cell", DANGEROUS)
def test_neutralise_prefixes_formula_starters(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_neutralise_leaves_safe_values() -> None:
    assert neutralise("plain - text") == "plain - text"
    assert neutralise(-5) == -5
    assert neutralise(None) is None


def test_csv_is_utf8_with_bom_and_neutralised() -> None:
    data = to_csv_bytes(frame())
    assert data.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert back["region_name"].iloc[0] == "城区甲"
    names = list(back["region_name"])
    assert names[1:3] == ["'=1+1", "'+SUM(A1)"]
    assert names[-1] == "plain - text"
    assert list(back["patients"])[:2] == [120, -5]  # numbers stay numbers
    for cell in DANGEROUS:
        assert f"\n{cell}" not in data.decode("utf-8-sig").replace("\r\n", "\n")


def test_csv_neutralises_column_names() -> None:
    data = to_csv_bytes(pd.DataFrame({"=evil": [1]}))
    assert data.decode("utf-8-sig").startswith("'=evil")


def test_xlsx_cells_are_text_not_formulas_and_carry_version() -> None:
    data = to_xlsx_bytes({"regions": frame(), "a/b:c*?[long name over thirty-one chars]": frame()})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "regions"
    assert len(book.sheetnames[1]) <= 31 and "/" not in book.sheetnames[1]
    sheet = book["regions"]
    values = [sheet.cell(row=r, column=1).value for r in range(2, 2 + len(frame()))]
    assert values[1] == "'=1+1"
    for r in range(2, 2 + len(frame())):
        assert sheet.cell(row=r, column=1).data_type == "s"
    assert sheet.cell(row=3, column=2).value == -5
    about = book["about"]
    assert [about.cell(row=2, column=c).value for c in (1, 2)] == ["model_version", MODEL_VERSION]


def test_xlsx_single_frame() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame())))
    assert book.sheetnames == ["data", "about"]


needs_chromium = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and not os.environ.get("BROWSER_PATH"),
    reason="kaleido needs a Chromium",
)


@needs_chromium
def test_figure_to_png_and_svg() -> None:
    fig = go.Figure(go.Bar(x=["城区", "郊区"], y=[90, 65]))
    png = figure_to_image(fig, "png", width=400, height=300)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    assert width == 400
    svg = figure_to_image(fig, "svg", width=400, height=300)
    assert svg.lstrip().startswith(b"<svg") and b"</svg>" in svg
    assert f"model {MODEL_VERSION}".encode() in svg
    assert not fig.layout.annotations  # the stamp went on a copy


def test_figure_to_image_rejects_other_formats() -> None:
    with pytest.raises(ValueError, match="png"):
        figure_to_image(go.Figure(), "gif")


def test_shell_modules_of_equity_do_not_import_streamlit() -> None:
    import subprocess
    import sys

    code = (
        "import sys, equity.report, equity.i18n, equity.charts.style, equity.charts.overview,"
        " equity.charts.maps; assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


def test_whole_numbers_are_written_as_integers() -> None:
    df = pd.DataFrame({"patients": [120.0, 80.0], "yuan": [918000.0, float("nan")],
                       "share": [0.65, 0.9]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    assert text.splitlines()[1] == "120,918000,0.65"
    assert text.splitlines()[2] == "80,,0.9"
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(df)))
    assert book["data"]["A2"].value == 120 and isinstance(book["data"]["A2"].value, int)


def test_export_name_carries_the_model_version() -> None:
    from equity.report import export_name

    assert export_name("results", "csv") == f"results_model-{MODEL_VERSION}.csv"


@needs_chromium
def test_png_is_print_width_by_default_and_carries_source() -> None:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": "A title"}})
    png = figure_to_image(fig, "png")
    assert int.from_bytes(png[16:20], "big") == 1600
    svg = figure_to_image(fig, "svg", source="City W · 000 §3.1.2 <b>")
    assert b"A title" in svg and "City W · 000 §3.1.2".encode() in svg
