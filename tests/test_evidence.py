"""Which sentence is quoted, and how: the content of a breach notification is read next to the
processor's duty to notify (not in the help it gives the controller with the controller's own
notification), and is quoted as the whole list of elements, bullets run on."""

from __future__ import annotations

from pathlib import Path

from gdprcheck.models import Document

TWO_BREACH_CLAUSES = """\
9. Personal data breaches

9.1 Where a personal data breach concerns data processed by the Customer, the Supplier shall assist the Customer:
(a) in notifying the breach to the supervisory authority;
(b) in obtaining the following information, which the Customer's notification must include:
(1) the nature of the personal data breach;
(2) the likely consequences of the breach.

9.2 Where a personal data breach concerns personal data processed by the Supplier as processor, the Supplier shall notify the Customer without undue delay and at the latest within 36 hours. The notification shall contain at least:
- a description of the nature of the breach, the categories and approximate number of data subjects concerned;
- a contact point for further information;
- the likely consequences and the measures taken to address the breach.

9.3 The Customer is the controller of the personal data processed under this Agreement.
"""


def _result(auditor, text: str, item: str):
    document = Document(source=Path("breach.txt"), text=text, sha256="", file_format="txt")
    return next(r for r in auditor.audit_document(document).results if r.item == item)


def test_breach_content_is_read_in_the_clause_of_the_duty_to_notify(auditor):
    notification = _result(auditor, TWO_BREACH_CLAUSES, "breach.notification")
    assert notification.value == "36 hours" and notification.evidence.clause.endswith("9.2")
    content = _result(auditor, TWO_BREACH_CLAUSES, "breach.content")
    assert content.status.value == "met"
    assert content.evidence.clause.endswith("9.2"), content.evidence


def test_breach_content_quotes_the_whole_list_without_bullets(auditor):
    quote = _result(auditor, TWO_BREACH_CLAUSES, "breach.content").evidence.quote
    assert quote.startswith("The notification shall contain at least: a description of the nature")
    assert "a contact point for further information; the likely consequences" in quote
    assert " - " not in quote


def test_a_long_list_is_cut_around_the_item_that_decided(auditor):
    filler = "".join(f"- an element number {n} that the notification must also describe in some detail;\n" for n in range(30))
    text = TWO_BREACH_CLAUSES.replace("- a contact point for further information;\n", filler)
    quote = _result(auditor, text, "breach.content").evidence.quote
    assert len(quote) <= 800
    assert quote.startswith("The notification shall contain at least:") and quote.endswith("…")
    assert "a description of the nature of the breach" in quote


AUDIT_ARTICLE = """\
12. Audits

12.1 The Supplier shall make available to the Customer all information necessary to demonstrate compliance with this Agreement and shall allow for and contribute to audits, including inspections, conducted by the Customer or an auditor mandated by the Customer.

12.2 The Customer shall give the Supplier at least thirty (30) days' prior written notice of any audit.

13. Term

13.1 Either party may terminate this Agreement with three (3) months' notice.
"""


def test_a_value_is_read_in_the_next_clause_of_the_same_article_only(auditor):
    audit = _result(auditor, AUDIT_ARTICLE, "audit.rights")
    assert audit.status.value == "met" and audit.evidence.clause.endswith("12.1")
    assert audit.value == "30 days"
    deletion = _result(auditor, AUDIT_ARTICLE, "deletion.return")
    assert deletion.value in ("", "unspecified")  # the termination notice of article 13 is no deletion deadline


def test_a_numbered_run_in_heading_is_quoted_with_its_sentence(auditor):
    text = (
        "6. Privacy and security\n\n"
        "6.3 Security. The Supplier shall implement appropriate technical and organisational measures to ensure a level of security appropriate to the risk.\n\n"
        "6.6 Service Providers. The Supplier may use sub-processors to help provide the Service.\n"
    )
    security = _result(auditor, text, "security.measures")
    assert security.evidence.quote.startswith("6.3 Security. The Supplier shall implement appropriate")
    subprocessing = _result(auditor, text, "subprocessing.authorisation")
    assert (
        subprocessing.evidence.quote == "6.6 Service Providers. The Supplier may use sub-processors to help provide the Service."
    )


def test_breach_content_in_a_later_clause_of_the_breach_article(auditor):
    text = (
        "7. Personal data breaches\n\n"
        "7.1 The Supplier shall notify the Customer of any personal data breach without undue delay.\n\n"
        "7.2 The notification shall state at least the likely consequences and the measures taken.\n"
    )
    content = _result(auditor, text, "breach.content")
    assert content.status.value == "met" and content.evidence.clause.endswith("7.2")
    # an unrelated "shall contain at least" in the same article is no content of a breach notice
    unrelated = (
        "7. Data protection\n\n"
        "7.1 Annex 1 shall contain at least the categories of personal data and of data subjects.\n\n"
        "7.2 The Supplier shall notify the Customer of any personal data breach without undue delay.\n"
    )
    assert _result(auditor, unrelated, "breach.content").status.value == "missing"


TITLE_BEFORE_DUTY = """\
§ 4 Sicherheit der Verarbeitung

Technische und organisatorische Maßnahmen nach Art. 32 DSGVO

Der Auftragnehmer trifft geeignete technische und organisatorische Maßnahmen nach Art. 32 DSGVO und überprüft sie regelmäßig.
"""


def test_a_title_line_is_never_quoted_before_the_sentence_stating_the_duty(auditor):
    security = _result(auditor, TITLE_BEFORE_DUTY, "security.measures")
    assert security.status.value == "met"
    assert security.evidence.quote.startswith("Der Auftragnehmer trifft"), security.evidence


SUBPROCESSORS_UNDER_A_TITLE = """\
7. Sub-processors

Each of them is bound by a written contract imposing the same data protection obligations as those in this DPA.
"""


def test_a_clause_title_names_what_its_sentences_speak_of(auditor):
    # the sentence says "each of them": only the title says they are sub-processors
    flow_down = _result(auditor, SUBPROCESSORS_UNDER_A_TITLE, "subprocessing.flow-down")
    assert flow_down.status.value == "met", flow_down.rationale
    assert flow_down.evidence.quote.startswith("Each of them is bound"), flow_down.evidence


DEFINITIONS_LIST = """\
Article 1 – Définitions

Aux fins du présent accord, on entend par :
- Sous-traitant ultérieur : tiers mandaté par le Sous-traitant par contrat pour effectuer des opérations de traitement ;
- Violation : toute violation de la sécurité des données.

Article 2 – Objet

Le Prestataire héberge le logiciel du Client.
"""


def test_an_item_of_a_list_of_definitions_is_no_obligation(auditor):
    # "on entend par :" defines; its items are definitions too, not a flow-down or a breach duty
    for item in ("subprocessing.flow-down", "breach.notification"):
        assert _result(auditor, DEFINITIONS_LIST, item).status.value == "missing", item


DESCRIPTION_UNDER_A_HEADING = """\
2. Purpose, categories of data and data subjects

The purpose of the processing is to host and operate the booking platform for the Customer.
The data subjects are the Customer's guests and employees. The categories of personal data are names, e-mail addresses and booking histories.

3. Duration

The processing lasts for the term of the Agreement.
"""


def test_a_description_is_quoted_from_its_sentences_not_from_the_heading_naming_them(auditor):
    result = _result(auditor, DESCRIPTION_UNDER_A_HEADING, "processing.description")
    assert result.status.value == "met"
    assert not result.evidence.quote.startswith(("2. Purpose", "Purpose, categories", "3. Duration")), result.evidence
    assert result.evidence.quote.endswith("."), result.evidence
