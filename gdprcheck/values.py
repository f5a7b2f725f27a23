"""Values a DPO needs from a clause: how fast (durations, "immediately"), and where (countries, EU).

Numbers written in words are turned into digits by text2num ("vingt-quatre heures", "achtundvierzig
Stunden"); the words for units, for "immediately" and for places come from the language files.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from text_to_num import alpha2digit

_HOURS_PER_UNIT = {"hours": 1, "days": 24, "weeks": 24 * 7, "months": 24 * 30, "years": 24 * 365}
_SPEC = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(hours|days|business days|weeks|months|years)\s*$")


@dataclass(frozen=True, order=True)
class Duration:
    amount: float
    unit: str  # hours, days, business days, weeks, months, years

    def __str__(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{amount} {self.unit}"

    @property
    def hours(self) -> float:
        """Length in hours; a business day counts as a calendar day (the lenient reading)."""
        return self.amount * _HOURS_PER_UNIT.get(self.unit, 24)

    def at_most(self, limit: Duration) -> bool:
        if self.unit == "business days" and limit.unit != "business days":
            # five business days can span a weekend: compare on calendar days, rounded up
            return self.amount * 7 / 5 * 24 <= limit.hours
        return self.hours <= limit.hours


def parse_duration_spec(spec: str) -> Duration:
    """Read a duration written in the checklist or labels ("48 hours", "5 business days")."""
    match = _SPEC.match(spec)
    if not match:
        raise ValueError(f"'{spec}' is not a duration like '48 hours' or '5 business days'")
    return Duration(float(match.group(1)), match.group(2))


@dataclass(frozen=True)
class FoundValue:
    text: str  # normalised value as reported: "24 hours", "immediate", "BE;EU"
    start: int = -1  # position in the searched text, -1 when not tied to one place


class ValueReader:
    """Extracts durations, timing keywords and places from text in one language."""

    def __init__(
        self,
        language: str,
        units: dict[str, list[str]],
        one_words: list[str],
        keywords: dict[str, list[str]],
        places: dict[str, list[str]],
    ):
        self.language = language
        self._unit_patterns = [
            (unit, re.compile(rf"(?:{pattern})(?!\w)", re.IGNORECASE)) for unit, patterns in units.items() for pattern in patterns
        ]
        ones = "|".join(re.escape(word) for word in sorted(one_words, key=len, reverse=True)) or r"(?!x)x"
        self._number = re.compile(
            rf"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)?|{ones})\s*(?:\(\s*(?P<paren>\d+)\s*\)\s*)?", re.IGNORECASE
        )
        self._keywords = [
            (keyword, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))
            for keyword, patterns in keywords.items()
            if patterns
        ]
        self._places = _place_patterns(language, places)

    def durations(self, text: str) -> list[FoundValue]:
        converted = _digits(text, self.language)
        found = []
        for match in self._number.finditer(converted):
            unit = self._unit_at(converted, match.end())
            if unit is None:
                continue
            number = match.group("paren") or match.group("num")
            try:
                amount = float(number.replace(",", "."))
            except ValueError:
                amount = 1.0  # one of the words for "one"
            found.append(FoundValue(str(Duration(amount, unit)), match.start()))
        return found

    def _unit_at(self, text: str, position: int) -> str | None:
        """The unit written at `position`; the longest wins ("jours ouvrables" over "jours")."""
        best, length = None, 0
        for unit, pattern in self._unit_patterns:
            match = pattern.match(text, position)
            if match and match.end() - position > length:
                best, length = unit, match.end() - position
        return best

    def keywords(self, text: str) -> list[FoundValue]:
        found = []
        for keyword, pattern in self._keywords:
            match = pattern.search(text)
            if match:
                found.append(FoundValue(keyword, match.start()))
        return found

    def places(self, text: str) -> list[FoundValue]:
        found: dict[str, int] = {}
        for code, pattern in self._places:
            match = pattern.search(text)
            if match and code not in found:
                found[code] = match.start()
        return [FoundValue(code, start) for code, start in sorted(found.items(), key=lambda kv: kv[1])]


def _digits(text: str, language: str) -> str:
    """Numbers in words to digits; text2num keeps the text otherwise unchanged."""
    try:
        # threshold 0: "twee weken", "deux jours" and "un mois" are converted too; only a number
        # followed by a unit is read afterwards, so converting articles ("un délai") does no harm
        return alpha2digit(text, language, threshold=0)
    except Exception:  # text2num has no model for this language: digits only
        return text


@cache
def _country_names(language: str) -> tuple[tuple[str, str], ...]:
    """(name, ISO alpha-2) pairs for every country, in the language and in English (pycountry's data)."""
    import pycountry

    try:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        translate = translation.gettext
    except OSError:
        translate = str
    pairs = []
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", country.name), translate(country.name)}:
            pairs.append((name, country.alpha_2))
    return tuple(pairs)


def _place_patterns(language: str, places: dict[str, list[str]]) -> list[tuple[str, re.Pattern[str]]]:
    patterns = [
        (code, re.compile(rf"(?<!\w)(?:{'|'.join(words)})(?!\w)", re.IGNORECASE)) for code, words in places.items() if words
    ]
    for name, code in _country_names(language):
        # case-sensitive: "Chad" or "Jersey" as a country, never as an ordinary word
        patterns.append((code, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")))
    return patterns


def reader_for(language_data: Any) -> ValueReader:
    """Build a ValueReader from a checklist LanguageData."""
    return ValueReader(
        language_data.language,
        {unit: list(patterns) for unit, patterns in language_data.durations.units.items()},
        list(language_data.durations.one),
        {k: list(v) for k, v in language_data.keywords.items()},
        {k: list(v) for k, v in language_data.places.items()},
    )
