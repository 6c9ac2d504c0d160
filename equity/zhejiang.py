"""Zhejiang's provincial rare-disease special fund, 2020-2024 (002, Tables 2 and 3).

The tables are kept exactly as printed (money in 10,000 yuan, enrollment in 10,000
persons) in ``data/zhejiang/``; ``dictionary.csv`` there gives each column's
provenance. The printed tables are not internally consistent in three places; the
readers keep the printed numbers and report each inconsistency as a :class:`Flag`
instead of correcting it:

- 2024 income is not enrollment x 2 yuan (11,426 expected, 11,858.4 printed);
- 2024 surplus is not income minus expenditure (-506.02 expected, -509.02 printed);
- 2023 expenditure in Table 3 (10,488.43) differs from Table 2's total (10,466.22).

003 IV(II) says the fund kept "an annual surplus from 2020 to 2024"; Table 3 prints a
2024 deficit (-509.02) with the cumulative surplus still positive. The tables are kept.

Arithmetic on the printed figures uses :class:`decimal.Decimal`, so a conversion to
yuan (x 10,000) is exact and a flag's difference carries no float noise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from equity.i18n import Message, msg

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "zhejiang"
TABLE3_FILE = DATA_DIR / "table3.csv"
TABLE2_FILE = DATA_DIR / "table2.csv"
DICTIONARY_FILE = DATA_DIR / "dictionary.csv"

TEN_THOUSAND = Decimal(10_000)
FINANCING_PER_ENROLLEE = Decimal(2)
"""The Zhejiang special fund's levy, yuan per basic-insurance enrollee per year (002 3.2;
003 IV(II)). Declared here once: the projection reads it from here."""
FINANCING_PER_ENROLLEE_YUAN: float = float(FINANCING_PER_ENROLLEE)

YEARS = (2020, 2021, 2022, 2023, 2024)
TABLE3_COLUMNS = (
    "year",
    "enrollment_10k_persons",
    "income_10k_yuan",
    "patients",
    "expenditure_10k_yuan",
    "surplus_10k_yuan",
    "cumulative_surplus_10k_yuan",
)
TABLE2_COLUMNS = (
    "disease",
    "drug",
    *(c for y in YEARS for c in (f"patients_{y}", f"payment_{y}_10k_yuan")),
)
MISSING_MARK = "-"
"""How the source prints 'no entry' (Kuvan in 2023-2024); read as missing, never as 0."""


class ZhejiangDataError(ValueError):
    """A bundled Zhejiang table that does not read; the message names file, row and column."""


@dataclass(frozen=True)
class Flag:
    """One inconsistency in the printed tables. Amounts in the table's units."""

    table: str  # "table3" or "table2" (or "table3 vs table2")
    year: int
    column: str
    printed: float
    expected: float
    difference: float  # printed - expected
    message: Message
    """What is wrong, as a catalogue code (``projection.flag.*``) with its numbers."""

    @property
    def message_en(self) -> str:
        return self.message.text("en")

    @property
    def message_zh(self) -> str:
        return self.message.text("zh")

    def to_dict(self) -> dict[str, Any]:
        """Plain values, the message as ``code``/``params`` and its text in both languages."""
        out = {k: v for k, v in asdict(self).items() if k != "message"}
        return out | {"code": self.message.code, "params": self.message.to_dict()["params"],
                      "message_en": self.message_en, "message_zh": self.message_zh}


def _read_raw(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as err:
        raise ZhejiangDataError(f"{path.name}: cannot read ({err.strerror})") from None
    if tuple(raw.columns) != columns:
        raise ZhejiangDataError(
            f"{path.name}: expected columns {', '.join(columns)}; found {', '.join(raw.columns)}"
        )
    return raw


def _number(text: str, path: Path, row: int, column: str, *, missing_ok: bool) -> Decimal | None:
    text = text.strip()
    if text == MISSING_MARK and missing_ok:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ZhejiangDataError(
            f"{path.name}, row {row}, column {column}: expected a number, got {text!r}"
        ) from None
    if not value.is_finite():
        raise ZhejiangDataError(f"{path.name}, row {row}, column {column}: not finite")
    return value


def _decimal_table(
    path: Path, columns: tuple[str, ...], text_columns: tuple[str, ...], *, missing_ok: bool
) -> list[dict[str, Any]]:
    raw = _read_raw(path, columns)
    rows = []
    for i, record in enumerate(raw.to_dict("records"), start=1):
        row: dict[str, Any] = {}
        for column in columns:
            if column in text_columns:
                row[column] = record[column]
            else:
                row[column] = _number(record[column], path, i, column, missing_ok=missing_ok)
        rows.append(row)
    return rows


def _table3_decimal() -> list[dict[str, Any]]:
    rows = _decimal_table(TABLE3_FILE, TABLE3_COLUMNS, (), missing_ok=False)
    years = [int(r["year"]) for r in rows]
    if tuple(years) != YEARS:
        raise ZhejiangDataError(f"{TABLE3_FILE.name}: expected years {YEARS}, found {years}")
    return rows


def _table2_decimal() -> list[dict[str, Any]]:
    rows = _decimal_table(TABLE2_FILE, TABLE2_COLUMNS, ("disease", "drug"), missing_ok=True)
    if not rows or rows[-1]["disease"] != "Total":
        raise ZhejiangDataError(f"{TABLE2_FILE.name}: the last row must be the printed Total")
    return rows


def _to_float(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value)


def _frame(rows: list[dict[str, Any]], *, yuan: bool, text: tuple[str, ...]) -> pd.DataFrame:
    data: dict[str, list[Any]] = {}
    for column in rows[0]:
        values = [r[column] for r in rows]
        if column in text:
            data[column] = values
            continue
        if column == "year":
            data[column] = [int(v) for v in values]
            continue
        if column.startswith("patients"):
            data[column] = pd.array(
                [None if v is None else int(v) for v in values], dtype="Int64"
            )
            continue
        if yuan and column.endswith("_10k_yuan"):
            name = column.removesuffix("_10k_yuan") + "_yuan"
            data[name] = [_to_float(None if v is None else v * TEN_THOUSAND) for v in values]
        elif yuan and column == "enrollment_10k_persons":
            data["enrollment_persons"] = [_to_float(v * TEN_THOUSAND) for v in values]
        else:
            data[column] = [_to_float(v) for v in values]
    return pd.DataFrame(data)


def _flag(
    table: str, year: int, column: str, printed: Decimal, expected: Decimal, code: str,
    **params: Any,
) -> Flag:
    return Flag(
        table=table,
        year=year,
        column=column,
        printed=float(printed),
        expected=float(expected),
        difference=float(printed - expected),
        message=msg(code, year=year, printed=str(printed), expected=str(expected),
                    **{k: (v if isinstance(v, Message) else str(v)) for k, v in params.items()}),
    )


def zhejiang_flags() -> list[Flag]:
    """Every inconsistency between the printed figures, checked by exact arithmetic."""
    t3 = _table3_decimal()
    t2 = _table2_decimal()
    flags: list[Flag] = []
    previous = Decimal(0)
    for r in t3:
        year = int(r["year"])
        expected_income = r["enrollment_10k_persons"] * FINANCING_PER_ENROLLEE
        if r["income_10k_yuan"] != expected_income:
            flags.append(
                _flag(
                    "table3", year, "income_10k_yuan", r["income_10k_yuan"], expected_income,
                    "projection.flag.income", levy=FINANCING_PER_ENROLLEE,
                )
            )
        expected_surplus = r["income_10k_yuan"] - r["expenditure_10k_yuan"]
        if r["surplus_10k_yuan"] != expected_surplus:
            flags.append(
                _flag(
                    "table3", year, "surplus_10k_yuan", r["surplus_10k_yuan"], expected_surplus,
                    "projection.flag.surplus",
                )
            )
        expected_cumulative = previous + r["surplus_10k_yuan"]
        if r["cumulative_surplus_10k_yuan"] != expected_cumulative:
            flags.append(
                _flag(
                    "table3", year, "cumulative_surplus_10k_yuan",
                    r["cumulative_surplus_10k_yuan"], expected_cumulative,
                    "projection.flag.cumulative",
                )
            )
        previous = r["cumulative_surplus_10k_yuan"]

    total = t2[-1]
    drugs = t2[:-1]
    for year, r in zip(YEARS, t3, strict=True):
        for kind, column in (("patients", f"patients_{year}"),
                             ("payment", f"payment_{year}_10k_yuan")):
            summed = sum((d[column] for d in drugs if d[column] is not None), Decimal(0))
            if total[column] is not None and total[column] != summed:
                flags.append(
                    _flag(
                        "table2", year, column, total[column], summed,
                        "projection.flag.table2_total", kind=msg(f"projection.word.{kind}"),
                    )
                )
        pairs = (
            ("patients", "patients", r["patients"], total[f"patients_{year}"]),
            ("expenditure_10k_yuan", "expenditure", r["expenditure_10k_yuan"],
             total[f"payment_{year}_10k_yuan"]),
        )
        for column, word, in_t3, in_t2 in pairs:
            if in_t2 is not None and in_t3 != in_t2:
                flags.append(
                    _flag(
                        "table3 vs table2", year, column, in_t3, in_t2,
                        "projection.flag.table3_vs_table2", word=msg(f"projection.word.{word}"),
                        difference=in_t3 - in_t2,
                    )
                )
    return flags


def zhejiang_table3(*, yuan: bool = False) -> pd.DataFrame:
    """Table 3 (002): the fund's income, spending and surplus, 2020-2024, as printed.

    Columns as in ``data/zhejiang/table3.csv`` (money in 10,000 yuan, enrollment in
    10,000 persons). With ``yuan=True`` money columns become ``*_yuan`` in yuan and
    enrollment ``enrollment_persons`` in persons (exact: x 10,000). The flags for the
    known inconsistencies are in ``df.attrs["flags"]`` (a list of dicts, see :class:`Flag`).
    """
    table = _frame(_table3_decimal(), yuan=yuan, text=())
    table.attrs["flags"] = [f.to_dict() for f in zhejiang_flags() if "table3" in f.table]
    return table


def zhejiang_table2(*, yuan: bool = False) -> pd.DataFrame:
    """Table 2 (002): patients and fund payment by drug, 2020-2024, as printed (wide).

    The last row is the printed Total. '-' in the source is missing (``<NA>``/NaN),
    not zero. ``yuan=True`` converts ``payment_YYYY_10k_yuan`` to ``payment_YYYY_yuan``.
    Flags comparing it with Table 3 are in ``df.attrs["flags"]``.
    """
    table = _frame(_table2_decimal(), yuan=yuan, text=("disease", "drug"))
    table.attrs["flags"] = [f.to_dict() for f in zhejiang_flags() if "table2" in f.table]
    return table


@dataclass(frozen=True)
class ZhejiangTables:
    """Both tables as printed and the inconsistencies found between their figures."""

    table2: pd.DataFrame
    table3: pd.DataFrame
    flags: list[Flag]


def read_zhejiang(*, yuan: bool = False) -> ZhejiangTables:
    """Tables 2 and 3 plus the list of flagged inconsistencies."""
    return ZhejiangTables(
        table2=zhejiang_table2(yuan=yuan), table3=zhejiang_table3(yuan=yuan), flags=zhejiang_flags()
    )


def zhejiang_dictionary() -> pd.DataFrame:
    """The data dictionary: file, column, unit, provenance, detail."""
    return pd.read_csv(DICTIONARY_FILE, dtype=str, keep_default_na=False)
