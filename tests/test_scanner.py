"""The one-pass concept scanner must find exactly what running each concept's expression with
`finditer` finds (from a word start, case ignored, one concept's matches not overlapping), on real
contracts in every language: the speed-up may never change a finding."""

from __future__ import annotations

import re

import pytest

from gdprcheck.locate.scanner import ConceptScanner
from tests.conftest import DEV, SEEDS


def _reference(concepts, text: str) -> list[tuple[int, int, str]]:
    found = []
    for name, patterns in concepts.items():
        regexes = [p for p in patterns if isinstance(p, str)]
        if regexes:
            anchored = re.compile(rf"(?<!\w)(?:{'|'.join(regexes)})", re.IGNORECASE)
            found += [(m.start(), m.end(), name) for m in anchored.finditer(text)]
    return sorted(found)


@pytest.mark.parametrize("language", ["fr", "en", "nl", "de"])
def test_scanner_finds_what_each_expression_finds(checklist, language):
    concepts = checklist.languages[language].concepts
    scanner = ConceptScanner(concepts)
    paths = sorted(SEEDS.glob("*.txt")) if language == "fr" else []
    paths += sorted((DEV / "docs").glob(f"{language}_*.txt"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert scanner.scan(text) == _reference(concepts, text), path.name


def test_scanner_keeps_the_first_alternative_that_matches_and_case():
    concepts = {"notice": ["notif\\w*", "notice period", "Notice"], "upper": ["(?-i:EU)\\b"], "grouped": ["(a|b)c"]}
    scanner = ConceptScanner(concepts)
    text = "Notice period of 30 days; NOTIFY the eu and the EU; ac bc"
    assert scanner.scan(text) == _reference(concepts, text)
