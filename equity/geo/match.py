"""Match a region table to Chinese administrative divisions: by code or by name.

A table is matched in the first way that fits:

1. ``region_id`` holds six-digit administrative codes (at least half of its values);
2. a column such as ``adcode`` holds them (the headers listed in ``names.yaml``);
3. ``region_name`` holds division names, full or short (the province, prefecture or county
   name with or without its suffix), or qualified by the prefecture (prefecture + county, with
   or without a separator) when a county name alone is ambiguous.

The level (province / prefecture / county) is the one most values match. The area is the
province holding most matched values (narrowed to one prefecture when every county found lies
in it), or the whole country when no province holds a majority. Within that area every value
is matched, ambiguous (two or more divisions: the user is asked to qualify it), outside the
area (a real division elsewhere: probably a typo, left without a boundary), of another level,
a duplicate, or unknown. The outcome is data (:class:`DivisionMatch`) with its notes as
:class:`equity.i18n.Message` codes, never prose.

A table that does not look keyed by divisions (fewer than half of its values recognised, as
with City W's placeholder names) gives None and no notes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd

from equity.geo.divisions import (
    LEVELS,
    NATION_CODE,
    _name_rules,
    divisions,
    normalise_division_name,
)
from equity.i18n import Message, msg, t

LIST_LIMIT = 30
"""At most this many items are spelled out in a note; the rest are counted."""

_CODE = re.compile(r"(\d{6})(?:\.0+|000000)?")


class NameList(Message):
    """A list of names or codes as a message parameter: joined with the language's separator
    (", " or the Chinese enumeration comma), at most LIST_LIMIT items then a count."""

    def text(self, lang: str = "en") -> str:
        items = [str(item) for item in self.params.get("items", ())]
        shown = t("geo.list_separator", lang).join(items[:LIST_LIMIT])
        hidden = len(items) - LIST_LIMIT
        if hidden > 0:
            shown += t("geo.list_more", lang, count=hidden)
        return shown


def name_list(items: Sequence[object]) -> NameList:
    """A :class:`NameList` of ``items`` (kept in order)."""
    return NameList("geo.list_separator", {"items": tuple(str(i) for i in items)})


def as_code(value: object) -> str | None:
    """The six-digit code in ``value`` ("330112", 330112, "330112.0", or the 12-digit
    statistical form "330112000000"), or None when it is not one."""
    text = str(value).strip()
    found = _CODE.fullmatch(text)
    return found.group(1) if found else None


def qualified_name(row: pd.Series | dict) -> str:
    """A division's name with its parents, as people write it to tell namesakes apart: the
    prefecture and county names joined for a county, province and prefecture for a
    prefecture (a municipality's prefecture, named like its province, is not repeated)."""
    table = _by_level_code()
    parts = [row["name"]]
    parent = row["parent_code"]
    level = LEVELS.index(row["level"])
    while parent and level > 0:
        level -= 1
        parent_row = table.get((LEVELS[level], parent))
        if parent_row is None:
            break
        if parent_row["name"] != parts[0]:
            parts.insert(0, parent_row["name"])
        parent = parent_row["parent_code"]
    return "".join(parts)


@cache
def _records() -> tuple[dict[str, Any], ...]:
    """The rows of :func:`divisions` as dicts (positions as in the table): fast to index."""
    return tuple(divisions().to_dict("records"))


@cache
def _by_level_code() -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["level"], r["code"]): r for r in divisions().to_dict("records")}


@cache
def _name_index(level: str) -> dict[str, tuple[int, ...]]:
    """Full and short names of the divisions at ``level`` -> their row positions."""
    table = divisions()
    rows = table[table["level"] == level]
    index: dict[str, set[int]] = {}
    # zip over columns, not iterrows: a Series per row made this a tenth of a second of every
    # server's start (the bundled City W table is matched against the divisions too).
    for position, name, short in zip(rows.index, rows["name"], rows["short_name"],
                                     strict=True):
        for key in {normalise_division_name(name), short}:
            index.setdefault(key, set()).add(int(position))
    return {key: tuple(sorted(found)) for key, found in index.items()}


@cache
def _prefixes(level: str) -> tuple[tuple[str, str], ...]:
    """(name variant, code) of every division at ``level``, longest names first."""
    table = divisions()
    rows = table[table["level"] == level]
    pairs = {
        (variant, code)
        for name, short, code in zip(rows["name"], rows["short_name"], rows["code"],
                                     strict=True)
        for variant in (normalise_division_name(name), short)
    }
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p)))


def _inside(row: pd.Series | dict, area: str) -> bool:
    """True if division ``row`` lies in area ``area`` (a province, prefecture or the nation)."""
    if area == NATION_CODE:
        return True
    if row["code"] == area and row["level"] != "county":
        return True
    return area in (row["province_code"], row["parent_code"])


def name_candidates(name: object, level: str) -> tuple[int, ...]:
    """Row positions (in :func:`divisions`) of the divisions at ``level`` that ``name`` can
    mean: by full or short name, else as a qualified name (a province and/or prefecture name,
    full or short, then the division's own name, with or without a separator)."""
    key = normalise_division_name(name)
    if not key:
        return ()
    direct = _name_index(level).get(key)
    if direct:
        return direct
    return tuple(sorted(_qualified(key, level)))


def _qualified(key: str, level: str) -> set[int]:
    records = _records()
    separators = _name_rules()["separators"]
    found: set[int] = set()
    for ancestor in LEVELS[: LEVELS.index(level)]:
        for prefix, code in _prefixes(ancestor):
            if not key.startswith(prefix) or len(key) <= len(prefix):
                continue
            rest = key[len(prefix):].lstrip(separators)
            if not rest:
                continue
            for position in name_candidates(rest, level):
                if _inside(records[position], code):
                    found.add(position)
    return found


@dataclass(frozen=True)
class DivisionMatch:
    """How a table's regions matched divisions.

    ``by``: "code" (region_id), "adcode" (the column named in ``column``) or "name"
    (region_name). ``level``: the divisions' level; ``area``: the code of the province or
    prefecture they lie in, or ``NATION_CODE``. ``matched``: one row per matched region with
    region_id, value (as written), code, name (full division name). The other fields list
    values (as written) that got no boundary: ``unknown`` (no division of that level
    anywhere), ``ambiguous`` (value -> qualified names of the candidates), ``outside`` (value
    -> the division elsewhere), ``other_level`` (value -> a division of another level),
    ``duplicates`` (value -> code already matched by an earlier row). ``notes``: the
    outcome as messages, in that order.
    """

    by: str
    level: str
    area: str
    total: int
    matched: pd.DataFrame
    column: str = "region_id"
    unknown: tuple[str, ...] = ()
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = ()
    outside: tuple[tuple[str, str], ...] = ()
    other_level: tuple[tuple[str, str], ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()
    notes: tuple[Message, ...] = field(default=())

    @property
    def codes(self) -> dict[str, str]:
        """region_id -> division code, for the matched regions."""
        return dict(zip(self.matched["region_id"], self.matched["code"], strict=True))


def area_label(area: str) -> Message | str:
    """The area as shown in notes: its Chinese name, or the catalogue's word for the country."""
    if area == NATION_CODE:
        return msg("geo.nation")
    row = _by_level_code().get(("province", area)) or _by_level_code().get(("prefecture", area))
    return qualified_name(row) if row is not None else area


def _match(values: list[str], region_ids: list[str], candidates: dict[str, dict[str, tuple]],
           by: str, column: str, level_order: tuple[str, ...]) -> DivisionMatch | None:
    """The shared matcher. ``candidates[level][value]`` = row positions of divisions at
    ``level`` that ``value`` may mean. Chooses the level, the area, then sorts each value."""
    records = _records()
    distinct = list(dict.fromkeys(values))
    counts = {level: sum(1 for v in distinct if candidates[level].get(v)) for level in LEVELS}
    level = max(level_order, key=lambda lv: counts[lv])  # ties: first in level_order
    recognised = counts[level]
    if recognised == 0 or 2 * recognised < len(distinct):
        return None
    cands = candidates[level]
    area = _choose_area(level, [cands[v] for v in distinct if cands.get(v)])
    rows: list[dict[str, str]] = []
    unknown, ambiguous, outside, other_level, duplicates = [], [], [], [], []
    taken: dict[str, str] = {}
    for value, region_id in zip(values, region_ids, strict=True):
        found = cands.get(value, ())
        inside = [p for p in found if _inside(records[p], area)]
        if len(inside) == 1:
            row = records[inside[0]]
            if row["code"] in taken:
                duplicates.append((value, row["code"]))
                continue
            taken[row["code"]] = region_id
            rows.append({"region_id": region_id, "value": value, "code": row["code"],
                         "name": row["name"]})
        elif len(inside) > 1:
            ambiguous.append((value, tuple(qualified_name(records[p]) for p in inside)))
        elif found:
            outside.append((value, qualified_name(records[found[0]])))
        else:
            elsewhere = [(lv, candidates[lv].get(value, ())) for lv in LEVELS if lv != level]
            hit = next(((lv, p) for lv, p in elsewhere if p), None)
            if hit is not None:
                other_level.append((value, qualified_name(records[hit[1][0]])))
            else:
                unknown.append(value)
    matched = pd.DataFrame(rows, columns=["region_id", "value", "code", "name"])
    result = DivisionMatch(
        by=by, level=level, area=area, total=len(values), matched=matched, column=column,
        unknown=_once(unknown), ambiguous=_once(ambiguous), outside=_once(outside),
        other_level=_once(other_level), duplicates=_once(duplicates),
    )
    return _with_notes(result)


def _once(items: list) -> tuple:
    """``items`` without repeats (a name on several rows, one per year, is listed once)."""
    return tuple(dict.fromkeys(items))


def _choose_area(level: str, candidate_sets: list[tuple[int, ...]]) -> str:
    """The province holding a majority of the values (then its single prefecture, for counties
    that all lie in one), else the whole country."""
    if level == "province" or not candidate_sets:
        return NATION_CODE
    records = _records()
    provinces: Counter[str] = Counter()
    for positions in candidate_sets:
        provinces.update({records[p]["province_code"] for p in positions})
    province, count = provinces.most_common(1)[0]
    if 2 * count <= len(candidate_sets):
        return NATION_CODE
    if level == "county":
        in_province = [{records[p]["parent_code"] for p in positions
                        if records[p]["province_code"] == province}
                       for positions in candidate_sets]
        # Values found only elsewhere do not count: they are reported as outside the area.
        inside = [s for s in in_province if s]
        common = set.intersection(*inside) if inside else set()
        if len(common) == 1:
            prefecture = common.pop()
            if prefecture != province:
                return prefecture
    return province


def _items(pairs: Sequence[tuple[str, Any]], joiner: str = " \u2192 ") -> NameList:
    return name_list([f"{value}{joiner}{' / '.join(other) if isinstance(other, tuple) else other}"
                      for value, other in pairs])


def _with_notes(result: DivisionMatch) -> DivisionMatch:
    level_word = msg(f"geo.level_plural.{result.level}")
    area = area_label(result.area)
    notes: list[Message] = [msg(
        "geo.matched", matched=len(result.matched), total=result.total, level=level_word,
        area=area, by=msg(f"geo.by.{result.by}", column=result.column),
    )]
    if result.area != NATION_CODE:
        # Divisions of the area with no row: a template row deleted or forgotten.
        from equity.geo.divisions import children

        expected = children(result.area, result.level)
        absent = expected[~expected["code"].isin(result.matched["code"])]
        if not absent.empty:
            notes.append(msg("geo.area_missing", count=len(absent), level=level_word,
                             area=area, items=name_list(
                                 [f"{c} {n}" for c, n in zip(absent["code"], absent["name"],
                                                             strict=True)])))
    if result.unknown:
        code = "geo.unknown_codes" if result.by != "name" else "geo.unknown_names"
        notes.append(msg(code, count=len(result.unknown), items=name_list(result.unknown),
                         level=level_word, area=area))
    if result.ambiguous:
        example = result.ambiguous[0][1][0]
        notes.append(msg("geo.ambiguous", count=len(result.ambiguous),
                         items=_items(result.ambiguous), example=example))
    if result.outside:
        notes.append(msg("geo.outside", count=len(result.outside),
                         items=_items(result.outside), area=area))
    if result.other_level:
        notes.append(msg("geo.other_level", count=len(result.other_level),
                         items=_items(result.other_level), level=level_word))
    if result.duplicates:
        notes.append(msg("geo.duplicates", count=len(result.duplicates),
                         items=_items(result.duplicates)))
    return DivisionMatch(**{**result.__dict__, "notes": tuple(notes)})


def match_codes(codes: Sequence[object], region_ids: Sequence[object] | None = None, *,
                by: str = "code", column: str = "region_id") -> DivisionMatch | None:
    """Match six-digit administrative codes (one per region; ``region_ids`` default to the
    codes themselves). None when fewer than half of the values are known division codes."""
    values = [str(c).strip() for c in codes]
    ids = [str(r) for r in (region_ids if region_ids is not None else values)]
    table = divisions()
    positions: dict[tuple[str, str], int] = {
        (lv, code): int(i) for i, (lv, code) in enumerate(zip(table["level"], table["code"],
                                                               strict=True))
    }
    candidates: dict[str, dict[str, tuple]] = {level: {} for level in LEVELS}
    for value in values:
        code = as_code(value)
        for level in LEVELS:
            if code is not None and (level, code) in positions:
                candidates[level][value] = (positions[(level, code)],)
    return _match(values, ids, candidates, by, column, ("province", "prefecture", "county"))


def match_names(names: Sequence[object], region_ids: Sequence[object] | None = None
                ) -> DivisionMatch | None:
    """Match division names (full, short or qualified), one per region. None when fewer than
    half of the names are names of divisions."""
    values = [str(n).strip() for n in names]
    ids = [str(r) for r in (region_ids if region_ids is not None else values)]
    candidates = {level: {v: name_candidates(v, level) for v in dict.fromkeys(values)}
                  for level in LEVELS}
    return _match(values, ids, candidates, "name", "region_name",
                  ("province", "prefecture", "county"))


def code_column(table: pd.DataFrame) -> str | None:
    """The table's column of division codes other than region_id (``adcode`` ...), or None."""
    from equity.schema import normalise_name

    wanted = {normalise_name(h) for h in _name_rules()["code_columns"]}
    return next((c for c in table.columns if c != "region_id" and normalise_name(c) in wanted),
                None)


def match_table(table: pd.DataFrame) -> DivisionMatch | None:
    """Match a region table (columns region_id, region_name; one row per region, or per region
    and year) to divisions: by region_id codes, by an ``adcode`` column, else by name.
    None when it does not look keyed by divisions."""
    regions = table.drop_duplicates("region_id")
    ids = [str(v) for v in regions["region_id"]]
    as_codes = sum(as_code(v) is not None for v in ids)
    if ids and 2 * as_codes >= len(ids):
        found = match_codes(ids)
        if found is not None:
            return found
    column = code_column(regions)
    if column is not None:
        found = match_codes([str(v) for v in regions[column]], ids, by="adcode", column=column)
        if found is not None:
            return found
    if "region_name" in regions.columns:
        return match_names(list(regions["region_name"]), ids)
    return None
