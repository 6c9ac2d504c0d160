"""app.py: language switch, dataset switch, comparison groups and the URL round trip."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from equity.i18n import t


def _texts(at) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.caption] + [m.label for m in at.metric]
    return " ".join(str(p) for p in parts)


def test_language_switch_changes_labels_and_numbers(make_app, set_bound) -> None:
    at = make_app()
    assert "Where the gap stands" in _texts(at)
    set_bound(at, at.radio(key="lang"), "zh")
    assert not at.exception
    text = _texts(at)
    assert "差距现状" in text and "Where the gap stands" not in text
    assert at.sidebar.selectbox(key="compare_col").label == t("app.compare_column", "zh")
    assert {m.value for m in at.metric} >= {"90.0%", "65.0%", "25.0个百分点"}


def test_footer_shows_model_version(make_app) -> None:
    from equity import MODEL_VERSION

    at = make_app()
    assert any(MODEL_VERSION in c.value for c in at.caption)


def test_url_round_trip_reproduces_the_view(make_app, set_bound) -> None:
    at = make_app()
    set_bound(at, at.radio(key="lang"), "zh")
    set_bound(at, at.selectbox(key="compare_a"), "suburban")
    set_bound(at, at.selectbox(key="compare_b"), "urban")
    # The link a browser shows after these three choices (the widget -> URL direction is
    # checked in tests/e2e/test_shell.py: AppTest only sees URL writes made before a rerun).
    query = {"lang": "zh", "compare_a": "suburban", "compare_b": "urban"}
    reopened = AppTest.from_file(at._script_path, default_timeout=120)
    for key, value in query.items():
        reopened.query_params[key] = value
    reopened.run()
    assert reopened.radio(key="lang").value == "zh"
    assert reopened.selectbox(key="compare_a").value == "suburban"
    assert [m.value for m in reopened.metric] == [m.value for m in at.metric]
    assert not reopened.warning  # a good link gives no notice


def test_bad_url_values_fall_back_with_notice(make_app) -> None:
    at = make_app(lang="xx", dataset="nowhere", compare_a="moon")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "xx" in notices and "nowhere" in notices and "moon" in notices
    assert at.radio(key="lang").value == "en"
    assert at.radio(key="dataset").value == "city_w"
    assert at.selectbox(key="compare_a").value == "urban"
    assert {m.value for m in at.metric} >= {"90.0%", "65.0%", "25.0 points"}


def test_presenter_link_values(make_app) -> None:
    assert make_app(presenter="true").toggle(key="presenter").value is True
    at = make_app(presenter="maybe")
    assert at.toggle(key="presenter").value is False
    assert "maybe" in " ".join(w.value for w in at.warning)


def test_markup_in_url_value_is_not_rendered(make_app) -> None:
    at = make_app(dataset="<b>x</b>[link](http://example.com)")
    notice = " ".join(w.value for w in at.warning)
    # Every Markdown/HTML special character arrives escaped, so nothing becomes a tag or link.
    assert "\\<b\\>" in notice and "\\[link\\]" in notice


def test_dataset_switch_to_uploaded_file_changes_numbers(make_app, set_bound) -> None:
    at = make_app()
    csv = (
        "region_id,region_name,area_type,patients,charity_coverage,oop_share,"
        "cost_per_patient,subsidy_per_patient\n"
        "A,North,urban,100,0.8,0.2,1000,100\n"
        "B,East,urban,300,0.4,0.2,1000,100\n"
        "C,South,suburban,50,0.5,0.4,1000,100\n"
    )
    at.switch_page("views/data.py").run()
    at.file_uploader(key="upload_file").set_value(("mine.csv", csv.encode(), "text/csv")).run()
    assert at.radio(key="dataset").value == "upload"
    at.switch_page("views/overview.py").run()
    values = {m.label: m.value for m in at.metric}
    # urban: (100*0.8 + 300*0.4) / 400 = 0.5; suburban 0.5; gap 0; oop (20+60+20)/450
    assert values["Coverage, urban"] == "50.0%"
    assert values["Coverage gap"] == "0.0 points"
    assert values["Out-of-pocket share"] == f"{100 * (100 * 0.2 + 300 * 0.2 + 50 * 0.4) / 450:.1f}%"
    set_bound(at, at.radio(key="dataset"), "city_w")
    assert {m.label: m.value for m in at.metric}["Coverage, urban"] == "90.0%"


def test_groups_follow_a_dataset_with_other_area_types(make_app, set_bound) -> None:
    csv = (
        "region_id,region_name,area_type,patients,charity_coverage,oop_share,"
        "cost_per_patient,subsidy_per_patient\n"
        "A,North,rural,100,0.8,0.2,1000,100\n"
        "B,East,remote,300,0.4,0.2,1000,100\n"
        "C,South,remote,50,0.5,0.4,1000,100\n"
    )
    at = make_app("views/data.py")
    at.file_uploader(key="upload_file").set_value(("mine.csv", csv.encode(), "text/csv")).run()
    at.run()
    # No "urban"/"suburban" here: the groups become the first two values, with no notice and
    # nothing stale left in the URL.
    assert at.selectbox(key="compare_a").value == "remote"
    assert at.selectbox(key="compare_b").value == "rural"
    assert not at.warning
    assert dict(at.query_params) == {"dataset": "upload"}
    at.switch_page("views/overview.py").run()
    values = {m.label: m.value for m in at.metric}
    # remote: (300*0.4 + 50*0.5) / 350 = 41.4%; rural 80.0%
    assert values["Coverage, remote"] == "41.4%"
    assert values["Coverage gap"] == "-38.6 points"
    set_bound(at, at.radio(key="dataset"), "city_w")
    assert at.selectbox(key="compare_a").value == "urban"
    assert {m.label: m.value for m in at.metric}["Coverage gap"] == "25.0 points"


def test_any_categorical_column_can_define_the_groups(make_app, set_bound) -> None:
    csv = (
        "region_id,region_name,area_type,patients,charity_coverage,oop_share,"
        "cost_per_patient,subsidy_per_patient,province\n"
        "A,a,urban,100,0.9,0.3,1000,100,P1\n"
        "B,b,suburban,100,0.5,0.3,1000,100,P1\n"
        "C,c,suburban,200,0.6,0.3,1000,100,P2\n"
    )
    at = make_app("views/data.py")
    at.file_uploader(key="upload_file").set_value(("prov.csv", csv.encode(), "text/csv")).run()
    # Shown in words where the catalogue knows the column; the value stays the column's name.
    assert at.selectbox(key="compare_col").options == ["Area type", "province"]
    assert at.selectbox(key="compare_col").value == "area_type"
    set_bound(at, at.selectbox(key="compare_col"), "province")
    assert at.selectbox(key="compare_col").value == "province"
    assert at.query_params["compare_col"] == "province"
    assert at.selectbox(key="compare_a").value == "P1"
    assert at.selectbox(key="compare_b").value == "P2"
    at.switch_page("views/overview.py").run()
    values = {m.label: m.value for m in at.metric}
    # P1: (100*0.9 + 100*0.5) / 200 = 70%; P2: 60%
    assert values["Coverage, P1"] == "70.0%"
    assert values["Coverage, P2"] == "60.0%"
    assert values["Coverage gap"] == "10.0 points"


def test_sidebar_shows_names_not_codes(make_app) -> None:
    # Issue 10: the sidebar showed codes (en/zh, urban/suburban). The options are still the
    # codes (and the URL holds them), displayed by name.
    at = make_app(lang="zh")
    assert at.radio(key="lang").options == ["English", "中文"]
    assert at.radio(key="lang").value == "zh"
    assert at.selectbox(key="compare_a").value == "urban"
    assert at.selectbox(key="compare_a").options == ["郊区", "城区"]
    assert at.query_params["lang"] == "zh"
    assert "compare_a" not in at.query_params  # defaults stay out of the link


def test_sidebar_shows_dataset_and_column_by_name_and_links_by_code(make_app, set_bound) -> None:
    # Issue 10: the dataset radio showed "city_w" and the grouping column "area_type". Both are
    # shown in words in either language; the value and the link keep the code.
    from dashboard.render import escape_md

    at = make_app(lang="zh", dataset="city_w", compare_col="area_type")
    assert not at.exception and not at.warning  # a link naming the codes is a good link
    radio, column = at.sidebar.radio(key="dataset"), at.sidebar.selectbox(key="compare_col")
    assert radio.options == [escape_md(t("dataset.city_w.title", "zh"))]
    assert radio.options[0].startswith("W市")
    assert radio.value == "city_w"
    assert column.options == ["区域类型"] and column.value == "area_type"
    assert "city_w" not in radio.options and "area_type" not in column.options
    # Defaults stay out of the link; the English page shows the English words.
    assert "dataset" not in at.query_params and "compare_col" not in at.query_params
    set_bound(at, at.radio(key="lang"), "en")
    assert at.sidebar.selectbox(key="compare_col").options == ["Area type"]
    assert at.sidebar.radio(key="dataset").options == [escape_md(t("dataset.city_w.title", "en"))]
    assert at.sidebar.radio(key="dataset").value == "city_w"


def test_upload_is_shown_by_its_name_and_linked_as_upload(make_app) -> None:
    from dashboard.render import escape_md

    csv = (
        "region_id,region_name,area_type,patients,charity_coverage,oop_share,"
        "cost_per_patient,subsidy_per_patient\n"
        "A,North,urban,100,0.8,0.2,1000,100\n"
        "C,South,suburban,50,0.5,0.4,1000,100\n"
    )
    at = make_app("views/data.py", lang="zh")
    at.file_uploader(key="upload_file").set_value(("mine.csv", csv.encode(), "text/csv")).run()
    at.run()
    radio = at.sidebar.radio(key="dataset")
    assert radio.value == "upload"
    assert radio.options[1] == escape_md(t("app.uploaded", "zh", name="mine.csv"))
    assert "upload" not in radio.options
    assert at.query_params["dataset"] == "upload"


def _compare_box(at):
    """The sidebar's comparison popover (a Block: AppTest has no Popover element)."""
    boxes = [b for b in at.sidebar.children.values()
             if getattr(b, "type", None) == "popover" and b.proto.popover]
    assert len(boxes) == 1, boxes
    return boxes[0]


def test_comparison_pickers_sit_in_a_popover_named_by_the_groups(make_app, set_bound) -> None:
    # Fourteenth session: the three pickers moved into a popover (a closed popover's content is
    # not rendered by the browser on every rerun); its label says what is compared.
    at = make_app()
    box = _compare_box(at)
    assert box.proto.popover.label == "Comparing: urban vs suburban"
    inside = {w.key for w in box.selectbox}
    assert inside == {"compare_col", "compare_a", "compare_b"}
    set_bound(at, at.selectbox(key="compare_a"), "suburban")
    set_bound(at, at.selectbox(key="compare_b"), "urban")
    assert _compare_box(at).proto.popover.label == "Comparing: suburban vs urban"
    set_bound(at, at.radio(key="lang"), "zh")
    assert _compare_box(at).proto.popover.label == "比较：郊区 与 城区"
    assert {m.value for m in at.metric} >= {"65.0%", "90.0%", "-25.0个百分点"}


def test_same_groups_warning_is_outside_the_popover(make_app) -> None:
    at = make_app(compare_b="urban")
    box = _compare_box(at)
    assert box.proto.popover.label == "Comparing: urban vs urban"
    assert not box.warning
    same = [w.value for w in at.sidebar.warning]
    assert same == [t("app.compare_same", "en", value="urban")]


def test_popover_label_escapes_a_group_name() -> None:
    # Group names come from the data (an upload may hold anything): the label is Markdown, so
    # they are escaped as in the select boxes.
    from tests.app.test_injection import APP, HOSTILE, hostile_data

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["uploaded_data"] = hostile_data()
    at.session_state["_switch_to_upload"] = True
    at.query_params["compare_a"] = HOSTILE
    at.query_params["compare_b"] = "urban"
    at.run()
    label = _compare_box(at).proto.popover.label
    assert label == r"Comparing: \*\*B\*\* \[x\]\(javascript\:alert\(8\)\) vs urban", label
