"""Word contracts: paragraphs and tables in document order, tracked changes read as accepted, list and
heading numbers as Word shows them.

Page headers and footers are not read: in contracts they repeat the title, a version, the page number
or "Confidential" on every page, and put in the text they would land in the middle of a clause (the
reason the PDF reader removes them too). The document's note says how many words they held, so that a
reviewer can look when a header carries more than that.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from gdprcheck.read import Deadline, ReadError, ReadLimits
from gdprcheck.read.wordnumbering import WordNumbering

# Run content that stands for characters: tabs and manual line breaks are elements, not text, and reading
# w:t alone glued "16.7<tab>Violation" into "16.7Violation" (no longer a heading) and the words around a line break.
_RUN_CHARS = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
# Text removed when every tracked change is accepted: deletions and the old place of moved text.
_REJECTED = {qn("w:del"), qn("w:moveFrom")}


def _paragraph_text(element, numbering: WordNumbering | None = None) -> str:
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
    label = numbering.label(element) if numbering is not None else ""
    return label + "".join(parts)


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


def _part_element(part):
    return getattr(part, "element", None) if part is not None else None


def _header_footer_words(document) -> int:
    words = 0
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER):
            continue
        element = _part_element(rel.target_part)
        if element is not None:
            words += len(" ".join(_paragraph_text(p) for p in element.iter(qn("w:p"))).split())
    return words


def read_docx(data: bytes, limits: ReadLimits | None = None) -> tuple[str, list[str]]:
    limits = limits or ReadLimits()
    deadline: Deadline = limits.deadline()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # the sizes the archive declares, checked before anything is expanded; zipfile also stops reading an
        # entry that expands beyond its declared size, so a lying header cannot get past this either
        if sum(info.file_size for info in archive.infolist()) > limits.max_docx_expanded_bytes:
            raise ReadError(f"DOCX expands to more than {limits.max_docx_expanded_mb:g} MB: refused (zip bomb?; --max-docx-expanded-mb)")
        document = docx.Document(io.BytesIO(data))
    except ReadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"corrupt or not a Word .docx file ({exc.__class__.__name__})") from None
    except Exception as exc:  # python-docx raises several unrelated types on damaged packages
        raise ReadError(f"corrupt Word file ({exc.__class__.__name__}: {' '.join(str(exc).split())[:120]})") from None

    try:
        numbering_xml = _part_element(document.part.numbering_part)
    except (KeyError, NotImplementedError):  # no numbering part: nothing is numbered
        numbering_xml = None
    numbering = WordNumbering(numbering_xml, document.styles.element)
    lines: list[str] = []
    body = document.element.body
    for index, child in enumerate(_blocks(body)):
        if index % 200 == 0:
            deadline.check(f"paragraph {index + 1}")
        if child.tag == qn("w:p"):
            lines.append(_paragraph_text(child, numbering))
        else:
            # direct rows and cells only: iter() also reached the rows of a table nested in a cell, which
            # were then read twice (once inside their cell's text, once as rows of the outer table)
            for row in child.iterchildren(qn("w:tr")):
                cells = [
                    " ".join(_paragraph_text(p, numbering) for p in cell.iter(qn("w:p"))) for cell in row.iterchildren(qn("w:tc"))
                ]
                # a line break inside a cell must not split the row line
                lines.append(" | ".join(" ".join(cell.split()) for cell in cells))
    notes = []
    if any(body.find(".//" + qn(tag)) is not None for tag in ("w:ins", "w:del", "w:moveFrom", "w:moveTo")):
        notes.append("tracked changes present: audited the text with all changes accepted")
    furniture = _header_footer_words(document)
    if furniture:
        notes.append(f"page headers and footers not audited ({furniture} words)")
    return "\n".join(lines), notes
