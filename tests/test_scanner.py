"""The one-pass concept scanner must find exactly what running each concept's expression with
`finditer` finds (from a word start, case ignored, one concept's matches not overlapping), on real
contracts in every language: the speed-up may never change a finding."""

from __future__ import annotations

import re

import pytest

from gdprcheck.checklist import ChecklistError, load_language
from gdprcheck.locate.scanner import ConceptScanner, check_pattern
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


@pytest.mark.parametrize(
    "pattern",
    [
        "(?<=ab|c)traitant",  # a look-behind of varying width: only the compiler refuses it
        "(?<!\\w+)notify",
        "violation (de",
        "sous-trait[ée",
        "a{3,1}",
        "[z-a]",
        "\\p{L}",
    ],
)
def test_a_pattern_is_refused_exactly_when_the_scanner_could_not_compile_it(pattern):
    with pytest.raises(re.error):
        re.compile(pattern, re.IGNORECASE)
    with pytest.raises(re.error):
        check_pattern(pattern)


def test_a_variable_width_look_behind_in_a_language_file_is_named(tmp_path):
    language = tmp_path / "xx.yaml"
    language.write_text(
        "language: xx\n"
        "concepts:\n"
        "  notify:\n"
        "    - 'notif\\w*'\n"
        "    - '(?<=the |a )notice'\n"
        "durations:\n"
        "  units: {hours: ['hours?']}\n"
        "keywords: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(ChecklistError, match=r"xx\.yaml, line \d+: .*concept 'notify'.*look-behind requires fixed-width"):
        load_language(language)


def test_the_analysis_kept_from_validation_is_the_one_the_scanner_would_make(checklist):
    """The scanner reuses what checking the checklist learnt of each pattern: it must be what
    parsing the pattern afresh gives."""
    from gdprcheck.locate import scanner

    for data in checklist.languages.values():
        for patterns in data.concepts.values():
            for pattern in (p for p in patterns if isinstance(p, str)):
                kept = scanner._SHAPES[pattern]
                assert kept == scanner._shape(scanner._parser.parse(pattern, re.IGNORECASE)), pattern


@pytest.mark.parametrize(
    "patterns",
    [
        ["(?:Belgique|Bulgarie|France|Allemagne) ?(?:et|ou)?"],
        ["(?:(?:shall|will) not|never|(?:won|don)['’]t) (?:be )?transfer\\w*"],
        ["(?:a\\|b|[|)(]x|c\\)) end", "(?:[]|]z|\\(q) end"],  # | and ) escaped or in a class belong to no group
        ["(?:ab|cd)?ef", "(?:ab|cd)+x", "(?:ab|cd){1,2}y"],  # a quantified group is left whole
        ["(?:|ab)c", "(?:ab|(?=c))c"],  # an alternative that may take nothing: left whole
        ["(?-i:EU|Union)\\b", "(?i:eu|union) law"],
        ["(?:notif(?:y|ies)|inform|tell)(?:s|ed)? (?:the )?(?:customer|client)"],
        ["(?:(a)|b)c"],  # a group of its own: tried alone
    ],
)
def test_a_leading_alternation_narrowed_to_the_next_character_finds_the_same(patterns):
    concepts = {"concept": patterns}
    text = (
        "Belgique et France ou Allemagne; bulgarie. We shall not transfer, never transferred, don't be transferred, "
        "won’t transfer. a|b end, |x end, )x end, c) end, ]z end, |z end, (q end. ab ef abcdx cdaby ababy ef. "
        "c abc abcc. EU eu Union union EU law eu law Union Law. notifies the customer, informed client, tells customer, "
        "tell the CLIENT. ac bc"
    )
    assert ConceptScanner(concepts).scan(text) == _reference(concepts, text)


def test_narrowing_leaves_out_only_the_alternatives_that_cannot_begin_there():
    from gdprcheck.locate.scanner import _narrowed

    assert _narrowed("(?:Belgique|Bulgarie|France) (?:et|ou)", "b") == "(?:Belgique|Bulgarie) (?:et|ou)"
    assert _narrowed("(?:(?:shall|will) not|never) x", "s") == "(?:(?:shall) not) x"
    assert _narrowed("(?:ab|cd)?ef", "a") == "(?:ab|cd)?ef"
    assert _narrowed("(?:a\\|b|[|)]x)", "[") == "(?:a\\|b|[|)]x)"  # no alternative begins with "[": left as is


@pytest.mark.parametrize(
    "patterns",
    [
        ["data", "de la", "des? données", "dans"],  # keyed by their first two letters
        ["(?:sub-?)?processors?", "s(?:ub)?-processing"],  # an optional group first: several pairs
        ["x{2,3}y", "a{1,2}b", "(?:ab)+c"],  # repeats
        ["(?<!not )notify", "(?=inform)inform\\w*"],  # look-arounds take no character
        ["ö?ko", "straße", "STRASSE"],  # a pair that may start after an optional letter; ß and ss
        ["i\\w+", "ii", "iİ"],  # a text character that lower-cases to two ("İ")
        ["a", "ab"],  # a match of one character: keyed by its first letter only
    ],
)
def test_concepts_keyed_by_their_first_two_letters_find_the_same(patterns):
    concepts = {"keyed": patterns, "other": ["d\\w*", "s\\w+"]}
    text = (
        "data de la des données dans De La DATA. subprocessors sub-processor s-processing sub-processing. xxy xxxy "
        "ab aab ababc. not notify; notify, informed inform. öko ko Straße STRASSE strasse. İstanbul iİ ii İi in a ab."
    )
    assert ConceptScanner(concepts).scan(text) == _reference(concepts, text)


def test_the_pairs_a_pattern_can_begin_with():
    from gdprcheck.locate.scanner import _pairs

    assert _pairs("(?:Belgique|Bulgarie)") == frozenset({"be", "bu"})
    assert _pairs("sub-?processors?") == frozenset({"su"})
    assert _pairs("a") is None  # may be one character long
    assert _pairs("\\w+ing") is None  # not known
    assert _pairs("(?:un|une) (?:nouveau|nouvelle)") == frozenset({"un"})
