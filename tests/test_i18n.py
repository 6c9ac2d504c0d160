"""Strings and number formats in English and Chinese."""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from equity.i18n import (
    CATALOGUE,
    LANGUAGES,
    CatalogueError,
    _load_language,
    catalogue,
    fmt_count,
    fmt_money,
    fmt_pct,
    fmt_points,
    msg,
    t,
)

ROOT = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    assert sorted(set(en) ^ set(zh)) == []
    for key in en:
        assert en[key].strip() and zh[key].strip(), key
        assert _fields(en[key]) == _fields(zh[key]), key


def test_catalogue_rejects_a_key_defined_twice(tmp_path, monkeypatch) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.yaml").write_text("x.one: One\n", encoding="utf-8")
    (tmp_path / "en" / "b.yaml").write_text("x.one: Again\n", encoding="utf-8")
    monkeypatch.setattr("equity.i18n.CATALOGUE_DIR", tmp_path)
    with pytest.raises(CatalogueError, match=r"x\.one.*a\.yaml and b\.yaml"):
        _load_language("en")


def test_catalogue_merges_every_domain_file() -> None:
    assert len(CATALOGUE) == len(catalogue("en"))
    assert {"app.title", "tf.title", "dataset.city_w.note.1"} <= set(CATALOGUE)


def test_message_renders_in_each_language_and_nested() -> None:
    inner = msg("app.uploaded", name="a.csv")
    assert inner.text("en") == "Uploaded: a.csv"
    assert inner.text("zh") == "已上传：a.csv"
    assert str(inner) == "Uploaded: a.csv"
    assert inner.to_dict() == {"code": "app.uploaded", "params": {"name": "a.csv"},
                               "message": "Uploaded: a.csv"}
    assert t("tf.unit_suffix", "zh", unit=msg("app.uploaded", name="x")) == "（已上传：x）"


def test_every_literal_key_used_by_the_shell_exists() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "dashboard").glob("*.py")),
             *sorted((ROOT / "views").glob("*.py"))]
    files += sorted((ROOT / "equity" / "charts").glob("*.py"))
    pattern = re.compile(r"""\bt\(\s*["']([\w.]+)["']""")
    used = {key for f in files for key in pattern.findall(f.read_text(encoding="utf-8"))}
    assert used, "the scan found no t() calls"
    assert sorted(used - set(CATALOGUE)) == []


def test_t_fills_placeholders_and_fails_loudly() -> None:
    assert t("app.footer", "en", version="9.9").startswith("Model version 9.9")
    assert "9.9" in t("app.footer", "zh", version="9.9")
    with pytest.raises(KeyError):
        t("no.such.key", "en")
    with pytest.raises(ValueError, match="unknown language"):
        t("app.title", "fr")


@pytest.mark.parametrize(
    ("yuan", "en", "zh"),
    [
        (18_000, "18,000 yuan", "1.8万元"),  # City W's annual subsidy (000 3.1.2)
        (8_000, "8,000 yuan", "8,000元"),
        (100_000, "100,000 yuan", "10万元"),  # Zhejiang out-of-pocket cap (003 IV(II))
        (2_400_000, "2.4 million yuan", "240万元"),
        (47_840_000, "47.8 million yuan", "4784万元"),  # Zhejiang stage 1 drug spending (002 3.1)
        (101_080_000, "101 million yuan", "1.01亿元"),  # Zhejiang 2020 income, 10,108 x 10^4
        (120_000_000, "120 million yuan", "1.2亿元"),
        (1_250_000_000, "1.25 billion yuan", "12.5亿元"),
        (-5_090_200, "-5.09 million yuan", "-509万元"),  # Zhejiang 2024 surplus
        (99_999_999, "100 million yuan", "1亿元"),  # rounding carries into the larger unit
        (999_999_999, "1 billion yuan", "10亿元"),
        (1.4e12, "1,400 billion yuan", "1.4万亿元"),  # 万亿, not 14000亿元
        (99_999_999_999.0, "100 billion yuan", "1000亿元"),
        (999_990_000_000.0, "1,000 billion yuan", "1万亿元"),
        (9_999.6, "10,000 yuan", "1万元"),
        (0.4, "0 yuan", "0元"),
        (-0.4, "0 yuan", "0元"),
    ],
)
def test_fmt_money(yuan: float, en: str, zh: str) -> None:
    assert fmt_money(yuan, "en") == en
    assert fmt_money(yuan, "zh") == zh


def test_fmt_money_missing_value() -> None:
    assert fmt_money(math.nan, "en") == "–"


def test_percent_points_and_counts() -> None:
    assert fmt_pct(0.9, "en") == "90.0%"
    assert fmt_pct(0.65, "zh") == "65.0%"
    assert fmt_pct(0.0995, "en", digits=2) == "9.95%"
    # fmt_points takes percentage points: 0.90 - 0.65 = 25 points
    assert fmt_points((0.90 - 0.65) * 100, "en") == "25.0 points"
    assert fmt_points(25.0, "zh") == "25.0个百分点"
    assert fmt_count(700, "zh") == "700"
    assert fmt_count(20_000_000, "zh") == "2000万"  # about 20 million patients in China (001)
    assert fmt_count(20_000_000, "en") == "20,000,000"


def _parse_money(text: str) -> float:
    """Read back what fmt_money wrote (for the property test below)."""
    units = {" billion yuan": 1e9, " million yuan": 1e6, " yuan": 1.0, "万亿元": 1e12,
             "亿元": 1e8, "万元": 1e4, "元": 1.0}
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)].replace(",", "")) * factor
    raise AssertionError(f"unexpected money text {text!r}")


@given(st.floats(min_value=0, max_value=1e13, allow_nan=False), st.sampled_from(LANGUAGES))
def test_fmt_money_reads_back_within_rounding(yuan: float, lang: str) -> None:
    back = _parse_money(fmt_money(yuan, lang))
    # Amounts are written to about three significant figures (whole yuan when small).
    assert abs(back - yuan) <= max(0.5, 0.006 * yuan)
