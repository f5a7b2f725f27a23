"""Segmentation into citable clauses: the three seed contracts and small invented texts in the shapes
contracts use (ARTICLE n, n.m sub-clauses, part titles whose ARTICLE numbering restarts, markdown,
English/Dutch/German headings), plus hypothesis properties of the clause spans."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdprcheck.models import Clause
from gdprcheck.normalise import normalise
from gdprcheck.segment import segment
from tests.conftest import SEEDS


def assert_spans_sound(text: str, clauses: list[Clause]) -> None:
    previous_end = 0
    for clause in clauses:
        assert 0 <= clause.start < clause.end <= len(text)
        assert clause.start >= previous_end, "clauses overlap or are out of order"
        assert text[clause.start : clause.end] == clause.text
        assert clause.text == clause.text.strip() and clause.text
        assert clause.ref
        previous_end = clause.end


def clauses_of(source: str) -> list[Clause]:
    text = normalise(source).text
    clauses = segment(text)
    assert_spans_sound(text, clauses)
    return clauses


def refs(source: str) -> list[str]:
    return [clause.ref for clause in clauses_of(source)]


def by_ref(clauses: list[Clause]) -> dict[str, Clause]:
    found: dict[str, Clause] = {}
    for clause in clauses:
        assert clause.ref not in found, f"two clauses share the reference {clause.ref!r}"
        found[clause.ref] = clause
    return found


# --- seeds ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[str, list[Clause]]]:
    result = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = normalise(path.read_text(encoding="utf-8")).text
        result[path.name[:3]] = (text, segment(text))
    return result


def test_seed_spans_are_sound_and_cover_the_text(seeds):
    for text, clauses in seeds.values():
        assert_spans_sound(text, clauses)
        covered = sum(len(c.text) for c in clauses)
        assert covered > 0.9 * len(text)  # only heading lines and blank lines are left out


def test_seed_000_articles_and_numbered_sub_clauses(seeds):
    text, clauses = seeds["000"]
    found = by_ref(clauses)
    assert clauses[0].ref == "Preamble" and clauses[0].text == "CONDITIONS GÉNÉRALES"
    assert found["ARTICLE 1 - DÉFINITIONS"].text.startswith("Pour l’application de la présente convention")
    breach = found["ARTICLE 16 – PROTECTION DES DONNÉES › 16.7"]
    assert "violation" in breach.text.lower()
    assert found["ARTICLE 16 – PROTECTION DES DONNÉES › 16.9"].text.startswith("16.9 Sous-traitance : Le Prestataire")
    # the article's lead paragraph before 16.1 is its own clause under the article alone
    assert found["ARTICLE 16 – PROTECTION DES DONNÉES"].text.startswith("Dans le cadre de leurs relations contractuelles")
    assert "ARTICLE 7 - SORT DES DONNÉES À L’ISSUE DE LA CONVENTION" in found
    assert sum(ref.startswith("ARTICLE 16 – PROTECTION DES DONNÉES › 16.") for ref in found) == 11
    # no sub-clause number escaped into a reference of another article
    for ref in found:
        if " › " in ref:
            article, number = ref.split(" › ")
            assert number.split(".")[0] == article.split()[1], ref


def test_seed_002_parts_restart_article_numbering(seeds):
    text, clauses = seeds["002"]
    found = by_ref(clauses)  # every reference is unique although ARTICLE 1.. appears twice
    part_1 = "1. Conditions générales (v2021.001) › 1.1. CONDITIONS DE BASE › ARTICLE 8"
    part_2 = "2. Traitement des données à caractère personnel › ARTICLE 8"
    assert found[part_1].text.startswith("Easi et le client sont tenus de préserver")
    assert found[part_2].text.startswith("Le sous-traitant notifie au responsable de traitement")
    assert [c.ref for c in clauses if c.ref.startswith("2. ")] == [
        f"2. Traitement des données à caractère personnel › ARTICLE {n}" for n in range(1, 18)
    ]


def test_seed_002_long_capitalised_sub_part_titles_are_parts(seeds):
    _, clauses = seeds["002"]
    found = by_ref(clauses)
    # nine words in capitals: a sub-part title, not sub-clause 1.2 of ARTICLE 12
    assert (
        "1. Conditions générales (v2021.001) › 1.2. HARDWARE ET LOGICIELS STANDARDS NON DEVELOPPES PAR EASI › ARTICLE 13" in found
    )
    assert not any(ref.endswith(("› 1.2", "› 1.6")) for ref in found)
    article_43 = [ref for ref in found if "ARTICLE 43" in ref]
    assert article_43 and all(ref.startswith("1. Conditions générales (v2021.001) › 1.6. MAINTENANCE DES") for ref in article_43)


def test_seed_003_article_with_colon_and_letter_sections(seeds):
    _, clauses = seeds["003"]
    refs_003 = [c.ref for c in clauses]
    assert refs_003[0] == "Preamble"
    assert "Article 1er : Objet du contrat" in refs_003
    assert "Article 14 : Sécurité" in refs_003
    data = [ref for ref in refs_003 if ref.startswith("Article 13 : Protection des données")]
    assert [ref.split(" › ")[1][:2] for ref in data] == ["A.", "B.", "C."]
    assert all(len(part) <= 60 for ref in refs_003 for part in ref.split(" › "))  # long titles are shortened


# --- invented texts -------------------------------------------------------------------------------------------


def test_article_and_numbered_sub_clauses():
    source = (
        "ARTICLE 16\n\nLe Prestataire agit en qualité de sous-traitant.\n\n"
        "16.7 Le Prestataire notifie au Client toute violation de données dans les 48 heures.\n\n"
        "16.8 Le Client peut faire réaliser un audit une fois par an."
    )
    clauses = clauses_of(source)
    assert [c.ref for c in clauses] == ["ARTICLE 16", "ARTICLE 16 › 16.7", "ARTICLE 16 › 16.8"]
    assert clauses[1].text == "16.7 Le Prestataire notifie au Client toute violation de données dans les 48 heures."


def test_numbered_sub_clause_title_line():
    source = "ARTICLE 16 – PROTECTION DES DONNÉES\n\n16.7 Violation de données\n\nLe Prestataire notifie le Client."
    clauses = clauses_of(source)
    # a short title line is cited by its number alone and is not part of the clause body
    assert [(c.ref, c.text) for c in clauses] == [
        ("ARTICLE 16 – PROTECTION DES DONNÉES › 16.7", "Le Prestataire notifie le Client.")
    ]


def test_article_with_colon_title_and_lettered_sections():
    source = (
        "Article 13 : Protection des données\n\n"
        "A. Relations commerciales\n\nLe Prestataire agit en qualité de responsable du traitement.\n\n"
        "B. Données des utilisateurs\n\nLe Prestataire agit en qualité de sous-traitant."
    )
    assert refs(source) == [
        "Article 13 : Protection des données › A. Relations commerciales",
        "Article 13 : Protection des données › B. Données des utilisateurs",
    ]


def test_part_title_keeps_restarted_articles_apart():
    source = (
        "1. Conditions générales\n\nARTICLE 1\n\nLes présentes conditions s'appliquent à toute commande.\n\n"
        "ARTICLE 2\n\nLe client accepte les présentes conditions.\n\n"
        "2. Traitement des données\n\nARTICLE 1\n\nLe sous-traitant traite les données pour le compte du responsable.\n\n"
        "ARTICLE 2\n\nLe sous-traitant notifie toute violation sans délai."
    )
    clauses = clauses_of(source)
    assert [c.ref for c in clauses] == [
        "1. Conditions générales › ARTICLE 1",
        "1. Conditions générales › ARTICLE 2",
        "2. Traitement des données › ARTICLE 1",
        "2. Traitement des données › ARTICLE 2",
    ]
    assert clauses[3].text == "Le sous-traitant notifie toute violation sans délai."


def test_numbered_title_without_following_articles_is_a_section():
    source = "1. Objet\n\nLe contrat porte sur l'hébergement.\n\n2. Sous-traitance\n\nLe Prestataire informe le Client."
    assert refs(source) == ["1. Objet", "2. Sous-traitance"]


def test_markdown_headings():
    source = (
        "# Data Processing Agreement\n\n## 4. Confidentiality\n\nThe Processor keeps the data confidential.\n\n"
        "## 5. Sub-processors\n\nThe Processor shall not engage another processor without authorisation.\n\n"
        "### 5.1 Objection\n\nThe Controller may object to a new sub-processor."
    )
    clauses = clauses_of(source)
    assert [c.ref for c in clauses] == [
        "Data Processing Agreement › 4. Confidentiality",
        "Data Processing Agreement › 5. Sub-processors",
        "Data Processing Agreement › 5. Sub-processors › 5.1 Objection",
    ]
    assert clauses[1].text == "The Processor shall not engage another processor without authorisation."


@pytest.mark.parametrize(
    "first, second",
    [
        ("Clause 8", "Clause 9"),
        ("Artikel 3", "Artikel 4"),
        ("§ 4 Pflichten des Auftragsverarbeiters", "§ 5 Unterauftragsverarbeiter"),
        ("ARTIKEL 3 – VERWERKING", "ARTIKEL 4 – BEVEILIGING"),
        ("Section 2. Definitions", "Section 3. Security"),
        ("Annex I", "Annex II"),
        ("Art. 5 Sous-traitance", "Art. 6 Audit"),
        ("**Article 7 – Confidentialité**", "**Article 8 – Sécurité**"),
    ],
)
def test_headings_in_other_languages_and_styles(first, second):
    source = f"{first}\n\nThe processor shall process the data on instructions.\n\n{second}\n\nDe verwerker meldt een inbreuk."
    clauses = clauses_of(source)
    assert [c.text for c in clauses] == [
        "The processor shall process the data on instructions.",
        "De verwerker meldt een inbreuk.",
    ]
    assert clauses[0].ref == first.strip("*") and clauses[1].ref == second.strip("*")


@pytest.mark.parametrize(
    "sentence",
    [
        # on one line with its full stop
        "Article 28 du RGPD prévoit que le sous-traitant ne recrute pas un autre sous-traitant sans autorisation écrite.",
        # wrapped before the full stop, as a PDF line would be
        "Article 28 du RGPD prévoit que le sous-traitant\nne recrute pas un autre sous-traitant sans autorisation écrite.",
        "Article 28 du RGPD prévoit que\nle sous-traitant ne recrute pas un autre sous-traitant.",
        # a citation with a comma, short enough to pass for a title
        "Article 28, paragraphe 3, du RGPD s'applique",
        "Clause 8 of the Agreement applies to\nevery sub-processor.",
        "§ 4 der Vereinbarung gilt auch für\nUnterauftragsverarbeiter.",
    ],
)
def test_sentence_starting_with_an_article_citation_is_no_heading(sentence):
    source = f"ARTICLE 5 – SOUS-TRAITANCE\n\nLe Prestataire respecte la réglementation.\n\n{sentence}"
    clauses = clauses_of(source)
    assert [c.ref for c in clauses] == ["ARTICLE 5 – SOUS-TRAITANCE"]
    assert " ".join(sentence.split()) in " ".join(clauses[0].text.split())


def test_preamble_before_the_first_heading():
    source = "Entre les soussignés : la société X et la société Y.\n\nARTICLE 1 – OBJET\n\nLe contrat a pour objet l'hébergement."
    clauses = clauses_of(source)
    assert [(c.ref, c.text) for c in clauses] == [
        ("Preamble", "Entre les soussignés : la société X et la société Y."),
        ("ARTICLE 1 – OBJET", "Le contrat a pour objet l'hébergement."),
    ]


def test_list_items_stay_inside_their_clause():
    source = (
        "ARTICLE 12\n\nLe responsable de traitement s'engage :\n\n• à fournir les données ;\n\n"
        "a) à documenter ses instructions ;\n\n(ii) à veiller au respect du Règlement.\n\n"
        "ARTICLE 13\n\nLe sous-traitant est responsable."
    )
    clauses = clauses_of(source)
    assert [c.ref for c in clauses] == ["ARTICLE 12", "ARTICLE 13"]
    assert clauses[0].text.endswith("(ii) à veiller au respect du Règlement.")


def test_heading_without_body_yields_no_empty_clause():
    assert segment("ARTICLE 1\n\nARTICLE 2\n\nLe Client paie.") == [
        Clause(ref="ARTICLE 2", text="Le Client paie.", start=22, end=37, section="ARTICLE 2", titles=[(11, 20, "ARTICLE 2")])
    ]


def test_titles_above_a_clause_are_kept_with_it():
    # the article's title has no body of its own: it goes with the first sub-clause, with the sub-clause's own
    source = "ARTICLE 4 – Données traitées\n\n4.1 Catégories de personnes\n\nLes clients et les salariés du Client.\n\n4.2 Les données sont des noms."
    text = normalise(source).text
    first, second = segment(text)
    assert [title for _, _, title in first.titles] == ["ARTICLE 4 – Données traitées", "4.1 Catégories de personnes"]
    assert all(text[start:end] == title for start, end, title in first.titles)
    assert second.titles == []  # 4.2 opens its text: no title line


def test_empty_text():
    assert segment("") == []
    assert segment("\n\n  \n") == []


# --- properties -----------------------------------------------------------------------------------------------

structure = st.sampled_from(
    [
        "ARTICLE 16 – PROTECTION DES DONNÉES",
        "Article 13 : Protection",
        "16.7 Violation",
        "16.7",
        "2. Traitement des données",
        "1.2. HARDWARE ET LOGICIELS",
        "## 5. Sub-processors",
        "# Titre",
        "A. Relations",
        "(ii) item ;",
        "a) item ;",
        "• puce",
        "Article 28 du RGPD prévoit que",
        "Le Prestataire notifie le Client.",
        "le Client paie ;",
        "§ 4",
        "Clause 8",
        "ARTICLE 1",
        "",
        "   ",
        "|a|b|",
        "Annexe II",
        "1. Objet",
        "** gras **",
    ]
)
line_document = st.lists(structure, max_size=40).map("\n".join)
PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(st.text(max_size=400))
def test_any_text_segments_into_sound_spans(text):
    assert_spans_sound(text, segment(text))


@PROPERTIES
@given(line_document)
def test_contract_shaped_text_segments_into_sound_spans(text):
    clauses = segment(text)
    assert_spans_sound(text, clauses)
    # every non-blank line that is not a heading ends up inside a clause
    assert sum(len(c.text) for c in clauses) <= len(text)


@PROPERTIES
@given(line_document)
def test_normalised_contract_shaped_text_segments_into_sound_spans(source):
    text = normalise(source).text
    assert_spans_sound(text, segment(text))


@PROPERTIES
@given(
    st.lists(
        st.sampled_from(["Le Prestataire notifie le Client.", "le Client paie ;", "• puce", "a) item ;"]), min_size=1, max_size=20
    )
)
def test_text_without_headings_is_one_preamble(lines):
    text = "\n".join(lines)
    clauses = segment(text)
    assert [c.ref for c in clauses] == ["Preamble"]
    assert clauses[0].text == text.strip()


def _long_paragraph(subject: str, words: int) -> str:
    sentence = f"The {subject} is governed by the terms that the parties have agreed in writing for the services."
    count = len(sentence.split())
    return " ".join([sentence] * (words // count + 1))


def test_plain_title_lines_cut_an_unnumbered_document():
    # terms copied from a web page: the numbers of the titles are gone, only short lines remain
    source = "\n\n".join(
        [
            "Terms of Business",
            "Definitions",
            _long_paragraph("definition", 250),
            "Sub-processors",
            _long_paragraph("use of sub-processors", 250),
            "Limitation of Liability",
            _long_paragraph("liability", 250),
        ]
    )
    assert refs(source) == ["Preamble", "Definitions", "Sub-processors", "Limitation of Liability"]


def test_plain_title_lines_do_not_cut_a_numbered_document():
    # clauses of ordinary length: a short line is a line, not a title
    source = "\n\n".join(
        ["ARTICLE 1 – OBJET", "Important", _long_paragraph("object", 120), "ARTICLE 2 – DONNÉES", _long_paragraph("data", 120)]
    )
    assert refs(source) == ["ARTICLE 1 – OBJET", "ARTICLE 2 – DONNÉES"]


def test_a_short_line_that_is_a_sentence_or_a_lead_in_is_no_plain_title():
    source = "\n\n".join(
        [
            _long_paragraph("agreement", 20),
            "Sub-processing",
            _long_paragraph("use of sub-processors", 350),
            "The Customer shall:",
            _long_paragraph("duty of the customer", 350),
            "We never sell data.",
            _long_paragraph("sale of data", 350),
        ]
    )
    assert refs(source) == ["Preamble", "Sub-processing"]
