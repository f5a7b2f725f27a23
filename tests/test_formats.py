"""The same contract gives the same findings whether it arrives as text, as a PDF (with running
headers, page numbers, two columns, small print) or as a Word file, also one whose article and
clause numbers are drawn by Word's numbering rather than typed."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
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


_ARTICLE = re.compile(r"^(?P<label>ARTICLE|Article) (?P<num>\d+)(?P<rest>(?:er)?\s*(?:[-–:]\s*.*)?)$")
_SUBCLAUSE = re.compile(r"^(?P<major>\d+)\.(?P<num>\d+)(?P<rest>\.?\s.*|\.?)$")


def write_numbered_docx(text: str, path: Path) -> tuple[Path, int]:
    """A Word file in which "ARTICLE 5" and "5.2" are not typed but drawn by a two-level list ("ARTICLE %1",
    "%1.%2"), as when a lawyer numbers headings with Word's multilevel list: the number is in numbering.xml
    only, the paragraph holds what follows it. A line whose number does not follow from the one before keeps
    its typed number; an article list that starts again at 1 gets a new list instance restarting at 1.
    Returns the file and how many paragraphs Word numbers."""
    lines = text.split("\n")
    label = next((m["label"] for line in lines if (m := _ARTICLE.match(line))), "ARTICLE")
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/>'
        f'<w:lvlText w:val="{label} %1"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema wants every abstractNum before the first num
    else:
        numbering.append(abstract)
    instances = 0

    def new_instance(start: int) -> str:
        nonlocal instances
        instances += 1
        num_id = str(900 + instances)
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="90"/>'
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'
            )
        )
        return num_id

    num_id, article, clause, numbered = None, None, None, 0
    for line in lines:
        level = rest = None
        if (m := _ARTICLE.match(line)) and m["label"] == label:
            number = int(m["num"])
            if num_id is None or number != article + 1:
                num_id = new_instance(number)
            level, rest, article, clause = 0, m["rest"], number, 0
        elif (m := _SUBCLAUSE.match(line)) and article is not None and int(m["major"]) == article:
            if int(m["num"]) == clause + 1:
                level, rest, clause = 1, m["rest"], clause + 1
        paragraph = document.add_paragraph(line if level is None else rest)
        if level is not None:
            numbered += 1
            paragraph._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
            )
    document.save(str(path))
    return path, numbered


@pytest.mark.parametrize("name", SEED_NAMES)
def test_numbers_drawn_by_word_are_read_as_typed(tmp_path, name):
    from gdprcheck.read import read_document

    text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    path, numbered = write_numbered_docx(text, tmp_path / f"{name}-numbered.docx")
    assert numbered >= 15
    plain = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert plain != text  # the numbers really are out of the paragraphs' text
    assert read_document(path).text == text


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
        "docx numbered by Word": write_numbered_docx(text, tmp_path / f"{name}-numbered.docx")[0],
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
