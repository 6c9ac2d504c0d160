"""Exports: spreadsheet-safe CSV / XLSX and chart images through kaleido + Chromium."""

from __future__ import annotations

import io
import os
import re
import time
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


def test_a_browser_that_cannot_start_gives_an_error_not_a_hang(monkeypatch) -> None:
    """kaleido's own kept browser, when it failed to start, left every export waiting forever
    (a PNG download that never ended); now each attempt fails at once with the reason, and a
    browser that works again is used by the next export."""
    import equity.report as report

    monkeypatch.setattr(report, "_renderer", None)  # this process's kept browser, if any
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")
    fig = go.Figure(go.Bar(y=[1, 2]))
    for _ in range(2):  # the failed renderer is not kept: the second attempt tries again
        started = time.monotonic()
        with pytest.raises(RuntimeError, match="could not render the chart as PNG"):
            figure_to_image(fig, "png")
        assert time.monotonic() - started < 30
        assert report._renderer is None
    if Path("/usr/bin/chromium").exists():
        monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium")
        assert figure_to_image(fig, "png", width=300, height=200).startswith(b"\x89PNG")
        report._renderer.close()  # this test's browser; the process's is restored after


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


# --------------------------------------------------------------------------- scenario tables,
# source lines, titled references, a chart's data

@pytest.fixture(scope="module")
def city_w_result():
    from equity.datasets import load
    from equity.fund import simulate

    return simulate(load("city_w"), {"central_pool": 2_000_000})


def test_scenario_tables_units_in_headers_and_integers_stay_integers(city_w_result) -> None:
    from equity.report import SCENARIO_TABLES, scenario_tables

    tables = scenario_tables(city_w_result, "en", dataset="City W")
    assert list(tables) == list(SCENARIO_TABLES)
    regions = tables["regions"]
    assert "allocation (yuan/year)" in regions.columns
    assert "patients (persons)" in regions.columns
    assert "charity coverage before (%)" in regions.columns
    # City W's bundled patient counts (data/city_w/regions.csv), as integers
    assert regions["patients (persons)"].dtype == "Int64"
    assert regions["patients (persons)"].sum() == 700  # 360 urban + 340 suburban (000)
    assert regions["allocation (yuan/year)"].dtype == "Int64"
    # whole yuan: the rounded allocations still add up to the 2 million yuan allocated,
    # within half a yuan a region
    assert abs(int(regions["allocation (yuan/year)"].sum()) - 2_000_000) <= len(regions) / 2
    # groups: the documented 90% urban / 65% suburban, a 25-point gap before
    groups = tables["groups"].set_index("group")
    assert groups.loc["urban", "before (%)"] == pytest.approx(90.0)
    assert groups.loc["suburban", "before (%)"] == pytest.approx(65.0)
    assert groups.loc["gap (A − B)", "before (%)"] == pytest.approx(25.0)
    gap = groups.loc["gap (A − B)"]
    assert gap["change (percentage points)"] == pytest.approx(
        gap["after (%)"] - gap["before (%)"], abs=0.011)
    fund = tables["fund"].set_index("item")["amount (yuan/year)"]
    assert fund["gross fund"] == 2_000_000 and fund["source: Central pool"] == 2_000_000
    assert fund["gross fund"] == fund["overhead"] + fund["allocated to regions"] + fund["unspent"]
    about = tables["about"].set_index("key")["value"]
    assert about["model version"] == MODEL_VERSION and about["dataset"] == "City W"
    measures = tables["measures"]
    d_row = measures[(measures["measure"] == "D")
                     & (measures["indicator"] == "charity coverage")].iloc[0]
    assert d_row["change (after − before)"] == pytest.approx(d_row["after"] - d_row["before"])


def test_scenario_tables_in_chinese(city_w_result) -> None:
    from equity.report import scenario_tables

    tables = scenario_tables(city_w_result, "zh")
    assert "分配金额（元/年）" in tables["regions"].columns
    assert set(tables["regions"]["区域类型"]) == {"城区", "郊区"}
    assert tables["groups"]["组别"].tolist()[:2] == ["城区", "郊区"]


def test_scenario_workbook_sheets_and_integer_cells(city_w_result) -> None:
    from equity.report import scenario_workbook

    book = openpyxl.load_workbook(io.BytesIO(scenario_workbook(city_w_result, "en")))
    assert book.sheetnames == ["regions", "groups", "measures", "fund accounting", "about"]
    sheet = book["regions"]
    header = [c.value for c in sheet[1]]
    column = header.index("allocation (yuan/year)") + 1
    values = [sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)]
    assert all(type(v) is int for v in values), values
    patients = [sheet.cell(row=r, column=header.index("patients (persons)") + 1).value
                for r in range(2, sheet.max_row + 1)]
    assert sum(patients) == 700 and all(type(v) is int for v in patients)
    zh = openpyxl.load_workbook(io.BytesIO(scenario_workbook(city_w_result, "zh")))
    assert zh.sheetnames == ["地区", "组别", "不平等测度", "基金收支", "说明"]


def test_source_line_in_both_languages() -> None:
    from equity.report import source_line

    en = source_line("en", dataset="City W", documents=[("000", ["abstract", "3.1.2"]), "002"])
    assert en == ("Data: City W · Sources: Li, Wang and Xu, hemophilia policy analysis, "
                  "abstract and §3.1.2; Wang, Rong and Wang, Zhejiang policy lessons · "
                  f"Model {MODEL_VERSION}")
    zh = source_line("zh", dataset="W市", documents=[("000", ["abstract", "3.1.2"])])
    assert zh == ("数据：W市 · 来源：Li Ruiwen等，血友病政策分析，摘要及第3.1.2节 · "
                  f"模型版本 {MODEL_VERSION}")
    assert source_line("en") == f"Model {MODEL_VERSION}"
    # one mention per document, its sections gathered
    merged = source_line("zh", documents=[("000", ["abstract", "3.1.2"]), ("000", ["4.1.2"])])
    assert merged == ("来源：Li Ruiwen等，血友病政策分析，摘要、第3.1.2节及第4.1.2节 · "
                      f"模型版本 {MODEL_VERSION}")


def test_raw_document_codes_become_titles() -> None:
    from equity.report import titled_references

    text = "patient-weighted mean 0.90 (000 abstract and 3.1.2); 2 yuan (002 section 3); 2000 yuan"
    en = titled_references(text, "en")
    assert en == ("patient-weighted mean 0.90 (Li, Wang and Xu, hemophilia policy analysis, "
                  "abstract and §3.1.2); 2 yuan (Wang, Rong and Wang, Zhejiang policy lessons, "
                  "§3); 2000 yuan")
    assert "第3.1.2节" in titled_references("000 section 3.1.2", "zh")
    # two references joined by "and" stay two references
    both = titled_references("000 abstract and 3.2.1 and 002 section 3", "en")
    assert "§002" not in both and "Zhejiang policy lessons, §3" in both


def test_figure_frame_holds_what_the_chart_draws() -> None:
    from equity.report import figure_frame

    fig = go.Figure([go.Bar(x=["urban", "suburban"], y=[0.9, 0.65], name="before"),
                     go.Bar(x=["urban", "suburban"], y=[0.92, 0.96], name="after")])
    frame = figure_frame(fig)
    assert frame.columns.tolist() == ["trace", "x", "y"]
    assert frame["trace"].tolist() == ["before", "before", "after", "after"]
    assert frame["y"].tolist() == [0.9, 0.65, 0.92, 0.96]
    sankey = figure_frame(go.Figure(go.Sankey(node={"label": ["pool", "W-U1", "W-S1"]},
                                              link={"source": [0, 0], "target": [1, 2],
                                                    "value": [5, 6]})))
    assert sankey[["source", "target", "value"]].values.tolist() == [
        ["pool", "W-U1", 5], ["pool", "W-S1", 6]]


def test_dictionary_in_translates_details_and_titles_references() -> None:
    from equity.report import dictionary_in

    frame = pd.DataFrame({"column": ["subsidy_per_patient", "custom"],
                          "detail": ["file text", "from 002 section 3 (Zhejiang)"]})
    zh = dictionary_in(frame, "city_w", "zh")
    assert zh["detail"][0] == ("各区均为每年18,000元：“每年可获得的慈善救助……约18,000元”（"
                               "Li Ruiwen等，血友病政策分析，第3.2.1节）。")
    # a row the catalogue lacks keeps its text, its document reference by title
    assert zh["detail"][1] == "from Wang Miao等，浙江政策经验，第3节 (Zhejiang)"
    assert frame["detail"][0] == "file text"  # the input is not changed
    other = dictionary_in(frame, "uploaded", "en")
    assert other["detail"].tolist() == [
        "file text", "from Wang, Rong and Wang, Zhejiang policy lessons, §3 (Zhejiang)"]


def _numbers_in_chinese(english: str) -> list[str]:
    """The numbers of an English detail as its Chinese translation must write them: as written
    (1,000; 0.85; 2024), "3.0 million" and "0.6-0.9 million" in 万 (300万, 60万, 90万);
    document codes left out."""
    out = []
    for m in re.finditer(r"(\d+(?:,\d{3})*(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?( million)?", english):
        for number in filter(None, (m.group(1), m.group(2))):
            if number in {"000", "001", "002", "003", "004"}:
                continue
            if m.group(3):
                number = f"{float(number) * 100:,.0f}万"
            out.append({"1,000,000": "100万"}.get(number, number))  # 100万元, a quoted range
    return out


@pytest.mark.parametrize("name", ["city_w", "international", "zhejiang"])
def test_every_bundled_dictionary_reads_in_chinese_with_the_same_numbers(name: str) -> None:
    # Issue 10: only City W's dictionary had Chinese detail text; the others fell back to the
    # English file, and units and the XLSX sheet's file column stayed English.
    from equity.datasets import dataset_dictionary, list_datasets, load
    from equity.i18n import has, t
    from equity.report import DOCUMENTS, dictionary_in, dictionary_sheet
    from tests.latin import latin_words, words_of

    assert {d.name for d in list_datasets()} == {"city_w", "international", "zhejiang"}
    filed = dataset_dictionary(name)
    assert not filed["column"].duplicated().any()  # dict.<dataset>.<column> is unambiguous
    zh = dictionary_in(filed, name, "zh")
    en = dictionary_in(filed, name, "en")
    # Latin a Chinese reader may meet: the data's own column and file names, region and drug
    # names as the data spells them, the documents' authors.
    allowed = words_of(filed["column"]) | words_of(filed.get("file", []))
    allowed |= words_of(load("city_w").table["region_name"])
    allowed |= {"Kuvan"}  # 002 Table 2's drug, as printed
    allowed |= {"schematic", "true"}  # the map's GeoJSON property, as the file has it
    allowed |= words_of(t(f"doc.{code}.title", "zh") for code in DOCUMENTS)
    for row, (column, text) in enumerate(zip(zh["column"], zh["detail"], strict=True)):
        assert has(f"dict.{name}.{column}"), column  # no row falls back to the English file
        assert latin_words(text, allowed) == [], (column, text)
        assert latin_words(zh["unit"][row], allowed) == [], (column, zh["unit"][row])
        assert latin_words(zh["provenance"][row]) == [], column
        # the same numbers as the file of record, in both languages
        for number in _numbers_in_chinese(filed["detail"][row]):
            assert number in text, (column, number)
        for number in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", filed["detail"][row]):
            assert number in en["detail"][row] or number in {"000", "002", "003"}, number
    sheet = dictionary_sheet(filed, name, "zh")
    assert all(latin_words(str(header)) == [] for header in sheet.columns), list(sheet.columns)
    assert sheet.iloc[:, -1].tolist() == zh["detail"].tolist()


def test_titled_references_leave_thousands_alone() -> None:
    # "18,000 yuan" is a number, not document 000 (the City W description read
    # "18,Li, Wang and Xu, ... yuan").
    from equity.report import titled_references

    assert titled_references("18,000 yuan (000 3.1.2, 3.2.1)", "en") == (
        "18,000 yuan (Li, Wang and Xu, hemophilia policy analysis, §3.1.2 and §3.2.1)")
