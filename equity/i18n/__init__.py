"""English and Chinese strings, and number formatting for each language.

Catalogues are plain dicts ``STRINGS = {"key": {"en": ..., "zh": ...}}``: ``strings_app`` (the
dashboard shell: overview, data and methods pages) and ``strings_fund`` (the transfer-fund page).
Keys must be unique across catalogues; ``tests/test_i18n.py`` checks that every key has both
languages and that placeholders agree.

Numbers follow the language: English writes "2.4 million yuan"; Chinese writes "240万元" or
"1.2亿元" (万 = 10,000, 亿 = 100,000,000), which is how Chinese readers count money.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from equity.i18n import strings_app, strings_fund

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""Supported language codes; the first is the default."""

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}


def _merge(*catalogues: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for catalogue in catalogues:
        for key, texts in catalogue.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined in more than one catalogue")
            merged[key] = dict(texts)
    return merged


CATALOGUE: dict[str, dict[str, str]] = _merge(strings_app.STRINGS, strings_fund.STRINGS)


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ``ValueError`` naming the supported codes."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def t(key: str, lang: str, **kwargs: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``kwargs``.

    A missing key raises ``KeyError`` (so a typo fails loudly in tests rather than showing
    the key to a user).
    """
    check_lang(lang)
    text = CATALOGUE[key][lang]
    return text.format(**kwargs) if kwargs else text


def _trim(number: float, digits: int, *, grouping: bool = True) -> str:
    """``number`` with at most ``digits`` decimals and no trailing ``.0``; thousands separated
    by commas unless ``grouping`` is False (Chinese writes 4784万, not 4,784万)."""
    text = f"{number:,.{digits}f}" if grouping else f"{number:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _sig(number: float) -> int:
    """Decimals giving about three significant figures for a scaled amount (1.25, 12.5, 125)."""
    size = abs(number)
    if size >= 100:
        return 0
    if size >= 10:
        return 1
    return 2


def fmt_money(yuan: float, lang: str) -> str:
    """An amount in yuan, written as people of ``lang`` write it.

    en: "18,000 yuan", "2.4 million yuan", "1.25 billion yuan";
    zh: "8,000元", "1.8万元", "240万元", "4784万元", "1.2亿元". Not-a-number gives "–".
    """
    check_lang(lang)
    if yuan is None or (isinstance(yuan, float) and math.isnan(yuan)):
        return "–"
    value = float(yuan)
    sign = "-" if value < 0 else ""
    size = abs(value)
    if lang == "zh":
        units = ((1e8, "亿元"), (1e4, "万元"), (1.0, "元"))
    else:
        units = ((1e9, " billion yuan"), (1e6, " million yuan"), (1.0, " yuan"))
    # Largest unit the amount reaches; if rounding carries it into the next larger unit
    # (99,999,999 -> "10000万元"), write it in that unit instead ("1亿元").
    index = next((i for i, (factor, _) in enumerate(units) if size >= factor), len(units) - 1)
    while True:
        factor, unit = units[index]
        scaled = size / factor
        digits = 0 if factor == 1.0 else _sig(scaled)
        rounded = round(scaled, digits)
        if index > 0 and rounded * factor >= units[index - 1][0]:
            index -= 1
            continue
        break
    if rounded == 0:
        sign = ""  # never "-0 yuan"
    if factor == 1.0:
        return f"{sign}{rounded:,.0f}{unit}"
    return f"{sign}{_trim(rounded, digits, grouping=lang != 'zh')}{unit}"


def fmt_pct(fraction: float, lang: str, digits: int = 1) -> str:
    """A 0-1 fraction as a percentage with ``digits`` decimals: 0.9 -> "90.0%" (both languages)."""
    check_lang(lang)
    if fraction is None or math.isnan(float(fraction)):
        return "–"
    return f"{float(fraction) * 100:.{digits}f}%"


def fmt_points(points: float, lang: str, digits: int = 1) -> str:
    """A difference in percentage points (25.0, not 0.25): en "25.0 points", zh "25.0个百分点"."""
    check_lang(lang)
    if points is None or math.isnan(float(points)):
        return "–"
    number = f"{float(points):.{digits}f}"
    return f"{number}个百分点" if lang == "zh" else f"{number} points"


def fmt_count(count: float, lang: str) -> str:
    """A head count: en "12,345"; zh "12,345" below 100,000 and "12.3万" from there on."""
    check_lang(lang)
    if count is None or math.isnan(float(count)):
        return "–"
    value = float(count)
    if lang == "zh" and abs(value) >= 1e5:
        return f"{_trim(value / 1e4, _sig(value / 1e4), grouping=False)}万"
    return f"{value:,.0f}"


def fmt_number(value: float, lang: str, digits: int = 2) -> str:
    """A plain number with thousands separators and at most ``digits`` decimals."""
    check_lang(lang)
    if value is None or math.isnan(float(value)):
        return "–"
    return _trim(float(value), digits)


__all__ = [
    "CATALOGUE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "check_lang",
    "fmt_count",
    "fmt_money",
    "fmt_number",
    "fmt_pct",
    "fmt_points",
    "t",
]
