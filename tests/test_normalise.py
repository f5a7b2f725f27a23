"""Normalisation: undoing line wraps, hyphenation and odd spaces, and the map back to source offsets
that evidence quotes rely on. Examples are French contract wording; properties are checked with hypothesis."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdprcheck.normalise import NormalisedText, normalise
from tests.conftest import SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def squash(text: str) -> str:
    """Text without what normalisation may add, drop or rewrite: whitespace, hyphens, soft hyphens,
    zero-width characters and controls; compatibility characters are decomposed as normalise does."""
    kept = "".join(
        c
        for c in unicodedata.normalize("NFKC", text)
        if not (c.isspace() or c in "-\u00ad\u200b\ufeff" or unicodedata.category(c) == "Cc")
    )
    return unicodedata.normalize("NFKC", kept)  # accents separated from their letter by a dropped character


def assert_map_is_sound(source: str, result: NormalisedText) -> None:
    assert len(result.source_offsets) == len(result.text)
    assert all(0 <= offset < len(source) for offset in result.source_offsets)
    assert all(a <= b for a, b in zip(result.source_offsets, result.source_offsets[1:], strict=False))


# --- hyphenation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ("Le sous-\ntraitant notifie le responsable.", "Le sous-traitant notifie le responsable."),
        ("Toute informa-\ntion transmise au Client.", "Toute information transmise au Client."),
        # a page break in a PDF: the hyphenated word continues after a blank line (and a form feed)
        ("Toute informa-\n\ntion transmise au Client.", "Toute information transmise au Client."),
        ("Toute informa-\n\x0c\n\ntion transmise au Client.", "Toute information transmise au Client."),
        ("Le sous-\n\ntraitant ultérieur.", "Le sous-traitant ultérieur."),
        # a word hyphenated elsewhere in the document keeps its hyphen, a word written whole loses it
        ("la pseudo-anonymisation ; toute pseudo-\nanonymisation", "la pseudo-anonymisation ; toute pseudo-anonymisation"),
        ("la confidentialité ; la confiden-\ntialité des données", "la confidentialité ; la confidentialité des données"),
        # numbers in words keep their hyphen, so that the breach deadline can be converted to digits
        ("dans un délai de quarante-\nhuit heures.", "dans un délai de quarante-huit heures."),
        ("dans un délai de soixante-\ndouze heures.", "dans un délai de soixante-douze heures."),
        ("within seventy-\ntwo hours.", "within seventy-two hours."),
        ("\r\nLe sous-\r\ntraitant\r\n", "Le sous-traitant"),
    ],
)
def test_hyphen_at_line_end(source, expected):
    result = normalise(source)
    assert result.text == expected
    assert_map_is_sound(source, result)


def test_dash_before_an_uppercase_line_is_not_a_split_word():
    # "– Le Client" is a new item, and "48 -" is no hyphenated word
    text = normalise("Le Prestataire notifie dans les 48 -\nLe Client est informé.").text
    assert "48 -" in text and "-Le" not in text


def test_rejoined_word_maps_to_both_halves_in_the_source():
    source = "Toute informa-\ntion transmise."
    result = normalise(source)
    start = result.text.index("information")
    begin, end = result.to_source(start, start + len("information"))
    assert source[begin:end] == "informa-\ntion"


# --- line wraps, lists, headings ------------------------------------------------------------------------------


def test_soft_line_wraps_are_joined_into_one_sentence():
    source = "Le Prestataire notifie\nle Client sans délai\ndès qu'il a connaissance\nd'une violation de données."
    assert normalise(source).text == (
        "Le Prestataire notifie le Client sans délai dès qu'il a connaissance d'une violation de données."
    )


def test_paragraphs_stay_apart():
    source = "Le Prestataire notifie le Client.\n\nLe Client coopère.\nLe Prestataire documente."
    assert normalise(source).text == "Le Prestataire notifie le Client.\n\nLe Client coopère.\nLe Prestataire documente."


def test_list_items_stay_on_their_own_lines():
    source = (
        "Le Prestataire s'engage à :\n"
        "- notifier le Client ;\n"
        "• assister le Client dans\nses obligations ;\n"
        "(a) tenir un registre ;\n"
        "a) détruire les copies ;\n"
        "ii) restituer les données ;\n"
        "(iii) coopérer avec l'autorité de contrôle."
    )
    assert normalise(source).text.split("\n") == [
        "Le Prestataire s'engage à :",
        "- notifier le Client ;",
        "• assister le Client dans ses obligations ;",
        "(a) tenir un registre ;",
        "a) détruire les copies ;",
        "ii) restituer les données ;",
        "(iii) coopérer avec l'autorité de contrôle.",
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "ARTICLE 16 – PROTECTION DES DONNÉES",
        "Article 13 : Protection des données",
        "2. Traitement des données à caractère personnel",
        "## 5. Sub-processors",
        "A. Protection des données à caractère personnel",
        "Artikel 3",
        "§ 4 Pflichten des Auftragsverarbeiters",
    ],
)
def test_headings_keep_their_own_line(heading):
    source = f"Le contrat est conclu pour une durée\n{heading}\nLe Prestataire agit en qualité\nde sous-traitant."
    assert normalise(source).text.split("\n") == [
        "Le contrat est conclu pour une durée",
        heading,
        "Le Prestataire agit en qualité de sous-traitant.",
    ]


def test_numbered_sub_clause_opens_a_line_and_its_wrapped_text_follows():
    # "16.7 Title" cannot be told from "16.7 First words of a wrapped sentence": the line before is cut,
    # the line after is joined, and the segmenter still cuts the clause at "16.7"
    source = "Le contrat est conclu pour une durée\n16.7 Le Prestataire notifie\nle Client de toute violation."
    assert normalise(source).text.split("\n") == [
        "Le contrat est conclu pour une durée",
        "16.7 Le Prestataire notifie le Client de toute violation.",
    ]


def test_number_that_opens_a_line_mid_sentence_is_joined():
    source = "conformément à l'article\n30.2. du Règlement, le Prestataire tient un registre."
    assert normalise(source).text == "conformément à l'article 30.2. du Règlement, le Prestataire tient un registre."


def test_citation_of_an_article_wrapped_onto_a_new_line_is_joined():
    source = "Le Prestataire respecte les obligations prévues à\nArticle 28 du RGPD et les instructions du Client."
    assert normalise(source).text == (
        "Le Prestataire respecte les obligations prévues à Article 28 du RGPD et les instructions du Client."
    )


# --- spaces and characters ------------------------------------------------------------------------------------


def test_spaces_are_collapsed_and_trimmed():
    source = "   Le   Prestataire\t\tagit  en qualité\u00a0de\u202fsous-traitant.   \n\n\n\n  Le Client\u2009paie.  "
    assert normalise(source).text == "Le Prestataire agit en qualité de sous-traitant.\n\nLe Client paie."


def test_ligatures_soft_hyphens_and_controls():
    source = "La con\ufb01dentialit\u00e9 est ef\ufb01cace ; le sous\u00adtraitant\u200b re\x07\u00e7oit les donn\u00e9es."
    result = normalise(source)
    assert result.text == "La confidentialité est efficace ; le soustraitant reçoit les données."
    # both letters of the ligature point at the ligature
    start = result.text.index("fi")
    assert result.source_offsets[start] == result.source_offsets[start + 1] == source.index("\ufb01")


def test_decomposed_accents_are_composed():
    source = "donne\u0301es a\u0300 caracte\u0300re personnel"
    assert normalise(source).text == "données à caractère personnel"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_are_equivalent(newline):
    source = newline.join(["ARTICLE 8", "Le Prestataire notifie", "le Client.", "", "ARTICLE 9", "Le Client paie."])
    assert normalise(source).text == "ARTICLE 8\nLe Prestataire notifie le Client.\n\nARTICLE 9\nLe Client paie."


@pytest.mark.parametrize("source", ["", "\n\n\n", "   ", "\x00\x01", "\ufeff"])
def test_empty_input(source):
    result = normalise(source)
    assert result.text == ""
    assert result.source_offsets == []
    assert result.to_source(0, 5) == (0, 0)


def test_bom_is_dropped():
    assert normalise("\ufeffARTICLE 1\nObjet du contrat.").text == "ARTICLE 1\nObjet du contrat."


# --- the offset map on the seeds ------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[path.name for path in SEED_FILES])
def seed(request) -> tuple[str, NormalisedText]:
    source = next(path for path in SEED_FILES if path.name == request.param).read_text(encoding="utf-8")
    return source, normalise(source)


def test_seed_map_is_sound(seed):
    source, result = seed
    assert_map_is_sound(source, result)
    assert "  " not in result.text
    assert not re.search(r" \n|\n ", result.text)
    assert "\n\n\n" not in result.text


def test_seed_characters_map_to_themselves(seed):
    source, result = seed
    for index, char in enumerate(result.text):
        if char.isspace():
            continue
        original = source[result.source_offsets[index]]
        assert char in unicodedata.normalize("NFKC", original) or original in "\t\u00a0", (index, char, original)


def test_seed_random_spans_cover_the_same_characters(seed):
    source, result = seed
    rng = random.Random(28)
    for _ in range(400):
        start = rng.randrange(len(result.text))
        end = min(len(result.text), start + rng.randrange(1, 400))
        begin, finish = result.to_source(start, end)
        assert 0 <= begin < finish <= len(source)
        assert_covers(source[begin:finish], result.text[start:end])


def assert_covers(source_span: str, normalised_span: str) -> None:
    """The source span holds the normalised characters; it may hold a little more only where one source
    character became several ("…" -> "...", "ﬁ" -> "fi") and the normalised span cut through them."""
    wide, narrow = squash(source_span), squash(normalised_span)
    assert narrow in wide, (source_span, normalised_span)
    assert len(wide) - len(narrow) <= 4, (source_span, normalised_span)


def test_seed_sentences_found_by_quote_map_back(seed):
    source, result = seed
    # what evidence quoting does: find a sentence in the normalised text, cite the source span
    for sentence in re.findall(r"[A-ZÀ-Ý][^.;:\n]{40,200}[.;]", result.text)[:60]:
        start = result.text.index(sentence)
        begin, end = result.to_source(start, start + len(sentence))
        assert_covers(source[begin:end], sentence)
        assert source[begin] == sentence[0]


def test_seed_no_word_is_glued_to_the_next_line():
    # every word of the seed survives, apart from the two halves of a word hyphenated at a line end
    for path in SEED_FILES:
        source = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8"))  # "…" is "..." once normalised
        words = set(normalise(source).text.split())
        source_words = source.split()
        lost = [
            word
            for index, word in enumerate(source_words)
            if word not in words and not word.endswith("-") and not (index and source_words[index - 1].endswith("-"))
        ]
        assert lost == [], (path.name, lost[:10])


# --- properties -----------------------------------------------------------------------------------------------

contract_alphabet = st.sampled_from(
    list("abcdeéèàçôœ ABCDÉÀ0123456789.,;:()-–•§«»’'\n\n\n\t\r")
    + ["\r\n", "\u00a0", "\u00ad", "\ufb01", "\ufb02", "\u200b", "\ufeff", "\x0c", "\x00", "\x1b", "\u2028", "\u0301"]
    + ["ARTICLE 16 – ", "16.7 ", "sous-\n", "informa-\n", "tion", "\n\n2. Traitement\n", "## ", "(ii) ", "a) ", "- "]
)
contract_like = st.lists(contract_alphabet, max_size=120).map("".join)
any_text = st.text(max_size=300)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_properties(source: str) -> None:
    result = normalise(source)
    assert_map_is_sound(source, result)
    assert result.text == result.text.strip(" \n")
    assert "  " not in result.text and "\t" not in result.text and "\r" not in result.text
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in result.text)
    for start in range(0, len(result.text), 7):
        end = min(len(result.text), start + 11)
        begin, finish = result.to_source(start, end)
        assert 0 <= begin < finish <= len(source)


@FAST
@given(any_text)
def test_any_unicode_text_never_raises_and_keeps_a_sound_map(source):
    check_properties(source)


@FAST
@given(contract_like)
def test_contract_like_text_never_raises_and_keeps_a_sound_map(source):
    check_properties(source)


@FAST
@given(contract_like)
def test_contract_like_text_keeps_its_characters_in_order(source):
    result = normalise(source)
    # nothing but whitespace, hyphens and dropped characters may differ, and nothing is reordered
    assert squash(result.text) == squash(source)


@FAST
@given(
    st.lists(
        st.sampled_from(["Le", "sous-traitant", "notifie", "données", "Client", "délai", "48", "heures."]),
        min_size=1,
        max_size=40,
    ),
    st.lists(st.sampled_from([" ", "\n", "  ", "\n\n", " \n "]), min_size=40, max_size=40),
)
def test_words_survive_any_wrapping(words, gaps):
    source = "".join(word + gap for word, gap in zip(words, gaps, strict=False))
    text = normalise(source).text
    assert text.split() == words


@FAST
@given(contract_like)
def test_normalising_is_idempotent_on_content(source):
    once = normalise(source).text
    assert squash(normalise(once).text) == squash(once)
