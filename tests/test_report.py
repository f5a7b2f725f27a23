"""The audit as a DPO runs it: the command on a folder, the workbook and results.csv read back."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gdprcheck.cli import main
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    assert main(["audit", str(SEEDS), "--out", str(out), "--quiet"]) == 0
    return out


def _rows(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _contracts(book) -> list[list]:
    """The Overview's contract rows: from row 2 to the first row without a contract."""
    rows = []
    for row in _rows(book["Overview"])[1:]:
        if not row[0]:
            break
        rows.append(row)
    return rows


def _findings(book, document: str) -> list[dict]:
    """A contract sheet's finding rows, by header (the table starts on row 5)."""
    sheet = next(s for s in book.worksheets if s["A1"].value == "File" and s["B1"].value == document)
    rows = _rows(sheet)
    return [dict(zip(rows[4], row, strict=False)) for row in rows[5:] if row[0]]


def test_workbook_sheets_and_overview(seed_report, checklist):
    book = load_workbook(seed_report / "gdprcheck-report.xlsx")
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    fixed = ["Sub-processors", "Sub-processor portfolio", "Carried-over reviews", "Errors", "Run info"]
    assert book.sheetnames == ["Overview", *(n.removesuffix(".txt") for n in names), *fixed]
    header = _rows(book["Overview"])[0]
    assert header[:8] == ["Contract", "Language", "Score", "Met", "Partial", "Missing", "Red flags", "Reviewed"]
    assert header[9:] == [item.id for item in checklist.checklist_items]
    contracts = _contracts(book)
    assert [row[0] for row in contracts] == names
    for row in contracts:
        statuses = row[9:]
        assert set(statuses) <= {"met", "partial", "missing"}
        assert row[3:6] == [statuses.count("met"), statuses.count("partial"), statuses.count("missing")]
        assert 0 <= row[2] <= 1
    assert book["Overview"].freeze_panes == "B2"


def test_findings_cite_quote_and_clause(seed_report):
    book = load_workbook(seed_report / "gdprcheck-report.xlsx")
    findings = _findings(book, "002_3148ba8c1081bd17.txt")
    breach = next(r for r in findings if r["Item ID"] == "breach.notification")
    assert breach["Status"] == "met" and breach["Value"] == "24 hours"
    assert "vingt-quatre heures" in breach["Evidence"]
    assert breach["Clause"] == "2. Traitement des données à caractère personnel › ARTICLE 8"
    assert breach["Rationale"] and breach["GDPR"]
    gaps = [r for r in findings if r["Status"] in ("partial", "missing")]
    assert gaps and all(r["Recommended wording / action"] for r in gaps), "every gap carries a recommendation"


def test_results_csv_has_a_row_per_document_item_and_per_red_flag(seed_report, checklist, seed_batch):
    with open(seed_report / "results.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:6] == ["document", "item", "status", "value", "evidence", "clause"]
    items = [r for r in rows if not r["item"].startswith("redflag.")]
    assert len(items) == 3 * len(checklist.checklist_items)
    flags = [r for r in rows if r["item"].startswith("redflag.")]
    assert flags and all(r["status"] == "flagged" and r["evidence"] for r in flags)
    raised = sum(1 for a in seed_batch.audits for r in a.red_flags if r.status.value == "flagged")
    assert len(flags) == raised


def test_bad_files_get_an_error_row_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "contracts"
    folder.mkdir()
    shutil.copy(SEEDS / "003_af13cc07b1670a4f.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "out"
    assert main(["audit", str(folder), "--out", str(out), "--quiet"]) == 1  # some files failed, report written
    book = load_workbook(out / "gdprcheck-report.xlsx")
    errors = {row[0]: row[1] for row in _rows(book["Errors"])[1:]}
    assert errors["empty.txt"] == "file is empty"
    assert "binary" in errors["binary.txt"]
    assert "PDF" in errors["broken.pdf"]
    assert errors["scan.png"].startswith("skipped")
    assert [r[0] for r in _contracts(book)] == ["003_af13cc07b1670a4f.txt"]


def test_exit_codes(tmp_path, capsys):
    clean = tmp_path / "clean"
    clean.mkdir()
    shutil.copy(SEEDS / "003_af13cc07b1670a4f.txt", clean)
    (clean / "notes.xlsx").write_bytes(b"PK")  # skipped as not a contract: a note, not a failure
    assert main(["audit", str(clean), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert main(["audit", str(clean), "--out", str(tmp_path / "o"), "--quiet", "--max-file-mb", "-1"]) == 2
    assert "invalid limit" in capsys.readouterr().err
    assert main(["audit", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere: no such folder" in capsys.readouterr().err
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    (only_bad / "empty.txt").write_bytes(b"")
    assert main(["audit", str(only_bad), "--out", str(tmp_path / "o")]) == 1
    assert "empty.txt: file is empty" in capsys.readouterr().err
    assert main(["audit", str(SEEDS), "--checklist", str(tmp_path / "none.yaml"), "--out", str(tmp_path / "o")]) == 2


@pytest.mark.parametrize(
    "quote", ['=HYPERLINK("http://example.invalid","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "=1+1\x01\x02"]
)
def test_contract_text_never_becomes_a_formula(tmp_path, seed_batch, checklist, quote):
    from gdprcheck.report import write_reports

    batch = seed_batch.model_copy(deep=True)
    result = batch.audits[0].results[0]
    result.evidence = result.evidence.model_copy(update={"quote": quote})
    write_reports(batch, checklist, tmp_path)
    sheet = load_workbook(tmp_path / "gdprcheck-report.xlsx").worksheets[1]
    assert sheet["A6"].value == result.item and sheet["E5"].value == "Evidence"
    cell = sheet["E6"]
    assert cell.data_type == "s"
    assert cell.value == quote.replace("\x01", "").replace("\x02", "")


def test_a_rerun_keeps_the_previous_workbook_as_a_backup(tmp_path):
    out = tmp_path / "out"
    folder = tmp_path / "contracts"
    folder.mkdir()
    shutil.copy(SEEDS / "003_af13cc07b1670a4f.txt", folder)
    assert main(["audit", str(folder), "--out", str(out), "--quiet"]) == 0
    book = load_workbook(out / "gdprcheck-report.xlsx")
    assert book.worksheets[1]["K5"].value == "Reviewer comment"
    book.worksheets[1]["K6"] = "reviewed: agree"
    book.save(out / "gdprcheck-report.xlsx")
    assert main(["audit", str(folder), "--out", str(out), "--quiet"]) == 0
    backups = list(out.glob("gdprcheck-report.*.bak.xlsx"))
    assert len(backups) == 1
    assert load_workbook(backups[0]).worksheets[1]["K6"].value == "reviewed: agree"
    assert load_workbook(out / "gdprcheck-report.xlsx").worksheets[1]["K6"].value == "reviewed: agree", "carried over"
