"""English and Chinese strings, messages as data, and number formatting for each language.

Every user-facing string lives in one catalogue per language: the YAML files under
``equity/i18n/catalogue/en/`` and ``equity/i18n/catalogue/zh/`` (one file per domain, e.g.
``app.yaml``, ``fund.yaml``; a key may appear in only one file of a language). :func:`t` looks a
key up and fills its ``{placeholders}``; the app, the command line and the report share it.

Model code never returns prose: it returns a :class:`Message` (a code and its parameters),
and whoever shows it renders it with ``message.text(lang)``. ``tests/test_i18n.py`` checks
that both languages have the same keys and, key by key, the same placeholders.

Numbers follow the language: English writes "2.4 million yuan"; Chinese writes "240万元",
"1.2亿元" or "1.4万亿元" (万 = 10^4, 亿 = 10^8, 万亿 = 10^12), which is how Chinese readers
count money.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGES: tuple[str, ...] = ("en", "zh")
"""Supported language codes; the first is the default."""

LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
"""One folder per language, each holding ``<domain>.yaml`` files of flat ``key: text`` maps."""


class CatalogueError(ValueError):
    """A catalogue file is malformed or defines a key twice."""


def _load_language(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in sorted((CATALOGUE_DIR / lang).glob("*.yaml")):
        # The C loader when PyYAML has it: the catalogue loads in ~30 ms instead of ~170 ms.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        if not isinstance(data, Mapping):
            raise CatalogueError(f"{path.name} ({lang}): expected a map of key: text")
        for key, text in data.items():
            if not isinstance(text, str):
                raise CatalogueError(f"{path.name} ({lang}): {key!r} is not a string")
            if key in merged:
                raise CatalogueError(
                    f"i18n key {key!r} is defined in {origin[key]} and {path.name} ({lang})")
            merged[str(key)] = text
            origin[str(key)] = path.name
    return merged


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of ``lang`` with its text (read once from the YAML files)."""
    return _load_language(check_lang(lang))


def _both() -> dict[str, dict[str, str]]:
    keys = {k for lang in LANGUAGES for k in catalogue(lang)}
    return {k: {lang: catalogue(lang)[k] for lang in LANGUAGES if k in catalogue(lang)}
            for k in sorted(keys)}


CATALOGUE: dict[str, dict[str, str]] = {}
"""``{key: {"en": ..., "zh": ...}}`` for every key (filled at import)."""


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise ``ValueError`` naming the supported codes."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def has(key: str) -> bool:
    """True when ``key`` is in the catalogue (for optional keys such as a column's label)."""
    return key in CATALOGUE


def t(key: str, lang: str, **kwargs: object) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``kwargs``.

    A :class:`Message` among ``kwargs`` is rendered in ``lang`` first. A missing key raises
    ``KeyError`` (so a typo fails loudly in tests rather than showing the key to a user).
    """
    text = catalogue(check_lang(lang))[key]
    if not kwargs:
        return text
    values = {k: (v.text(lang) if isinstance(v, Message) else v) for k, v in kwargs.items()}
    return text.format(**values)


@dataclass(frozen=True)
class Message:
    """A message as data: a catalogue ``code`` and the ``params`` that fill its placeholders.

    The model returns these instead of sentences; pages and the command line render them with
    :meth:`text`. Program logic compares ``code``, never the rendered text.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return t(self.code, lang, **dict(self.params))

    def __str__(self) -> str:
        return self.text("en")

    def to_dict(self) -> dict[str, Any]:
        """``{"code", "params", "message"}`` with the English text, for JSON output."""
        params = {k: (v.to_dict() if isinstance(v, Message) else v)
                  for k, v in self.params.items()}
        return {"code": self.code, "params": params, "message": self.text("en")}


def msg(code: str, **params: Any) -> Message:
    """Shorthand for ``Message(code, params)``."""
    return Message(code, params)


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


_ZH_UNITS: tuple[tuple[float, str], ...] = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
"""Chinese counts large numbers in 万 (10^4), 亿 (10^8) and 万亿 (10^12)."""


def fmt_money(yuan: float, lang: str) -> str:
    """An amount in yuan, written as people of ``lang`` write it.

    en: "18,000 yuan", "2.4 million yuan", "1.25 billion yuan";
    zh: "8,000元", "1.8万元", "240万元", "4784万元", "1.2亿元", "1.4万亿元". Not-a-number
    gives "–".
    """
    check_lang(lang)
    if yuan is None or (isinstance(yuan, float) and math.isnan(yuan)):
        return "–"
    value = float(yuan)
    sign = "-" if value < 0 else ""
    size = abs(value)
    if lang == "zh":
        units = (*((f, f"{u}元") for f, u in _ZH_UNITS), (1.0, "元"))
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


def fmt_tick_zh(value: float, *, top: float) -> str:
    """A Chinese tick label on an axis whose largest tick (in absolute value) is ``top``: the
    whole axis in one unit, the largest that ``top`` reaches ("0", "50万", "150万"; "-2.5亿",
    "1亿"), below 10,000 plain ("5000"). Plotly itself only writes SI suffixes (500k, 1.5M, 2B),
    Latin letters on a Chinese page."""
    factor, unit = next(((f, u) for f, u in _ZH_UNITS if abs(top) >= f), (1.0, ""))
    scaled = round(float(value) / factor, 6)
    if scaled == 0:
        return "0"
    return f"{_trim(scaled, 6, grouping=False)}{unit}"


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


CATALOGUE.update(_both())

__all__ = [
    "CATALOGUE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "Message",
    "catalogue",
    "check_lang",
    "fmt_count",
    "fmt_money",
    "fmt_number",
    "fmt_pct",
    "fmt_points",
    "fmt_tick_zh",
    "has",
    "msg",
    "t",
]
