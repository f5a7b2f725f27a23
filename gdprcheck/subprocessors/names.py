"""Names made comparable: "Amazon Web Services EMEA SARL", "AWS" and "Amazon Web Services, Inc."
are one register entry. Case, accents, punctuation and legal forms are ignored; the aliases of the
vocabulary (a DPO extends them) join the spellings of one entity."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_PUNCTUATION = re.compile(r"[^\w&]+")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=64)
def _suffix_pattern(suffixes: tuple[str, ...], noise: tuple[str, ...]) -> re.Pattern[str]:
    forms = sorted({_plain(s).rstrip(".") for s in suffixes} | {_plain(n) for n in noise}, key=len, reverse=True)
    alternatives = "|".join(re.escape(form) + r"\.?" for form in forms)
    return re.compile(rf"(?:^|[\s,]+)(?:{alternatives})[\s,.]*$")


def comparable(name: str, suffixes: list[str] | tuple[str, ...], noise: list[str] | tuple[str, ...] = ()) -> str:
    """The form two spellings of one company share: "Hetzner Online GmbH" -> "hetzner online"."""
    text = _plain(_PARENTHESES.sub(" ", name)).strip(" ,;:.-–—")
    pattern = _suffix_pattern(tuple(suffixes), tuple(noise))
    while True:
        shorter = pattern.sub("", text).strip(" ,;:-–—")
        if shorter == text or not shorter:
            break
        text = shorter
    return " ".join(_PUNCTUATION.sub(" ", text).split())


class NameIndex:
    """Which register entity a name is: an alias's entity, or the name itself made comparable."""

    def __init__(self, vocabulary):
        self._suffixes = tuple(vocabulary.legal_suffixes)
        self._noise = tuple(vocabulary.name_noise)
        self._entities: dict[str, str] = {}  # comparable spelling -> entity name
        for alias in vocabulary.aliases:
            for spelling in [alias.name, *alias.spellings]:
                self._entities[self.comparable(spelling)] = alias.name

    def comparable(self, name: str) -> str:
        return comparable(name, self._suffixes, self._noise)

    def only_legal_form(self, name: str) -> bool:
        """Whether `name` is nothing but legal forms ("SA", "GmbH & Co. KG"): no company's name."""
        text = _plain(name).strip(" ,;:.-–—")
        return not text or not _suffix_pattern(tuple(self._suffixes), tuple(self._noise)).sub("", text).strip(" ,;:.-–—&")

    def entity(self, name: str) -> str:
        """The register's name for `name`: its alias entity (the longest spelling its words start
        with: "Google Cloud EMEA Limited" -> Google), else the name without its legal form."""
        key = self.comparable(name)
        words = key.split()
        for length in range(len(words), 0, -1):
            entity = self._entities.get(" ".join(words[:length]))
            if entity is not None:
                return entity
        return re.sub(r"[\s,]+$", "", _PARENTHESES.sub("", name)).strip() or name

    def key(self, name: str) -> str:
        """What two names of one entity share (compared by the evaluation and the register)."""
        return self.comparable(self.entity(name))

    def is_alias(self, name: str) -> bool:
        return self.comparable(name) in self._entities
