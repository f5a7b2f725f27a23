"""PDF contracts through PDFium (pypdfium2): text layer only; a scan without one is an error.

Running headers, footers and page numbers are removed: left in, they land in the middle of the
sentence that runs over the page break and cut a clause in two.

Why PDFium: measured against pdfplumber 0.11 and pdfminer.six 20260107 on PDFs drawn from the three
seed contracts in five layouts (one column with header and footer; two columns in 7 pt; justified
paragraphs; a page turned sideways with /Rotate; landscape text turned upright with /Rotate), auditing
each and comparing with the audit of the source text. PDFium gave the text's findings in every layout
(72/72 item results per layout, >= 99.6% of the words in sequence) and is 30-100 times faster; on the
sideways page only once its text is read in the direction it runs (below: 64/72 and 13% before).
pdfplumber's extract_text() merges two columns line by line (54% in sequence, 60/72 results);
pdfminer.six keeps columns apart but reorders blocks (67-96% in sequence, findings intact here); both
scramble the sideways page (pdfplumber 61/72, pdfminer.six 22/72 and about a minute per contract).
Neither is a dependency.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gdprcheck.read import Deadline, ReadError, ReadLimits

_EDGE_LINES = 3  # lines at the top and at the bottom of a page that may be header or footer
_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*)?(?:page|p\.|pag\.|pagina|seite|blz\.)?\s*\d{1,4}\s*(?:(?:/|of|sur|de|von|van|z)\s*\d{1,4})?(?:\s*-)?\s*$",
    re.IGNORECASE,
)


def _text_direction(textpage: pdfium.PdfTextPage) -> int | None:
    """The direction most of the page's characters run in, as a page rotation (0, 90, 180, 270), from a sample."""
    count = textpage.count_chars()
    if count <= 0:
        return None
    angles: Counter[int] = Counter()
    for index in range(0, count, max(1, count // 64)):
        angle = pdfium_c.FPDFText_GetCharAngle(textpage.raw, index)
        if angle >= 0:
            angles[round(math.degrees(angle) / 90) % 4 * 90] += 1
    return angles.most_common(1)[0][0] if angles else None


_CELL_GAP_EMS = 1.0  # a gap between words this wide (in font sizes) is a gap between a table's cells


def _char_box(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, float, float, float]:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    pdfium_c.FPDFText_GetCharBox(textpage.raw, index, left, right, bottom, top)
    return left.value, right.value, bottom.value, top.value


def _with_cell_gaps(textpage: pdfium.PdfTextPage, text: str) -> str:
    """A table row's cells apart by a tab: PDFium writes one generated space between two cells, as
    between two words, so the columns were lost ("Hetzner Online GmbH Hosting Deutschland"). A space
    PDFium generated over a gap at least a font size wide (measured on reportlab tables: cells 12.8-63
    pt apart at 10 pt, words 3-4.5 pt) becomes a tab; the text's characters map one to one to PDFium's
    (count_chars() == len(get_text_range())), checked before anything is changed."""
    if textpage.count_chars() != len(text):
        return text
    chars = list(text)
    position = text.find(" ", 1)
    while 0 < position < len(text) - 1:
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, position) == 1:
            before, after = _char_box(textpage, position - 1), _char_box(textpage, position + 1)
            # the distance along whichever axis the text runs (a sideways page's lines run up or down)
            gap = max(after[0] - before[1], before[0] - after[1], after[2] - before[3], before[2] - after[3])
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, position - 1) or (before[3] - before[2])
            if size > 0 and gap >= _CELL_GAP_EMS * size:
                chars[position] = "\t"
        position = text.find(" ", position + 1)
    return "".join(chars)


def _page_texts(pdf: pdfium.PdfDocument, deadline: Deadline) -> list[str]:
    pages = []
    for index in range(len(pdf)):
        deadline.check(f"page {index + 1} of {len(pdf)}")
        page = pdf[index]
        textpage = page.get_textpage()
        # PDFium orders lines across the page as it is displayed (its /Rotate applied). A page turned in a viewer
        # and saved shows its text sideways, and the lines then came out in a scrambled order (measured: 13% of
        # the words in sequence). Reading the page in the direction its characters run gives them back in order.
        direction = _text_direction(textpage)
        if direction is not None and direction != page.get_rotation():
            textpage.close()
            page.set_rotation(direction)  # in memory only: the file is never written
            textpage = page.get_textpage()
        text = _with_cell_gaps(textpage, textpage.get_text_range()).replace("\r\n", "\n").replace("\r", "\n")
        # PDFium reports a hyphen that ends a line as U+FFFE and drops the line break after it, so
        # "sous-traitant" split over two lines came out as "sous\ufffetraitant". Restore the hyphen and the
        # break: normalisation decides whether the hyphen belongs to the word ("informa-tion" is rejoined).
        pages.append(text.replace("\ufffe", "-\n"))
        textpage.close()
        page.close()
    return pages


_NUMBERED_PAGE = re.compile(r"(?:page|seite|pagina|blz\.|p\.)\s*\d|\d+\s*(?:/|of|sur|von|van)\s*\d+", re.IGNORECASE)


def _shape(line: str) -> str:
    """The line as compared across pages. Only a line that numbers pages ('Conditions générales -
    page 3/12') has its digits made generic: 'ARTICLE 5' atop one page and 'ARTICLE 9' atop
    another are headings, not a running header."""
    shape = " ".join(line.lower().split())
    return re.sub(r"\d+", "#", shape) if _NUMBERED_PAGE.search(shape) else shape


def _edges(lines: list[str]) -> list[int]:
    content = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(content[:_EDGE_LINES] + content[-_EDGE_LINES:]))


def strip_page_furniture(pages: list[str]) -> tuple[list[str], int]:
    """Remove lines repeated at the top or bottom of most pages, and bare page numbers there.
    Returns the pages and the number of lines removed."""
    split = [page.split("\n") for page in pages]
    repeated: Counter[str] = Counter()
    for lines in split:
        repeated.update({_shape(lines[i]) for i in _edges(lines)})
    threshold = max(2, (len(pages) + 1) // 2)
    furniture = {shape for shape, count in repeated.items() if count >= threshold and len(pages) >= 2 and shape.strip()}
    removed = 0
    cleaned = []
    for lines in split:
        drop = {i for i in _edges(lines) if _shape(lines[i]) in furniture or _PAGE_NUMBER.match(lines[i])}
        removed += len(drop)
        cleaned.append("\n".join(line for i, line in enumerate(lines) if i not in drop))
    return cleaned, removed


def read_pdf(data: bytes, limits: ReadLimits | None = None) -> tuple[str, list[str]]:
    limits = limits or ReadLimits()
    deadline = limits.deadline()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ReadError("password-protected PDF") from None
        raise ReadError(f"corrupt or unreadable PDF ({exc})") from None
    try:
        if len(pdf) > limits.max_pdf_pages:
            raise ReadError(f"PDF has {len(pdf)} pages, over the {limits.max_pdf_pages}-page limit (--max-pdf-pages)")
        pages = _page_texts(pdf, deadline)
    finally:
        pdf.close()
    if len("".join(pages).split()) < 20:
        raise ReadError(f"no text layer in {len(pages)} page(s): scanned PDF, OCR needed")
    pages, removed = strip_page_furniture(pages)
    notes = [f"{len(pages)} page(s)"]
    if removed:
        notes.append(f"{removed} header, footer or page-number line(s) removed")
    empty = [str(number) for number, page in enumerate(pages, start=1) if not page.strip()]
    if empty and len(empty) < len(pages):
        notes.append(f"no text on page(s) {', '.join(empty)} (scanned pages are not read)")
    # pages are joined by a line break only: a sentence that runs over the page break is rejoined
    return "\n".join(pages), notes
