"""Latin-letter words in text meant for a Chinese reader (issue 10: "no English word is left
on a Chinese page except region names that are English in the data").

Not a word: a single letter (W市, the measure D), anything with a digit, underscore, dot,
slash or @ in it (column names such as ``oop_share``, file names, versions, paths, links,
``:material/map:`` icons), and the words a caller allows (region names from the data, file
formats, HEAT's measure abbreviations)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from equity.measures import ORDER

_CHUNK = re.compile(r"[A-Za-z0-9_./@#'’\-]+")
_CODE = re.compile(r"[0-9_./@#]")
_WORD = re.compile(r"[A-Za-z]{2,}")

# Latin in any language: file formats and tools named in the interface, the abbreviations
# WHO HEAT itself uses for its measures, and units.
ALWAYS = frozenset({
    "PNG", "SVG", "CSV", "XLSX", "JSON", "HTML", "GeoJSON", "Shapefile", "GeoPackage", "Parquet",
    "HEAT", "Plus", "IDIS", "MD", "GDP",  # HEAT Plus: the WHO tool; IDIS, MD: measure families
    *(m.upper() for m in ORDER),
    # Functions in a formula written inline: e' = min(1, e(1 + g)), sqrt(y (1 - y) / P).
    "min", "max", "ln", "log", "exp", "sqrt",
})


# Markup that is not read as words: plotly placeholders (%{y}), HTML tags (<br>, <extra>),
# Markdown code spans (`oop_share`: a name as the file spells it), LaTeX commands (\frac).
_MARKUP = re.compile(r"%\{[^}]*\}|<[^<>]*>|`[^`]*`|\\[A-Za-z]+")
# Section numbers in Roman numerals (003 §III(II)).
_ROMAN = re.compile(r"[IVXL]+")


def latin_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Latin-letter words in ``text`` that are neither codes nor ``allowed``."""
    allow = ALWAYS | set(allowed)
    found = []
    for chunk in _CHUNK.findall(_MARKUP.sub(" ", str(text))):
        core = chunk.strip(".-'’/#@")
        # a path ("docs/") is a code; a word at a sentence's end ("word.") is not
        if not core or _CODE.search(core) or chunk.strip(".-'’").endswith("/"):
            continue
        found.extend(w for w in _WORD.findall(core)
                     if w not in allow and not _ROMAN.fullmatch(w))
    return found


def words_of(values: Iterable[object]) -> set[str]:
    """Every Latin word in ``values`` (region names as the data spells them, say), for an
    allow-list."""
    return {w for v in values for w in _WORD.findall(str(v))}
