"""One batch of every kind of file a DPO's folder holds, good and bad, through the command: every good file
gets its findings in the workbook, every bad file exactly one one-line row in the Errors sheet naming the
cause, and the rest of the batch completes. All files are generated here; nothing is mocked."""

from __future__ import annotations

import codecs
import random
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from gdprcheck.cli import main
from tests.conftest import seed_excerpt
from tests.test_formats import write_docx, write_pdf
from tests.test_read import build_docx

# Data-protection articles of the seeds: short enough to audit fast, rich enough to have findings.
DEUSE = seed_excerpt("003_af13cc07b1670a4f.txt", "Article 13", 5000)
CLOUDBIZZ = seed_excerpt("000_cf920cd19cec65ae.txt", "ARTICLE 16", 5000)
EASI = seed_excerpt("002_3148ba8c1081bd17.txt", "2. Traitement des données", 5000)


def _scan(path: Path) -> None:
    scan = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(scan).text((40, 40), "ARTICLE 16 - PROTECTION DES DONNEES", fill=0)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(scan), 40, 40, 500, 750)
    pdf.showPage()
    pdf.save()


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            block = b"\0" * (1 << 20)
            for _ in range(210):
                entry.write(block)


# file name -> the words its error must hold (one row each in the Errors sheet)
BAD = {
    "vide.txt": "file is empty",
    "image.txt": "binary content, not text",
    "abime.pdf": "corrupt or unreadable PDF",
    "tronque.pdf": "corrupt or unreadable PDF",
    "protege.pdf": "password-protected PDF",
    "scan.pdf": "no text layer in 1 page(s): scanned PDF, OCR needed",
    "bombe.docx": "zip bomb",
    "enorme.pdf": "file is 500 MB, over the 50 MB size limit (--max-file-mb)",
    "notes.txt": "no contract-like text",
    "tarifs.xlsx": "skipped: '.xlsx' is not a contract format",
}
GOOD = ["utf8.txt", "bom.txt", "utf16.txt", "cp1252.txt", "contrat.pdf", "contrat.docx", "suivi.docx", "sous-dossier/annexe.md"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    # good: text in four encodings, a PDF with running header and footer, Word files with a table and tracked changes
    (folder / "utf8.txt").write_text(CLOUDBIZZ, encoding="utf-8")
    (folder / "bom.txt").write_bytes(codecs.BOM_UTF8 + EASI.encode("utf-8"))
    (folder / "utf16.txt").write_bytes(DEUSE.encode("utf-16"))
    cp1252 = DEUSE.encode("cp1252", errors="ignore")
    (folder / "cp1252.txt").write_bytes(cp1252)
    write_pdf(EASI, folder / "contrat.pdf")
    write_docx(CLOUDBIZZ, folder / "contrat.docx")
    build_docx(folder / "suivi.docx")  # a table and tracked changes
    (folder / "sous-dossier").mkdir()
    (folder / "sous-dossier" / "annexe.md").write_text("## Annexe\n\n" + DEUSE, encoding="utf-8")
    # bad
    (folder / "vide.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(5).randbytes(3000))
    (folder / "abime.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(6).randbytes(4000))
    whole = (folder / "contrat.pdf").read_bytes()
    (folder / "tronque.pdf").write_bytes(whole[: len(whole) // 2])
    locked = canvas.Canvas(str(folder / "protege.pdf"), encrypt=pdfencrypt.StandardEncryption("secret"))
    locked.drawString(40, 800, "Le sous-traitant notifie au responsable du traitement toute violation de données.")
    locked.save()
    _scan(folder / "scan.pdf")
    _zip_bomb(folder / "bombe.docx")
    with (folder / "enorme.pdf").open("wb") as handle:
        handle.truncate(500 * 1024 * 1024)  # sparse: no disk used, no time spent
    (folder / "notes.txt").write_text(
        "Minutes of the team meeting. Present: Anna, Bob and Carla. We discussed the summer outing, the coffee "
        "machine and the holiday rota for August. Bob books the venue and sends the menu by Friday. " * 4,
        encoding="utf-8",
    )
    (folder / "tarifs.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    # never read, never reported: hidden files and Word's lock files
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (folder / "~$contrat.docx").write_bytes(b"\x0bJuriste" + b"\0" * 150)
    return folder


@pytest.fixture(scope="module")
def report(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        # a results cache, where the command keeps one, starts empty here and stays out of the user's home
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        code = main(["audit", str(corpus), "--out", str(out), "--recursive", "--quiet"])
    return code, out, None


def _rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_every_good_file_has_its_findings(report, checklist):
    code, out, _ = report
    assert code == 1  # some files failed; the report is still written
    book = load_workbook(out / "gdprcheck-report.xlsx")
    overview = {row[0]: row for row in _rows(book["Overview"])[1:] if row[0]}
    items = [item.id for item in checklist.checklist_items]
    for name in GOOD:
        assert name in overview, f"{name} is not in the overview"
        sheet = next(s for s in book.worksheets if s["A1"].value == "File" and s["B1"].value == name)
        rows = _rows(sheet)
        findings = {row[0]: row for row in rows[5:] if row[0]}
        assert set(items) <= set(findings), name
        statuses = [findings[item][2] for item in items]
        assert "met" in statuses, f"{name}: nothing met, was the text read? {statuses}"
    assert set(overview) & set(BAD) == set()


def test_every_bad_file_has_one_clear_error(report):
    _, out, _ = report
    book = load_workbook(out / "gdprcheck-report.xlsx")
    errors = _rows(book["Errors"])
    assert errors[0] == ["Document", "Problem"]
    by_file: dict[str, list[str]] = {}
    for document, problem in errors[1:]:
        by_file.setdefault(document, []).append(problem)
    assert set(by_file) == set(BAD), "a good file failed, or a hidden or lock file was reported"
    for name, cause in BAD.items():
        (problem,) = by_file[name]  # exactly one row
        assert cause in problem, f"{name}: {problem!r}"
        assert "\n" not in problem and len(problem) < 200 and "Traceback" not in problem


def test_results_csv_holds_the_good_files_only(report):
    import csv

    _, out, _ = report
    with (out / "results.csv").open(encoding="utf-8") as handle:
        documents = {row["document"] for row in csv.DictReader(handle)}
    assert documents == set(GOOD)


def test_a_file_deleted_during_the_run(auditor, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(CLOUDBIZZ, encoding="utf-8")
    second.write_text(DEUSE, encoding="utf-8")
    batch = auditor.audit_files([first, second], on_done=lambda path: second.unlink() if path == first else None)
    assert [audit.document for audit in batch.audits] == ["a.txt"]
    assert [(e.document, e.problem) for e in batch.errors] == [("b.txt", "file not found (moved or deleted during the run?)")]


def test_an_output_folder_that_cannot_be_created(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "contrat.txt").write_text(CLOUDBIZZ, encoding="utf-8")
    blocker = tmp_path / "fichier"
    blocker.write_text("a file where the output folder's parent should be")
    out = blocker / "rapports"  # its parent is a regular file: no folder can be made there, not even by root
    code = main(["audit", str(tmp_path), "--out", str(out), "--quiet"])
    assert code == 2  # nothing written
    message = capsys.readouterr().err.strip().splitlines()
    assert len(message) == 1
    assert message[0].startswith(f"error: cannot write the report to {out}")
    assert not out.exists()
    assert blocker.read_text() == "a file where the output folder's parent should be"
