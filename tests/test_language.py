"""Language per document and per clause: a French contract with an English annex, and Belgian
bilingual text with French and Dutch side by side, are each read with the right vocabulary."""

from __future__ import annotations

from pathlib import Path

from gdprcheck.models import Document

FRENCH_WITH_ENGLISH_ANNEX = """ARTICLE 1 - OBJET
Le Prestataire fournit au Client un service d'hébergement de données et traite les données à caractère personnel pour le compte du Client, conformément aux présentes conditions générales.

ARTICLE 2 - VIOLATION DE DONNÉES
Le Prestataire notifie au Client toute violation de données à caractère personnel dans un délai de vingt-quatre heures après en avoir pris connaissance.

ANNEX 1 - SUB-PROCESSORS
The Provider shall not engage another processor without the prior specific written authorisation of the Customer, and shall inform the Customer of any intended changes so that the Customer may object.
"""

BILINGUAL = """ARTICLE 1 - NOTIFICATION / KENNISGEVING
Le sous-traitant informe le responsable du traitement de toute violation de données à caractère personnel dans les meilleurs délais après en avoir pris connaissance.

ARTIKEL 1 - KENNISGEVING
De verwerker informeert de verwerkingsverantwoordelijke zonder onredelijke vertraging over elk datalek nadat hij er kennis van heeft genomen, en in elk geval binnen achtenveertig uur.
"""


def _audit(auditor, text: str):
    document = Document(source=Path("mixed.txt"), text=text, sha256="", file_format="txt")
    located = auditor.locate_document(document)
    return located, auditor.audit_document(document)


def test_an_english_annex_in_a_french_contract(auditor):
    located, audit = _audit(auditor, FRENCH_WITH_ENGLISH_ANNEX)
    assert located.language == "fr"
    languages = {clause.ref.split(" - ")[0]: clause.language for clause in located.clauses}
    assert languages == {"ARTICLE 1": "fr", "ARTICLE 2": "fr", "ANNEX 1": "en"}
    results = {r.item: r for r in audit.results}
    assert results["breach.notification"].value == "24 hours"
    assert results["breach.notification"].language == "fr"
    # found with the English vocabulary, in the English annex
    assert results["subprocessing.authorisation"].status.value == "met"
    assert results["subprocessing.authorisation"].language == "en"


def test_french_and_dutch_side_by_side(auditor):
    located, audit = _audit(auditor, BILINGUAL)
    assert [clause.language for clause in located.clauses] == ["fr", "nl"]
    breach = next(r for r in audit.results if r.item == "breach.notification")
    assert breach.status.value == "met"
    assert breach.value in {"undue_delay", "48 hours"}
