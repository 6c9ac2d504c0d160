"""Real Chinese division maps on the pages: a Hangzhou county template, filled with made-up
numbers inside this test only, uploaded on the Data page, drawn on Overview and Transfer fund;
the division templates offered for download on the Data page."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from equity.geo import children, template_bytes

HANGZHOU = "330100"


def filled_template(code: str = HANGZHOU, lang: str = "en") -> tuple[bytes, list[str]]:
    """The county template of ``code`` with made-up figures (test data, not real)."""
    frame = pd.read_csv(io.BytesIO(template_bytes(code, "county", "csv", lang)),
                        dtype=str, keep_default_na=False)
    n = len(frame)
    cols = list(frame.columns)  # schema order: id, name, area type, patients, charity, oop,
    frame[cols[2]] = ["urban" if i % 2 else "rural" for i in range(n)]  # cost, subsidy
    frame[cols[3]] = [str(40 + 7 * i) for i in range(n)]
    frame[cols[4]] = [f"{0.30 + 0.04 * (i % 15):.2f}" for i in range(n)]  # 30%-86%
    frame[cols[5]] = [f"{0.50 - 0.02 * (i % 15):.2f}" for i in range(n)]
    frame[cols[6]] = ["90000"] * n
    frame[cols[7]] = ["20000"] * n
    return frame.to_csv(index=False).encode("utf-8"), list(frame[cols[0]])


def _maps(at) -> list[dict]:
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return [s for s in specs if any(d["type"] == "choroplethmap" for d in s["data"])]


def _upload(make_app, lang: str = "en"):
    data, codes = filled_template(lang=lang)
    at = make_app("views/data.py", lang=lang)
    at.file_uploader(key="upload_file").set_value(("hangzhou.csv", data, "text/csv")).run()
    assert not at.exception
    assert at.radio(key="dataset").value == "upload"
    return at, codes


def test_hangzhou_template_draws_real_map_on_overview_and_transfer_fund(make_app) -> None:
    at, codes = _upload(make_app)
    assert len(codes) == len(children(HANGZHOU, "county")) == 13
    at.switch_page("views/overview.py").run()
    assert not at.exception
    [spec] = _maps(at)
    assert spec["layout"]["map"]["style"] == "white-bg"
    main = [d for d in spec["data"] if d["type"] == "choroplethmap" and d["name"] == "before"]
    assert len(main) == 1
    assert sorted(main[0]["locations"]) == sorted(codes)
    # Made-up charity coverage 0.30 + 0.04 i, shown in %: the first county 30, the last 78.
    by_code = dict(zip(main[0]["locations"], main[0]["z"], strict=True))
    assert by_code[codes[0]] == pytest.approx(30.0)
    assert by_code[codes[-1]] == pytest.approx(78.0)
    # Real boundaries: 西湖区 (330106) lies around 120.1 E, 30.2 N.
    feature = next(f for f in main[0]["geojson"]["features"] if f["id"] == "330106")
    ring = feature["geometry"]["coordinates"][0]
    while isinstance(ring[0][0], list):
        ring = ring[0]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    assert 119.9 < lon < 120.3 and 30.0 < lat < 30.4

    # Neighbours on request: 上城区 (330102) and 西湖区 (330106) share a border.
    assert not any(d["type"] == "scattermap" for d in spec["data"])
    at.toggle(key="map_links").set_value(True).run()
    [spec] = _maps(at)
    lines = [d for d in spec["data"] if d["type"] == "scattermap"]
    assert lines and lines[0]["name"] == "links_border"

    at.switch_page("views/transfer_fund.py").run()
    assert not at.exception
    [spec] = _maps(at)
    main = [d for d in spec["data"] if d["type"] == "choroplethmap" and d["name"] == "change"]
    assert len(main) == 1 and sorted(main[0]["locations"]) == sorted(codes)
    at.segmented_control(key="tf_map_view").set_value("after").run()
    [spec] = _maps(at)
    after = [d for d in spec["data"] if d["name"] == "after"]
    assert len(after) == 1 and sorted(after[0]["locations"]) == sorted(codes)
    # After the fund coverage is not below before anywhere (the fund only adds).
    assert min(after[0]["z"]) >= 30.0 - 1e-9


def test_city_w_keeps_its_schematic_map(make_app) -> None:
    at = make_app("views/overview.py")
    assert not at.exception
    assert "map_links" not in {w.key for w in at.get("toggle")}  # no divisions, no links
    [spec] = _maps(at)  # City W's schematic rings, not a division map
    assert all(d.get("name") not in ("before", "outline") for d in spec["data"])


def test_division_templates_downloadable_on_data_page(make_app) -> None:
    at = make_app("views/data.py", lang="zh")
    assert not at.exception
    at.selectbox(key="geo_tpl_province").set_value("330000").run()
    keys = {b.key for b in at.get("download_button")}
    assert {"dl_geo_csv", "dl_geo_xlsx"} <= keys
    assert "浙江省共90个县级行政区" in " ".join(c.value for c in at.caption)
    at.selectbox(key="geo_tpl_prefecture_330000").set_value(HANGZHOU).run()
    assert not at.exception
    assert "杭州市共13个县级行政区" in " ".join(c.value for c in at.caption)
