"""The sub-processor register (issue 13): extraction on real text in four languages, through the
real readers (DOCX, PDF with a table), subprocessors.csv read back, and the evaluation's figures."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from gdprcheck.evaluate import evaluate_subprocessors
from gdprcheck.models import BatchResult, Document
from gdprcheck.read import read_document
from gdprcheck.report import SUBPROCESSORS_CSV_NAME, write_reports
from gdprcheck.subprocessors import NameIndex, load_vocabulary


def _found(auditor, text: str, name: str = "contract.txt") -> dict[str, list[str]]:
    # the parties are read in a contract's opening 600 characters: a blank form stands for the rest of them
    title, _, rest = text.partition("\n\n")
    text = f"{title}\n\n{'_' * 600}\n\n{rest}"
    audit = auditor.audit_document(Document(source=Path(name), text=text, sha256="", file_format="txt"))
    return {found.entity: found.countries for found in audit.subprocessors}


INTRODUCTION_FR = (
    "Les présentes conditions générales régissent l'accès au logiciel et son utilisation par le Client. "
    "Elles prévalent sur tout autre document, sauf accord écrit contraire des parties. Le Client déclare avoir "
    "pris connaissance des présentes avant toute commande et les accepter sans réserve. Les données à caractère "
    "personnel sont traitées conformément au règlement général sur la protection des données, dans le respect "
    "des instructions documentées du Client et pour la seule durée du contrat, selon les modalités prévues à "
    "l'annexe relative à la sous-traitance, qui fait partie intégrante du contrat conclu entre les parties."
)
PREAMBLE = "Verwerkersovereenkomst tussen Klant en Acmedienst B.V. (Verwerker).\n\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # nl pipe table under a header
            PREAMBLE + "Bijlage 2: Sub-verwerkers\n\n| Sub-verwerker | Locatie | Dienst |\n|---|---|---|\n"
            "| Hetzner Online GmbH | Duitsland | Hosting |\n| Stripe, Inc. | EU/VS | Betalingen |\n",
            {"Hetzner": ["DE"], "Stripe": ["EU", "US"]},
        ),
        (  # en table without pipes, "Name | ..." style from a PDF or a DOCX
            "Data Processing Agreement between Customer and Zentrix Ltd.\n\nSchedule 3 - Sub-processors\n\n"
            "Sub-processor | Service | Location of Processing\n"
            "Amazon Web Services EMEA SARL | Infrastructure hosting | Germany; Ireland\n"
            "Kestrel Mailworks Ltd. | Transactional email | United Kingdom\n",
            {"Amazon Web Services": ["DE", "IE"], "Kestrel Mailworks Ltd.": ["GB"]},
        ),
        (  # fr prose
            # the parties are read in the opening lines (600 characters): a contract's length of them
            "Conditions générales de Dokami SAS.\n\n" + INTRODUCTION_FR + "\n\nArticle 4 Hébergement\n\n"
            "Les données sont hébergées chez OVH SAS (France) et Hetzner Online GmbH (Allemagne).\n",
            {"OVHcloud": ["FR"], "Hetzner": ["DE"]},
        ),
        (  # de bullet list under a lead-in
            "Auftragsverarbeitungsvertrag mit der Beispielwerk GmbH.\n\n§ 6 Unterauftragsverhältnisse\n\n"
            "Der Auftragnehmer setzt folgende Unterauftragsverarbeiter ein:\n\n"
            "- Brevo SAS (E-Mail-Versand, Frankreich)\n- Plausible Analytics OÜ (Webanalyse, Estland)\n",
            {"Brevo": ["FR"], "Plausible Analytics": ["EE"]},
        ),
        (  # en table copied cell by cell: the header's cells one a line, each row a block of as many lines
            "Data Processing Agreement between Customer and Zentrix Ltd.\n\nAnnex 2 List of Sub-processors\n\n"
            "Name of the Sub-processor\nActivity\nRegion\n\n"
            "Kestrel Mailworks Ltd.\nTransactional email\nUnited Kingdom\n\n"
            "Tallow Signing, Inc. d/b/a Quillsign\nElectronic signatures\nUS\n\n"
            "Borealis Compute Oy\nHosting\nHelsinki\n",
            {"Kestrel Mailworks Ltd.": ["GB"], "Tallow Signing, Inc.": ["US"], "Borealis Compute Oy": ["FI"]},
        ),
        (  # en records written one field a line, the place in its own field rather than the seat's address
            "Data Processing Agreement between Customer and Zentrix Ltd.\n\nANNEX 3: SUB-PROCESSORS\n\n"
            "1. Hosting:\n   * Purpose: To host the platform.\n"
            "   * Provider: Borealis Compute Oy (Porkkalankatu 1, Helsinki, Finland).\n   * Location: EU/EEA.\n"
            "2. Language models:\n   * Purpose: Text generation.\n"
            "   * Provider: (a) In the EEA: Lumen Models Ireland Limited, Dublin. (b) In the UK: Lumen Models UK Ltd., London.\n"
            "   * Location: EU/EEA, United States.\n",
            {
                "Borealis Compute Oy": ["EEA"],
                "Lumen Models Ireland Limited": ["EEA", "US"],
                "Lumen Models UK Ltd.": ["EEA", "US"],
            },
        ),
        (  # de "Name – Zweck – Standort" lines: two companies in one name cell, a city and an ISO code as the place
            "Auftragsverarbeitungsvertrag mit der Beispielwerk GmbH.\n\nAnhang 3 – Unterauftragsverarbeiter\n\n"
            "Anbieter – Zweck – Standort\n"
            "Rheinwolke GmbH und Amazon Web Services (im Auftrag von Rheinwolke) – Datenbank – Frankfurt, DE (EU)\n"
            "Zahlfix AG; Belegblick s.r.o. – Zahlungen – Tschechische Republik\n"
            "\nDie Anmeldung über Microsoft erfolgt beim Identitätsanbieter der Schule und ist keine Auftragsbearbeitung.\n",
            {"Rheinwolke GmbH": ["DE"], "Amazon Web Services": ["DE"], "Zahlfix AG": ["CZ"], "Belegblick s.r.o.": ["CZ"]},
        ),
        (  # fr list: a name in lower case with a digit, another entity in brackets, a part of the contract
            "Accord de traitement de Dokami SAS.\n\n" + INTRODUCTION_FR + "\n\nArticle 6 Sous-traitants ultérieurs\n\n"
            "Le Prestataire recourt aux sous-traitants ultérieurs suivants :\n"
            "- Relayo Messaging, Inc. (relayant vers Google Gemini) — traitement du langage naturel\n"
            "- n8n GmbH — orchestration des automatisations\n"
            "1. Module 2 (responsable à sous-traitant) s'applique lorsque le Client est responsable du traitement.\n",
            {"Relayo Messaging, Inc.": [], "Google": [], "n8n GmbH": []},
        ),
    ],
)
def test_extraction_in_four_languages(auditor, text, expected):
    assert _found(auditor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # an example, not a sub-processor
        "Data Processing Agreement between Customer and Zentrix Ltd.\n\n7. Sub-processors\n\n"
        "The processor may use cloud providers such as Microsoft Azure or Google Cloud to host the data.\n",
        "Let op: de AI-provider (Anthropic, OpenAI, Microsoft, etc.) wordt alleen ingeschakeld op verzoek.\n",
        # the party itself
        "Conditions générales de vente de DOKOS SAS.\n\nLa plateforme est hébergée et gérée par DOKOS SAS.\n",
        # an unnamed category
        "Terms of Service of Zentrix.\n\n5. We use third party vendors and hosting partners to run the Services.\n",
        # said not to be one
        "Bestek.\n\n§6. Voor opleidingen doet de opdrachtnemer een beroep op Vormingshuis Ter Leie BV; "
        "deze is bijgevolg geen subverwerker in de zin van dit artikel.\n",
        # the provider, defined on a line of the definitions article (past the opening lines), then named
        # in another case; an article and a legal form are no name
        "Convention de services.\n\nARTICLE 1 - DÉFINITIONS\n\nLe Prestataire : La SA ORBIVANT GROUP, dont le siège "
        "social est situé à Liège.\n\nARTICLE 9\n\n9.1. Le sous-traitant ultérieur est choisi par Orbivant Group SA "
        "avec soin.\n",
        # examples after a colon, and a list that trails off
        "Conditions.\n\n4. Hébergement : solutions hébergées par une partie tierce, exemple sans limitation : "
        "Microsoft, Google, Amazon…\n",
        "Terms.\n\n4. Hosting: the data may be hosted by third-party providers (Microsoft, Google, Amazon...).\n",
    ],
)
def test_examples_parties_and_categories_are_not_subprocessors(auditor, text):
    assert _found(auditor, text) == {}


def test_names_made_comparable():
    names = NameIndex(load_vocabulary())
    assert names.key("Amazon Web Services EMEA SARL") == names.key("AWS") == names.key("Amazon Web Services, Inc.")
    assert names.key("Hetzner Online GmbH") == names.key("hetzner")
    assert names.key("OVHcloud") == names.key("OVH SAS")
    assert names.comparable("Aktenfuchs Vernichtungsdienste GmbH & Co. KG") == "aktenfuchs vernichtungsdienste"


ROWS = [("Hetzner Online GmbH", "Hosting der Server", "Deutschland"), ("Kestrel Mailworks Ltd.", "E-Mail-Versand", "Irland")]


def _docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Auftragsverarbeitungsvertrag zwischen Kunde und Beispielwerk GmbH")
    document.add_paragraph("§ 1 Gegenstand: Der Auftragnehmer verarbeitet personenbezogene Daten im Auftrag des Auftraggebers.")
    document.add_paragraph("Anlage 3 – Unterauftragsverarbeiter")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Unterauftragsverarbeiter", "Leistung", "Ort der Verarbeitung"), strict=True):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.save(path)


def test_docx_table_through_the_reader_and_the_csv(auditor, checklist, tmp_path):
    path = tmp_path / "avv.docx"
    _docx(path)
    audit = auditor.audit_document(read_document(path))
    assert {(s.name, tuple(s.countries)) for s in audit.subprocessors} == {
        ("Hetzner Online GmbH", ("DE",)),
        ("Kestrel Mailworks Ltd.", ("IE",)),
    }
    out = tmp_path / "out"
    written = write_reports(BatchResult(audits=[audit]), checklist, out)
    assert out / SUBPROCESSORS_CSV_NAME in written
    with (out / SUBPROCESSORS_CSV_NAME).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == ["Hetzner Online GmbH", "Kestrel Mailworks Ltd."]
    assert list(rows[0]) == ["document", "name", "country", "service", "mechanism", "evidence", "clause", "findings"]
    assert rows[0]["country"] == "DE" and rows[0]["clause"]
    # an unchanged re-run writes nothing (the second run reads the first's workbook as a review source,
    # so it is the third that finds nothing new); a deleted subprocessors.csv is written again
    write_reports(BatchResult(audits=[audit]), checklist, out)
    assert write_reports(BatchResult(audits=[audit]), checklist, out) == []
    (out / SUBPROCESSORS_CSV_NAME).unlink()
    assert out / SUBPROCESSORS_CSV_NAME in write_reports(BatchResult(audits=[audit]), checklist, out)


def test_pdf_table_through_the_reader(auditor, tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    path = tmp_path / "dpa.pdf"
    story = [
        Paragraph("Data Processing Agreement between Customer and Zentrix Ltd.", styles["Normal"]),
        Paragraph("The processor processes personal data on behalf of the controller under this agreement.", styles["Normal"]),
        Paragraph("Annex 3 - Sub-processors", styles["Normal"]),
        Table([["Sub-processor", "Service", "Location"], *[list(row) for row in ROWS]]),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    document = read_document(path)
    # the cells of a row apart by a tab, the words of a paragraph by a space
    assert "Hetzner Online GmbH\tHosting der Server\tDeutschland" in document.text
    assert "\t" not in document.text.split("Annex 3")[0]
    audit = auditor.audit_document(document)
    assert {(s.entity, tuple(s.countries)) for s in audit.subprocessors} == {
        ("Hetzner", ("DE",)),
        ("Kestrel Mailworks Ltd.", ("IE",)),
    }
    assert {s.found_in for s in audit.subprocessors} == {"table"}


def test_evaluation_figures(auditor):
    text = (
        PREAMBLE + "Bijlage 2: Sub-verwerkers\n\n| Sub-verwerker | Locatie | Dienst |\n|---|---|---|\n"
        "| Hetzner Online GmbH | Duitsland | Hosting |\n| Stripe, Inc. | EU/VS | Betalingen |\n"
    )
    audit = auditor.audit_document(Document(source=Path("a.txt"), text=text, sha256="", file_format="txt"))
    labels = pd.DataFrame(
        [
            {"document": "a.txt", "name": "Hetzner", "country": "FI"},  # matched, country wrong
            {"document": "a.txt", "name": "Stripe Payments Europe Ltd", "country": "EU;US"},  # alias: matched
            {"document": "a.txt", "name": "Mollie B.V.", "country": "NL"},  # missed
        ]
    )
    figures = evaluate_subprocessors(BatchResult(audits=[audit]), labels, NameIndex(load_vocabulary()))["overall"]
    assert figures["precision"] == 1.0
    assert figures["recall"] == pytest.approx(0.667, abs=0.001)
    assert figures["country_accuracy"] == 0.5


DPA_BODY = (
    "The processor processes personal data only on documented instructions from the controller, ensures that "
    "persons authorised to process the personal data have committed themselves to confidentiality, takes all "
    "security measures required pursuant to Article 32 GDPR, assists the controller in responding to requests "
    "of data subjects, notifies the controller of a personal data breach without undue delay, deletes or returns "
    "all personal data at the end of the provision of services, and makes available all information necessary "
    "to demonstrate compliance, allowing for and contributing to audits, including inspections."
)
APPROVED = """\
version: 1
adequacy: [CH, GB]
entities:
  - name: Hetzner
    aliases: [Hetzner Online GmbH]
    places: [DE, FI]
  - name: Amazon Web Services
    places: [EEA]
    notes: EU regions only
  - name: Kestrel Mailworks
    places: [EEA, GB, US]
"""


def _portfolio(folder: Path) -> None:
    """Three contracts whose sub-processors are known: a text with a pipe table, a PDF with a table,
    a DOCX with a table (Hetzner in Germany, Kestrel Mailworks in Ireland)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    folder.mkdir()
    (folder / "acme-dpa.txt").write_text(
        "Data Processing Agreement between Customer and Acme Analytics Ltd.\n\n" + DPA_BODY + "\n\n"
        "Annex 3 - Sub-processors\n\n| Sub-processor | Service | Location | Transfer mechanism |\n|---|---|---|---|\n"
        "| Hetzner Online GmbH | Hosting | Finland | - |\n"
        "| Kestrel Mailworks Ltd. | Transactional email | United States | SCCs |\n"
        "| Quillsign, Inc. | Electronic signatures | United States | - |\n",
        encoding="utf-8",
    )
    styles = getSampleStyleSheet()
    story = [
        Paragraph("Data Processing Agreement between Customer and Zentrix Ltd.", styles["Normal"]),
        Paragraph(DPA_BODY, styles["Normal"]),
        Paragraph("Annex 3 - Sub-processors", styles["Normal"]),
        Table([["Sub-processor", "Service", "Location"], ["Amazon Web Services EMEA SARL", "Hosting", "United States"]]),
    ]
    SimpleDocTemplate(str(folder / "zentrix-dpa.pdf"), pagesize=A4).build(story)
    _docx(folder / "beispielwerk-avv.docx")


def test_portfolio_against_the_approved_list(tmp_path):
    from gdprcheck.cli import main

    _portfolio(tmp_path / "contracts")
    approved = tmp_path / "approved.yaml"
    approved.write_text(APPROVED, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(tmp_path / "contracts"), "-o", str(out), "--approved", str(approved), "-j", "1", "-q"]) == 0
    with (out / SUBPROCESSORS_CSV_NAME).open(encoding="utf-8") as handle:
        rows = {(row["document"], row["name"]): (row["country"], row["mechanism"], row["findings"]) for row in csv.DictReader(handle)}
    assert rows == {
        ("acme-dpa.txt", "Hetzner Online GmbH"): ("FI", "", ""),
        ("acme-dpa.txt", "Kestrel Mailworks Ltd."): ("US", "SCCs", ""),
        ("acme-dpa.txt", "Quillsign, Inc."): (
            "US",
            "",
            "not on the approved list; outside the EU/EEA without a stated transfer mechanism: US",
        ),
        ("beispielwerk-avv.docx", "Hetzner Online GmbH"): ("DE", "", ""),
        ("beispielwerk-avv.docx", "Kestrel Mailworks Ltd."): ("IE", "", ""),
        ("zentrix-dpa.pdf", "Amazon Web Services EMEA SARL"): (
            "US",
            "",
            "place not approved for it: US (approved: EEA); outside the EU/EEA without a stated transfer mechanism: US",
        ),
    }
    # the workbook's Sub-processors sheet holds the same rows, and the portfolio counts the vendors per entity
    from openpyxl import load_workbook

    from gdprcheck.report import WORKBOOK_NAME, layout

    book = load_workbook(out / WORKBOOK_NAME, read_only=True)
    sheet = [list(row) for row in book[layout.SUBPROCESSORS].iter_rows(values_only=True)]
    assert sheet[0] == layout.SUBPROCESSOR_COLUMNS
    assert {(row[0], row[1]): (row[3], row[5] or "", row[6] or "") for row in sheet[1:]} == rows
    portfolio = [list(row) for row in book[layout.PORTFOLIO].iter_rows(values_only=True)]
    assert portfolio[0] == layout.PORTFOLIO_COLUMNS
    assert portfolio[1:3] == [
        ["Hetzner", 2, "DE;FI", "acme-dpa.txt; beispielwerk-avv.docx", 0],
        ["Kestrel Mailworks Ltd.", 2, "IE;US", "acme-dpa.txt; beispielwerk-avv.docx", 0],
    ]
    assert {row[0]: row[4] for row in portfolio[3:]} == {"Amazon Web Services": 1, "Quillsign, Inc.": 1}


def test_shipped_approved_list_is_valid_and_found_by_default():
    from gdprcheck.subprocessors import load_approved

    approved = load_approved()
    assert approved.source.endswith("approved-subprocessors.yaml") and approved.entities


@pytest.mark.parametrize(
    "text, expected",
    [
        ("version: 1\nentities:\n  - name: Hetzner\n    places: [DE, Germany]\n", "line 4"),
        ("version: 1\nentities:\n  - name: Hetzner\n    place: [DE]\n", "line 4"),
        ("version: 1\nentities:\n  - name: Hetzner\n  - name: Hetzner\n", "listed twice"),
    ],
)
def test_approved_list_errors_name_file_and_line(tmp_path, text, expected):
    from gdprcheck.checklist import ChecklistError
    from gdprcheck.cli import main
    from gdprcheck.subprocessors import load_approved

    path = tmp_path / "approved.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as error:
        load_approved(path)
    assert str(path) in str(error.value) and expected in str(error.value)
    contract = tmp_path / "dpa.txt"
    contract.write_text("Data Processing Agreement\n\n" + DPA_BODY, encoding="utf-8")
    assert main(["audit", str(contract), "-o", str(tmp_path / "out"), "--approved", str(path), "-q"]) == 2
    assert not (tmp_path / "out").exists()
