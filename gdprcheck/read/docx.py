"""Word contracts: paragraphs and tables in document order, tracked changes read as accepted."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from gdprcheck.read import ReadError

_MAX_UNCOMPRESSED = 200 * 1024 * 1024  # guards against zip bombs renamed .docx


def _paragraph_text(element) -> str:
    # w:t holds visible and inserted text; deleted text sits in w:delText and is skipped,
    # which is exactly "all tracked changes accepted".
    return "".join(node.text or "" for node in element.iter(qn("w:t")))


def read_docx(data: bytes) -> tuple[str, list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNCOMPRESSED:
            raise ReadError("DOCX expands to more than 200 MB: refused (zip bomb?)")
        document = docx.Document(io.BytesIO(data))
    except ReadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"corrupt or not a Word .docx file ({exc.__class__.__name__})") from None
    except Exception as exc:  # python-docx raises several unrelated types on damaged packages
        raise ReadError(f"corrupt Word file ({exc.__class__.__name__}: {exc})") from None

    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(_paragraph_text(child))
        elif child.tag == qn("w:tbl"):
            for row in child.iter(qn("w:tr")):
                cells = [" ".join(_paragraph_text(p) for p in cell.iter(qn("w:p"))) for cell in row.iter(qn("w:tc"))]
                lines.append(" | ".join(cell.strip() for cell in cells))
    notes = []
    if body.find(".//" + qn("w:ins")) is not None or body.find(".//" + qn("w:del")) is not None:
        notes.append("tracked changes present: audited the text with all changes accepted")
    return "\n".join(lines), notes
