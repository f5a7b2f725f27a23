"""Reading contract files: every test writes a real file (PDF drawn with reportlab, Word file built with
python-docx, text in several encodings) into tmp_path and reads it back through read_document.
No reader is mocked: what PDFium, python-docx and charset_normalizer really return is what is checked."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import random
import textwrap
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from gdprcheck.normalise import normalise
from gdprcheck.read import SUPPORTED_SUFFIXES, ReadError, ReadLimits, read_document
from gdprcheck.segment import segment
from tests.conftest import seed_excerpt

FRENCH = "données à caractère personnel, sous-traitant, délai"


# the data-protection article of the first seed: headings, numbered sub-clauses, list items
ARTICLE_16 = seed_excerpt("000_cf920cd19cec65ae.txt", "ARTICLE 16", 3500)
# the start of the data-processing part of the second seed (ARTICLE numbering restarts there)
PART_2 = seed_excerpt("002_3148ba8c1081bd17.txt", "2. Traitement des données", 2500)


def write_pdf(path: Path, pages: list[str], width: int = 95) -> Path:
    """One PDF page per string; long lines are wrapped the way a word processor would."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in pages:
        text = pdf.beginText(40, 800)
        text.setFont("Helvetica", 9)
        for paragraph in page.split("\n"):
            for line in textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""]:
                text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return path


def read_error(path: Path) -> str:
    """The message of the ReadError raised for path; any other outcome fails the test."""
    with pytest.raises(ReadError) as caught:
        read_document(path)
    return assert_plain_message(caught.value)


def assert_plain_message(error: ReadError) -> str:
    message = str(error)
    assert message.strip(), "empty error message"
    assert "\n" not in message and "\r" not in message, f"message spans several lines: {message!r}"
    assert len(message) < 200, message
    assert "Traceback" not in message
    return message


# --- PDF -------------------------------------------------------------------------------------------------------


def test_pdf_text_layer_is_read_word_for_word(tmp_path):
    path = write_pdf(tmp_path / "contrat.pdf", [ARTICLE_16])
    document = read_document(path)
    assert document.file_format == "pdf"
    assert document.notes == ["1 page(s)"]
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.source == path
    # the same words in the same order: accents, typographic apostrophes and « » survive PDFium
    assert document.text.split() == ARTICLE_16.split()


def test_pdf_line_end_hyphen_comes_back_as_a_hyphen(tmp_path):
    # PDFium reports a hyphen that ends a line as U+FFFE and drops the break after it; the reader restores both,
    # so normalisation can keep "sous-traitant" whole and rejoin "information".
    page = (
        "Le Prestataire fournit toute informa-\n"
        "tion utile au Client et agit en qualité de sous-\n"
        "traitant pour le compte du Client, qui reste seul responsable du traitement des données."
    )
    pdf = canvas.Canvas(str(tmp_path / "coupures.pdf"), pagesize=A4)
    text = pdf.beginText(40, 800)
    for line in page.split("\n"):
        text.textLine(line)
    pdf.drawText(text)
    pdf.save()
    document = read_document(tmp_path / "coupures.pdf")
    assert "\ufffe" not in document.text
    assert "informa-\ntion" in document.text
    assert "sous-\ntraitant" in document.text
    normalised = normalise(document.text).text
    assert "toute information utile" in normalised
    assert "en qualité de sous-traitant pour le compte" in normalised


def test_pdf_with_several_pages_keeps_page_order_and_joins_a_word_split_across_pages(tmp_path):
    pages = [
        "ARTICLE 1 – OBJET\nPremière page : le Prestataire traite les données pour le compte du Client et toute informa-",
        "tion transmise reste confidentielle. Deuxième page : le Client donne ses instructions par écrit au Prestataire.",
        "ARTICLE 2 – DURÉE\nTroisième page : la convention prend fin à la date convenue entre les parties.",
    ]
    path = write_pdf(tmp_path / "pages.pdf", pages)
    document = read_document(path)
    assert document.notes == ["3 page(s)"]
    positions = [document.text.index(marker) for marker in ("Première page", "Deuxième page", "Troisième page")]
    assert positions == sorted(positions)
    # pages are joined by a line break, so that a sentence running over the break is rejoined
    assert "\n" in document.text[positions[0] : positions[1]]
    normalised = normalise(document.text).text
    assert "toute information transmise reste confidentielle" in normalised
    assert [c.ref for c in segment(normalised)] == ["ARTICLE 1 – OBJET", "ARTICLE 2 – DURÉE"]


def test_pdf_of_a_seed_over_several_pages_keeps_every_word(tmp_path):
    text = seed_excerpt("002_3148ba8c1081bd17.txt", "2. Traitement des données", 9000)
    paragraphs = text.split("\n")
    pages = ["\n".join(paragraphs[i : i + 12]) for i in range(0, len(paragraphs), 12)]
    document = read_document(write_pdf(tmp_path / "easi.pdf", pages))
    assert document.notes == [f"{len(pages)} page(s)"]
    assert len(pages) >= 3
    assert document.text.split() == text.split()


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    from PIL import Image, ImageDraw

    scan = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(scan).text((40, 40), "ARTICLE 16 - PROTECTION DES DONNEES", fill=0)  # pixels, not text
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        pdf.drawImage(ImageReader(scan), 40, 40, 500, 750)
        pdf.rect(60, 60, 100, 100, fill=1)
        pdf.showPage()
    pdf.save()
    message = read_error(path)
    assert "OCR" in message
    assert "scanned" in message
    assert "2 page(s)" in message


def test_password_protected_pdf_is_named_as_such(tmp_path):
    from reportlab.lib import pdfencrypt

    path = tmp_path / "protege.pdf"
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    pdf.drawString(40, 800, "Le sous-traitant notifie au responsable du traitement toute violation de données.")
    pdf.save()
    assert "password" in read_error(path)


def test_pdf_of_random_bytes_is_corrupt(tmp_path):
    path = tmp_path / "hasard.pdf"
    path.write_bytes(b"%PDF-1.7\n" + random.Random(7).randbytes(6000))
    message = read_error(path)
    assert "corrupt" in message and "PDF" in message


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_pdf_is_corrupt(tmp_path, keep):
    whole = write_pdf(tmp_path / "entier.pdf", [ARTICLE_16, PART_2]).read_bytes()
    path = tmp_path / "tronque.pdf"
    path.write_bytes(whole[: int(len(whole) * keep)])
    message = read_error(path)
    assert "corrupt" in message and "PDF" in message


# --- DOCX ------------------------------------------------------------------------------------------------------


def tracked(kind: str, text: str, change_id: int):
    """A w:ins or w:del element holding one run, as Word writes a tracked insertion or deletion."""
    change = OxmlElement(f"w:{kind}")
    change.set(qn("w:id"), str(change_id))
    change.set(qn("w:author"), "Juriste")
    change.set(qn("w:date"), "2024-03-01T10:00:00Z")
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:delText" if kind == "del" else "w:t")
    text_element.text = text
    text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(text_element)
    change.append(run)
    return change


def build_docx(path: Path, tracked_changes: bool = True) -> Path:
    document = docx.Document()
    document.add_heading("ARTICLE 16 – PROTECTION DES DONNÉES", level=1)
    document.add_paragraph(
        "Le Prestataire agit en qualité de sous-traitant et ne traite les données à caractère personnel "
        "que sur instruction documentée du Client."
    )
    table = document.add_table(rows=3, cols=2)
    for row, (left, right) in enumerate(
        [("Catégorie de données", "Durée de conservation"), ("Données de facturation", "sept ans"), ("Journaux", "un an")]
    ):
        table.cell(row, 0).text = left
        table.cell(row, 1).text = right
    paragraph = document.add_paragraph("16.7 Violation de données : le Prestataire notifie toute violation dans un délai de ")
    if tracked_changes:
        paragraph._p.append(tracked("del", "soixante-douze heures", 1))
        paragraph._p.append(tracked("ins", "vingt-quatre heures", 2))
    else:
        paragraph.add_run("vingt-quatre heures")
    paragraph.add_run(" après en avoir pris connaissance.")
    document.add_paragraph("Les sous-traitants ultérieurs sont soumis aux mêmes obligations.")
    document.save(str(path))
    return path


def test_docx_paragraphs_table_and_tracked_changes(tmp_path):
    document = read_document(build_docx(tmp_path / "contrat.docx"))
    assert document.file_format == "docx"
    lines = document.text.split("\n")
    assert lines[0] == "ARTICLE 16 – PROTECTION DES DONNÉES"
    # table rows are read in place, one line per row, cells in order
    assert lines[2:5] == ["Catégorie de données | Durée de conservation", "Données de facturation | sept ans", "Journaux | un an"]
    # the insertion is kept, the deletion dropped: the text as if every change had been accepted
    assert lines[5] == (
        "16.7 Violation de données : le Prestataire notifie toute violation dans un délai de "
        "vingt-quatre heures après en avoir pris connaissance."
    )
    assert "soixante-douze" not in document.text
    assert document.notes == ["tracked changes present: audited the text with all changes accepted"]


def test_docx_without_tracked_changes_has_no_note(tmp_path):
    document = read_document(build_docx(tmp_path / "propre.docx", tracked_changes=False))
    assert document.notes == []
    assert "vingt-quatre heures après" in document.text


def test_docx_tabs_and_line_breaks_separate_words(tmp_path):
    # Word numbers headings as "16.7<tab>Title" and authors use shift+enter: both are elements, not text
    path = tmp_path / "tabulations.docx"
    document = docx.Document()
    document.add_paragraph("ARTICLE 16\tPROTECTION DES DONNÉES")
    document.add_paragraph("Dans le cadre de la Convention, le Prestataire agit en qualité de sous-traitant du Client.")
    document.add_paragraph("16.7\tViolation de données")
    paragraph = document.add_paragraph("Le Prestataire notifie toute violation au Client.")
    paragraph.add_run().add_break()
    paragraph.add_run("Cette notification est faite par écrit dans les vingt-quatre heures.")
    document.save(str(path))
    text = read_document(path).text
    assert "16.7\tViolation de données" in text
    assert "au Client.\nCette notification" in text
    refs = [clause.ref for clause in segment(normalise(text).text)]
    assert refs == ["ARTICLE 16 PROTECTION DES DONNÉES", "ARTICLE 16 PROTECTION DES DONNÉES › 16.7"]


def test_docx_content_controls_and_nested_tables_are_read_once(tmp_path):
    path = tmp_path / "modele.docx"
    document = docx.Document()
    document.add_paragraph("ARTICLE 5 – SOUS-TRAITANCE ULTÉRIEURE")
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Sous-traitants autorisés"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Hébergeur situé en Belgique"
    # a content control (w:sdt) around a whole paragraph, as document templates have
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    inside = document.add_paragraph("Le Prestataire informe le Client de tout changement de sous-traitant ultérieur.")
    content.append(inside._p)  # moves the paragraph into the control
    sdt.append(content)
    document.element.body.insert(len(document.element.body) - 1, sdt)  # before w:sectPr
    document.add_paragraph("Le Client peut émettre des objections à ce changement dans un délai de trente jours.")
    document.save(str(path))
    text = read_document(path).text
    assert text.count("Hébergeur situé en Belgique") == 1
    lines = text.split("\n")
    assert lines == [
        "ARTICLE 5 – SOUS-TRAITANCE ULTÉRIEURE",
        "Sous-traitants autorisés | Hébergeur situé en Belgique",
        "Le Prestataire informe le Client de tout changement de sous-traitant ultérieur.",
        "Le Client peut émettre des objections à ce changement dans un délai de trente jours.",
    ]


def test_docx_moved_text_is_read_at_its_new_place_only(tmp_path):
    path = tmp_path / "deplacement.docx"
    document = docx.Document()
    first = document.add_paragraph("Le Prestataire agit en qualité de sous-traitant et traite les données du Client. ")
    moved_from = OxmlElement("w:moveFrom")
    moved_from.set(qn("w:id"), "3")
    moved_from.set(qn("w:author"), "Juriste")
    run = OxmlElement("w:r")
    run_text = OxmlElement("w:t")
    run_text.text = "Il tient un registre des activités de traitement."
    run.append(run_text)
    moved_from.append(run)
    first._p.append(moved_from)
    second = document.add_paragraph("Il garantit la confidentialité des données traitées pour le compte du Client. ")
    moved_to = tracked("ins", "Il tient un registre des activités de traitement.", 4)
    moved_to.tag = qn("w:moveTo")
    second._p.append(moved_to)
    document.save(str(path))
    read = read_document(path)
    assert read.text.count("Il tient un registre") == 1
    assert read.text.split("\n")[1].endswith("Il tient un registre des activités de traitement.")
    assert read.notes == ["tracked changes present: audited the text with all changes accepted"]


def test_docx_of_random_bytes_is_corrupt(tmp_path):
    path = tmp_path / "hasard.docx"
    path.write_bytes(random.Random(11).randbytes(5000))
    message = read_error(path)
    assert "corrupt" in message and ".docx" in message


def test_truncated_docx_is_corrupt(tmp_path):
    whole = build_docx(tmp_path / "entier.docx").read_bytes()
    path = tmp_path / "tronque.docx"
    path.write_bytes(whole[: len(whole) // 2])
    assert "corrupt" in read_error(path)


def test_zip_that_is_not_a_word_file(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("contrat.txt", "Le sous-traitant traite les données à caractère personnel.")
    assert "not a Word .docx file" in read_error(path)


def test_docx_with_damaged_document_xml_is_corrupt(tmp_path):
    source = build_docx(tmp_path / "source.docx")
    path = tmp_path / "abime.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as damaged:
        for info in original.infolist():
            data = original.read(info.filename)
            damaged.writestr(info.filename, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    assert "corrupt Word file" in read_error(path)


def test_docx_zip_bomb_is_refused_before_expanding(tmp_path):
    path = tmp_path / "bombe.docx"
    started = time.monotonic()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            block = b"\0" * (1 << 20)
            for _ in range(250):
                entry.write(block)
    if time.monotonic() - started > 10:
        pytest.skip("building a 250 MB zip entry is too slow on this machine")
    assert path.stat().st_size < 5 * 1024 * 1024  # small on disk, 250 MB declared
    started = time.monotonic()
    message = read_error(path)
    assert "zip bomb" in message and "200 MB" in message
    assert time.monotonic() - started < 2  # refused from the declared sizes, nothing expanded


# --- plain text ------------------------------------------------------------------------------------------------

CONTRACT_TEXT = (
    "ARTICLE 8 – Violation de données\n"
    f"Le Prestataire traite les {FRENCH} de notification sans dépasser le délai convenu.\n"
    "« Le Prestataire » s’engage à notifier toute violation – au plus tard 48 heures après sa découverte – "
    "et à supporter les frais, à concurrence de 1 000 €.\n"
)
LATIN_TEXT = (  # no typographic quotes or euro sign: also valid Latin-1
    "ARTICLE 8 - Violation de données\n"
    f"Le Prestataire traite les {FRENCH} de notification ; il ne peut recruter un autre "
    "sous-traitant sans l'accord écrit préalable du responsable du traitement, et notifie toute violation.\n"
)


@pytest.mark.parametrize(
    "encoded, expected_notes",
    [
        (CONTRACT_TEXT.encode("utf-8"), []),
        (codecs.BOM_UTF8 + CONTRACT_TEXT.encode("utf-8"), []),
        (CONTRACT_TEXT.encode("utf-16"), ["decoded as UTF-16"]),  # with its byte-order mark
        (codecs.BOM_UTF16_LE + CONTRACT_TEXT.encode("utf-16-le"), ["decoded as UTF-16"]),
        (codecs.BOM_UTF16_BE + CONTRACT_TEXT.encode("utf-16-be"), ["decoded as UTF-16"]),
        (CONTRACT_TEXT.encode("utf-16-le"), ["decoded as UTF-16 (no byte-order mark)"]),
        (CONTRACT_TEXT.encode("cp1252"), ["not UTF-8: decoded as cp1252"]),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "cp1252"],
)
def test_text_encodings_come_back_exactly(tmp_path, encoded, expected_notes):
    path = tmp_path / "contrat.txt"
    path.write_bytes(encoded)
    document = read_document(path)
    assert document.text == CONTRACT_TEXT  # no BOM left, no mojibake
    assert FRENCH in document.text
    assert document.notes == expected_notes
    assert document.file_format == "txt"
    assert document.sha256 == hashlib.sha256(encoded).hexdigest()


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_western_single_byte_text_without_typographic_marks(tmp_path, encoding):
    path = tmp_path / "ancien.txt"
    path.write_bytes(LATIN_TEXT.encode(encoding))
    document = read_document(path)
    assert document.text == LATIN_TEXT
    assert document.notes and document.notes[0].startswith("not UTF-8: decoded as")


def test_windows_1252_seed_excerpt_is_not_read_as_central_european(tmp_path):
    # a longer real text with ’ « » – (bytes 0x92 0xAB 0xBB 0x96): charset_normalizer ties cp1250 with cp1252
    text = seed_excerpt("003_af13cc07b1670a4f.txt", "« DEUSE »", 1500)
    text = text.encode("cp1252", errors="ignore").decode("cp1252")  # drop the rare characters cp1252 lacks
    path = tmp_path / "deuse.txt"
    path.write_bytes(text.encode("cp1252"))
    document = read_document(path)
    assert document.text == text
    assert "ŕ" not in document.text and "č" not in document.text


def test_markdown_is_read_as_text(tmp_path):
    path = tmp_path / "dpa.md"
    path.write_text("## 5. Sous-traitance\n\n" + LATIN_TEXT, encoding="utf-8")
    document = read_document(path)
    assert document.file_format == "md"
    assert document.text.startswith("## 5. Sous-traitance\n")


def test_suffix_case_does_not_matter(tmp_path):
    path = tmp_path / "CONTRAT.TXT"
    path.write_text(LATIN_TEXT, encoding="utf-8")
    assert read_document(path).file_format == "txt"


# --- errors ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["vide.txt", "vide.pdf", "vide.docx", "vide.md"])
def test_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert read_error(path) == "file is empty"


def test_file_of_whitespace_only_is_empty(tmp_path):
    path = tmp_path / "blancs.txt"
    path.write_bytes(b"  \n\n\t \r\n")
    assert read_error(path) == "file is empty"


@pytest.mark.parametrize(
    "payload",
    [
        b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(4000),  # an image renamed .txt
        bytes(range(256)) * 16,  # every byte value
        bytes(range(32)) * 40 + b" Article 1 contrat " * 30,  # control bytes that are valid UTF-8
    ],
    ids=["png", "all-bytes", "ascii-controls"],
)
def test_binary_content_renamed_txt(tmp_path, payload):
    path = tmp_path / "donnees.txt"
    path.write_bytes(payload)
    message = read_error(path)
    assert "binary" in message and "renamed" in message


def test_too_few_words_is_no_contract(tmp_path):
    path = tmp_path / "court.txt"
    path.write_text("Article 1 : Objet du contrat", encoding="utf-8")
    assert read_error(path) == "no contract text found (6 words)"


def test_missing_file(tmp_path):
    message = read_error(tmp_path / "absent.pdf")
    assert "not found" in message


def test_folder_with_a_contract_suffix(tmp_path):
    folder = tmp_path / "dossier.docx"
    folder.mkdir()
    assert "folder" in read_error(folder)


@pytest.mark.parametrize("name", ["contrat.doc", "contrat.rtf", "contrat.odt", "contrat", "contrat.pdf.zip"])
def test_unsupported_suffix(tmp_path, name):
    path = tmp_path / name
    path.write_text(LATIN_TEXT, encoding="utf-8")
    message = read_error(path)
    assert message.startswith("unsupported file type")
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in message


def test_unsupported_suffix_is_refused_even_when_the_file_is_missing(tmp_path):
    # the cause the user can act on is the type; no attempt is made to open the file
    assert read_error(tmp_path / "absent.xlsx").startswith("unsupported file type '.xlsx'")


def test_pdf_renamed_docx_and_docx_renamed_pdf(tmp_path):
    pdf_bytes = write_pdf(tmp_path / "vrai.pdf", [ARTICLE_16]).read_bytes()
    docx_bytes = build_docx(tmp_path / "vrai.docx").read_bytes()
    (tmp_path / "faux.docx").write_bytes(pdf_bytes)
    (tmp_path / "faux.pdf").write_bytes(docx_bytes)
    assert "not a Word .docx file" in read_error(tmp_path / "faux.docx")
    assert "corrupt or unreadable PDF" in read_error(tmp_path / "faux.pdf")


def test_unreadable_file_gives_permission_message(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "ferme.txt"
    path.write_text(LATIN_TEXT, encoding="utf-8")
    path.chmod(0)
    try:
        assert read_error(path) == "permission denied"
    finally:
        path.chmod(0o644)


def test_damaged_utf16_text(tmp_path):
    path = tmp_path / "abime.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "Le sous-traitant notifie".encode("utf-16-le") + b"\x00\xd8\x41")  # lone surrogate
    assert read_error(path) == "damaged UTF-16 text"


def test_reading_is_deterministic(tmp_path):
    path = write_pdf(tmp_path / "deux.pdf", [ARTICLE_16])
    first, second = read_document(path), read_document(path)
    assert first == second


def test_docx_package_built_in_memory_is_the_same_as_on_disk(tmp_path):
    # read_document hashes the bytes it read: the same package written twice has the same text
    path = build_docx(tmp_path / "a.docx")
    buffer = io.BytesIO(path.read_bytes())
    copy = tmp_path / "b.docx"
    copy.write_bytes(buffer.getvalue())
    assert read_document(path).text == read_document(copy).text
    assert read_document(path).sha256 == read_document(copy).sha256


# --- limits ----------------------------------------------------------------------------------------------------


def test_a_500_mb_file_is_refused_from_its_size_without_being_read(tmp_path):
    path = tmp_path / "enorme.pdf"
    with path.open("wb") as handle:
        handle.truncate(500 * 1024 * 1024)  # sparse: costs nothing on disk
    started = time.monotonic()
    message = read_error(path)
    assert time.monotonic() - started < 1
    assert message == "file is 500 MB, over the 50 MB size limit (--max-file-mb)"


def test_every_limit_can_be_changed(tmp_path):
    text = tmp_path / "contrat.txt"
    text.write_text(LATIN_TEXT, encoding="utf-8")
    assert read_document(text, ReadLimits(max_file_mb=1)).text == LATIN_TEXT
    with pytest.raises(ReadError, match=r"^file is 0\.0 MB, over the 0\.0001 MB size limit \(--max-file-mb\)$"):
        read_document(text, ReadLimits(max_file_mb=0.0001))

    pdf = write_pdf(tmp_path / "trois.pdf", [ARTICLE_16, PART_2, ARTICLE_16])
    assert read_document(pdf, ReadLimits(max_pdf_pages=3)).notes[0] == "3 page(s)"
    with pytest.raises(ReadError, match=r"^PDF has 3 pages, over the 2-page limit \(--max-pdf-pages\)$"):
        read_document(pdf, ReadLimits(max_pdf_pages=2))

    word = build_docx(tmp_path / "contrat.docx")
    with pytest.raises(ReadError, match=r"^DOCX expands to more than 0\.01 MB: refused \(zip bomb\?; --max-docx-expanded-mb\)$"):
        read_document(word, ReadLimits(max_docx_expanded_mb=0.01))


@pytest.mark.parametrize("maker", ["pdf", "docx"])
def test_time_budget_stops_reading(tmp_path, maker):
    path = write_pdf(tmp_path / "a.pdf", [ARTICLE_16]) if maker == "pdf" else build_docx(tmp_path / "a.docx")
    message = assert_plain_message(pytest.raises(ReadError, read_document, path, ReadLimits(max_seconds=1e-9)).value)
    assert message.startswith("reading took longer than the 1e-09 s limit (stopped at ")
    assert read_document(path, ReadLimits(max_seconds=None)).text


def test_limits_are_validated_and_documented():
    from pydantic import ValidationError

    defaults = ReadLimits()
    assert (defaults.max_file_mb, defaults.max_pdf_pages, defaults.max_docx_expanded_mb, defaults.max_seconds) == (
        50,
        1000,
        200,
        120,
    )
    for name in ("max_file_mb", "max_pdf_pages", "max_docx_expanded_mb", "max_seconds"):
        assert name in ReadLimits.__doc__
        with pytest.raises(ValidationError):
            ReadLimits(**{name: 0})


def test_auditor_reads_with_its_limits(auditor, tmp_path):
    from gdprcheck.audit import Auditor

    assert auditor.limits == ReadLimits()
    path = write_pdf(tmp_path / "deux.pdf", [ARTICLE_16, PART_2])
    strict = Auditor(auditor.checklist, limits=ReadLimits(max_pdf_pages=1))
    with pytest.raises(ReadError, match="over the 1-page limit"):
        strict.audit_file(path)
    batch = strict.audit_files([path])
    assert [(e.document, e.problem) for e in batch.errors] == [("deux.pdf", "PDF has 2 pages, over the 1-page limit (--max-pdf-pages)")]


# --- PDF pages turned by /Rotate -------------------------------------------------------------------------------


def test_pdf_page_turned_sideways_is_read_in_line_order(tmp_path):
    # a landscape page turned in a viewer and saved: /Rotate 90, the text runs sideways on screen. PDFium ordered
    # such lines by their position across the turned page and scrambled them.
    lines = textwrap.wrap(" ".join(ARTICLE_16.split()), 120)
    path = tmp_path / "tourne.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(842, 595))
    pdf.setPageRotation(90)
    text = pdf.beginText(40, 560)
    text.setFont("Helvetica", 8)
    for line in lines[:45]:
        text.textLine(line)
    pdf.drawText(text)
    pdf.save()
    assert read_document(path).text.split() == " ".join(lines[:45]).split()


def test_pdf_landscape_page_turned_upright_is_read_in_line_order(tmp_path):
    # the other way round: text drawn turned in a portrait media box, /Rotate 90 shows it upright
    lines = textwrap.wrap(" ".join(ARTICLE_16.split()), 120)
    path = tmp_path / "paysage.pdf"
    width, _ = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setPageRotation(90)
    pdf.translate(width, 0)
    pdf.rotate(90)
    text = pdf.beginText(40, width - 40)
    text.setFont("Helvetica", 8)
    for line in lines[:45]:
        text.textLine(line)
    pdf.drawText(text)
    pdf.save()
    assert read_document(path).text.split() == " ".join(lines[:45]).split()


# --- DOCX numbering, headers and footers -----------------------------------------------------------------------


def _level(ilvl: int, fmt: str, text: str, suffix: str | None = None, style: str | None = None, legal: bool = False) -> str:
    extra = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:isLgl/>" if legal else "")
    extra += f'<w:suff w:val="{suffix}"/>' if suffix else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
    )


def _add_list(document, abstract_id: int, levels: list[str], num_ids: dict[int, dict[int, int]]) -> None:
    """An abstract list and its instances (numId -> start overrides by level), where Word puts them."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>'
        f"{''.join(levels)}</w:abstractNum>"
    )
    first = numbering.find(qn("w:num"))
    first.addprevious(abstract) if first is not None else numbering.append(abstract)
    for num_id, starts in num_ids.items():
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            for level, start in starts.items()
        )
        numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>')
        )


def _numbered(document, text: str, num_id: int, ilvl: int):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _style_numbering(document, style: str, num_id: int, ilvl: int | None = None) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    level = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    document.styles[style].element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}>{level}<w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_docx_numbers_drawn_by_word_are_in_the_text(tmp_path):
    document = docx.Document()
    # headings numbered through their styles, as Word's multilevel list "Article 1 / 1.1 / a) / (i) / bullet" does
    _add_list(
        document,
        50,
        [
            _level(0, "decimal", "ARTICLE %1 –", suffix="space", style="Heading1"),
            _level(1, "decimal", "%1.%2", style="Heading2"),
            _level(2, "lowerLetter", "%3)"),
            _level(3, "lowerRoman", "(%4)"),
            _level(4, "bullet", "\uf0b7"),  # the Symbol font's bullet, a private-use character
        ],
        {50: {}},
    )
    _style_numbering(document, "Heading 1", 50)  # no level: the one bound to the style
    _style_numbering(document, "Heading 2", 50, 1)
    document.add_paragraph("Objet", style="Heading 1")
    document.add_paragraph("Le présent accord régit le traitement des données à caractère personnel par le Prestataire.")
    document.add_paragraph("Définitions", style="Heading 2")
    _numbered(document, "le Client est le responsable du traitement ;", 50, 2)
    _numbered(document, "le Prestataire est le sous-traitant :", 50, 2)
    _numbered(document, "au sens du RGPD ;", 50, 3)
    _numbered(document, "au sens de la loi nationale.", 50, 3)
    _numbered(document, "une puce", 50, 4)
    document.add_paragraph("Protection des données", style="Heading 1")
    document.add_paragraph("Violation de données", style="Heading 2")
    _numbered(document, "le Prestataire notifie toute violation au Client.", 50, 2)  # a) again: restarted under 2.1
    # roman and letters, "legal" numbering (decimal at every level), and a second instance restarting at I
    _add_list(
        document,
        60,
        [_level(0, "upperRoman", "%1."), _level(1, "upperLetter", "%2."), _level(2, "decimal", "%1.%2.%3", legal=True)],
        {60: {}, 61: {0: 1}},
    )
    _numbered(document, "Annexes", 60, 0)
    _numbered(document, "Mesures techniques", 60, 1)
    _numbered(document, "chiffrement des données", 60, 2)
    _numbered(document, "Sous-traitants ultérieurs", 60, 0)
    _numbered(document, "Liste recommencée", 61, 0)
    # the styles of python-docx's own template, bound to its numbering definitions
    document.add_paragraph("premier point numéroté", style="List Number")
    document.add_paragraph("deuxième point numéroté", style="List Number")
    document.add_paragraph("point à puce", style="List Bullet")
    document.add_paragraph("Paragraphe sans numéro.")
    document.save(str(tmp_path / "numerote.docx"))

    text = read_document(tmp_path / "numerote.docx").text
    assert text.split("\n") == [
        "ARTICLE 1 – Objet",
        "Le présent accord régit le traitement des données à caractère personnel par le Prestataire.",
        "1.1\tDéfinitions",
        "a)\tle Client est le responsable du traitement ;",
        "b)\tle Prestataire est le sous-traitant :",
        "(i)\tau sens du RGPD ;",
        "(ii)\tau sens de la loi nationale.",
        "•\tune puce",
        "ARTICLE 2 – Protection des données",
        "2.1\tViolation de données",
        "a)\tle Prestataire notifie toute violation au Client.",
        "I.\tAnnexes",
        "A.\tMesures techniques",
        "1.1.1\tchiffrement des données",
        "II.\tSous-traitants ultérieurs",
        "I.\tListe recommencée",
        "1.\tpremier point numéroté",
        "2.\tdeuxième point numéroté",
        "•\tpoint à puce",
        "Paragraphe sans numéro.",
    ]
    refs = [clause.ref for clause in segment(normalise(text).text)]
    assert refs[:3] == ["ARTICLE 1 – Objet", "ARTICLE 1 – Objet › 1.1", "ARTICLE 2 – Protection des données › 2.1"]


@pytest.mark.parametrize(
    "number, fmt, shown",
    [(1, "lowerLetter", "a"), (27, "lowerLetter", "aa"), (28, "upperLetter", "BB"), (4, "lowerRoman", "iv"),
     (1994, "upperRoman", "MCMXCIV"), (7, "decimalZero", "07"), (3, "ordinalText", "3"), (5, "none", "")],
)  # fmt: skip
def test_word_number_formats(number, fmt, shown):
    from gdprcheck.read.wordnumbering import format_number

    assert format_number(number, fmt) == shown


def test_docx_headers_and_footers_are_left_out_and_said_so(tmp_path):
    path = tmp_path / "entete.docx"
    document = docx.Document(str(build_docx(path)))
    section = document.sections[0]
    section.header.paragraphs[0].text = "Convention de traitement — version 3 — confidentiel"
    section.footer.paragraphs[0].text = "Page"
    document.save(str(path))
    read = read_document(path)
    assert "confidentiel" not in read.text
    assert read.notes[-1] == "page headers and footers not audited (9 words)"  # "—" counts as a word
