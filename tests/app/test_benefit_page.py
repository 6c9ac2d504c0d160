"""Benefit design page through the whole app: presets, the editor, one patient's waterfall
(Zhejiang at 700,000 yuan: the fund pays 80% of 300,000 + 90% of 400,000 = 600,000,
leaving the patient exactly the 100,000 ceiling), the scheme in the
URL, and the patient-level run by region."""

from __future__ import annotations

import re

from equity.cascade import benefit, get_preset
from equity.i18n import t
from equity.protection import protection_from_simulation

PAGE = "views/benefit_design.py"


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_zhejiang_at_700000_patient_pays_exactly_100000(make_app):
    at = make_app(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="ben_cost").value == 700_000
    # tiers: 0.8 x 300,000 + 0.9 x 400,000 = 600,000 paid; ceiling 100,000 already met
    assert _metric(at, "Patient pays") == "100,000 yuan"
    assert _metric(at, "Zhejiang special fund") == "600,000 yuan"
    waterfall = at.get("plotly_chart")[0]
    assert '"Patient pays"' in waterfall.proto.spec


def test_tiers_below_the_ceiling(make_app):
    at = make_app(PAGE)
    at.number_input(key="ben_cost").set_value(200_000).run()
    # 20% of 200,000 = 40,000 (below the 100,000 ceiling)
    assert _metric(at, "Patient pays") == "40,000 yuan"
    assert benefit("zhejiang_special_fund", 200_000).oop == 40_000


def test_preset_from_url_and_foshan_numbers(make_app):
    at = make_app(PAGE, scheme="foshan_assistance")
    assert at.selectbox(key="ben_scheme").value == "foshan_assistance"
    expected = benefit(get_preset("foshan_assistance"), 700_000)
    assert _metric(at, "Patient pays") == f"{expected.oop:,.0f} yuan"


def test_an_edited_scheme_travels_in_the_url(make_app):
    # AppTest cannot type into st.data_editor; the edited scheme arrives as a link would
    # bring it: Zhejiang with the out-of-pocket ceiling lowered to 50,000 yuan.
    import importlib.util

    spec = importlib.util.spec_from_file_location("benefit_page", PAGE)
    page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(page)
    edited = get_preset("zhejiang_special_fund")
    edited.layers[0].oop_ceiling = 50_000
    assert page.decode(page.encode(edited)) == edited
    at = make_app(PAGE, cascade=page.encode(edited))
    assert not at.exception, [e.value for e in at.exception]
    assert _metric(at, "Patient pays") == "50,000 yuan"
    assert at.query_params["cascade"] == page.encode(edited)


def test_an_unreadable_scheme_in_the_url_is_reported(make_app):
    at = make_app(PAGE, cascade="not-a-scheme")
    assert any("could not be used" in w.value for w in at.warning)
    assert _metric(at, "Patient pays") == "100,000 yuan"


def test_patient_level_run_before_and_after(make_app):
    at = make_app(PAGE, central_pool="5000000")
    at.button(key="ben_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    from equity.datasets import load
    from equity.fund import simulate

    data = load("city_w")
    expected = protection_from_simulation(simulate(data, {"central_pool": 5e6}), data)
    before = expected.overall["catastrophic_10_before"]
    after = expected.overall["catastrophic_10_after"]
    text = re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))
    assert f"{before * 100:.1f}%" in text and f"{after * 100:.1f}%" in text


def test_every_preset_source_and_note_reads_in_chinese(make_app) -> None:
    # Issue 10: a preset's source and notes (English in its YAML file) were shown in English on
    # the Chinese page, documents as codes ("003 IV(II)"). The catalogue's English, with each
    # document placeholder set to its code, is the file's text word for word (so the two cannot
    # drift); the Chinese names documents by title.
    from equity.cascade import PRESETS
    from equity.report import DOCUMENTS
    from tests.latin import latin_words, words_of

    codes = {f"doc{code}": code for code in DOCUMENTS}
    authors = words_of(t(f"doc.{code}.title", "zh") for code in DOCUMENTS)
    for name, cascade in PRESETS.items():
        parts = {"source": cascade.source,
                 **{f"note.{n}": note for n, note in enumerate(cascade.notes, start=1)}}
        for part, filed in parts.items():
            key = f"ben.preset.{name}.{part}"
            assert t(key, "en", **codes) == filed, key
            chinese = t(key, "zh", **{f"doc{c}": t(f"doc.{c}.short", "zh") for c in DOCUMENTS})
            assert latin_words(chinese, authors) == [], (key, chinese)
    # On the page: the chosen preset's source and notes, in Chinese.
    at = make_app("views/benefit_design.py", lang="zh", scheme="foshan_assistance")
    captions = " ".join(c.value for c in at.caption)
    assert t("ben.preset.foshan_assistance.note.2", "zh") in captions
    assert "Eligibility is 1" not in captions and "003 III" not in captions
