"""The package's one error hierarchy: every error raised on bad input carries its problems.

``EquityError`` is the base; each layer subclasses it (``DataError`` for files and tables,
``ScenarioError`` for scenario files and URLs, ``CascadeError`` for payer cascades, ...).
``problems`` holds the problems as data: :class:`equity.i18n.Message` objects or richer
records with a ``text(lang)`` method (a file problem with its row and column). Pages and the
command line render them in the user's language and tell the kinds apart by class, never by
reading the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

REPORTED_PROBLEMS_LIMIT = 1000
"""At most this many problems are spelled out; the rest are counted."""


class EquityError(ValueError):
    """Bad input: ``problems`` lists every problem found (each has ``text(lang)``)."""

    title_code = "error.title"
    """Catalogue key of the heading shown above the problems."""

    def __init__(self, problems: Iterable[Any]):
        self.problems = list(problems)
        super().__init__(str(self))

    def lines(self, lang: str = "en") -> list[str]:
        """One line per problem in ``lang`` (at most REPORTED_PROBLEMS_LIMIT, then a count)."""
        from equity.i18n import t

        lines = [p.text(lang) if hasattr(p, "text") else str(p)
                 for p in self.problems[:REPORTED_PROBLEMS_LIMIT]]
        hidden = len(self.problems) - REPORTED_PROBLEMS_LIMIT
        if hidden > 0:
            lines.append(t("error.more_problems", lang, count=hidden))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines("en"))
