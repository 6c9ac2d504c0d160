"""Data page: bundled datasets, uploads (good and bad), table, dictionary and downloads."""

from __future__ import annotations

from dashboard.render import escape_md
from equity.i18n import t
from tests.test_security import GOOD_CSV, _parts, _secret_shapefile, _zip, loopback  # noqa: F401

HEADER = (
    "region_id,region_name,area_type,patients,charity_coverage,oop_share,cost_per_patient,"
    "subsidy_per_patient\n"
)
GOOD = HEADER + "A,North,urban,100,0.8,0.3,1000,100\nB,South,suburban,50,60%,0.3,1000,100\n"
# Row 3 as a spreadsheet numbers it (the header is row 1).
BAD = HEADER + "A,North,urban,100,0.8,0.3,1000,100\nB,South,suburban,lots,0.6,0.3,1000,100\n"


def _upload(at, name: str, text: str):
    at.file_uploader(key="upload_file").set_value((name, text.encode(), "text/csv")).run()
    return at


def test_data_page_runs_with_table_dictionary_and_downloads(make_app) -> None:
    at = make_app("views/data.py")
    assert not at.exception
    headers = [h.value for h in at.header]
    assert headers == ["Bundled datasets", "Upload your own", "The table", "Data dictionary",
                       "Downloads"]
    from equity.datasets import load

    table = at.dataframe[0].value
    assert len(table) == len(load("city_w").table)
    dictionary = at.table[0].value
    assert "Provenance" in dictionary.columns
    assert set(dictionary["Provenance"]) <= {"source", "derived", "illustrative"}
    # The Downloads section's four (the division templates' own two are tested in
    # tests/app/test_geo_pages.py).
    assert len([b for b in at.get("download_button") if not b.key.startswith("dl_geo_")]) == 4


def test_bad_upload_names_row_and_column_and_loads_nothing(make_app) -> None:
    at = make_app("views/data.py")
    _upload(at, "bad.csv", BAD)
    assert not at.exception
    message = at.error[0].value
    assert "bad\\.csv" in message and "row 3" in message and "patients" in message
    assert "Nothing was loaded" in message
    assert at.radio(key="dataset").value == "city_w"
    # no half-loaded upload kept; the option is shown by its title
    assert at.radio(key="dataset").options == [escape_md(t("dataset.city_w.title", "en"))]


def test_good_upload_becomes_current_dataset(make_app) -> None:
    at = make_app("views/data.py")
    _upload(at, "good.csv", GOOD)
    assert not at.exception
    assert "2 regions loaded" in at.success[0].value
    assert at.radio(key="dataset").value == "upload"
    assert len(at.dataframe[0].value) == 2
    # The reading of each fraction column is reported in plain words.
    readings = [m.value for m in at.markdown if "read as" in m.value]
    assert readings and "charity\\_coverage" in readings[0] and "percent" in readings[0]


def test_bad_upload_after_good_keeps_the_good_one(make_app) -> None:
    at = make_app("views/data.py")
    _upload(at, "good.csv", GOOD)
    _upload(at, "bad.csv", BAD)
    assert at.error
    assert at.radio(key="dataset").value == "upload"
    assert len(at.dataframe[0].value) == 2


def test_uploaded_markup_is_not_rendered(make_app) -> None:
    evil = HEADER + "A,<img src=x onerror=alert(1)>,urban,oops,0.8,0.3,1000,100\n"
    at = make_app("views/data.py")
    _upload(at, "<b>evil</b>.csv", evil)
    message = at.error[0].value
    assert "<b>" not in message and "\\<b\\>" in message


def test_css_words_cannot_break_out_of_their_style() -> None:
    from dashboard.css import css_string

    text = css_string('a "quoted" </style><script>x</script>')
    assert "</style" not in text and "<" not in text
    assert text.startswith('"') and text.endswith('"') and text.count('"') == 4  # 2 escaped
    assert '\\"quoted\\"' in text


def test_data_page_in_chinese(make_app) -> None:
    at = make_app("views/data.py", lang="zh")
    assert at.header[0].value == "内置数据集"
    _upload(at, "bad.csv", BAD)
    assert "第3行" in at.error[0].value


def test_geojson_upload_draws_its_own_map(make_app) -> None:
    import json

    def square(x: float) -> dict:
        ring = [[x, 30.0], [x + 0.1, 30.0], [x + 0.1, 30.1], [x, 30.1], [x, 30.0]]
        return {"type": "Polygon", "coordinates": [ring]}

    rows = [("N", "North", "urban", 100, 0.8), ("S", "South", "suburban", 50, 0.6)]
    features = [
        {
            "type": "Feature",
            "geometry": square(120.0 + 0.1 * i),
            "properties": {
                "region_id": rid, "region_name": name, "area_type": area, "patients": p,
                "charity_coverage": c, "oop_share": 0.3, "cost_per_patient": 1000,
                "subsidy_per_patient": 100,
            },
        }
        for i, (rid, name, area, p, c) in enumerate(rows)
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    at = make_app("views/data.py")
    at.file_uploader(key="upload_file").set_value(
        ("two.geojson", text.encode(), "application/geo+json")
    ).run()
    assert not at.exception and at.radio(key="dataset").value == "upload"
    at.switch_page("views/overview.py").run()
    assert not at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    maps = [s for s in specs if s["data"][0]["type"] == "choroplethmap"]
    assert len(maps) == 1
    assert maps[0]["layout"]["map"]["style"] == "white-bg"
    assert [f["id"] for f in maps[0]["data"][0]["geojson"]["features"]] == ["N", "S"]
    assert "subtitle" not in maps[0]["layout"]["title"]  # real boundaries: not "schematic"


def test_bad_upload_in_chinese_shows_chinese_problem_text(make_app) -> None:
    at = make_app("views/data.py", lang="zh")
    _upload(at, "bad.csv", BAD)
    assert not at.exception
    message = at.error[0].value
    # The data layer's Chinese message, located the Chinese way; no English left.
    assert "bad\\.csv，第3行，“patients”列：不是数字：'lots'；应为人数（人），不小于0" in message
    assert "not a number" not in message and "expected" not in message
    assert "未加载任何数据" in message


def test_good_upload_in_chinese_shows_readings_and_notes_in_chinese(make_app) -> None:
    at = make_app("views/data.py", lang="zh")
    _upload(at, "good.csv", GOOD)
    assert not at.exception
    markdown = "\n".join(m.value for m in at.markdown)
    assert "charity\\_coverage：按百分号 \\+ 比例（0\\-1）读取" in markdown
    assert "按CSV读取，编码UTF\\-8" in markdown
    assert "read as" not in markdown and "severity column" not in markdown


def test_data_page_refuses_hostile_zips(make_app, tmp_path, loopback):  # noqa: F811
    base, hits = loopback
    secret = _secret_shapefile(tmp_path / "elsewhere")
    at = make_app("views/data.py")
    for names in (_parts(str(secret.with_suffix(""))), _parts(f"/vsicurl/{base}/probe"),
                  _parts("../../x")):
        at.file_uploader(key="upload_file").set_value(
            ("upload.zip", _zip(names), "application/zip")).run()
        assert not at.exception
        message = at.error[0].value
        assert "refused" in message and "Nothing was loaded" in message
        assert at.radio(key="dataset").value == "city_w"
    # The boundaries uploader goes through the same reader.
    at.file_uploader(key="upload_boundaries").set_value(
        ("b.zip", _zip(_parts(str(secret.with_suffix("")))), "application/zip"))
    at.file_uploader(key="upload_file").set_value(
        ("t.csv", GOOD_CSV.encode(), "text/csv")).run()
    assert not at.exception
    assert "absolute path" in at.error[0].value
    assert at.radio(key="dataset").value == "city_w"
    assert hits == []


def test_table_view_neutralises_formulas_for_its_toolbar_download(make_app) -> None:
    # Issue 15: the table's own "Download as CSV" exports what it shows, so what it shows
    # can never start a spreadsheet formula.
    names = ["=1+2", '=HYPERLINK("http://x","y")', "+cmd", "@SUM(1)"]
    rows = "".join(f'R{i},"{name.replace(chr(34), 2 * chr(34))}",urban,100,0.8,0.3,1000,100\n'
                   for i, name in enumerate(names))
    at = make_app("views/data.py")
    _upload(at, "formulas.csv", HEADER + rows)
    assert not at.exception and at.radio(key="dataset").value == "upload"
    shown = list(at.dataframe[0].value["region_name"])
    assert shown == ["'" + name for name in names]


def test_large_table_shows_its_first_rows_with_a_note(make_app) -> None:
    from benchmarks.synthetic import synthetic_regions
    from equity.readers.region_data import RegionData

    TABLE_ROWS = 2_000  # views/data.py's TABLE_ROWS (importing the page would run it)

    at = make_app()
    at.session_state["uploaded_data"] = RegionData("big", synthetic_regions(TABLE_ROWS + 500))
    at.session_state["_switch_to_upload"] = True
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == TABLE_ROWS
    assert any(f"{TABLE_ROWS:,} of {TABLE_ROWS + 500:,} rows" in c.value for c in at.caption)


def test_upload_shows_its_stages_and_outcome(make_app) -> None:
    at = make_app("views/data.py")
    _upload(at, "bad.csv", BAD)
    box = at.status[0]
    assert box.state == "error" and "refused after" in box.label
    stages = [m.value for m in box.markdown]
    assert stages[0].startswith("Received bad\\.csv")
    assert "100,000 rows" in stages[1] and "1,000 columns" in stages[1] and "50 MB" in stages[1]


def test_slow_upload_counts_the_seconds(make_app, monkeypatch) -> None:
    import time

    import dashboard.uploads as uploads

    real = uploads._validate

    def slow(main, boundaries):
        time.sleep(1.6)
        return real(main, boundaries)

    monkeypatch.setattr(uploads, "_validate", slow)
    at = make_app("views/data.py")
    _upload(at, "bad.csv", BAD)
    assert any(c.value.endswith("s so far") for c in at.status[0].caption)
    assert at.error and "row 3" in at.error[0].value  # the outcome is unchanged


def test_bundled_dataset_names_its_documents_by_title(make_app) -> None:
    # Issue 10: the City W description and notes showed "000 3.1.2" in both languages.
    for lang in ("en", "zh"):
        at = make_app("views/data.py", lang=lang)
        shown = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
        assert "000 3" not in shown and "000 3\\.1" not in shown, lang
        assert escape_md(t("doc.000.short", lang)) in shown, lang
        assert "18,000" in shown or "18\\,000" in shown, lang
