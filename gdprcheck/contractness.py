"""Is a text a contract at all? A letter, minutes or a price list that reached the contracts folder
is reported as such instead of being scored "all missing"."""

from __future__ import annotations

import re
from functools import cache

from gdprcheck.checklist import Checklist
from gdprcheck.read import ReadError

_SCANNED_CHARS = 200_000


@cache
def _words(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(f'(?:{p})' for p in patterns)})", re.IGNORECASE)


def contract_terms(text: str, checklist: Checklist) -> int:
    """How many distinct contract words of the checklist's languages the text uses (its first
    200,000 characters)."""
    patterns = tuple(sorted({word for data in checklist.languages.values() for word in data.contract_words}))
    words = _words(patterns)
    if words is None:
        return 0
    return len({match.group().lower() for match in words.finditer(text[:_SCANNED_CHARS])})


def check_contract_text(text: str, checklist: Checklist) -> None:
    """Raise ReadError when the text has fewer contract words than the checklist asks for."""
    if checklist.min_contract_terms == 0:
        return
    terms = contract_terms(text, checklist)
    if terms < checklist.min_contract_terms:
        raise ReadError(
            f"no contract-like text ({len(text.split())} words, {terms} of the usual contract or data-protection terms)"
        )
