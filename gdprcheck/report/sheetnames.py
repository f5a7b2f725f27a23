"""Sheet names for contracts: legal in Excel and LibreOffice, at most 31 characters, unique.

The full file name always appears inside the sheet; the tab only has to be recognisable.
"""

from __future__ import annotations

import re
from pathlib import PurePath

MAX_LENGTH = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\'\x00-\x1f\x7f]")  # apostrophes too: they complicate links
RESERVED = {"history"}  # Excel keeps this name for itself


def _length(name: str) -> int:
    """Excel counts UTF-16 code units, so a character outside the BMP counts twice."""
    return len(name.encode("utf-16-le")) // 2


def _cut(name: str, limit: int) -> str:
    while _length(name) > limit:
        name = name[:-1]
    return name


def clean_sheet_name(file_name: str) -> str:
    stem = PurePath(file_name).stem or file_name
    name = _FORBIDDEN.sub("_", stem).strip().strip("'")
    return _cut(name, MAX_LENGTH).strip() or "contract"


class SheetNamer:
    """Hands out names that differ (case-insensitively) from each other and from the fixed sheets."""

    def __init__(self, taken: list[str]):
        self._taken = {name.casefold() for name in taken} | RESERVED

    def name_for(self, file_name: str) -> str:
        base = clean_sheet_name(file_name)
        candidate, counter = base, 2
        while candidate.casefold() in self._taken:
            suffix = f"~{counter}"
            candidate = _cut(base, MAX_LENGTH - len(suffix)).rstrip() + suffix
            counter += 1
        self._taken.add(candidate.casefold())
        return candidate
