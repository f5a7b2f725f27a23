"""PDF contracts through PDFium (pypdfium2): text layer only; a scan without one is an error."""

from __future__ import annotations

import pypdfium2 as pdfium

from gdprcheck.read import ReadError


def read_pdf(data: bytes) -> tuple[str, list[str]]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ReadError("password-protected PDF") from None
        raise ReadError(f"corrupt or unreadable PDF ({exc})") from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            # PDFium reports a hyphen that ends a line as U+FFFE and drops the line break after it, so
            # "sous-traitant" split over two lines came out as "sous\ufffetraitant". Restore the hyphen and the
            # break: normalisation decides whether the hyphen belongs to the word ("informa-tion" is rejoined).
            pages.append(text.replace("\ufffe", "-\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    text = "\n\n".join(pages)
    if len(text.split()) < 20:
        raise ReadError(f"no text layer in {len(pages)} page(s): scanned PDF, OCR needed")
    return text, [f"{len(pages)} page(s)"]
