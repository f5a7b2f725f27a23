"""Undo what typesetting did to the text (line-wrapped words, soft line breaks, odd spaces),
keeping a map from every normalised character back to its offset in the source text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gdprcheck.numbering import ARTICLE_HEADING, LIST_ITEM, is_heading, starts_structure

_TERMINAL = (".", ";", ":", "!", "?")
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER_IN_SENTENCE = re.compile(r"^\d+(?:\.\d+)*\.?,?\s+(?:[a-zà-ÿ]|\d)")
# first halves of hyphenated compound numbers (French, English) longer than the 4-letter prefix rule covers
_NUMBER_TENS = {
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
    "quatre",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
}


@dataclass(frozen=True)
class NormalisedText:
    text: str
    source_offsets: list[int]  # source_offsets[i] = offset in the source of normalised character i

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source span of a normalised span (end exclusive)."""
        if not self.source_offsets:
            return 0, 0
        start = min(max(start, 0), len(self.source_offsets) - 1)
        last = min(max(end - 1, start), len(self.source_offsets) - 1)
        return self.source_offsets[start], self.source_offsets[last] + 1


_DROPPED = "\u00ad\u200b\ufeff"
_SPACES = "\t\u00a0\u2007\u202f\u2009\u2002\u2003"


def _needs_care(char: str) -> bool:
    """Whether a character is anything but itself in the cleaned text."""
    if char in _DROPPED or char in _SPACES or char == "\r":
        return True
    if char == "\n":
        return False
    if unicodedata.category(char) == "Cc" or unicodedata.combining(char):
        return True
    return ord(char) > 127 and unicodedata.normalize("NFKC", char) != char


def _clean_chars(source: str) -> tuple[list[str], list[int]]:
    """Compatibility-normalise characters (ligatures, odd spaces), drop soft hyphens and controls.

    Runs of characters that stay as they are (nearly all of a contract) are copied whole; only the
    others go through the character rules."""
    chars: list[str] = []
    offsets: list[int] = []
    special = sorted(char for char in set(source) if _needs_care(char))
    if not special:
        return list(source), list(range(len(source)))
    pattern = re.compile("[" + "".join(re.escape(char) for char in special) + "]")
    position = 0
    for match in pattern.finditer(source):
        index = match.start()
        if index > position:
            chars.extend(source[position:index])
            offsets.extend(range(position, index))
        position = index + 1
        char = match.group()
        if char in _DROPPED:
            continue
        if char == "\r":
            if index + 1 < len(source) and source[index + 1] == "\n":
                continue
            char = "\n"
        if char in _SPACES:
            char = " "
        if char != "\n" and unicodedata.category(char) == "Cc":
            continue
        if unicodedata.combining(char) and chars:
            # a decomposed accent ("e" + U+0301, as some PDF producers write it): compose it with its letter,
            # or "données" never matches; the composed letter keeps the offset of the base letter
            composed = unicodedata.normalize("NFC", chars[-1] + char)
            if len(composed) == 1:
                chars[-1] = composed
                continue
        for out in unicodedata.normalize("NFKC", char) if ord(char) > 127 else char:
            chars.append(out)
            offsets.append(index)
    if position < len(source):
        chars.extend(source[position:])
        offsets.extend(range(position, len(source)))
    return chars, offsets


def _lines(chars: list[str], offsets: list[int]) -> list[tuple[str, list[int]]]:
    text = "".join(chars)
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((line, offsets[start : start + len(line)]))
        start += len(line) + 1
    return lines


def _keeps_hyphen(left: str, right: str, vocabulary: set[str]) -> bool:
    """A word split at a line end: 'sous-|traitant' keeps its hyphen, 'informa-|tion' loses it."""
    joined, hyphenated = (left + right).lower(), f"{left}-{right}".lower()
    if joined in vocabulary:
        return False
    if hyphenated in vocabulary:
        return True
    # compound numbers are written with hyphens ("quarante-huit heures", "forty-eight hours"): joining them
    # hides a breach or audit deadline from the number conversion
    if left.lower() in _NUMBER_TENS:
        return True
    return len(left) <= 4


def normalise(source: str) -> NormalisedText:
    chars, offsets = _clean_chars(source)
    lines = _lines(chars, offsets)
    vocabulary = {word.lower() for word in re.findall(r"\w+(?:-\w+)*", "".join(chars))}

    out: list[str] = []
    out_offsets: list[int] = []

    def emit(text: str, text_offsets: list[int]) -> None:
        out.extend(text)
        out_offsets.extend(text_offsets)

    blank_seen = False  # a blank line lies between the previous content line and this one
    previous = ""
    separator_offset = 0
    for raw, raw_offsets in lines:
        # collapse inner runs of spaces, strip both ends
        if "  " in raw or raw[:1] == " " or raw[-1:] == " ":
            pairs = enumerate(zip(raw, raw_offsets, strict=True))
            kept = [(c, o) for i, (c, o) in pairs if not (c == " " and i > 0 and raw[i - 1] == " ")]
            while kept and kept[0][0] == " ":
                kept.pop(0)
            while kept and kept[-1][0] == " ":
                kept.pop()
            line = "".join(c for c, _ in kept)
            line_offsets = [o for _, o in kept]
        else:
            line, line_offsets = raw, raw_offsets
        if not line:
            blank_seen = bool(out)
            continue
        if out:
            # "article\n30.2. du Règlement": a number that opens a line mid-sentence is no clause
            # ... but a lowercase list marker ("a) ", "ii) ") opens an item, it does not continue the sentence
            lowercase_continues = line[0].islower() and not LIST_ITEM.match(line)
            # after a blank line, a lowercase line continues the sentence only if the sentence was
            # left open (a page break); after ";" or ":" it is an item of a list without markers
            if blank_seen and previous.endswith((";", ":", ".")):
                lowercase_continues = False
            # "article\n30.2. du Règlement" continues; "...contract:\n\n3. requiring ..." is a list item
            cited_number = bool(_NUMBER_IN_SENTENCE.match(line)) and not blank_seen and not previous.endswith((":", ";", "."))
            continues = lowercase_continues or line[0] in ",)" or cited_number
            words_before = _WORD.findall(previous)
            first_word = _WORD.match(line)
            if previous.endswith("-") and len(previous) > 1 and previous[-2].isalpha() and line[0].islower():
                # a word split at a line (or page) end
                if not _keeps_hyphen(
                    words_before[-1] if words_before else "", first_word.group(0) if first_word else "", vocabulary
                ):
                    out.pop()
                    out_offsets.pop()
                separator = ""
            elif lowercase_continues and not ARTICLE_HEADING.match(previous):
                # "1. Suppression des données : toutes les données\nhébergées sur ..." looks like a
                # numbered title until its next line goes on in lower case
                separator = " "
            elif is_heading(previous) or (starts_structure(line) and not continues):
                separator = "\n\n" if blank_seen else "\n"
            elif continues or (not blank_seen and not previous.endswith(_TERMINAL)):
                separator = " "  # a soft line break inside a sentence
            else:
                separator = "\n\n" if blank_seen else "\n"
            emit(separator, [separator_offset] * len(separator))
        emit(line, line_offsets)
        previous = line
        blank_seen = False
        separator_offset = line_offsets[-1] + 1
    return NormalisedText("".join(out), out_offsets)
