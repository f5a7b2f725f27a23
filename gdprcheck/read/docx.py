"""Word contracts: paragraphs and tables in document order, tracked changes read as accepted."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from gdprcheck.read import ReadError

_MAX_UNCOMPRESSED = 200 * 1024 * 1024  # guards against zip bombs renamed .docx


# Run content that stands for characters: tabs and manual line breaks are elements, not text, and reading
# w:t alone glued "16.7<tab>Violation" into "16.7Violation" (no longer a heading) and the words around a line break.
_RUN_CHARS = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
# Text removed when every tracked change is accepted: deletions and the old place of moved text.
_REJECTED = {qn("w:del"), qn("w:moveFrom")}


def _paragraph_text(element) -> str:
    # w:t holds visible and inserted text; deleted text sits in w:delText and is never read, and w:t under a
    # deletion or the source of a move is skipped too, which is exactly "all tracked changes accepted".
    parts = []
    for node in element.iter(qn("w:t"), *_RUN_CHARS):
        if any(ancestor.tag in _REJECTED for ancestor in node.iterancestors()):
            continue
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.getparent().tag == qn("w:r"):  # w:tab also defines tab stops inside w:pPr: not a character
            parts.append(_RUN_CHARS[node.tag])
    return "".join(parts)


def _blocks(container):
    """Paragraphs and tables of a body or table cell in reading order, looking inside content controls (w:sdt),
    which templates often wrap around whole clauses."""
    for child in container.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


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
    for child in _blocks(body):
        if child.tag == qn("w:p"):
            lines.append(_paragraph_text(child))
        else:
            # direct rows and cells only: iter() also reached the rows of a table nested in a cell, which
            # were then read twice (once inside their cell's text, once as rows of the outer table)
            for row in child.iterchildren(qn("w:tr")):
                cells = [" ".join(_paragraph_text(p) for p in cell.iter(qn("w:p"))) for cell in row.iterchildren(qn("w:tc"))]
                # a line break inside a cell must not split the row line
                lines.append(" | ".join(" ".join(cell.split()) for cell in cells))
    notes = []
    if any(body.find(".//" + qn(tag)) is not None for tag in ("w:ins", "w:del", "w:moveFrom", "w:moveTo")):
        notes.append("tracked changes present: audited the text with all changes accepted")
    return "\n".join(lines), notes
