"""The same contract gives the same findings whether it arrives as text, as a PDF (with running
headers, page numbers, two columns, small print) or as a Word file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.conftest import SEEDS

SEED_NAMES = sorted(p.stem for p in SEEDS.glob("*.txt"))


def _lines(text: str, width: int) -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(paragraph, width, break_on_hyphens=False) or [""]
    return lines


def write_pdf(text: str, path: Path, columns: int = 1, size: float = 9) -> Path:
    """A contract laid out like an export from a word processor: header and 'Page n / m' footer on
    every page, text in one or two columns."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    column_width = (width - 100) / columns
    lines = _lines(text, int(column_width / (size * 0.5)))
    per_column = int((height - 130) / (size * 1.3))
    pages = -(-len(lines) // (per_column * columns))
    for page in range(pages):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(50, height - 40, "Conditions générales — document contractuel")
        pdf.drawString(width / 2 - 20, 30, f"Page {page + 1} / {pages}")
        pdf.setFont("Helvetica", size)
        for column in range(columns):
            start = (page * columns + column) * per_column
            y = height - 70
            for line in lines[start : start + per_column]:
                pdf.drawString(50 + column * column_width, y, line)
                y -= size * 1.3
        pdf.showPage()
    pdf.save()
    return path


def write_docx(text: str, path: Path) -> Path:
    document = docx.Document()
    for paragraph in text.split("\n"):
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def _findings(auditor, path: Path) -> dict[str, tuple[str, str]]:
    return {r.item: (r.status.value, r.value) for r in auditor.audit_file(path).results}


@pytest.mark.parametrize("name", SEED_NAMES)
def test_pdf_and_docx_give_the_findings_of_the_text(auditor, tmp_path, name):
    text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    expected = _findings(auditor, SEEDS / f"{name}.txt")
    variants = {
        "pdf": write_pdf(text, tmp_path / f"{name}.pdf"),
        "pdf, two columns, small print": write_pdf(text, tmp_path / f"{name}-2col.pdf", columns=2, size=7),
        "docx": write_docx(text, tmp_path / f"{name}.docx"),
    }
    for kind, path in variants.items():
        got = _findings(auditor, path)
        differences = {item: (expected[item], got[item]) for item in expected if expected[item] != got[item]}
        assert not differences, f"{kind}: {differences}"


def test_running_headers_and_page_numbers_do_not_reach_the_text(tmp_path):
    from gdprcheck.read import read_document

    text = (SEEDS / "000_cf920cd19cec65ae.txt").read_text(encoding="utf-8")
    document = read_document(write_pdf(text, tmp_path / "contract.pdf"))
    assert "document contractuel" not in document.text
    assert "Page 2 /" not in document.text
    assert any("removed" in note for note in document.notes)
